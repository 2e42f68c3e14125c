/*
 * stagein.h - the copy of benchfs-stagein (stagein_copy.c): a local tree walked by rank 0 and
 * copied into BenchFS by every rank (copy.h's driver with local-source, BenchFS-destination
 * operations). benchfs-stagein's main and benchfs-bench's stagein workload run it.
 */
#ifndef BENCHFS_STAGEIN_H
#define BENCHFS_STAGEIN_H

#include "copy.h"

/** State of one stage-in. The caller fills t (a started tool: comm, rank, size, desc), src,
 *  dst (malloc'ed normal BenchFS path), deref, chunk_opt and cp.quiet; the rest is zero. */
struct stagein {
	struct tool t;
	int deref;          /**< -L: follow symbolic links in the source */
	uint64_t chunk_opt; /**< --chunk-size, 0 for the default */
	const char *src;
	char *dst;
	struct tool_buf list;
	char *data;
	size_t len;
	struct copy cp; /**< the entry list, counters and status (the walk sets them too) */
};

/**
 * stagein_run - collective over @s->t.comm: walk @s->src (rank 0), copy it to @s->dst (every
 * rank), free what the copy allocated (not @s->dst). Return this rank's exit status: 0, or 1
 * when something could not be copied (reported).
 */
int stagein_run(struct stagein *s);

#endif /* BENCHFS_STAGEIN_H */
