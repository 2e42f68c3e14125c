/*
 * stats.h - server metrics on the wire (the STATS reply) and as JSON; the struct is the public
 * struct benchfs_server_stats (benchfs_stats.h).
 *
 * STATS reply payload: BFS_STATS_WIRE_WORDS little-endian u64 words:
 *   0 layout version (BFS_STATS_LAYOUT)   1 BENCHFS_STATS_OPS   2 BENCHFS_STATS_BUCKETS
 *   3 server | enabled << 32
 *   4 .. 4+BFS_STATS_NSCALAR-1  the u64 scalar fields of the struct, in declaration order
 *   then per operation 0 .. BENCHFS_STATS_OPS-1: requests, errors, bytes, queue_ns, service_ns,
 *   queue_hist[BENCHFS_STATS_BUCKETS], service_hist[BENCHFS_STATS_BUCKETS]
 */
#ifndef BFS_STATS_H
#define BFS_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "benchfs_stats.h"

#define BFS_STATS_LAYOUT     1
#define BFS_STATS_NSCALAR    19 /* SCALARS() of stats.c: checked there */
#define BFS_STATS_OPWORDS    (5 + 2 * BENCHFS_STATS_BUCKETS)
#define BFS_STATS_WIRE_WORDS (4 + BFS_STATS_NSCALAR + BENCHFS_STATS_OPS * BFS_STATS_OPWORDS)
#define BFS_STATS_WIRE_SIZE  (8 * BFS_STATS_WIRE_WORDS)

/** bfs_stats_encode - @st into @buf (BFS_STATS_WIRE_SIZE bytes). */
void bfs_stats_encode(const struct benchfs_server_stats *st, uint8_t *buf);

/** bfs_stats_decode - @len bytes of @buf into @st. 0, or -EPROTO for another layout. */
int bfs_stats_decode(const uint8_t *buf, size_t len, struct benchfs_server_stats *st);

/** bfs_stats_bucket - histogram bucket of a latency of @ns nanoseconds. */
static inline unsigned bfs_stats_bucket(uint64_t ns)
{
	unsigned b = ns ? 63u - (unsigned)__builtin_clzll(ns) : 0;

	return b < BENCHFS_STATS_BUCKETS ? b : BENCHFS_STATS_BUCKETS - 1;
}

#endif /* BFS_STATS_H */
