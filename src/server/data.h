/*
 * data.h - a server's chunk store: one sparse object file per (file, server) under
 * DATA_DIR/obj/XX/INO (XX = low byte of the inode number in hex, INO = 16 hex digits), holding
 * this server's chunks of the file at their file offsets. Reads and writes go through one
 * io_uring; open object files are kept in a cache of BFS_DATA_FD_CACHE descriptors.
 *
 * Calls are not thread-safe (one server thread).
 */
#ifndef BFS_DATA_H
#define BFS_DATA_H

#include <stddef.h>
#include <stdint.h>

struct bfs_data;

/** Completion of a submitted operation: @res is bytes transferred, or -errno. */
typedef void (*bfs_data_cb)(void *user, int res);

/**
 * bfs_data_open - open the store under @dir (DATA_DIR), with an io_uring of @depth entries and
 * an eventfd that becomes readable when completions are ready. Return 0 or -errno.
 */
int bfs_data_open(struct bfs_data **d, const char *dir, unsigned depth, bfs_data_cb cb);
/** bfs_data_close - wait for queued operations, flush the store, tear down the ring. */
void bfs_data_close(struct bfs_data *d);
/** bfs_data_efd - the eventfd signalled on completions. */
int bfs_data_efd(struct bfs_data *d);

/**
 * bfs_data_write / bfs_data_read / bfs_data_fsync - queue an operation on the object of @ino
 * at object offset @off (the file offset); the callback given to bfs_data_open() gets @user
 * and the result when it completes (a write is retried until done or failed; a read of a
 * missing object or past its end gives fewer bytes, 0 included).
 * Return 0 when queued, or -errno when it could not be (then no callback comes).
 */
int bfs_data_write(struct bfs_data *d, uint64_t ino, const void *buf, size_t len, uint64_t off,
                   void *user);
int bfs_data_read(struct bfs_data *d, uint64_t ino, void *buf, size_t len, uint64_t off,
                  void *user);
int bfs_data_fsync(struct bfs_data *d, uint64_t ino, void *user);

/** bfs_data_truncate - drop bytes of the object of @ino past @size (no-op when shorter or
 *  missing). Return 0 or -errno. */
int bfs_data_truncate(struct bfs_data *d, uint64_t ino, uint64_t size);
/** bfs_data_purge - remove the object of @ino. Return 0 (also when missing) or -errno. */
int bfs_data_purge(struct bfs_data *d, uint64_t ino);

/** bfs_data_submit - hand queued operations to the kernel. Return number submitted. */
int bfs_data_submit(struct bfs_data *d);
/** bfs_data_reap - run the callbacks of finished operations. Return how many ran. */
int bfs_data_reap(struct bfs_data *d);
/** bfs_data_inflight - operations queued or in the kernel. */
unsigned bfs_data_inflight(const struct bfs_data *d);
/** bfs_data_clear_efd - reset the eventfd after it woke the loop. */
void bfs_data_clear_efd(struct bfs_data *d);
/** bfs_data_sync_all - flush every object of the store to storage (syncfs of the file system
 *  holding it; synchronous). Return 0 or -errno. */
int bfs_data_sync_all(struct bfs_data *d);

struct bfs_store_space; /* store.h */
/** bfs_data_statfs - the space of the storage behind the store (bytes) into *@sp. Return 0 or
 *  -errno (of statvfs(2)). */
int bfs_data_statfs(struct bfs_data *d, struct bfs_store_space *sp);

/** bfs_data_volatile - 1 when the store keeps objects in memory (BENCHFS_STORE=memory): they
 *  end with the server process. */
int bfs_data_volatile(const struct bfs_data *d);

/**
 * In-place transfers (stores that offer them: the memory store; the files store always answers
 * NULL). The caller keeps the hold *@h of an in-place transfer until the transfer is over:
 * bfs_data_write_begin gives the address where a write of @len bytes at @off may be placed
 * directly (a rendezvous pull into it), to be completed by bfs_data_write_end (@ok: the bytes
 * arrived; not @ok: the transfer failed). NULL when not possible: then *@err is 0 (do a
 * bfs_data_write) or -ENOSPC/-ENOMEM (the store is full). bfs_data_read_begin gives the
 * address of *@n bytes (up to @len, the object's size permitting) to send from directly,
 * released by bfs_data_read_end; NULL: do a bfs_data_read. The memory stays valid until the
 * matching _end even if the object is truncated or purged meanwhile.
 */
struct bfs_store_hold; /* store.h */
void *bfs_data_write_begin(struct bfs_data *d, uint64_t ino, size_t len, uint64_t off,
                           struct bfs_store_hold **h, int *err);
void bfs_data_write_end(struct bfs_data *d, struct bfs_store_hold *h, size_t len, uint64_t off,
                        int ok);
const void *bfs_data_read_begin(struct bfs_data *d, uint64_t ino, size_t len, uint64_t off,
                                size_t *n, struct bfs_store_hold **h);
void bfs_data_read_end(struct bfs_data *d, struct bfs_store_hold *h);

/** Counters of the chunk store, for the server's metrics. */
struct bfs_data_counters {
	uint64_t inline_ops; /* small reads and writes done at once */
	uint64_t writebacks; /* writebacks started by write-behind */
	uint64_t sqes;       /* operations queued to io_uring */
	uint64_t submits;    /* io_uring_submit calls */
	uint64_t cqes;       /* completions reaped */
	uint64_t inflight_max;
};
/** bfs_data_counters - the counters (zeroed by @reset after reading). */
void bfs_data_counters(struct bfs_data *d, struct bfs_data_counters *c, int reset);

#endif
