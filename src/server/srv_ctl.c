/*
 * srv_ctl.c - the server's control requests (HELLO, BYE, PING, STATS, STATFS, SHUTDOWN) and its
 * metrics (see srv.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <xxhash.h>

#include "common/stats.h"
#include "server/data.h"
#include "server/meta.h"
#include "server/srv.h"
#include "server/store.h"

/* ---- metrics ------------------------------------------------------------------------------- */

/* Count the reply of @r (status in r->rep, @len payload bytes, sent by rendezvous or not). */
void bfs_server_stat_reply(struct sreq *r, size_t len, int rndv)
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
	o->bytes += r->req.op == BFS_OP_WRITE    ? r->payload_len
	            : r->req.op == BFS_OP_IWRITE ? (size_t)r->req.length
	                                         : len;
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
uint64_t bfs_server_cpu_ns(void)
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
	uint64_t cpu = bfs_server_cpu_ns();

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
void bfs_server_stat_write(struct bfs_server *s)
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
		bfs_sreq_status(r, -EBADMSG);
		return;
	}
	rc = bfs_clients_hello(&r->srv->clients, r->payload, r->payload_len, replaces,
	                       &r->rep.count);
	r->rep.inode.size = bfs_meta_inline_max(r->srv->meta);
	bfs_sreq_status(r, rc);
}

/* STATFS: the storage under the data directory (the node's memory for the memory store) */
static void do_statfs(struct sreq *r)
{
	struct bfs_server *s = r->srv;
	struct bfs_statfs st = {0};
	struct bfs_store_space sp;
	char host[256] = "";
	int rc;

	if (!bfs_sreq_buf(r, BFS_WIRE_STATFS_SIZE)) {
		bfs_sreq_status(r, -ENOMEM);
		return;
	}
	rc = bfs_data_statfs(s->data, &sp);
	if (rc < 0) {
		bfs_sreq_status(r, rc);
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
	bfs_sreq_reply(r, r->buf, BFS_WIRE_STATFS_SIZE);
}

void bfs_serve_control(struct sreq *r)
{
	struct bfs_server *s = r->srv;

	if (r->req.op == BFS_OP_HELLO) {
		do_hello(r);
		return;
	}
	if (r->req.op == BFS_OP_BYE) {
		bfs_clients_bye(&s->clients, r->req.client);
		bfs_sreq_status(r, 0); /* on UCX's reply endpoint: we are inside the AM callback */
		return;
	}
	if (r->req.op == BFS_OP_PING) {
		r->rep.count = s->cfg.index;
		r->rep.inode.size = s->cfg.count;
		bfs_sreq_status(r, 0);
		return;
	}
	if (r->req.op == BFS_OP_STATS) {
		struct benchfs_server_stats st;
		if (!bfs_sreq_buf(r, BFS_STATS_WIRE_SIZE)) {
			bfs_sreq_status(r, -ENOMEM);
			return;
		}
		stat_snapshot(s, &st, (r->req.flags & BFS_F_RESET) != 0);
		bfs_stats_encode(&st, r->buf);
		r->rep.status = 0;
		bfs_sreq_reply(r, r->buf, BFS_STATS_WIRE_SIZE);
		return;
	}
	if (r->req.op == BFS_OP_STATFS) {
		do_statfs(r);
		return;
	}
	/* SHUTDOWN: answered by the loop once every other request is done and data flushed */
	if (s->shutdown) {
		bfs_sreq_status(r, -EALREADY);
		return;
	}
	s->stopping = 1;
	s->shutdown = r;
}
