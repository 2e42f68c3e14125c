/*
 * store.h - the chunk-store interface (prefix bfs_store_): one table of operations per kind of
 * store, chosen once when the chunk store opens (BENCHFS_STORE: "files", the default, object
 * files under DATA_DIR/obj driven through io_uring, src/server/data.c; "memory", blocks in the
 * server's memory, src/server/mem.c, its table in src/server/store_mem.c). bfs_data_* (data.h)
 * calls through the table and never asks which store it has; a further store (an inline small-file
 * tier, a burst-buffer backing directory) is one more table.
 *
 * Every operation takes the chunk store @d (struct bfs_data: the ring, the completion callback
 * and the counters are shared by all stores) and works on the object of inode @ino: this
 * server's chunks of that file, at their file offsets. Offsets and lengths are in bytes.
 * Errors are negative errno. Not thread-safe (one server thread).
 */
#ifndef BFS_SERVER_STORE_H
#define BFS_SERVER_STORE_H

#include <stddef.h>
#include <stdint.h>

struct bfs_data;
/** An in-place transfer's hold on store memory (write_begin/read_begin), opaque to the
 *  server: released by write_end/read_end. */
struct bfs_store_hold;

/** The space behind a store, bytes (statfs). */
struct bfs_store_space {
	uint64_t total, free, avail;
	uint64_t where; /* which storage it is on this node (a file system id): servers that
	                 * share it are counted once (with the node's host name) */
};

/** fsync result: the object has nothing to flush (missing, or a store with no storage to flush
 *  to). Distinct from every error; bfs_data_fsync() completes the request with 0 at once. */
#define BFS_STORE_NOTHING_TO_FLUSH 1

struct bfs_store_ops {
	const char *name; /* the BENCHFS_STORE value selecting it */
	/** volatile_ - 1 when objects end with the server process. */
	int volatile_;
	/**
	 * open - set up the store's own state in @d (after the ring exists). Return 0, or -EINVAL
	 * (bad setting), -ENOMEM, or the errno of making its directories. NULL: nothing to set up.
	 */
	int (*open)(struct bfs_data *d);
	/** close - release the store's state (no operation in flight any more); NULL: none. */
	void (*close)(struct bfs_data *d);
	/**
	 * write - store @len bytes of @buf at offset @off, creating the object when missing; the
	 * completion callback gets @user and @len (or -errno). Return 0 when done or queued (the
	 * callback comes), or -errno when not (no callback): -ENOSPC/-ENOMEM full, -EMFILE etc.
	 * from opening the object.
	 */
	int (*write)(struct bfs_data *d, uint64_t ino, const void *buf, size_t len, uint64_t off,
	             void *user);
	/**
	 * read - read up to @len bytes at @off into @buf; the callback gets the bytes read (fewer
	 * at the object's end, 0 for a missing object: a hole) or -errno. Return as write.
	 */
	int (*read)(struct bfs_data *d, uint64_t ino, void *buf, size_t len, uint64_t off,
	            void *user);
	/**
	 * fsync - flush the object to storage; the callback gets 0 or -errno (-EIO). Return 0 when
	 * queued, BFS_STORE_NOTHING_TO_FLUSH (no callback comes: nothing to wait for), or -errno
	 * (no callback).
	 */
	int (*fsync)(struct bfs_data *d, uint64_t ino, void *user);
	/** truncate - drop bytes past @size (no-op when not longer or missing). 0 or -errno. */
	int (*truncate)(struct bfs_data *d, uint64_t ino, uint64_t size);
	/** purge - remove the object. 0 (also when missing) or -errno. */
	int (*purge)(struct bfs_data *d, uint64_t ino);
	/** sync_all - flush every object, synchronously. 0 or -errno (of syncfs(2)). */
	int (*sync_all)(struct bfs_data *d);
	/** statfs - the space the store can use into *@sp (zeroed). 0 or -errno. */
	int (*statfs)(struct bfs_data *d, struct bfs_store_space *sp);
	/**
	 * write_begin / write_end / read_begin / read_end - in-place transfers, as
	 * bfs_data_write_begin() etc. in data.h describe; NULL when the store has none (then
	 * bfs_data_write_begin() answers NULL with *err 0, and the caller does a write).
	 */
	void *(*write_begin)(struct bfs_data *d, uint64_t ino, size_t len, uint64_t off,
	                     struct bfs_store_hold **h, int *err);
	void (*write_end)(struct bfs_data *d, struct bfs_store_hold *h, size_t len, uint64_t off,
	                  int ok);
	const void *(*read_begin)(struct bfs_data *d, uint64_t ino, size_t len, uint64_t off,
	                          size_t *n, struct bfs_store_hold **h);
	void (*read_end)(struct bfs_data *d, struct bfs_store_hold *h);
};

/* ---- what the chunk store gives a store (data.c) ---- */

/** bfs_store_state - the slot for the store's own state in @d (NULL until its open sets it). */
void **bfs_store_state(struct bfs_data *d);
/** bfs_store_done - an operation done at once: count it and call the completion callback with
 *  @user and @res. */
void bfs_store_done(struct bfs_data *d, void *user, int res);
/** bfs_store_count_inline - count an in-place transfer as an operation done at once. */
void bfs_store_count_inline(struct bfs_data *d);

/** The memory store's table (store_mem.c). */
extern const struct bfs_store_ops bfs_store_memory;

#endif /* BFS_SERVER_STORE_H */
