/*
 * benchfs-shutdown - stop standalone BenchFS servers: every server flushes its data and
 * metadata to storage, answers, and exits.
 *
 *   benchfs-shutdown [-a ADDRFILE]       (default: $BENCHFS_ADDR)
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "benchfs.h"

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"addr", required_argument, 0, 'a'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
	const char *addrfile = NULL;
	int c, rc;

	while ((c = getopt_long(argc, argv, "a:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			addrfile = optarg;
			break;
		case 'h':
			printf("usage: benchfs-shutdown [-a ADDRFILE]\n");
			return 0;
		default:
			fprintf(stderr, "usage: benchfs-shutdown [-a ADDRFILE]\n");
			return 2;
		}
	}
	rc = benchfs_init(addrfile);
	if (rc) {
		fprintf(stderr, "benchfs-shutdown: %s: %s\n", addrfile ? addrfile : "$BENCHFS_ADDR",
		        rc == -EINVAL ? "not a BenchFS address file" : benchfs_strerror(rc));
		return 1;
	}
	rc = benchfs_shutdown_servers();
	benchfs_term();
	if (rc) {
		fprintf(stderr, "benchfs-shutdown: %s\n", benchfs_strerror(rc));
		return 1;
	}
	printf("benchfs-shutdown: servers stopped\n");
	return 0;
}
