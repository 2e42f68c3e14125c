/*
 * cli.h - the command-line conventions every BenchFS program follows (benchfsd,
 * benchfs-shutdown, benchfs-run, the MPI tools, benchfs-bench, bw):
 *
 * - the file-system options are long-only and spelled alike everywhere: --servers N,
 *   --data-dir DIR, --attach ADDRFILE, --sync, --new-fs;
 * - -h, --help and --version ("PROGRAM (BenchFS) VERSION") in every program;
 * - a bad command line is reported as one line "PROGRAM: message" and the usage line on stderr,
 *   with exit status BFS_CLI_EXIT_USAGE.
 *
 * Header-only: the programs link libbenchfs, whose internal symbols are hidden.
 */
#ifndef BFS_CLI_H
#define BFS_CLI_H

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "benchfs.h"

/** Exit status for a bad command line (as ls and find use). */
#define BFS_CLI_EXIT_USAGE 2

/** bfs_cli_version - the --version line of program @name on stdout. */
static inline void bfs_cli_version(const char *name)
{
	printf("%s (BenchFS) %s\n", name, BENCHFS_VERSION);
}

/**
 * bfs_cli_getopt_error - getopt_long's complaint about the option it just read, worded as GNU
 * getopt words it, into @msg (@len bytes), for programs that set opterr = 0 and report usage
 * errors themselves. @c is what getopt_long returned: ':' (missing argument; the option string
 * must start with ':', after an optional '+') or '?' (unknown option).
 */
static inline void bfs_cli_getopt_error(char *msg, size_t len, int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':' && optopt && optopt < 0x100 && arg[0] == '-' && arg[1] != '-')
		snprintf(msg, len, "option requires an argument -- '%c'", optopt);
	else if (c == ':')
		snprintf(msg, len, "option '%s' requires an argument", arg);
	else if (optopt && optopt < 0x100)
		snprintf(msg, len, "invalid option -- '%c'", optopt);
	else
		snprintf(msg, len, "unrecognized option '%s'", arg);
}

/**
 * bfs_cli_vusage_error - report a bad command line on stderr: "@name: MESSAGE" (printf format
 * @fmt with @ap) and then @usage (the usage line, ending with a newline). The caller exits with
 * BFS_CLI_EXIT_USAGE (in an MPI program rank 0 reports and every rank exits).
 */
static inline void bfs_cli_vusage_error(const char *name, const char *usage, const char *fmt,
                                        va_list ap)
{
	fprintf(stderr, "%s: ", name);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n%s", usage);
}

/**
 * bfs_cli_usage_exit - bfs_cli_vusage_error() and exit(BFS_CLI_EXIT_USAGE), for the programs
 * that are not MPI programs (benchfs-shutdown, benchfs-run).
 */
static inline void __attribute__((noreturn, format(printf, 3, 4)))
bfs_cli_usage_exit(const char *name, const char *usage, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bfs_cli_vusage_error(name, usage, fmt, ap);
	va_end(ap);
	exit(BFS_CLI_EXIT_USAGE);
}

/**
 * bfs_cli_fs_env - what --sync and --new-fs ask of the servers started after this call, in this
 * process or in the programs it executes: BENCHFS_SYNC=1 (flush metadata at every operation)
 * and BENCHFS_NEW_FS=1 (make a new, empty file system in the data directories), which the
 * library reads when a server opens its data directory. Flags that are 0 leave the environment
 * as it is. Return 0 or -errno.
 */
static inline int bfs_cli_fs_env(int sync, int new_fs)
{
	if ((sync && setenv("BENCHFS_SYNC", "1", 1)) ||
	    (new_fs && setenv("BENCHFS_NEW_FS", "1", 1)))
		return -errno;
	return 0;
}

#endif /* BFS_CLI_H */
