/*
 * inline.h - the client's side of inline files (inline.c): a small file's data held in its
 * metadata record on the server of its path (wire.h: IWRITE, IREAD, MIGRATE; meta.h). While a
 * descriptor knows its file is inline, its reads and writes go to that one server by path;
 * a write past the file's inline limit first moves the data to chunk 0 (the migration), after
 * which the file is an ordinary chunked file for good. Any answer saying the file is not
 * inline any more (BFS_F_CHUNKED, or -ENOENT: its record moved or went) sends the descriptors
 * of the inode to the chunk servers. Under the client lock.
 */
#ifndef BFS_CLIENT_INLINE_H
#define BFS_CLIENT_INLINE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "client/files.h"
#include "net/wire.h"

/** bfs_inline_limit - bytes a file at @path (@len bytes) with chunks of @chunk_size may hold
 *  inline: its metadata server's limit (connecting to learn it), at most the chunk size. */
uint32_t bfs_inline_limit(const char *path, size_t len, uint32_t chunk_size);
/** bfs_inline_note - open file @f (path set) has record @ino: note whether it is inline and
 *  its inline limit. */
void bfs_inline_note(struct bfs_file *f, const struct bfs_inode *ino);
/** bfs_inline_gone - inode @ino is not inline: every open descriptor of it now knows. */
void bfs_inline_gone(uint64_t ino);
/**
 * bfs_inline_pwrite - write @len bytes of @buf at @off (@off + @len within f->imax) into inline
 * file @f's record. Return @len, or 0 with *@chunked set (not inline: use the chunk servers),
 * or -errno (-ETIMEDOUT when a migration by another client holds the file longer than the RPC
 * timeout).
 */
ssize_t bfs_inline_pwrite(struct bfs_file *f, const void *buf, size_t len, uint64_t off,
                          int *chunked);
/** bfs_inline_pread - read up to @len bytes at @off of inline file @f into @buf: bytes (short
 *  only at the end of file; *@size gets the file's size), or 0 with *@chunked, or -errno. */
ssize_t bfs_inline_pread(struct bfs_file *f, void *buf, size_t len, uint64_t off, int *chunked,
                         uint64_t *size);
/**
 * bfs_inline_migrate - move the data of the inline file @ino at @path (@len bytes) to its
 * chunk 0 and unmark its record; afterwards (and when it was not inline) every descriptor of
 * @ino uses the chunk servers. Return 0 (also when there was nothing to move or the file went
 * meanwhile), or -errno (the file stays inline and whole).
 */
int bfs_inline_migrate(const char *path, size_t len, uint64_t ino);
/** bfs_inline_retry - after an -EAGAIN answer (a migration in progress) begun at @t0 (monotonic
 *  ns): wait a little and return 0, or -ETIMEDOUT once the RPC timeout has passed. */
int bfs_inline_retry(int64_t t0, unsigned *round);

#endif /* BFS_CLIENT_INLINE_H */
