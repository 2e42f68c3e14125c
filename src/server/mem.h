/*
 * mem.h - the memory chunk store (BENCHFS_STORE=memory): a server's objects kept in its own
 * memory instead of object files, in blocks of BFS_MEM_BLOCK bytes at block-aligned object
 * offsets, found through a hash of (inode, block number). Blocks are allocated on first write
 * and recycled through a free list, so a steady workload touches warm memory only; a block's
 * bytes that were never written read as zeros.
 *
 * A write or read that lies in one block can also be done in place (bfs_mem_write_begin,
 * bfs_mem_read_begin): the caller's transfer (a rendezvous pull, a reply) uses the block's
 * memory directly, and the block stays allocated until the matching _end, even if the object
 * is truncated or purged meanwhile.
 *
 * Volatile: the data lives as long as the server process. Not thread-safe (one server thread).
 */
#ifndef BFS_SERVER_MEM_H
#define BFS_SERVER_MEM_H

#include <stddef.h>
#include <stdint.h>

#define BFS_MEM_BLOCK (1u << 20) /* bytes per block, at object offsets that are multiples */

struct bfs_mem;
struct bfs_mem_block;

/** bfs_mem_open - an empty store holding at most @max bytes of blocks. Return 0 or -ENOMEM. */
int bfs_mem_open(struct bfs_mem **m, uint64_t max);
/** bfs_mem_close - free every block (none may be in use). */
void bfs_mem_close(struct bfs_mem *m);

/**
 * bfs_mem_write - copy @len bytes from @buf to the object of @ino at offset @off, creating
 * what is missing. Return @len, or -ENOSPC (the store's limit reached; nothing written).
 */
long bfs_mem_write(struct bfs_mem *m, uint64_t ino, const void *buf, size_t len, uint64_t off);
/**
 * bfs_mem_read - copy up to @len bytes at @off into @buf, stopping at the object's size (holes
 * read as zeros). Return the bytes copied (0 past the end or for a missing object).
 */
long bfs_mem_read(struct bfs_mem *m, uint64_t ino, void *buf, size_t len, uint64_t off);
/** bfs_mem_truncate - drop the object's bytes past @size (no-op when not longer). */
void bfs_mem_truncate(struct bfs_mem *m, uint64_t ino, uint64_t size);
/** bfs_mem_purge - remove the object of @ino (no-op when missing). */
void bfs_mem_purge(struct bfs_mem *m, uint64_t ino);

/**
 * bfs_mem_write_begin - where a write of @len bytes at @off (1 <= @len, inside one block) may
 * be placed directly; *@b is the block to pass to bfs_mem_write_end. Until then, reads of a
 * new block's range see zeros. Return the address, or NULL when the range spans blocks
 * (*@b NULL: use bfs_mem_write) or the store is full (*@b NULL, *@err -ENOSPC).
 */
void *bfs_mem_write_begin(struct bfs_mem *m, uint64_t ino, size_t len, uint64_t off,
                          struct bfs_mem_block **b, int *err);
/** bfs_mem_write_end - the placed write is complete (@ok) or failed: extend the object's size
 *  over it, or drop what arrived into a new block (it reads as zeros again). */
void bfs_mem_write_end(struct bfs_mem *m, struct bfs_mem_block *b, size_t len, uint64_t off,
                       int ok);
/**
 * bfs_mem_read_begin - the address of the object's bytes at @off, *@n of them (up to @len,
 * stopping at the object's size), when they lie in one written block; *@b is the block to
 * pass to bfs_mem_read_end. NULL when not (use bfs_mem_read).
 */
const void *bfs_mem_read_begin(struct bfs_mem *m, uint64_t ino, size_t len, uint64_t off, size_t *n,
                               struct bfs_mem_block **b);
/** bfs_mem_read_end - the transfer from a bfs_mem_read_begin address is over. */
void bfs_mem_read_end(struct bfs_mem *m, struct bfs_mem_block *b);

/** bfs_mem_bytes - bytes of blocks allocated to objects. */
uint64_t bfs_mem_bytes(const struct bfs_mem *m);

#endif /* BFS_SERVER_MEM_H */
