/*
 * bench_workloads.c - the workloads of benchfs-bench over one target (bench_targets.c).
 *
 *   ior-easy     file per rank, TRANSFER-byte sequential writes (open, writes, fsync, close),
 *                then every rank reads its neighbour's file (rank + 1): aggregate MiB/s.
 *   ior-hard     one shared file of RECORD-byte records interleaved between the ranks (record i
 *                of rank r at (i * nranks + r) * RECORD), one call per record; read back by the
 *                neighbour: aggregate MiB/s.
 *   mdtest-easy  a directory per rank; empty files: create (open O_CREAT|O_EXCL + close), stat,
 *                remove: ops/s. MPI-IO: MPI_File_open/close and MPI_File_delete on
 *                MPI_COMM_SELF, no stat.
 *   mdtest-hard  one shared directory, small files: create + write, stat (neighbour's), read
 *                (neighbour's: open, read, close), remove: ops/s.
 *   latency      rank 0 alone (the others wait at a barrier without spinning): single 4 KiB and
 *                64 KiB pwrite and pread round trips at scattered aligned offsets of a 16 MiB
 *                file: percentiles and every sample for histograms.
 *   stagein      the local tree of --stagein-src copied in, page cache dropped first (cold),
 *                then again (warm): benchfs-stagein's copy by every rank on BenchFS, cp -a by
 *                rank 0 on the local directories: seconds.
 * Every timed phase starts and ends with a barrier; the time between them is the figure's.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "../mpi-tools/stagein.h"

#define LAT_SPAN   (16u << 20) /* bytes of the latency file */
#define LAT_WARMUP 16          /* untimed operations before each latency series */

const char *const bench_workload_names[W_COUNT + 1] = {
    "ior-easy", "ior-hard", "mdtest-easy", "mdtest-hard", "latency", "stagein", "raw-ucx"};

/* One run of a workload on a target: where its files are, its first error. */
struct run {
	struct bench_cfg *c;
	struct bench_results *r;
	const struct bench_target *t;
	enum bench_workload w;
	int record;
	char dir[256]; /* relative directory of this run */
	int err;       /* first error of this rank */
	char what[2048];
	long bad; /* bytes that did not verify */
};

static double now(void)
{
	return MPI_Wtime();
}

void bench_idle_barrier(MPI_Comm comm)
{
	struct timespec ts = {0, 200000}; /* 0.2 ms */
	MPI_Request req;
	int done = 0;

	MPI_Ibarrier(comm, &req);
	for (;;) {
		MPI_Test(&req, &done, MPI_STATUS_IGNORE);
		if (done)
			break;
		nanosleep(&ts, NULL);
	}
}

/* Note the first failure of this rank: the operation and the path. */
static void fail(struct run *u, int err, const char *op, const char *rel)
{
	if (u->err)
		return;
	u->err = err ? err : -EIO;
	snprintf(u->what, sizeof(u->what), "%.40s %.1000s%.600s: %.300s", op, u->t->root, rel,
	         bt_strerror(u->err)); /* root: "" on BenchFS's own calls */
}

/* A short transfer is an error too (files here are always long enough). */
static void check_io(struct run *u, ssize_t got, size_t want, const char *op, const char *rel)
{
	if (got < 0)
		fail(u, (int)got, op, rel);
	else if ((size_t)got != want)
		fail(u, -EIO, got < (ssize_t)want ? "short transfer in" : "long transfer in", rel);
}

/* Collective: did any rank fail? The lowest failing rank prints its message. */
static int agree(struct run *u)
{
	int first = u->err ? u->c->rank : u->c->size;

	MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, u->c->comm);
	if (first < u->c->size && first == u->c->rank)
		fprintf(stderr, "%s: %s on %s: %s\n", BENCH_NAME, bench_workload_names[u->w],
		        u->t->name, u->what);
	return first < u->c->size ? -EIO : 0;
}

static void record(struct run *u, const char *metric, const char *unit, double v)
{
	if (u->record && u->c->rank == 0)
		bench_fig_add(u->r, u->w, u->t->name, u->t->api, metric, unit, v);
}

static double phase_start(struct run *u)
{
	MPI_Barrier(u->c->comm);
	return now();
}

static double phase_end(struct run *u, double t0)
{
	MPI_Barrier(u->c->comm);
	return now() - t0;
}

static int neighbour(const struct bench_cfg *c)
{
	return (c->rank + 1) % c->size;
}

static uint64_t key(enum bench_workload w, uint64_t file)
{
	return (uint64_t)(w + 1) << 56 | file;
}

/* ---- ior-easy -----------------------------------------------------------------------------------
 */

static void ior_easy(struct run *u, char *buf)
{
	const struct bench_cfg *c = u->c;
	size_t x = c->easy_xfer, total = c->easy_size;
	struct bench_file f;
	char rel[512];
	double t, mib = (double)total * c->size / (1 << 20);
	int src = neighbour(c), rc;

	snprintf(rel, sizeof(rel), "%s/easy.%d", u->dir, c->rank);
	t = phase_start(u);
	rc = bt_open(u->t, rel, BF_WR | BF_CREAT | BF_TRUNC, &f);
	if (rc)
		fail(u, rc, "open", rel);
	for (size_t off = 0; !rc && !u->err && off < total; off += x) {
		if (c->verify)
			bench_fill(buf, x, key(W_IOR_EASY, (uint64_t)c->rank), c->rank, off);
		check_io(u, bt_pwrite(&f, buf, x, (off_t)off), x, "write", rel);
	}
	if (!rc && (rc = bt_fsync(&f)) != 0)
		fail(u, rc, "fsync", rel);
	if ((rc = bt_close(&f)) != 0)
		fail(u, rc, "close", rel);
	t = phase_end(u, t);
	record(u, "write", "MiB/s", mib / t);
	if (agree(u))
		return;

	snprintf(rel, sizeof(rel), "%s/easy.%d", u->dir, src);
	t = phase_start(u);
	rc = bt_open(u->t, rel, BF_RD, &f);
	if (rc)
		fail(u, rc, "open", rel);
	for (size_t off = 0; !rc && !u->err && off < total; off += x) {
		check_io(u, bt_pread(&f, buf, x, (off_t)off), x, "read", rel);
		if (c->verify)
			u->bad +=
			    (long)bench_check(buf, x, key(W_IOR_EASY, (uint64_t)src), src, off);
	}
	if ((rc = bt_close(&f)) != 0)
		fail(u, rc, "close", rel);
	t = phase_end(u, t);
	record(u, "read", "MiB/s", mib / t);
	if (agree(u))
		return;
	snprintf(rel, sizeof(rel), "%s/easy.%d", u->dir, c->rank);
	if ((rc = bt_unlink(u->t, rel)) != 0)
		fail(u, rc, "unlink", rel);
}

/* ---- ior-hard -----------------------------------------------------------------------------------
 */

static void ior_hard(struct run *u, char *buf)
{
	const struct bench_cfg *c = u->c;
	size_t rec = c->hard_record, n = c->hard_records;
	struct bench_file f;
	char rel[512];
	double t, mib = (double)rec * (double)n * c->size / (1 << 20);
	int src = neighbour(c), rc;

	snprintf(rel, sizeof(rel), "%s/hard", u->dir);
	t = phase_start(u);
	rc = bt_open_shared(u->t, rel, BF_RD | BF_WR | BF_CREAT | BF_TRUNC, c->comm, &f);
	if (rc)
		fail(u, rc, "open", rel);
	for (size_t i = 0; !rc && !u->err && i < n; i++) {
		uint64_t off = ((uint64_t)i * (uint64_t)c->size + (uint64_t)c->rank) * rec;
		if (c->verify)
			bench_fill(buf, rec, key(W_IOR_HARD, 0), c->rank, off);
		check_io(u, bt_pwrite(&f, buf, rec, (off_t)off), rec, "write", rel);
	}
	if (!rc && (rc = bt_fsync(&f)) != 0)
		fail(u, rc, "fsync", rel);
	if ((rc = bt_close_shared(&f, c->comm)) != 0)
		fail(u, rc, "close", rel);
	t = phase_end(u, t);
	record(u, "write", "MiB/s", mib / t);
	if (agree(u))
		return;

	t = phase_start(u);
	rc = bt_open_shared(u->t, rel, BF_RD, c->comm, &f);
	if (rc)
		fail(u, rc, "open", rel);
	for (size_t i = 0; !rc && !u->err && i < n; i++) {
		uint64_t off = ((uint64_t)i * (uint64_t)c->size + (uint64_t)src) * rec;
		check_io(u, bt_pread(&f, buf, rec, (off_t)off), rec, "read", rel);
		if (c->verify)
			u->bad += (long)bench_check(buf, rec, key(W_IOR_HARD, 0), src, off);
	}
	if ((rc = bt_close_shared(&f, c->comm)) != 0)
		fail(u, rc, "close", rel);
	t = phase_end(u, t);
	record(u, "read", "MiB/s", mib / t);
	if (agree(u))
		return;
	if (c->rank == 0 && (rc = bt_unlink(u->t, rel)) != 0)
		fail(u, rc, "unlink", rel);
}

/* ---- mdtest-easy --------------------------------------------------------------------------------
 */

/* One timed phase of @op (bt_stat or bt_unlink, named @what) on the @n files PREFIX.0 ...
 * PREFIX.(n-1), recorded as @what in ops/s (@ops operations over all ranks). */
static void path_phase(struct run *u, const char *prefix, size_t n,
                       int (*op)(const struct bench_target *, const char *), const char *what,
                       double ops)
{
	char rel[512];
	double t = phase_start(u);
	int rc;

	for (size_t i = 0; i < n && !u->err; i++) {
		snprintf(rel, sizeof(rel), "%s.%zu", prefix, i);
		if ((rc = op(u->t, rel)) != 0)
			fail(u, rc, what, rel);
	}
	t = phase_end(u, t);
	record(u, what, "ops/s", ops / t);
}

static void md_easy(struct run *u)
{
	const struct bench_cfg *c = u->c;
	size_t n = c->md_files;
	double t, ops = (double)n * c->size;
	char d[300], rel[512];
	struct bench_file f;
	int rc;

	snprintf(d, sizeof(d), "%s/d.%d", u->dir, c->rank);
	if ((rc = bt_mkdir(u->t, d)) != 0)
		fail(u, rc, "mkdir", d);
	if (agree(u))
		return;
	t = phase_start(u);
	for (size_t i = 0; i < n && !u->err; i++) {
		snprintf(rel, sizeof(rel), "%s/f.%zu", d, i);
		if ((rc = bt_open(u->t, rel, BF_WR | BF_CREAT | BF_EXCL, &f)) != 0)
			fail(u, rc, "create", rel);
		else if ((rc = bt_close(&f)) != 0)
			fail(u, rc, "close", rel);
	}
	t = phase_end(u, t);
	record(u, "create", "ops/s", ops / t);
	if (agree(u))
		return;
	snprintf(rel, sizeof(rel), "%s/f", d);
	if (u->t->kind != K_MPIIO) {
		path_phase(u, rel, n, bt_stat, "stat", ops);
		if (agree(u))
			return;
	}
	path_phase(u, rel, n, bt_unlink, "remove", ops);
	if (agree(u))
		return;
	if ((rc = bt_rmdir(u->t, d)) != 0)
		fail(u, rc, "rmdir", d);
}

/* ---- mdtest-hard --------------------------------------------------------------------------------
 */

static void md_hard(struct run *u, char *buf)
{
	const struct bench_cfg *c = u->c;
	size_t n = c->mdh_files, sz = c->mdh_size;
	double t, ops = (double)n * c->size;
	struct bench_file f;
	char rel[512];
	int src = neighbour(c), rc;

	t = phase_start(u);
	for (size_t i = 0; i < n && !u->err; i++) {
		snprintf(rel, sizeof(rel), "%s/f.%d.%zu", u->dir, c->rank, i);
		if ((rc = bt_open(u->t, rel, BF_WR | BF_CREAT | BF_EXCL, &f)) != 0) {
			fail(u, rc, "create", rel);
			break;
		}
		if (c->verify)
			bench_fill(buf, sz, key(W_MD_HARD, i), c->rank, 0);
		check_io(u, bt_pwrite(&f, buf, sz, 0), sz, "write", rel);
		if ((rc = bt_close(&f)) != 0)
			fail(u, rc, "close", rel);
	}
	t = phase_end(u, t);
	record(u, "create+write", "ops/s", ops / t);
	if (agree(u))
		return;
	if (u->t->kind != K_MPIIO) {
		snprintf(rel, sizeof(rel), "%s/f.%d", u->dir, src);
		path_phase(u, rel, n, bt_stat, "stat", ops);
		if (agree(u))
			return;
	}
	t = phase_start(u);
	for (size_t i = 0; i < n && !u->err; i++) {
		snprintf(rel, sizeof(rel), "%s/f.%d.%zu", u->dir, src, i);
		if ((rc = bt_open(u->t, rel, BF_RD, &f)) != 0) {
			fail(u, rc, "open", rel);
			break;
		}
		check_io(u, bt_pread(&f, buf, sz, 0), sz, "read", rel);
		if (c->verify && !u->err)
			u->bad += (long)bench_check(buf, sz, key(W_MD_HARD, i), src, 0);
		if ((rc = bt_close(&f)) != 0)
			fail(u, rc, "close", rel);
	}
	t = phase_end(u, t);
	record(u, "read", "ops/s", ops / t);
	if (agree(u))
		return;
	snprintf(rel, sizeof(rel), "%s/f.%d", u->dir, c->rank);
	path_phase(u, rel, n, bt_unlink, "remove", ops);
}

/* ---- latency ------------------------------------------------------------------------------------
 */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* One series: @iters single operations of @size bytes, timed one by one. */
static void lat_series(struct run *u, struct bench_file *f, const char *rel, char *buf, size_t size,
                       int write, double *ns)
{
	const struct bench_cfg *c = u->c;
	size_t slots = LAT_SPAN / size, n = c->lat_iters;
	char op[32], metric[48];

	for (size_t i = 0; i < n + LAT_WARMUP && !u->err; i++) {
		uint64_t off = (uint64_t)((i * 7919) % slots) * size;
		double t0;
		ssize_t got;

		if (write && c->verify)
			bench_fill(buf, size, key(W_LATENCY, 0), 0, off);
		t0 = mono_ns();
		got = write ? bt_pwrite(f, buf, size, (off_t)off)
		            : bt_pread(f, buf, size, (off_t)off);
		if (i >= LAT_WARMUP)
			ns[i - LAT_WARMUP] = mono_ns() - t0;
		check_io(u, got, size, write ? "write" : "read", rel);
		if (!write && c->verify && !u->err)
			u->bad += (long)bench_check(buf, size, key(W_LATENCY, 0), 0, off);
	}
	if (u->err || !u->record)
		return;
	snprintf(op, sizeof(op), "%s-%zuKiB", write ? "pwrite" : "pread", size >> 10);
	bench_lat_add(u->r, u->t->name, op, ns, n);
	qsort(ns, n, sizeof(*ns), cmp_double);
	snprintf(metric, sizeof(metric), "%s-p50", op);
	bench_fig_add(u->r, W_LATENCY, u->t->name, u->t->api, metric, "us",
	              bench_percentile(ns, n, 0.50) / 1e3);
	snprintf(metric, sizeof(metric), "%s-p99", op);
	bench_fig_add(u->r, W_LATENCY, u->t->name, u->t->api, metric, "us",
	              bench_percentile(ns, n, 0.99) / 1e3);
	snprintf(metric, sizeof(metric), "%s-p99.9", op);
	bench_fig_add(u->r, W_LATENCY, u->t->name, u->t->api, metric, "us",
	              bench_percentile(ns, n, 0.999) / 1e3);
}

static void latency(struct run *u, char *buf)
{
	static const size_t sizes[] = {4096, 65536};
	const struct bench_cfg *c = u->c;
	struct bench_file f;
	char rel[512];
	double *ns;
	int rc;

	if (c->rank != 0) {
		bench_idle_barrier(c->comm);
		agree(u);
		return;
	}
	snprintf(rel, sizeof(rel), "%s/lat", u->dir);
	ns = malloc(sizeof(*ns) * (c->lat_iters + LAT_WARMUP));
	rc = ns ? bt_open(u->t, rel, BF_RD | BF_WR | BF_CREAT | BF_TRUNC, &f) : -ENOMEM;
	if (rc)
		fail(u, rc, "open", rel);
	/* the whole span written once, so reads never meet holes */
	for (size_t off = 0; !rc && !u->err && off < LAT_SPAN; off += 65536) {
		bench_fill(buf, 65536, key(W_LATENCY, 0), 0, off);
		check_io(u, bt_pwrite(&f, buf, 65536, (off_t)off), 65536, "write", rel);
	}
	for (size_t s = 0; !rc && s < 2; s++) {
		lat_series(u, &f, rel, buf, sizes[s], 1, ns);
		lat_series(u, &f, rel, buf, sizes[s], 0, ns);
	}
	if (!rc && (rc = bt_close(&f)) != 0)
		fail(u, rc, "close", rel);
	if (!rc && (rc = bt_unlink(u->t, rel)) != 0)
		fail(u, rc, "unlink", rel);
	free(ns);
	bench_idle_barrier(c->comm);
	agree(u);
}

/* ---- stagein ------------------------------------------------------------------------------------
 */

/* run_cmd - run @argv (a program found in PATH) and wait for it: 0, or -EIO (it failed), or
 * -errno (it could not start). */
static int run_cmd(char *const argv[])
{
	pid_t pid;
	int st, rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);

	if (rc)
		return -rc;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EIO;
}

/* remove_tree - rank 0: remove BenchFS tree @path (depth first). 0 or the first -errno. */
static int remove_tree(const char *path)
{
	struct benchfs_dirent *ent;
	benchfs_dir_t *d;
	char sub[4200];
	int rc = benchfs_opendir(path, &d), r;

	if (rc == -ENOTDIR)
		return benchfs_unlink(path);
	if (rc)
		return rc;
	while ((r = benchfs_readdir(d, &ent)) == 1 && !rc) {
		snprintf(sub, sizeof(sub), "%s/%s", path, ent->d_name);
		rc = ent->d_type == DT_DIR ? remove_tree(sub) : benchfs_unlink(sub);
	}
	benchfs_closedir(d);
	if (!rc && r < 0)
		rc = r;
	return rc ? rc : benchfs_rmdir(path);
}

/* drop_caches - rank 0: write back and drop the page cache (root only). 0 or -errno. */
static int drop_caches(void)
{
	int fd, rc = 0;

	sync();
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, "3", 1) != 1)
		rc = -errno;
	close(fd);
	return rc;
}

/* copy_in - one copy of the source tree to @rel: benchfs-stagein's (every rank) on BenchFS,
 * cp -a (rank 0, the others asleep) on a local directory. */
static void copy_in(struct run *u, const char *rel)
{
	static const struct tool_desc desc = {.name = BENCH_NAME};
	const struct bench_cfg *c = u->c;
	char dst[4700];

	if (u->t->kind == K_NATIVE) {
		struct stagein s = {.chunk_opt = c->chunk, .src = c->stagein_src};

		s.t.desc = &desc;
		s.t.comm = c->comm;
		s.t.rank = c->rank;
		s.t.size = c->size;
		s.t.nfs_servers = benchfs_server_count();
		s.t.progress = -1; /* no progress line */
		s.t.t0 = now();
		s.cp.quiet = 1;
		s.dst = strdup(rel);
		if (!s.dst || stagein_run(&s))
			fail(u, -EIO, "benchfs-stagein to", rel);
		free(s.dst);
		return;
	}
	if (c->rank == 0) {
		char *argv[] = {"cp", "-a", (char *)c->stagein_src, dst, NULL};
		int rc;

		snprintf(dst, sizeof(dst), "%s%s", u->t->root, rel);
		if ((rc = run_cmd(argv)) != 0)
			fail(u, rc, "cp -a to", rel);
	}
	bench_idle_barrier(c->comm); /* (spinning ranks would take cp's cores) */
}

/* stagein - the tree of --stagein-src copied in with a cold page cache (dropped first, when
 * this process may), then with a warm one (the first copy read it); each copy removed after.
 * On BenchFS natively (benchfs-stagein's copy) and on the local POSIX directories (cp -a: the
 * figure users compare with). The warm-up pass copies nothing. */
static void stagein(struct run *u)
{
	const struct bench_cfg *c = u->c;
	static int told;
	char rel[512];

	if (!u->record || (u->t->kind != K_NATIVE && (u->t->kind != K_POSIX || u->t->on_benchfs)))
		return;
	snprintf(rel, sizeof(rel), "%s/tree", u->dir);
	for (int cold = 1; cold >= 0 && !u->err; cold--) {
		double t;
		int rc = 0;

		if (cold && c->rank == 0 && (rc = drop_caches()) != 0 && !told++)
			bench_note(u->r,
			           "stagein copy-cold skipped: cannot drop the page cache: %s",
			           bt_strerror(rc));
		MPI_Bcast(&rc, 1, MPI_INT, 0, c->comm);
		if (cold && rc)
			continue;
		t = phase_start(u);
		copy_in(u, rel);
		t = phase_end(u, t);
		if (agree(u))
			return;
		record(u, cold ? "copy-cold" : "copy-warm", "s", t);
		if (c->rank == 0) {
			char path[4700], *argv[] = {"rm", "-rf", path, NULL};
			snprintf(path, sizeof(path), "%s%s", u->t->root, rel);
			rc = u->t->kind == K_NATIVE ? remove_tree(rel) : run_cmd(argv);
			if (rc)
				fail(u, rc, "remove", rel);
		}
		bench_idle_barrier(c->comm);
		agree(u);
	}
}

/* ---- driver
 * -------------------------------------------------------------------------------------- */

static size_t buf_size(const struct bench_cfg *c)
{
	size_t n = 65536;

	if (c->easy_xfer > n)
		n = c->easy_xfer;
	if (c->hard_record > n)
		n = c->hard_record;
	if (c->mdh_size > n)
		n = c->mdh_size;
	return n;
}

int bench_run(struct bench_cfg *c, struct bench_results *r, const struct bench_target *t,
              enum bench_workload w, int rec)
{
	static int seq;
	struct run u = {.c = c, .r = r, .t = t, .w = w, .record = rec};
	size_t len = buf_size(c);
	char *buf = malloc(len);
	long bad;
	int rc;

	snprintf(u.dir, sizeof(u.dir), "/%s/%s.%d", c->run_id, bench_workload_names[w], seq++);
	if (!buf)
		fail(&u, -ENOMEM, "allocate", "buffer");
	else
		bench_fill(buf, len, 0, 0, 0);
	if (c->rank == 0 && !u.err && (rc = bt_mkdir(t, u.dir)) != 0)
		fail(&u, rc, "mkdir", u.dir);
	if (agree(&u)) {
		free(buf);
		return -EIO;
	}
	switch (w) {
	case W_IOR_EASY:
		ior_easy(&u, buf);
		break;
	case W_IOR_HARD:
		ior_hard(&u, buf);
		break;
	case W_MD_EASY:
		md_easy(&u);
		break;
	case W_MD_HARD:
		md_hard(&u, buf);
		break;
	case W_LATENCY:
		latency(&u, buf);
		break;
	case W_STAGEIN:
		stagein(&u);
		break;
	default:
		break;
	}
	free(buf);
	rc = agree(&u);
	if (!rc && c->rank == 0 && (rc = bt_rmdir(t, u.dir)) != 0)
		fail(&u, rc, "rmdir", u.dir);
	rc = agree(&u);
	bad = u.bad;
	MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_LONG, MPI_SUM, c->comm);
	if (bad && c->rank == 0)
		fprintf(stderr,
		        "%s: %s on %s: --verify: %ld bytes read back differ from what was "
		        "written\n",
		        BENCH_NAME, bench_workload_names[w], t->name, bad);
	r->verify_errors += bad;
	if (rc)
		r->io_errors++;
	return rc;
}
