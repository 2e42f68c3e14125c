/*
 * client.c - attaching, connections and the RPC engine (see client.h).
 */
#include "client/client.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/path.h"
#include "common/stats.h"
#include "common/util.h"
#include "net/addrfile.h"

struct bfs_client *bfs_cl;
pthread_mutex_t bfs_lock = PTHREAD_MUTEX_INITIALIZER;

#define IDLE_SPINS 32 /* empty progress rounds before sleeping on the worker's fd */

/* ---- replies ------------------------------------------------------------------------------- */

static void call_finish_op(struct bfs_call *c)
{
	c->ucx_ops--;
}

/*
 * Give up @c's UCX operations that are still pending: it is DONE, and they end without it. A
 * reply whose payload never arrived fails the call with @err: the server's status said the
 * bytes were coming, and a read that took them for a hole would return zeros as data.
 */
static void call_abandon(struct bfs_call *c, int err)
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
static void call_replied(struct bfs_call *c, int status)
{
	if (c->replied)
		return;
	c->replied = 1;
	c->status = status;
	bfs_cl->slots[c->slot] = NULL;
	bfs_cl->gen[c->slot]++;
}

/* A transport failure (not a server's answer) ends @c. */
static void call_failed(struct bfs_call *c, int err)
{
	if (!c->replied)
		c->xerr = err;
	call_replied(c, err);
}

static void payload_received(void *request, ucs_status_t st, size_t length, void *user)
{
	struct bfs_call *c = bfs_ucx_req_owner(request);

	(void)user;
	ucp_request_free(request);
	if (!c)
		return; /* abandoned */
	c->ureq[1] = NULL;
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
	struct bfs_client *cl = arg;
	struct bfs_rep rep;
	struct bfs_call *c;
	uint32_t slot;
	void *dst;

	if (bfs_wire_decode_rep(header, hlen, &rep))
		goto drop;
	slot = (uint32_t)(rep.reqid & 0xffffffffu);
	if (slot >= BFS_SLOTS || !(c = cl->slots[slot]) || cl->gen[slot] != rep.reqid >> 32)
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
	for (uint32_t i = 0; i < BFS_SLOTS; i++) {
		struct bfs_call *c = bfs_cl->slots[i];
		if (c && c->server == server)
			call_failed(c, status);
	}
}

/* @server failed (its endpoint reported it, or its process on this host is gone): its calls
 * end with -EIO, and its endpoint is closed and made again on next use. */
static void server_failed(uint32_t server)
{
	bfs_cl->ep_failed[server] = 1;
	fail_server_calls(server, -EIO);
}

static void on_ep_error(void *arg, ucp_ep_h ep, ucs_status_t st)
{
	(void)ep;
	(void)st;
	if (bfs_cl)
		server_failed((uint32_t)(uintptr_t)arg);
}

/* Close the endpoint of @server by force (cancelling its operations). */
static void ep_reset(uint32_t server)
{
	ucp_ep_h ep = bfs_cl->eps[server];

	if (!ep)
		return;
	bfs_cl->eps[server] = NULL;
	bfs_ucx_close_ep(&bfs_cl->ucx, ep, 1);
	bfs_cl->ep_failed[server] = 0;
}

static int ep_get(uint32_t server, ucp_ep_h *ep)
{
	if (bfs_cl->ep_failed[server] || !bfs_cl->eps[server])
		return bfs_cl->conn_err[server] ? bfs_cl->conn_err[server] : -EIO;
	*ep = bfs_cl->eps[server];
	return 0;
}

static void call_start(struct bfs_call *c);
static void calls_wait(struct bfs_call **calls, size_t n);

/*
 * Connect to the servers of @calls that have no endpoint yet (or a failed one), and introduce
 * this client to each with HELLO (all at once): the server answers later replies on an
 * endpoint of its own, and gives the id the requests carry.
 */
static void connect_servers(struct bfs_call **calls, size_t n)
{
	struct bfs_call **hello = NULL;
	size_t nh = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t s = calls[i]->server;
		int rc;

		if (bfs_cl->ep_failed[s])
			ep_reset(s);
		if (bfs_cl->eps[s])
			continue;
		if (bfs_cl->dead[s]) {
			bfs_cl->conn_err[s] = -EIO, bfs_cl->conn_xerr[s] = 1;
			continue;
		}
		bfs_cl->conn_err[s] = 0;
		rc = bfs_ucx_connect(&bfs_cl->ucx, bfs_cl->addrs[s], bfs_cl->addr_lens[s],
		                     &bfs_cl->eps[s], on_ep_error, (void *)(uintptr_t)s,
		                     &bfs_cl->pid[s]);
		if (rc) {
			bfs_cl->conn_err[s] = rc, bfs_cl->conn_xerr[s] = 1;
			continue; /* the calls to it fail in call_start() */
		}
		if (!hello && !(hello = bfs_calls_new(bfs_cl->nservers, BFS_OP_HELLO, NULL))) {
			ep_reset(s);
			continue;
		}
		struct bfs_call *h = hello[nh++];
		bfs_call_init(h, BFS_OP_HELLO, s);
		h->send_buf = bfs_cl->my_addr;
		h->send_len = bfs_cl->my_addr_len;
		if (bfs_cl->has_id[s]) { /* the server may still hold our earlier id: free it */
			h->req.flags = BFS_F_REPLACE;
			h->req.ino = bfs_cl->client_id[s];
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
			bfs_cl->client_id[s] = hello[i]->rep.count;
			bfs_cl->has_id[s] = 1;
			continue;
		}
		/* the calls to it end with the same error; the next batch tries again */
		bfs_cl->conn_err[s] = hello[i]->status;
		bfs_cl->conn_xerr[s] = hello[i]->xerr != 0;
		ep_reset(s);
	}
	free(hello);
}

/* ---- calls ----------------------------------------------------------------------------------- */

void bfs_call_init(struct bfs_call *c, uint8_t op, uint32_t server)
{
	memset(c, 0, sizeof(*c));
	c->req.op = op;
	c->server = server;
}

void bfs_call_release(struct bfs_call *c)
{
	free(c->rep_payload);
	c->rep_payload = NULL;
}

static void request_sent(void *request, ucs_status_t st, void *user)
{
	struct bfs_call *c = bfs_ucx_req_owner(request);

	(void)user;
	ucp_request_free(request);
	if (!c)
		return; /* abandoned */
	c->ureq[0] = NULL;
	if (st != UCS_OK)
		call_failed(c, op_error(st));
	call_finish_op(c);
}

static int slot_take(struct bfs_call *c)
{
	for (uint32_t n = 0; n < BFS_SLOTS; n++) {
		uint32_t s = (bfs_cl->next_slot + n) % BFS_SLOTS;
		if (!bfs_cl->slots[s]) {
			bfs_cl->slots[s] = c;
			bfs_cl->next_slot = s + 1;
			c->slot = s;
			return 0;
		}
	}
	return -EAGAIN;
}

/* Send @c; on failure it is DONE at once with the error. */
static void call_start(struct bfs_call *c)
{
	ucp_request_param_t p = {0};
	ucs_status_ptr_t sp;
	ucp_ep_h ep;
	int rc;

	c->replied = 0;
	c->ucx_ops = 0;
	c->ureq[0] = c->ureq[1] = NULL;
	c->deadline = bfs_mono_ns() + bfs_cl->timeout_ns;
	rc = slot_take(c);
	if (rc) {
		c->replied = 1, c->status = rc;
		return;
	}
	rc = ep_get(c->server, &ep);
	if (rc) {
		if (bfs_cl->conn_xerr[c->server] || !bfs_cl->conn_err[c->server])
			call_failed(c, rc); /* a transport failure, or no endpoint at all */
		else
			call_replied(c, rc); /* the server refused us (wrong secret, ...) */
		return;
	}
	c->req.reqid = (uint64_t)bfs_cl->gen[c->slot] << 32 | c->slot;
	c->req.secret = bfs_cl->secret;
	c->req.client = bfs_cl->client_id[c->server];
	bfs_wire_encode_req(&c->req, c->hdr);
	p.op_attr_mask =
	    UCP_OP_ATTR_FIELD_CALLBACK | UCP_OP_ATTR_FIELD_USER_DATA | UCP_OP_ATTR_FIELD_FLAGS;
	p.cb.send = request_sent;
	p.user_data = c;
	p.flags = UCP_AM_SEND_FLAG_REPLY | bfs_ucx_send_flags(&bfs_cl->ucx, c->send_len);
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

int bfs_calls_run(struct bfs_call **calls, size_t n)
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

void bfs_call_start(struct bfs_call *c)
{
	call_start(c);
}

int bfs_call_done(struct bfs_call *c, int64_t now)
{
	if (!c->replied)
		return 0;
	if (c->ucx_ops && (bfs_cl->dead[c->server] || (c->xerr && bfs_cl->pid[c->server]))) {
		/* its peer is gone, or is a process on this host whose endpoint has no failure
		 * detection, so closing it by force cancelled nothing: nothing will end them */
		call_abandon(c, -EIO);
	} else if (c->ucx_ops && now && now >= c->deadline) {
		/* replied, but its payload is still not in at the deadline (the slot that a reply
		 * frees is not scanned for overdue calls): time it out and close the endpoint
		 * (which cancels the receive), then give up on it a second later */
		if (!c->xerr && c->ureq[1]) {
			c->status = c->xerr = -ETIMEDOUT;
			bfs_cl->ep_failed[c->server] = 1;
		} else if (now >= c->deadline + BFS_NSEC) {
			bfs_warn(
			    "UCX operations of a timed-out request did not end; abandoning them");
			call_abandon(c, -ETIMEDOUT);
		}
	}
	return c->ucx_ops == 0;
}

int bfs_connect(const uint32_t *servers, size_t n)
{
	struct bfs_call **calls = bfs_calls_new(n, BFS_OP_NONE, servers);

	if (!calls)
		return -ENOMEM;
	connect_servers(calls, n);
	free(calls);
	return 0;
}

/* Fail the calls whose deadline passed; closing their endpoints cancels their UCX operations. */
void bfs_expire(int64_t now)
{
	int any = 0;

	if (now < bfs_cl->next_expiry)
		return;
	bfs_cl->next_expiry = now + BFS_NSEC / 10; /* a scan of the slots at most every 100 ms */

	/* servers on this host, connected without UCX's failure detection: is the process there? */
	for (uint32_t s = 0; s < bfs_cl->nservers; s++)
		if (bfs_cl->eps[s] && !bfs_cl->ep_failed[s] && !bfs_peer_alive(bfs_cl->pid[s])) {
			bfs_cl->dead[s] = 1; /* for good: a server's address names one process */
			server_failed(s);
			any = 1;
		}
	for (uint32_t i = 0; i < BFS_SLOTS; i++) {
		struct bfs_call *c = bfs_cl->slots[i];
		if (c && now >= c->deadline) {
			bfs_cl->ep_failed[c->server] = 1;
			call_failed(c, -ETIMEDOUT);
			any = 1;
		}
	}
	if (any)
		for (uint32_t s = 0; s < bfs_cl->nservers; s++)
			if (bfs_cl->ep_failed[s])
				ep_reset(s);
}

void bfs_wait(int (*done)(void *arg, int64_t now), void *arg)
{
	unsigned idle = 0, empty_wakeups = 0;
	int64_t idle_since = 0;

	while (!done(arg, 0)) {
		if (ucp_worker_progress(bfs_cl->ucx.worker)) {
			idle = empty_wakeups = 0;
			idle_since = 0;
			bfs_aio_pump_all();
			continue;
		}
		for (uint32_t s = 0; s < bfs_cl->nservers; s++)
			if (bfs_cl->ep_failed[s])
				ep_reset(s); /* cancels what is still queued on it */
		int64_t now = bfs_mono_ns();
		bfs_expire(now);
		bfs_aio_pump_all();
		if (done(arg, now))
			break;
		if (++idle < IDLE_SPINS)
			continue;
		if (!idle_since)
			idle_since = now;
		if (now - idle_since < bfs_cl->spin_ns) { /* a sleep and wake-up cost more */
			if (bfs_cl->spin_yield)
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
		bfs_ucx_wait_fd(&bfs_cl->ucx, 100);
	}
}

struct calls_arg {
	struct bfs_call **calls;
	size_t n, first; /* calls before first are DONE */
};

static int calls_done(void *arg, int64_t now)
{
	struct calls_arg *a = arg;

	while (a->first < a->n && bfs_call_done(a->calls[a->first], now))
		a->first++;
	return a->first == a->n;
}

/* Progress until every call of @calls is DONE (replied, failed or timed out). */
static void calls_wait(struct bfs_call **calls, size_t n)
{
	struct calls_arg a = {calls, n, 0};

	bfs_wait(calls_done, &a);
}

struct bfs_call **bfs_calls_new(size_t n, uint8_t op, const uint32_t *servers)
{
	struct bfs_call **ptrs = malloc(n * (sizeof(*ptrs) + sizeof(**ptrs)) + 1);
	struct bfs_call *calls = (struct bfs_call *)(ptrs + n);

	if (!ptrs)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		bfs_call_init(&calls[i], op, servers ? servers[i] : (uint32_t)i);
		ptrs[i] = &calls[i];
	}
	return ptrs;
}

int bfs_calls_status(struct bfs_call **calls, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (calls[i]->status)
			return calls[i]->status;
	return 0;
}

int bfs_call_run(struct bfs_call *c)
{
	bfs_calls_run(&c, 1);
	return c->status;
}

void bfs_ns_call(struct bfs_call *c, uint8_t op, const char *path, size_t len, const char *s1,
                 size_t l1, const char *s2, size_t l2, char *pbuf)
{
	bfs_call_init(c, op, bfs_ring_path(&bfs_cl->ring, path, len));
	memcpy(pbuf, path, len);
	if (l1)
		memcpy(pbuf + len, s1, l1);
	if (l2)
		memcpy(pbuf + len + l1, s2, l2);
	c->req.len[0] = (uint32_t)len;
	c->req.len[1] = (uint32_t)l1;
	c->req.len[2] = (uint32_t)l2;
	c->send_buf = pbuf;
	c->send_len = len + l1 + l2;
}

/* ---- attach / detach ----------------------------------------------------------------------- */

int bfs_client_attach(uint32_t nservers, void *const *addrs, const size_t *lens, uint32_t vnodes,
                      uint64_t seed, uint64_t secret)
{
	struct bfs_client *cl;
	int rc = -ENOMEM;

	if (bfs_cl)
		return -EALREADY;
	cl = calloc(1, sizeof(*cl));
	if (!cl)
		return -ENOMEM;
	cl->nservers = nservers;
	cl->secret = secret;
	cl->timeout_ns =
	    (int64_t)bfs_env_u64("BENCHFS_RPC_TIMEOUT", BFS_RPC_TIMEOUT_DEFAULT) * BFS_NSEC;
	cl->chunk_default = (uint32_t)bfs_env_u64("BENCHFS_CHUNK_SIZE", BENCHFS_CHUNK_SIZE_DEFAULT);
	cl->dcache_ttl_ns = (int64_t)bfs_env_u64("BENCHFS_DIR_CACHE_TTL", 5) * BFS_NSEC;
	cl->spin_ns = (int64_t)bfs_env_u64("BENCHFS_SPIN_US", BFS_SPIN_US_DEFAULT) * 1000;
	cl->spin_yield = (int)bfs_env_u64("BENCHFS_SPIN_YIELD", 1);
	cl->uid = (uint32_t)getuid();
	cl->gid = (uint32_t)getgid();
	cl->addrs = calloc(nservers, sizeof(*cl->addrs));
	cl->addr_lens = calloc(nservers, sizeof(*cl->addr_lens));
	cl->eps = calloc(nservers, sizeof(*cl->eps));
	cl->ep_failed = calloc(nservers, 1);
	cl->client_id = calloc(nservers, sizeof(*cl->client_id));
	cl->conn_err = calloc(nservers, sizeof(*cl->conn_err));
	cl->conn_xerr = calloc(nservers, 1);
	cl->pid = calloc(nservers, sizeof(*cl->pid));
	cl->dead = calloc(nservers, 1);
	cl->has_id = calloc(nservers, 1);
	if (!cl->addrs || !cl->addr_lens || !cl->eps || !cl->ep_failed || !cl->client_id ||
	    !cl->conn_err || !cl->conn_xerr || !cl->pid || !cl->dead || !cl->has_id)
		goto fail;
	for (uint32_t i = 0; i < nservers; i++) {
		cl->addrs[i] = malloc(lens[i]);
		if (!cl->addrs[i])
			goto fail;
		memcpy(cl->addrs[i], addrs[i], lens[i]);
		cl->addr_lens[i] = lens[i];
	}
	rc = bfs_ring_init(&cl->ring, nservers, vnodes, seed);
	if (rc)
		goto fail;
	rc = bfs_ucx_init(&cl->ucx);
	if (rc)
		goto fail_ring;
	rc = bfs_ucx_set_am(&cl->ucx, BFS_AM_REP, on_reply, cl);
	if (!rc)
		rc = bfs_ucx_address(&cl->ucx, &cl->my_addr, &cl->my_addr_len);
	if (rc)
		goto fail_ucx;
	bfs_cl = cl;
	return 0;
fail_ucx:
	bfs_ucx_fini(&cl->ucx);
fail_ring:
	bfs_ring_fini(&cl->ring);
fail:
	for (uint32_t i = 0; cl->addrs && i < nservers; i++)
		free(cl->addrs[i]);
	free(cl->addrs);
	free(cl->addr_lens);
	free(cl->eps);
	free(cl->ep_failed);
	free(cl->client_id);
	free(cl->conn_err);
	free(cl->conn_xerr);
	free(cl->pid);
	free(cl->dead);
	free(cl->has_id);
	free(cl);
	return rc;
}

/*
 * Say BYE to every server we are connected to, all at once, so they free our ids now instead
 * of when this process ends. Waits at most 1 s (a stopped server does not answer; nothing
 * depends on the answer).
 */
static void say_bye(void)
{
	struct bfs_call **calls = bfs_calls_new(bfs_cl->nservers, BFS_OP_BYE, NULL);
	int64_t timeout = bfs_cl->timeout_ns;
	size_t n = 0;

	if (!calls)
		return;
	for (uint32_t s = 0; s < bfs_cl->nservers; s++)
		if (bfs_cl->eps[s] && !bfs_cl->ep_failed[s] && !bfs_cl->dead[s])
			bfs_call_init(calls[n++], BFS_OP_BYE, s);
	bfs_cl->timeout_ns = BFS_MIN(timeout, BFS_NSEC);
	if (n)
		bfs_calls_run(calls, n);
	bfs_cl->timeout_ns = timeout;
	free(calls);
}

int bfs_client_detach(void)
{
	struct bfs_client *cl = bfs_cl;
	int rc;

	if (!cl)
		return -ENOTCONN;
	rc = bfs_close_all();
	bfs_aio_fini();
	say_bye();
	for (uint32_t i = 0; i < cl->nservers; i++) {
		if (cl->eps[i])
			bfs_ucx_close_ep(&cl->ucx, cl->eps[i], cl->ep_failed[i]);
		free(cl->addrs[i]);
	}
	bfs_ucx_fini(&cl->ucx);
	bfs_ring_fini(&cl->ring);
	for (size_t i = 0; i < cl->dcache_cap; i++)
		free(cl->dcache[i].path);
	free(cl->dcache);
	free(cl->files);
	free(cl->addrs);
	free(cl->addr_lens);
	free(cl->eps);
	free(cl->ep_failed);
	free(cl->client_id);
	free(cl->conn_err);
	free(cl->conn_xerr);
	free(cl->pid);
	free(cl->dead);
	free(cl->has_id);
	free(cl->my_addr);
	free(cl);
	bfs_cl = NULL;
	return rc;
}

/* ---- address files ----------------------------------------------------------------------------
 */

/* benchfs_init - attach to the servers of an address file (its format: net/addrfile.h). */
BFS_API int benchfs_init(const char *addrfile)
{
	struct bfs_addrfile af;
	FILE *f;
	int rc;

	if (!addrfile)
		addrfile = getenv("BENCHFS_ADDR");
	if (!addrfile || !*addrfile)
		return -EINVAL;
	f = fopen(addrfile, "r");
	if (!f)
		return -errno;
	rc = bfs_addrfile_parse(f, &af);
	fclose(f);
	if (rc)
		return rc;
	pthread_mutex_lock(&bfs_lock);
	rc = bfs_client_attach(af.nservers, af.addrs, af.lens, af.vnodes, af.seed, af.secret);
	pthread_mutex_unlock(&bfs_lock);
	bfs_addrfile_free(&af);
	return rc;
}

BFS_API int benchfs_term(void)
{
	int rc;

	pthread_mutex_lock(&bfs_lock);
	rc = bfs_client_detach();
	pthread_mutex_unlock(&bfs_lock);
	return rc;
}

BFS_API int benchfs_server_count(void)
{
	BFS_ENTER();
	BFS_LEAVE((int)bfs_cl->nservers);
}

BFS_API int benchfs_shutdown_servers(void)
{
	struct bfs_call **calls;
	int rc;

	BFS_ENTER();
	calls = bfs_calls_new(bfs_cl->nservers, BFS_OP_SHUTDOWN, NULL);
	if (!calls)
		BFS_LEAVE(-ENOMEM);
	bfs_calls_run(calls, bfs_cl->nservers);
	rc = bfs_calls_status(calls, bfs_cl->nservers);
	free(calls);
	BFS_LEAVE(rc);
}

BFS_API int benchfs_server_stats(int server, struct benchfs_server_stats *st, int flags)
{
	struct bfs_call c;
	uint8_t *buf;
	int rc;

	if (!st || (flags & ~BENCHFS_STATS_RESET))
		return -EINVAL;
	BFS_ENTER();
	if (server < 0 || (uint32_t)server >= bfs_cl->nservers)
		BFS_LEAVE(-EINVAL);
	buf = malloc(BFS_STATS_WIRE_SIZE);
	if (!buf)
		BFS_LEAVE(-ENOMEM);
	bfs_call_init(&c, BFS_OP_STATS, (uint32_t)server);
	c.req.flags = (flags & BENCHFS_STATS_RESET) ? BFS_F_RESET : 0;
	c.recv_buf = buf;
	c.recv_cap = BFS_STATS_WIRE_SIZE;
	rc = bfs_call_run(&c);
	if (!rc)
		rc = bfs_stats_decode(buf, c.rep_len, st);
	free(buf);
	BFS_LEAVE(rc);
}

BFS_API int benchfs_statfs(struct benchfs_statfs *st)
{
	struct bfs_call **calls;
	uint8_t *bufs;
	uint64_t *keys;
	uint32_t n;
	int rc;

	if (!st)
		return -EINVAL;
	BFS_ENTER();
	n = bfs_cl->nservers;
	calls = bfs_calls_new(n, BFS_OP_STATFS, NULL);
	bufs = malloc((size_t)n * BFS_WIRE_STATFS_SIZE);
	keys = malloc((size_t)n * sizeof(*keys));
	if (!calls || !bufs || !keys) {
		free(calls);
		free(bufs);
		free(keys);
		BFS_LEAVE(-ENOMEM);
	}
	for (uint32_t i = 0; i < n; i++) {
		calls[i]->recv_buf = bufs + (size_t)i * BFS_WIRE_STATFS_SIZE;
		calls[i]->recv_cap = BFS_WIRE_STATFS_SIZE;
	}
	bfs_calls_run(calls, n);
	rc = bfs_calls_status(calls, n);
	memset(st, 0, sizeof(*st));
	st->servers = n;
	for (uint32_t i = 0; !rc && i < n; i++) {
		struct bfs_statfs s;
		int seen = 0;

		if (calls[i]->rep_len != BFS_WIRE_STATFS_SIZE) {
			rc = -EPROTO;
			break;
		}
		bfs_wire_decode_statfs(bufs + (size_t)i * BFS_WIRE_STATFS_SIZE, &s);
		st->files += s.files;
		for (uint32_t j = 0; j < i; j++)
			seen |= keys[j] == s.key;
		keys[i] = s.key;
		if (seen) /* servers sharing one disk (one node) count it once */
			continue;
		st->bytes_total += s.total;
		st->bytes_free += s.free;
		st->bytes_avail += s.avail;
	}
	free(calls);
	free(bufs);
	free(keys);
	BFS_LEAVE(rc);
}

BFS_API int benchfs_write_addrfile(const char *path)
{
	int rc;

	if (!path || !*path)
		return -EINVAL;
	BFS_ENTER();
	rc = bfs_addrfile_write(path, bfs_cl->secret, bfs_cl->nservers, bfs_cl->addrs,
	                        bfs_cl->addr_lens, bfs_cl->ring.vnodes, bfs_cl->ring.seed);
	BFS_LEAVE(rc);
}

BFS_API void benchfs_atfork_child(void)
{
	/* the parent's connections, worker and files stay the parent's: forget them (their
	 * memory is the child's copy, left as it is; its sockets are the parent's too) */
	pthread_mutex_init(&bfs_lock, NULL); /* another thread may have held it at the fork */
	bfs_cl = NULL;
}
