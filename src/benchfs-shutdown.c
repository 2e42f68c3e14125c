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

enum { OPT_ATTACH = 0x100, OPT_VERSION };

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"attach", required_argument, NULL, OPT_ATTACH},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {"version", no_argument, NULL, OPT_VERSION},
	                                     {NULL, 0, NULL, 0}};
	const char *addrfile = NULL;
	char msg[512];
	int c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_ATTACH:
			addrfile = optarg;
			break;
		case 'h':
			printf("%s%s", usage_line, help_text);
			return 0;
		case OPT_VERSION:
			bfs_cli_version(NAME);
			return 0;
		default:
			bfs_cli_getopt_error(msg, sizeof(msg), c, argv);
			bfs_cli_usage_exit(NAME, usage_line, "%s", msg);
		}
	}
	if (optind != argc)
		bfs_cli_usage_exit(NAME, usage_line, "unexpected argument '%s'", argv[optind]);
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
