/*
 * rpc.c - the call engine: calls and their replies, endpoints and failure detection, timeouts,
 * the wait, hooks (see rpc.h).
 */
#include "net/rpc.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"

struct bfs_rpc *bfs_rpc_ctx;

#define IDLE_SPINS 32 /* empty progress rounds before sleeping on the worker's fd */

/* ---- hooks --------------------------------------------------------------------------------- */

void bfs_rpc_hook_add(struct bfs_rpc_hook *h)
{
	struct bfs_rpc_hook **p;

	if (h->added)
		return;
	h->added = 1;
	h->next = NULL;
	for (p = &bfs_rpc_ctx->hooks; *p; p = &(*p)->next)
		;
	*p = h;
}

/* Drop every hook of @e: each may be added again (to a later engine). */
static void hooks_clear(struct bfs_rpc *e)
{
	for (struct bfs_rpc_hook *h = e->hooks, *next; h; h = next) {
		next = h->next;
		h->added = 0;
		h->next = NULL;
	}
	e->hooks = NULL;
}

/* The progress hooks, once per round (not again from inside one: a hook's own waits) */
static void run_hooks(void)
{
	if (bfs_rpc_ctx->in_hooks)
		return;
	bfs_rpc_ctx->in_hooks = 1;
	for (struct bfs_rpc_hook *h = bfs_rpc_ctx->hooks; h; h = h->next)
		if (h->progress)
			h->progress();
	bfs_rpc_ctx->in_hooks = 0;
}

/* ---- replies ------------------------------------------------------------------------------- */

static void call_finish_op(struct bfs_rpc_call *c)
{
	c->ucx_ops--;
}

/*
 * Give up @c's UCX operations that are still pending: it is DONE, and they end without it. A
 * reply whose payload never arrived fails the call with @err: the server's status said the
 * bytes were coming, and a read that took them for a hole would return zeros as data.
 */
static void call_abandon(struct bfs_rpc_call *c, int err)
{
	if (c->ureq[1] && c->status >= 0) {
		c->status = err;
		c->xerr = err;
	}
	for (int i = 0; i < 2; i++)
		if (c->ureq[i]) {
			bfs_ucx_req_own(c->ureq[i], NULL);
			c->ureq[i] = NULL;
		}
	c->ucx_ops = 0;
}

/*
 * The error of a UCX operation that ended badly, as the call reports it: a cancelled one was
 * cancelled by us (the call failed already, with its own error); any other failure is one of
 * the connection to the server (-EIO). UCX's TCP transport reports every failed endpoint as
 * UCS_ERR_ENDPOINT_TIMEOUT, which is not the RPC timeout (-ETIMEDOUT) the caller is told of
 * when a server does not answer in time.
 */
static int op_error(ucs_status_t st)
{
	return st == UCS_ERR_CANCELED ? -ECANCELED : -EIO;
}

/* Mark @c replied with @status (first status wins); frees its slot. */
static void call_replied(struct bfs_rpc_call *c, int status)
{
	if (c->replied)
		return;
	c->replied = 1;
	c->status = status;
	bfs_rpc_ctx->slots[c->slot] = NULL;
	bfs_rpc_ctx->gen[c->slot]++;
}

/* A transport failure (not a server's answer) ends @c. */
static void call_failed(struct bfs_rpc_call *c, int err)
{
	if (!c->replied)
		c->xerr = err;
	call_replied(c, err);
}

/* A UCX operation of a call ended: free its request; the call (NULL: abandoned) forgets it. */
static struct bfs_rpc_call *op_ended(void *request, int which)
{
	struct bfs_rpc_call *c = bfs_ucx_req_owner(request);

	ucp_request_free(request);
	if (c)
		c->ureq[which] = NULL;
	return c;
}

static void payload_received(void *request, ucs_status_t st, size_t length, void *user)
{
	struct bfs_rpc_call *c = op_ended(request, 1);

	(void)user;
	if (!c)
		return; /* abandoned */
	if (st != UCS_OK) {
		if (c->status >= 0) /* the first error stays (a cancel follows our timeout) */
			c->status = c->xerr = op_error(st);
	} else {
		c->rep_len = length;
	}
	call_finish_op(c);
}

/* The AM handler of BFS_AM_REP: match the reply to its call and land its payload. */
static ucs_status_t on_reply(void *arg, const void *header, size_t hlen, void *data, size_t len,
                             const ucp_am_recv_param_t *param)
{
	struct bfs_rpc *cl = arg;
	struct bfs_rep rep;
	struct bfs_rpc_call *c;
	uint32_t slot;
	void *dst;

	if (bfs_wire_decode_rep(header, hlen, &rep))
		goto drop;
	slot = (uint32_t)(rep.reqid & 0xffffffffu);
	if (slot >= BFS_RPC_SLOTS || !(c = cl->slots[slot]) || cl->gen[slot] != rep.reqid >> 32)
		goto drop; /* late reply of a call that timed out */
	c->rep = rep;
	call_replied(c, rep.status);
	if (len == 0)
		return UCS_OK;
	if (c->recv_buf) {
		if (len > c->recv_cap) {
			c->status = -EMSGSIZE;
			goto drop;
		}
		dst = c->recv_buf;
	} else {
		dst = c->rep_payload = malloc(len);
		if (!dst) {
			c->status = -ENOMEM;
			goto drop;
		}
	}
	if (param->recv_attr & UCP_AM_RECV_ATTR_FLAG_RNDV) {
		ucp_request_param_t p = {0};
		ucs_status_ptr_t sp;

		p.op_attr_mask = UCP_OP_ATTR_FIELD_CALLBACK | UCP_OP_ATTR_FIELD_USER_DATA;
		p.cb.recv_am = payload_received;
		p.user_data = c;
		c->ucx_ops++; /* DONE again only when the payload is in */
		c->fail_gen = cl->fail_gen[c->server];
		sp = ucp_am_recv_data_nbx(cl->ucx.worker, data, dst, len, &p);
		if (UCS_PTR_IS_ERR(sp)) {
			c->status = bfs_ucs_errno(UCS_PTR_STATUS(sp));
			call_finish_op(c);
		} else if (sp == NULL) {
			c->rep_len = len;
			call_finish_op(c);
		} else {
			bfs_ucx_req_own(sp, c);
			c->ureq[1] = sp;
		}
		return UCS_OK;
	}
	memcpy(dst, data, len);
	c->rep_len = len;
	return UCS_OK;
drop:
	(void)param; /* returning UCS_OK lets UCX drop the payload, rendezvous included */
	return UCS_OK;
}

/* ---- endpoints ----------------------------------------------------------------------------- */

static void fail_server_calls(uint32_t server, int status)
{
	for (uint32_t i = 0; i < BFS_RPC_SLOTS; i++) {
		struct bfs_rpc_call *c = bfs_rpc_ctx->slots[i];
		if (c && c->server == server)
			call_failed(c, status);
	}
}

/* @server failed (its endpoint reported it, or its process on this host is gone): its calls
 * end with -EIO, and its endpoint is closed and made again on next use. */
static void server_failed(uint32_t server)
{
	bfs_rpc_ctx->ep_failed[server] = 1;
	bfs_rpc_ctx->fail_gen[server]++; /* replied calls still receiving from it: bfs_rpc_done */
	fail_server_calls(server, -EIO);
}

static void on_ep_error(void *arg, ucp_ep_h ep, ucs_status_t st)
{
	(void)ep;
	(void)st;
	if (bfs_rpc_ctx)
		server_failed((uint32_t)(uintptr_t)arg);
}

/* Close the endpoint of @server by force (cancelling its operations). */
static void ep_reset(uint32_t server)
{
	ucp_ep_h ep = bfs_rpc_ctx->eps[server];

	if (!ep)
		return;
	bfs_rpc_ctx->eps[server] = NULL;
	bfs_ucx_close_ep(&bfs_rpc_ctx->ucx, ep, 1);
	bfs_rpc_ctx->ep_failed[server] = 0;
}

static int ep_get(uint32_t server, ucp_ep_h *ep)
{
	if (bfs_rpc_ctx->ep_failed[server] || !bfs_rpc_ctx->eps[server])
		return bfs_rpc_ctx->conn_err[server] ? bfs_rpc_ctx->conn_err[server] : -EIO;
	*ep = bfs_rpc_ctx->eps[server];
	return 0;
}

static void call_start(struct bfs_rpc_call *c);
static void calls_wait(struct bfs_rpc_call **calls, size_t n);

/*
 * Connect to the servers of @calls that have no endpoint yet (or a failed one), and introduce
 * this client to each with HELLO (all at once): the server answers later replies on an
 * endpoint of its own, and gives the id the requests carry.
 */
static void connect_servers(struct bfs_rpc_call **calls, size_t n)
{
	struct bfs_rpc_call **hello = NULL;
	size_t nh = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t s = calls[i]->server;
		int rc;

		if (bfs_rpc_ctx->ep_failed[s])
			ep_reset(s);
		if (bfs_rpc_ctx->eps[s])
			continue;
		if (bfs_rpc_ctx->dead[s]) {
			bfs_rpc_ctx->conn_err[s] = -EIO, bfs_rpc_ctx->conn_xerr[s] = 1;
			continue;
		}
		bfs_rpc_ctx->conn_err[s] = 0;
		rc = bfs_ucx_connect(&bfs_rpc_ctx->ucx, bfs_rpc_ctx->addrs[s],
		                     bfs_rpc_ctx->addr_lens[s], &bfs_rpc_ctx->eps[s], on_ep_error,
		                     (void *)(uintptr_t)s, &bfs_rpc_ctx->pid[s]);
		if (rc) {
			bfs_rpc_ctx->conn_err[s] = rc, bfs_rpc_ctx->conn_xerr[s] = 1;
			continue; /* the calls to it fail in call_start() */
		}
		if (!hello &&
		    !(hello = bfs_rpc_calls_new(bfs_rpc_ctx->nservers, BFS_OP_HELLO, NULL))) {
			ep_reset(s);
			continue;
		}
		struct bfs_rpc_call *h = hello[nh++];
		bfs_rpc_call_init(h, BFS_OP_HELLO, s);
		h->send_buf = bfs_rpc_ctx->my_addr;
		h->send_len = bfs_rpc_ctx->my_addr_len;
		if (bfs_rpc_ctx
		        ->has_id[s]) { /* the server may still hold our earlier id: free it */
			h->req.flags = BFS_F_REPLACE;
			h->req.ino = bfs_rpc_ctx->client_id[s];
		}
	}
	if (!nh)
		return;
	for (size_t i = 0; i < nh; i++)
		call_start(hello[i]);
	calls_wait(hello, nh);
	for (size_t i = 0; i < nh; i++) {
		uint32_t s = hello[i]->server;

		if (hello[i]->status == 0) {
			bfs_rpc_ctx->client_id[s] = hello[i]->rep.count;
			bfs_rpc_ctx->has_id[s] = 1;
			bfs_rpc_ctx->inline_max[s] =
			    (uint32_t)BFS_MIN(hello[i]->rep.inode.size, (uint64_t)BFS_INLINE_LIMIT);
			continue;
		}
		/* the calls to it end with the same error; the next batch tries again */
		bfs_rpc_ctx->conn_err[s] = hello[i]->status;
		bfs_rpc_ctx->conn_xerr[s] = hello[i]->xerr != 0;
		ep_reset(s);
	}
	free(hello);
}

/* ---- calls ----------------------------------------------------------------------------------- */

void bfs_rpc_call_init(struct bfs_rpc_call *c, uint8_t op, uint32_t server)
{
	memset(c, 0, sizeof(*c));
	c->req.op = op;
	c->server = server;
}

void bfs_rpc_call_release(struct bfs_rpc_call *c)
{
	free(c->rep_payload);
	c->rep_payload = NULL;
}

static void request_sent(void *request, ucs_status_t st, void *user)
{
	struct bfs_rpc_call *c = op_ended(request, 0);

	(void)user;
	if (!c)
		return; /* abandoned */
	if (st != UCS_OK)
		call_failed(c, op_error(st));
	call_finish_op(c);
}

static int slot_take(struct bfs_rpc_call *c)
{
	for (uint32_t n = 0; n < BFS_RPC_SLOTS; n++) {
		uint32_t s = (bfs_rpc_ctx->next_slot + n) % BFS_RPC_SLOTS;
		if (!bfs_rpc_ctx->slots[s]) {
			bfs_rpc_ctx->slots[s] = c;
			bfs_rpc_ctx->next_slot = s + 1;
			c->slot = s;
			return 0;
		}
	}
	return -EAGAIN;
}

/* Send @c; on failure it is DONE at once with the error. */
static void call_start(struct bfs_rpc_call *c)
{
	ucp_request_param_t p = {0};
	ucs_status_ptr_t sp;
	ucp_ep_h ep;
	int rc;

	c->replied = 0;
	c->ucx_ops = 0;
	c->ureq[0] = c->ureq[1] = NULL;
	c->deadline = bfs_mono_ns() + bfs_rpc_ctx->timeout_ns;
	rc = slot_take(c);
	if (rc) {
		c->replied = 1, c->status = rc;
		return;
	}
	rc = ep_get(c->server, &ep);
	if (rc) {
		if (bfs_rpc_ctx->conn_xerr[c->server] || !bfs_rpc_ctx->conn_err[c->server])
			call_failed(c, rc); /* a transport failure, or no endpoint at all */
		else
			call_replied(c, rc); /* the server refused us (wrong secret, ...) */
		return;
	}
	c->req.reqid = (uint64_t)bfs_rpc_ctx->gen[c->slot] << 32 | c->slot;
	c->req.secret = bfs_rpc_ctx->secret;
	c->req.client = bfs_rpc_ctx->client_id[c->server];
	bfs_wire_encode_req(&c->req, c->hdr);
	p.op_attr_mask =
	    UCP_OP_ATTR_FIELD_CALLBACK | UCP_OP_ATTR_FIELD_USER_DATA | UCP_OP_ATTR_FIELD_FLAGS;
	p.cb.send = request_sent;
	p.user_data = c;
	p.flags = UCP_AM_SEND_FLAG_REPLY | bfs_ucx_send_flags(&bfs_rpc_ctx->ucx, c->send_len);
	c->ucx_ops = 1;
	sp = ucp_am_send_nbx(ep, BFS_AM_REQ, c->hdr, sizeof(c->hdr), c->send_buf, c->send_len, &p);
	if (sp == NULL) {
		c->ucx_ops = 0;
	} else if (UCS_PTR_IS_ERR(sp)) {
		c->ucx_ops = 0;
		call_failed(c, bfs_ucs_errno(UCS_PTR_STATUS(sp)));
	} else {
		bfs_ucx_req_own(sp, c);
		c->ureq[0] = sp;
	}
}

int bfs_rpc_run(struct bfs_rpc_call **calls, size_t n)
{
	connect_servers(calls, n);
	for (size_t i = 0; i < n; i++)
		call_start(calls[i]);
	calls_wait(calls, n);
	for (size_t i = 0; i < n; i++)
		if (calls[i]->xerr)
			return calls[i]->xerr;
	return 0;
}

void bfs_rpc_start(struct bfs_rpc_call *c)
{
	call_start(c);
}

int bfs_rpc_done(struct bfs_rpc_call *c, int64_t now)
{
	if (!c->replied)
		return 0;
	if (c->ucx_ops &&
	    (bfs_rpc_ctx->dead[c->server] || (c->xerr && bfs_rpc_ctx->pid[c->server]))) {
		/* its peer is gone, or is a process on this host whose endpoint has no failure
		 * detection, so closing it by force cancelled nothing: nothing will end them */
		call_abandon(c, -EIO);
	} else if (c->ureq[1] && c->fail_gen != bfs_rpc_ctx->fail_gen[c->server]) {
		/* replied, its payload still coming, and the server failed since: the rest of it
		 * will not come (UCX may take its own timeout to say so, seconds later) */
		call_abandon(c, -EIO);
	} else if (c->ucx_ops && now && now >= c->deadline) {
		/* replied, but its payload is still not in at the deadline (the slot that a reply
		 * frees is not scanned for overdue calls): time it out and close the endpoint
		 * (which cancels the receive), then give up on it a second later */
		if (!c->xerr && c->ureq[1]) {
			c->status = c->xerr = -ETIMEDOUT;
			bfs_rpc_ctx->ep_failed[c->server] = 1;
		} else if (now >= c->deadline + BFS_NSEC) {
			bfs_warn(
			    "UCX operations of a timed-out request did not end; abandoning them");
			call_abandon(c, -ETIMEDOUT);
		}
	}
	return c->ucx_ops == 0;
}

int bfs_rpc_connect(const uint32_t *servers, size_t n)
{
	struct bfs_rpc_call **calls = bfs_rpc_calls_new(n, BFS_OP_NONE, servers);

	if (!calls)
		return -ENOMEM;
	connect_servers(calls, n);
	free(calls);
	return 0;
}

/* Fail the calls whose deadline passed; closing their endpoints cancels their UCX operations. */
void bfs_rpc_expire(int64_t now)
{
	int any = 0;

	if (now < bfs_rpc_ctx->next_expiry)
		return;
	bfs_rpc_ctx->next_expiry =
	    now + BFS_NSEC / 10; /* a scan of the slots at most every 100 ms */

	/* servers on this host, connected without UCX's failure detection: is the process there? */
	for (uint32_t s = 0; s < bfs_rpc_ctx->nservers; s++)
		if (bfs_rpc_ctx->eps[s] && !bfs_rpc_ctx->ep_failed[s] &&
		    !bfs_peer_alive(bfs_rpc_ctx->pid[s])) {
			bfs_rpc_ctx->dead[s] =
			    1; /* for good: a server's address names one process */
			server_failed(s);
			any = 1;
		}
	for (uint32_t i = 0; i < BFS_RPC_SLOTS; i++) {
		struct bfs_rpc_call *c = bfs_rpc_ctx->slots[i];
		if (c && now >= c->deadline) {
			bfs_rpc_ctx->ep_failed[c->server] = 1;
			call_failed(c, -ETIMEDOUT);
			any = 1;
		}
	}
	if (any)
		for (uint32_t s = 0; s < bfs_rpc_ctx->nservers; s++)
			if (bfs_rpc_ctx->ep_failed[s])
				ep_reset(s);
}

void bfs_rpc_wait(int (*done)(void *arg, int64_t now), void *arg)
{
	unsigned idle = 0, empty_wakeups = 0;
	int64_t idle_since = 0;

	while (!done(arg, 0)) {
		if (ucp_worker_progress(bfs_rpc_ctx->ucx.worker)) {
			idle = empty_wakeups = 0;
			idle_since = 0;
			run_hooks();
			continue;
		}
		for (uint32_t s = 0; s < bfs_rpc_ctx->nservers; s++)
			if (bfs_rpc_ctx->ep_failed[s])
				ep_reset(s); /* cancels what is still queued on it */
		int64_t now = bfs_mono_ns();
		bfs_rpc_expire(now);
		run_hooks();
		if (done(arg, now))
			break;
		if (++idle < IDLE_SPINS)
			continue;
		if (!idle_since)
			idle_since = now;
		if (now - idle_since < bfs_rpc_ctx->spin_ns) { /* a sleep and wake-up cost more */
			if (bfs_rpc_ctx->spin_yield)
				sched_yield();
			continue;
		}
		idle = 0;
		idle_since = 0;
		if (++empty_wakeups > 4) {
			/* woken again and again with nothing to do (UCX's TCP transport does that
			 * while a stopped peer does not read): back off up to 10 ms */
			struct timespec ts = {0, BFS_MIN(empty_wakeups, 100) * 100000L};
			nanosleep(&ts, NULL);
		}
		bfs_ucx_wait_fd(&bfs_rpc_ctx->ucx, 100);
	}
}

struct calls_arg {
	struct bfs_rpc_call **calls;
	size_t n, first; /* calls before first are DONE */
};

static int calls_done(void *arg, int64_t now)
{
	struct calls_arg *a = arg;

	while (a->first < a->n && bfs_rpc_done(a->calls[a->first], now))
		a->first++;
	return a->first == a->n;
}

/* Progress until every call of @calls is DONE (replied, failed or timed out). */
static void calls_wait(struct bfs_rpc_call **calls, size_t n)
{
	struct calls_arg a = {calls, n, 0};

	bfs_rpc_wait(calls_done, &a);
}

struct bfs_rpc_call **bfs_rpc_calls_new(size_t n, uint8_t op, const uint32_t *servers)
{
	struct bfs_rpc_call **ptrs = malloc(n * (sizeof(*ptrs) + sizeof(**ptrs)) + 1);
	struct bfs_rpc_call *calls = (struct bfs_rpc_call *)(ptrs + n);

	if (!ptrs)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		bfs_rpc_call_init(&calls[i], op, servers ? servers[i] : (uint32_t)i);
		ptrs[i] = &calls[i];
	}
	return ptrs;
}

int bfs_rpc_status(struct bfs_rpc_call **calls, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (calls[i]->status)
			return calls[i]->status;
	return 0;
}

int bfs_rpc_call(struct bfs_rpc_call *c)
{
	bfs_rpc_run(&c, 1);
	return c->status;
}

void bfs_rpc_progress(void)
{
	while (ucp_worker_progress(bfs_rpc_ctx->ucx.worker))
		;
	bfs_rpc_expire(bfs_mono_ns());
	run_hooks();
}

int bfs_rpc_connected(uint32_t s)
{
	return bfs_rpc_ctx->eps[s] && !bfs_rpc_ctx->ep_failed[s];
}

/* ---- attach / detach ----------------------------------------------------------------------- */

static void rpc_free(struct bfs_rpc *e)
{
	for (uint32_t i = 0; e->addrs && i < e->nservers; i++)
		free(e->addrs[i]);
	free(e->addrs);
	free(e->addr_lens);
	free(e->eps);
	free(e->ep_failed);
	free(e->client_id);
	free(e->conn_err);
	free(e->conn_xerr);
	free(e->pid);
	free(e->dead);
	free(e->has_id);
	free(e->fail_gen);
	free(e->inline_max);
	free(e->my_addr);
	free(e);
}

int bfs_rpc_attach(uint32_t nservers, void *const *addrs, const size_t *lens, uint64_t secret)
{
	struct bfs_rpc *e;
	int rc = -ENOMEM;

	if (bfs_rpc_ctx)
		return -EALREADY;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->nservers = nservers;
	e->secret = secret;
	e->timeout_ns =
	    (int64_t)bfs_env_u64("BENCHFS_RPC_TIMEOUT", BFS_RPC_TIMEOUT_DEFAULT) * BFS_NSEC;
	e->spin_ns = (int64_t)bfs_env_u64("BENCHFS_SPIN_US", BFS_SPIN_US_DEFAULT) * 1000;
	e->spin_yield = (int)bfs_env_u64("BENCHFS_SPIN_YIELD", 1);
	e->addrs = calloc(nservers, sizeof(*e->addrs));
	e->addr_lens = calloc(nservers, sizeof(*e->addr_lens));
	e->eps = calloc(nservers, sizeof(*e->eps));
	e->ep_failed = calloc(nservers, 1);
	e->client_id = calloc(nservers, sizeof(*e->client_id));
	e->conn_err = calloc(nservers, sizeof(*e->conn_err));
	e->conn_xerr = calloc(nservers, 1);
	e->pid = calloc(nservers, sizeof(*e->pid));
	e->dead = calloc(nservers, 1);
	e->has_id = calloc(nservers, 1);
	e->fail_gen = calloc(nservers, sizeof(*e->fail_gen));
	e->inline_max = calloc(nservers, sizeof(*e->inline_max));
	if (!e->addrs || !e->addr_lens || !e->eps || !e->ep_failed || !e->client_id ||
	    !e->conn_err || !e->conn_xerr || !e->pid || !e->dead || !e->has_id || !e->fail_gen ||
	    !e->inline_max)
		goto fail;
	for (uint32_t i = 0; i < nservers; i++) {
		e->addrs[i] = malloc(lens[i]);
		if (!e->addrs[i])
			goto fail;
		memcpy(e->addrs[i], addrs[i], lens[i]);
		e->addr_lens[i] = lens[i];
	}
	rc = bfs_ucx_init(&e->ucx);
	if (rc)
		goto fail;
	rc = bfs_ucx_set_am(&e->ucx, BFS_AM_REP, on_reply, e);
	if (!rc)
		rc = bfs_ucx_address(&e->ucx, &e->my_addr, &e->my_addr_len);
	if (rc) {
		bfs_ucx_fini(&e->ucx);
		goto fail;
	}
	bfs_rpc_ctx = e;
	return 0;
fail:
	rpc_free(e);
	return rc;
}

/*
 * Say BYE to every server we are connected to, all at once, so they free our ids now instead
 * of when this process ends. Waits at most 1 s (a stopped server does not answer; nothing
 * depends on the answer).
 */
static void say_bye(void)
{
	struct bfs_rpc *e = bfs_rpc_ctx;
	struct bfs_rpc_call **calls = bfs_rpc_calls_new(e->nservers, BFS_OP_BYE, NULL);
	int64_t timeout = e->timeout_ns;
	size_t n = 0;

	if (!calls)
		return;
	for (uint32_t s = 0; s < e->nservers; s++)
		if (e->eps[s] && !e->ep_failed[s] && !e->dead[s])
			bfs_rpc_call_init(calls[n++], BFS_OP_BYE, s);
	e->timeout_ns = BFS_MIN(timeout, BFS_NSEC);
	if (n)
		bfs_rpc_run(calls, n);
	e->timeout_ns = timeout;
	free(calls);
}

int bfs_rpc_detach(void)
{
	struct bfs_rpc *e = bfs_rpc_ctx;
	int rc = 0;

	if (!e)
		return -ENOTCONN;
	for (struct bfs_rpc_hook *h = e->hooks; h; h = h->next)
		if (h->detach) {
			int r = h->detach();
			if (r && !rc)
				rc = r;
		}
	hooks_clear(e);
	say_bye();
	for (uint32_t i = 0; i < e->nservers; i++)
		if (e->eps[i])
			bfs_ucx_close_ep(&e->ucx, e->eps[i], e->ep_failed[i]);
	bfs_ucx_fini(&e->ucx);
	rpc_free(e);
	bfs_rpc_ctx = NULL;
	return rc;
}

void bfs_rpc_forget(void)
{
	if (bfs_rpc_ctx)
		hooks_clear(bfs_rpc_ctx);
	bfs_rpc_ctx = NULL;
}
