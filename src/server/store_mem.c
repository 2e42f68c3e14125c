/*
 * store_mem.c - the memory store's table (store.h) over the blocks of mem.h: every operation is
 * done at once, writes and reads of one block can be in place, and there is nothing to flush.
 * Its space is the node's memory.
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "common/util.h"
#include "server/mem.h"
#include "server/store.h"

static struct bfs_mem *mem_of(struct bfs_data *d)
{
	return *bfs_store_state(d);
}

/* the store's limit: BENCHFS_STORE_MAX bytes, default half the node's memory */
static int memory_open(struct bfs_data *d)
{
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
	uint64_t half = pages > 0 && psize > 0 ? (uint64_t)pages * (uint64_t)psize / 2 : 1ull << 30;
	struct bfs_mem *m;
	int rc = bfs_mem_open(&m, bfs_env_u64("BENCHFS_STORE_MAX", half));

	if (!rc)
		*bfs_store_state(d) = m;
	return rc;
}

static void memory_close(struct bfs_data *d)
{
	bfs_mem_close(mem_of(d));
	*bfs_store_state(d) = NULL;
}

/* Complete an operation done at once: @res < 0 is returned, not called back. */
static int memory_done(struct bfs_data *d, long res, void *user)
{
	if (res < 0)
		return (int)res;
	bfs_store_done(d, user, (int)res);
	return 0;
}

static int memory_write(struct bfs_data *d, uint64_t ino, const void *buf, size_t len, uint64_t off,
                        void *user)
{
	return memory_done(d, bfs_mem_write(mem_of(d), ino, buf, len, off), user);
}

static int memory_read(struct bfs_data *d, uint64_t ino, void *buf, size_t len, uint64_t off,
                       void *user)
{
	return memory_done(d, bfs_mem_read(mem_of(d), ino, buf, len, off), user);
}

static int memory_fsync(struct bfs_data *d, uint64_t ino, void *user)
{
	(void)d, (void)ino, (void)user;
	return BFS_STORE_NOTHING_TO_FLUSH; /* no storage behind the memory */
}

static int memory_truncate(struct bfs_data *d, uint64_t ino, uint64_t size)
{
	bfs_mem_truncate(mem_of(d), ino, size);
	return 0;
}

static int memory_purge(struct bfs_data *d, uint64_t ino)
{
	bfs_mem_purge(mem_of(d), ino);
	return 0;
}

static int memory_sync_all(struct bfs_data *d)
{
	(void)d;
	return 0; /* nothing to flush to */
}

/* the node's memory: every server of the node shares it */
static int memory_statfs(struct bfs_data *d, struct bfs_store_space *sp)
{
	long pg = sysconf(_SC_PAGESIZE);

	(void)d;
	sp->total = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)pg;
	sp->free = sp->avail = (uint64_t)sysconf(_SC_AVPHYS_PAGES) * (uint64_t)pg;
	sp->where = 0x6d656d; /* "mem" */
	return 0;
}

static void *memory_write_begin(struct bfs_data *d, uint64_t ino, size_t len, uint64_t off,
                                struct bfs_store_hold **h, int *err)
{
	return bfs_mem_write_begin(mem_of(d), ino, len, off, (struct bfs_mem_block **)h, err);
}

static void memory_write_end(struct bfs_data *d, struct bfs_store_hold *h, size_t len, uint64_t off,
                             int ok)
{
	if (ok)
		bfs_store_count_inline(d);
	bfs_mem_write_end(mem_of(d), (struct bfs_mem_block *)h, len, off, ok);
}

static const void *memory_read_begin(struct bfs_data *d, uint64_t ino, size_t len, uint64_t off,
                                     size_t *n, struct bfs_store_hold **h)
{
	const void *p = bfs_mem_read_begin(mem_of(d), ino, len, off, n, (struct bfs_mem_block **)h);

	if (p)
		bfs_store_count_inline(d);
	return p;
}

static void memory_read_end(struct bfs_data *d, struct bfs_store_hold *h)
{
	bfs_mem_read_end(mem_of(d), (struct bfs_mem_block *)h);
}

const struct bfs_store_ops bfs_store_memory = {
    .name = "memory",
    .volatile_ = 1,
    .open = memory_open,
    .close = memory_close,
    .write = memory_write,
    .read = memory_read,
    .fsync = memory_fsync,
    .truncate = memory_truncate,
    .purge = memory_purge,
    .sync_all = memory_sync_all,
    .statfs = memory_statfs,
    .write_begin = memory_write_begin,
    .write_end = memory_write_end,
    .read_begin = memory_read_begin,
    .read_end = memory_read_end,
};
