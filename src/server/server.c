/*
 * server.c - the server's event loop and request state machine (see server.h).
 */
#include "server/server.h"

#include <errno.h>
#include <sched.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "benchfs.h"
#include "common/extent.h"
#include "common/path.h"
#include "common/stats.h"
#include "common/util.h"
#include "net/rpc.h"
#include "net/wire.h"
#include "server/buf.h"
#include "server/clients.h"
#include "server/data.h"
#include "server/lock.h"
#include "server/meta.h"
#include "server/store.h"

#define URING_DEPTH    256
#define IDLE_SPINS     64          /* empty rounds before sleeping */
#define LIST_PAGE      (64 * 1024) /* bytes of READDIR / FIND reply payload */
#define NS_PAYLOAD_MAX (BFS_WIRE_NSTR * (BENCHFS_PATH_MAX + 1))
/* idle I/O buffers a server keeps for reuse, bytes (env BENCHFS_BUF_CACHE) */
#define BFS_BUF_CACHE_DEFAULT (256u << 20)

/* One request in flight on the server. */
struct sreq {
	struct sreq *next; /* free list */
	struct bfs_server *srv;
	ucp_ep_h ep;     /* UCX's reply endpoint: valid only inside the AM callback */
	uint32_t client; /* where deferred replies go: an endpoint of our own (HELLO) */
	int deferred;    /* the reply leaves after the AM callback returned */
	int in_cb;       /* am_data is UCX's until the AM callback returns UCS_INPROGRESS */
	int64_t t_arrive, t_start; /* monotonic ns (metrics on): arrival, start of the operation */
	int finished; /* answered and put back (read by the AM callback after dispatch) */
	int replying; /* its reply is with UCX, not yet sent */
	struct bfs_req req;
	struct bfs_rep rep;
	uint8_t rep_hdr[BFS_WIRE_REP_SIZE];
	void *am_data;  /* eager payload UCX lets us keep (ucp_am_data_release) */
	void *buf;      /* from the pool: rendezvous target, read buffer, listing page */
	size_t buf_cap; /* its capacity, bytes */
	struct bfs_store_hold *placed; /* an in-place transfer's hold on store memory (a
	                                * write pulled into it, a reply sent from it) */
	const void *payload;           /* request payload */
	size_t payload_len;
};

struct bfs_server {
	struct bfs_server_config cfg;
	char *dir;
	struct bfs_ucx ucx;
	struct bfs_meta *meta;
	struct bfs_data *data;
	int epfd;
	int sig_efd; /* written by the SIGTERM/SIGINT handler to wake the loop */
	struct sigaction old_term, old_int; /* the handlers before ours */
	int caught;                         /* ours are set */
	struct sreq *free_reqs;
	unsigned active;   /* requests between arrival and reply completion */
	unsigned replying; /* of those, the ones whose reply is with UCX (their work is done) */
	int stopping;
	struct sreq *shutdown;      /* the SHUTDOWN request, answered once everything is flushed */
	struct bfs_clients clients; /* by client id (HELLO) */
	struct bfs_locks *locks;    /* byte-range locks of the files whose chunk 0 is here */
	struct bfs_bufpool bufs;    /* I/O buffers, reused */
	int64_t spin_ns;            /* idle ns polled before sleeping (env BENCHFS_SPIN_US) */
	struct benchfs_server_stats st; /* metrics (env BENCHFS_STATS=0: st.enabled 0) */
	int64_t t_open, t_reset;        /* monotonic ns: start, last reset of the metrics */
	uint64_t cpu_reset;             /* process CPU ns at the last reset (or the start) */
	int spin_yield;
};

static void dispatch(struct sreq *r);

/* A client is gone (failed, or said BYE): its locks go, and others' waits for them end. */
static void client_gone(void *arg, uint32_t id)
{
	struct bfs_server *s = arg;

	bfs_lock_drop_client(s->locks, id);
}

/* The endpoint a reply of @r goes to, or NULL when its client is gone. */
static ucp_ep_h reply_ep(struct sreq *r)
{
	if (!r->deferred)
		return r->ep; /* still inside the AM callback: UCX's reply endpoint is valid */
	return bfs_clients_ep(&r->srv->clients, r->client);
}

/* ---- metrics ------------------------------------------------------------------------------- */

static inline int64_t stat_now(const struct bfs_server *s)
{
	return s->st.enabled ? bfs_mono_ns() : 0;
}

/* Count the reply of @r (status in r->rep, @len payload bytes, sent by rendezvous or not). */
static void stat_reply(struct sreq *r, size_t len, int rndv)
{
	struct bfs_server *s = r->srv;
	struct benchfs_op_stats *o;
	int64_t now, q, sv;

	if (!s->st.enabled)
		return;
	now = bfs_mono_ns();
	o = &s->st.op[r->req.op < BENCHFS_STATS_OPS ? r->req.op : 0];
	o->requests++;
	if (r->rep.status < 0)
		o->errors++;
	o->bytes += r->req.op == BFS_OP_WRITE ? r->payload_len : len;
	if (!r->t_start) /* answered before its operation started (a malformed request) */
		r->t_start = r->t_arrive ? r->t_arrive : now;
	if (!r->t_arrive)
		r->t_arrive = r->t_start;
	q = r->t_start - r->t_arrive;
	sv = now - r->t_start;
	o->queue_ns += (uint64_t)q;
	o->service_ns += (uint64_t)sv;
	o->queue_hist[bfs_stats_bucket((uint64_t)q)]++;
	o->service_hist[bfs_stats_bucket((uint64_t)sv)]++;
	if (len)
		*(rndv ? &s->st.rep_rndv : &s->st.rep_eager) += 1;
}

/* CPU time of this process (every thread, io_uring's workers included), ns. */
static uint64_t process_cpu_ns(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ull +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ull;
}

/* A snapshot of the metrics with the gauges and times filled in; @reset zeroes the counters. */
static void stat_snapshot(struct bfs_server *s, struct benchfs_server_stats *out, int reset)
{
	struct bfs_data_counters dc;
	int64_t now = bfs_mono_ns();
	uint64_t cpu = process_cpu_ns();

	bfs_data_counters(s->data, &dc, reset);
	*out = s->st;
	out->server = s->cfg.index;
	out->uptime_ns = (uint64_t)(now - s->t_open);
	out->since_ns = (uint64_t)(now - s->t_reset);
	out->cpu_ns = cpu - s->cpu_reset;
	out->io_inline = dc.inline_ops;
	out->io_writebacks = dc.writebacks;
	out->uring_sqes = dc.sqes;
	out->uring_submits = dc.submits;
	out->uring_cqes = dc.cqes;
	out->uring_inflight = bfs_data_inflight(s->data);
	out->uring_inflight_max = dc.inflight_max;
	out->requests_active = s->active ? s->active - 1 : 0; /* not the STATS request itself */
	out->clients = s->clients.live;
	if (reset) {
		uint32_t en = s->st.enabled;
		memset(&s->st, 0, sizeof(s->st));
		s->st.enabled = en;
		s->t_reset = now;
		s->cpu_reset = cpu;
	}
}

/* DATA_DIR/stats.json: the metrics as the server stops. */
static void stat_write_file(struct bfs_server *s)
{
	struct benchfs_server_stats st;
	char path[4200], tmp[4300];
	FILE *f;

	stat_snapshot(s, &st, 0);
	snprintf(path, sizeof(path), "%s/stats.json", s->dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		goto fail;
	benchfs_server_stats_json(f, &st);
	fputc('\n', f);
	if (fclose(f) || rename(tmp, path))
		goto fail;
	return;
fail:
	bfs_warn("server %u: cannot write %s: %s", s->cfg.index, path, strerror(errno));
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
static void *sreq_buf(struct sreq *r, size_t len)
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

/* Send the reply of @r (status and inode already in r->rep) with @len payload bytes. */
static void reply(struct sreq *r, const void *payload, size_t len)
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
	stat_reply(r, len, p.flags == UCP_AM_SEND_FLAG_RNDV);
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

static void reply_status(struct sreq *r, int status)
{
	r->rep.status = status;
	reply(r, NULL, 0);
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
	reply_status(r, status);
}

/* ---- data operations ---------------------------------------------------------------------- */

/* io_uring completion of a WRITE, READ or FSYNC. */
static void data_done(void *user, int res)
{
	struct sreq *r = user;

	r->deferred = 1; /* may run after the AM callback returned */
	r->rep.status = res;
	if (r->req.op == BFS_OP_READ && res > 0) {
		reply(r, r->buf, (size_t)res);
		return;
	}
	if (r->am_data && !r->in_cb) { /* release the eager payload before answering */
		ucp_am_data_release(r->srv->ucx.worker, r->am_data);
		r->am_data = NULL;
	}
	reply(r, NULL, 0);
}

static int check_range(const struct bfs_req *q)
{
	if (q->ino == 0 || q->length > BFS_IO_MAX)
		return -EINVAL;
	if (q->offset > (uint64_t)BENCHFS_FILE_MAX ||
	    q->length > (uint64_t)BENCHFS_FILE_MAX - q->offset)
		return -EFBIG;
	return 0;
}

static void do_data(struct sreq *r)
{
	struct bfs_server *s = r->srv;
	const struct bfs_req *q = &r->req;
	int rc = 0;

	switch (q->op) {
	case BFS_OP_WRITE:
		if (r->placed) { /* pulled straight into the memory store */
			bfs_data_write_end(s->data, r->placed, q->length, q->offset, 1);
			r->placed = NULL;
			r->rep.status = (int)q->length;
			reply(r, NULL, 0);
			return;
		}
		rc = check_range(q);
		if (!rc && r->payload_len != q->length)
			rc = -EBADMSG;
		if (!rc)
			rc = bfs_data_write(s->data, q->ino, r->payload, q->length, q->offset, r);
		break;
	case BFS_OP_READ: {
		size_t n;
		const void *p;

		rc = check_range(q);
		if (!rc && (p = bfs_data_read_begin(s->data, q->ino, q->length, q->offset, &n,
		                                    &r->placed))) {
			r->rep.status = (int)n; /* sent from the memory store; released when sent */
			reply(r, p, n);
			return;
		}
		if (!rc && !sreq_buf(r, q->length))
			rc = -ENOMEM;
		if (!rc)
			rc = bfs_data_read(s->data, q->ino, r->buf, q->length, q->offset, r);
		break;
	}
	case BFS_OP_FSYNC:
		rc = bfs_data_fsync(s->data, q->ino, r);
		break;
	case BFS_OP_TRUNCATE:
		reply_status(r, bfs_data_truncate(s->data, q->ino, q->size));
		return;
	case BFS_OP_PURGE:
		reply_status(r, bfs_data_purge(s->data, q->ino));
		return;
	}
	if (rc)
		reply_status(r, rc);
}

/* ---- namespace operations ----------------------------------------------------------------- */

/* Copy a wire string into @buf as a NUL-terminated normal path; -EINVAL if not normal. */
static int wire_path(const char *str, size_t len, char *buf, size_t cap)
{
	char raw[BENCHFS_PATH_MAX + 1];
	int n;

	if (len > BENCHFS_PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(raw, str, len);
	raw[len] = '\0';
	n = bfs_path_normalize(raw, buf, cap);
	if (n < 0)
		return n;
	if ((size_t)n != len || memcmp(buf, raw, len))
		return -EINVAL;
	return n;
}

static void find_filter(const struct bfs_req *q, const char *glob, size_t glen, char *gbuf,
                        struct benchfs_find_filter *f)
{
	memset(f, 0, sizeof(*f));
	if (glen) {
		memcpy(gbuf, glob, glen);
		gbuf[glen] = '\0';
		f->name = gbuf;
	}
	f->type = q->mode & S_IFMT;
	if (q->flags & (BFS_F_SIZE_LT | BFS_F_SIZE_GT | BFS_F_SIZE_EQ)) {
		f->size_cmp = (q->flags & BFS_F_SIZE_LT) ? -1 : (q->flags & BFS_F_SIZE_GT) ? 1 : 2;
		f->size_units = q->size;
		f->size_unit = q->offset ? q->offset : 512;
	}
	if (q->flags & BFS_F_NEWER) {
		f->newer = 1;
		f->newer_than = bfs_ns_to_ts(q->mtime_ns);
	}
	f->incomplete = (q->flags & BFS_F_ONLY_INCOMPLETE) != 0;
}

static void do_namespace(struct sreq *r)
{
	struct bfs_server *s = r->srv;
	const struct bfs_req *q = &r->req;
	const char *str[BFS_WIRE_NSTR];
	size_t slen[BFS_WIRE_NSTR];
	char path[BENCHFS_PATH_MAX + 1], target[BENCHFS_PATH_MAX + 1];
	struct bfs_inode *ino = &r->rep.inode;
	int n, rc, more = 0;
	size_t used;

	rc = bfs_wire_strings(q, r->payload, r->payload_len, str, slen);
	if (rc)
		goto out;
	n = wire_path(str[0], slen[0], path, sizeof(path));
	if (n < 0) {
		rc = n;
		goto out;
	}
	if (n == 1 && q->op != BFS_OP_READDIR && q->op != BFS_OP_FIND && q->op != BFS_OP_HASCHILD) {
		rc = -EINVAL; /* the root is implicit: clients never send it */
		goto out;
	}
	switch (q->op) {
	case BFS_OP_CREATE:
		if (S_ISREG(q->mode) && (!bfs_is_pow2(q->chunk_size) || q->chunk_size < 4096 ||
		                         q->chunk_size > (1u << 30))) {
			rc = -EINVAL;
			break;
		}
		if (!S_ISREG(q->mode) && !S_ISDIR(q->mode) && !S_ISLNK(q->mode)) {
			rc = -EINVAL;
			break;
		}
		if (S_ISLNK(q->mode) != (slen[1] > 0)) {
			rc = -EINVAL;
			break;
		}
		ino->mode = q->mode;
		ino->uid = q->uid;
		ino->gid = q->gid;
		ino->chunk_size = S_ISREG(q->mode) ? q->chunk_size : 0;
		ino->flags = (q->flags & BFS_F_INCOMPLETE) ? BFS_INODE_INCOMPLETE : 0;
		rc = bfs_meta_create(s->meta, path, (size_t)n, ino, str[1], slen[1],
		                     q->flags & BFS_F_EXCL);
		if (rc == 1) {
			r->rep.count = 1; /* it existed */
			rc = 0;
		}
		break;
	case BFS_OP_LOOKUP:
		rc = bfs_meta_lookup(s->meta, path, (size_t)n, ino, target, sizeof(target));
		if (!rc && ino->target_len) {
			r->rep.status = 0;
			if (!sreq_buf(r, ino->target_len)) {
				rc = -ENOMEM;
				break;
			}
			memcpy(r->buf, target, ino->target_len);
			reply(r, r->buf, ino->target_len);
			return;
		}
		break;
	case BFS_OP_REMOVE:
		rc = bfs_meta_remove(s->meta, path, (size_t)n, q->flags, q->ino, ino);
		break;
	case BFS_OP_SETATTR:
		rc = bfs_meta_setattr(s->meta, path, (size_t)n, q->flags, q->size, q->atime_ns,
		                      q->mtime_ns, q->mode, ino);
		break;
	case BFS_OP_PUT: {
		struct bfs_inode in = {.ino = q->ino,
		                       .mode = q->mode,
		                       .uid = q->uid,
		                       .gid = q->gid,
		                       .chunk_size = q->chunk_size,
		                       .size = q->size,
		                       .atime_ns = q->atime_ns,
		                       .mtime_ns = q->mtime_ns,
		                       .ctime_ns = bfs_now_ns(),
		                       .target_len = (uint32_t)slen[1],
		                       .flags = (uint32_t)(q->length & BFS_INODE_FLAGS)};
		if (!q->ino || S_ISDIR(q->mode)) {
			rc = -EINVAL;
			break;
		}
		rc = bfs_meta_put(s->meta, path, (size_t)n, &in, str[1], slen[1], ino);
		break;
	}
	case BFS_OP_READDIR:
	case BFS_OP_FIND: {
		size_t cap = q->max && q->max < LIST_PAGE ? q->max : LIST_PAGE;
		char glob[BENCHFS_PATH_MAX + 1];
		struct benchfs_find_filter f;

		if (!sreq_buf(r, cap)) {
			rc = -ENOMEM;
			break;
		}
		if (q->op == BFS_OP_READDIR) {
			used = bfs_meta_readdir(s->meta, path, (size_t)n, str[1], slen[1], r->buf,
			                        cap, &r->rep.count, &more);
		} else {
			/* the resume point travels as a path (keys hold a NUL): make it a key */
			char after[BENCHFS_PATH_MAX + 2];
			int alen = 0;
			if (slen[1]) {
				char ap[BENCHFS_PATH_MAX + 1];
				alen = wire_path(str[1], slen[1], ap, sizeof(ap));
				if (alen > 1)
					alen = bfs_path_key(ap, (size_t)alen, after, sizeof(after));
				if (alen <= 1) {
					rc = alen < 0 ? alen : -EINVAL;
					break;
				}
			}
			find_filter(q, str[2], slen[2], glob, &f);
			used = bfs_meta_find(s->meta, path, (size_t)n, after, (size_t)alen, &f,
			                     r->buf, cap, &r->rep.count, &more);
		}
		r->rep.flags = more ? BFS_F_MORE : 0;
		r->rep.status = 0;
		reply(r, r->buf, used);
		return;
	}
	case BFS_OP_HASCHILD:
		r->rep.count = (uint32_t)bfs_meta_haschild(s->meta, path, (size_t)n);
		rc = 0;
		break;
	}
out:
	reply_status(r, rc);
}

/* ---- locks --------------------------------------------------------------------------------- */

/* A waiting LOCK request was granted (0) or cancelled: answer it now. */
static void lock_done(void *waiter, int status)
{
	reply_status(waiter, status);
}

static void do_lock(struct sreq *r)
{
	const struct bfs_req *q = &r->req;
	uint64_t end = q->length == 0 || q->offset + q->length < q->offset ? UINT64_MAX
	                                                                   : q->offset + q->length;
	int rc;

	if (r->payload_len) {
		reply_status(r, -EBADMSG);
		return;
	}
	if (q->op == BFS_OP_UNLOCK) {
		bfs_lock_release(r->srv->locks, q->ino, r->client, q->offset, end);
		reply_status(r, 0);
		return;
	}
	if (r->srv->stopping) {
		reply_status(r, -ESHUTDOWN);
		return;
	}
	r->deferred = 1; /* when queued, the grant answers through the client's own endpoint */
	rc = bfs_lock_acquire(r->srv->locks, q->ino, r->client, q->offset, end,
	                      (q->flags & BFS_F_WRLOCK) != 0, (q->flags & BFS_F_NOWAIT) != 0, r);
	if (rc != 0)
		reply_status(r, rc == 1 ? 0 : rc);
}

/* ---- control ------------------------------------------------------------------------------- */

/*
 * HELLO: make an endpoint of our own to the client's worker address, give it an id (flag
 * BFS_F_REPLACE: the client's earlier id, in ino, is released first).
 */
static void do_hello(struct sreq *r)
{
	uint32_t replaces = (r->req.flags & BFS_F_REPLACE) ? (uint32_t)r->req.ino : UINT32_MAX;
	int rc;

	if (r->payload_len == 0) {
		reply_status(r, -EBADMSG);
		return;
	}
	rc = bfs_clients_hello(&r->srv->clients, r->payload, r->payload_len, replaces,
	                       &r->rep.count);
	reply_status(r, rc);
}

/* STATFS: the storage under the data directory (the node's memory for the memory store) */
static void do_statfs(struct sreq *r)
{
	struct bfs_server *s = r->srv;
	struct bfs_statfs st = {0};
	struct bfs_store_space sp;
	char host[256] = "";
	int rc;

	if (!sreq_buf(r, BFS_WIRE_STATFS_SIZE)) {
		reply_status(r, -ENOMEM);
		return;
	}
	rc = bfs_data_statfs(s->data, &sp);
	if (rc < 0) {
		reply_status(r, rc);
		return;
	}
	gethostname(host, sizeof(host) - 1);
	st.key = XXH3_64bits(host, strlen(host)) ^ sp.where; /* counted once per node and disk */
	st.total = sp.total;
	st.free = sp.free;
	st.avail = sp.avail;
	st.files = bfs_meta_count(s->meta);
	bfs_wire_encode_statfs(&st, r->buf);
	r->rep.status = 0;
	reply(r, r->buf, BFS_WIRE_STATFS_SIZE);
}

static void do_control(struct sreq *r)
{
	struct bfs_server *s = r->srv;

	if (r->req.op == BFS_OP_HELLO) {
		do_hello(r);
		return;
	}
	if (r->req.op == BFS_OP_BYE) {
		bfs_clients_bye(&s->clients, r->req.client);
		reply_status(r, 0); /* on UCX's reply endpoint: we are inside the AM callback */
		return;
	}
	if (r->req.op == BFS_OP_PING) {
		r->rep.count = s->cfg.index;
		r->rep.inode.size = s->cfg.count;
		reply_status(r, 0);
		return;
	}
	if (r->req.op == BFS_OP_STATS) {
		struct benchfs_server_stats st;
		if (!sreq_buf(r, BFS_STATS_WIRE_SIZE)) {
			reply_status(r, -ENOMEM);
			return;
		}
		stat_snapshot(s, &st, (r->req.flags & BFS_F_RESET) != 0);
		bfs_stats_encode(&st, r->buf);
		r->rep.status = 0;
		reply(r, r->buf, BFS_STATS_WIRE_SIZE);
		return;
	}
	if (r->req.op == BFS_OP_STATFS) {
		do_statfs(r);
		return;
	}
	/* SHUTDOWN: answered by the loop once every other request is done and data flushed */
	if (s->shutdown) {
		reply_status(r, -EALREADY);
		return;
	}
	s->stopping = 1;
	s->shutdown = r;
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
		r->t_start = stat_now(r->srv);
	if (r->srv->stopping && !served_when_stopping(r->req.op)) {
		reply_status(r, -ESHUTDOWN); /* new work after the stop began */
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
		do_namespace(r);
		break;
	case BFS_OP_WRITE:
	case BFS_OP_READ:
	case BFS_OP_TRUNCATE:
	case BFS_OP_PURGE:
	case BFS_OP_FSYNC:
		if (r->payload_len && r->req.op != BFS_OP_WRITE)
			reply_status(r, -EBADMSG);
		else
			do_data(r);
		break;
	case BFS_OP_LOCK:
	case BFS_OP_UNLOCK:
		do_lock(r);
		break;
	case BFS_OP_PING:
	case BFS_OP_SHUTDOWN:
	case BFS_OP_HELLO:
	case BFS_OP_BYE:
	case BFS_OP_STATS:
	case BFS_OP_STATFS:
		do_control(r);
		break;
	default:
		reply_status(r, -EOPNOTSUPP);
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
		reply_status(r, bfs_ucs_errno(st));
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
	r->t_arrive = stat_now(s);
	rc = bfs_wire_decode_req(header, hlen, &r->req);
	if (rc == 0 && r->req.secret != s->cfg.secret)
		rc = -EACCES;
	if (rc == 0 && len > (r->req.op == BFS_OP_WRITE ? BFS_IO_MAX : NS_PAYLOAD_MAX))
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

		if (r->req.op == BFS_OP_WRITE && !check_range(&r->req) && len == r->req.length) {
			/* the memory store takes the payload where it will stay */
			dst = bfs_data_write_begin(s->data, r->req.ino, len, r->req.offset,
			                           &r->placed, &rc);
			if (rc) {
				reply_status(r, rc);
				return UCS_OK;
			}
		}
		if (!dst && !(dst = sreq_buf(r, len))) {
			reply_status(r, -ENOMEM);
			return UCS_OK;
		}
		r->payload = dst;
		p.op_attr_mask = UCP_OP_ATTR_FIELD_CALLBACK | UCP_OP_ATTR_FIELD_USER_DATA;
		p.cb.recv_am = rndv_done;
		p.user_data = r;
		sp = ucp_am_recv_data_nbx(s->ucx.worker, data, dst, len, &p);
		if (UCS_PTR_IS_ERR(sp))
			reply_status(r, bfs_ucs_errno(UCS_PTR_STATUS(sp)));
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
		if (!sreq_buf(r, len)) {
			reply_status(r, -ENOMEM);
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
	bfs_bufpool_init(&s->bufs, bfs_env_u64("BENCHFS_BUF_CACHE", BFS_BUF_CACHE_DEFAULT));
	s->st.enabled = bfs_env_u64("BENCHFS_STATS", 1) != 0;
	s->t_open = s->t_reset = bfs_mono_ns();
	s->cpu_reset = process_cpu_ns();
	s->spin_ns = (int64_t)bfs_env_u64("BENCHFS_SPIN_US", BFS_SPIN_US_DEFAULT) * 1000;
	s->spin_yield = (int)bfs_env_u64("BENCHFS_SPIN_YIELD", 1);
	s->locks = bfs_locks_new(lock_done);
	if (!s->locks) {
		rc = -ENOMEM;
		goto fail;
	}
	rc = bfs_data_open(&s->data, s->dir, URING_DEPTH, data_done);
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
	stat_write_file(s);
	rc2 = bfs_meta_sync(s->meta);
	rc = bfs_data_sync_all(s->data);
	if (rc || rc2)
		bfs_warn("server %u: flushing %s at stop: %s", s->cfg.index, s->dir,
		         strerror(-(rc ? rc : rc2)));
	if (!r)
		return;
	s->shutdown = NULL;
	r->deferred = 1;
	reply_status(r, rc ? rc : rc2);
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
