/*
 * fuzz_stats.c - libFuzzer harness of the metrics decoder (src/common/stats.c), as the client
 * runs it on a STATS reply (benchfs_server_stats), and of what tools then do with the figures
 * (benchfs_server_stats_json, _diff, benchfs_stats_percentile).
 *
 * Input: a STATS reply payload of any length. bfs_stats_decode() runs on it as it is (into an
 * exact-size heap copy); then, so that short inputs reach the figures too, on a
 * BFS_STATS_WIRE_SIZE payload with a valid layout head whose words are the input repeated.
 *
 * Asserts: decoding answers 0 or -EPROTO, and 0 only for BFS_STATS_WIRE_SIZE bytes; decoded
 * metrics encode back to the very same bytes; the JSON of any figures is written whole (0,
 * balanced braces and brackets); a sample minus itself has no counts left (gauges stay);
 * percentiles are powers of two within the histogram's range.
 */
#include <errno.h>
#include <string.h>

#include "benchfs.h"
#include "common/stats.h"
#include "fuzz.h"

/* check_json - benchfs_server_stats_json() of @st: complete, balanced output. */
static void check_json(const struct benchfs_server_stats *st)
{
	char *text = NULL;
	size_t len = 0;
	int depth = 0;
	FILE *f = open_memstream(&text, &len);
	int rc;

	FUZZ_CHECK(f != NULL, "open_memstream");
	rc = benchfs_server_stats_json(f, st);
	FUZZ_CHECK(fclose(f) == 0 && rc == 0, "json: %d", rc);
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '{' || text[i] == '[')
			depth++;
		else if (text[i] == '}' || text[i] == ']')
			depth--;
		FUZZ_CHECK(depth >= 0, "json closes more than it opened at %zu", i);
	}
	FUZZ_CHECK(len > 1 && text[0] == '{' && text[len - 1] == '}' && depth == 0,
	           "json of %zu bytes, depth %d", len, depth);
	free(text);
}

/* check_figures - what tools compute from decoded metrics @st. */
static void check_figures(const struct benchfs_server_stats *st, uint8_t pct)
{
	struct benchfs_server_stats d;

	check_json(st);
	benchfs_server_stats_diff(&d, st, st);
	FUZZ_CHECK(d.since_ns == 0 && d.am_eager == 0 && d.uptime_ns == st->uptime_ns,
	           "self difference");
	for (int o = 0; o < BENCHFS_STATS_OPS; o++) {
		uint64_t p = benchfs_stats_percentile(st->op[o].service_hist, pct / 255.0);

		FUZZ_CHECK(d.op[o].requests == 0 && d.op[o].service_hist[0] == 0,
		           "op %d: self difference", o);
		FUZZ_CHECK(p == 0 ||
		               (p >= 2 && p <= (1ull << BENCHFS_STATS_BUCKETS) && !(p & (p - 1))),
		           "op %d: percentile %llu", o, (unsigned long long)p);
	}
}

/* decode - bfs_stats_decode() of @len bytes at @buf, with the invariants above. */
static void decode(const uint8_t *buf, size_t len, uint8_t pct)
{
	static struct benchfs_server_stats st;
	static uint8_t again[BFS_STATS_WIRE_SIZE];
	int rc = bfs_stats_decode(buf, len, &st);

	FUZZ_CHECK(rc == 0 || rc == -EPROTO, "decode: %d", rc);
	if (rc)
		return;
	FUZZ_CHECK(len == BFS_STATS_WIRE_SIZE, "decoded %zu bytes", len);
	bfs_stats_encode(&st, again);
	FUZZ_CHECK(memcmp(again, buf, len) == 0, "metrics encode to other bytes");
	check_figures(&st, pct);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t head[3] = {BFS_STATS_LAYOUT, BENCHFS_STATS_OPS,
	                                 BENCHFS_STATS_BUCKETS};
	uint8_t *buf = malloc(size ? size : 1);

	/* as received: the reply's bytes in a buffer of their own size */
	FUZZ_CHECK(buf != NULL, "malloc");
	if (size)
		memcpy(buf, data, size);
	decode(buf, size, size ? data[0] : 0);
	free(buf);

	/* a well-formed payload carrying the input's bytes as its figures */
	if (size == 0)
		return 0;
	buf = malloc(BFS_STATS_WIRE_SIZE);
	FUZZ_CHECK(buf != NULL, "malloc");
	for (size_t i = 0; i < BFS_STATS_WIRE_SIZE; i++)
		buf[i] = data[i % size];
	for (int w = 0; w < 3; w++)
		for (int b = 0; b < 8; b++)
			buf[8 * w + b] = (uint8_t)(head[w] >> (8 * b));
	decode(buf, BFS_STATS_WIRE_SIZE, data[0]);
	free(buf);
	return 0;
}
