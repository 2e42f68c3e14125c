/*
 * stats_test.c - unit tests of the metrics' wire encoding (src/common/stats.c): every field
 * of struct benchfs_server_stats survives encode + decode, the encoder writes exactly
 * BFS_STATS_WIRE_SIZE bytes (it wrote 8 more while BFS_STATS_NSCALAR missed a scalar: found by
 * tests/fuzz/fuzz_stats), and other lengths or layouts are -EPROTO.
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

#define CANARY 64

/* sample - metrics whose every 64-bit word differs (the struct is made of u64 words after the
 * two u32 of its head). */
static void sample(struct benchfs_server_stats *st)
{
	uint64_t w;

	st->server = 7;
	st->enabled = 1;
	for (size_t off = 8; off < sizeof(*st); off += 8) {
		w = 0x0101010101010101ull * (off / 8 % 251) + off;
		memcpy((char *)st + off, &w, 8);
	}
}

static void test_roundtrip(void **state)
{
	static struct benchfs_server_stats st, back;
	uint8_t *buf = malloc(BFS_STATS_WIRE_SIZE + CANARY);

	(void)state;
	assert_non_null(buf);
	sample(&st);
	memset(buf, 0xa5, BFS_STATS_WIRE_SIZE + CANARY);
	bfs_stats_encode(&st, buf);
	for (size_t i = BFS_STATS_WIRE_SIZE; i < BFS_STATS_WIRE_SIZE + CANARY; i++)
		assert_int_equal(buf[i], 0xa5); /* nothing written past the payload */
	assert_int_equal(bfs_stats_decode(buf, BFS_STATS_WIRE_SIZE, &back), 0);
	assert_memory_equal(&st, &back, sizeof(st));
	free(buf);
}

static void test_refused(void **state)
{
	static struct benchfs_server_stats st;
	uint8_t *buf = calloc(1, BFS_STATS_WIRE_SIZE + 8);

	(void)state;
	assert_non_null(buf);
	bfs_stats_encode(&st, buf);
	assert_int_equal(bfs_stats_decode(buf, BFS_STATS_WIRE_SIZE - 8, &st), -EPROTO);
	assert_int_equal(bfs_stats_decode(buf, BFS_STATS_WIRE_SIZE + 8, &st), -EPROTO);
	assert_int_equal(bfs_stats_decode(buf, 0, &st), -EPROTO);
	buf[0] = BFS_STATS_LAYOUT + 1;
	assert_int_equal(bfs_stats_decode(buf, BFS_STATS_WIRE_SIZE, &st), -EPROTO);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roundtrip),
	    cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
