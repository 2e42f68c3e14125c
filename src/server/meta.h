/*
 * meta.h - a server's metadata store: inode records in LMDB, keyed by path (see path.h).
 *
 * One LMDB environment per server in DATA_DIR/meta (map size env BENCHFS_META_MAP, bytes,
 * default 8 GiB, sparse). Records: key = bfs_path_key(path), value = bfs_wire_encode_inode()
 * followed by a symlink's target bytes. A path whose key exceeds LMDB's key size limit (511
 * bytes) is stored under a "long key" instead: 0x02, the XXH3-128 hash of its parent, '\0', its
 * basename; its value then ends with the full path (see meta.c). One system record, key
 * "\001next_ino", holds the next inode counter (u64 LE). Every call runs in its own LMDB write or
 * read transaction, unless writes are grouped (bfs_meta_group). Without @sync the environment is
 * opened MDB_NOSYNC: a commit reaches disk at bfs_meta_sync() or close.
 *
 * All paths are normal paths (path.h) other than "/" unless stated; "/" is never stored.
 * Calls are not thread-safe (one server thread).
 */
#ifndef BFS_META_H
#define BFS_META_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "benchfs.h"
#include "net/wire.h"

struct bfs_meta;

/**
 * bfs_meta_open - open (creating when absent) the store in directory @dir.
 * @server: this server's index; inode numbers it hands out are ((server + 1) << 48) | counter.
 * Return 0, or -errno (mkdir or LMDB failure, LMDB errors mapped to -EIO).
 */
int bfs_meta_open(struct bfs_meta **m, const char *dir, uint32_t server, int sync);
/** bfs_meta_close - commit an open group (its owner is not told), flush and close. */
void bfs_meta_close(struct bfs_meta *m);
/** bfs_meta_sync - commit an open group (bfs_meta_flush), force committed transactions to disk.
 *  Return 0, the group's -errno, or -EIO. */
int bfs_meta_sync(struct bfs_meta *m);

/*
 * Group commit. After bfs_meta_group(m, max, done, arg) with @max > 0, the writes (create,
 * remove, setattr, put, iwrite, uninline) share one LMDB write transaction, committed by
 * bfs_meta_flush(), by the group's @max-th write, before a write that might not fit in the map
 * or the allocated storage together with it (that write then starts the next group alone, so
 * that only what does not fit alone fails), and by sync and close. A write's result then says
 * what it did inside the group: 0 is final only once the group commits. @done(@arg, status) is
 * called at each end of a group that holds writes (from whichever call ended it, before that
 * call returns): status 0, every write of the group is committed; -errno (-ENOSPC, -EIO), none
 * of them is. The caller holds the answers of the writes (bfs_meta_staged tells a call that
 * wrote) until then: nothing may be said done before its commit. Every other answer stands at
 * once: a call on a record the group wrote, and a readdir, find or haschild while it holds
 * writes, commit the group first, so that it sees them committed. A call that fails before
 * writing (-EEXIST, -ENOENT, ...: all but LMDB's own failures) leaves the group as it was; one
 * that fails in LMDB breaks the group's transaction: it returns the error and @done gets it for
 * the others. bfs_meta_count counts the group's writes too. @max 0: every write commits alone
 * (the default). Return 0, or -ENOMEM (writes then commit alone).
 */
typedef void bfs_meta_commit_fn(void *arg, int status);
int bfs_meta_group(struct bfs_meta *m, unsigned max, bfs_meta_commit_fn *done, void *arg);
/** bfs_meta_pending - writes in the open group, not yet committed (0: none). */
unsigned bfs_meta_pending(const struct bfs_meta *m);
/** bfs_meta_staged - writes done since open, committed or in the group (a call that changed it
 *  wrote). */
uint64_t bfs_meta_staged(const struct bfs_meta *m);
/** bfs_meta_flush - commit the open group (nothing when none). Return 0 or -errno. */
int bfs_meta_flush(struct bfs_meta *m);
/** bfs_meta_commits - write transactions committed since open, and the writes they held. */
void bfs_meta_commits(const struct bfs_meta *m, uint64_t *commits, uint64_t *writes);

/**
 * bfs_meta_create - create the record of @path from @ino (mode incl. type, uid, gid,
 * chunk_size, flags; atime_ns and mtime_ns when not 0; ino, size, ctime and the other times are
 * set here: new inode number, size 0 or @tlen, times now) with @tlen bytes at @target: a
 * symlink's target, or a new regular file's data (it is then inline and holds them).
 * Return 0 with *@ino the new record; or, when @path exists: -EEXIST if @excl or if either the
 * existing or the new record is not a regular file, else 1 with *@ino the existing record;
 * -ENAMETOOLONG if @path's long key holds another path (a hash collision, see meta.c) or if a
 * target of another type is over BENCHFS_PATH_MAX bytes, -E2BIG (a regular file's data past
 * its inline limit: 0 when the store keeps nothing inline), -ENOSPC.
 */
int bfs_meta_create(struct bfs_meta *m, const char *path, size_t len, struct bfs_inode *ino,
                    const char *target, size_t tlen, int excl);

/**
 * bfs_meta_lookup - read the record of @path into *@ino, and a symlink's target into @target
 * (capacity @cap bytes, no NUL; target_len says how many bytes, truncated to @cap; an inline
 * file's bytes are not copied: bfs_meta_iread).
 * Return 0 or -ENOENT.
 */
int bfs_meta_lookup(struct bfs_meta *m, const char *path, size_t len, struct bfs_inode *ino,
                    char *target, size_t cap);

/**
 * bfs_meta_remove - delete the record of @path; @flags BFS_F_DIR: it must be a directory
 * (-ENOTDIR otherwise), BFS_F_NOTDIR: it must not be (-EISDIR). @expect_ino != 0: delete only if
 * the record still has that inode number (-ENOENT otherwise). *@old gets the deleted record.
 * Return 0, -ENOENT, -ENOTDIR, -EISDIR.
 */
int bfs_meta_remove(struct bfs_meta *m, const char *path, size_t len, unsigned flags,
                    uint64_t expect_ino, struct bfs_inode *old);

/**
 * bfs_meta_setattr - update the record of @path: per @flags, BFS_F_SIZE_MAX (size =
 * max(size, @size)), BFS_F_SIZE (size = @size; an inline file's bytes past it go), BFS_F_ATIME,
 * BFS_F_MTIME (set to the given ns since the epoch), BFS_F_MODE (permission bits 07777 of @mode),
 * BFS_F_COMPLETE (clear BFS_INODE_INCOMPLETE). ctime becomes now when anything changed. *@out gets
 * the new record. Return 0, -ENOENT, -EISDIR (a size flag on a directory), -E2BIG (an inline file's
 * size past its inline limit: migrate its data first).
 */
int bfs_meta_setattr(struct bfs_meta *m, const char *path, size_t len, unsigned flags,
                     uint64_t size, int64_t atime_ns, int64_t mtime_ns, uint32_t mode,
                     struct bfs_inode *out);

/**
 * bfs_meta_put - write record *@ino (kept as given, ino included) with @target at @path,
 * replacing an existing non-directory record, which goes to *@replaced (ino 0 when none).
 * Return 0, or -EISDIR (a directory is there), -ENAMETOOLONG as for bfs_meta_create.
 */
int bfs_meta_put(struct bfs_meta *m, const char *path, size_t len, const struct bfs_inode *ino,
                 const char *target, size_t tlen, struct bfs_inode *replaced);

/**
 * bfs_meta_readdir - pack the entries directly in directory @dir (may be "/") that come after
 * the entry named @after (@alen bytes; 0 = from the start) as READDIR entries (wire.h) into
 * @buf (capacity @cap bytes), as many as fit. Order: the names whose key is short (dir '\0'
 * name fits LMDB's limit) in name order, then the longer ones in name order.
 * Return the number of bytes used; *@count entries, *@more = 1 when entries were left out.
 */
size_t bfs_meta_readdir(struct bfs_meta *m, const char *dir, size_t dlen, const char *after,
                        size_t alen, void *buf, size_t cap, uint32_t *count, int *more);
/** bfs_meta_readdirx - bfs_meta_readdir; with @attrs, each entry carries its inode record
 *  (READDIR with BFS_F_ATTRS: bfs_wire_put_dirent_rec). */
size_t bfs_meta_readdirx(struct bfs_meta *m, const char *dir, size_t dlen, const char *after,
                         size_t alen, int attrs, void *buf, size_t cap, uint32_t *count, int *more);

/**
 * bfs_meta_find - pack the records strictly below directory @top (may be "/") that pass
 * @filter and come after the record whose bfs_path_key is @after_key (@aklen bytes; 0 = from
 * the start) as FIND entries (wire.h; key: bfs_path_key of the path, of any length) into @buf
 * (capacity @cap), as many as fit. Order: records with keys within LMDB's limit in key order,
 * then the long-keyed ones in the order of their long keys.
 * Return bytes used; *@count entries, *@more as for readdir.
 */
size_t bfs_meta_find(struct bfs_meta *m, const char *top, size_t tlen, const char *after_key,
                     size_t aklen, const struct benchfs_find_filter *filter, void *buf, size_t cap,
                     uint32_t *count, int *more);

/** bfs_meta_haschild - 1 if some record lies directly below directory @dir, else 0. */
int bfs_meta_haschild(struct bfs_meta *m, const char *dir, size_t dlen);

/*
 * Inline files. A regular file created while the store's inline limit is not 0 is marked
 * BFS_INODE_INLINE: its data lives in its record (the value's bytes after the inode record,
 * target_len of them; from there to the size it reads as zeros) until it would grow past
 * bfs_meta_inline_limit(); then its data moves to the chunk servers (the server's MIGRATE,
 * srv_ns.c) and bfs_meta_uninline() drops the mark and the bytes. A file never returns to
 * inline.
 */
/** bfs_meta_set_inline - the data a new file may hold in its record: @max bytes (capped at
 *  BFS_INLINE_LIMIT; 0: no new file is inline). Records made before keep theirs. */
void bfs_meta_set_inline(struct bfs_meta *m, uint32_t max);
/** bfs_meta_inline_max - the store's setting (bfs_meta_set_inline). */
uint32_t bfs_meta_inline_max(const struct bfs_meta *m);
/** bfs_meta_inline_limit - bytes inline file @rec may hold: the store's setting, at most its
 *  chunk size (so that its data moves into chunk 0 alone). */
uint32_t bfs_meta_inline_limit(const struct bfs_meta *m, const struct bfs_inode *rec);
/**
 * bfs_meta_iwrite - write @n bytes of @data at offset @off of inline file @ino at @path: size
 * becomes at least @off + @n, mtime @mtime_ns, ctime now. *@out gets the record (written or
 * not). Return 0 (also when the file is not inline: *@out has no BFS_INODE_INLINE, nothing
 * written), -ENOENT (no record, or another inode at @path), -EISDIR, -E2BIG (@off + @n past the
 * file's inline limit), -ENOSPC (full map), -ENOMEM, -EIO.
 */
int bfs_meta_iwrite(struct bfs_meta *m, const char *path, size_t len, uint64_t ino, uint64_t off,
                    const void *data, size_t n, int64_t mtime_ns, struct bfs_inode *out);
/**
 * bfs_meta_iread - copy up to @n bytes at offset @off of inline file @ino at @path into @buf
 * (zeros where nothing was written, nothing past the size). *@out gets the record. Return the
 * bytes copied (0 also when the file is not inline: see *@out's flags), -ENOENT, -EISDIR, -EIO.
 */
ssize_t bfs_meta_iread(struct bfs_meta *m, const char *path, size_t len, uint64_t ino, uint64_t off,
                       void *buf, size_t n, struct bfs_inode *out);
/** bfs_meta_uninline - drop inline file @ino's mark and bytes (they are on the chunk servers
 *  now). *@out gets the record. Return 0 (also when not inline), -ENOENT, -EISDIR, -errno. */
int bfs_meta_uninline(struct bfs_meta *m, const char *path, size_t len, uint64_t ino,
                      struct bfs_inode *out);

/** bfs_meta_count - number of inode records held (for statistics and tests). */
uint64_t bfs_meta_count(struct bfs_meta *m);

#endif
