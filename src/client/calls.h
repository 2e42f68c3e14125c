/*
 * calls.h - the client's call builders (calls.c): a namespace call to the server of its path,
 * and the data calls that go to every server holding chunks of an inode. Below every other
 * client file but files.c; under the client lock.
 */
#ifndef BFS_CLIENT_CALLS_H
#define BFS_CLIENT_CALLS_H

#include <stddef.h>
#include <stdint.h>

#include "net/rpc.h"
#include "net/wire.h"

/**
 * bfs_ns_call - fill @c as a namespace call of @op on @path (@len bytes; goes to the path's
 * server) with extra strings @s1 / @s2 (may be NULL) in the payload buffer @pbuf (capacity
 * BFS_WIRE_NSTR * (BENCHFS_PATH_MAX + 1)).
 */
void bfs_ns_call(struct bfs_rpc_call *c, uint8_t op, const char *path, size_t len, const char *s1,
                 size_t l1, const char *s2, size_t l2, char *pbuf);

/**
 * bfs_data_servers - the distinct servers that hold chunks of a file of @size bytes with
 * @chunk_size chunks, from chunk index @first on, into @out (nservers entries). Return count.
 */
uint32_t bfs_data_servers(uint64_t ino, uint64_t first, uint64_t size, uint32_t chunk_size,
                          uint32_t *out);
/** bfs_data_fanout - send @op (TRUNCATE with @arg as size, PURGE, FSYNC) for @ino to the @n
 *  @servers (NULL: servers 0..n-1), all at once. Return 0 or the first error. */
int bfs_data_fanout(uint8_t op, uint64_t ino, uint64_t arg, const uint32_t *servers, uint32_t n);

#endif /* BFS_CLIENT_CALLS_H */
