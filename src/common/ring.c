/*
 * ring.c - consistent-hashing ring with virtual nodes.
 *
 * Hashes are XXH3-64 over explicitly little-endian byte strings, so every process (and every
 * host, whatever its byte order) places the same key on the same server.
 */
#include "common/ring.h"

#include <errno.h>
#include <stdlib.h>

#include <xxhash.h>

/* put_le32 - store @v at @p as 4 little-endian bytes. */
static void put_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* put_le64 - store @v at @p as 8 little-endian bytes. */
static void put_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* point_cmp - qsort order of ring points: by hash, ties broken by server. */
static int point_cmp(const void *a, const void *b)
{
	const struct bfs_ring_point *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	if (x->server != y->server)
		return x->server < y->server ? -1 : 1;
	return 0;
}

/* bfs_ring_init - hash nservers * vnodes points and sort them. */
int bfs_ring_init(struct bfs_ring *ring, uint32_t nservers, uint32_t vnodes, uint64_t seed)
{
	struct bfs_ring_point *pts;
	size_t n, k = 0;

	if (!ring || !nservers || !vnodes)
		return -EINVAL;
	n = (size_t)nservers * vnodes;
	if (n / vnodes != nservers)
		return -EINVAL;
	pts = calloc(n, sizeof(*pts));
	if (!pts)
		return -ENOMEM;

	for (uint32_t s = 0; s < nservers; s++) {
		for (uint32_t v = 0; v < vnodes; v++) {
			unsigned char buf[8];

			put_le32(buf, s);
			put_le32(buf + 4, v);
			pts[k].hash = XXH3_64bits_withSeed(buf, sizeof(buf), seed);
			pts[k].server = s;
			k++;
		}
	}
	qsort(pts, n, sizeof(*pts), point_cmp);

	ring->nservers = nservers;
	ring->vnodes = vnodes;
	ring->seed = seed;
	ring->npoints = n;
	ring->points = pts;
	return 0;
}

/* bfs_ring_fini - free the points; the ring may be initialized again afterwards. */
void bfs_ring_fini(struct bfs_ring *ring)
{
	if (!ring)
		return;
	free(ring->points);
	ring->points = NULL;
	ring->npoints = 0;
}

/* bfs_ring_lookup - server of the first point at or after @hash, wrapping to the first. */
uint32_t bfs_ring_lookup(const struct bfs_ring *ring, uint64_t hash)
{
	size_t lo = 0, hi = ring->npoints;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ring->points[mid].hash < hash)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == ring->npoints)
		lo = 0;
	return ring->points[lo].server;
}

/* bfs_ring_chunk - hash the 16 little-endian bytes of (@ino, @index) and look them up. */
uint32_t bfs_ring_chunk(const struct bfs_ring *ring, uint64_t ino, uint64_t index)
{
	unsigned char buf[16];

	put_le64(buf, ino);
	put_le64(buf + 8, index);
	return bfs_ring_lookup(ring, XXH3_64bits_withSeed(buf, sizeof(buf), ring->seed));
}

/* bfs_ring_path - hash the bytes of @path and look them up. */
uint32_t bfs_ring_path(const struct bfs_ring *ring, const char *path, size_t len)
{
	return bfs_ring_lookup(ring, XXH3_64bits_withSeed(path, len, ring->seed));
}
