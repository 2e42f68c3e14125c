/*
 * rpc.h - the UCX plumbing shared by clients and servers: context and worker with wake-up,
 * worker addresses, endpoints with peer-failure detection, status conversion, and the
 * eager/rendezvous choice.
 *
 * Every BenchFS message is one UCX active message (see wire.h). Payloads below the rendezvous
 * threshold (env BENCHFS_RNDV_THRESH, bytes, default 32 KiB) are sent eager; larger ones by
 * rendezvous, which the receiver pulls straight into its destination buffer.
 */
#ifndef BFS_RPC_H
#define BFS_RPC_H

#include <stddef.h>
#include <stdint.h>
#include <ucp/api/ucp.h>

#define BFS_RNDV_THRESH_DEFAULT (32 * 1024)
/** Largest payload of one READ or WRITE request, bytes; clients cut larger pieces. */
#define BFS_IO_MAX (8u << 20)
/** Default RPC timeout, seconds (env BENCHFS_RPC_TIMEOUT). */
#define BFS_RPC_TIMEOUT_DEFAULT 30

struct bfs_ucx {
	ucp_context_h context;
	ucp_worker_h worker;
	int efd;            /* the worker's wake-up fd */
	size_t rndv_thresh; /* bytes */
};

/**
 * bfs_ucx_init - create a UCX context (active messages + wake-up) and one worker.
 * Return 0 or -EIO (with a message on stderr naming the UCX error).
 */
int bfs_ucx_init(struct bfs_ucx *u);
void bfs_ucx_fini(struct bfs_ucx *u);

/** bfs_ucx_set_am - register @cb for active message @id (whole messages, persistent data). */
int bfs_ucx_set_am(struct bfs_ucx *u, uint16_t id, ucp_am_recv_callback_t cb, void *arg);

/** bfs_ucx_address - this worker's address; *@addr is malloc'ed (free()). 0 or -EIO. */
int bfs_ucx_address(struct bfs_ucx *u, void **addr, size_t *len);

/**
 * bfs_ucx_connect - endpoint to the worker at @addr. With peer-failure detection (the default;
 * env BENCHFS_PEER_CHECK=0 turns it off) @err_cb runs (from progress) when the peer fails; UCX
 * 1.13 then uses no shared-memory transport, so turning it off is faster on one node, and a
 * dead server is found by the RPC timeout alone. 0 or -EIO.
 */
int bfs_ucx_connect(struct bfs_ucx *u, const void *addr, ucp_ep_h *ep, ucp_err_handler_cb_t err_cb,
                    void *arg);

/** bfs_ucx_close_ep - close @ep (forcibly when @force), progressing until done. */
void bfs_ucx_close_ep(struct bfs_ucx *u, ucp_ep_h ep, int force);

/**
 * bfs_ucx_wait_fd - block until the worker has events or @timeout_ms passes; returns at once
 * when events are pending already (ucp_worker_arm busy).
 */
void bfs_ucx_wait_fd(struct bfs_ucx *u, int timeout_ms);

/** bfs_ucx_send_flags - UCP_AM_SEND_FLAG_EAGER or _RNDV for a payload of @len bytes. */
static inline uint32_t bfs_ucx_send_flags(const struct bfs_ucx *u, size_t len)
{
	return len >= u->rndv_thresh ? UCP_AM_SEND_FLAG_RNDV : UCP_AM_SEND_FLAG_EAGER;
}

/** bfs_ucs_errno - a UCX status as a negative errno. */
int bfs_ucs_errno(ucs_status_t st);

/** bfs_hex_encode - @len bytes as 2*@len hex digits + NUL into @out. */
void bfs_hex_encode(const void *in, size_t len, char *out);
/** bfs_hex_decode - hex string @in into @out (capacity @cap); bytes written or -EINVAL. */
int bfs_hex_decode(const char *in, void *out, size_t cap);

#endif
