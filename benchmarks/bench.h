/*
 * bench.h - benchfs-bench, the BenchFS benchmark suite (issue 5): shared types.
 *
 * Files:
 *   bench_main.c      options, start-up (preload re-exec, raw phase, servers), phase driver
 *   bench_targets.c   the storage targets: BenchFS native, BenchFS through MPI-IO, POSIX on a
 *                     local directory, MPI-IO on a local path; data pattern for --verify
 *   bench_workloads.c ior-easy, ior-hard, mdtest-easy, mdtest-hard, latency, stagein over one
 *                     target
 *   bench_raw.c       raw UCX active-message bandwidth and round trips (before the servers)
 *   bench_report.c    results, table, ratios, JSON, gnuplot, server metrics placeholder
 */
#ifndef BENCHFS_BENCH_H
#define BENCHFS_BENCH_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "benchfs.h"

#define BENCH_NAME "benchfs-bench"

/* ---- workloads and targets ------------------------------------------------------------------ */

/* W_RAW: the raw transport figures (not a workload of the file systems) */
enum bench_workload {
	W_IOR_EASY,
	W_IOR_HARD,
	W_MD_EASY,
	W_MD_HARD,
	W_LATENCY,
	W_STAGEIN, /* a local tree copied in: benchfs-stagein's copy against cp -a */
	W_COUNT,
	W_RAW = W_COUNT
};

enum bench_kind {
	K_NATIVE, /* libbenchfs calls on BenchFS paths */
	K_MPIIO,  /* MPI_File_* on "benchfs:" names (ROMIO driver) or on a local path */
	K_POSIX,  /* open/pwrite/pread/stat/unlink on a local directory (or the mount prefix) */
};

/* The targets, in report order. */
enum bench_target_id {
	T_BENCHFS,
	T_BENCHFS_MPIIO,
	T_POSIX_PRELOAD, /* POSIX calls on BenchFS paths through libbenchfs-posix.so */
	T_POSIX_DISK,
	T_POSIX_TMPFS,
	T_MPIIO_LOCAL,
	T_COUNT
};

struct bench_target {
	const char *name; /* "benchfs", "benchfs-mpiio", "posix-disk", ... */
	const char *api;  /* "native", "mpiio", "posix" */
	enum bench_kind kind;
	int on_benchfs;  /* paths are BenchFS paths */
	char root[4096]; /* prefix of every path: "" (BenchFS), the mount prefix, a local dir */
	char fstype[32]; /* file system type of root ("benchfs", "tmpfs", "ext4", ...) */
	int enabled;     /* selected and usable */
	char note[512];  /* why it was skipped, or what it is ("ROMIO ufs", "ompio") */
};

/* ---- configuration --------------------------------------------------------------------------- */

struct bench_cfg {
	/* file system */
	int nservers;
	const char *data_dir;
	const char *attach; /* address file, or NULL (then env BENCHFS_ADDR in attach mode) */
	int attach_mode;
	size_t chunk; /* 0: default */
	/* what to run */
	int workloads[W_COUNT];
	int targets[T_COUNT];
	int raw; /* raw UCX phase selected */
	/* sizes */
	size_t easy_size;        /* ior-easy bytes per rank */
	size_t easy_xfer;        /* ior-easy transfer */
	size_t hard_records;     /* ior-hard records per rank */
	size_t hard_record;      /* ior-hard record bytes */
	size_t md_files;         /* mdtest-easy files per rank */
	size_t mdh_files;        /* mdtest-hard files per rank */
	size_t mdh_size;         /* mdtest-hard bytes per file */
	size_t lat_iters;        /* latency samples per size and operation */
	size_t raw_size;         /* raw AM bytes per client */
	size_t raw_msg;          /* raw AM message bytes */
	size_t raw_window;       /* raw AM messages in flight per client */
	const char *stagein_src; /* stagein: the local tree copied, or NULL (no stagein) */
	int reps;
	int quick;
	int verify;
	int preload; /* 1: re-exec with the ROMIO and POSIX libraries preloaded when found */
	const char *local_dir;
	const char *tmpfs_dir;
	const char *json;
	const char *plot;
	char cmdline[8192];
	/* run time */
	int wrank, wsize; /* MPI_COMM_WORLD */
	int rank, size;   /* clients */
	MPI_Comm comm;    /* clients (a private duplicate) */
	char run_id[64];  /* name of this run's directories: "bfsbench.<time>.<pid>" */
	double t0;        /* MPI_Wtime() at start */
	char mpiio_local_driver[64];
	int romio_preloaded;
	int posix_preloaded; /* libbenchfs-posix.so is in this process */
	char preload_lib[4096];
};

extern const char *const bench_workload_names[W_COUNT + 1];

/* ---- results ----------------------------------------------------------------------------------
 */

#define BENCH_MAX_REPS 100

/* One figure: a metric of one workload on one target, one value per repetition. */
struct bench_fig {
	enum bench_workload w;
	const char *target; /* target name, or "raw-ucx" */
	const char *api;
	char metric[32];  /* "write", "read", "create", "stat", "pread-4KiB-p50", "bw", ... */
	const char *unit; /* "MiB/s", "ops/s", "us" */
	int n;
	double v[BENCH_MAX_REPS];
	double med, min, max;
};

/* Latency samples of one (target, operation, size): pooled over repetitions for histograms. */
struct bench_lat {
	const char *target;
	char op[32]; /* "pread-4KiB", "rtt-small-4KiB", ... */
	double *ns;
	size_t n, cap;
};

/* The servers' own view (rank 0 asks them with benchfs_server_stats()). */
struct bench_servers {
	int available;     /* the figures below were taken */
	int n;             /* servers */
	double busy_cpu_s; /* server CPU during the BenchFS phases, all servers */
	double busy_wall_s;
	double busy_gib;    /* bytes the servers moved then (their write + read payloads), GiB */
	double idle_cpu_s;  /* server CPU over an idle interval, all servers */
	double idle_wall_s; /* its length */
	struct benchfs_server_stats *last; /* every server's metrics at the end of the run */
};

struct bench_results {
	struct bench_servers srv;
	struct bench_fig *figs;
	size_t nfigs, cap;
	struct bench_lat *lats;
	size_t nlats, latcap;
	long verify_errors; /* bytes that did not match, all ranks */
	long io_errors;
	char notes[16][256];
	int nnotes;
};

/* bench_fig_add - add value @v to the figure (@w, @target, @metric); created on first use. */
void bench_fig_add(struct bench_results *r, enum bench_workload w, const char *target,
                   const char *api, const char *metric, const char *unit, double v);
/* bench_fig_find - the figure, or NULL. */
const struct bench_fig *bench_fig_find(const struct bench_results *r, enum bench_workload w,
                                       const char *target, const char *metric);
/* bench_lat_add - append samples (ns) to the latency record (@target, @op). */
void bench_lat_add(struct bench_results *r, const char *target, const char *op, const double *ns,
                   size_t n);
/* bench_note - a note printed with the report (rank 0). */
void bench_note(struct bench_results *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* bench_percentile - the @p quantile (0..1) of @n sorted values. */
double bench_percentile(const double *sorted, size_t n, double p);

/* ---- targets (bench_targets.c) ------------------------------------------------------------ */

struct bench_file {
	enum bench_kind kind;
	int fd;
	MPI_File fh;
};

#define BF_RD    1
#define BF_WR    2
#define BF_CREAT 4
#define BF_EXCL  8
#define BF_TRUNC 16

/* Open @rel (a path below the target's root) in this process; negative errno on failure. */
int bt_open(const struct bench_target *t, const char *rel, int flags, struct bench_file *f);
/* Collective over @comm: one file opened by every rank; rank 0 creates it (BF_CREAT). */
int bt_open_shared(const struct bench_target *t, const char *rel, int flags, MPI_Comm comm,
                   struct bench_file *f);
ssize_t bt_pwrite(struct bench_file *f, const void *buf, size_t n, off_t off);
ssize_t bt_pread(struct bench_file *f, void *buf, size_t n, off_t off);
int bt_fsync(struct bench_file *f);
int bt_close(struct bench_file *f);
/* Collective close of a file from bt_open_shared(). */
int bt_close_shared(struct bench_file *f, MPI_Comm comm);
/* stat: -ENOTSUP for MPI-IO targets (MPI-IO has no stat). */
int bt_stat(const struct bench_target *t, const char *rel);
int bt_unlink(const struct bench_target *t, const char *rel);
/* Directory calls: MPI-IO targets use the directory calls of the file system underneath. */
int bt_mkdir(const struct bench_target *t, const char *rel);
int bt_rmdir(const struct bench_target *t, const char *rel);
/* The text of an error from the calls above. */
const char *bt_strerror(int err);

/* Data pattern of --verify: byte at file offset @off of the data written by @rank into the file
 * identified by @key. */
void bench_fill(void *buf, size_t n, uint64_t key, int rank, uint64_t off);
/* Number of bytes of @buf that differ from the pattern. */
size_t bench_check(const void *buf, size_t n, uint64_t key, int rank, uint64_t off);

/* ---- workloads (bench_workloads.c) ----------------------------------------------------------- */

/* Run workload @w once on target @t (collective over cfg->comm); @record 0 for the warm-up pass.
 * Returns 0, or a negative errno when an operation failed (the message was printed). */
int bench_run(struct bench_cfg *c, struct bench_results *r, const struct bench_target *t,
              enum bench_workload w, int record);
/* Wait at a barrier without spinning a core (others measure latency meanwhile). */
void bench_idle_barrier(MPI_Comm comm);

/* ---- raw transport (bench_raw.c) ----------------------------------------------------------------
 */

/* Collective over MPI_COMM_WORLD, before the servers start: ranks that will be servers receive,
 * the others send. Records "raw-ucx" figures. Returns 0 or a negative errno (agreed). */
int bench_raw(struct bench_cfg *c, struct bench_results *r, const int *is_server);
/* Which world ranks benchfs_mpi_start() will make servers (its placement rule). */
void bench_server_ranks(int nservers, int *is_server);

/* ---- report (bench_report.c) ----------------------------------------------------------------- */

/* Median, min and max of every figure. */
void bench_summarize(struct bench_results *r);
void bench_report_table(const struct bench_cfg *c, const struct bench_results *r,
                        const struct bench_target *t);
int bench_report_json(const struct bench_cfg *c, const struct bench_results *r,
                      const struct bench_target *t, const char *path);
int bench_report_plot(const struct bench_cfg *c, const struct bench_results *r, const char *path);

/* Server CPU figures from r->srv: fills @text with what to print; returns 0 when available. */
int bench_server_cpu(const struct bench_results *r, char *text, size_t len);
/* Rank 0: sum over every server of CPU ns and payload bytes moved (write + read); 0 or -errno. */
int bench_server_sample(int nservers, double *cpu_ns, double *bytes);

/* Progress line on stderr (client rank 0): "[   1.2 s] what". */
void bench_progress(const struct bench_cfg *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
