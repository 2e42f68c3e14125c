/*
 * benchfs-run - run an unmodified MPI program on BenchFS:
 *
 *	mpirun -n M benchfs-run --servers N [--data-dir DIR] [--sync] [--new-fs] -- PROGRAM ARG...
 *	mpirun -n M benchfs-run [--attach ADDRFILE] -- PROGRAM ARG...
 *
 * Not an MPI program: every rank sets the environment and executes PROGRAM with
 * libbenchfs-run.so preloaded (plus libbenchfs-romio.so when it was built, for "benchfs:" MPI-IO
 * names). In PROGRAM's MPI_Init, N ranks become BenchFS servers and the M-N others run PROGRAM
 * in a world of their own (see core.c). Without --servers, PROGRAM attaches to standalone servers
 * through BENCHFS_ADDR (which --attach sets): only libbenchfs-romio.so is preloaded, no rank
 * serves. Options follow common/cli.h and stop at PROGRAM or "--".
 *
 * The libraries are looked up in $BENCHFS_RUN_LIBDIR if set, else in the build tree when this
 * program is run from there (.libs/ and adio/ next to it), else in the installation's libdir.
 * libbenchfs-posix.so is preloaded too (unless --no-posix): plain POSIX calls on paths under
 * the mount prefix reach BenchFS, and a program that is no MPI program (cat, bash, python)
 * gets its servers started by libbenchfs-run.so's constructor (core.c).
 *
 * Environment passed on: BENCHFS_RUN_SERVERS, BENCHFS_RUN_DATA_DIR, BENCHFS_ADDR (--attach),
 * BENCHFS_SYNC (--sync), BENCHFS_NEW_FS (--new-fs), BENCHFS_MOUNT (--mount), BENCHFS_RUN_POSIX
 * (1 unless --no-posix), LD_PRELOAD (ours, then what was there; a sanitizer runtime there,
 * libasan or libubsan, stays first).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cli.h"
#include "run/preload.h"

#ifndef BENCHFS_LIBDIR
#define BENCHFS_LIBDIR "/usr/local/lib"
#endif
#ifndef BENCHFS_LIBEXECDIR
#define BENCHFS_LIBEXECDIR "/usr/local/libexec/benchfs"
#endif

#define NAME      "benchfs-run"
#define RUN_LIB   "libbenchfs-run.so"
#define POSIX_LIB "libbenchfs-posix.so"
#define ROMIO_LIB "libbenchfs-romio.so"

/* benchfs-run's own options, after the common ones */
enum { OPT_MOUNT = 0x2000, OPT_NO_POSIX };

static const char usage_line[] =
    "Usage: mpirun -n M benchfs-run [--servers N [--data-dir DIR] [--sync] [--new-fs] | "
    "--attach ADDRFILE] [--mount DIR | --no-posix] [--] PROGRAM [ARGS...]\n";

static const char help_text[] =
    "Run an MPI program on BenchFS, unmodified. Options end at PROGRAM or at \"--\".\n"
    "\n"
    "      --servers N       N of the M ranks become BenchFS servers; PROGRAM runs on\n"
    "                        the other M-N, as its MPI_COMM_WORLD\n"
    "      --data-dir DIR    node-local data directory of those servers (DIR/server-I;\n"
    "                        default: env BENCHFS_DATA_DIR, else $TMPDIR/benchfs-$USER)\n"
    "      --sync            those servers flush metadata at every operation\n"
    "                        (as env BENCHFS_SYNC=1)\n"
    "      --new-fs          make a new, empty file system in the data\n"
    "                        directories, erasing the BenchFS data an earlier\n"
    "                        run left there\n"
    "      --attach ADDRFILE without --servers: PROGRAM uses the standalone servers\n"
    "                        (benchfsd) of ADDRFILE (sets BENCHFS_ADDR; default: env\n"
    "                        BENCHFS_ADDR)\n"
    "      --mount DIR       POSIX calls on paths under DIR go to BenchFS (default:\n"
    "                        env BENCHFS_MOUNT, else /benchfs; libbenchfs-posix.so)\n"
    "      --no-posix        do not preload libbenchfs-posix.so: only MPI-IO and the\n"
    "                        BenchFS library reach BenchFS\n"
    "  -h, --help            show this help and exit\n"
    "      --version         show the version and exit\n"
    "Plain POSIX I/O (open, read, stat, ...) on paths under the mount directory and\n"
    "on \"benchfs:/path\" names reaches BenchFS, also from programs that are not MPI\n"
    "programs (cat, cp, python, a shell; see benchfs-posix(7)). MPI-IO on\n"
    "\"benchfs:/path\" names works when libbenchfs-romio.so was built.\n";

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

/* benchfs-job (see core.c): $BENCHFS_RUN_JOB, else next to this program in the build tree,
 * else in the installation's pkglibexecdir. Returns 1 if found (path in @out). */
static int find_job(char *out, size_t cap)
{
	const char *env = getenv("BENCHFS_RUN_JOB");
	char dir[PATH_MAX + 16], probe[PATH_MAX + 64];

	if (env && *env) {
		snprintf(out, cap, "%s", env);
		return access(out, X_OK) == 0;
	}
	snprintf(dir, sizeof(dir), "%s/.libs", exedir);
	if (*exedir && look(probe, sizeof(probe), dir, RUN_LIB))
		return look(out, cap, exedir, "benchfs-job");
	return look(out, cap, BENCHFS_LIBEXECDIR, "benchfs-job");
}

/* A bad command line: "benchfs-run: MESSAGE" and the usage line, exit 2. */
#define usage_error(...) bfs_cli_usage_exit(NAME, usage_line, __VA_ARGS__)

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    BFS_CLI_OPT_SERVERS,
	    BFS_CLI_OPT_DATA_DIR,
	    BFS_CLI_OPT_SYNC,
	    BFS_CLI_OPT_NEW_FS,
	    BFS_CLI_OPT_ATTACH,
	    BFS_CLI_OPT_HELP,
	    BFS_CLI_OPT_VERSION,
	    {"mount", required_argument, NULL, OPT_MOUNT},
	    {"no-posix", no_argument, NULL, OPT_NO_POSIX},
	    {NULL, 0, NULL, 0},
	};
	char runlib[PATH_MAX + 32] = "", romio[PATH_MAX + 32] = "", posix[PATH_MAX + 32] = "";
	char ours[3 * (PATH_MAX + 32) + 3], num[16], msg[512], job[PATH_MAX + 32] = "";
	const char *mount = NULL;
	int no_posix = 0;
	struct bfs_cli_fs fs = {0};
	char *preload;
	int c, rc;
	ssize_t n;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		if (bfs_cli_fs_option(&fs, c, optarg))
			continue;
		if (c == OPT_MOUNT) {
			if (optarg[0] != '/' || !optarg[1])
				usage_error("--mount %s: not an absolute directory other than /",
				            optarg);
			mount = optarg;
			continue;
		}
		if (c == OPT_NO_POSIX) {
			no_posix = 1;
			continue;
		}
		if (bfs_cli_info(c, NAME, usage_line, help_text))
			return 0;
		bfs_cli_getopt_error(msg, sizeof(msg), c, argv);
		usage_error("%s", msg);
	}
	if (optind >= argc)
		usage_error("no program to run");
	if (bfs_cli_fs_check(&fs, 1, msg, sizeof(msg)))
		usage_error("%s", msg);
	if (!fs.servers && !fs.attach && !getenv("BENCHFS_ADDR"))
		usage_error("no --servers, no --attach and BENCHFS_ADDR is not set: no BenchFS "
		            "servers to use");

	n = readlink("/proc/self/exe", exedir, sizeof(exedir) - 1);
	if (n > 0) {
		exedir[n] = '\0';
		char *slash = strrchr(exedir, '/');
		if (slash)
			*slash = '\0';
	} else {
		exedir[0] = '\0';
	}
	if (fs.servers && !find_lib(runlib, sizeof(runlib), RUN_LIB, ".libs")) {
		fprintf(stderr, "benchfs-run: %s not found in %s\n", RUN_LIB,
		        getenv("BENCHFS_RUN_LIBDIR") && *getenv("BENCHFS_RUN_LIBDIR")
		            ? getenv("BENCHFS_RUN_LIBDIR")
		            : BENCHFS_LIBDIR " (nor in the build tree; set BENCHFS_RUN_LIBDIR)");
		return 2;
	}
	if (!find_lib(romio, sizeof(romio), ROMIO_LIB, "adio"))
		romio[0] = '\0'; /* not built: no MPI-IO on benchfs: names */
	if (mount && no_posix)
		usage_error("--mount and --no-posix exclude each other");
	if (!no_posix && !find_lib(posix, sizeof(posix), POSIX_LIB, ".libs")) {
		fprintf(stderr, "benchfs-run: %s not found (use --no-posix to run without it)\n",
		        POSIX_LIB);
		return 2;
	}

	if (fs.servers && !no_posix && !find_job(job, sizeof(job))) {
		fprintf(stderr, "benchfs-run: benchfs-job not found in %s\n", BENCHFS_LIBEXECDIR);
		return 2;
	}

	/* LD_PRELOAD: ours first, then what was there (but a sanitizer's runtime stays first) */
	snprintf(ours, sizeof(ours), "%s%s%s%s%s", runlib, *runlib && *posix ? ":" : "", posix,
	         (*runlib || *posix) && *romio ? ":" : "", romio);
	preload = bfs_preload_value(ours, getenv("LD_PRELOAD"));
	if (!preload) {
		fprintf(stderr, "benchfs-run: out of memory\n");
		return 2;
	}
	snprintf(num, sizeof(num), "%d", fs.servers);
	rc = (*preload && setenv("LD_PRELOAD", preload, 1)) || bfs_cli_fs_env(&fs) ||
	     (fs.attach && setenv("BENCHFS_ADDR", fs.attach, 1)) ||
	     (fs.servers ? setenv("BENCHFS_RUN_SERVERS", num, 1)
	                 : unsetenv("BENCHFS_RUN_SERVERS")) ||
	     (fs.data_dir ? setenv("BENCHFS_RUN_DATA_DIR", fs.data_dir, 1)
	                  : unsetenv("BENCHFS_RUN_DATA_DIR")) ||
	     (mount && setenv("BENCHFS_MOUNT", mount, 1)) ||
	     (no_posix ? unsetenv("BENCHFS_RUN_POSIX") : setenv("BENCHFS_RUN_POSIX", "1", 1)) ||
	     (*job && setenv("BENCHFS_RUN_JOB", job, 1)) ||
	     /* UCX's memory hooks send a program's mmap calls around libbenchfs-posix.so (to
	      * the kernel, for a BenchFS descriptor); UCX reads this before any library can */
	     (!no_posix && setenv("UCX_MEM_EVENTS", "no", 0));
	free(preload); /* setenv copied it (a failed exec returns: no leak then) */
	if (rc) {
		fprintf(stderr, "benchfs-run: setting the environment: %s\n", strerror(errno));
		return 2;
	}
	execvp(argv[optind], argv + optind);
	fprintf(stderr, "benchfs-run: %s: %s\n", argv[optind], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
