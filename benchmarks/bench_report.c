/*
 * bench_report.c - results of benchfs-bench and their report: the table on stdout, the ratios
 * of BenchFS to its baselines and to its goals, the JSON document (--json), the gnuplot figure
 * (--plot), and the place where server CPU figures will come from.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "benchfs.h"

/* ---- results ------------------------------------------------------------------------------------
 */

void bench_fig_add(struct bench_results *r, enum bench_workload w, const char *target,
                   const char *api, const char *metric, const char *unit, double v)
{
	struct bench_fig *f = (struct bench_fig *)bench_fig_find(r, w, target, metric);

	if (!f) {
		if (r->nfigs == r->cap) {
			size_t cap = r->cap ? 2 * r->cap : 64;
			struct bench_fig *n = realloc(r->figs, cap * sizeof(*n));
			if (!n)
				return;
			r->figs = n;
			r->cap = cap;
		}
		f = &r->figs[r->nfigs++];
		memset(f, 0, sizeof(*f));
		f->w = w;
		f->target = target;
		f->api = api;
		snprintf(f->metric, sizeof(f->metric), "%s", metric);
		f->unit = unit;
	}
	if (f->n < BENCH_MAX_REPS)
		f->v[f->n++] = v;
}

const struct bench_fig *bench_fig_find(const struct bench_results *r, enum bench_workload w,
                                       const char *target, const char *metric)
{
	for (size_t i = 0; i < r->nfigs; i++)
		if (r->figs[i].w == w && !strcmp(r->figs[i].target, target) &&
		    !strcmp(r->figs[i].metric, metric))
			return &r->figs[i];
	return NULL;
}

void bench_lat_add(struct bench_results *r, const char *target, const char *op, const double *ns,
                   size_t n)
{
	struct bench_lat *l = NULL;

	for (size_t i = 0; i < r->nlats; i++)
		if (!strcmp(r->lats[i].target, target) && !strcmp(r->lats[i].op, op))
			l = &r->lats[i];
	if (!l) {
		if (r->nlats == r->latcap) {
			size_t cap = r->latcap ? 2 * r->latcap : 16;
			struct bench_lat *nl = realloc(r->lats, cap * sizeof(*nl));
			if (!nl)
				return;
			r->lats = nl;
			r->latcap = cap;
		}
		l = &r->lats[r->nlats++];
		memset(l, 0, sizeof(*l));
		l->target = target;
		snprintf(l->op, sizeof(l->op), "%s", op);
	}
	if (l->n + n > l->cap) {
		size_t cap = (l->n + n) * 2;
		double *p = realloc(l->ns, cap * sizeof(*p));
		if (!p)
			return;
		l->ns = p;
		l->cap = cap;
	}
	memcpy(l->ns + l->n, ns, n * sizeof(*ns));
	l->n += n;
}

void bench_note(struct bench_results *r, const char *fmt, ...)
{
	va_list ap;

	if (r->nnotes >= (int)(sizeof(r->notes) / sizeof(r->notes[0])))
		return;
	va_start(ap, fmt);
	vsnprintf(r->notes[r->nnotes++], sizeof(r->notes[0]), fmt, ap);
	va_end(ap);
}

double bench_percentile(const double *s, size_t n, double p)
{
	size_t i;

	if (n == 0)
		return 0;
	i = (size_t)(p * (double)(n - 1) + 0.5);
	return s[i < n ? i : n - 1];
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

void bench_summarize(struct bench_results *r)
{
	for (size_t i = 0; i < r->nfigs; i++) {
		struct bench_fig *f = &r->figs[i];
		double s[BENCH_MAX_REPS];
		memcpy(s, f->v, sizeof(double) * (size_t)f->n);
		qsort(s, (size_t)f->n, sizeof(double), cmp_double);
		f->min = s[0];
		f->max = s[f->n - 1];
		f->med = f->n % 2 ? s[f->n / 2] : (s[f->n / 2 - 1] + s[f->n / 2]) / 2;
	}
}

void bench_progress(const struct bench_cfg *c, const char *fmt, ...)
{
	va_list ap;

	if (c->wrank != 0)
		return;
	fprintf(stderr, "[%7.1f s] ", MPI_Wtime() - c->t0);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- server CPU (to be wired in) ----------------------------------------------------------------
 */

/*
 * bench_server_cpu - the servers' CPU per GiB they moved during the BenchFS phases, the share
 * of a core each used then, and the share it used while idle (an interval with no requests).
 */
int bench_server_cpu(const struct bench_results *r, char *text, size_t len)
{
	const struct bench_servers *v = &r->srv;

	if (!v->available || v->n <= 0 || v->busy_wall_s <= 0) {
		snprintf(text, len,
		         "not available (no BenchFS phase ran, or the servers did not "
		         "answer benchfs_server_stats())");
		return -ENOSYS;
	}
	snprintf(
	    text, len,
	    "%.3g CPU s per GiB moved (%.2f GiB in %.1f s of BenchFS phases), busy %.0f %% of a "
	    "core per server, idle %.2f %% of a core per server (%.1f s without requests)",
	    v->busy_gib > 0 ? v->busy_cpu_s / v->busy_gib : 0.0, v->busy_gib, v->busy_wall_s,
	    100.0 * v->busy_cpu_s / v->busy_wall_s / v->n,
	    v->idle_wall_s > 0 ? 100.0 * v->idle_cpu_s / v->idle_wall_s / v->n : 0.0,
	    v->idle_wall_s);
	return 0;
}

int bench_server_sample(int nservers, double *cpu_ns, double *bytes)
{
	struct benchfs_server_stats st;
	int w = -1, rd = -1;

	*cpu_ns = *bytes = 0;
	for (int o = 0; o < BENCHFS_STATS_OPS; o++) {
		const char *n = benchfs_stats_op_name(o);
		if (n && !strcmp(n, "write"))
			w = o;
		if (n && !strcmp(n, "read"))
			rd = o;
	}
	for (int i = 0; i < nservers; i++) {
		int rc = benchfs_server_stats(i, &st, 0);
		if (rc < 0)
			return rc;
		*cpu_ns += (double)st.cpu_ns;
		if (w >= 0)
			*bytes += (double)st.op[w].bytes;
		if (rd >= 0)
			*bytes += (double)st.op[rd].bytes;
	}
	return 0;
}

/* ---- ratios -------------------------------------------------------------------------------------
 */

#define MAX_RATIOS 96

struct ratio {
	char name[96];
	char what[160];
	double value; /* NaN when a figure is missing */
	char goal[16];
	int has_goal, met;
};

static double med(const struct bench_results *r, enum bench_workload w, const char *t,
                  const char *m)
{
	const struct bench_fig *f = bench_fig_find(r, w, t, m);
	return f && f->n ? f->med : NAN;
}

static void add_ratio(struct ratio *out, size_t *n, const char *name, const char *what, double a,
                      double b, const char *goal)
{
	struct ratio *q = &out[*n];

	for (size_t i = 0; i < *n; i++)
		if (!strcmp(out[i].name, name))
			return; /* listed already (with its goal) */
	if (*n >= MAX_RATIOS)
		return;
	(*n)++;
	snprintf(q->name, sizeof(q->name), "%s", name);
	snprintf(q->what, sizeof(q->what), "%s", what);
	q->value = a / b;
	q->has_goal = goal != NULL;
	snprintf(q->goal, sizeof(q->goal), "%s", goal ? goal : "");
	if (goal && !isnan(q->value)) {
		double g = atof(goal + 2);
		q->met = goal[0] == '>' ? q->value >= g : q->value <= g;
	}
}

static size_t ratios(const struct bench_results *r, struct ratio *q)
{
	static const char *const bfs[] = {"benchfs", "benchfs-mpiio"};
	static const char *const base[] = {"posix-disk", "posix-tmpfs", "mpiio-local"};
	static const struct {
		enum bench_workload w;
		const char *m;
	} md[] = {{W_MD_EASY, "create"},       {W_MD_EASY, "stat"}, {W_MD_EASY, "remove"},
	          {W_MD_HARD, "create+write"}, {W_MD_HARD, "stat"}, {W_MD_HARD, "read"},
	          {W_MD_HARD, "remove"}};
	static const struct {
		const char *metric, *label, *what, *goal;
	} raw[] = {
	    {"am-bw", "bw", "aggregate MiB/s over UCX AM streaming MiB/s", ">=0.80"},
	    {"am-bw-1", "bw-1", "over UCX AM with one message in flight (IOR's depth)", NULL},
	    {"am-bw-mem", "bw-mem",
	     "over UCX AM landing in memory beyond the cache, as stored data", NULL},
	    {"am-bw-1-ring", "bw-1-ring",
	     "over UCX AM, one in flight, each message to the server the ring places its chunk on",
	     NULL}};
	char name[96], what[160];
	size_t n = 0;

	/* the goals of issue 5 */
	for (int i = 0; i < 2; i++) {
		const char *t = bfs[i];
		for (size_t k = 0; k < sizeof(raw) / sizeof(raw[0]); k++)
			for (int rd = 0; rd < 2; rd++) {
				snprintf(name, sizeof(name), "%s ior-easy %s / raw AM %s", t,
				         rd ? "read" : "write", raw[k].label);
				add_ratio(q, &n, name, raw[k].what,
				          med(r, W_IOR_EASY, t, rd ? "read" : "write"),
				          med(r, W_RAW, "raw-ucx", raw[k].metric), raw[k].goal);
			}
		snprintf(name, sizeof(name), "%s ior-easy / ior-hard write (per byte)", t);
		add_ratio(q, &n, name, "how many times slower a byte is in ior-hard",
		          med(r, W_IOR_EASY, t, "write"), med(r, W_IOR_HARD, t, "write"), "<=2");
		snprintf(name, sizeof(name), "%s ior-easy / ior-hard read (per byte)", t);
		add_ratio(q, &n, name, "how many times slower a byte is in ior-hard",
		          med(r, W_IOR_EASY, t, "read"), med(r, W_IOR_HARD, t, "read"), "<=2");
		snprintf(name, sizeof(name), "%s 4KiB pread p50 / raw RTT p50", t);
		add_ratio(q, &n, name, "small request, 4 KiB reply",
		          med(r, W_LATENCY, t, "pread-4KiB-p50"),
		          med(r, W_RAW, "raw-ucx", "rtt-small-4KiB-p50"), "<=4");
		snprintf(name, sizeof(name), "%s 4KiB pwrite p50 / raw RTT p50", t);
		add_ratio(q, &n, name, "4 KiB request, small reply",
		          med(r, W_LATENCY, t, "pwrite-4KiB-p50"),
		          med(r, W_RAW, "raw-ucx", "rtt-4KiB-small-p50"), NULL);
		snprintf(name, sizeof(name), "%s 64KiB pread p50 / raw RTT p50", t);
		add_ratio(q, &n, name, "small request, 64 KiB reply",
		          med(r, W_LATENCY, t, "pread-64KiB-p50"),
		          med(r, W_RAW, "raw-ucx", "rtt-small-64KiB-p50"), NULL);
	}
	for (int b = 0; b < 2; b++) {
		snprintf(name, sizeof(name), "benchfs mdtest-easy create / %s", base[b]);
		add_ratio(q, &n, name, "ops/s", med(r, W_MD_EASY, "benchfs", "create"),
		          med(r, W_MD_EASY, base[b], "create"), ">=1");
	}
	/* stage-in against cp -a (issue 17): how many times faster */
	for (int b = 0; b < 2; b++)
		for (int k = 0; k < 2; k++) {
			const char *m = k ? "copy-warm" : "copy-cold";
			snprintf(name, sizeof(name), "benchfs stagein %s speed-up over cp -a on %s",
			         m, base[b]);
			add_ratio(q, &n, name, "seconds of cp -a / seconds of the stage-in",
			          med(r, W_STAGEIN, base[b], m), med(r, W_STAGEIN, "benchfs", m),
			          b == 0 ? ">=3" : NULL);
		}
	/* the library's overhead (issue 15): the same workloads through libbenchfs-posix.so
	 * against the native API */
	for (int w = W_IOR_EASY; w <= W_IOR_HARD; w++)
		for (int k = 0; k < 2; k++) {
			const char *m = k ? "read" : "write";
			snprintf(name, sizeof(name), "posix-preload %s %s / benchfs",
			         bench_workload_names[w], m);
			add_ratio(q, &n, name, "MiB/s", med(r, w, "posix-preload", m),
			          med(r, w, "benchfs", m), w == W_IOR_EASY ? ">=0.9" : NULL);
		}
	for (size_t i = 0; i < sizeof(md) / sizeof(md[0]); i++) {
		snprintf(name, sizeof(name), "posix-preload %s %s / benchfs",
		         bench_workload_names[md[i].w], md[i].m);
		add_ratio(q, &n, name, "ops/s", med(r, md[i].w, "posix-preload", md[i].m),
		          med(r, md[i].w, "benchfs", md[i].m),
		          md[i].w == W_MD_EASY ? ">=0.9" : NULL);
	}
	/* every other figure against the baselines (> 1: BenchFS does more per second; for
	 * latencies, > 1 means BenchFS takes longer) */
	for (int b = 0; b < 3; b++) {
		const char *t = b == 2 ? "benchfs-mpiio" : "benchfs";
		for (int w = W_IOR_EASY; w <= W_IOR_HARD; w++)
			for (int k = 0; k < 2; k++) {
				const char *m = k ? "read" : "write";
				snprintf(name, sizeof(name), "%s %s %s / %s", t,
				         bench_workload_names[w], m, base[b]);
				add_ratio(q, &n, name, "MiB/s", med(r, w, t, m),
				          med(r, w, base[b], m), NULL);
			}
		for (size_t i = 0; i < sizeof(md) / sizeof(md[0]); i++) {
			if (b == 2 && !strcmp(md[i].m, "stat"))
				continue;
			if (isnan(med(r, md[i].w, t, md[i].m)))
				continue;
			snprintf(name, sizeof(name), "%s %s %s / %s", t,
			         bench_workload_names[md[i].w], md[i].m, base[b]);
			add_ratio(q, &n, name, "ops/s", med(r, md[i].w, t, md[i].m),
			          med(r, md[i].w, base[b], md[i].m), NULL);
		}
		snprintf(name, sizeof(name), "%s 4KiB pread p50 / %s", t, base[b]);
		snprintf(what, sizeof(what), "latency: > 1 means slower than %s", base[b]);
		add_ratio(q, &n, name, what, med(r, W_LATENCY, t, "pread-4KiB-p50"),
		          med(r, W_LATENCY, base[b], "pread-4KiB-p50"), NULL);
	}
	/* dropping the entries without both figures */
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(q[i].value))
			q[k++] = q[i];
	return k;
}

/* ---- table --------------------------------------------------------------------------------------
 */

static const char *const metric_order[W_COUNT + 1][16] = {
    [W_IOR_EASY] = {"write", "read", NULL},
    [W_IOR_HARD] = {"write", "read", NULL},
    [W_MD_EASY] = {"create", "stat", "remove", NULL},
    [W_MD_HARD] = {"create+write", "stat", "read", "remove", NULL},
    [W_LATENCY] = {"pwrite-4KiB-p50", "pwrite-4KiB-p99", "pwrite-4KiB-p99.9", "pread-4KiB-p50",
                   "pread-4KiB-p99", "pread-4KiB-p99.9", "pwrite-64KiB-p50", "pwrite-64KiB-p99",
                   "pwrite-64KiB-p99.9", "pread-64KiB-p50", "pread-64KiB-p99", "pread-64KiB-p99.9",
                   NULL},
    [W_STAGEIN] = {"copy-cold", "copy-warm", NULL},
    [W_RAW] = {"am-bw", "am-bw-1", "am-bw-mem", "am-bw-1-ring", "rtt-small-4KiB-p50",
               "rtt-small-4KiB-p99", "rtt-small-4KiB-p99.9", "rtt-4KiB-small-p50",
               "rtt-4KiB-small-p99", "rtt-4KiB-small-p99.9", "rtt-small-64KiB-p50",
               "rtt-small-64KiB-p99", "rtt-64KiB-small-p50", "rtt-64KiB-small-p99", NULL},
};

/* A figure with as many decimals as its size deserves: 12345, 123.4, 1.23. */
static const char *num(char *out, size_t len, double v)
{
	snprintf(out, len, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
	return out;
}

static void cell(char *out, size_t len, const struct bench_fig *f)
{
	char a[32], b[32], c[32];

	if (!f || !f->n)
		snprintf(out, len, "-");
	else if (f->n == 1)
		snprintf(out, len, "%s", num(a, sizeof(a), f->med));
	else
		snprintf(out, len, "%s [%s-%s]", num(a, sizeof(a), f->med),
		         num(b, sizeof(b), f->min), num(c, sizeof(c), f->max));
}

/* Histogram of one latency record: power-of-two buckets in microseconds. */
static void print_hist(const struct bench_lat *l)
{
	size_t counts[40] = {0}, max = 0;
	int lo = 39, hi = 0;

	for (size_t i = 0; i < l->n; i++) {
		double us = l->ns[i] / 1e3;
		int b = 0;
		while (b < 39 && us >= (double)(1ull << (b + 1)))
			b++;
		counts[b]++;
	}
	for (int b = 0; b < 40; b++)
		if (counts[b]) {
			lo = b < lo ? b : lo;
			hi = b;
			max = counts[b] > max ? counts[b] : max;
		}
	printf("  %s %s (%zu samples)\n", l->target, l->op, l->n);
	for (int b = lo; b <= hi; b++) {
		int bar = max ? (int)(40.0 * (double)counts[b] / (double)max + 0.5) : 0;
		char lab[64];
		if (b == 0)
			snprintf(lab, sizeof(lab), "< 2 us");
		else
			snprintf(lab, sizeof(lab), "%llu-%llu us", 1ull << b, 1ull << (b + 1));
		printf("    %-16s %7zu %.*s\n", lab, counts[b], bar,
		       "########################################");
	}
}

void bench_report_table(const struct bench_cfg *c, const struct bench_results *r,
                        const struct bench_target *t)
{
	struct ratio q[MAX_RATIOS];
	size_t nq = ratios(r, q);
	char text[256];

	printf("\n%s: %d clients, %s, %d repetition%s (median [min-max])\n", BENCH_NAME, c->size,
	       c->attach_mode ? "attached to standalone servers" : "in-job servers", c->reps,
	       c->reps == 1 ? "" : "s");
	for (int i = 0; i < T_COUNT; i++)
		printf("  %-14s %-8s %s%s%s\n", t[i].name, t[i].enabled ? "" : "SKIPPED", t[i].root,
		       t[i].root[0] ? ", " : "", t[i].note[0] ? t[i].note : t[i].fstype);
	printf("\n%-12s %-20s %-7s", "workload", "metric", "unit");
	for (int i = 0; i < T_COUNT; i++)
		if (t[i].enabled)
			printf(" %-24s", t[i].name);
	printf("\n");
	for (int w = 0; w < W_COUNT; w++) {
		if (!c->workloads[w])
			continue;
		for (int m = 0; metric_order[w][m]; m++) {
			const char *unit = NULL;
			char line[512];
			int any = 0, len;
			len = 0;
			for (int i = 0; i < T_COUNT; i++) {
				const struct bench_fig *f;
				char s[112];
				if (!t[i].enabled)
					continue;
				f = bench_fig_find(r, w, t[i].name, metric_order[w][m]);
				if (f) {
					any = 1;
					unit = f->unit;
				}
				cell(s, sizeof(s), f);
				len +=
				    snprintf(line + len, sizeof(line) - (size_t)len, " %-24s", s);
			}
			if (any)
				printf("%-12s %-20s %-7s%s\n", bench_workload_names[w],
				       metric_order[w][m], unit, line);
		}
	}
	if (c->raw && !c->attach_mode) {
		printf(
		    "\nraw transport (UCX active messages, BenchFS's send flags; %zu B messages, "
		    "%zu in flight per client, am-bw-1 one; am-bw-mem lands them all over a "
		    "receive area beyond the cache; am-bw-1-ring sends each to the server the ring "
		    "places that chunk on, one in flight):\n",
		    c->raw_msg, c->raw_window);
		for (size_t i = 0; i < r->nfigs; i++) {
			const struct bench_fig *f = &r->figs[i];
			char s[112];
			if (f->w != W_RAW)
				continue;
			cell(s, sizeof(s), f);
			printf("  %-22s %-7s %s\n", f->metric, f->unit, s);
		}
	}
	if (nq) {
		printf("\nratios (medians):\n");
		for (size_t i = 0; i < nq; i++) {
			printf("  %-58s %8.3f", q[i].name, q[i].value);
			if (q[i].has_goal)
				printf("   goal %-6s %s", q[i].goal, q[i].met ? "met" : "NOT met");
			printf("\n");
		}
	}
	if (r->nlats) {
		printf("\nlatency histograms (all repetitions):\n");
		for (size_t i = 0; i < r->nlats; i++)
			if (!strcmp(r->lats[i].target, "benchfs") ||
			    !strcmp(r->lats[i].target, "raw-ucx"))
				print_hist(&r->lats[i]);
		printf("  (every target's histogram is in the --json document)\n");
	}
	bench_server_cpu(r, text, sizeof(text));
	printf("\nservers: %s\n", text);
	if (r->srv.last)
		for (int i = 0; i < r->srv.n; i++) {
			const struct benchfs_server_stats *st = &r->srv.last[i];
			printf(
			    "  server %d: %llu requests eager-in %llu rndv-in %llu, io at once "
			    "%llu, writebacks %llu, "
			    "io_uring %llu ops in %llu submits (max %llu in flight), %llu sleeps\n",
			    i, (unsigned long long)(st->am_eager + st->am_rndv),
			    (unsigned long long)st->am_eager, (unsigned long long)st->am_rndv,
			    (unsigned long long)st->io_inline,
			    (unsigned long long)st->io_writebacks,
			    (unsigned long long)st->uring_sqes,
			    (unsigned long long)st->uring_submits,
			    (unsigned long long)st->uring_inflight_max,
			    (unsigned long long)st->sleeps);
		}
	for (int i = 0; i < r->nnotes; i++)
		printf("note: %s\n", r->notes[i]);
	if (c->verify)
		printf("verify: %s (%ld bytes differ)\n", r->verify_errors ? "FAILED" : "passed",
		       r->verify_errors);
	fflush(stdout);
}

/* ---- JSON
 * ---------------------------------------------------------------------------------------- */

static void jstr(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static void jnum(FILE *f, double v)
{
	if (isnan(v) || isinf(v))
		fputs("null", f);
	else
		fprintf(f, "%.6g", v);
}

int bench_report_json(const struct bench_cfg *c, const struct bench_results *r,
                      const struct bench_target *t, const char *path)
{
	struct ratio q[MAX_RATIOS];
	size_t nq = ratios(r, q);
	char host[256] = "", date[64], mpiver[MPI_MAX_LIBRARY_VERSION_STRING], text[256];
	struct utsname u;
	time_t now = time(NULL);
	int len = 0;
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "%s: --json %s: %s\n", BENCH_NAME, path, strerror(errno));
		return -1;
	}
	gethostname(host, sizeof(host) - 1);
	uname(&u);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S%z", localtime(&now));
	MPI_Get_library_version(mpiver, &len);
	mpiver[len > 0 && mpiver[len - 1] == '\n' ? len - 1 : len] = '\0';
	fprintf(f, "{\n  \"benchmark\": \"%s\",\n  \"benchfs_version\": \"%s\",\n", BENCH_NAME,
	        BENCHFS_VERSION);
	fprintf(f, "  \"machine\": {\"hostname\": ");
	jstr(f, host);
	fprintf(f, ", \"cores\": %ld, \"kernel\": ", sysconf(_SC_NPROCESSORS_ONLN));
	jstr(f, u.release);
	fprintf(f, ", \"date\": ");
	jstr(f, date);
	fprintf(f, ", \"mpi\": ");
	jstr(f, strtok(mpiver, ","));
	fprintf(f, "},\n  \"command_line\": ");
	jstr(f, c->cmdline);
	fprintf(f,
	        ",\n  \"parameters\": {\"clients\": %d, \"servers\": %d, \"mode\": \"%s\", "
	        "\"reps\": %d, \"quick\": %s, \"verify\": %s,\n",
	        c->size, c->nservers, c->attach_mode ? "attach" : "in-job", c->reps,
	        c->quick ? "true" : "false", c->verify ? "true" : "false");
	fprintf(f,
	        "    \"ior_easy_bytes_per_rank\": %zu, \"ior_easy_transfer\": %zu, "
	        "\"ior_hard_records_per_rank\": %zu, \"ior_hard_record\": %zu,\n",
	        c->easy_size, c->easy_xfer, c->hard_records, c->hard_record);
	fprintf(f,
	        "    \"mdtest_easy_files_per_rank\": %zu, \"mdtest_hard_files_per_rank\": %zu, "
	        "\"mdtest_hard_file_size\": %zu, \"latency_samples\": %zu,\n",
	        c->md_files, c->mdh_files, c->mdh_size, c->lat_iters);
	fprintf(f,
	        "    \"raw_bytes_per_client\": %zu, \"raw_message\": %zu, \"raw_window\": %zu, "
	        "\"chunk_size\": %zu, \"data_dir\": ",
	        c->raw_size, c->raw_msg, c->raw_window,
	        c->chunk ? c->chunk : (size_t)BENCHFS_CHUNK_SIZE_DEFAULT);
	jstr(f, c->data_dir);
	fprintf(f, ", \"mpiio_local_driver\": ");
	jstr(f, c->mpiio_local_driver);
	fprintf(f, ",\n    \"workloads\": [");
	for (int w = 0, first = 1; w < W_COUNT; w++)
		if (c->workloads[w]) {
			fprintf(f, "%s\"%s\"", first ? "" : ", ", bench_workload_names[w]);
			first = 0;
		}
	fprintf(f, "]},\n  \"targets\": [\n");
	for (int i = 0; i < T_COUNT; i++) {
		fprintf(f, "    {\"name\": \"%s\", \"api\": \"%s\", \"enabled\": %s, \"path\": ",
		        t[i].name, t[i].api, t[i].enabled ? "true" : "false");
		jstr(f, t[i].root[0] ? t[i].root : t[i].kind == K_MPIIO ? "benchfs:/" : "/");
		fprintf(f, ", \"fstype\": ");
		jstr(f, t[i].fstype);
		fprintf(f, ", \"note\": ");
		jstr(f, t[i].note);
		fprintf(f, "}%s\n", i + 1 < T_COUNT ? "," : "");
	}
	fprintf(f, "  ],\n  \"results\": [\n");
	for (size_t i = 0; i < r->nfigs; i++) {
		const struct bench_fig *g = &r->figs[i];
		fprintf(f,
		        "    {\"workload\": \"%s\", \"target\": \"%s\", \"api\": \"%s\", "
		        "\"metric\": \"%s\", \"unit\": \"%s\", \"median\": ",
		        bench_workload_names[g->w], g->target, g->api, g->metric, g->unit);
		jnum(f, g->med);
		fprintf(f, ", \"min\": ");
		jnum(f, g->min);
		fprintf(f, ", \"max\": ");
		jnum(f, g->max);
		fprintf(f, ", \"values\": [");
		for (int k = 0; k < g->n; k++) {
			fprintf(f, "%s", k ? ", " : "");
			jnum(f, g->v[k]);
		}
		fprintf(f, "]}%s\n", i + 1 < r->nfigs ? "," : "");
	}
	fprintf(f, "  ],\n  \"latency_histograms\": [\n");
	for (size_t i = 0; i < r->nlats; i++) {
		const struct bench_lat *l = &r->lats[i];
		size_t counts[40] = {0};
		int first = 1;
		for (size_t k = 0; k < l->n; k++) {
			int b = 0;
			while (b < 39 && l->ns[k] / 1e3 >= (double)(1ull << (b + 1)))
				b++;
			counts[b]++;
		}
		fprintf(f,
		        "    {\"target\": \"%s\", \"op\": \"%s\", \"unit\": \"us\", "
		        "\"samples\": %zu, \"buckets\": [",
		        l->target, l->op, l->n);
		for (int b = 0; b < 40; b++)
			if (counts[b]) {
				fprintf(f, "%s{\"from\": %llu, \"to\": %llu, \"count\": %zu}",
				        first ? "" : ", ", b ? 1ull << b : 0ull, 1ull << (b + 1),
				        counts[b]);
				first = 0;
			}
		fprintf(f, "]}%s\n", i + 1 < r->nlats ? "," : "");
	}
	fprintf(f, "  ],\n  \"ratios\": [\n");
	for (size_t i = 0; i < nq; i++) {
		fprintf(f, "    {\"name\": ");
		jstr(f, q[i].name);
		fprintf(f, ", \"meaning\": ");
		jstr(f, q[i].what);
		fprintf(f, ", \"value\": ");
		jnum(f, q[i].value);
		if (q[i].has_goal)
			fprintf(f, ", \"goal\": \"%s\", \"goal_met\": %s", q[i].goal,
			        q[i].met ? "true" : "false");
		fprintf(f, "}%s\n", i + 1 < nq ? "," : "");
	}
	{
		const struct bench_servers *v = &r->srv;
		int ok = bench_server_cpu(r, text, sizeof(text)) == 0;
		fprintf(f, "  ],\n  \"server_cpu\": {\"available\": %s, \"text\": ",
		        ok ? "true" : "false");
		jstr(f, text);
		if (ok) {
			fprintf(f, ", \"cpu_s_per_gib\": ");
			jnum(f, v->busy_gib > 0 ? v->busy_cpu_s / v->busy_gib : NAN);
			fprintf(f, ", \"busy_core_share\": ");
			jnum(f, v->busy_cpu_s / v->busy_wall_s / v->n);
			fprintf(f, ", \"idle_core_share\": ");
			jnum(f, v->idle_wall_s > 0 ? v->idle_cpu_s / v->idle_wall_s / v->n : NAN);
		}
		fprintf(f, "},\n  \"servers\": [");
		for (int i = 0; v->last && i < v->n; i++) {
			fprintf(f, "%s", i ? ",\n    " : "\n    ");
			benchfs_server_stats_json(f, &v->last[i]);
		}
		fprintf(f, "]");
	}
	fprintf(f,
	        ",\n  \"verification\": {\"enabled\": %s, \"mismatched_bytes\": %ld, "
	        "\"io_errors\": %ld, \"passed\": %s},\n",
	        c->verify ? "true" : "false", r->verify_errors, r->io_errors,
	        c->verify && !r->verify_errors && !r->io_errors ? "true" : "false");
	fprintf(f, "  \"notes\": [");
	for (int i = 0; i < r->nnotes; i++) {
		fprintf(f, "%s", i ? ", " : "");
		jstr(f, r->notes[i]);
	}
	fprintf(f, "]\n}\n");
	if (fclose(f)) {
		fprintf(stderr, "%s: --json %s: %s\n", BENCH_NAME, path, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- gnuplot
 * ------------------------------------------------------------------------------------- */

static int have_program(const char *name)
{
	const char *p = getenv("PATH");
	char dir[4096];

	while (p && *p) {
		size_t n = strcspn(p, ":");
		snprintf(dir, sizeof(dir), "%.*s/%s", (int)n, p, name);
		if (access(dir, X_OK) == 0)
			return 1;
		p += n + (p[n] == ':');
	}
	return 0;
}

int bench_report_plot(const struct bench_cfg *c, const struct bench_results *r, const char *path)
{
	static const char *const tg[] = {"raw-ucx",    "benchfs",     "benchfs-mpiio",
	                                 "posix-disk", "posix-tmpfs", "mpiio-local"};
	static const char *const lat[][2] = {{"pread-4KiB-p50", "rtt-small-4KiB-p50"},
	                                     {"pread-4KiB-p99", "rtt-small-4KiB-p99"},
	                                     {"pwrite-4KiB-p50", "rtt-4KiB-small-p50"},
	                                     {"pwrite-4KiB-p99", "rtt-4KiB-small-p99"},
	                                     {"pread-64KiB-p50", "rtt-small-64KiB-p50"},
	                                     {"pwrite-64KiB-p50", "rtt-64KiB-small-p50"}};
	FILE *g;
	int rc;

	(void)c;
	if (!have_program("gnuplot")) {
		fprintf(stderr, "%s: gnuplot not found (apt-get install gnuplot-nox): no plot\n",
		        BENCH_NAME);
		return 0;
	}
	g = popen("gnuplot", "w");
	if (!g) {
		fprintf(stderr, "%s: cannot run gnuplot: %s\n", BENCH_NAME, strerror(errno));
		return -1;
	}
	fprintf(g, "set terminal pngcairo size 1600,650 font ',10'\nset output '%s'\n", path);
	fprintf(g, "set datafile missing '-'\nset style data histogram\n"
	           "set style histogram cluster gap 1\nset style fill solid 0.8 border -1\n"
	           "set key top right\nset grid ytics\nset xtics rotate by -20\n");
	/* bandwidth: rows are figures, columns targets */
	fprintf(g, "$bw << EOD\nfigure");
	for (size_t k = 0; k < 6; k++)
		fprintf(g, " %s", tg[k]);
	fprintf(g, "\n");
	for (int w = W_IOR_EASY; w <= W_IOR_HARD; w++)
		for (int m = 0; m < 2; m++) {
			fprintf(g, "%s-%s", bench_workload_names[w], m ? "read" : "write");
			for (size_t k = 0; k < 6; k++) {
				double v = k == 0 ? med(r, W_RAW, "raw-ucx", "am-bw")
				                  : med(r, w, tg[k], m ? "read" : "write");
				if (isnan(v))
					fprintf(g, " -");
				else
					fprintf(g, " %g", v);
			}
			fprintf(g, "\n");
		}
	fprintf(g, "EOD\n$lat << EOD\nfigure");
	for (size_t k = 0; k < 6; k++)
		fprintf(g, " %s", tg[k]);
	fprintf(g, "\n");
	for (size_t i = 0; i < sizeof(lat) / sizeof(lat[0]); i++) {
		fprintf(g, "%s", lat[i][0]);
		for (size_t k = 0; k < 6; k++) {
			double v = k == 0 ? med(r, W_RAW, "raw-ucx", lat[i][1])
			                  : med(r, W_LATENCY, tg[k], lat[i][0]);
			if (isnan(v))
				fprintf(g, " -");
			else
				fprintf(g, " %g", v);
		}
		fprintf(g, "\n");
	}
	fprintf(g, "EOD\nset multiplot layout 1,2 title 'benchfs-bench (medians; raw-ucx: UCX AM "
	           "streaming bandwidth / round trips)'\n");
	fprintf(g, "set title 'bandwidth (ior-easy, ior-hard)'\nset ylabel 'MiB/s'\n"
	           "plot for [i=2:7] $bw using i:xtic(1) title columnheader(i)\n");
	fprintf(g, "set title 'latency (one rank)'\nset ylabel 'microseconds (log)'\n"
	           "set logscale y\nplot for [i=2:7] $lat using i:xtic(1) title columnheader(i)\n"
	           "unset multiplot\n");
	rc = pclose(g);
	if (rc != 0) {
		fprintf(stderr, "%s: gnuplot failed (status %d): no plot\n", BENCH_NAME, rc);
		return -1;
	}
	return 0;
}
