/*
 * lock.h - byte-range locks a server keeps for the files whose chunk 0 it holds.
 *
 * The lock service MPI-IO needs for atomic mode and shared file pointers (ROMIO takes them
 * through its driver's SetLock). A lock belongs to a client (the id HELLO gave it) and covers
 * [start, end) of one inode, shared (read) or exclusive (write). Locks of one client never
 * conflict with each other. Requests are granted in arrival order: one that conflicts with a
 * granted lock, or with an earlier request still waiting, waits too. Unlock releases every lock
 * and cancels every waiting request of the client that overlaps the range (no splitting).
 * Waiting requests are the caller's opaque pointers, handed back through a callback when they
 * are granted (status 0) or cancelled (negative errno).
 */
#ifndef BFS_SERVER_LOCK_H
#define BFS_SERVER_LOCK_H

#include <stdint.h>

struct bfs_locks;

typedef void bfs_lock_done_fn(void *waiter, int status);

/** bfs_locks_new - an empty table, or NULL when out of memory. */
struct bfs_locks *bfs_locks_new(bfs_lock_done_fn *done);
/** bfs_locks_free - free the table (cancel waiting requests first: they are not answered). */
void bfs_locks_free(struct bfs_locks *t);

/**
 * bfs_lock_acquire - lock [@start, @end) of @ino for @client, exclusive when @write.
 * Return 1 when granted now, 0 when queued (@waiter is handed to the callback later), -EAGAIN
 * when it would wait and @nowait is set, -EINVAL for an empty range, -ENOMEM.
 */
int bfs_lock_acquire(struct bfs_locks *t, uint64_t ino, uint32_t client, uint64_t start,
                     uint64_t end, int write, int nowait, void *waiter);
/** bfs_lock_release - release and cancel (-ECANCELED) @client's locks overlapping the range,
 *  then grant what can be granted. */
void bfs_lock_release(struct bfs_locks *t, uint64_t ino, uint32_t client, uint64_t start,
                      uint64_t end);
/** bfs_lock_drop_client - @client is gone: release all its locks, cancel its requests. */
void bfs_lock_drop_client(struct bfs_locks *t, uint32_t client);
/** bfs_lock_cancel_all - cancel every waiting request with @status (server shutdown). */
void bfs_lock_cancel_all(struct bfs_locks *t, int status);

#endif
