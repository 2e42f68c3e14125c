/*
 * ring_test.c - unit tests of the consistent-hashing ring (src/common/ring.c): balance of
 * chunks and metadata over servers, stability when a server is added, determinism.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <xxhash.h>

#include "common/ring.h"

#define NFILES        1000
#define NCHUNKS       100 /* per file: 100 000 keys in all */
#define NSERVERS      8
#define MAX_IMBALANCE 1.10

/* path_of - the metadata path number @i (NFILES directories x NCHUNKS entries). */
static int path_of(char *buf, size_t cap, unsigned i)
{
	return snprintf(buf, cap, "/dir%u/file%u", i / NCHUNKS, i % NCHUNKS);
}

/* max_over_mean - largest count of @n servers divided by the mean count. */
static double max_over_mean(const unsigned *cnt, unsigned n, unsigned total)
{
	unsigned max = 0;

	for (unsigned s = 0; s < n; s++)
		if (cnt[s] > max)
			max = cnt[s];
	return max / ((double)total / n);
}

/* test_chunk_balance - 100 k chunks spread evenly enough over 8 servers. */
static void test_chunk_balance(void **state)
{
	struct bfs_ring ring;
	unsigned cnt[NSERVERS] = {0};
	double ratio;

	(void)state;
	assert_int_equal(
	    bfs_ring_init(&ring, NSERVERS, BFS_RING_VNODES_DEFAULT, BFS_RING_SEED_DEFAULT), 0);
	for (uint64_t f = 0; f < NFILES; f++)
		for (uint64_t i = 0; i < NCHUNKS; i++) {
			uint32_t s = bfs_ring_chunk(&ring, f + 1, i);

			assert_in_range(s, 0, NSERVERS - 1);
			cnt[s]++;
		}
	ratio = max_over_mean(cnt, NSERVERS, NFILES * NCHUNKS);
	printf("chunks: %u servers, %u vnodes, %u keys: max/mean = %.4f\n", NSERVERS,
	       BFS_RING_VNODES_DEFAULT, NFILES * NCHUNKS, ratio);
	assert_true(ratio <= MAX_IMBALANCE);
	bfs_ring_fini(&ring);
}

/* test_path_balance - 100 k metadata paths spread evenly enough over 8 servers. */
static void test_path_balance(void **state)
{
	struct bfs_ring ring;
	unsigned cnt[NSERVERS] = {0};
	char path[64];
	double ratio;

	(void)state;
	assert_int_equal(
	    bfs_ring_init(&ring, NSERVERS, BFS_RING_VNODES_DEFAULT, BFS_RING_SEED_DEFAULT), 0);
	for (unsigned i = 0; i < NFILES * NCHUNKS; i++) {
		int len = path_of(path, sizeof(path), i);
		uint32_t s = bfs_ring_path(&ring, path, (size_t)len);

		assert_in_range(s, 0, NSERVERS - 1);
		cnt[s]++;
	}
	ratio = max_over_mean(cnt, NSERVERS, NFILES * NCHUNKS);
	printf("paths:  %u servers, %u vnodes, %u keys: max/mean = %.4f\n", NSERVERS,
	       BFS_RING_VNODES_DEFAULT, NFILES * NCHUNKS, ratio);
	assert_true(ratio <= MAX_IMBALANCE);
	bfs_ring_fini(&ring);
}

/* test_stability - going from 8 to 9 servers moves about 1/9 of the keys, all to server 8. */
static void test_stability(void **state)
{
	struct bfs_ring r8, r9;
	unsigned moved_c = 0, moved_p = 0, total = NFILES * NCHUNKS;
	double lo = 0.5 / 9, hi = 1.5 / 9, fc, fp;
	char path[64];

	(void)state;
	assert_int_equal(bfs_ring_init(&r8, 8, BFS_RING_VNODES_DEFAULT, BFS_RING_SEED_DEFAULT), 0);
	assert_int_equal(bfs_ring_init(&r9, 9, BFS_RING_VNODES_DEFAULT, BFS_RING_SEED_DEFAULT), 0);
	for (uint64_t f = 0; f < NFILES; f++)
		for (uint64_t i = 0; i < NCHUNKS; i++) {
			uint32_t a = bfs_ring_chunk(&r8, f + 1, i),
			         b = bfs_ring_chunk(&r9, f + 1, i);

			if (a != b) {
				assert_int_equal(b, 8);
				moved_c++;
			}
		}
	for (unsigned i = 0; i < total; i++) {
		int len = path_of(path, sizeof(path), i);
		uint32_t a = bfs_ring_path(&r8, path, (size_t)len);
		uint32_t b = bfs_ring_path(&r9, path, (size_t)len);

		if (a != b) {
			assert_int_equal(b, 8);
			moved_p++;
		}
	}
	fc = (double)moved_c / total;
	fp = (double)moved_p / total;
	printf("8 -> 9 servers: moved %.4f of chunks, %.4f of paths (ideal 1/9 = %.4f)\n", fc, fp,
	       1.0 / 9);
	assert_true(fc >= lo && fc <= hi);
	assert_true(fp >= lo && fp <= hi);
	bfs_ring_fini(&r8);
	bfs_ring_fini(&r9);
}

/* put_le - store @v at @p as @n little-endian bytes. */
static void put_le(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* ref_lookup - owner of @h by a linear scan of the points recomputed from the spec. */
static uint32_t ref_lookup(uint32_t nservers, uint32_t vnodes, uint64_t seed, uint64_t h)
{
	uint64_t best = UINT64_MAX, lowest = UINT64_MAX;
	uint32_t best_s = UINT32_MAX, lowest_s = UINT32_MAX;

	for (uint32_t s = 0; s < nservers; s++)
		for (uint32_t v = 0; v < vnodes; v++) {
			unsigned char b[8];
			uint64_t p;

			put_le(b, s, 4);
			put_le(b + 4, v, 4);
			p = XXH3_64bits_withSeed(b, sizeof(b), seed);
			/* ties: the lowest server wins, so scan keeps the first strictly lower */
			if (p >= h && (p < best || (p == best && s < best_s))) {
				best = p;
				best_s = s;
			}
			if (p < lowest || (p == lowest && s < lowest_s)) {
				lowest = p;
				lowest_s = s;
			}
		}
	return best_s != UINT32_MAX ? best_s : lowest_s;
}

/* test_reference - placement follows the documented hash format exactly, so every build of
 * client and server agrees. */
static void test_reference(void **state)
{
	const uint32_t ns = 5, vn = 64;
	const uint64_t seed = 12345;
	struct bfs_ring ring;
	unsigned char b[16];

	(void)state;
	assert_int_equal(bfs_ring_init(&ring, ns, vn, seed), 0);
	assert_int_equal(ring.npoints, (size_t)ns * vn);
	for (size_t i = 1; i < ring.npoints; i++)
		assert_true(ring.points[i - 1].hash <= ring.points[i].hash);

	for (uint64_t k = 0; k < 200; k++) {
		uint64_t ino = k * 7919 + 1, idx = k * 31;

		put_le(b, ino, 8);
		put_le(b + 8, idx, 8);
		assert_int_equal(bfs_ring_chunk(&ring, ino, idx),
		                 ref_lookup(ns, vn, seed, XXH3_64bits_withSeed(b, 16, seed)));
	}
	assert_int_equal(bfs_ring_path(&ring, "/a/b", 4),
	                 ref_lookup(ns, vn, seed, XXH3_64bits_withSeed("/a/b", 4, seed)));

	/* exact hits, wrap-around and the ends of the hash space */
	assert_int_equal(bfs_ring_lookup(&ring, 0), ring.points[0].server);
	assert_int_equal(bfs_ring_lookup(&ring, ring.points[3].hash), ring.points[3].server);
	assert_int_equal(bfs_ring_lookup(&ring, ring.points[3].hash + 1), ring.points[4].server);
	assert_int_equal(bfs_ring_lookup(&ring, ring.points[ring.npoints - 1].hash + 1),
	                 ref_lookup(ns, vn, seed, ring.points[ring.npoints - 1].hash + 1));
	assert_int_equal(bfs_ring_lookup(&ring, UINT64_MAX), ref_lookup(ns, vn, seed, UINT64_MAX));
	bfs_ring_fini(&ring);
}

/* test_determinism - two rings built alike place every key alike; other seeds differ. */
static void test_determinism(void **state)
{
	struct bfs_ring a, b, c;
	unsigned differ = 0;

	(void)state;
	assert_int_equal(bfs_ring_init(&a, 16, 128, BFS_RING_SEED_DEFAULT), 0);
	assert_int_equal(bfs_ring_init(&b, 16, 128, BFS_RING_SEED_DEFAULT), 0);
	assert_int_equal(bfs_ring_init(&c, 16, 128, BFS_RING_SEED_DEFAULT + 1), 0);
	assert_memory_equal(a.points, b.points, a.npoints * sizeof(*a.points));
	for (uint64_t k = 0; k < 10000; k++) {
		uint32_t s = bfs_ring_chunk(&a, 42, k);

		assert_int_equal(s, bfs_ring_chunk(&a, 42, k));
		assert_int_equal(s, bfs_ring_chunk(&b, 42, k));
		differ += s != bfs_ring_chunk(&c, 42, k);
	}
	assert_true(differ > 5000);
	bfs_ring_fini(&a);
	bfs_ring_fini(&b);
	bfs_ring_fini(&c);
}

/* test_single_server - a one-server ring sends everything to server 0. */
static void test_single_server(void **state)
{
	struct bfs_ring ring;

	(void)state;
	assert_int_equal(bfs_ring_init(&ring, 1, 1, 0), 0);
	for (uint64_t k = 0; k < 1000; k++)
		assert_int_equal(bfs_ring_chunk(&ring, k, k * 3), 0);
	assert_int_equal(bfs_ring_path(&ring, "/", 1), 0);
	bfs_ring_fini(&ring);
	bfs_ring_fini(&ring); /* a second fini is harmless */
}

/* test_init_errors - zero servers or zero vnodes are rejected. */
static void test_init_errors(void **state)
{
	struct bfs_ring ring;

	(void)state;
	assert_int_equal(bfs_ring_init(&ring, 0, BFS_RING_VNODES_DEFAULT, 0), -EINVAL);
	assert_int_equal(bfs_ring_init(&ring, 8, 0, 0), -EINVAL);
	assert_int_equal(bfs_ring_init(&ring, 0, 0, 0), -EINVAL);
	assert_int_equal(bfs_ring_init(NULL, 8, 8, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_chunk_balance), cmocka_unit_test(test_path_balance),
	    cmocka_unit_test(test_stability),     cmocka_unit_test(test_reference),
	    cmocka_unit_test(test_determinism),   cmocka_unit_test(test_single_server),
	    cmocka_unit_test(test_init_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
