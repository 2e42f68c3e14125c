/*
 * srv.h - the server's own header, shared by its request files (not installed): one request in
 * flight (struct sreq), the server (struct bfs_server), the replies every handler sends, and the
 * handlers by idea:
 *   server.c   the event loop, the request pool, replies, dispatch, open/run/close
 *   srv_data.c data requests (WRITE, READ, FSYNC, TRUNCATE, PURGE) and byte-range locks
 *   srv_ns.c   namespace requests (CREATE, LOOKUP, REMOVE, SETATTR, PUT, READDIR, FIND,
 *              HASCHILD), inline data (IWRITE, IREAD, MIGRATE), wire strings to paths
 *   srv_ctl.c  control (HELLO, BYE, PING, STATS, STATFS, SHUTDOWN) and the metrics
 * One thread: nothing here is thread-safe.
 */
#ifndef BFS_SERVER_SRV_H
#define BFS_SERVER_SRV_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "benchfs.h"
#include "common/util.h"
#include "net/ucx.h"
#include "net/wire.h"
#include "server/buf.h"
#include "server/clients.h"
#include "server/server.h"

struct bfs_store_hold;

/* One request in flight on the server. */
struct sreq {
	struct sreq *next; /* free list */
	struct bfs_server *srv;
	ucp_ep_h ep;     /* UCX's reply endpoint: valid only inside the AM callback */
	uint32_t client; /* where deferred replies go: an endpoint of our own (HELLO) */
	int deferred;    /* the reply leaves after the AM callback returned */
	int in_cb;       /* am_data is UCX's until the AM callback returns UCS_INPROGRESS */
	int64_t t_arrive, t_start; /* monotonic ns (metrics on): arrival, start of the operation */
	int finished;    /* answered and put back (read by the AM callback after dispatch) */
	int replying;    /* its reply is with UCX, not yet sent */
	int ns;          /* a namespace request: its reply waits for the commit of what it wrote */
	uint64_t staged; /* its start's bfs_meta_staged (it wrote when that changed) */
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
	const void *held_payload; /* a held reply's payload (s->held; next links them) */
	size_t held_len;
};

/* A migration of an inline file's data to the chunk servers in progress (srv_ns.c): its path
 * (XXH3-64 of it), inode and the client moving it. Memory only: after a restart the record,
 * still inline, is whole, and the client's BFS_F_DONE gets -EAGAIN (it starts over). */
#define BFS_MIGRATIONS 64
struct bfs_migration {
	uint64_t key;
	uint64_t ino;
	uint32_t client;
	int used;
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
	struct bfs_migration migr[BFS_MIGRATIONS];
	/* group commit: the metadata writes of a round share one LMDB transaction, and the
	 * replies of the requests that wrote in it wait here for its commit */
	struct sreq *held, **held_tail;
};

/* ---- replies (server.c) ---- */

/** bfs_sreq_reply - send the reply of @r (status and inode already in r->rep) with @len payload
 *  bytes of @payload (which must stay valid until @r is put back); @r is put back after. The
 *  reply of a namespace request that wrote in the metadata group leaves once the group
 *  committed (its status then the commit's error if that failed). */
void bfs_sreq_reply(struct sreq *r, const void *payload, size_t len);
/** bfs_sreq_status - reply @status (0, a count, or -errno) with no payload. */
void bfs_sreq_status(struct sreq *r, int status);
/** bfs_sreq_buf - give @r a pool buffer of @len bytes (r->buf); NULL when out of memory. */
void *bfs_sreq_buf(struct sreq *r, size_t len);

/* ---- handlers: each answers @r, now or later ---- */

void bfs_serve_data(struct sreq *r); /* srv_data.c */
void bfs_serve_lock(struct sreq *r); /* srv_data.c */
void bfs_serve_ns(struct sreq *r);   /* srv_ns.c */
/** bfs_serve_migrations_drop - client @id is gone: its migrations end (their records stay
 *  inline and whole). srv_ns.c */
void bfs_serve_migrations_drop(struct bfs_server *s, uint32_t id);
void bfs_serve_control(struct sreq *r); /* srv_ctl.c */
/** bfs_serve_io_range - 0 when a WRITE/READ's inode and range are valid: -EINVAL (no inode,
 *  longer than BFS_IO_MAX), -EFBIG (past BENCHFS_FILE_MAX). */
int bfs_serve_io_range(const struct bfs_req *q);
/** bfs_serve_data_done - the chunk store's completion callback (@user: the request). */
void bfs_serve_data_done(void *user, int res);
/** bfs_serve_lock_done - a waiting LOCK was granted (0) or cancelled (-errno). */
void bfs_serve_lock_done(void *waiter, int status);

/* ---- metrics (srv_ctl.c) ---- */

/** bfs_server_stat_now - monotonic ns when metrics are on, else 0. */
static inline int64_t bfs_server_stat_now(const struct bfs_server *s)
{
	return s->st.enabled ? bfs_mono_ns() : 0;
}
/** bfs_server_stat_reply - count the reply of @r (@len payload bytes, @rndv: by rendezvous). */
void bfs_server_stat_reply(struct sreq *r, size_t len, int rndv);
/** bfs_server_cpu_ns - CPU time of this process (every thread, io_uring's workers), ns. */
uint64_t bfs_server_cpu_ns(void);
/** bfs_server_stat_write - DATA_DIR/stats.json: the metrics as the server stops. */
void bfs_server_stat_write(struct bfs_server *s);

#endif /* BFS_SERVER_SRV_H */
