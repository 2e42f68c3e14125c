/*
 * mem.c - the memory chunk store (see mem.h).
 *
 * Objects and blocks sit in two chained hash tables that double when full. An object keeps a
 * list of its blocks (for truncate and purge) and its size. A block's memory covers its first
 * `cap` bytes (a power of two from 4 KiB, grown by copying as writes reach further, so a small
 * file costs a few KiB, not a block); bytes past `cap` read as zeros. Memory is zero-filled
 * where a write does not cover it, so memory recycled from another object never shows
 * through; a block whose first write is still being placed is "filling" and reads as zeros.
 * Writes are placed in place only into blocks of full capacity, so growth (which moves the
 * memory) never happens under a placed write; memory replaced while a reply is being sent
 * from it is kept ("retired") until the block's transfers are over.
 */
#include "server/mem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define TABLE_MIN 1024
#define CAP_MIN   4096

struct retired { /* memory replaced while transfers used it */
	struct retired *next;
	char *mem;
	size_t cap;
};

struct hnode { /* first member of what a table holds */
	struct hnode *next;
	size_t hash;
};

struct bfs_mem_block {
	struct hnode h;              /* in the block table, by (inode, index) */
	struct bfs_mem_block *onext; /* next block of the same object */
	struct mobj *obj;            /* NULL once removed */
	uint64_t index;              /* object offset / BFS_MEM_BLOCK */
	char *mem;
	size_t cap; /* bytes of mem: CAP_MIN ... BFS_MEM_BLOCK */
	struct retired *retired;
	unsigned refs; /* in-place transfers in flight */
	int filling;   /* its first write is being placed: reads see zeros */
};

struct mobj {
	struct hnode h; /* in the object table, by inode */
	uint64_t ino;
	uint64_t size; /* end of the furthest write, or the size truncated to */
	struct bfs_mem_block *blocks;
};

struct table { /* chained; doubles when it holds more entries than slots */
	struct hnode **slot;
	size_t n, count; /* n: power of two */
};

struct bfs_mem {
	struct table objs, blocks;
	uint64_t max_bytes, bytes; /* memory allowed, memory held by blocks (in-use removed too) */
	char **idle;               /* full-size block memory freed, for reuse */
	size_t nidle, idle_cap;
};

static size_t hash(uint64_t ino, uint64_t index)
{
	return (size_t)XXH3_64bits_withSeed(&index, sizeof(index), ino);
}

static int table_init(struct table *t)
{
	t->n = TABLE_MIN;
	t->count = 0;
	t->slot = calloc(t->n, sizeof(*t->slot));
	return t->slot ? 0 : -ENOMEM;
}

static void table_grow(struct table *t)
{
	struct table g = {calloc(2 * t->n, sizeof(*t->slot)), 2 * t->n, t->count};

	if (!g.slot)
		return; /* longer chains, still correct */
	for (size_t i = 0; i < t->n; i++)
		for (struct hnode *e = t->slot[i], *next; e; e = next) {
			next = e->next;
			e->next = g.slot[e->hash & (g.n - 1)];
			g.slot[e->hash & (g.n - 1)] = e;
		}
	free(t->slot);
	*t = g;
}

/* Put @e (hash @h) at @link, the end of its chain as a lookup left it. */
static void table_add(struct table *t, struct hnode **link, struct hnode *e, size_t h)
{
	e->hash = h;
	e->next = NULL;
	*link = e;
	if (++t->count > t->n)
		table_grow(t);
}

/* Take the entry at @link out of @t. */
static void table_del(struct table *t, struct hnode **link)
{
	*link = (*link)->next;
	t->count--;
}

/* ---- objects ------------------------------------------------------------------------------- */

/* The link holding @ino's object, or the end of its chain; *@h: its hash. */
static struct hnode **obj_link(struct bfs_mem *m, uint64_t ino, size_t *h)
{
	struct hnode **p = &m->objs.slot[(*h = hash(ino, 0)) & (m->objs.n - 1)];

	while (*p && ((*p)->hash != *h || ((struct mobj *)*p)->ino != ino))
		p = &(*p)->next;
	return p;
}

static struct mobj *obj_get(struct bfs_mem *m, uint64_t ino, int create)
{
	size_t h;
	struct hnode **p = obj_link(m, ino, &h);
	struct mobj *o = (struct mobj *)*p;

	if (o || !create)
		return o;
	if (!(o = calloc(1, sizeof(*o))))
		return NULL;
	o->ino = ino;
	table_add(&m->objs, p, &o->h, h);
	return o;
}

/* ---- blocks -------------------------------------------------------------------------------- */

/* The link holding block @index of @ino, or the end of its chain; *@h: its hash. */
static struct hnode **block_link(struct bfs_mem *m, uint64_t ino, uint64_t index, size_t *h)
{
	struct hnode **p = &m->blocks.slot[(*h = hash(ino, index)) & (m->blocks.n - 1)];

	for (struct bfs_mem_block *b; (b = (struct bfs_mem_block *)*p); p = &(*p)->next)
		if (b->h.hash == *h && b->obj->ino == ino && b->index == index)
			break;
	return p;
}

static struct bfs_mem_block *block_find(struct bfs_mem *m, uint64_t ino, uint64_t index)
{
	size_t h;

	return (struct bfs_mem_block *)*block_link(m, ino, index, &h);
}

static char *mem_alloc(struct bfs_mem *m, size_t cap)
{
	void *p;

	if (cap == BFS_MEM_BLOCK && m->nidle)
		return m->idle[--m->nidle];
	/* memory kept for reuse counts against the limit: give some back to make room */
	while (m->nidle && m->bytes + (m->nidle + 1) * BFS_MEM_BLOCK + cap > m->max_bytes)
		free(m->idle[--m->nidle]);
	return posix_memalign(&p, 4096, cap) ? NULL : p;
}

/*
 * Full-size block memory is kept for reuse while what the store holds stays within its limit:
 * writing into memory the process already touched costs a copy, into fresh memory a page
 * fault and the kernel's zeroing per page as well (3 to 8 times the copy on the test machine).
 */
static void mem_free(struct bfs_mem *m, char *mem, size_t cap)
{
	if (cap == BFS_MEM_BLOCK && m->bytes + (m->nidle + 1) * BFS_MEM_BLOCK <= m->max_bytes) {
		if (m->nidle == m->idle_cap) {
			size_t n = m->idle_cap ? 2 * m->idle_cap : 256;
			char **idle = realloc(m->idle, n * sizeof(*idle));
			if (!idle) {
				free(mem);
				return;
			}
			m->idle = idle;
			m->idle_cap = n;
		}
		m->idle[m->nidle++] = mem;
	} else {
		free(mem);
	}
}

/* capacity holding bytes [0, @hi) of a block */
static size_t cap_for(size_t hi)
{
	size_t cap = CAP_MIN;

	while (cap < hi)
		cap <<= 1;
	return cap;
}

/* Memory a write reaching byte @hi of block @b (NULL: a new one) needs beyond what it has. */
static size_t extra_for(const struct bfs_mem_block *b, size_t hi)
{
	size_t cap = cap_for(hi);

	return !b ? cap : cap > b->cap ? cap - b->cap : 0;
}

/*
 * The block @index of @o, allocated with room for bytes [0, @hi) when missing (*@fresh set:
 * its memory holds garbage). NULL when the store is full or out of memory.
 */
static struct bfs_mem_block *block_get(struct bfs_mem *m, struct mobj *o, uint64_t index, size_t hi,
                                       int *fresh)
{
	size_t h, cap = cap_for(hi);
	struct hnode **p = block_link(m, o->ino, index, &h);
	struct bfs_mem_block *b = (struct bfs_mem_block *)*p;

	*fresh = 0;
	if (b)
		return b;
	if (m->bytes + cap > m->max_bytes || !(b = calloc(1, sizeof(*b))))
		return NULL;
	if (!(b->mem = mem_alloc(m, cap))) {
		free(b);
		return NULL;
	}
	b->cap = cap;
	b->obj = o;
	b->index = index;
	b->onext = o->blocks;
	o->blocks = b;
	table_add(&m->blocks, p, &b->h, h);
	m->bytes += cap;
	*fresh = 1;
	return b;
}

/* Give @b room for bytes [0, @hi) (a copy into larger memory). Return 0, -ENOSPC, -ENOMEM. */
static int block_reserve(struct bfs_mem *m, struct bfs_mem_block *b, size_t hi)
{
	size_t cap = cap_for(hi);
	char *mem;

	if (cap <= b->cap)
		return 0;
	if (m->bytes + (cap - b->cap) > m->max_bytes)
		return -ENOSPC;
	if (!(mem = mem_alloc(m, cap)))
		return -ENOMEM;
	memcpy(mem, b->mem, b->cap);
	memset(mem + b->cap, 0, cap - b->cap);
	if (b->refs) { /* a reply is being sent from the old memory */
		struct retired *r = malloc(sizeof(*r));
		if (!r) {
			mem_free(m, mem, cap);
			return -ENOMEM;
		}
		*r = (struct retired){b->retired, b->mem, b->cap};
		b->retired = r;
		m->bytes += b->cap; /* still held until then */
	} else {
		mem_free(m, b->mem, b->cap);
	}
	m->bytes += cap - b->cap;
	b->mem = mem;
	b->cap = cap;
	return 0;
}

/* Free memory @b replaced while transfers used it (they are over). */
static void block_free_retired(struct bfs_mem *m, struct bfs_mem_block *b)
{
	while (b->retired) {
		struct retired *r = b->retired;
		b->retired = r->next;
		m->bytes -= r->cap;
		mem_free(m, r->mem, r->cap);
		free(r);
	}
}

/* Free @b's memory and record (it is out of the tables and no transfer uses it). */
static void block_free(struct bfs_mem *m, struct bfs_mem_block *b)
{
	block_free_retired(m, b);
	m->bytes -= b->cap;
	mem_free(m, b->mem, b->cap);
	free(b);
}

/* Take @b out of the hash table and its object; freed now, or by the last transfer using it. */
static void block_remove(struct bfs_mem *m, struct bfs_mem_block *b)
{
	size_t h;

	table_del(&m->blocks, block_link(m, b->obj->ino, b->index, &h));
	b->obj = NULL;
	if (!b->refs)
		block_free(m, b);
}

/* A fresh block's first write covers [@lo, @hi): zero the rest of it. */
static void block_clear_around(struct bfs_mem_block *b, size_t lo, size_t hi)
{
	memset(b->mem, 0, lo);
	memset(b->mem + hi, 0, b->cap - hi);
}

/* ---- the store ----------------------------------------------------------------------------- */

int bfs_mem_open(struct bfs_mem **mp, uint64_t max)
{
	struct bfs_mem *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->max_bytes = max;
	if (table_init(&m->objs) || table_init(&m->blocks)) {
		bfs_mem_close(m);
		return -ENOMEM;
	}
	*mp = m;
	return 0;
}

void bfs_mem_close(struct bfs_mem *m)
{
	if (!m)
		return;
	for (size_t i = 0; m->objs.slot && i < m->objs.n; i++)
		while (m->objs.slot[i])
			bfs_mem_purge(m, ((struct mobj *)m->objs.slot[i])->ino);
	while (m->nidle)
		free(m->idle[--m->nidle]);
	free(m->idle);
	free(m->objs.slot);
	free(m->blocks.slot);
	free(m);
}

long bfs_mem_write(struct bfs_mem *m, uint64_t ino, const void *buf, size_t len, uint64_t off)
{
	struct mobj *o = obj_get(m, ino, 1);
	uint64_t need = 0, end = off + len, pos;

	if (!o)
		return -ENOMEM;
	for (pos = off; pos < end; pos += BFS_MEM_BLOCK - pos % BFS_MEM_BLOCK) {
		size_t in = (size_t)(pos % BFS_MEM_BLOCK);
		size_t hi =
		    end - pos < BFS_MEM_BLOCK - in ? in + (size_t)(end - pos) : BFS_MEM_BLOCK;
		need += extra_for(block_find(m, ino, pos / BFS_MEM_BLOCK), hi);
	}
	if (m->bytes + need > m->max_bytes)
		return -ENOSPC; /* nothing written */
	for (pos = off; pos < end;) {
		size_t in = (size_t)(pos % BFS_MEM_BLOCK);
		size_t n =
		    (size_t)(end - pos < BFS_MEM_BLOCK - in ? end - pos : BFS_MEM_BLOCK - in);
		int fresh;
		struct bfs_mem_block *b = block_get(m, o, pos / BFS_MEM_BLOCK, in + n, &fresh);

		if (!b || block_reserve(m, b, in + n))
			return -ENOMEM;
		if (fresh)
			block_clear_around(b, in, in + n);
		memcpy(b->mem + in, (const char *)buf + (pos - off), n);
		pos += n;
	}
	if (end > o->size)
		o->size = end;
	return (long)len;
}

long bfs_mem_read(struct bfs_mem *m, uint64_t ino, void *buf, size_t len, uint64_t off)
{
	struct mobj *o = obj_get(m, ino, 0);
	uint64_t end;

	if (!o || off >= o->size)
		return 0;
	end = off + len < o->size ? off + len : o->size;
	for (uint64_t pos = off; pos < end;) {
		size_t in = (size_t)(pos % BFS_MEM_BLOCK);
		size_t n =
		    (size_t)(end - pos < BFS_MEM_BLOCK - in ? end - pos : BFS_MEM_BLOCK - in);
		struct bfs_mem_block *b = block_find(m, ino, pos / BFS_MEM_BLOCK);
		char *dst = (char *)buf + (pos - off);

		size_t have = b && !b->filling && in < b->cap ? b->cap - in : 0; /* past: zeros */

		if (have > n)
			have = n;
		if (have)
			memcpy(dst, b->mem + in, have);
		memset(dst + have, 0, n - have);
		pos += n;
	}
	return (long)(end - off);
}

void bfs_mem_truncate(struct bfs_mem *m, uint64_t ino, uint64_t size)
{
	struct mobj *o = obj_get(m, ino, 0);
	uint64_t keep = (size + BFS_MEM_BLOCK - 1) / BFS_MEM_BLOCK; /* blocks below the new end */

	if (!o || size >= o->size)
		return;
	for (struct bfs_mem_block **p = &o->blocks, *b; (b = *p);) {
		if (b->index >= keep) {
			*p = b->onext;
			block_remove(m, b);
			continue;
		}
		if (b->index == keep - 1 && size % BFS_MEM_BLOCK && size % BFS_MEM_BLOCK < b->cap)
			memset(b->mem + size % BFS_MEM_BLOCK, 0, b->cap - size % BFS_MEM_BLOCK);
		p = &b->onext;
	}
	o->size = size;
}

void bfs_mem_purge(struct bfs_mem *m, uint64_t ino)
{
	size_t h;
	struct hnode **p = obj_link(m, ino, &h);
	struct mobj *o = (struct mobj *)*p;

	if (!o)
		return;
	while (o->blocks) {
		struct bfs_mem_block *b = o->blocks;
		o->blocks = b->onext;
		block_remove(m, b);
	}
	table_del(&m->objs, p);
	free(o);
}

void *bfs_mem_write_begin(struct bfs_mem *m, uint64_t ino, size_t len, uint64_t off,
                          struct bfs_mem_block **bp, int *err)
{
	size_t in = (size_t)(off % BFS_MEM_BLOCK);
	struct mobj *o;
	struct bfs_mem_block *b;
	int fresh = 0;

	*bp = NULL;
	*err = 0;
	if (!len || len > BFS_MEM_BLOCK - in)
		return NULL;
	if (!(o = obj_get(m, ino, 1)))
		goto nomem;
	b = block_find(m, ino, off / BFS_MEM_BLOCK);
	if (b && b->cap < BFS_MEM_BLOCK) { /* grown only while nothing is sent from it */
		if (b->refs)
			return NULL;
		if ((*err = block_reserve(m, b, BFS_MEM_BLOCK)))
			return NULL;
	}
	if (!b && !(b = block_get(m, o, off / BFS_MEM_BLOCK, BFS_MEM_BLOCK, &fresh)))
		goto nomem;
	if (fresh && len == BFS_MEM_BLOCK)
		b->filling = 1; /* garbage until the write lands: reads see zeros */
	else if (fresh)
		block_clear_around(b, in, in + len);
	b->refs++;
	*bp = b;
	return b->mem + in;
nomem:
	*err = m->bytes + BFS_MEM_BLOCK > m->max_bytes ? -ENOSPC : -ENOMEM;
	return NULL;
}

void bfs_mem_write_end(struct bfs_mem *m, struct bfs_mem_block *b, size_t len, uint64_t off, int ok)
{
	if (b->filling) {
		if (!ok)
			memset(b->mem, 0, b->cap);
		b->filling = 0;
	}
	if (ok && b->obj && off + len > b->obj->size)
		b->obj->size = off + len;
	bfs_mem_read_end(m, b);
}

const void *bfs_mem_read_begin(struct bfs_mem *m, uint64_t ino, size_t len, uint64_t off, size_t *n,
                               struct bfs_mem_block **bp)
{
	struct mobj *o = obj_get(m, ino, 0);
	size_t in = (size_t)(off % BFS_MEM_BLOCK);
	struct bfs_mem_block *b;

	if (!o || off >= o->size || !len)
		return NULL;
	*n = o->size - off < len ? (size_t)(o->size - off) : len;
	if (*n > BFS_MEM_BLOCK - in)
		return NULL;
	b = block_find(m, ino, off / BFS_MEM_BLOCK);
	if (!b || b->filling || in + *n > b->cap)
		return NULL;
	b->refs++;
	*bp = b;
	return b->mem + in;
}

void bfs_mem_read_end(struct bfs_mem *m, struct bfs_mem_block *b)
{
	if (--b->refs)
		return;
	if (!b->obj)
		block_free(m, b);
	else
		block_free_retired(m, b);
}

uint64_t bfs_mem_bytes(const struct bfs_mem *m)
{
	return m->bytes;
}
