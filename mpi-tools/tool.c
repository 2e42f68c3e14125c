/*
 * tool.c - code shared by the BenchFS MPI tools: start-up, agreement, messages, progress,
 * paths, work distribution and entry packing. See tool.h.
 */
#include "tool.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Largest piece a single MPI call moves (its count is an int). */
#define TOOL_MPI_PIECE (1 << 30)

/* Smallest range of a split file, in chunks, so each range still streams well. */
#define TOOL_MIN_RANGE_CHUNKS 4

/* Cost of one file in bytes when balancing, so many empty files spread too. */
#define TOOL_FILE_COST (64 * 1024)

/* Copy buffers are at least this big. */
#define TOOL_COPY_BUF (4 << 20)

/* Seconds between two progress reductions. */
#define TOOL_PROGRESS_PERIOD 0.5

/* ---- set-up and tear-down -------------------------------------------------------------- */

/* tool_exit - finalize MPI and exit with @status (every rank is expected to do the same). */
static void __attribute__((noreturn)) tool_exit(int status)
{
	fflush(stdout);
	MPI_Finalize();
	exit(status);
}

/* tool_init - start MPI and record who we are. */
void tool_init(struct tool *t, const struct tool_desc *desc, int *argc, char ***argv)
{
	memset(t, 0, sizeof(*t));
	t->desc = desc;
	t->comm = MPI_COMM_NULL;
	t->clients = MPI_COMM_NULL;
	MPI_Init(argc, argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &t->rank);
	MPI_Comm_size(MPI_COMM_WORLD, &t->size);
	opterr = 0;
}

/* tool_print_usage - the one-line usage, on @f. */
static void tool_print_usage(struct tool *t, FILE *f)
{
	fprintf(f,
	        "Usage: %s [--servers N [--data-dir DIR] [--sync] [--new-fs] | --attach ADDRFILE]"
	        " %s\n",
	        t->desc->name, t->desc->synopsis);
}

/* tool_print_help - the whole --help text on stdout. */
static void tool_print_help(struct tool *t)
{
	tool_print_usage(t, stdout);
	printf("%s\n\n", t->desc->about);
	printf("File system (run under mpirun; one of):\n"
	       "      --servers N       start N BenchFS servers inside this job; the other ranks\n"
	       "                        do the work\n"
	       "      --data-dir DIR    data directory of those servers (default: env\n"
	       "                        BENCHFS_DATA_DIR, else $TMPDIR/benchfs-$USER)\n"
	       "      --sync            those servers flush metadata at every operation\n"
	       "                        (as env BENCHFS_SYNC=1)\n"
	       "      --new-fs          make a new, empty file system in the data\n"
	       "                        directories, erasing the BenchFS data an earlier\n"
	       "                        run left there\n"
	       "      --attach ADDRFILE attach to running servers (default: env BENCHFS_ADDR)\n");
	if (t->desc->options)
		printf("\nOptions:\n%s", t->desc->options);
	if (t->desc->progress)
		printf(
		    "      --progress        show a progress line on stderr (default: when it is\n"
		    "                        a terminal)\n");
	printf("  -h, --help            show this help and exit\n"
	       "      --version         show the version and exit\n");
}

/* tool_usage_error - report a command-line problem once and leave with status 2. */
void tool_usage_error(struct tool *t, const char *fmt, ...)
{
	va_list ap;

	if (t->rank == 0) {
		fprintf(stderr, "%s: ", t->desc->name);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
		tool_print_usage(t, stderr);
	}
	tool_exit(TOOL_EXIT_USAGE);
}

/* tool_getopt_error - describe getopt's complaint about the option just read. */
static void __attribute__((noreturn)) tool_getopt_error(struct tool *t, int c, char **argv)
{
	char msg[512];

	bfs_cli_getopt_error(msg, sizeof(msg), c, argv);
	tool_usage_error(t, "%s", msg);
}

/* tool_option - the common options and getopt errors. */
void tool_option(struct tool *t, int c, char **argv)
{
	if (bfs_cli_fs_option(&t->fs, c, optarg))
		return;
	switch (c) {
	case TOOL_OPT_PROGRESS:
		t->progress = 1;
		return;
	case TOOL_OPT_HELP:
		if (t->rank == 0)
			tool_print_help(t);
		tool_exit(0);
	case BFS_CLI_VERSION:
		if (t->rank == 0)
			bfs_cli_version(t->desc->name);
		tool_exit(0);
	default:
		tool_getopt_error(t, c, argv);
	}
}

/* tool_check_mode - usage errors of the file system options, before anything starts. */
static void tool_check_mode(struct tool *t)
{
	char msg[512];

	if (bfs_cli_fs_check(&t->fs, 1, msg, sizeof(msg)))
		tool_usage_error(t, "%s", msg);
	if (t->fs.servers && t->fs.servers >= t->size)
		tool_usage_error(t,
		                 "--servers %d needs at least %d MPI ranks (one client), "
		                 "this job has %d",
		                 t->fs.servers, t->fs.servers + 1, t->size);
	if (!t->fs.servers && !t->fs.attach && !getenv("BENCHFS_ADDR") && !t->preattached)
		tool_usage_error(t, "no file system: give --servers N or --attach ADDRFILE, "
		                    "or set BENCHFS_ADDR");
}

/* tool_start_injob - start servers inside the job; server ranks leave here. */
static void tool_start_injob(struct tool *t)
{
	int rc = bfs_cli_fs_env(&t->fs);

	if (!rc)
		rc = benchfs_mpi_start(MPI_COMM_WORLD, t->fs.servers, t->fs.data_dir, &t->clients);
	if (rc == BENCHFS_MPI_SERVED)
		tool_exit(0);
	if (rc < 0) {
		/* Every rank gets the same error: rank 0 is always a client and reports it. */
		if (t->rank == 0)
			tool_error(t, "cannot start servers", rc);
		tool_exit(1);
	}
	MPI_Comm_dup(t->clients, &t->comm);
}

/* tool_start_attach - attach every rank to running servers; the lowest failing rank reports. */
static void tool_start_attach(struct tool *t)
{
	int rc = benchfs_init(t->fs.attach);
	int first = rc < 0 ? t->rank : t->size;

	MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
	if (first < t->size) {
		if (first == t->rank)
			tool_error(t, t->fs.attach ? t->fs.attach : getenv("BENCHFS_ADDR"), rc);
		if (rc == 0)
			benchfs_term();
		tool_exit(1);
	}
	MPI_Comm_dup(MPI_COMM_WORLD, &t->comm);
}

/* tool_start - file system up, t->comm ready. */
void tool_start(struct tool *t)
{
	/* under benchfs-run the process is attached already, to servers of this job */
	t->preattached = !t->fs.servers && !t->fs.attach && benchfs_server_count() > 0;
	tool_check_mode(t);
	if (t->preattached)
		MPI_Comm_dup(MPI_COMM_WORLD, &t->comm);
	else if (t->fs.servers)
		tool_start_injob(t);
	else
		tool_start_attach(t);
	MPI_Comm_rank(t->comm, &t->rank);
	MPI_Comm_size(t->comm, &t->size);
	t->nfs_servers = benchfs_server_count();
	if (t->nfs_servers < 1)
		tool_error(t, "file system", t->nfs_servers < 0 ? t->nfs_servers : -EIO);
	if (tool_any(t, t->nfs_servers < 1))
		exit(tool_finish(t, 1));
	t->t0 = MPI_Wtime();
}

/* tool_finish - agree on the status, stop or detach, finalize. */
int tool_finish(struct tool *t, int status)
{
	int rc;

	fflush(stdout);
	MPI_Allreduce(MPI_IN_PLACE, &status, 1, MPI_INT, MPI_MAX, t->comm);
	if (t->clients != MPI_COMM_NULL)
		rc = benchfs_mpi_stop(&t->clients);
	else if (t->preattached)
		rc = 0; /* benchfs-run stops the servers at MPI_Finalize */
	else
		rc = benchfs_term();
	if (rc < 0) {
		tool_error(t, t->clients != MPI_COMM_NULL ? "stopping servers" : "detaching", rc);
		if (status == 0)
			status = 1;
	}
	/* The stop may have failed on some ranks only: agree once more on our own copy. */
	MPI_Allreduce(MPI_IN_PLACE, &status, 1, MPI_INT, MPI_MAX, t->comm);
	MPI_Comm_free(&t->comm);
	fflush(stdout);
	MPI_Finalize();
	return status;
}

/* ---- agreement and data movement ----------------------------------------------------------- */

/* tool_any - logical or over ranks. */
int tool_any(struct tool *t, int flag)
{
	flag = flag != 0;
	MPI_Allreduce(MPI_IN_PLACE, &flag, 1, MPI_INT, MPI_LOR, t->comm);
	return flag;
}

/* tool_max - maximum over ranks. */
int tool_max(struct tool *t, int v)
{
	MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_INT, MPI_MAX, t->comm);
	return v;
}

/* tool_bcast_int - one int from rank 0. */
void tool_bcast_int(struct tool *t, int *v)
{
	MPI_Bcast(v, 1, MPI_INT, 0, t->comm);
}

/* tool_bcast_bytes - @len bytes at @p from @root, in pieces an int can count. */
static void tool_bcast_bytes(struct tool *t, char *p, size_t len, int root)
{
	while (len > 0) {
		size_t n = len < TOOL_MPI_PIECE ? len : TOOL_MPI_PIECE;

		MPI_Bcast(p, (int)n, MPI_BYTE, root, t->comm);
		p += n;
		len -= n;
	}
}

/* tool_bcast_buf - a whole buffer from rank 0. */
int tool_bcast_buf(struct tool *t, char **buf, size_t *len)
{
	uint64_t n = *len;
	int nomem;

	MPI_Bcast(&n, 1, MPI_UINT64_T, 0, t->comm);
	if (t->rank != 0) {
		*len = n;
		*buf = malloc(n ? n : 1);
	}
	nomem = tool_any(t, *buf == NULL);
	if (nomem) {
		if (t->rank != 0) {
			free(*buf);
			*buf = NULL;
		}
		return -ENOMEM;
	}
	tool_bcast_bytes(t, *buf, n, 0);
	return 0;
}

/* tool_allgather_buf - every rank's bytes to every rank, in rank order. */
int tool_allgather_buf(struct tool *t, const char *buf, size_t len, char **out, size_t *outlen)
{
	uint64_t mine = len, total = 0, *lens;
	size_t off = 0;
	char *all;
	int r;

	lens = malloc(sizeof(*lens) * (size_t)t->size);
	if (tool_any(t, lens == NULL)) {
		free(lens);
		return -ENOMEM;
	}
	MPI_Allgather(&mine, 1, MPI_UINT64_T, lens, 1, MPI_UINT64_T, t->comm);
	for (r = 0; r < t->size; r++)
		total += lens[r];
	all = malloc(total ? total : 1);
	if (tool_any(t, all == NULL)) {
		free(all);
		free(lens);
		return -ENOMEM;
	}
	/* One broadcast per rank keeps sizes beyond what an int counts working. */
	for (r = 0; r < t->size; r++) {
		if (r == t->rank && lens[r])
			memcpy(all + off, buf, lens[r]);
		tool_bcast_bytes(t, all + off, lens[r], r);
		off += lens[r];
	}
	free(lens);
	*out = all;
	*outlen = total;
	return 0;
}

/* ---- messages ------------------------------------------------------------------------------ */

/* tool_error - one line naming the path and the cause. */
void tool_error(struct tool *t, const char *path, int err)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s: %s\n", t->desc->name, path, strerror(err < 0 ? -err : err));
}

/* tool_warn - one free-form line. */
void tool_warn(struct tool *t, const char *fmt, ...)
{
	char line[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fflush(stdout);
	fprintf(stderr, "%s: %s\n", t->desc->name, line);
}

/* tool_human - @bytes as "12.3 MiB" into @out. */
static void tool_human(uint64_t bytes, char *out, size_t cap)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
	double v = (double)bytes;
	int u = 0;

	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	snprintf(out, cap, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

/*
 * on_terminal - whether a person watches stderr: ours is a terminal, or (under mpirun, which
 * hands ranks a pipe) that of our parent, the mpirun or orted that forwards it, is one.
 */
static int on_terminal(void)
{
	char link[64], target[64];
	ssize_t n;

	if (isatty(STDERR_FILENO))
		return 1;
	snprintf(link, sizeof(link), "/proc/%d/fd/2", (int)getppid());
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return 0;
	target[n] = '\0';
	return !strncmp(target, "/dev/pts/", 9) || !strncmp(target, "/dev/tty", 8);
}

/* tool_progress_begin - rank 0 decides whether a line is shown; all follow. */
void tool_progress_begin(struct tool *t, struct tool_progress *p)
{
	memset(p, 0, sizeof(*p));
	p->t = t;
	p->on = t->rank == 0 && t->progress >= 0 && (t->progress || on_terminal());
	tool_bcast_int(t, &p->on);
	p->last = MPI_Wtime();
	p->req = MPI_REQUEST_NULL;
	p->comm = MPI_COMM_NULL;
	if (p->on)
		MPI_Comm_dup(t->comm, &p->comm);
}

/* tool_progress_show - rank 0 rewrites the line from the last sums. */
static void tool_progress_show(struct tool_progress *p)
{
	double s = MPI_Wtime() - p->t->t0;
	char done[32], rate[32];

	if (p->t->rank != 0)
		return;
	tool_human(p->sum[1], done, sizeof(done));
	tool_human(s > 0 ? (uint64_t)(p->sum[1] / s) : 0, rate, sizeof(rate));
	fprintf(stderr, "\r\033[K%s: %llu entries, %s, %s/s, %.0f s", p->t->desc->name,
	        (unsigned long long)p->sum[0], done, rate, s);
}

/* tool_progress_update - poll the reduction in flight, start the next one when due. */
void tool_progress_update(struct tool_progress *p, uint64_t items, uint64_t bytes)
{
	int done = 0;
	double now;

	if (!p->on)
		return;
	if (p->pending) {
		MPI_Test(&p->req, &done, MPI_STATUS_IGNORE);
		if (!done)
			return;
		p->pending = 0;
		tool_progress_show(p);
	}
	now = MPI_Wtime();
	if (now - p->last < TOOL_PROGRESS_PERIOD)
		return;
	p->mine[0] = items;
	p->mine[1] = bytes;
	MPI_Ireduce(p->mine, p->sum, 2, MPI_UINT64_T, MPI_SUM, 0, p->comm, &p->req);
	p->pending = 1;
	p->issued++;
	p->last = now;
}

/* tool_progress_end - match every rank's count of reductions, then clear the line. */
void tool_progress_end(struct tool_progress *p)
{
	uint64_t most, mine[2] = {0, 0}, sum[2];

	if (!p->on)
		return;
	/* agree on the count on the tool's communicator, not on p->comm where reductions may
	 * still be in flight; every rank finishes its pending one, then ranks behind issue the
	 * missing ones (matched in issue order) */
	MPI_Allreduce(&p->issued, &most, 1, MPI_UINT64_T, MPI_MAX, p->t->comm);
	if (p->pending)
		MPI_Wait(&p->req, MPI_STATUS_IGNORE);
	/* non-blocking ones: a blocking collective never matches a non-blocking one (MPI-3.1
	 * 5.12), and the others' reductions are MPI_Ireduce (a blocking MPI_Reduce here hung) */
	for (; p->issued < most; p->issued++) {
		MPI_Ireduce(mine, sum, 2, MPI_UINT64_T, MPI_SUM, 0, p->comm, &p->req);
		MPI_Wait(&p->req, MPI_STATUS_IGNORE);
	}
	MPI_Comm_free(&p->comm);
	if (p->t->rank == 0)
		fprintf(stderr, "\r\033[K");
	p->on = 0;
}

/* tool_summary - totals over ranks, one line on rank 0. */
void tool_summary(struct tool *t, const struct tool_counts *c, int status, const char *dst)
{
	uint64_t v[6] = {c->files, c->dirs, c->links, c->bytes, c->skipped, status != 0};
	double s = MPI_Wtime() - t->t0;

	MPI_Reduce(t->rank == 0 ? MPI_IN_PLACE : v, v, 6, MPI_UINT64_T, MPI_SUM, 0, t->comm);
	if (t->rank != 0)
		return;
	if (v[5])
		printf("%s: FAILED: %s is incomplete (errors above); copied ", t->desc->name, dst);
	else
		printf("%s: ", t->desc->name);
	printf("%llu files, %llu directories, %llu symlinks, %llu bytes in %.2f s (%.1f MiB/s)",
	       (unsigned long long)v[0], (unsigned long long)v[1], (unsigned long long)v[2],
	       (unsigned long long)v[3], s, s > 0 ? (double)v[3] / (1 << 20) / s : 0.0);
	if (v[4])
		printf(", %llu skipped", (unsigned long long)v[4]);
	printf("\n");
	fflush(stdout);
}

/* ---- paths --------------------------------------------------------------------------------- */

/* tool_xmalloc - malloc that aborts the process when memory runs out. */
static void *tool_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "benchfs: out of memory\n");
		MPI_Abort(MPI_COMM_WORLD, 1);
	}
	return p;
}

/* tool_normalize - drop empty and "." components, resolve ".." lexically. */
char *tool_normalize(const char *path)
{
	size_t len, o = 0;
	const char *p;
	char *out;

	if (!path || path[0] != '/') {
		errno = EINVAL;
		return NULL;
	}
	len = strlen(path);
	out = malloc(len + 2);
	if (!out)
		return NULL;
	for (p = path; *p;) {
		const char *end;
		size_t n;

		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		n = (size_t)(end - p);
		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p = end;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return out;
}

/* tool_join - dir + "/" + rel, tolerating trailing slashes on dir. */
char *tool_join(const char *dir, const char *rel)
{
	size_t dl = strlen(dir), rl = strlen(rel);
	char *out;

	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	out = tool_xmalloc(dl + rl + 2);
	memcpy(out, dir, dl);
	if (rl) {
		if (!(dl == 1 && dir[0] == '/'))
			out[dl++] = '/';
		memcpy(out + dl, rel, rl);
	}
	out[dl + rl] = '\0';
	return out;
}

/* tool_basename - text after the last '/'. */
const char *tool_basename(const char *path)
{
	const char *s = strrchr(path, '/');

	if (!s || (s == path && s[1] == '\0'))
		return path;
	return s + 1;
}

/* tool_parent - text before the last '/'. */
char *tool_parent(const char *path)
{
	const char *s = strrchr(path, '/');
	size_t n = s && s != path ? (size_t)(s - path) : 1;
	char *out = tool_xmalloc(n + 1);

	memcpy(out, s && s != path ? path : "/", n);
	out[n] = '\0';
	return out;
}

/* tool_depth - components in a relative path. */
int tool_depth(const char *rel)
{
	int d = 0;

	if (!*rel)
		return 0;
	for (d = 1; *rel; rel++)
		d += *rel == '/';
	return d;
}

/* ---- work distribution --------------------------------------------------------------------- */

/* One piece of work while planning: a whole file or a range. */
struct tool_item {
	uint64_t cost;
	size_t index; /* file index for a whole file, range index for a range */
	int is_range;
};

/* tool_item_cmp - larger cost first; ties in a fixed order so every rank agrees. */
static int tool_item_cmp(const void *a, const void *b)
{
	const struct tool_item *x = a, *y = b;

	if (x->cost != y->cost)
		return x->cost > y->cost ? -1 : 1;
	if (x->is_range != y->is_range)
		return x->is_range - y->is_range;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Min-heap of ranks by load (ties: lower rank first). */
struct tool_heap {
	uint64_t *load;
	int *rank;
	int n;
};

/* tool_heap_less - heap order of slots @i and @j. */
static int tool_heap_less(const struct tool_heap *h, int i, int j)
{
	if (h->load[i] != h->load[j])
		return h->load[i] < h->load[j];
	return h->rank[i] < h->rank[j];
}

/* tool_heap_swap - exchange two slots. */
static void tool_heap_swap(struct tool_heap *h, int i, int j)
{
	uint64_t l = h->load[i];
	int r = h->rank[i];

	h->load[i] = h->load[j];
	h->rank[i] = h->rank[j];
	h->load[j] = l;
	h->rank[j] = r;
}

/* tool_heap_add_top - add @cost to the least loaded rank and restore the heap; its rank. */
static int tool_heap_add_top(struct tool_heap *h, uint64_t cost)
{
	int r = h->rank[0], i = 0;

	h->load[0] += cost;
	for (;;) {
		int l = 2 * i + 1, m = i;

		if (l < h->n && tool_heap_less(h, l, m))
			m = l;
		if (l + 1 < h->n && tool_heap_less(h, l + 1, m))
			m = l + 1;
		if (m == i)
			break;
		tool_heap_swap(h, i, m);
		i = m;
	}
	return r;
}

/* tool_plan_ranges - cut big files into ranges; fills p->big and p->ranges. */
static int tool_plan_ranges(struct tool_plan *p, const uint64_t *sizes, size_t n, uint64_t chunk,
                            int nranks)
{
	size_t i, count = 0;

	for (i = 0; i < n && nranks > 1; i++) {
		uint64_t nchunks = (sizes[i] + chunk - 1) / chunk;
		uint64_t pieces = nchunks / TOOL_MIN_RANGE_CHUNKS;

		if (nchunks < TOOL_BIG_CHUNKS)
			continue;
		p->big[i] = 1;
		count += pieces < (uint64_t)nranks ? pieces : (uint64_t)nranks;
	}
	p->ranges = malloc(sizeof(*p->ranges) * (count ? count : 1));
	if (!p->ranges)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		uint64_t nchunks, pieces, per, off;

		if (!p->big[i])
			continue;
		nchunks = (sizes[i] + chunk - 1) / chunk;
		pieces = nchunks / TOOL_MIN_RANGE_CHUNKS;
		if (pieces > (uint64_t)nranks)
			pieces = (uint64_t)nranks;
		per = (nchunks + pieces - 1) / pieces * chunk;
		for (off = 0; off < sizes[i]; off += per) {
			struct tool_range *r = &p->ranges[p->nranges++];

			r->file = i;
			r->off = off;
			r->len = sizes[i] - off < per ? sizes[i] - off : per;
			r->rank = 0;
		}
	}
	return 0;
}

/* tool_plan_make - greedy largest-first assignment of files and ranges to ranks. */
int tool_plan_make(struct tool_plan *p, const uint64_t *sizes, size_t n, uint64_t chunk, int nranks)
{
	struct tool_item *items = NULL;
	struct tool_heap h = {0};
	size_t i, k = 0;
	int rc = -ENOMEM;

	memset(p, 0, sizeof(*p));
	if (chunk == 0)
		chunk = BENCHFS_CHUNK_SIZE_DEFAULT;
	p->owner = malloc(sizeof(*p->owner) * (n ? n : 1));
	p->big = calloc(n ? n : 1, 1);
	h.load = calloc((size_t)nranks, sizeof(*h.load));
	h.rank = malloc(sizeof(*h.rank) * (size_t)nranks);
	if (!p->owner || !p->big || !h.load || !h.rank ||
	    tool_plan_ranges(p, sizes, n, chunk, nranks))
		goto out;
	items = malloc(sizeof(*items) * (n + p->nranges + 1));
	if (!items)
		goto out;
	for (i = 0; i < n; i++)
		if (!p->big[i])
			items[k++] = (struct tool_item){sizes[i] + TOOL_FILE_COST, i, 0};
	for (i = 0; i < p->nranges; i++)
		items[k++] = (struct tool_item){p->ranges[i].len + TOOL_FILE_COST, i, 1};
	qsort(items, k, sizeof(*items), tool_item_cmp);
	h.n = nranks;
	for (i = 0; i < (size_t)nranks; i++)
		h.rank[i] = (int)i;
	for (i = 0; i < k; i++) {
		int r = tool_heap_add_top(&h, items[i].cost);

		if (items[i].is_range)
			p->ranges[items[i].index].rank = r;
		else
			p->owner[items[i].index] = r;
	}
	/* A split file is created by the rank copying its first range. */
	for (i = 0; i < p->nranges; i++)
		if (p->ranges[i].off == 0)
			p->owner[p->ranges[i].file] = p->ranges[i].rank;
	rc = 0;
out:
	free(items);
	free(h.load);
	free(h.rank);
	if (rc)
		tool_plan_free(p);
	return rc;
}

/* tool_plan_free - release a plan. */
void tool_plan_free(struct tool_plan *p)
{
	free(p->owner);
	free(p->big);
	free(p->ranges);
	memset(p, 0, sizeof(*p));
}

/* tool_copy_buffer - aligned buffer of whole chunks, at least TOOL_COPY_BUF. */
void *tool_copy_buffer(uint64_t chunk, size_t *len)
{
	size_t n;
	void *p;

	if (chunk == 0)
		chunk = BENCHFS_CHUNK_SIZE_DEFAULT;
	n = (TOOL_COPY_BUF + chunk - 1) / chunk * chunk;
	if (posix_memalign(&p, 4096, n))
		return NULL;
	*len = n;
	return p;
}

/* tool_chunk_size - BenchFS's default chunk size for new files, as the library chooses it. */
uint64_t tool_chunk_size(void)
{
	const char *s = getenv("BENCHFS_CHUNK_SIZE");
	unsigned long long v;
	char *end;

	if (!s || !*s)
		return BENCHFS_CHUNK_SIZE_DEFAULT;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || v == 0)
		return BENCHFS_CHUNK_SIZE_DEFAULT;
	switch (*end) {
	case 'k':
	case 'K':
		v <<= 10;
		break;
	case 'm':
	case 'M':
		v <<= 20;
		break;
	case 'g':
	case 'G':
		v <<= 30;
		break;
	default:
		break;
	}
	return v;
}

/* ---- packing of entry lists ---------------------------------------------------------------- */

/* tool_buf_reserve - grow geometrically to hold @n more bytes. */
void tool_buf_reserve(struct tool_buf *b, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *d;

		while (cap < b->len + n)
			cap *= 2;
		d = realloc(b->data, cap);
		if (!d) {
			fprintf(stderr, "benchfs: out of memory\n");
			MPI_Abort(MPI_COMM_WORLD, 1);
		}
		b->data = d;
		b->cap = cap;
	}
}

/* tool_buf_put - append bytes. */
void tool_buf_put(struct tool_buf *b, const void *p, size_t n)
{
	tool_buf_reserve(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

/* Fixed part of a packed entry; the two strings (with NULs) follow. */
struct tool_packed {
	uint64_t size;
	int64_t atime_sec;
	int64_t mtime_sec;
	uint32_t atime_nsec;
	uint32_t mtime_nsec;
	uint32_t mode;
	uint32_t rel_len;
	uint32_t target_len;
	uint32_t pad;
};

/* tool_entry_pack - fixed part, then rel and target with their NULs. */
void tool_entry_pack(struct tool_buf *b, const struct tool_entry *e)
{
	struct tool_packed h = {
	    .size = e->size,
	    .atime_sec = e->atime.tv_sec,
	    .mtime_sec = e->mtime.tv_sec,
	    .atime_nsec = (uint32_t)e->atime.tv_nsec,
	    .mtime_nsec = (uint32_t)e->mtime.tv_nsec,
	    .mode = (uint32_t)e->mode,
	    .rel_len = (uint32_t)strlen(e->rel),
	    .target_len = (uint32_t)strlen(e->target ? e->target : ""),
	};

	tool_buf_put(b, &h, sizeof(h));
	tool_buf_put(b, e->rel, h.rel_len + 1);
	tool_buf_put(b, e->target ? e->target : "", h.target_len + 1);
}

/* tool_entry_count - number of entries in a packed list, or -1 if it is malformed. */
static long tool_entry_count(const char *data, size_t len)
{
	size_t off = 0;
	long n = 0;

	while (off < len) {
		struct tool_packed h;

		if (len - off < sizeof(h))
			return -1;
		memcpy(&h, data + off, sizeof(h));
		off += sizeof(h);
		if (len - off < (size_t)h.rel_len + h.target_len + 2)
			return -1;
		off += (size_t)h.rel_len + h.target_len + 2;
		n++;
	}
	return n;
}

/* tool_entry_unpack - parse a packed list in two passes (count, then fill). */
int tool_entry_unpack(const char *data, size_t len, struct tool_entry **out, size_t *n)
{
	long count = tool_entry_count(data, len);
	struct tool_entry *e;
	size_t off = 0, i;

	if (count < 0)
		return -EINVAL;
	e = malloc(sizeof(*e) * ((size_t)count + 1));
	if (!e)
		return -ENOMEM;
	for (i = 0; i < (size_t)count; i++) {
		struct tool_packed h;

		memcpy(&h, data + off, sizeof(h));
		off += sizeof(h);
		e[i].rel = data + off;
		off += h.rel_len + 1;
		e[i].target = data + off;
		off += h.target_len + 1;
		e[i].mode = (mode_t)h.mode;
		e[i].size = h.size;
		e[i].atime.tv_sec = (time_t)h.atime_sec;
		e[i].atime.tv_nsec = (long)h.atime_nsec;
		e[i].mtime.tv_sec = (time_t)h.mtime_sec;
		e[i].mtime.tv_nsec = (long)h.mtime_nsec;
		e[i].depth = tool_depth(e[i].rel);
	}
	*out = e;
	*n = (size_t)count;
	return 0;
}

/* tool_dirs_by_depth - counting sort of the directories by depth. */
size_t *tool_dirs_by_depth(const struct tool_entry *ent, size_t n, size_t *ndirs)
{
	size_t i, k = 0, *out, *start;
	int maxd = 0, d;

	for (i = 0; i < n; i++)
		if (S_ISDIR(ent[i].mode)) {
			k++;
			if (ent[i].depth > maxd)
				maxd = ent[i].depth;
		}
	out = malloc(sizeof(*out) * (k + 1));
	start = calloc((size_t)maxd + 2, sizeof(*start));
	if (!out || !start) {
		free(out);
		free(start);
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (S_ISDIR(ent[i].mode))
			start[ent[i].depth + 1]++;
	for (d = 1; d <= maxd + 1; d++)
		start[d] += start[d - 1];
	for (i = 0; i < n; i++)
		if (S_ISDIR(ent[i].mode))
			out[start[ent[i].depth]++] = i;
	free(start);
	*ndirs = k;
	return out;
}

/* tool_files_plan - regular files of the list, balanced. */
int tool_files_plan(struct tool *t, const struct tool_entry *ent, size_t n, uint64_t chunk,
                    struct tool_files *f)
{
	size_t i;
	int rc = -ENOMEM;

	memset(f, 0, sizeof(*f));
	f->idx = malloc(sizeof(*f->idx) * (n + 1));
	f->size = malloc(sizeof(*f->size) * (n + 1));
	if (f->idx && f->size) {
		for (i = 0; i < n; i++)
			if (S_ISREG(ent[i].mode)) {
				f->idx[f->n] = i;
				f->size[f->n++] = ent[i].size;
			}
		f->failed = calloc(f->n + 1, 1);
		if (f->failed)
			rc = tool_plan_make(&f->plan, f->size, f->n, chunk, t->size);
	}
	if (tool_any(t, rc < 0)) {
		tool_files_free(f);
		return -ENOMEM;
	}
	return 0;
}

/* tool_files_share_failures - or of the flags of all ranks, in pieces an int can count. */
void tool_files_share_failures(struct tool *t, struct tool_files *f)
{
	size_t off;

	for (off = 0; off < f->n; off += TOOL_MPI_PIECE) {
		size_t n = f->n - off < TOOL_MPI_PIECE ? f->n - off : TOOL_MPI_PIECE;

		MPI_Allreduce(MPI_IN_PLACE, f->failed + off, (int)n, MPI_UNSIGNED_CHAR, MPI_MAX,
		              t->comm);
	}
}

/* tool_files_free - release the arrays. */
void tool_files_free(struct tool_files *f)
{
	free(f->idx);
	free(f->size);
	free(f->failed);
	tool_plan_free(&f->plan);
	memset(f, 0, sizeof(*f));
}
