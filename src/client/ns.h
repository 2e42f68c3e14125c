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
