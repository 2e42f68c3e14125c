/*
 * benchfs-shutdown - stop standalone BenchFS servers: every server flushes its data and
 * metadata to storage, answers, and exits.
 *
 *   benchfs-shutdown [--attach ADDRFILE]       (default: $BENCHFS_ADDR)
 *
 * Options follow common/cli.h.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "benchfs.h"
#include "common/cli.h"

#define NAME "benchfs-shutdown"

static const char usage_line[] = "Usage: benchfs-shutdown [--attach ADDRFILE]\n";

static const char help_text[] =
    "Stop standalone BenchFS servers (benchfsd): every server flushes its data and\n"
    "metadata to storage, answers, and exits.\n"
    "\n"
    "      --attach ADDRFILE the servers' address file (default: env BENCHFS_ADDR)\n"
    "  -h, --help            show this help and exit\n"
    "      --version         show the version and exit\n";

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    BFS_CLI_OPT_ATTACH,
	    BFS_CLI_OPT_HELP,
	    BFS_CLI_OPT_VERSION,
	    {NULL, 0, NULL, 0},
	};
	struct bfs_cli_fs fs = {0};
	const char *addrfile;
	char msg[512];
	int c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (bfs_cli_fs_option(&fs, c, optarg))
			continue;
		if (bfs_cli_info(c, NAME, usage_line, help_text))
			return 0;
		bfs_cli_getopt_error(msg, sizeof(msg), c, argv);
		bfs_cli_usage_exit(NAME, usage_line, "%s", msg);
	}
	if (optind != argc)
		bfs_cli_usage_exit(NAME, usage_line, "unexpected argument '%s'", argv[optind]);
	if (bfs_cli_fs_check(&fs, 0, msg, sizeof(msg)))
		bfs_cli_usage_exit(NAME, usage_line, "%s", msg);
	addrfile = fs.attach;
	if (!addrfile && !getenv("BENCHFS_ADDR"))
		bfs_cli_usage_exit(NAME, usage_line,
		                   "no servers: give --attach ADDRFILE or set BENCHFS_ADDR");
	rc = benchfs_init(addrfile);
	if (rc) {
		fprintf(stderr, NAME ": %s: %s\n", addrfile ? addrfile : getenv("BENCHFS_ADDR"),
		        rc == -EINVAL ? "not a BenchFS address file" : benchfs_strerror(rc));
		return 1;
	}
	rc = benchfs_shutdown_servers();
	benchfs_term();
	if (rc) {
		fprintf(stderr, NAME ": %s\n", benchfs_strerror(rc));
		return 1;
	}
	printf(NAME ": servers stopped\n");
	return 0;
}
