/*
 * listio.h - list I/O requests (listio.c): a descriptor's segments cut into chunk pieces, a
 * window of them in flight to their servers; the blocking reads and writes of io.c are one
 * such request. Under the client lock.
 */
#ifndef BFS_CLIENT_LISTIO_H
#define BFS_CLIENT_LISTIO_H

#include <sys/types.h>

#include "benchfs.h"
#include "client/files.h"
#include "net/rpc.h"

#define BFS_BATCH 128 /* data calls started together by one read or write */

/** bfs_io_pwrite, bfs_io_pread - the data path of benchfs_pwrite()/benchfs_pread() on open file
 *  @f (NULL: -EBADF). */
ssize_t bfs_io_pwrite(struct bfs_file *f, const void *buf, size_t count, off_t offset);
ssize_t bfs_io_pread(struct bfs_file *f, void *buf, size_t count, off_t offset);
/**
 * bfs_req_call - start call @c (filled in, not started; copied) as a request of its own, whose
 * result (benchfs_test/benchfs_wait) is 0 or the call's negative status; the request owns
 * @payload (malloc'ed, @c's send_buf; freed at the end, also on failure). NULL: out of memory.
 */
benchfs_request_t *bfs_req_call(const struct bfs_rpc_call *c, void *payload);
/** The completion steps of a single call made a request (bfs_req_call_ops) on its context. */
struct bfs_req_ops {
	/** in a wait loop, once the call is DONE (@rc: 0 or its negative status): the result;
	 *  reads @c's reply (released after); makes no call */
	ssize_t (*done)(void *ctx, struct bfs_rpc_call *c, ssize_t rc);
	/** when the caller takes the result (benchfs_test/wait), outside any wait loop: the final
	 *  result from done's @rc; may make blocking calls (a refined -ENOENT, a slow path); or
	 *  NULL */
	ssize_t (*finish)(void *ctx, ssize_t rc);
};
/**
 * bfs_req_call_ops - bfs_req_call() whose result comes from @ops (may be NULL: as
 * bfs_req_call) on @ctx (malloc'ed, may hold @c's payload; the request owns it, also on
 * failure). NULL: out of memory.
 */
benchfs_request_t *bfs_req_call_ops(const struct bfs_rpc_call *c, const struct bfs_req_ops *ops,
                                    void *ctx);
/** bfs_req_call_now - the same call made and waited for at once, @ctx the caller's: result. */
ssize_t bfs_req_call_now(struct bfs_rpc_call *c, const struct bfs_req_ops *ops, void *ctx);
/** bfs_req_done - a request finished already, with result @rc. NULL: out of memory. */
benchfs_request_t *bfs_req_done(int rc);
/** bfs_req_wait - benchfs_wait() under the client lock: wait for @req, free it, its result. */
ssize_t bfs_req_wait(benchfs_request_t *req);
/** bfs_aio_drain - wait until descriptor @f has no list I/O request in flight. */
void bfs_aio_drain(struct bfs_file *f);

#endif /* BFS_CLIENT_LISTIO_H */
