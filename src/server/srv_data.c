/*
 * srv_data.c - the server's data requests (WRITE, READ, FSYNC, TRUNCATE, PURGE: the chunk store,
 * data.h) and byte-range locks (LOCK, UNLOCK: lock.h) (see srv.h).
 */
#include <errno.h>

#include "server/data.h"
#include "server/lock.h"
#include "server/srv.h"

/* ---- data operations ---------------------------------------------------------------------- */

/* io_uring completion of a WRITE, READ or FSYNC. */
void bfs_serve_data_done(void *user, int res)
{
	struct sreq *r = user;

	r->deferred = 1; /* may run after the AM callback returned */
	r->rep.status = res;
	if (r->req.op == BFS_OP_READ && res > 0) {
		bfs_sreq_reply(r, r->buf, (size_t)res);
		return;
	}
	if (r->am_data && !r->in_cb) { /* release the eager payload before answering */
		ucp_am_data_release(r->srv->ucx.worker, r->am_data);
		r->am_data = NULL;
	}
	bfs_sreq_reply(r, NULL, 0);
}

int bfs_serve_io_range(const struct bfs_req *q)
{
	if (q->ino == 0 || q->length > BFS_IO_MAX)
		return -EINVAL;
	if (q->offset > (uint64_t)BENCHFS_FILE_MAX ||
	    q->length > (uint64_t)BENCHFS_FILE_MAX - q->offset)
		return -EFBIG;
	return 0;
}

void bfs_serve_data(struct sreq *r)
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
			bfs_sreq_reply(r, NULL, 0);
			return;
		}
		rc = bfs_serve_io_range(q);
		if (!rc && r->payload_len != q->length)
			rc = -EBADMSG;
		if (!rc)
			rc = bfs_data_write(s->data, q->ino, r->payload, q->length, q->offset, r);
		break;
	case BFS_OP_READ: {
		size_t n;
		const void *p;

		rc = bfs_serve_io_range(q);
		if (!rc && (p = bfs_data_read_begin(s->data, q->ino, q->length, q->offset, &n,
		                                    &r->placed))) {
			r->rep.status = (int)n; /* sent from the memory store; released when sent */
			bfs_sreq_reply(r, p, n);
			return;
		}
		if (!rc && !bfs_sreq_buf(r, q->length))
			rc = -ENOMEM;
		if (!rc)
			rc = bfs_data_read(s->data, q->ino, r->buf, q->length, q->offset, r);
		break;
	}
	case BFS_OP_FSYNC:
		rc = bfs_data_fsync(s->data, q->ino, r);
		break;
	case BFS_OP_TRUNCATE:
		bfs_sreq_status(r, bfs_data_truncate(s->data, q->ino, q->size));
		return;
	case BFS_OP_PURGE:
		bfs_sreq_status(r, bfs_data_purge(s->data, q->ino));
		return;
	}
	if (rc)
		bfs_sreq_status(r, rc);
}

/* ---- locks --------------------------------------------------------------------------------- */

/* A waiting LOCK request was granted (0) or cancelled: answer it now. */
void bfs_serve_lock_done(void *waiter, int status)
{
	bfs_sreq_status(waiter, status);
}

void bfs_serve_lock(struct sreq *r)
{
	const struct bfs_req *q = &r->req;
	uint64_t end = q->length == 0 || q->offset + q->length < q->offset ? UINT64_MAX
	                                                                   : q->offset + q->length;
	int rc;

	if (r->payload_len) {
		bfs_sreq_status(r, -EBADMSG);
		return;
	}
	if (q->op == BFS_OP_UNLOCK) {
		bfs_lock_release(r->srv->locks, q->ino, r->client, q->offset, end);
		bfs_sreq_status(r, 0);
		return;
	}
	if (r->srv->stopping) {
		bfs_sreq_status(r, -ESHUTDOWN);
		return;
	}
	r->deferred = 1; /* when queued, the grant answers through the client's own endpoint */
	rc = bfs_lock_acquire(r->srv->locks, q->ino, r->client, q->offset, end,
	                      (q->flags & BFS_F_WRLOCK) != 0, (q->flags & BFS_F_NOWAIT) != 0, r);
	if (rc != 0)
		bfs_sreq_status(r, rc == 1 ? 0 : rc);
}
