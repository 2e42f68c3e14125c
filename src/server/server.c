/*
 * server.c - the server's event loop and request state machine (see server.h).
 */
#include "server/server.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "benchfs.h"
#include "common/util.h"
#include "net/ucx.h"
#include "net/wire.h"
#include "server/buf.h"
#include "server/clients.h"
#include "server/data.h"
#include "server/lock.h"
#include "server/meta.h"
#include "server/srv.h"

#define URING_DEPTH    256
#define IDLE_SPINS     64 /* empty rounds before sleeping */
#define NS_PAYLOAD_MAX (BFS_WIRE_NSTR * (BENCHFS_PATH_MAX + 1))
/* metadata writes one transaction holds at most (env BENCHFS_META_GROUP; 0: each alone) */
#define META_GROUP_DEFAULT 64
/* idle I/O buffers a server keeps for reuse, bytes (env BENCHFS_BUF_CACHE) */
#define BFS_BUF_CACHE_DEFAULT (256u << 20)

static void dispatch(struct sreq *r);

/* A client is gone (failed, or said BYE): its locks go, and others' waits for them end. */
static void client_gone(void *arg, uint32_t id)
{
	struct bfs_server *s = arg;

	bfs_lock_drop_client(s->locks, id);
	bfs_serve_migrations_drop(s, id);
}

/* The endpoint a reply of @r goes to, or NULL when its client is gone. */
static ucp_ep_h reply_ep(struct sreq *r)
{
	if (!r->deferred)
		return r->ep; /* still inside the AM callback: UCX's reply endpoint is valid */
	return bfs_clients_ep(&r->srv->clients, r->client);
}

/* ---- requests ------------------------------------------------------------------------------ */

static struct sreq *sreq_get(struct bfs_server *s, ucp_ep_h ep)
{
	struct sreq *r = s->free_reqs;

	if (r)
		s->free_reqs = r->next;
	else if (!(r = malloc(sizeof(*r))))
		return NULL;
	memset(r, 0, offsetof(struct sreq, rep_hdr));
	r->am_data = r->buf = NULL;
	r->placed = NULL;
	r->srv = s;
	r->ep = ep;
	s->active++;
	return r;
}

static void sreq_put(struct sreq *r)
{
	struct bfs_server *s = r->srv;

	if (r->am_data && !r->in_cb)
		ucp_am_data_release(s->ucx.worker, r->am_data);
	r->finished = 1;
	if (r->placed && r->req.op == BFS_OP_WRITE) /* the pull failed, or no reply went */
		bfs_data_write_end(s->data, r->placed, r->req.length, r->req.offset, 0);
	else if (r->placed)
		bfs_data_read_end(s->data, r->placed);
	r->placed = NULL;
	bfs_buf_put(&s->bufs, r->buf, r->buf_cap);
	r->am_data = r->buf = NULL;
	r->next = s->free_reqs;
	s->free_reqs = r;
	s->active--;
	if (r->replying)
		s->replying--;
}

/* Give @r a buffer of @len bytes from the pool (r->buf); NULL when out of memory. */
void *bfs_sreq_buf(struct sreq *r, size_t len)
{
	r->buf = bfs_buf_get(&r->srv->bufs, len, &r->buf_cap);
	return r->buf;
}

static void reply_sent(void *request, ucs_status_t st, void *user)
{
	struct sreq *r = user;

	if (st != UCS_OK && st != UCS_ERR_CANCELED)
		bfs_warn("server %u: reply to %s failed: %s", r->srv->cfg.index,
		         bfs_wire_op_name(r->req.op), ucs_status_string(st));
	ucp_request_free(request);
	sreq_put(r);
}

static void reply_send(struct sreq *r, const void *payload, size_t len);

/*
 * Group commit: the reply of a namespace request that wrote in the open metadata group waits
 * in s->held for the group's end (group_done), so that no write is said done before its
 * commit; every other answer stands at once (meta.h). It goes through the client's own
 * endpoint then; a client without one (no HELLO) has the group committed at once instead.
 */
void bfs_sreq_reply(struct sreq *r, const void *payload, size_t len)
{
	struct bfs_server *s = r->srv;
	int rc;

	if (r->ns && bfs_meta_pending(s->meta) && bfs_meta_staged(s->meta) != r->staged) {
		if (r->deferred || bfs_clients_ep(&s->clients, r->client)) {
			r->held_payload = payload;
			r->held_len = len;
			r->next = NULL;
			*s->held_tail = r;
			s->held_tail = &r->next;
			return;
		}
		rc = bfs_meta_flush(s->meta);
		if (rc) {
			memset(&r->rep, 0, sizeof(r->rep));
			r->rep.status = rc;
			payload = NULL, len = 0;
		}
	}
	reply_send(r, payload, len);
}

/* The metadata group ended (bfs_meta_group's callback): the held replies leave, each with the
 * commit's error in place of its own answer if it failed. */
static void group_done(void *arg, int status)
{
	struct bfs_server *s = arg;
	struct sreq *r = s->held, *next;

	s->held = NULL;
	s->held_tail = &s->held;
	for (; r; r = next) {
		next = r->next;
		r->deferred = 1;
		if (status) {
			memset(&r->rep, 0, sizeof(r->rep));
			r->rep.status = status;
			reply_send(r, NULL, 0);
		} else {
			reply_send(r, r->held_payload, r->held_len);
		}
	}
}

/* Send the reply of @r (status and inode already in r->rep) with @len payload bytes. */
static void reply_send(struct sreq *r, const void *payload, size_t len)
{
	ucp_request_param_t p = {0};
	ucs_status_ptr_t sp;
	ucp_ep_h ep;

	r->rep.op = r->req.op;
	r->rep.reqid = r->req.reqid;
	r->rep.length = len;
	bfs_wire_encode_rep(&r->rep, r->rep_hdr);
	p.op_attr_mask =
	    UCP_OP_ATTR_FIELD_CALLBACK | UCP_OP_ATTR_FIELD_USER_DATA | UCP_OP_ATTR_FIELD_FLAGS;
	p.cb.send = reply_sent;
	p.user_data = r;
	p.flags = bfs_ucx_send_flags(&r->srv->ucx, len);
	bfs_server_stat_reply(r, len, p.flags == UCP_AM_SEND_FLAG_RNDV);
	ep = reply_ep(r);
	if (!ep) { /* the client is gone: nobody to answer */
		sreq_put(r);
		return;
	}
	sp = ucp_am_send_nbx(ep, BFS_AM_REP, r->rep_hdr, sizeof(r->rep_hdr), payload, len, &p);
	if (UCS_PTR_IS_ERR(sp)) {
		bfs_warn("server %u: cannot reply: %s", r->srv->cfg.index,
		         ucs_status_string(UCS_PTR_STATUS(sp)));
		sreq_put(r);
	} else if (sp == NULL) {
		sreq_put(r);
	} else {
		r->replying = 1;
		r->srv->replying++;
	}
}

void bfs_sreq_status(struct sreq *r, int status)
{
	r->rep.status = status;
	bfs_sreq_reply(r, NULL, 0);
}

/* An error reply to a request whose header did not decode: echo its reqid if present. */
static void reply_malformed(struct bfs_server *s, ucp_ep_h ep, const void *hdr, size_t hlen,
                            int status)
{
	struct sreq *r = sreq_get(s, ep);
	const uint8_t *b = hdr;

	if (!r)
		return;
	if (hlen >= 16)
		for (int i = 7; i >= 0; i--)
			r->req.reqid = r->req.reqid << 8 | b[8 + i];
	r->req.op = BFS_OP_NONE;
	bfs_sreq_status(r, status);
}

/* Read an eventfd's count to zero. */
static void clear_efd(int fd)
{
	uint64_t n;

	while (read(fd, &n, sizeof(n)) > 0)
		;
}

/* Whether @op is still served while the server stops (it answers its clients' goodbyes). */
static int served_when_stopping(unsigned op)
{
	return op == BFS_OP_PING || op == BFS_OP_STATS || op == BFS_OP_BYE || op == BFS_OP_STATFS ||
	       op == BFS_OP_SHUTDOWN || op == BFS_OP_UNLOCK || op == BFS_OP_HELLO;
}

static void dispatch(struct sreq *r)
{
	if (!r->t_start) /* started later than it arrived: after a rendezvous pull */
		r->t_start = bfs_server_stat_now(r->srv);
	if (r->srv->stopping && !served_when_stopping(r->req.op)) {
		bfs_sreq_status(r, -ESHUTDOWN); /* new work after the stop began */
		return;
	}
	switch (r->req.op) {
	case BFS_OP_CREATE:
	case BFS_OP_LOOKUP:
	case BFS_OP_REMOVE:
	case BFS_OP_SETATTR:
	case BFS_OP_PUT:
	case BFS_OP_READDIR:
	case BFS_OP_FIND:
	case BFS_OP_HASCHILD:
	case BFS_OP_IWRITE:
	case BFS_OP_IREAD:
	case BFS_OP_MIGRATE:
		bfs_serve_ns(r);
		break;
	case BFS_OP_WRITE:
	case BFS_OP_READ:
	case BFS_OP_TRUNCATE:
	case BFS_OP_PURGE:
	case BFS_OP_FSYNC:
		if (r->payload_len && r->req.op != BFS_OP_WRITE)
			bfs_sreq_status(r, -EBADMSG);
		else
			bfs_serve_data(r);
		break;
	case BFS_OP_LOCK:
	case BFS_OP_UNLOCK:
		bfs_serve_lock(r);
		break;
	case BFS_OP_PING:
	case BFS_OP_SHUTDOWN:
	case BFS_OP_HELLO:
	case BFS_OP_BYE:
	case BFS_OP_STATS:
	case BFS_OP_STATFS:
		bfs_serve_control(r);
		break;
	default:
		bfs_sreq_status(r, -EOPNOTSUPP);
	}
}

/* Completion of a rendezvous payload pulled into r->buf. */
static void rndv_done(void *request, ucs_status_t st, size_t length, void *user)
{
	struct sreq *r = user;

	(void)length;
	r->deferred = 1; /* the AM callback has returned */
	ucp_request_free(request);
	if (st != UCS_OK) {
		bfs_sreq_status(r, bfs_ucs_errno(st));
		return;
	}
	dispatch(r);
}

/* Whether @q may be answered after its AM callback returned (I/O, shutdown, a pulled payload). */
static int may_defer(const struct bfs_req *q, const ucp_am_recv_param_t *param)
{
	return (q->op >= BFS_OP_WRITE && q->op <= BFS_OP_UNLOCK) || q->op == BFS_OP_SHUTDOWN ||
	       (param->recv_attr & UCP_AM_RECV_ATTR_FLAG_RNDV);
}

/* The AM handler of BFS_AM_REQ: decode, check, then dispatch or first pull the payload. */
static ucs_status_t on_request(void *arg, const void *header, size_t hlen, void *data, size_t len,
                               const ucp_am_recv_param_t *param)
{
	struct bfs_server *s = arg;
	ucp_ep_h ep = (param->recv_attr & UCP_AM_RECV_ATTR_FIELD_REPLY_EP) ? param->reply_ep : NULL;
	struct sreq *r;
	int rc;

	if (!ep) {
		bfs_warn("server %u: request without reply endpoint dropped", s->cfg.index);
		return UCS_OK;
	}
	r = sreq_get(s, ep);
	if (!r)
		return UCS_OK;
	r->t_arrive = bfs_server_stat_now(s);
	rc = bfs_wire_decode_req(header, hlen, &r->req);
	if (rc == 0 && r->req.secret != s->cfg.secret)
		rc = -EACCES;
	if (rc == 0 && len > (r->req.op == BFS_OP_WRITE ? BFS_IO_MAX
	                      : bfs_wire_tail(&r->req)  ? NS_PAYLOAD_MAX + BFS_INLINE_LIMIT
	                                                : NS_PAYLOAD_MAX))
		rc = -EMSGSIZE;
	/* requests answered later need the endpoint HELLO made for their client */
	if (rc == 0 && may_defer(&r->req, param) && !bfs_clients_ep(&s->clients, r->req.client))
		rc = -ENOTCONN;
	if (rc) {
		sreq_put(r);
		reply_malformed(s, ep, header, hlen, rc);
		return UCS_OK;
	}
	r->payload_len = len;
	r->client = r->req.client;
	if (!(param->recv_attr & UCP_AM_RECV_ATTR_FLAG_RNDV))
		r->t_start = r->t_arrive; /* dispatched from this callback: no queue time */
	if (s->st.enabled && len) {
		int rndv = (param->recv_attr & UCP_AM_RECV_ATTR_FLAG_RNDV) != 0;
		*(rndv ? &s->st.am_rndv : &s->st.am_eager) += 1;
		*(rndv ? &s->st.bytes_rndv : &s->st.bytes_eager) += len;
	}
	if (param->recv_attr & UCP_AM_RECV_ATTR_FLAG_RNDV) {
		ucp_request_param_t p = {0};
		ucs_status_ptr_t sp;
		void *dst = NULL;

		if (r->req.op == BFS_OP_WRITE && !bfs_serve_io_range(&r->req) &&
		    len == r->req.length) {
			/* the memory store takes the payload where it will stay */
			dst = bfs_data_write_begin(s->data, r->req.ino, len, r->req.offset,
			                           &r->placed, &rc);
			if (rc) {
				bfs_sreq_status(r, rc);
				return UCS_OK;
			}
		}
		if (!dst && !(dst = bfs_sreq_buf(r, len))) {
			bfs_sreq_status(r, -ENOMEM);
			return UCS_OK;
		}
		r->payload = dst;
		p.op_attr_mask = UCP_OP_ATTR_FIELD_CALLBACK | UCP_OP_ATTR_FIELD_USER_DATA;
		p.cb.recv_am = rndv_done;
		p.user_data = r;
		sp = ucp_am_recv_data_nbx(s->ucx.worker, data, dst, len, &p);
		if (UCS_PTR_IS_ERR(sp))
			bfs_sreq_status(r, bfs_ucs_errno(UCS_PTR_STATUS(sp)));
		else if (sp == NULL)
			dispatch(r);
		return UCS_OK;
	}
	r->payload = data;
	if (r->req.op == BFS_OP_WRITE && len) {
		if (param->recv_attr & UCP_AM_RECV_ATTR_FLAG_DATA) {
			r->am_data = data; /* kept in place until the write completes */
			r->in_cb = 1;
			dispatch(r);
			if (r->finished)
				return UCS_OK; /* answered at once (an error): UCX frees the data */
			r->in_cb = 0;
			return UCS_INPROGRESS;
		}
		if (!bfs_sreq_buf(r, len)) {
			bfs_sreq_status(r, -ENOMEM);
			return UCS_OK;
		}
		memcpy(r->buf, data, len);
		r->payload = r->buf;
	}
	dispatch(r);
	return UCS_OK;
}

/* ---- stop signals ------------------------------------------------------------------------- */

/*
 * SIGTERM and SIGINT (a scheduler's walltime, timeout(1), mpirun passing on its own SIGTERM)
 * stop a running server in order, as SHUTDOWN does: the handler only notes the signal and
 * wakes the loop through an eventfd; the loop refuses new requests (-ESHUTDOWN), finishes the
 * ones it holds, flushes and returns the signal's number. One server per process.
 */
static volatile sig_atomic_t stop_signal;
static int stop_efd = -1;

static void on_stop_signal(int sig)
{
	uint64_t one = 1;
	int e = errno;

	stop_signal = sig;
	if (stop_efd >= 0 && write(stop_efd, &one, sizeof(one)) < 0)
		stop_signal = sig; /* the loop also looks at the flag each round */
	errno = e;
}

/* From bfs_server_open() on (a signal before the loop runs is kept for it) to the close. */
static void stop_signals_catch(struct bfs_server *s)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	stop_signal = 0;
	stop_efd = s->sig_efd;
	sigaction(SIGTERM, &sa, &s->old_term);
	sigaction(SIGINT, &sa, &s->old_int);
	s->caught = 1;
}

static void stop_signals_restore(struct bfs_server *s)
{
	if (!s->caught)
		return;
	sigaction(SIGTERM, &s->old_term, NULL);
	sigaction(SIGINT, &s->old_int, NULL);
	stop_efd = -1;
	s->caught = 0;
}

/* ---- life cycle ------------------------------------------------------------------------------ */

int bfs_server_open(struct bfs_server **sp, const struct bfs_server_config *cfg)
{
	struct bfs_server *s = calloc(1, sizeof(*s));
	struct epoll_event ev = {.events = EPOLLIN}, dev = {.events = EPOLLIN},
	                   sev = {.events = EPOLLIN};
	char path[4200];
	int rc;

	if (!s) {
		if (cfg->lock_fd >= 0)
			close(cfg->lock_fd);
		return -ENOMEM;
	}
	s->cfg = *cfg;
	s->epfd = s->sig_efd = -1;
	s->dir = strdup(cfg->data_dir);
	if (!s->dir) {
		bfs_server_close(s);
		return -ENOMEM;
	}
	s->cfg.data_dir = s->dir;
	snprintf(path, sizeof(path), "%s/meta", s->dir);
	rc = bfs_meta_open(&s->meta, path, cfg->index, cfg->sync);
	if (rc) {
		fprintf(stderr, "benchfs: %s: cannot open metadata store: %s\n", path,
		        strerror(-rc));
		goto fail;
	}
	s->held_tail = &s->held;
	bfs_meta_group(s->meta, (unsigned)bfs_env_u64("BENCHFS_META_GROUP", META_GROUP_DEFAULT),
	               group_done, s);
	bfs_meta_set_inline(s->meta,
	                    (uint32_t)BFS_MIN(bfs_env_u64("BENCHFS_INLINE_MAX", BFS_INLINE_DEFAULT),
	                                      (uint64_t)BFS_INLINE_LIMIT));
	bfs_bufpool_init(&s->bufs, bfs_env_u64("BENCHFS_BUF_CACHE", BFS_BUF_CACHE_DEFAULT));
	s->st.enabled = bfs_env_u64("BENCHFS_STATS", 1) != 0;
	s->t_open = s->t_reset = bfs_mono_ns();
	s->cpu_reset = bfs_server_cpu_ns();
	s->spin_ns = (int64_t)bfs_env_u64("BENCHFS_SPIN_US", BFS_SPIN_US_DEFAULT) * 1000;
	s->spin_yield = (int)bfs_env_u64("BENCHFS_SPIN_YIELD", 1);
	s->locks = bfs_locks_new(bfs_serve_lock_done);
	if (!s->locks) {
		rc = -ENOMEM;
		goto fail;
	}
	rc = bfs_data_open(&s->data, s->dir, URING_DEPTH, bfs_serve_data_done);
	if (rc) {
		fprintf(stderr, "benchfs: %s: cannot open chunk store (io_uring): %s\n", s->dir,
		        strerror(-rc));
		goto fail;
	}
	if (bfs_data_volatile(s->data) && bfs_meta_count(s->meta)) {
		fprintf(stderr,
		        "benchfs: %s: holds %llu file records from an earlier run, whose data the "
		        "memory store (BENCHFS_STORE=memory) does not have: use an empty data "
		        "directory\n",
		        s->dir, (unsigned long long)bfs_meta_count(s->meta));
		rc = -EEXIST;
		goto fail;
	}
	rc = bfs_ucx_init(&s->ucx);
	if (rc)
		goto fail;
	bfs_clients_init(&s->clients, &s->ucx, client_gone, s);
	rc = bfs_ucx_set_am(&s->ucx, BFS_AM_REQ, on_request, s);
	if (rc)
		goto fail;
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	s->sig_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ev.data.fd = s->ucx.efd;
	dev.data.fd = bfs_data_efd(s->data);
	sev.data.fd = s->sig_efd;
	if (s->epfd < 0 || s->sig_efd < 0 || epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->ucx.efd, &ev) ||
	    epoll_ctl(s->epfd, EPOLL_CTL_ADD, dev.data.fd, &dev) ||
	    epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->sig_efd, &sev)) {
		rc = -errno;
		goto fail;
	}
	stop_signals_catch(s);
	*sp = s;
	return 0;
fail:
	bfs_server_close(s);
	return rc;
}

int bfs_server_address(struct bfs_server *s, void **addr, size_t *len)
{
	return bfs_ucx_address(&s->ucx, addr, len);
}

/* Flush data and metadata, then answer the SHUTDOWN request (if a request, not a signal,
 * stopped the server). */
static void finish_shutdown(struct bfs_server *s)
{
	struct sreq *r = s->shutdown;
	int rc, rc2;

	/* the metrics first, then metadata, then the chunk store (syncfs: seconds on a busy disk):
	 * a SIGKILL soon after a SIGTERM (mpirun's comes 1 s later) then interrupts only the
	 * writeback, which the kernel finishes anyway, not the record that the stop was orderly */
	bfs_server_stat_write(s);
	rc2 = bfs_meta_sync(s->meta);
	rc = bfs_data_sync_all(s->data);
	if (rc || rc2)
		bfs_warn("server %u: flushing %s at stop: %s", s->cfg.index, s->dir,
		         strerror(-(rc ? rc : rc2)));
	if (!r)
		return;
	s->shutdown = NULL;
	r->deferred = 1;
	bfs_sreq_status(r, rc ? rc : rc2);
}

int bfs_server_run(struct bfs_server *s)
{
	struct epoll_event evs[3];
	int nev;
	unsigned idle = 0;
	int64_t idle_since = 0;
	int answered = 0, sig = 0;

	for (;;) {
		unsigned moved = 0;

		while (ucp_worker_progress(s->ucx.worker))
			moved++;
		/* the round's metadata writes commit together; their replies leave after */
		if (bfs_meta_pending(s->meta))
			bfs_meta_flush(s->meta);
		moved += (unsigned)bfs_data_reap(s->data);
		bfs_data_submit(s->data);
		if (stop_signal && !sig) {
			sig = stop_signal;
			s->stopping = 1;
			bfs_warn("server %u: %s: flushing %s and stopping", s->cfg.index,
			         strsignal(sig), s->dir);
		}
		if (s->stopping && !answered)
			bfs_lock_cancel_all(s->locks, -ESHUTDOWN); /* waiting locks end the wait */
		/* flush when no work is left but the SHUTDOWN request (if one stopped us) and
		 * replies on their way (those to a dead client end only once it is noticed) */
		if (s->stopping && !answered &&
		    s->active - s->replying == (s->shutdown ? 1u : 0u) &&
		    !bfs_data_inflight(s->data)) {
			finish_shutdown(s);
			answered = 1;
			moved++;
		}
		if (answered && (s->active == 0 || sig))
			break; /* a signal's stop leaves the replies to UCX's teardown */
		moved += bfs_clients_progress(&s->clients, 0);
		if (moved) {
			idle = 0;
			idle_since = 0;
			continue;
		}
		if (++idle < IDLE_SPINS)
			continue;
		if (s->spin_ns) { /* keep polling a while: a sleep and wake-up cost more */
			int64_t now = bfs_mono_ns();
			if (!idle_since)
				idle_since = now;
			if (now - idle_since < s->spin_ns) {
				if (s->spin_yield)
					sched_yield();
				continue;
			}
		}
		idle = 0;
		idle_since = 0;
		if (bfs_clients_progress(&s->clients, 1))
			continue;
		if (ucp_worker_arm(s->ucx.worker) == UCS_ERR_BUSY)
			continue;
		s->st.sleeps++;
		nev = epoll_wait(s->epfd, evs, 3, 1000);
		for (int i = 0; i < nev; i++)
			if (evs[i].data.fd == bfs_data_efd(s->data))
				bfs_data_clear_efd(s->data);
			else if (evs[i].data.fd == s->sig_efd)
				clear_efd(s->sig_efd);
	}
	stop_signals_restore(s);
	return sig;
}

void bfs_server_close(struct bfs_server *s)
{
	if (!s)
		return;
	if (s->epfd >= 0)
		close(s->epfd);
	stop_signals_restore(s);
	if (s->sig_efd >= 0)
		close(s->sig_efd);
	bfs_clients_fini(&s->clients);
	bfs_locks_free(s->locks);
	if (s->ucx.worker)
		bfs_ucx_fini(&s->ucx);
	bfs_data_close(s->data);
	if (s->meta)
		bfs_meta_close(s->meta);
	bfs_bufpool_fini(&s->bufs);
	if (s->cfg.lock_fd >= 0)
		close(s->cfg.lock_fd); /* the directory is free for the next server */
	while (s->free_reqs) {
		struct sreq *r = s->free_reqs;
		s->free_reqs = r->next;
		free(r);
	}
	free(s->dir);
	free(s);
}
