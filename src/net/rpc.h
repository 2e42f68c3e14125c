/*
 * rpc.h - the call engine (prefix bfs_rpc_): requests to servers and their replies over UCX
 * active messages (ucx.h), the endpoint table with its failure detection, timeouts, and the
 * wait that progresses it all. One engine per process, attached to one set of servers; its
 * users (the client library's list I/O and descriptors, later FUSE threads, the preload,
 * flushing) register hooks instead of being called from it by name.
 *
 * A call (struct bfs_rpc_call) is one request to one server and its reply. Calls are started in
 * batches (bfs_rpc_run): every request of the batch is sent at once, then the worker is
 * progressed until every reply has arrived, a server failed, or the RPC timeout passed.
 * Reply payloads land straight in the caller's buffer when one is given (READ: rendezvous
 * replies are received in place, zero-copy), else in a malloc'ed buffer the caller frees with
 * bfs_rpc_call_release().
 *
 * A call's life: IDLE -> SENT (request handed to UCX, slot taken) -> REPLIED (reply header
 * seen; payload may still be arriving) -> DONE (no UCX operation refers to the call any more).
 * A call that times out or whose server fails becomes DONE with -ETIMEDOUT or -EIO once its
 * UCX operations are cancelled (the endpoint is closed by force and made again on next use).
 * Operations that cannot end are abandoned instead (bfs_ucx_req_own(request, NULL), see ucx.h):
 * at once when the server's process is gone or is on this host (its endpoint has no failure
 * detection, and a forced close leaves the operations queued to a stopped process in place),
 * one second past the deadline otherwise. The call is then DONE and may be reused or freed;
 * UCX completes the abandoned requests later without touching it.
 *
 * Connections are made on first use: a batch first connects to the servers it needs that have
 * no endpoint, and introduces itself to each with HELLO (the server answers on an endpoint of
 * its own and gives the id later requests carry).
 *
 * Not thread-safe: the caller serializes every call (the client library's lock).
 */
#ifndef BFS_NET_RPC_H
#define BFS_NET_RPC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "net/ucx.h"
#include "net/wire.h"

#define BFS_RPC_SLOTS 16384 /* calls in flight at once, at most */

struct bfs_rpc_call {
	struct bfs_req req;
	uint8_t hdr[BFS_WIRE_REQ_SIZE];
	uint32_t server;
	const void *send_buf; /* request payload */
	size_t send_len;
	void *recv_buf; /* where the reply payload goes (NULL: malloc'ed into rep_payload) */
	size_t recv_cap;
	void *rep_payload; /* malloc'ed reply payload, when recv_buf is NULL */
	size_t rep_len;    /* reply payload bytes received */
	struct bfs_rep rep;
	int status;       /* rep.status, or a transport error */
	int replied;      /* reply header seen or call failed */
	int xerr;         /* transport error that ended the call (-ETIMEDOUT, -EIO), or 0 */
	unsigned ucx_ops; /* UCX operations (send, payload receive) not yet completed */
	void *ureq[2];    /* their UCX requests ([0] send, [1] payload receive) while pending */
	uint32_t slot;
	uint32_t fail_gen; /* the server's failure count when its payload receive started */
	int64_t
	    deadline; /* monotonic ns: the call fails with -ETIMEDOUT when not replied by then */
};

/**
 * A user of the engine: @progress runs in every wait round (it may start calls; the engine
 * does not run it again from inside itself), @detach when the engine detaches, before it says
 * goodbye to the servers (it may still run calls; its result is the first error
 * bfs_rpc_detach() reports). Either may be NULL. Hooks run in the order they were added.
 */
struct bfs_rpc_hook {
	void (*progress)(void);
	int (*detach)(void);
	struct bfs_rpc_hook *next; /* the engine's */
	int added;                 /* the engine's */
};

struct bfs_rpc {
	struct bfs_ucx ucx;
	uint32_t nservers;
	void **addrs; /* peer addresses (ucx.h) */
	size_t *addr_lens;
	ucp_ep_h *eps;
	uint8_t *ep_failed;   /* peer failure seen: close and connect again on next use */
	uint32_t *client_id;  /* our id on each server (HELLO), valid while eps[i] is */
	uint8_t *has_id;      /* client_id[i] was given once (a new HELLO asks to free it) */
	int *conn_err;        /* why the last connection or HELLO to a server failed, or 0 */
	uint8_t *conn_xerr;   /* 1: conn_err is a transport error, 0: the server's answer */
	uint32_t *pid;        /* a server on this host: its pid, watched while calls wait; else 0 */
	uint8_t *dead;        /* that process is gone: calls to the server fail at once (-EIO) */
	uint32_t *fail_gen;   /* failures seen of each server (a replied call still receiving from
	                       * one that failed since gives up its payload: bfs_rpc_done) */
	uint32_t *inline_max; /* each server's inline limit, bytes (its HELLO's answer) */
	void *my_addr;        /* this worker's address, sent in HELLO */
	size_t my_addr_len;
	uint64_t secret;
	int64_t timeout_ns; /* env BENCHFS_RPC_TIMEOUT */
	struct bfs_rpc_call *slots[BFS_RPC_SLOTS];
	uint32_t gen[BFS_RPC_SLOTS];
	uint32_t next_slot;
	int64_t next_expiry; /* monotonic ns of the next scan for overdue calls */
	int64_t spin_ns;     /* idle ns a wait polls before sleeping (env BENCHFS_SPIN_US) */
	int spin_yield;
	struct bfs_rpc_hook *hooks;
	int in_hooks; /* progress hooks are running */
};

/** The engine of this process, NULL when detached. Read-only outside rpc.c. */
extern struct bfs_rpc *bfs_rpc_ctx;

/**
 * bfs_rpc_attach - make the engine for @nservers servers given by their peer addresses
 * (@addrs[i], @lens[i] bytes for server i), with the job's @secret (every request carries it).
 * Nothing is connected yet. Return 0, -EALREADY (attached), -ENOMEM, -EIO (UCX).
 */
int bfs_rpc_attach(uint32_t nservers, void *const *addrs, const size_t *lens, uint64_t secret);
/**
 * bfs_rpc_detach - run the detach hooks, say BYE to the connected servers (at most 1 s),
 * close the endpoints and free the engine. Return the first hook's error, or 0.
 */
int bfs_rpc_detach(void);
/** bfs_rpc_forget - drop the engine without a word to anyone (a fork child: it is the
 *  parent's; its memory is left as it is). */
void bfs_rpc_forget(void);
/** bfs_rpc_hook_add - add @h (once: adding it again is a no-op) until the engine detaches. */
void bfs_rpc_hook_add(struct bfs_rpc_hook *h);

/** bfs_rpc_call_init - reset @c to a fresh call of @op to @server. */
void bfs_rpc_call_init(struct bfs_rpc_call *c, uint8_t op, uint32_t server);
/** bfs_rpc_call_release - free a malloc'ed reply payload. */
void bfs_rpc_call_release(struct bfs_rpc_call *c);
/**
 * bfs_rpc_calls_new - @n fresh calls of @op, call i to server @servers[i] (server i when
 * @servers is NULL), as one allocation: the array of pointers bfs_rpc_run() takes, followed by
 * the calls. Free it with free(). NULL when out of memory.
 */
struct bfs_rpc_call **bfs_rpc_calls_new(size_t n, uint8_t op, const uint32_t *servers);
/**
 * bfs_rpc_run - connect as needed, send the @n calls of @calls (pointers) and wait until all
 * are DONE. Return 0 when every call got a reply (each call's status says how it went), else
 * the first transport error (-ETIMEDOUT, -EIO); calls' statuses are set either way.
 */
int bfs_rpc_run(struct bfs_rpc_call **calls, size_t n);
/** bfs_rpc_call - run one call; return its status (the reply's status or a transport error). */
int bfs_rpc_call(struct bfs_rpc_call *c);
/** bfs_rpc_status - the first non-zero status of @n calls, or 0. */
int bfs_rpc_status(struct bfs_rpc_call **calls, size_t n);
/** bfs_rpc_start - send @c (connected server or not: it then fails at once) without waiting. */
void bfs_rpc_start(struct bfs_rpc_call *c);
/**
 * bfs_rpc_done - whether started call @c is DONE: replied (or failed) and no UCX operation
 * refers to it. A failed call whose server's process is gone, or is on this host, abandons its
 * UCX operations at once; with a non-zero @now (monotonic ns), one whose cancelled operations
 * still have not ended 1 s past its deadline abandons them too (counted DONE).
 */
int bfs_rpc_done(struct bfs_rpc_call *c, int64_t now);
/** bfs_rpc_connect - connect (and HELLO) to those of the @n @servers that have no endpoint.
 *  Return 0 or -ENOMEM; a server that cannot be reached fails the calls sent to it. */
int bfs_rpc_connect(const uint32_t *servers, size_t n);
/** bfs_rpc_connected - whether server @s has a working endpoint. */
int bfs_rpc_connected(uint32_t s);
/**
 * bfs_rpc_wait - progress the worker (sleeping on its fd when idle, failing calls past their
 * deadline, running the progress hooks) until @done(@arg, now) is true. @now is 0 on the busy
 * path and the monotonic time in ns when idle.
 */
void bfs_rpc_wait(int (*done)(void *arg, int64_t now), void *arg);
/** bfs_rpc_progress - one round that never blocks: the worker until idle, overdue calls, the
 *  progress hooks. */
void bfs_rpc_progress(void);
/** bfs_rpc_expire - fail the calls whose deadline is before @now (monotonic ns) with
 *  -ETIMEDOUT, and those to a server on this host whose process is gone with -EIO. */
void bfs_rpc_expire(int64_t now);

#endif /* BFS_NET_RPC_H */
