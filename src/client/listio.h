/*
 * listio.h - list I/O requests (listio.c): a descriptor's segments cut into chunk pieces, a
 * window of them in flight to their servers; the blocking reads and writes of io.c are one
 * such request. Under the client lock.
 */
#ifndef BFS_CLIENT_LISTIO_H
#define BFS_CLIENT_LISTIO_H

#include <sys/types.h>

#include "client/files.h"

#define BFS_BATCH 128 /* data calls started together by one read or write */

/** bfs_io_pwrite, bfs_io_pread - the data path of benchfs_pwrite()/benchfs_pread() on open file
 *  @f (NULL: -EBADF). */
ssize_t bfs_io_pwrite(struct bfs_file *f, const void *buf, size_t count, off_t offset);
ssize_t bfs_io_pread(struct bfs_file *f, void *buf, size_t count, off_t offset);
/** bfs_aio_drain - wait until descriptor @f has no list I/O request in flight. */
void bfs_aio_drain(struct bfs_file *f);

#endif /* BFS_CLIENT_LISTIO_H */
