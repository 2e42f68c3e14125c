/*
 * extent_test.c - unit tests of chunk arithmetic (src/common/extent.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/extent.h"

#define MiB (1024ull * 1024)

/*
 * check_range - split [@off, @off + @len) one extent at a time and in one call, and check what
 * callers rely on: extents are non-empty, lie in one chunk each, follow each other without gap
 * or overlap in file and buffer, and add up to the range.
 */
static void check_range(uint64_t off, uint64_t len, uint64_t cs)
{
	uint64_t count = bfs_extent_count(off, len, cs);
	uint64_t pos = off, sum = 0;
	struct bfs_extent all[64], one;

	if (count <= 64)
		assert_int_equal(bfs_extent_split(off, len, cs, 0, all, 64), count);
	for (uint64_t e = 0; e < count; e++) {
		assert_int_equal(bfs_extent_split(off, len, cs, e, &one, 1), 1);
		assert_true(one.length > 0);
		assert_int_equal(one.offset, pos);
		assert_int_equal(one.buf_off, pos - off);
		assert_int_equal(one.chunk, one.offset / cs);
		assert_int_equal((one.offset + one.length - 1) / cs, one.chunk);
		if (e + 1 < count)
			assert_int_equal((one.offset + one.length) % cs, 0);
		if (count <= 64)
			assert_memory_equal(&one, &all[e], sizeof(one));
		pos += one.length;
		sum += one.length;
	}
	assert_int_equal(sum, len);
	assert_int_equal(bfs_extent_split(off, len, cs, count, &one, 1), 0);
}

/* test_zero_length - an empty range has no extent. */
static void test_zero_length(void **state)
{
	struct bfs_extent x;

	(void)state;
	assert_int_equal(bfs_extent_count(0, 0, MiB), 0);
	assert_int_equal(bfs_extent_count(12345, 0, MiB), 0);
	assert_int_equal(bfs_extent_split(12345, 0, MiB, 0, &x, 1), 0);
}

/* test_single_byte - one byte is one extent, wherever it is. */
static void test_single_byte(void **state)
{
	static const uint64_t offs[] = {0, 1, MiB - 1, MiB, MiB + 1, 5 * MiB + 77};
	struct bfs_extent x;

	(void)state;
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		assert_int_equal(bfs_extent_count(offs[i], 1, MiB), 1);
		assert_int_equal(bfs_extent_split(offs[i], 1, MiB, 0, &x, 1), 1);
		assert_int_equal(x.chunk, offs[i] / MiB);
		assert_int_equal(x.offset, offs[i]);
		assert_int_equal(x.length, 1);
		assert_int_equal(x.buf_off, 0);
	}
}

/* test_aligned - ranges on exact chunk boundaries. */
static void test_aligned(void **state)
{
	struct bfs_extent x[4];

	(void)state;
	assert_int_equal(bfs_extent_count(0, MiB, MiB), 1);
	assert_int_equal(bfs_extent_count(MiB, MiB, MiB), 1);
	assert_int_equal(bfs_extent_count(0, MiB + 1, MiB), 2);
	assert_int_equal(bfs_extent_count(0, 4 * MiB, MiB), 4);

	assert_int_equal(bfs_extent_split(2 * MiB, 3 * MiB, MiB, 0, x, 4), 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(x[i].chunk, 2 + i);
		assert_int_equal(x[i].offset, (2 + i) * MiB);
		assert_int_equal(x[i].length, MiB);
		assert_int_equal(x[i].buf_off, i * MiB);
	}
	/* a range ending exactly at a boundary does not touch the next chunk */
	assert_int_equal(bfs_extent_count(MiB - 10, 10, MiB), 1);
	assert_int_equal(bfs_extent_count(MiB - 10, 11, MiB), 2);
	check_range(0, 4 * MiB, MiB);
	check_range(MiB, MiB, MiB);
}

/* test_unaligned - ranges starting and ending inside chunks. */
static void test_unaligned(void **state)
{
	struct bfs_extent x[4];

	(void)state;
	/* [100, 2 MiB + 50): 3 extents */
	assert_int_equal(bfs_extent_count(100, 2 * MiB - 50, MiB), 3);
	assert_int_equal(bfs_extent_split(100, 2 * MiB - 50, MiB, 0, x, 4), 3);
	assert_int_equal(x[0].chunk, 0);
	assert_int_equal(x[0].offset, 100);
	assert_int_equal(x[0].length, MiB - 100);
	assert_int_equal(x[0].buf_off, 0);
	assert_int_equal(x[1].chunk, 1);
	assert_int_equal(x[1].offset, MiB);
	assert_int_equal(x[1].length, MiB);
	assert_int_equal(x[1].buf_off, MiB - 100);
	assert_int_equal(x[2].chunk, 2);
	assert_int_equal(x[2].offset, 2 * MiB);
	assert_int_equal(x[2].length, 50);
	assert_int_equal(x[2].buf_off, 2 * MiB - 100);

	/* inside one chunk */
	assert_int_equal(bfs_extent_split(MiB + 5, 1000, MiB, 0, x, 4), 1);
	assert_int_equal(x[0].chunk, 1);
	assert_int_equal(x[0].length, 1000);
}

/* test_exhaustive_small - every range of a small file, with several chunk sizes. */
static void test_exhaustive_small(void **state)
{
	static const uint64_t sizes[] = {1, 2, 4, 8, 64};

	(void)state;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (uint64_t off = 0; off < 70; off++)
			for (uint64_t len = 0; len < 70; len++)
				check_range(off, len, sizes[s]);
}

/* test_large_offsets - offsets near 2^60 (the file size limit) and the top of 64 bits. */
static void test_large_offsets(void **state)
{
	const uint64_t lim = 1ull << 60;
	struct bfs_extent x[2];

	(void)state;
	check_range(lim - 3 * MiB - 7, 3 * MiB + 7, MiB);
	check_range(lim - 1, 1, MiB);
	check_range(lim - MiB / 2, MiB, MiB);
	assert_int_equal(bfs_extent_count(lim - 1, 1, MiB), 1);
	assert_int_equal(bfs_extent_split(lim - 1, 1, MiB, 0, x, 2), 1);
	assert_int_equal(x[0].chunk, lim / MiB - 1);
	assert_int_equal(x[0].offset, lim - 1);

	/* a huge length is counted without overflow, and its first extents are right */
	assert_int_equal(bfs_extent_count(0, lim, MiB), lim / MiB);
	assert_int_equal(bfs_extent_count(5, lim, MiB), lim / MiB + 1);
	assert_int_equal(bfs_extent_split(5, lim, MiB, lim / MiB, x, 2), 1);
	assert_int_equal(x[0].offset, lim);
	assert_int_equal(x[0].length, 5);
	assert_int_equal(x[0].buf_off, lim - 5);

	/* the very end of the 64-bit space */
	assert_int_equal(bfs_extent_count(UINT64_MAX - 9, 10, MiB), 1);
	assert_int_equal(bfs_extent_count(0, UINT64_MAX, MiB), UINT64_MAX / MiB + 1);
	assert_int_equal(bfs_extent_count(1, UINT64_MAX, MiB), UINT64_MAX / MiB + 1);
}

/* test_resume - @first with a small @max walks the same extents as one big call. */
static void test_resume(void **state)
{
	const uint64_t off = 3 * 4096 + 123, len = 37 * 4096 + 999, cs = 4096;
	struct bfs_extent all[64], part[3];
	uint64_t count = bfs_extent_count(off, len, cs), first = 0, sum = 0;
	size_t n;

	(void)state;
	assert_int_equal(count, 38); /* chunks 3 .. 40 */
	assert_int_equal(bfs_extent_split(off, len, cs, 0, all, 64), count);
	/* @max smaller than what is left: exactly @max written */
	assert_int_equal(bfs_extent_split(off, len, cs, 0, all, 5), 5);
	assert_int_equal(bfs_extent_split(off, len, cs, 0, all, 64), count);
	while ((n = bfs_extent_split(off, len, cs, first, part, 3)) > 0) {
		for (size_t i = 0; i < n; i++) {
			assert_memory_equal(&part[i], &all[first + i], sizeof(part[i]));
			sum += part[i].length;
		}
		first += n;
		assert_true(n == 3 || first == count);
	}
	assert_int_equal(first, count);
	assert_int_equal(sum, len);
	assert_int_equal(bfs_extent_split(off, len, cs, count + 10, part, 3), 0);
	assert_int_equal(bfs_extent_split(off, len, cs, 0, part, 0), 0);
}

/* test_pow2 - bfs_is_pow2() accepts powers of two only. */
static void test_pow2(void **state)
{
	(void)state;
	assert_false(bfs_is_pow2(0));
	assert_true(bfs_is_pow2(1));
	assert_true(bfs_is_pow2(MiB));
	assert_true(bfs_is_pow2(1ull << 63));
	assert_false(bfs_is_pow2(3));
	assert_false(bfs_is_pow2(MiB + 1));
	assert_false(bfs_is_pow2(UINT64_MAX));
}

/* test_chunk_size_valid - the chunk-size rule: a power of two from 4 KiB to 1 GiB. */
static void test_chunk_size_valid(void **state)
{
	(void)state;
	assert_false(bfs_chunk_size_valid(0));
	assert_false(bfs_chunk_size_valid(2048));
	assert_true(bfs_chunk_size_valid(4096));
	assert_false(bfs_chunk_size_valid(4097));
	assert_true(bfs_chunk_size_valid(MiB));
	assert_false(bfs_chunk_size_valid(MiB + 4096));
	assert_true(bfs_chunk_size_valid(1ull << 30));
	assert_false(bfs_chunk_size_valid(1ull << 31));
	assert_false(bfs_chunk_size_valid(1ull << 63));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_zero_length),      cmocka_unit_test(test_single_byte),
	    cmocka_unit_test(test_aligned),          cmocka_unit_test(test_unaligned),
	    cmocka_unit_test(test_exhaustive_small), cmocka_unit_test(test_large_offsets),
	    cmocka_unit_test(test_resume),           cmocka_unit_test(test_pow2),
	    cmocka_unit_test(test_chunk_size_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
