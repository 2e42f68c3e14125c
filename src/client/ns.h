/*
 * ns.h - namespace calls of the client (ns.c): paths to their metadata server, lookups and
 * their errors, the directory cache, attributes, and the data servers of an inode. Under the
 * client lock.
 */
#ifndef BFS_CLIENT_NS_H
#define BFS_CLIENT_NS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "client/calls.h"
#include "client/files.h"
#include "client/listio.h"
#include "net/rpc.h"
#include "net/wire.h"

struct bfs_dircache_ent {
	char *path;
	int64_t expires_ns;
};

/** bfs_norm - normalize @in into @out (BENCHFS_PATH_MAX + 1 bytes); length or -errno. */
int bfs_norm(const char *in, char *out);

/** bfs_lookup - the record of normal path @path (the root is synthesized). 0 or -errno;
 *  @target (BENCHFS_PATH_MAX + 1 bytes, may be NULL) gets a symlink's target, NUL-ended. */
int bfs_lookup(const char *path, size_t len, struct bfs_inode *ino, char *target);

/** bfs_lookup_refine - bfs_lookup(), its -ENOENT refined by bfs_enoent() (what a path call
 *  reports for a missing path). */
int bfs_lookup_refine(const char *path, size_t len, struct bfs_inode *ino, char *target);

/** bfs_enoent - refine -ENOENT for @path: -ENOTDIR when an existing ancestor is not a
 *  directory, else -ENOENT. */
int bfs_enoent(const char *path, size_t len);

/** bfs_check_parent - 0 when @path's parent directory exists, else -ENOENT / -ENOTDIR. */
int bfs_check_parent(const char *path, size_t len);
/** A namespace call's state, for its blocking and its non-blocking form (on the stack for the
 *  one, malloc'ed and owned by the request for the other). */
struct bfs_ns_req {
	char p[BENCHFS_PATH_MAX + 1];                      /* the normal path ... */
	size_t len;                                        /* ... and its length */
	char pbuf[BFS_WIRE_NSTR * (BENCHFS_PATH_MAX + 1)]; /* the call's payload */
	struct bfs_inode ino;                              /* the reply's record */
	struct stat *st;                                   /* stat, read_file: filled in, or NULL */
	unsigned *flags;                                   /* stat: BENCHFS_FL_* out, or NULL */
	int follow;                                        /* stat: -ELOOP for a symlink */
	void *buf;                                         /* read_file: where the bytes go ... */
	size_t count;                                      /* ... at most this many */
	int chunked; /* read_file: the bytes are in chunks (not in the reply) */
};

/** bfs_ns_req_start - the state of a call on @path: @local (@req NULL: a blocking call) or a
 *  new one (*@req set to NULL), path normalized, into *@out. 0, or -ENOMEM / bfs_norm's error
 *  (nothing to free). */
int bfs_ns_req_start(const char *path, struct bfs_ns_req *local, benchfs_request_t **req,
                     struct bfs_ns_req **out);
/** bfs_ns_req_run - make call @c of @q with completion steps @ops: its result now (@req NULL),
 *  or started as request *@req (0; -ENOMEM). @q is the request's from here on. */
ssize_t bfs_ns_req_run(struct bfs_ns_req *q, struct bfs_rpc_call *c, const struct bfs_req_ops *ops,
                       benchfs_request_t **req);
/** bfs_ns_req_end - end @q without a call: @rc now (@req NULL); else @q freed and @rc < 0
 *  returned, or a finished request *@req of result @rc (0; -ENOMEM). */
ssize_t bfs_ns_req_end(struct bfs_ns_req *q, ssize_t rc, benchfs_request_t **req);

/** bfs_ns_req_refine - a finish step (struct bfs_req_ops) on a struct bfs_ns_req: @rc, its
 *  -ENOENT refined by bfs_enoent() (for calls that did not check the parent). */
ssize_t bfs_ns_req_refine(void *ctx, ssize_t rc);

/** bfs_dircache_forget - drop @path (and everything below) from the directory cache. */
void bfs_dircache_forget(const char *path, size_t len);

/**
 * bfs_utimens_args - check utimensat-style @times (NULL: now) and resolve them: *@flags gets
 * BFS_F_ATIME / BFS_F_MTIME for the times to set (UTIME_OMIT clears one), *@at and *@mt the
 * values in ns. Return 0 or -EINVAL.
 */
int bfs_utimens_args(const struct timespec *times, unsigned *flags, int64_t *at, int64_t *mt);

/** bfs_inode_to_stat - fill @st from @ino. */
void bfs_inode_to_stat(const struct bfs_inode *ino, struct stat *st);

/** bfs_file_learn_size - raise the size @f knows to the one published in its record (another
 *  client may have published a larger one); errors leave it as it was. */
void bfs_file_learn_size(struct bfs_file *f);

#endif /* BFS_CLIENT_NS_H */
