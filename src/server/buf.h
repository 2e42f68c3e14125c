/*
 * buf.h - the server's I/O buffers: page-aligned buffers in power-of-two size classes, kept
 * on per-class free lists for reuse, so a request in steady state costs no malloc, no mmap
 * and no page faults (glibc serves large blocks with mmap and gives them back at free, which
 * faults every page of every read buffer in again).
 *
 * Single-threaded: the server's event loop is the only user.
 */
#ifndef BFS_SERVER_BUF_H
#define BFS_SERVER_BUF_H

#include <stddef.h>
#include <stdint.h>

#define BFS_BUF_MIN_SHIFT 12 /* 4 KiB: smallest class */
#define BFS_BUF_MAX_SHIFT 23 /* 8 MiB: largest class (BFS_IO_MAX) */
#define BFS_BUF_CLASSES   (BFS_BUF_MAX_SHIFT - BFS_BUF_MIN_SHIFT + 1)

struct bfs_bufpool {
	void *free[BFS_BUF_CLASSES]; /* free lists, linked through each buffer's first bytes */
	size_t cached;               /* bytes on the free lists */
	size_t cache_max;            /* beyond this, returned buffers are freed */
	uint64_t allocs, reuses;     /* buffers made with posix_memalign / taken from a list */
};

/** bfs_bufpool_init - an empty pool keeping at most @cache_max bytes of idle buffers. */
void bfs_bufpool_init(struct bfs_bufpool *p, size_t cache_max);

/** bfs_bufpool_fini - free every idle buffer (buffers still out are the caller's to put). */
void bfs_bufpool_fini(struct bfs_bufpool *p);

/**
 * bfs_buf_get - a page-aligned buffer of at least @len bytes (1 <= @len <= 8 MiB); *@cap is
 * set to its capacity, to hand back to bfs_buf_put(). NULL when out of memory or @len too big.
 */
void *bfs_buf_get(struct bfs_bufpool *p, size_t len, size_t *cap);

/** bfs_buf_put - give back @buf (capacity @cap from bfs_buf_get); NULL is ignored. */
void bfs_buf_put(struct bfs_bufpool *p, void *buf, size_t cap);

#endif /* BFS_SERVER_BUF_H */
