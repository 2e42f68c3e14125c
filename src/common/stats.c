/*
 * stats.c - server metrics: wire encoding, JSON, percentiles (see stats.h and benchfs_stats.h).
 */
#include "common/stats.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"

/* the u64 scalar fields, in wire order: C a counter (benchfs_server_stats_diff subtracts it),
 * G a gauge or a maximum (taken from the later sample) */
#define SCALARS(X)                                                                                 \
	X(uptime_ns, G)                                                                            \
	X(cpu_ns, C)                                                                               \
	X(since_ns, C)                                                                             \
	X(am_eager, C)                                                                             \
	X(am_rndv, C)                                                                              \
	X(bytes_eager, C)                                                                          \
	X(bytes_rndv, C)                                                                           \
	X(rep_eager, C)                                                                            \
	X(rep_rndv, C)                                                                             \
	X(io_inline, C)                                                                            \
	X(io_writebacks, C)                                                                        \
	X(uring_sqes, C)                                                                           \
	X(uring_submits, C)                                                                        \
	X(uring_cqes, C)                                                                           \
	X(uring_inflight, G)                                                                       \
	X(uring_inflight_max, G)                                                                   \
	X(requests_active, G)                                                                      \
	X(clients, G)                                                                              \
	X(sleeps, C)

/* the wire layout holds every scalar of the list, and every field of the struct: the head's
 * three words, then word 3 (server, enabled) and the u64 fields in the struct's own order */
#define ONE(f, k) +1
_Static_assert(0 SCALARS(ONE) == BFS_STATS_NSCALAR, "BFS_STATS_NSCALAR must count SCALARS");
#undef ONE
_Static_assert(BFS_STATS_WIRE_SIZE == 3 * 8 + sizeof(struct benchfs_server_stats),
               "a field of struct benchfs_server_stats does not travel");
/* the wire size counts every scalar encoded, and every u64 between uptime_ns and op is one */
_Static_assert(offsetof(struct benchfs_server_stats, op) -
                       offsetof(struct benchfs_server_stats, uptime_ns) ==
                   8 * BFS_STATS_NSCALAR,
               "a u64 field of struct benchfs_server_stats is missing in SCALARS()");

static void put64(uint8_t **p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		(*p)[i] = (uint8_t)(v >> (8 * i));
	*p += 8;
}

static uint64_t get64(const uint8_t **p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | (*p)[i];
	*p += 8;
	return v;
}

void bfs_stats_encode(const struct benchfs_server_stats *st, uint8_t *buf)
{
	uint8_t *p = buf;

	put64(&p, BFS_STATS_LAYOUT);
	put64(&p, BENCHFS_STATS_OPS);
	put64(&p, BENCHFS_STATS_BUCKETS);
	put64(&p, st->server | (uint64_t)st->enabled << 32);
#define PUT(f, k) put64(&p, st->f);
	SCALARS(PUT)
#undef PUT
	for (int o = 0; o < BENCHFS_STATS_OPS; o++) {
		const struct benchfs_op_stats *s = &st->op[o];
		put64(&p, s->requests);
		put64(&p, s->errors);
		put64(&p, s->bytes);
		put64(&p, s->queue_ns);
		put64(&p, s->service_ns);
		for (int b = 0; b < BENCHFS_STATS_BUCKETS; b++)
			put64(&p, s->queue_hist[b]);
		for (int b = 0; b < BENCHFS_STATS_BUCKETS; b++)
			put64(&p, s->service_hist[b]);
	}
}

int bfs_stats_decode(const uint8_t *buf, size_t len, struct benchfs_server_stats *st)
{
	const uint8_t *p = buf;
	uint64_t w;

	if (len != BFS_STATS_WIRE_SIZE || get64(&p) != BFS_STATS_LAYOUT ||
	    get64(&p) != BENCHFS_STATS_OPS || get64(&p) != BENCHFS_STATS_BUCKETS)
		return -EPROTO;
	memset(st, 0, sizeof(*st));
	w = get64(&p);
	st->server = (uint32_t)w;
	st->enabled = (uint32_t)(w >> 32);
#define GET(f, k) st->f = get64(&p);
	SCALARS(GET)
#undef GET
	for (int o = 0; o < BENCHFS_STATS_OPS; o++) {
		struct benchfs_op_stats *s = &st->op[o];
		s->requests = get64(&p);
		s->errors = get64(&p);
		s->bytes = get64(&p);
		s->queue_ns = get64(&p);
		s->service_ns = get64(&p);
		for (int b = 0; b < BENCHFS_STATS_BUCKETS; b++)
			s->queue_hist[b] = get64(&p);
		for (int b = 0; b < BENCHFS_STATS_BUCKETS; b++)
			s->service_hist[b] = get64(&p);
	}
	return 0;
}

BFS_API void benchfs_server_stats_diff(struct benchfs_server_stats *d,
                                       const struct benchfs_server_stats *a,
                                       const struct benchfs_server_stats *b)
{
	struct benchfs_server_stats r = *a;

#define DIFF_C(f) r.f = a->f - b->f;
#define DIFF_G(f)
#define DIFF(f, k) DIFF_##k(f)
	SCALARS(DIFF)
#undef DIFF
#undef DIFF_G
#undef DIFF_C
	for (int o = 0; o < BENCHFS_STATS_OPS; o++) {
		struct benchfs_op_stats *s = &r.op[o];
		const struct benchfs_op_stats *x = &b->op[o];
		s->requests -= x->requests;
		s->errors -= x->errors;
		s->bytes -= x->bytes;
		s->queue_ns -= x->queue_ns;
		s->service_ns -= x->service_ns;
		for (int i = 0; i < BENCHFS_STATS_BUCKETS; i++) {
			s->queue_hist[i] -= x->queue_hist[i];
			s->service_hist[i] -= x->service_hist[i];
		}
	}
	*d = r;
}

BFS_API uint64_t benchfs_stats_percentile(const uint64_t hist[BENCHFS_STATS_BUCKETS], double p)
{
	uint64_t total = 0, seen = 0;

	for (int b = 0; b < BENCHFS_STATS_BUCKETS; b++)
		total += hist[b];
	if (!total)
		return 0;
	for (int b = 0; b < BENCHFS_STATS_BUCKETS; b++) {
		seen += hist[b];
		if ((double)seen >= p * (double)total)
			return (uint64_t)1 << (b + 1);
	}
	return (uint64_t)1 << BENCHFS_STATS_BUCKETS;
}

static void hist_json(FILE *f, const char *name, const uint64_t *h)
{
	fprintf(f, ", \"%s\": [", name);
	for (int b = 0; b < BENCHFS_STATS_BUCKETS; b++)
		fprintf(f, "%s%llu", b ? ", " : "", (unsigned long long)h[b]);
	fputc(']', f);
}

BFS_API int benchfs_server_stats_json(FILE *f, const struct benchfs_server_stats *st)
{
	int first = 1;

	fprintf(f, "{\"server\": %u, \"enabled\": %u", st->server, st->enabled);
#define JS(x, k) fprintf(f, ", \"" #x "\": %llu", (unsigned long long)st->x);
	SCALARS(JS)
#undef JS
	fputs(", \"ops\": {", f);
	for (int o = 0; o < BENCHFS_STATS_OPS; o++) {
		const struct benchfs_op_stats *s = &st->op[o];
		const char *name = benchfs_stats_op_name(o);
		uint64_t n = s->requests;

		if (!n)
			continue;
		fprintf(f,
		        "%s\"%s\": {\"requests\": %llu, \"errors\": %llu, \"bytes\": %llu, "
		        "\"queue_mean_ns\": %llu, \"queue_p50_ns\": %llu, \"queue_p99_ns\": %llu, "
		        "\"service_mean_ns\": %llu, \"service_p50_ns\": %llu, "
		        "\"service_p99_ns\": %llu",
		        first ? "" : ", ", name ? name : "other", (unsigned long long)n,
		        (unsigned long long)s->errors, (unsigned long long)s->bytes,
		        (unsigned long long)(s->queue_ns / n),
		        (unsigned long long)benchfs_stats_percentile(s->queue_hist, 0.5),
		        (unsigned long long)benchfs_stats_percentile(s->queue_hist, 0.99),
		        (unsigned long long)(s->service_ns / n),
		        (unsigned long long)benchfs_stats_percentile(s->service_hist, 0.5),
		        (unsigned long long)benchfs_stats_percentile(s->service_hist, 0.99));
		hist_json(f, "queue_hist", s->queue_hist);
		hist_json(f, "service_hist", s->service_hist);
		fputc('}', f);
		first = 0;
	}
	fputs("}}", f);
	return ferror(f) ? -EIO : 0;
}
