/*
 * listio.c - the data path: list I/O requests, blocking and non-blocking.
 *
 * Every read and write is a request (struct benchfs_request): a list of segments (memory
 * buffer, file offset, length) of one file. A request walks its segments in order, cutting
 * them into pieces that never cross a chunk (nor BFS_IO_MAX bytes), and keeps up to BFS_BATCH
 * pieces in flight as calls of a sliding window: whenever a call is DONE, its slot takes the
 * next piece. Requests are "pumped" (reap DONE calls, start more) from every wait loop of the
 * library (bfs_wait), from benchfs_test() and from benchfs_progress(), so any number of
 * requests overlap with each other and with the caller's work. The blocking calls are a
 * request started and waited for at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "client/client.h"
#include "client/inline.h"
#include "client/listio.h"
#include "client/ns.h"
#include "common/util.h"

#define WALK_MAX 65536 /* pieces looked ahead to find the servers to connect to at once */

struct bfs_seg {
	char *buf;
	uint64_t off, len;
};

struct benchfs_request {
	struct benchfs_request *next; /* in bfs_cl->aio while in flight */
	int fd;
	uint64_t ino;
	uint32_t chunk_size;
	uint8_t op; /* BFS_OP_READ or BFS_OP_WRITE */
	struct bfs_seg *segs;
	size_t nsegs, cap;
	size_t seg;        /* cursor: the next piece starts in segs[seg] ... */
	uint64_t seg_done; /* ... this many bytes in */
	unsigned inflight;
	unsigned hi;           /* slots at and above this index are free */
	int rc;                /* first error */
	int finished;          /* every call DONE and the descriptor updated */
	uint64_t bytes;        /* what a successful request returns */
	uint64_t end;          /* write: furthest end offset */
	uint64_t known;        /* read: end of file as known when the request started */
	uint64_t found;        /* read: furthest end of data the servers returned */
	struct bfs_seg *tails; /* read: unfilled ends of short pieces above @known */
	size_t ntails, cap_tails;
	int chunk_writes; /* write: some piece went to a chunk server (a size to publish) */
	void *payload; /* a single call's (bfs_req_call): its request payload or context, freed */
	const struct bfs_req_ops *ops; /* a single call's completion steps, or NULL */
	uint8_t *tried; /* servers this request has tried to connect to (NULL: none yet) */
	uint8_t busy[BFS_BATCH];
	struct bfs_rpc_call win[BFS_BATCH];
};

/* ---- requests ------------------------------------------------------------------------------ */

static void req_free(struct benchfs_request *r)
{
	free(r->payload);
	free(r->segs);
	free(r->tails);
	free(r);
}

static struct benchfs_request *req_get(size_t nsegs)
{
	struct benchfs_request *r = bfs_cl->spare;

	if (r)
		bfs_cl->spare = NULL;
	else if (!(r = calloc(1, sizeof(*r))))
		return NULL;
	if (r->cap < nsegs) {
		struct bfs_seg *s = realloc(r->segs, BFS_MAX(nsegs, (size_t)4) * sizeof(*s));
		if (!s) {
			req_free(r);
			return NULL;
		}
		r->segs = s;
		r->cap = BFS_MAX(nsegs, (size_t)4);
	}
	r->next = NULL;
	r->nsegs = r->seg = 0;
	r->seg_done = r->bytes = r->end = r->known = r->found = 0;
	r->ntails = 0;
	r->inflight = 0;
	r->hi = 0;
	r->rc = r->finished = r->chunk_writes = 0;
	r->ops = NULL;
	memset(r->busy, 0, sizeof(r->busy));
	return r;
}

static void req_put(struct benchfs_request *r)
{
	free(r->tried);
	r->tried = NULL;
	free(r->payload);
	r->payload = NULL;
	if (!bfs_cl->spare && r->cap <= 4096 && r->cap_tails <= 4096) {
		bfs_cl->spare = r;
		return;
	}
	req_free(r);
}

/* at detach (the engine's hook): free the spare request */
static int aio_detach(void)
{
	if (bfs_cl->spare) {
		req_free(bfs_cl->spare);
		bfs_cl->spare = NULL;
	}
	return 0;
}

/*
 * Check the segments against open file @f (NULL: -EBADF) and copy them into a new request:
 * zero-length segments are dropped, reads are clipped at the end of file. Return 0 or -errno.
 */
static int req_prepare(struct bfs_file *f, uint8_t op, const struct benchfs_ioseg *segs, size_t n,
                       struct benchfs_request **out)
{
	struct benchfs_request *r;
	uint64_t total = 0, end = 0;

	*out = NULL;
	if (!f)
		return -EBADF;
	if (op == BFS_OP_WRITE ? (f->flags & O_ACCMODE) == O_RDONLY
	                       : (f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (n && !segs)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (segs[i].offset < 0 || segs[i].length > (uint64_t)SSIZE_MAX - total)
			return -EINVAL;
		total += segs[i].length;
		if (segs[i].length)
			end = BFS_MAX(end, (uint64_t)segs[i].offset + segs[i].length);
	}
	if (!S_ISREG(f->mode))
		return -EISDIR;
	if (op == BFS_OP_WRITE && end > (uint64_t)BENCHFS_FILE_MAX)
		return -EFBIG;
	/* past the size we know: ask the record again (an inline read learns it anyway) */
	if (op == BFS_OP_READ && end > f->size && !f->inl)
		bfs_file_learn_size(f);
	r = req_get(n);
	if (!r)
		return -ENOMEM;
	r->fd = bfs_file_fd(f);
	r->ino = f->ino;
	r->chunk_size = f->chunk_size;
	r->op = op;
	r->end = end;
	r->known = f->size;
	for (size_t i = 0; i < n; i++) {
		uint64_t off = (uint64_t)segs[i].offset, len = segs[i].length;

		if (op == BFS_OP_READ) /* nothing is stored past the largest file size */
			len = off >= (uint64_t)BENCHFS_FILE_MAX
			          ? 0
			          : BFS_MIN(len, (uint64_t)BENCHFS_FILE_MAX - off);
		if (!len)
			continue;
		r->segs[r->nsegs++] = (struct bfs_seg){segs[i].buf, off, len};
		r->bytes += len; /* reads: counted again at the end, up to the end of file */
	}
	*out = r;
	return 0;
}

/* The piece at cursor (*@seg, *@done) of @r, and move the cursor past it. */
static void next_piece(const struct benchfs_request *r, size_t *seg, uint64_t *done, uint64_t *off,
                       uint64_t *len, char **buf)
{
	const struct bfs_seg *s = &r->segs[*seg];
	uint64_t step = BFS_MIN((uint64_t)r->chunk_size, (uint64_t)BFS_IO_MAX);

	*off = s->off + *done;
	*len = BFS_MIN(step - *off % step, s->len - *done); /* never crosses a chunk */
	*buf = s->buf + *done;
	*done += *len;
	if (*done == s->len)
		(*seg)++, *done = 0;
}

/*
 * Server @s of the next piece has no endpoint: connect to it and to the other unconnected
 * servers of the pieces ahead, all at once (each server once per request).
 */
static void req_connect(struct benchfs_request *r, uint32_t s)
{
	uint32_t *want, nw = 0;
	size_t seg = r->seg;
	uint64_t done = r->seg_done;

	if (!r->tried && !(r->tried = calloc(bfs_cl->nservers, 1)))
		return;
	if (r->tried[s])
		return;
	want = malloc(bfs_cl->nservers * sizeof(*want));
	if (!want)
		return;
	for (size_t k = 0; k < WALK_MAX && seg < r->nsegs; k++) {
		uint64_t off, len;
		char *buf;
		uint32_t t;

		next_piece(r, &seg, &done, &off, &len, &buf);
		t = bfs_ring_chunk(&bfs_cl->ring, r->ino, off / r->chunk_size);
		if (!r->tried[t] && !bfs_rpc_connected(t)) {
			r->tried[t] = 1;
			want[nw++] = t;
		}
	}
	if (!r->tried[s]) {
		r->tried[s] = 1;
		want[nw++] = s;
	}
	bfs_rpc_connect(want, nw);
	free(want);
}

/*
 * A read piece came back short: the bytes it lacks below the end of file are a hole (zeros).
 * Below the size known at the start that is certain; above it, it depends on where the data
 * the other pieces found ends, so the range is kept for req_finish().
 */
static void read_short(struct benchfs_request *r, char *buf, uint64_t off, uint64_t got,
                       uint64_t len)
{
	uint64_t hole = off + got, end = off + len;
	uint64_t mid = BFS_MIN(BFS_MAX(hole, r->known), end);

	memset(buf + got, 0, mid - hole);
	if (mid == end)
		return;
	if (r->ntails == r->cap_tails) {
		size_t cap = r->cap_tails ? 2 * r->cap_tails : 8;
		struct bfs_seg *t = realloc(r->tails, cap * sizeof(*t));
		if (!t) {
			r->rc = r->rc ? r->rc : -ENOMEM;
			return;
		}
		r->tails = t;
		r->cap_tails = cap;
	}
	r->tails[r->ntails++] = (struct bfs_seg){buf + (mid - off), mid, end - mid};
}

/* Account the DONE call @c of @r. */
static void req_reap(struct benchfs_request *r, struct bfs_rpc_call *c)
{
	if (c->status < 0) {
		r->rc = r->rc ? r->rc : c->status;
	} else if (r->op == BFS_OP_READ && (uint64_t)c->status != c->rep_len) {
		r->rc = r->rc ? r->rc : -EIO; /* fewer bytes arrived than the server sent */
	} else if (r->op == BFS_OP_READ) {
		uint64_t got = BFS_MIN(c->rep_len, (size_t)c->req.length);
		if (got)
			r->found = BFS_MAX(r->found, c->req.offset + got);
		if (got < c->req.length)
			read_short(r, c->recv_buf, c->req.offset, got, c->req.length);
	} else if ((uint64_t)c->status != c->req.length) {
		r->rc = r->rc ? r->rc : -EIO;
	}
}

/*
 * A read has ended: the end of file is the larger of the size known at the start and the end
 * of the data found (another client's bytes are on the servers as soon as its write returned,
 * before it publishes the size). Zero the holes below it; count the bytes below it.
 */
static void read_finish(struct benchfs_request *r, struct bfs_file *f)
{
	uint64_t eof = BFS_MAX(r->known, r->found);

	for (size_t i = 0; i < r->ntails; i++) {
		const struct bfs_seg *t = &r->tails[i];
		if (t->off < eof)
			memset(t->buf, 0, BFS_MIN(t->len, eof - t->off));
	}
	r->bytes = 0;
	for (size_t i = 0; i < r->nsegs; i++) {
		const struct bfs_seg *s = &r->segs[i];
		if (s->off < eof)
			r->bytes += BFS_MIN(s->len, eof - s->off);
	}
	if (f)
		f->size = BFS_MAX(f->size, eof);
}

/* The request has ended: take it off the list and update its descriptor. */
static void req_finish(struct benchfs_request *r)
{
	struct benchfs_request **pp = &bfs_cl->aio;
	struct bfs_file *f = bfs_file_get(r->fd);

	while (*pp && *pp != r)
		pp = &(*pp)->next;
	if (*pp)
		*pp = r->next;
	r->finished = 1;
	if (r->op == BFS_OP_READ && !r->rc)
		read_finish(r, f);
	if (!f)
		return;
	f->pending--;
	if (r->op == BFS_OP_WRITE && !r->rc && r->bytes) {
		f->size = BFS_MAX(f->size, r->end);
		if (r->chunk_writes) { /* inline writes updated the record themselves */
			f->mtime_ns = bfs_now_ns();
			f->dirty = 1;
		}
	}
}

/* The result of DONE single call @c with completion steps @ops (may be NULL) on @ctx; the
 * call is released. */
static ssize_t call_done(struct bfs_rpc_call *c, const struct bfs_req_ops *ops, void *ctx)
{
	ssize_t rc = c->status < 0 ? c->status : 0;

	if (ops && ops->done)
		rc = ops->done(ctx, c, rc);
	bfs_rpc_call_release(c);
	return rc;
}

/* Reap the DONE calls of @r and fill the free slots of its window with the next pieces. */
static void req_pump(struct benchfs_request *r, int64_t now)
{
	if (r->finished)
		return;
	if (r->op != BFS_OP_READ && r->op != BFS_OP_WRITE) { /* one call (bfs_req_call) */
		if (r->busy[0] && bfs_rpc_done(&r->win[0], now)) {
			ssize_t rc = call_done(&r->win[0], r->ops, r->payload);
			if (rc < 0)
				r->rc = (int)rc;
			else
				r->bytes = (uint64_t)rc;
			r->busy[0] = 0;
			req_finish(r);
		}
		return;
	}
	for (unsigned i = 0; i < r->hi; i++)
		if (r->busy[i] && bfs_rpc_done(&r->win[i], now)) {
			req_reap(r, &r->win[i]);
			r->busy[i] = 0;
			r->inflight--;
		}
	while (r->hi && !r->busy[r->hi - 1])
		r->hi--;
	for (unsigned i = 0; i < BFS_BATCH && !r->rc && r->seg < r->nsegs; i++) {
		struct bfs_rpc_call *c = &r->win[i];
		uint64_t off, len;
		uint32_t server;
		char *buf;

		if (r->busy[i])
			continue;
		next_piece(r, &r->seg, &r->seg_done, &off, &len, &buf);
		server = bfs_ring_chunk(&bfs_cl->ring, r->ino, off / r->chunk_size);
		if (!bfs_rpc_connected(server))
			req_connect(r, server); /* looks ahead from the pieces after this one */
		bfs_rpc_call_init(c, r->op, server);
		c->req.ino = r->ino;
		c->req.offset = off;
		c->req.length = len;
		if (r->op == BFS_OP_WRITE) {
			c->send_buf = buf;
			c->send_len = len;
			r->chunk_writes = 1;
		} else {
			c->recv_buf = buf;
			c->recv_cap = len;
		}
		r->busy[i] = 1;
		r->inflight++;
		r->hi = BFS_MAX(r->hi, i + 1);
		bfs_rpc_start(c);
	}
	if (!r->inflight && (r->rc || r->seg == r->nsegs))
		req_finish(r);
}

static void bfs_aio_pump_all(void)
{
	struct benchfs_request *r, *next;

	if (bfs_cl->pumping)
		return; /* a pump is connecting to a server, and that waits */
	bfs_cl->pumping++;
	for (r = bfs_cl->aio; r; r = next) {
		next = r->next; /* @r may leave the list */
		req_pump(r, 0);
	}
	bfs_cl->pumping--;
}

/* every wait round pumps the requests in progress; at detach the spare goes */
static struct bfs_rpc_hook aio_hook = {.progress = bfs_aio_pump_all, .detach = aio_detach};

/*
 * The segments of @r on inline file @f, one at a time, each one call to the file's metadata
 * server (a write past its inline limit first moves the data to chunk 0), until the file
 * turns out not to be inline: the rest then goes to the chunk servers as usual.
 */
static void req_inline(struct benchfs_request *r, struct bfs_file *f)
{
	while (f->inl && !r->rc && r->seg < r->nsegs) {
		struct bfs_seg *s = &r->segs[r->seg];
		uint64_t size = 0;
		int chunked = 0;
		ssize_t n;

		if (r->op == BFS_OP_WRITE && s->off + s->len > f->imax) {
			int rc = bfs_inline_migrate(f->path, f->plen, f->ino);
			if (rc)
				r->rc = rc;
			return;
		}
		if (r->op == BFS_OP_WRITE)
			n = bfs_inline_pwrite(f, s->buf, s->len, s->off, &chunked);
		else
			n = bfs_inline_pread(f, s->buf, s->len, s->off, &chunked, &size);
		if (chunked)
			return;
		if (n < 0) {
			r->rc = (int)n;
			return;
		}
		if (r->op == BFS_OP_READ) {
			r->known = size;                    /* the record's size is the file's */
			r->found = BFS_MAX(r->found, size); /* (its bytes end at or before it) */
			if ((uint64_t)n < s->len)
				read_short(r, s->buf, s->off, (uint64_t)n, s->len);
		}
		r->seg++;
	}
}

/* Put @r on the list of requests in progress, which every wait round pumps. */
static void req_enlist(struct benchfs_request *r)
{
	bfs_rpc_hook_add(&aio_hook);
	r->next = bfs_cl->aio;
	bfs_cl->aio = r;
}

static void req_start(struct benchfs_request *r)
{
	struct bfs_file *f = bfs_file_get(r->fd);

	f->pending++;
	req_enlist(r);
	bfs_cl->pumping++;
	if (f->inl)
		req_inline(r, f);
	req_pump(r, 0);
	bfs_cl->pumping--;
}

static int req_done(void *arg, int64_t now)
{
	struct benchfs_request *r = arg;

	if (!r->finished && now) {
		bfs_cl->pumping++;
		req_pump(r, now); /* with @now: abandons calls stuck after cancellation */
		bfs_cl->pumping--;
	}
	return r->finished;
}

/* The result of finished request @r, which is freed. */
static ssize_t req_result(struct benchfs_request *r)
{
	ssize_t rc = r->rc ? r->rc : (ssize_t)r->bytes;

	if (r->ops && r->ops->finish) /* outside the wait loop: may make calls of its own */
		rc = r->ops->finish(r->payload, rc);

	req_put(r);
	return rc;
}

static ssize_t req_run(struct bfs_file *f, uint8_t op, const struct benchfs_ioseg *segs, size_t n)
{
	struct benchfs_request *r;
	int rc = req_prepare(f, op, segs, n, &r);

	if (rc)
		return rc;
	req_start(r);
	bfs_rpc_wait(req_done, r);
	return req_result(r);
}

struct drain_arg {
	struct bfs_file *f;
};

static int drained(void *arg, int64_t now)
{
	(void)now;
	return ((struct drain_arg *)arg)->f->pending == 0;
}

void bfs_aio_drain(struct bfs_file *f)
{
	struct drain_arg a = {f};

	if (f->pending)
		bfs_rpc_wait(drained, &a);
}

/* ---- single calls as requests -------------------------------------------------------------- */

benchfs_request_t *bfs_req_call(const struct bfs_rpc_call *c, void *payload)
{
	return bfs_req_call_ops(c, NULL, payload);
}

benchfs_request_t *bfs_req_call_ops(const struct bfs_rpc_call *c, const struct bfs_req_ops *ops,
                                    void *ctx)
{
	struct benchfs_request *r = req_get(0);

	if (!r) {
		free(ctx);
		return NULL;
	}
	r->fd = -1;
	r->op = c->req.op;
	r->payload = ctx;
	r->ops = ops;
	r->win[0] = *c;
	r->busy[0] = 1;
	req_enlist(r);
	/* connect first (blocks, once per server; a failure fails the call) */
	if (!bfs_rpc_connected(c->server))
		bfs_rpc_connect(&c->server, 1);
	bfs_rpc_start(&r->win[0]);
	return r;
}

ssize_t bfs_req_call_now(struct bfs_rpc_call *c, const struct bfs_req_ops *ops, void *ctx)
{
	ssize_t rc;

	bfs_rpc_call(c);
	rc = call_done(c, ops, ctx);
	return ops && ops->finish ? ops->finish(ctx, rc) : rc;
}

benchfs_request_t *bfs_req_done(int rc)
{
	struct benchfs_request *r = req_get(0);

	if (r) {
		r->fd = -1;
		r->op = BFS_OP_NONE;
		r->rc = rc;
		r->finished = 1;
	}
	return r;
}

/* ---- blocking forms ------------------------------------------------------------------------ */

ssize_t bfs_io_pwrite(struct bfs_file *f, const void *buf, size_t count, off_t offset)
{
	struct benchfs_ioseg seg = {(void *)buf, offset, count};

	return req_run(f, BFS_OP_WRITE, &seg, 1);
}

ssize_t bfs_io_pread(struct bfs_file *f, void *buf, size_t count, off_t offset)
{
	struct benchfs_ioseg seg = {buf, offset, count};

	return req_run(f, BFS_OP_READ, &seg, 1);
}

BFS_API ssize_t benchfs_pwritel(int fd, const struct benchfs_ioseg *segs, size_t nsegs)
{
	BFS_ENTER();
	BFS_LEAVE(req_run(bfs_file_get(fd), BFS_OP_WRITE, segs, nsegs));
}

BFS_API ssize_t benchfs_preadl(int fd, const struct benchfs_ioseg *segs, size_t nsegs)
{
	BFS_ENTER();
	BFS_LEAVE(req_run(bfs_file_get(fd), BFS_OP_READ, segs, nsegs));
}

/* ---- non-blocking forms -------------------------------------------------------------------- */

static int istart(int fd, uint8_t op, const struct benchfs_ioseg *segs, size_t nsegs,
                  benchfs_request_t **req)
{
	struct benchfs_request *r;
	int rc;

	if (!req)
		return -EINVAL;
	*req = NULL;
	BFS_ENTER();
	rc = req_prepare(bfs_file_get(fd), op, segs, nsegs, &r);
	if (!rc) {
		req_start(r);
		*req = r;
	}
	BFS_LEAVE(rc);
}

BFS_API int benchfs_ipwritel(int fd, const struct benchfs_ioseg *segs, size_t nsegs,
                             benchfs_request_t **req)
{
	return istart(fd, BFS_OP_WRITE, segs, nsegs, req);
}

BFS_API int benchfs_ipreadl(int fd, const struct benchfs_ioseg *segs, size_t nsegs,
                            benchfs_request_t **req)
{
	return istart(fd, BFS_OP_READ, segs, nsegs, req);
}

BFS_API int benchfs_test(benchfs_request_t *req, ssize_t *result)
{
	ssize_t rc;

	if (!req)
		return -EINVAL;
	BFS_ENTER();
	if (!req->finished) {
		bfs_rpc_progress();
		req_done(req, bfs_mono_ns()); /* abandons calls stuck after cancellation */
	}
	if (!req->finished)
		BFS_LEAVE(0);
	rc = req_result(req);
	if (result)
		*result = rc;
	BFS_LEAVE(1);
}

ssize_t bfs_req_wait(benchfs_request_t *req)
{
	bfs_rpc_wait(req_done, req);
	return req_result(req);
}

BFS_API ssize_t benchfs_wait(benchfs_request_t *req)
{
	if (!req)
		return -EINVAL;
	BFS_ENTER();
	BFS_LEAVE(bfs_req_wait(req));
}

BFS_API int benchfs_progress(void)
{
	BFS_ENTER();
	bfs_rpc_progress();
	BFS_LEAVE(0);
}
