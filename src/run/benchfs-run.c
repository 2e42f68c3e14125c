/*
 * benchfs-run - run an unmodified MPI program on BenchFS:
 *
 *	mpirun -n M benchfs-run --servers N [--data-dir DIR] -- PROGRAM [ARGS...]
 *
 * Not an MPI program: every rank sets the environment and executes PROGRAM with
 * libbenchfs-run.so preloaded (plus libbenchfs-romio.so when it was built, for "benchfs:" MPI-IO
 * names). In PROGRAM's MPI_Init, N ranks become BenchFS servers and the M-N others run PROGRAM
 * in a world of their own (see core.c). Without --servers, PROGRAM attaches to standalone servers
 * through BENCHFS_ADDR: only libbenchfs-romio.so is preloaded, no rank serves.
 *
 * The libraries are looked up in $BENCHFS_RUN_LIBDIR if set, else in the build tree when this
 * program is run from there (.libs/ and adio/ next to it), else in the installation's libdir.
 * Environment passed on: BENCHFS_RUN_SERVERS, BENCHFS_RUN_DATA_DIR, LD_PRELOAD (ours, then what
 * was there; a sanitizer runtime there, libasan or libubsan, stays first).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run/preload.h"

#ifndef BENCHFS_LIBDIR
#define BENCHFS_LIBDIR "/usr/local/lib"
#endif

#define RUN_LIB   "libbenchfs-run.so"
#define ROMIO_LIB "libbenchfs-romio.so"

static const char usage[] =
    "usage: mpirun -n M benchfs-run [--servers N [--data-dir DIR]] [--] PROGRAM [ARGS...]\n"
    "Run an MPI program on BenchFS, unmodified.\n"
    "  -s, --servers N     N of the M ranks become BenchFS servers; PROGRAM runs on the other\n"
    "                      M-N, as its MPI_COMM_WORLD. Without it: attach to standalone servers\n"
    "                      (benchfsd) through the address file named by $BENCHFS_ADDR.\n"
    "  -d, --data-dir DIR  node-local directory of the servers' data (DIR/server-I; default\n"
    "                      $BENCHFS_DATA_DIR, else $TMPDIR/benchfs-$USER)\n"
    "  -h, --help          this text\n"
    "MPI-IO on \"benchfs:/path\" names works when libbenchfs-romio.so was built.\n";

static char exedir[PATH_MAX];

/* @dir/@name into @out if that file exists; returns 1 if found */
static int look(char *out, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(out, cap, "%s/%s", dir, name);

	if (n > 0 && (size_t)n < cap && access(out, R_OK) == 0)
		return 1;
	out[0] = '\0';
	return 0;
}

/*
 * find @name: in $BENCHFS_RUN_LIBDIR when set; else, when this program runs from the build tree
 * (.libs/libbenchfs-run.so next to it), in @subdir of its directory only, so that an installed
 * copy of another version is never mixed in; else in the installation's libdir. Returns 1 if
 * found (path in @out).
 */
static int find_lib(char *out, size_t cap, const char *name, const char *subdir)
{
	const char *env = getenv("BENCHFS_RUN_LIBDIR");
	char dir[PATH_MAX + 16], probe[PATH_MAX + 64];

	if (env && *env)
		return look(out, cap, env, name);
	snprintf(dir, sizeof(dir), "%s/.libs", exedir);
	if (*exedir && look(probe, sizeof(probe), dir, RUN_LIB)) {
		snprintf(dir, sizeof(dir), "%s/%s", exedir, subdir);
		return look(out, cap, dir, name);
	}
	return look(out, cap, BENCHFS_LIBDIR, name);
}

static int parse_count(const char *s, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || end == s || *end || n < 1 || n > 1 << 20)
		return -1;
	*out = (int)n;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"servers", required_argument, NULL, 's'},
	    {"data-dir", required_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	char runlib[PATH_MAX + 32] = "", romio[PATH_MAX + 32] = "", num[16];
	char ours[sizeof(runlib) + sizeof(romio) + 1];
	const char *data_dir = NULL;
	char *preload;
	int c, rc, nservers = 0;
	ssize_t n;

	while ((c = getopt_long(argc, argv, "+s:d:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_count(optarg, &nservers)) {
				fprintf(stderr,
				        "benchfs-run: --servers %s: not a number of servers\n",
				        optarg);
				return 2;
			}
			break;
		case 'd':
			if (!*optarg) {
				fprintf(stderr, "benchfs-run: --data-dir: empty directory name\n");
				return 2;
			}
			data_dir = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fprintf(stderr, "benchfs-run: see benchfs-run --help\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr,
		        "benchfs-run: no program to run (benchfs-run --servers N -- PROGRAM "
		        "[ARGS...])\n");
		return 2;
	}
	if (data_dir && !nservers) {
		fprintf(stderr, "benchfs-run: --data-dir %s needs --servers N\n", data_dir);
		return 2;
	}
	if (!nservers && !getenv("BENCHFS_ADDR")) {
		fprintf(stderr, "benchfs-run: no --servers and BENCHFS_ADDR is not set: no BenchFS "
		                "servers to use\n");
		return 2;
	}

	n = readlink("/proc/self/exe", exedir, sizeof(exedir) - 1);
	if (n > 0) {
		exedir[n] = '\0';
		char *slash = strrchr(exedir, '/');
		if (slash)
			*slash = '\0';
	} else {
		exedir[0] = '\0';
	}
	if (nservers && !find_lib(runlib, sizeof(runlib), RUN_LIB, ".libs")) {
		fprintf(stderr, "benchfs-run: %s not found in %s\n", RUN_LIB,
		        getenv("BENCHFS_RUN_LIBDIR") && *getenv("BENCHFS_RUN_LIBDIR")
		            ? getenv("BENCHFS_RUN_LIBDIR")
		            : BENCHFS_LIBDIR " (nor in the build tree; set BENCHFS_RUN_LIBDIR)");
		return 2;
	}
	if (!find_lib(romio, sizeof(romio), ROMIO_LIB, "adio"))
		romio[0] = '\0'; /* not built: no MPI-IO on benchfs: names */

	/* LD_PRELOAD: ours first, then what was there (but a sanitizer's runtime stays first) */
	snprintf(ours, sizeof(ours), "%s%s%s", runlib, *runlib && *romio ? ":" : "", romio);
	preload = bfs_preload_value(ours, getenv("LD_PRELOAD"));
	if (!preload) {
		fprintf(stderr, "benchfs-run: out of memory\n");
		return 2;
	}
	snprintf(num, sizeof(num), "%d", nservers);
	rc = (*preload && setenv("LD_PRELOAD", preload, 1)) ||
	     (nservers ? setenv("BENCHFS_RUN_SERVERS", num, 1) : unsetenv("BENCHFS_RUN_SERVERS")) ||
	     (data_dir ? setenv("BENCHFS_RUN_DATA_DIR", data_dir, 1)
	               : unsetenv("BENCHFS_RUN_DATA_DIR"));
	free(preload); /* setenv copied it (a failed exec returns: no leak then) */
	if (rc) {
		fprintf(stderr, "benchfs-run: setting the environment: %s\n", strerror(errno));
		return 2;
	}
	execvp(argv[optind], argv + optind);
	fprintf(stderr, "benchfs-run: %s: %s\n", argv[optind], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
