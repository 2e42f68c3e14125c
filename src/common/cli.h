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

/** Largest --servers value taken. */
#define BFS_CLI_SERVERS_MAX (1 << 20)

/** getopt_long values of the common options (above the short letters and the programs' own). */
enum bfs_cli_opt {
	BFS_CLI_SERVERS = 0x1000,
	BFS_CLI_DATA_DIR,
	BFS_CLI_ATTACH,
	BFS_CLI_SYNC,
	BFS_CLI_NEW_FS,
	BFS_CLI_VERSION,
};

/* Entries of struct option for the common options: the one spelling of each. */
/* clang-format off */
#define BFS_CLI_OPT_SERVERS  {"servers", required_argument, NULL, BFS_CLI_SERVERS}
#define BFS_CLI_OPT_DATA_DIR {"data-dir", required_argument, NULL, BFS_CLI_DATA_DIR}
#define BFS_CLI_OPT_ATTACH   {"attach", required_argument, NULL, BFS_CLI_ATTACH}
#define BFS_CLI_OPT_SYNC     {"sync", no_argument, NULL, BFS_CLI_SYNC}
#define BFS_CLI_OPT_NEW_FS   {"new-fs", no_argument, NULL, BFS_CLI_NEW_FS}
#define BFS_CLI_OPT_HELP     {"help", no_argument, NULL, 'h'}
#define BFS_CLI_OPT_VERSION  {"version", no_argument, NULL, BFS_CLI_VERSION}
/* clang-format on */

/** The file-system options as given on the command line. */
struct bfs_cli_fs {
	int servers;             /**< --servers N; 0 when not given, -1 when not a number */
	const char *servers_arg; /**< its argument as given */
	const char *data_dir;    /**< --data-dir DIR, or NULL */
	const char *attach;      /**< --attach ADDRFILE, or NULL */
	int sync;                /**< --sync */
	int new_fs;              /**< --new-fs */
};

/**
 * bfs_cli_fs_option - record in @fs the file-system option getopt_long returned as @c, with
 * argument @arg. Return 1 when @c is one of them, else 0 (the caller's own option, or an error).
 * Bad values are reported by bfs_cli_fs_check().
 */
static inline int bfs_cli_fs_option(struct bfs_cli_fs *fs, int c, const char *arg)
{
	char *end;
	long n;

	switch (c) {
	case BFS_CLI_SERVERS:
		errno = 0;
		n = strtol(arg, &end, 10);
		fs->servers =
		    errno || end == arg || *end || n < 1 || n > BFS_CLI_SERVERS_MAX ? -1 : (int)n;
		fs->servers_arg = arg;
		return 1;
	case BFS_CLI_DATA_DIR:
		fs->data_dir = arg;
		return 1;
	case BFS_CLI_ATTACH:
		fs->attach = arg;
		return 1;
	case BFS_CLI_SYNC:
		fs->sync = 1;
		return 1;
	case BFS_CLI_NEW_FS:
		fs->new_fs = 1;
		return 1;
	}
	return 0;
}

/**
 * bfs_cli_fs_check - the usage errors of the file-system options in @fs: a --servers value
 * that is not a number of servers (1 to BFS_CLI_SERVERS_MAX), an empty --data-dir or --attach;
 * and when @injob (the servers are the --servers ranks of the program's own job, not every rank
 * as in benchfsd), --servers with --attach, and --data-dir, --sync or --new-fs without
 * --servers. Return 0, or -1 with the message in @msg (@len bytes).
 */
static inline int bfs_cli_fs_check(const struct bfs_cli_fs *fs, int injob, char *msg, size_t len)
{
	const char *alone = NULL; /* an option given without the --servers it needs */

	if (injob && !fs->servers && fs->data_dir)
		alone = "--data-dir";
	else if (injob && !fs->servers && fs->sync)
		alone = "--sync";
	else if (injob && !fs->servers && fs->new_fs)
		alone = "--new-fs";
	if (fs->servers < 0)
		snprintf(msg, len, "--servers %s: not a number of servers", fs->servers_arg);
	else if (fs->data_dir && !*fs->data_dir)
		snprintf(msg, len, "--data-dir: empty directory name");
	else if (fs->attach && !*fs->attach)
		snprintf(msg, len, "--attach: empty file name");
	else if (injob && fs->servers && fs->attach)
		snprintf(msg, len, "--servers and --attach exclude each other");
	else if (alone)
		snprintf(msg, len, "%s needs --servers", alone);
	else
		return 0;
	return -1;
}

/** bfs_cli_version - the --version line of program @name on stdout. */
static inline void bfs_cli_version(const char *name)
{
	printf("%s (BenchFS) %s\n", name, BENCHFS_VERSION);
}

/**
 * bfs_cli_info - for -h/--help (@c is 'h') print @usage and then @help, for --version
 * (BFS_CLI_VERSION) the version line of program @name, on stdout. Return 1 when @c was one of
 * them (the program then exits 0), else 0.
 */
static inline int bfs_cli_info(int c, const char *name, const char *usage, const char *help)
{
	if (c == 'h')
		printf("%s%s", usage, help);
	else if (c == BFS_CLI_VERSION)
		bfs_cli_version(name);
	else
		return 0;
	return 1;
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
 * bfs_cli_fs_env - what --sync and --new-fs in @fs ask of the servers started after this call,
 * in this process or in the programs it executes: BENCHFS_SYNC=1 (flush metadata at every
 * operation) and BENCHFS_NEW_FS=1 (make a new, empty file system in the data directories),
 * which the library reads when a server opens its data directory. Options not given leave the
 * environment as it is. Return 0 or -errno.
 */
static inline int bfs_cli_fs_env(const struct bfs_cli_fs *fs)
{
	if ((fs->sync && setenv("BENCHFS_SYNC", "1", 1)) ||
	    (fs->new_fs && setenv("BENCHFS_NEW_FS", "1", 1)))
		return -errno;
	return 0;
}

#endif /* BFS_CLI_H */
