/*
 * buf.c - the server's I/O buffer pool (see buf.h).
 */
#include "server/buf.h"

#include <stdlib.h>

static int class_of(size_t len)
{
	int c = 0;

	while (((size_t)1 << (BFS_BUF_MIN_SHIFT + c)) < len)
		c++;
	return c;
}

void bfs_bufpool_init(struct bfs_bufpool *p, size_t cache_max)
{
	*p = (struct bfs_bufpool){.cache_max = cache_max};
}

void bfs_bufpool_fini(struct bfs_bufpool *p)
{
	for (int c = 0; c < BFS_BUF_CLASSES; c++)
		while (p->free[c]) {
			void *b = p->free[c];
			p->free[c] = *(void **)b;
			free(b);
		}
	p->cached = 0;
}

void *bfs_buf_get(struct bfs_bufpool *p, size_t len, size_t *cap)
{
	void *b;
	int c;

	if (len == 0)
		len = 1;
	if (len > ((size_t)1 << BFS_BUF_MAX_SHIFT))
		return NULL;
	c = class_of(len);
	*cap = (size_t)1 << (BFS_BUF_MIN_SHIFT + c);
	b = p->free[c];
	if (b) {
		p->free[c] = *(void **)b;
		p->cached -= *cap;
		p->reuses++;
		return b;
	}
	if (posix_memalign(&b, 4096, *cap))
		return NULL;
	p->allocs++;
	return b;
}

void bfs_buf_put(struct bfs_bufpool *p, void *buf, size_t cap)
{
	int c;

	if (!buf)
		return;
	if (p->cached + cap > p->cache_max) {
		free(buf);
		return;
	}
	c = class_of(cap);
	*(void **)buf = p->free[c];
	p->free[c] = buf;
	p->cached += cap;
}
