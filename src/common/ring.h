/*
 * ring.h - consistent-hashing ring with virtual nodes: places chunks and metadata on servers.
 *
 * Each server s (0..nservers-1) owns `vnodes` points on a 64-bit ring at
 * XXH3_64bits_withSeed({s, v}, seed) for v in 0..vnodes-1. A key belongs to the server of the
 * first point at or after the key's hash (wrapping). Adding a server moves about 1/(n+1) of the
 * keys, all to the new server.
 */
#ifndef BFS_RING_H
#define BFS_RING_H

#include <stddef.h>
#include <stdint.h>

/** Default virtual nodes per server; chosen so 8 servers x 100 k chunks stay within 1.10 of
 *  the mean (tests/unit/ring_test.c). Measured max/mean with the default seed: 512 vnodes gave
 *  1.07 (chunks) and 1.09 (paths) at 8 servers and up to 1.14 at 64; 1024 gives 1.03 / 1.04
 *  at 8 servers and at most 1.07 from 2 to 32 servers, for 16 bytes x 1024 per server. */
#define BFS_RING_VNODES_DEFAULT 1024
#define BFS_RING_SEED_DEFAULT   0x62656e636866735full /* "benchfs_" */

struct bfs_ring_point {
	uint64_t hash;
	uint32_t server;
};

struct bfs_ring {
	uint32_t nservers;
	uint32_t vnodes;
	uint64_t seed;
	size_t npoints;                /* nservers * vnodes */
	struct bfs_ring_point *points; /* sorted by hash */
};

/** bfs_ring_init - build a ring. Return 0, -EINVAL (nservers or vnodes 0), -ENOMEM. */
int bfs_ring_init(struct bfs_ring *ring, uint32_t nservers, uint32_t vnodes, uint64_t seed);
void bfs_ring_fini(struct bfs_ring *ring);

/** bfs_ring_lookup - server owning a 64-bit key hash (binary search, O(log points)). */
uint32_t bfs_ring_lookup(const struct bfs_ring *ring, uint64_t hash);

/** bfs_ring_chunk - server holding chunk @index of the file with inode number @ino. */
uint32_t bfs_ring_chunk(const struct bfs_ring *ring, uint64_t ino, uint64_t index);

/** bfs_ring_path - server holding the metadata record of normalized path @path (@len bytes). */
uint32_t bfs_ring_path(const struct bfs_ring *ring, const char *path, size_t len);

#endif
