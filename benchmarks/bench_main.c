/*
 * bench_main.c - benchfs-bench: BenchFS against what a user would otherwise use, in one MPI run
 * with the same ranks and sizes. Options, start-up and the order of the phases:
 *
 *   1. before MPI_Init: re-exec with libbenchfs-romio.so in LD_PRELOAD: adio/ of this build tree
 *      when run from there, else the installation's libdir (so MPI-IO on "benchfs:" names works
 *      without an mpirun -x);
 *   2. options (common/cli.h; every rank parses them; errors: one line and the usage line from
 *      rank 0, exit 2);
 *   3. local directories checked (one line naming the directory and the cause, exit 1);
 *   4. raw UCX phase on every rank (bench_raw.c) while no server runs yet;
 *   5. servers: benchfs_mpi_start() (--servers) or benchfs_init() (--attach or BENCHFS_ADDR);
 *   6. a warm-up pass of every workload on every target (smaller sizes, not recorded), then
 *      --reps repetitions: each workload on each target in turn;
 *   7. report on client rank 0 (table, --json, --plot); servers stopped.
 * Exit: 0, 1 (an operation failed or --verify found differences), 2 (bad command line).
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "benchfs_mpi.h"
#include "common/cli.h"
#include "common/extent.h"
#include "run/preload.h"

#ifndef BENCHFS_LIBDIR
#define BENCHFS_LIBDIR "/usr/local/lib"
#endif

#define ROMIO_LIB "libbenchfs-romio.so"
#define POSIX_LIB "libbenchfs-posix.so"

static const char usage_line[] = "Usage: benchfs-bench [--servers N [--data-dir DIR] [--sync] "
                                 "[--new-fs] | --attach ADDRFILE] [OPTION]...\n";

static const char usage_text[] =
    "BenchFS against local POSIX, local MPI-IO and the raw UCX transport, same ranks and "
    "sizes.\n\n"
    "File system (one of):\n"
    "      --servers N          N ranks of this job become BenchFS servers\n"
    "      --data-dir DIR       their data directory (default: env BENCHFS_DATA_DIR, else\n"
    "                           $TMPDIR/benchfs-$USER)\n"
    "      --sync               those servers flush metadata at every operation\n"
    "                           (as env BENCHFS_SYNC=1)\n"
    "      --new-fs             make a new, empty file system in the data directories,\n"
    "                           erasing the BenchFS data an earlier run left there\n"
    "      --attach ADDRFILE    use standalone servers (default: env BENCHFS_ADDR); the raw\n"
    "                           UCX phase is skipped then\n"
    "Settings:\n"
    "      --chunk-size BYTES   chunk size of the files BenchFS creates\n"
    "      --store KIND         chunk store of the in-job servers: files (object files in\n"
    "                           the data directory, the default) or memory (volatile)\n"
    "What to run:\n"
    "  -w, --workloads LIST     ior-easy,ior-hard,mdtest-easy,mdtest-hard,latency,stagein\n"
    "                           or all (stagein: only with --stagein-src)\n"
    "      --stagein-src DIR    stagein: the local tree copied in (benchfs-stagein on\n"
    "                           benchfs, cp -a on posix-disk and posix-tmpfs), with a cold\n"
    "                           page cache (dropped first; root only) and a warm one\n"
    "  -t, --targets LIST       benchfs,benchfs-mpiio,posix-preload,posix-disk,posix-tmpfs,\n"
    "                           mpiio-local,raw or all (default); posix-preload: POSIX calls\n"
    "                           on BenchFS through libbenchfs-posix.so (mount prefix: env\n"
    "                           BENCHFS_MOUNT, else /benchfs)\n"
    "      --local-dir DIR      POSIX/MPI-IO baseline directory on the data dir's disk\n"
    "                           (default: DATA_DIR.bench-local beside the data directory)\n"
    "      --tmpfs-dir DIR      tmpfs baseline directory (default: /dev/shm)\n"
    "      --no-preload         do not re-exec with libbenchfs-romio.so and\n"
    "                           libbenchfs-posix.so preloaded\n"
    "Sizes (BYTES take k, M, G suffixes; defaults, then --quick):\n"
    "  -s, --size BYTES         ior-easy bytes per rank (256M; 4M)\n"
    "  -x, --transfer BYTES     ior-easy transfer (1M)\n"
    "      --hard-records N     ior-hard records per rank (2000; 32)\n"
    "      --hard-record BYTES  ior-hard record (47008)\n"
    "      --files N            mdtest-easy files per rank (2000; 50)\n"
    "      --hard-files N       mdtest-hard files per rank (1000; 20)\n"
    "      --hard-file-size B   mdtest-hard file size (3901)\n"
    "      --lat-iters N        latency samples per operation and size (2000; 100)\n"
    "      --raw-size BYTES     raw AM bytes per client (256M; 8M)\n"
    "      --raw-msg BYTES      raw AM message (1M)\n"
    "      --raw-window N       raw AM messages in flight per client (16)\n"
    "  -r, --reps N             repetitions, median [min-max] reported (3; 1)\n"
    "  -q, --quick              small sizes, one repetition (CI)\n"
    "Output:\n"
    "      --verify             check every byte read back; differences: exit 1\n"
    "      --json FILE          the whole report as one JSON document\n"
    "      --plot FILE.png      bandwidth and latency figure (gnuplot)\n"
    "  -h, --help               show this help and exit\n"
    "      --version            show the version and exit\n";

enum {
	O_CHUNK = 0x100,
	O_STORE,
	O_LOCAL,
	O_TMPFS,
	O_NOPRE,
	O_HREC,
	O_HRECSZ,
	O_FILES,
	O_HFILES,
	O_HFSIZE,
	O_LAT,
	O_RAWSZ,
	O_RAWMSG,
	O_RAWWIN,
	O_STAGEIN,
	O_VERIFY,
	O_JSON,
	O_PLOT,
};

static const struct option opts[] = {
    BFS_CLI_OPT_SERVERS,
    BFS_CLI_OPT_DATA_DIR,
    BFS_CLI_OPT_ATTACH,
    BFS_CLI_OPT_SYNC,
    BFS_CLI_OPT_NEW_FS,
    {"chunk-size", required_argument, NULL, O_CHUNK},
    {"store", required_argument, NULL, O_STORE},
    {"workloads", required_argument, NULL, 'w'},
    {"targets", required_argument, NULL, 't'},
    {"local-dir", required_argument, NULL, O_LOCAL},
    {"tmpfs-dir", required_argument, NULL, O_TMPFS},
    {"no-preload", no_argument, NULL, O_NOPRE},
    {"size", required_argument, NULL, 's'},
    {"transfer", required_argument, NULL, 'x'},
    {"hard-records", required_argument, NULL, O_HREC},
    {"hard-record", required_argument, NULL, O_HRECSZ},
    {"files", required_argument, NULL, O_FILES},
    {"hard-files", required_argument, NULL, O_HFILES},
    {"hard-file-size", required_argument, NULL, O_HFSIZE},
    {"lat-iters", required_argument, NULL, O_LAT},
    {"raw-size", required_argument, NULL, O_RAWSZ},
    {"raw-msg", required_argument, NULL, O_RAWMSG},
    {"raw-window", required_argument, NULL, O_RAWWIN},
    {"stagein-src", required_argument, NULL, O_STAGEIN},
    {"reps", required_argument, NULL, 'r'},
    {"quick", no_argument, NULL, 'q'},
    {"verify", no_argument, NULL, O_VERIFY},
    {"json", required_argument, NULL, O_JSON},
    {"plot", required_argument, NULL, O_PLOT},
    BFS_CLI_OPT_HELP,
    BFS_CLI_OPT_VERSION,
    {NULL, 0, NULL, 0},
};

static const char *const target_names[T_COUNT] = {"benchfs",    "benchfs-mpiio", "posix-preload",
                                                  "posix-disk", "posix-tmpfs",   "mpiio-local"};

static int wrank;

static void __attribute__((noreturn)) leave(int status)
{
	fflush(stdout);
	fflush(stderr);
	MPI_Finalize();
	exit(status);
}

/* A bad command line: one line and the usage line from rank 0, every rank exits 2. */
static void __attribute__((noreturn, format(printf, 1, 2))) usage_error(const char *fmt, ...)
{
	va_list ap;

	if (wrank == 0) {
		va_start(ap, fmt);
		bfs_cli_vusage_error(BENCH_NAME, usage_line, fmt, ap);
		va_end(ap);
	}
	leave(BFS_CLI_EXIT_USAGE);
}

/* BYTES: a number with an optional binary suffix k, M, G (K/KiB/kB... all mean 1024). */
static size_t parse_size(const char *opt, const char *s, size_t min, size_t max)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (end != s && *end) {
		switch (*end) {
		case 'k':
		case 'K':
			shift = 10;
			break;
		case 'm':
		case 'M':
			shift = 20;
			break;
		case 'g':
		case 'G':
			shift = 30;
			break;
		default:
			shift = -1;
		}
		end++;
		if (!strcmp(end, "iB") || !strcmp(end, "B"))
			end += strlen(end);
	}
	if (errno || end == s || *end || shift < 0 || *s == '-' || (v << shift) >> shift != v)
		usage_error("--%s '%s': not a number (optionally with k, M or G)", opt, s);
	v <<= shift;
	if (v < min || v > max)
		usage_error("--%s %s: out of range (%zu to %zu)", opt, s, min, max);
	return (size_t)v;
}

static void parse_list(const char *opt, const char *arg, const char *const *names, int n, int *set,
                       int *raw)
{
	char *copy = strdup(arg), *save = NULL, *tok;

	if (!copy)
		usage_error("out of memory");
	memset(set, 0, sizeof(int) * (size_t)n);
	if (raw)
		*raw = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int found = 0;
		if (!strcmp(tok, "all")) {
			for (int i = 0; i < n; i++)
				set[i] = 1;
			if (raw)
				*raw = 1;
			continue;
		}
		if (raw && !strcmp(tok, "raw")) {
			*raw = 1;
			continue;
		}
		for (int i = 0; i < n; i++)
			if (!strcmp(tok, names[i]))
				set[i] = found = 1;
		if (!found)
			usage_error("--%s: unknown name '%s'", opt, tok);
	}
	free(copy);
}

/* ---- preload
 * ------------------------------------------------------------------------------------- */

/*
 * find_lib - the library @name to preload, into @lib: $@env when set; else, when this program
 * runs from the build tree (libbenchfs.la above its directory: benchmarks/, or
 * benchmarks/.libs/ behind libtool's wrapper), that tree's @sub ("adio", ".libs") only, so that
 * an installed copy of another version is never mixed in; else the installation's libdir. ""
 * when none is there.
 */
static void find_lib(const char *dir, const char *name, const char *env, const char *sub, char *lib)
{
	static const char *const up[] = {"/..", "/../.."};
	const char *e = getenv(env);
	char cand[PATH_MAX + 64];

	lib[0] = '\0';
	if (e && *e) {
		if (realpath(e, lib) == NULL)
			lib[0] = '\0';
		return;
	}
	for (size_t i = 0; i < sizeof(up) / sizeof(up[0]); i++) {
		snprintf(cand, sizeof(cand), "%s%s/libbenchfs.la", dir, up[i]);
		if (access(cand, R_OK) != 0)
			continue;
		snprintf(cand, sizeof(cand), "%s%s/%s/%s", dir, up[i], sub, name);
		if (access(cand, R_OK) != 0 || realpath(cand, lib) == NULL)
			lib[0] = '\0';
		return;
	}
	snprintf(cand, sizeof(cand), "%s/%s", BENCHFS_LIBDIR, name);
	if (access(cand, R_OK) == 0 && realpath(cand, lib) == NULL)
		lib[0] = '\0';
}

/* The posix-preload target is on the command line (it is, unless -t names others). */
static int posix_wanted(int argc, char **argv)
{
	const char *list = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if ((!strcmp(a, "-t") || !strcmp(a, "--targets")) && i + 1 < argc)
			list = argv[++i];
		else if (!strncmp(a, "--targets=", 10))
			list = a + 10;
		else if (!strncmp(a, "-t", 2) && a[2])
			list = a + 2;
	}
	return !list || strstr(list, "posix-preload") || strstr(list, "all");
}

/* Before MPI_Init: run again with the ROMIO driver preloaded and, for the posix-preload
 * target, libbenchfs-posix.so (find_lib), unless they are preloaded already. */
static void maybe_reexec(int argc, char **argv)
{
	const char *pre = getenv("LD_PRELOAD");
	char exe[PATH_MAX], dir[PATH_MAX], romio[PATH_MAX], posix[PATH_MAX], ours[2 * PATH_MAX + 2];
	char *val;
	ssize_t n;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--no-preload"))
			return;
	if (getenv("BENCHFS_BENCH_REEXEC"))
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	snprintf(dir, sizeof(dir), "%s", exe);
	dirname(dir);
	romio[0] = posix[0] = '\0';
	if (!pre || !strstr(pre, ROMIO_LIB))
		find_lib(dir, ROMIO_LIB, "BENCHFS_ROMIO_LIB", "adio", romio);
	if ((!pre || !strstr(pre, POSIX_LIB)) && posix_wanted(argc, argv))
		find_lib(dir, POSIX_LIB, "BENCHFS_POSIX_LIB", ".libs", posix);
	if (!romio[0] && !posix[0])
		return;
	snprintf(ours, sizeof(ours), "%s%s%s", posix, posix[0] && romio[0] ? ":" : "", romio);
	val = bfs_preload_value(ours, pre); /* ours first, but a sanitizer's runtime stays first */
	if (!val)
		return;
	setenv("LD_PRELOAD", val, 1);
	setenv("BENCHFS_BENCH_REEXEC", "1", 1);
	/* UCX's memory hooks would send mmap around libbenchfs-posix.so (as benchfs-run) */
	if (posix[0])
		setenv("UCX_MEM_EVENTS", "no", 0);
	execv(exe, argv);
	/* could not: go on without */
	if (pre)
		setenv("LD_PRELOAD", pre, 1);
	else
		unsetenv("LD_PRELOAD");
	free(val);
}

/* ---- options
 * -------------------------------------------------------------------------------------- */

#define SET(field, value)                                                                          \
	do {                                                                                       \
		if (!given.field)                                                                  \
			c->field = (value);                                                        \
	} while (0)

static void parse_options(struct bench_cfg *c, int argc, char **argv)
{
	struct bench_cfg given = {0}; /* non-zero: set on the command line */
	struct bfs_cli_fs fs = {0};
	int o, any_w = 0, any_t = 0;
	const char *wlist = "";
	char msg[512];
	size_t len = 0;

	for (int i = 0; i < argc; i++)
		len += (size_t)snprintf(c->cmdline + len,
		                        len < sizeof(c->cmdline) ? sizeof(c->cmdline) - len : 0,
		                        "%s%s", i ? " " : "", argv[i]);
	for (int w = 0; w < W_COUNT; w++)
		c->workloads[w] = 1;
	for (int t = 0; t < T_COUNT; t++)
		c->targets[t] = 1;
	c->raw = 1;
	c->preload = 1;
	opterr = 0;
	while ((o = getopt_long(argc, argv, ":w:t:s:x:r:qh", opts, NULL)) != -1) {
		if (bfs_cli_fs_option(&fs, o, optarg))
			continue;
		switch (o) {
		case O_CHUNK:
			c->chunk = parse_size("chunk-size", optarg, BFS_CHUNK_MIN, BFS_CHUNK_MAX);
			if (c->chunk & (c->chunk - 1))
				usage_error("--chunk-size %s: not a power of two", optarg);
			break;
		case O_STORE:
			if (strcmp(optarg, "files") && strcmp(optarg, "memory"))
				usage_error("--store %s: not files or memory", optarg);
			setenv("BENCHFS_STORE", optarg, 1); /* read by the in-job servers */
			break;
		case 'w':
			parse_list("workloads", optarg, bench_workload_names, W_COUNT, c->workloads,
			           NULL);
			any_w = 1;
			wlist = optarg;
			break;
		case 't':
			parse_list("targets", optarg, target_names, T_COUNT, c->targets, &c->raw);
			any_t = 1;
			break;
		case O_LOCAL:
			c->local_dir = optarg;
			break;
		case O_TMPFS:
			c->tmpfs_dir = optarg;
			break;
		case O_NOPRE:
			c->preload = 0;
			break;
		case 's':
			c->easy_size = given.easy_size = parse_size("size", optarg, 1, 1ull << 40);
			break;
		case 'x':
			c->easy_xfer = given.easy_xfer =
			    parse_size("transfer", optarg, 1, 1u << 30);
			break;
		case O_HREC:
			c->hard_records = given.hard_records =
			    parse_size("hard-records", optarg, 1, 1ull << 32);
			break;
		case O_HRECSZ:
			c->hard_record = given.hard_record =
			    parse_size("hard-record", optarg, 1, 1u << 30);
			break;
		case O_FILES:
			c->md_files = given.md_files = parse_size("files", optarg, 1, 1ull << 32);
			break;
		case O_HFILES:
			c->mdh_files = given.mdh_files =
			    parse_size("hard-files", optarg, 1, 1ull << 32);
			break;
		case O_HFSIZE:
			c->mdh_size = given.mdh_size =
			    parse_size("hard-file-size", optarg, 1, 1u << 30);
			break;
		case O_LAT:
			c->lat_iters = given.lat_iters =
			    parse_size("lat-iters", optarg, 1, 1u << 26);
			break;
		case O_RAWSZ:
			c->raw_size = given.raw_size =
			    parse_size("raw-size", optarg, 1, 1ull << 40);
			break;
		case O_RAWMSG:
			c->raw_msg = given.raw_msg = parse_size("raw-msg", optarg, 1, 1u << 30);
			break;
		case O_RAWWIN:
			c->raw_window = given.raw_window =
			    parse_size("raw-window", optarg, 1, 4096);
			break;
		case O_STAGEIN:
			c->stagein_src = optarg;
			break;
		case 'r':
			c->reps = given.reps = (int)parse_size("reps", optarg, 1, BENCH_MAX_REPS);
			break;
		case 'q':
			c->quick = 1;
			break;
		case O_VERIFY:
			c->verify = 1;
			break;
		case O_JSON:
			c->json = optarg;
			break;
		case O_PLOT:
			c->plot = optarg;
			break;
		case 'h':
		case BFS_CLI_VERSION:
			if (wrank == 0)
				bfs_cli_info(o, BENCH_NAME, usage_line, usage_text);
			leave(0);
		default:
			bfs_cli_getopt_error(msg, sizeof(msg), o, argv);
			usage_error("%s", msg);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (!c->stagein_src && c->workloads[W_STAGEIN] && any_w && strstr(wlist, "stagein"))
		usage_error("-w stagein needs --stagein-src DIR");
	if (!c->stagein_src)
		c->workloads[W_STAGEIN] = 0;
	else if (access(c->stagein_src, R_OK) != 0)
		usage_error("--stagein-src %s: %s", c->stagein_src, strerror(errno));
	(void)any_w;
	(void)any_t;
	SET(easy_xfer, 1u << 20);
	SET(easy_size, c->quick ? 4u << 20 : 256u << 20);
	SET(hard_record, 47008);
	SET(hard_records, c->quick ? 32 : 2000);
	SET(md_files, c->quick ? 50 : 2000);
	SET(mdh_files, c->quick ? 20 : 1000);
	SET(mdh_size, 3901);
	SET(lat_iters, c->quick ? 100 : 2000);
	SET(raw_size, c->quick ? 8u << 20 : 256u << 20);
	SET(raw_msg, 1u << 20);
	SET(raw_window, 16);
	SET(reps, c->quick ? 1 : 3);
	if (c->easy_size < c->easy_xfer)
		usage_error("--size %zu is smaller than --transfer %zu", c->easy_size,
		            c->easy_xfer);
	c->easy_size -= c->easy_size % c->easy_xfer;
	if (c->raw_size < c->raw_msg)
		c->raw_size = c->raw_msg;
	if (bfs_cli_fs_check(&fs, 1, msg, sizeof(msg)))
		usage_error("%s", msg);
	c->nservers = fs.servers;
	c->data_dir = fs.data_dir;
	c->attach = fs.attach;
	c->attach_mode = !c->nservers;
	if (c->nservers && c->nservers >= c->wsize)
		usage_error(
		    "--servers %d needs at least %d MPI ranks (one client), this job has %d",
		    c->nservers, c->nservers + 1, c->wsize);
	if (!c->nservers && !c->attach && !getenv("BENCHFS_ADDR"))
		usage_error("no file system: give --servers N or --attach ADDRFILE, or set "
		            "BENCHFS_ADDR");
	if (bfs_cli_fs_env(&fs)) { /* read by the in-job servers */
		if (wrank == 0)
			fprintf(stderr, "%s: setting the environment: %s\n", BENCH_NAME,
			        strerror(errno));
		leave(1);
	}
}

/* ---- directories
 * --------------------------------------------------------------------------------- */

static const char *fs_name(const char *path, char *buf, size_t len)
{
	struct statfs s;

	if (statfs(path, &s))
		return "";
	switch ((unsigned long)s.f_type) {
	case 0x01021994:
		return "tmpfs";
	case 0xEF53:
		return "ext4";
	case 0x58465342:
		return "xfs";
	case 0x9123683E:
		return "btrfs";
	case 0x6969:
		return "nfs";
	case 0x794c7630:
		return "overlayfs";
	default:
		snprintf(buf, len, "fs 0x%lx", (unsigned long)s.f_type);
		return buf;
	}
}

/* mkdir -p; 0 or an errno, with the failing path in @bad. */
static int mkdirs(const char *path, char *bad, size_t len)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + 1;; s++) {
		if (*s == '/' || *s == '\0') {
			char keep = *s;
			*s = '\0';
			if (mkdir(p, 0755) && errno != EEXIST) {
				snprintf(bad, len, "%s", p);
				return errno;
			}
			*s = keep;
			if (!keep)
				break;
		}
	}
	return 0;
}

/* Every rank: is @dir a usable directory? Reported by the lowest failing rank; exits 1. */
static void check_dir(struct bench_cfg *c, const char *opt, const char *dir, int create)
{
	char bad[PATH_MAX] = "";
	struct stat st;
	int err = 0, first;

	if (create)
		err = mkdirs(dir, bad, sizeof(bad));
	if (!err && stat(dir, &st))
		err = errno;
	else if (!err && !S_ISDIR(st.st_mode))
		err = ENOTDIR;
	else if (!err && access(dir, W_OK | X_OK))
		err = errno;
	first = err ? c->wrank : c->wsize;
	MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
	if (first == c->wrank)
		fprintf(stderr, "%s: %s %s: %s%s%s\n", BENCH_NAME, opt, dir, strerror(err),
		        bad[0] && strcmp(bad, dir) ? " at " : "",
		        bad[0] && strcmp(bad, dir) ? bad : "");
	if (first < c->wsize)
		leave(1);
}

/* ---- targets
 * --------------------------------------------------------------------------------------- */

static int romio_type(MPI_File fh, char *out, size_t len)
{
	char value[MPI_MAX_INFO_VAL + 1];
	MPI_Info info;
	int flag = 0;

	if (MPI_File_get_info(fh, &info) != MPI_SUCCESS)
		return 0;
	MPI_Info_get(info, "romio_filesystem_type", MPI_MAX_INFO_VAL, value, &flag);
	MPI_Info_free(&info);
	if (flag)
		snprintf(out, len, "%s", value);
	return flag;
}

static void setup_targets(struct bench_cfg *c, struct bench_target *t, struct bench_results *r)
{
	char buf[64], type[MPI_MAX_INFO_VAL + 1], path[PATH_MAX + 128];
	const char *store = getenv("BENCHFS_STORE"); /* as the in-job servers read it */
	MPI_File fh;
	int ok;

	for (int i = 0; i < T_COUNT; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].name = target_names[i];
		t[i].enabled = c->targets[i];
	}
	t[T_BENCHFS].api = "native";
	t[T_BENCHFS].kind = K_NATIVE;
	t[T_BENCHFS_MPIIO].api = "mpiio";
	t[T_BENCHFS_MPIIO].kind = K_MPIIO;
	t[T_BENCHFS].on_benchfs = t[T_BENCHFS_MPIIO].on_benchfs = 1;
	snprintf(t[T_BENCHFS].fstype, sizeof(t[0].fstype), "benchfs");
	snprintf(t[T_BENCHFS_MPIIO].fstype, sizeof(t[0].fstype), "benchfs");
	if (c->data_dir)
		snprintf(t[T_BENCHFS].note, sizeof(t[0].note), "data dir %s (%s), %s store",
		         c->data_dir, fs_name(c->data_dir, buf, sizeof(buf)),
		         store && *store ? store : "files");
	/* BenchFS through plain POSIX calls: only when libbenchfs-posix.so is loaded and its
	 * mount prefix shows this run's directory on every client */
	t[T_POSIX_PRELOAD].api = "posix";
	t[T_POSIX_PRELOAD].kind = K_POSIX;
	t[T_POSIX_PRELOAD].on_benchfs = 1;
	snprintf(t[T_POSIX_PRELOAD].root, sizeof(t[0].root), "%s",
	         getenv("BENCHFS_MOUNT") && *getenv("BENCHFS_MOUNT") ? getenv("BENCHFS_MOUNT")
	                                                             : "/benchfs");
	snprintf(t[T_POSIX_PRELOAD].fstype, sizeof(t[0].fstype), "benchfs");
	if (t[T_POSIX_PRELOAD].enabled) {
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", t[T_POSIX_PRELOAD].root, c->run_id);
		ok = c->posix_preloaded && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
		MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, c->comm);
		t[T_POSIX_PRELOAD].enabled = ok;
		if (!ok) {
			snprintf(t[T_POSIX_PRELOAD].note, sizeof(t[0].note), "%s",
			         c->posix_preloaded ? "the mount prefix does not show BenchFS"
			                            : "libbenchfs-posix.so not preloaded");
			bench_note(r, "posix-preload skipped: %s", t[T_POSIX_PRELOAD].note);
		} else {
			snprintf(
			    t[T_POSIX_PRELOAD].note, sizeof(t[0].note),
			    "%.200s, open/pwrite/pread/stat/unlink through libbenchfs-posix.so",
			    t[T_POSIX_PRELOAD].root);
		}
	}
	t[T_POSIX_DISK].api = t[T_POSIX_TMPFS].api = "posix";
	t[T_POSIX_DISK].kind = t[T_POSIX_TMPFS].kind = K_POSIX;
	t[T_MPIIO_LOCAL].api = "mpiio";
	t[T_MPIIO_LOCAL].kind = K_MPIIO;
	snprintf(t[T_POSIX_DISK].root, sizeof(t[0].root), "%s", c->local_dir);
	snprintf(t[T_MPIIO_LOCAL].root, sizeof(t[0].root), "%s", c->local_dir);
	snprintf(t[T_POSIX_TMPFS].root, sizeof(t[0].root), "%s", c->tmpfs_dir);
	for (int i = T_POSIX_DISK; i < T_COUNT; i++)
		snprintf(t[i].fstype, sizeof(t[i].fstype), "%s",
		         fs_name(t[i].root, buf, sizeof(buf)));

	/* BenchFS through MPI-IO: only when ROMIO with the driver is loaded */
	if (t[T_BENCHFS_MPIIO].enabled) {
		ok = 0;
		if (c->romio_preloaded) {
			snprintf(path, sizeof(path), "benchfs:/%s/probe", c->run_id);
			ok = MPI_File_open(c->comm, path, MPI_MODE_CREATE | MPI_MODE_RDWR,
			                   MPI_INFO_NULL, &fh) == MPI_SUCCESS;
			if (ok) {
				ok = romio_type(fh, type, sizeof(type)) && strstr(type, "BENCHFS");
				MPI_File_close(&fh);
			}
			MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, c->comm);
			if (c->rank == 0)
				MPI_File_delete(path, MPI_INFO_NULL);
		}
		if (!ok) {
			t[T_BENCHFS_MPIIO].enabled = 0;
			snprintf(t[T_BENCHFS_MPIIO].note, sizeof(t[0].note),
			         "ROMIO driver not loaded (mpirun -x LD_PRELOAD=.../"
			         "libbenchfs-romio.so, or build with --with-romio)");
			bench_note(r, "benchfs-mpiio skipped: MPI-IO on benchfs: names needs ROMIO "
			              "with the BenchFS driver (LD_PRELOAD=libbenchfs-romio.so)");
		} else {
			snprintf(t[T_BENCHFS_MPIIO].note, sizeof(t[0].note),
			         "ROMIO with the BenchFS ADIO driver (%.300s)", c->preload_lib);
		}
	}
	/* which MPI-IO a plain local path gets */
	snprintf(c->mpiio_local_driver, sizeof(c->mpiio_local_driver), "%s",
	         c->romio_preloaded ? "ROMIO" : "Open MPI ompio");
	if (t[T_MPIIO_LOCAL].enabled) {
		snprintf(path, sizeof(path), "%s/%s/probe", c->local_dir, c->run_id);
		if (MPI_File_open(c->comm, path, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL,
		                  &fh) == MPI_SUCCESS) {
			if (romio_type(fh, type, sizeof(type)))
				snprintf(c->mpiio_local_driver, sizeof(c->mpiio_local_driver),
				         "ROMIO %.*s", (int)strcspn(type, ":"), type);
			MPI_File_close(&fh);
			if (c->rank == 0)
				MPI_File_delete(path, MPI_INFO_NULL);
		}
		snprintf(t[T_MPIIO_LOCAL].note, sizeof(t[0].note), "%s, %s%s",
		         t[T_MPIIO_LOCAL].fstype, c->mpiio_local_driver,
		         c->romio_preloaded ? " (from the preloaded libbenchfs-romio.so)" : "");
	}
}

/* This run's directory on every target: BenchFS's by client 0, local ones by every rank
 * (node-local directories). @make 0: remove them. */
static int run_dirs(struct bench_cfg *c, const struct bench_target *t, int make)
{
	char rel[128];
	int err = 0, done_bfs = 0;

	snprintf(rel, sizeof(rel), "/%s", c->run_id);
	for (int i = 0; i < T_COUNT; i++) {
		int rc;
		if (!t[i].enabled && !(i == T_BENCHFS_MPIIO && make))
			continue;
		if (t[i].on_benchfs) {
			if (done_bfs || c->rank != 0)
				continue;
			done_bfs = 1;
		}
		rc = make ? bt_mkdir(&t[i], rel) : bt_rmdir(&t[i], rel);
		if (rc && rc != -EEXIST && rc != -ENOENT && make) {
			fprintf(stderr, "%s: %s: cannot create %s%s: %s\n", BENCH_NAME, t[i].name,
			        t[i].on_benchfs ? "" : t[i].root, rel, bt_strerror(rc));
			err = 1;
		}
	}
	MPI_Allreduce(MPI_IN_PLACE, &err, 1, MPI_INT, MPI_LOR, c->comm);
	return err;
}

/* ---- main
 * ------------------------------------------------------------------------------------------ */

int main(int argc, char **argv)
{
	static struct bench_cfg cfg;
	static struct bench_results res;
	static struct bench_target tg[T_COUNT];
	struct bench_cfg *c = &cfg;
	MPI_Comm clients = MPI_COMM_NULL;
	char def_local[PATH_MAX], def_data[PATH_MAX];
	const char *pre, *romio;
	int rc, status = 0, *is_server, nsrv;

	maybe_reexec(argc, argv);
	MPI_Init(&argc, &argv);
	c->t0 = MPI_Wtime();
	MPI_Comm_rank(MPI_COMM_WORLD, &c->wrank);
	MPI_Comm_size(MPI_COMM_WORLD, &c->wsize);
	wrank = c->wrank;
	pre = getenv("LD_PRELOAD");
	romio = pre ? strstr(pre, "libbenchfs-romio") : NULL;
	if (romio) {
		while (romio > pre && romio[-1] != ':' && romio[-1] != ' ')
			romio--; /* its entry (not always the first) */
		c->romio_preloaded = 1;
		snprintf(c->preload_lib, sizeof(c->preload_lib), "%.*s", (int)strcspn(romio, ": "),
		         romio);
	}
	c->posix_preloaded = pre && strstr(pre, POSIX_LIB);
	unsetenv("LD_PRELOAD"); /* not for gnuplot: the library is loaded already */
	unsetenv("BENCHFS_BENCH_REEXEC");
	parse_options(c, argc, argv);
	if (c->chunk) {
		char v[32];
		snprintf(v, sizeof(v), "%zu", c->chunk);
		setenv("BENCHFS_CHUNK_SIZE", v, 1);
	}

	/* directories */
	if (!c->data_dir && c->nservers) {
		const char *e = getenv("BENCHFS_DATA_DIR"), *tmp = getenv("TMPDIR"),
		           *user = getenv("USER");
		if (e && *e)
			snprintf(def_data, sizeof(def_data), "%s", e);
		else
			snprintf(def_data, sizeof(def_data), "%s/benchfs-%s",
			         tmp && *tmp ? tmp : "/tmp", user && *user ? user : "user");
		c->data_dir = def_data;
	}
	if (!c->local_dir) {
		const char *tmp = getenv("TMPDIR"), *user = getenv("USER");
		if (c->data_dir)
			snprintf(def_local, sizeof(def_local), "%s.bench-local", c->data_dir);
		else
			snprintf(def_local, sizeof(def_local), "%s/benchfs-bench-%s",
			         tmp && *tmp ? tmp : "/tmp", user && *user ? user : "user");
		c->local_dir = def_local;
	}
	if (!c->tmpfs_dir)
		c->tmpfs_dir = "/dev/shm";
	if (c->targets[T_POSIX_DISK] || c->targets[T_MPIIO_LOCAL])
		check_dir(c, "--local-dir", c->local_dir, 1);
	if (c->targets[T_POSIX_TMPFS])
		check_dir(c, "--tmpfs-dir", c->tmpfs_dir, 0);
	if (c->nservers && c->data_dir)
		check_dir(c, "--data-dir", c->data_dir, 1);
	if (c->json) {
		FILE *f = wrank == 0 ? fopen(c->json, "w") : NULL;
		int bad = wrank == 0 && !f;
		if (bad)
			fprintf(stderr, "%s: --json %s: %s\n", BENCH_NAME, c->json,
			        strerror(errno));
		if (f)
			fclose(f);
		MPI_Bcast(&bad, 1, MPI_INT, 0, MPI_COMM_WORLD);
		if (bad)
			leave(1);
	}
	if (wrank == 0)
		snprintf(c->run_id, sizeof(c->run_id), "bfsbench.%ld.%ld", (long)time(NULL),
		         (long)getpid());
	MPI_Bcast(c->run_id, sizeof(c->run_id), MPI_CHAR, 0, MPI_COMM_WORLD);

	/* raw transport, before any server runs */
	if (c->raw && !c->attach_mode) {
		is_server = calloc((size_t)c->wsize, sizeof(int));
		if (!is_server)
			MPI_Abort(MPI_COMM_WORLD, 1);
		bench_server_ranks(c->nservers, is_server);
		if (bench_raw(c, &res, is_server))
			status = 1;
		free(is_server);
	} else if (c->raw) {
		bench_note(&res,
		           "raw UCX phase skipped: --attach (the servers are other processes; "
		           "no ratios to raw figures)");
	}
	MPI_Allreduce(MPI_IN_PLACE, &status, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
	if (status)
		leave(1);

	/* the file system */
	if (c->nservers) {
		bench_progress(c, "starting %d BenchFS servers (data dir %s)", c->nservers,
		               c->data_dir);
		rc = benchfs_mpi_start(MPI_COMM_WORLD, c->nservers, c->data_dir, &clients);
		if (rc == BENCHFS_MPI_SERVED)
			leave(0);
		if (rc < 0) {
			if (wrank == 0)
				fprintf(stderr, "%s: cannot start servers in %s: %s\n", BENCH_NAME,
				        c->data_dir, benchfs_strerror(rc));
			leave(1);
		}
		MPI_Comm_dup(clients, &c->comm);
	} else {
		int first;
		rc = benchfs_init(c->attach);
		first = rc < 0 ? wrank : c->wsize;
		MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
		if (first < c->wsize) {
			if (first == wrank)
				fprintf(stderr, "%s: cannot attach to %s: %s\n", BENCH_NAME,
				        c->attach ? c->attach : getenv("BENCHFS_ADDR"),
				        benchfs_strerror(rc));
			if (rc == 0)
				benchfs_term();
			leave(1);
		}
		MPI_Comm_dup(MPI_COMM_WORLD, &c->comm);
		c->nservers = benchfs_server_count();
	}
	MPI_Comm_rank(c->comm, &c->rank);
	MPI_Comm_size(c->comm, &c->size);

	/* targets and their directories */
	for (int i = 0; i < T_COUNT; i++)
		tg[i].enabled = c->targets[i];
	{
		struct bench_target tmp[T_COUNT];
		/* the run directories first (the MPI-IO probes go into them) */
		memset(tmp, 0, sizeof(tmp));
		for (int i = 0; i < T_COUNT; i++) {
			tmp[i].enabled = c->targets[i];
			tmp[i].on_benchfs = i <= T_POSIX_PRELOAD;
			tmp[i].kind = i == T_BENCHFS         ? K_NATIVE
			              : i == T_BENCHFS_MPIIO ? K_MPIIO
			                                     : K_POSIX; /* (posix-preload too) */
			tmp[i].name = target_names[i];
			snprintf(tmp[i].root, sizeof(tmp[i].root), "%s",
			         i == T_POSIX_TMPFS ? c->tmpfs_dir : c->local_dir);
		}
		tmp[T_BENCHFS].enabled = c->targets[T_BENCHFS] || c->targets[T_BENCHFS_MPIIO] ||
		                         c->targets[T_POSIX_PRELOAD];
		if (run_dirs(c, tmp, 1))
			status = 1;
	}
	if (!status) {
		setup_targets(c, tg, &res);
		if (c->rank == 0) {
			bench_progress(c, "%d clients, %d servers; workloads:", c->size,
			               c->nservers);
			for (int w = 0; w < W_COUNT; w++)
				if (c->workloads[w])
					fprintf(stderr, "%s%s", w ? " " : "             ",
					        bench_workload_names[w]);
			fprintf(stderr, "\n");
		}
	}

	/* warm-up: every workload on every target, smaller, not recorded */
	if (!status) {
		struct bench_cfg w = *c;
		w.easy_size = w.easy_xfer * (w.easy_size / w.easy_xfer / 8 + 1);
		w.hard_records = w.hard_records / 8 + 1;
		w.md_files = w.md_files / 8 + 1;
		w.mdh_files = w.mdh_files / 8 + 1;
		w.lat_iters = w.lat_iters / 8 + 1;
		for (int i = 0; i < T_COUNT && !status; i++) {
			if (!tg[i].enabled)
				continue;
			bench_progress(c, "warm-up on %s", tg[i].name);
			for (int k = 0; k < W_COUNT && !status; k++)
				if (c->workloads[k] && bench_run(&w, &res, &tg[i], k, 0))
					status = 1;
		}
	}
	nsrv = benchfs_server_count();
	res.srv.n = nsrv > 0 ? nsrv : 0;
	res.srv.available = c->rank == 0 && nsrv > 0;
	for (int rep = 1; rep <= c->reps && !status; rep++)
		for (int k = 0; k < W_COUNT && !status; k++) {
			if (!c->workloads[k])
				continue;
			for (int i = 0; i < T_COUNT && !status; i++) {
				double t0 = MPI_Wtime(), cpu0 = 0, b0 = 0, cpu1, b1;
				if (!tg[i].enabled)
					continue;
				/* the servers' CPU and bytes over the BenchFS phases (rank 0 asks)
				 */
				if (tg[i].on_benchfs && res.srv.available &&
				    bench_server_sample(nsrv, &cpu0, &b0))
					res.srv.available = 0;
				if (bench_run(c, &res, &tg[i], k, 1))
					status = 1;
				if (tg[i].on_benchfs && res.srv.available) {
					if (bench_server_sample(nsrv, &cpu1, &b1)) {
						res.srv.available = 0;
					} else {
						res.srv.busy_cpu_s += (cpu1 - cpu0) / 1e9;
						res.srv.busy_gib += (b1 - b0) / 1073741824.0;
						res.srv.busy_wall_s += MPI_Wtime() - t0;
					}
				}
				bench_progress(c, "rep %d/%d %-11s on %-13s %6.2f s", rep, c->reps,
				               bench_workload_names[k], tg[i].name,
				               MPI_Wtime() - t0);
			}
		}
	/* the servers idle: one second in which no client sends anything (rank 0 asks before
	 * and after; its own two requests cost microseconds) */
	if (nsrv > 0 && !status) {
		double cpu0 = 0, cpu1 = 0, b, t0;
		struct timespec idle = {1, 0};
		bench_idle_barrier(c->comm);
		t0 = MPI_Wtime();
		if (c->rank == 0 && res.srv.available &&
		    bench_server_sample(nsrv, &cpu0, &b) == 0) {
			nanosleep(&idle, NULL);
			if (bench_server_sample(nsrv, &cpu1, &b) == 0) {
				res.srv.idle_cpu_s = (cpu1 - cpu0) / 1e9;
				res.srv.idle_wall_s = MPI_Wtime() - t0;
			}
		}
		bench_idle_barrier(c->comm);
		if (c->rank == 0 && res.srv.available &&
		    (res.srv.last = calloc((size_t)nsrv, sizeof(*res.srv.last))))
			for (int i = 0; i < nsrv; i++)
				if (benchfs_server_stats(i, &res.srv.last[i], 0)) {
					free(res.srv.last);
					res.srv.last = NULL;
					break;
				}
	}
	if (res.verify_errors)
		status = 1;
	run_dirs(c, tg, 0);

	/* report */
	if (c->rank == 0) {
		bench_summarize(&res);
		if (status && !res.verify_errors)
			bench_note(&res, "the run stopped at an error: figures are incomplete");
		bench_report_table(c, &res, tg);
		if (c->json && bench_report_json(c, &res, tg, c->json))
			status = 1;
		if (c->plot && bench_report_plot(c, &res, c->plot))
			status = status ? status : 0; /* a missing plot does not fail the run */
	}
	MPI_Allreduce(MPI_IN_PLACE, &status, 1, MPI_INT, MPI_MAX, c->comm);
	bench_progress(c, "done, exit %d", status);
	MPI_Comm_free(&c->comm);
	if (clients != MPI_COMM_NULL)
		rc = benchfs_mpi_stop(&clients);
	else
		rc = benchfs_term();
	if (rc < 0) {
		if (wrank == 0)
			fprintf(stderr, "%s: stopping the file system: %s\n", BENCH_NAME,
			        benchfs_strerror(rc));
		status = 1;
	}
	leave(status);
}
