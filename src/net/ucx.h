/*
 * ucx.h - the UCX plumbing shared by clients and servers: context and worker with wake-up,
 * worker addresses, endpoints with peer-failure detection, status conversion, and the
 * eager/rendezvous choice.
 *
 * Every BenchFS message is one UCX active message (see wire.h). Payloads below the rendezvous
 * threshold (env BENCHFS_RNDV_THRESH, bytes, default 32 KiB) are sent eager; larger ones by
 * rendezvous, which the receiver pulls straight into its destination buffer.
 *
 * Peer addresses: wherever BenchFS passes a worker address (the in-job exchange, the address
 * file, HELLO) it is a "peer address": a 16-byte locator (host id, process id) followed by the
 * UCX worker address. Peers on other hosts connect with UCX's peer-failure detection. Peers on
 * the same host connect without it, because UCX 1.13 has no shared-memory transport that
 * supports it and shared memory (with CMA for rendezvous) is several times faster than TCP on
 * loopback; there each side watches the other's process id instead (bfs_peer_alive).
 */
#ifndef BFS_NET_UCX_H
#define BFS_NET_UCX_H

#include <stddef.h>
#include <stdint.h>
#include <ucp/api/ucp.h>

#define BFS_RNDV_THRESH_DEFAULT (32 * 1024)
/** Largest payload of one READ or WRITE request, bytes; clients cut larger pieces. */
#define BFS_IO_MAX (8u << 20)
/** Default RPC timeout, seconds (env BENCHFS_RPC_TIMEOUT). */
#define BFS_RPC_TIMEOUT_DEFAULT 30
/**
 * Microseconds a client or server with nothing to do keeps polling (yielding the core each
 * round, env BENCHFS_SPIN_YIELD=0 to spin without yielding) before it sleeps on its fds (env
 * BENCHFS_SPIN_US). A sleep and wake-up costs more than most RPCs take.
 */
#define BFS_SPIN_US_DEFAULT 50

struct bfs_ucx {
	ucp_context_h context;
	ucp_worker_h worker;
	int efd;            /* the worker's wake-up fd */
	size_t rndv_thresh; /* bytes */
	uint64_t host;      /* this host's id (hostname, boot id, pid namespace) */
	int peer_check;     /* BENCHFS_PEER_CHECK: -1 auto (by host), 0 never, 1 always */
};

/**
 * The space BenchFS reserves in every UCX request (ucp_params.request_size): who the operation
 * belongs to. The completion callbacks of a client's operations find their call through it
 * rather than through user_data, so a call can give up an operation that will never end (its
 * peer died, or was stopped and its endpoint closed by force): it clears @owner, and when UCX
 * completes or purges the operation later (at the latest in ucp_worker_destroy) the callback
 * only frees the request.
 */
struct bfs_ucx_req {
	void *owner;
};

/** bfs_ucx_req_owner - the owner recorded in UCX request @request (NULL: abandoned). */
static inline void *bfs_ucx_req_owner(void *request)
{
	return ((struct bfs_ucx_req *)request)->owner;
}

/** bfs_ucx_req_own - record @owner in UCX request @request (after the call that returned it). */
static inline void bfs_ucx_req_own(void *request, void *owner)
{
	((struct bfs_ucx_req *)request)->owner = owner;
}

/** Bytes of the locator in front of the UCX address in a peer address. */
#define BFS_LOCATOR_SIZE 16

/**
 * bfs_ucx_init - create a UCX context (active messages + wake-up) and one worker.
 * Return 0 or -EIO (with a message on stderr naming the UCX error).
 */
int bfs_ucx_init(struct bfs_ucx *u);
void bfs_ucx_fini(struct bfs_ucx *u);

/** bfs_ucx_set_am - register @cb for active message @id (whole messages, persistent data). */
int bfs_ucx_set_am(struct bfs_ucx *u, uint16_t id, ucp_am_recv_callback_t cb, void *arg);

/**
 * bfs_ucx_address - this worker's peer address (locator + UCX address); *@addr is malloc'ed
 * (free()). 0, -ENOMEM or -EIO.
 */
int bfs_ucx_address(struct bfs_ucx *u, void **addr, size_t *len);

/**
 * bfs_ucx_connect - endpoint to the worker at peer address @addr (@len bytes). A peer on another
 * host gets UCX's peer-failure detection: @err_cb runs (from progress) when it fails. A peer on
 * this host does not (see above); *@pid is then its process id, to watch with bfs_peer_alive(),
 * else 0. Env BENCHFS_PEER_CHECK=1 asks for failure detection on every endpoint (TCP on one
 * host), =0 on none (a dead peer is then found by the RPC timeout alone).
 * Return 0, -EINVAL (@len too short for a peer address) or -EIO.
 */
int bfs_ucx_connect(struct bfs_ucx *u, const void *addr, size_t len, ucp_ep_h *ep,
                    ucp_err_handler_cb_t err_cb, void *arg, uint32_t *pid);

/** bfs_peer_alive - 0 when process @pid (of this host) is gone, else 1 (also for @pid 0). */
int bfs_peer_alive(uint32_t pid);

/** bfs_ucx_close_ep - close @ep (forcibly when @force), progressing until done. */
void bfs_ucx_close_ep(struct bfs_ucx *u, ucp_ep_h ep, int force);

/**
 * bfs_ucx_close_ep_nb - close @ep by force without waiting: its queued operations end
 * (cancelled) from later progress. For use where progressing is not allowed (inside a UCX
 * callback) or not wanted (a server's loop).
 */
void bfs_ucx_close_ep_nb(ucp_ep_h ep);

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
