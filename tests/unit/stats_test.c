/*
 * stats_test.c - unit tests of src/common/stats.c: the STATS reply's wire size covers exactly
 * the words encoded (encode writes, decode reads nothing past BFS_STATS_WIRE_SIZE bytes), every
 * field round-trips, other sizes and layouts are refused, and benchfs_server_stats_diff.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "benchfs.h"
#include "common/stats.h"

#define GUARD      64   /* bytes after the wire buffer */
#define GUARD_BYTE 0xa5 /* the guard's pattern: decoded into a field, it shows */

/* sample - every field a distinct value (word index i gets 0x0101010101010101 * (i % 251 + 1)
 * plus i, so a word read from a neighbour's place or from the guard differs). */
static void sample(struct benchfs_server_stats *st)
{
	size_t first = offsetof(struct benchfs_server_stats, uptime_ns);

	memset(st, 0, sizeof(*st));
	st->server = 7;
	st->enabled = 1;
	for (uint64_t i = 0; first + 8 * i < sizeof(*st); i++) {
		uint64_t v = 0x0101010101010101ull * (i % 251 + 1) + i;

		memcpy((uint8_t *)st + first + 8 * i, &v, 8);
	}
}

/* guard_intact - the GUARD bytes at @p all hold GUARD_BYTE. */
static int guard_intact(const uint8_t *p)
{
	for (int i = 0; i < GUARD; i++)
		if (p[i] != GUARD_BYTE)
			return 0;
	return 1;
}

/* the wire layout counts every u64 scalar of the struct (those between uptime_ns and op) */
static void test_sizes(void **state)
{
	(void)state;
	assert_int_equal(BFS_STATS_NSCALAR, (offsetof(struct benchfs_server_stats, op) -
	                                     offsetof(struct benchfs_server_stats, uptime_ns)) /
	                                        8);
	assert_int_equal(BFS_STATS_WIRE_SIZE, 8 * BFS_STATS_WIRE_WORDS);
	assert_int_equal(BFS_STATS_WIRE_WORDS,
	                 4 + BFS_STATS_NSCALAR + BENCHFS_STATS_OPS * BFS_STATS_OPWORDS);
}

/* encode writes BFS_STATS_WIRE_SIZE bytes, not one more (a guard behind them, and a heap buffer
 * of exactly that size for AddressSanitizer) */
static void test_encode_size(void **state)
{
	struct benchfs_server_stats st;
	uint8_t *buf = malloc(BFS_STATS_WIRE_SIZE + GUARD), *exact = malloc(BFS_STATS_WIRE_SIZE);

	(void)state;
	assert_non_null(buf);
	assert_non_null(exact);
	sample(&st);
	memset(buf, GUARD_BYTE, BFS_STATS_WIRE_SIZE + GUARD);
	bfs_stats_encode(&st, buf);
	assert_true(guard_intact(buf + BFS_STATS_WIRE_SIZE));
	/* the last words written end the buffer (not the guard's pattern) */
	assert_false(guard_intact(buf + BFS_STATS_WIRE_SIZE - GUARD));
	bfs_stats_encode(&st, exact);
	assert_memory_equal(exact, buf, BFS_STATS_WIRE_SIZE);
	free(exact);
	free(buf);
}

/* decode reads BFS_STATS_WIRE_SIZE bytes, not the guard after them: every field comes back */
static void test_decode_size(void **state)
{
	struct benchfs_server_stats st, got;
	uint8_t *buf = malloc(BFS_STATS_WIRE_SIZE + GUARD), *exact = malloc(BFS_STATS_WIRE_SIZE);

	(void)state;
	assert_non_null(buf);
	assert_non_null(exact);
	sample(&st);
	memset(buf, GUARD_BYTE, BFS_STATS_WIRE_SIZE + GUARD);
	bfs_stats_encode(&st, buf);
	memset(buf + BFS_STATS_WIRE_SIZE, GUARD_BYTE, GUARD); /* whatever encode did there */
	memset(&got, 0xff, sizeof(got));
	assert_int_equal(bfs_stats_decode(buf, BFS_STATS_WIRE_SIZE, &got), 0);
	assert_int_equal(got.server, 7);
	assert_int_equal(got.enabled, 1);
	assert_memory_equal(&got, &st, sizeof(st));
	assert_true(guard_intact(buf + BFS_STATS_WIRE_SIZE));
	/* from a buffer of exactly the wire size (AddressSanitizer sees a read past it) */
	memcpy(exact, buf, BFS_STATS_WIRE_SIZE);
	memset(&got, 0, sizeof(got));
	assert_int_equal(bfs_stats_decode(exact, BFS_STATS_WIRE_SIZE, &got), 0);
	assert_memory_equal(&got, &st, sizeof(st));
	free(exact);
	free(buf);
}

/* another length, layout version, op count or bucket count: -EPROTO */
static void test_decode_refuses(void **state)
{
	struct benchfs_server_stats st, got;
	uint8_t *buf = malloc(BFS_STATS_WIRE_SIZE + 8);

	(void)state;
	assert_non_null(buf);
	sample(&st);
	bfs_stats_encode(&st, buf);
	assert_int_equal(bfs_stats_decode(buf, BFS_STATS_WIRE_SIZE - 8, &got), -EPROTO);
	assert_int_equal(bfs_stats_decode(buf, BFS_STATS_WIRE_SIZE + 8, &got), -EPROTO);
	assert_int_equal(bfs_stats_decode(buf, 0, &got), -EPROTO);
	for (int word = 0; word < 3; word++) {
		buf[8 * word] ^= 1;
		assert_int_equal(bfs_stats_decode(buf, BFS_STATS_WIRE_SIZE, &got), -EPROTO);
		buf[8 * word] ^= 1;
	}
	assert_int_equal(bfs_stats_decode(buf, BFS_STATS_WIRE_SIZE, &got), 0);
	free(buf);
}

/* diff: counters and histograms subtracted, gauges (uptime, in flight, active, clients) kept */
static void test_diff(void **state)
{
	struct benchfs_server_stats a, b, d;

	(void)state;
	sample(&a);
	memset(&b, 0, sizeof(b));
	b.cpu_ns = 5;
	b.sleeps = 3;
	b.uptime_ns = 1;
	b.clients = 1;
	b.op[2].requests = 4;
	b.op[2].service_hist[BENCHFS_STATS_BUCKETS - 1] = 2;
	benchfs_server_stats_diff(&d, &a, &b);
	assert_int_equal(d.cpu_ns, a.cpu_ns - 5);
	assert_int_equal(d.sleeps, a.sleeps - 3);
	assert_int_equal(d.uptime_ns, a.uptime_ns);
	assert_int_equal(d.clients, a.clients);
	assert_int_equal(d.op[2].requests, a.op[2].requests - 4);
	assert_int_equal(d.op[2].service_hist[BENCHFS_STATS_BUCKETS - 1],
	                 a.op[2].service_hist[BENCHFS_STATS_BUCKETS - 1] - 2);
	assert_int_equal(d.op[3].requests, a.op[3].requests);
	benchfs_server_stats_diff(&a, &a, &a); /* in place: counters 0, gauges kept */
	assert_int_equal(a.cpu_ns, 0);
	assert_int_equal(a.op[BENCHFS_STATS_OPS - 1].bytes, 0);
	assert_int_not_equal(a.uptime_ns, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sizes),       cmocka_unit_test(test_encode_size),
	    cmocka_unit_test(test_decode_size), cmocka_unit_test(test_decode_refuses),
	    cmocka_unit_test(test_diff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
