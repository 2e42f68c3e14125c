/*
 * bench_raw.c - the raw transport under BenchFS: UCX active messages between the ranks that
 * will be clients and the ranks that will be servers, measured before the servers start (their
 * ranks are inside benchfs_mpi_start() afterwards). Its own UCX context and worker; worker
 * addresses travel by MPI_Allgatherv, as in benchfs_mpi_start().
 *
 * Made like BenchFS's messages (src/net/rpc.c, src/client/client.c, src/server/server.c): a
 * 128-byte AM header, the payload as AM data, UCP_AM_SEND_FLAG_EAGER below the rendezvous
 * threshold (env BENCHFS_RNDV_THRESH, default 32 KiB) and UCP_AM_SEND_FLAG_RNDV from it,
 * UCP_AM_SEND_FLAG_REPLY on client messages, endpoints with peer error handling only towards
 * other hosts (on one host UCX 1.13 then uses shared memory; BENCHFS_PEER_CHECK=1/0 forces
 * it on/off, as for BenchFS), receive handlers with UCP_AM_FLAG_WHOLE_MSG |
 * UCP_AM_FLAG_PERSISTENT_DATA, rendezvous payloads pulled with ucp_am_recv_data_nbx into a
 * buffer, and the same wait: empty progress rounds, then 50 µs of polling that yields the core
 * each round, then ucp_worker_arm and poll on the worker's fd. Answers are sent
 * from the server's loop, not from inside the receive callback, as BenchFS replies.
 *
 *   am-bw       every client streams RAW_MSG-byte messages (1 MiB) to server (client index mod
 *               servers), RAW_WINDOW in flight, RAW_SIZE bytes each, then a FIN that the server
 *               acknowledges once every byte is in: aggregate MiB/s between two client barriers.
 *               The server pulls them into POOL slots in turn, which stay in the CPU's cache
 *               (the transport's best case, as ucx_perftest measures it).
 *   am-bw-1     the same with one message in flight per client (a quarter of the bytes): the
 *               transport under one blocking call at a time, as IOR issues them.
 *   am-bw-mem   as am-bw, but each message lands in a slot of its own in a receive area as
 *               large as what the server's clients send (up to AREA_MAX), touched beforehand:
 *               what moving bytes into memory a store keeps costs, without the store. Where
 *               the transport is a memory copy (shared memory, CMA), this is the copy from
 *               and to DRAM rather than cache.
 *   am-bw-1-ring as am-bw-1, but message k of client c goes to the server BenchFS's ring
 *               (src/common/ring.c, default vnodes and seed) places chunk k of a file of its
 *               own on, as ior-easy's 1 MiB transfers into 1 MiB chunks go: the clients meet
 *               on one server at times while another has nothing to do. am-bw and am-bw-1
 *               pair each client with one server for the whole stream.
 * Clients wait for their sends as BenchFS's clients wait for replies (a hot loop would starve
 * the server ranks on a machine with fewer cores than ranks).
 *   rtt-A-B     client 0 and server 0 alone (the others wait at a barrier without spinning):
 *               A-byte request, B-byte reply, round trips timed one by one. small = header only.
 *               rtt-small-4KiB mirrors a 4 KiB pread, rtt-4KiB-small a 4 KiB pwrite.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucp/api/ucp.h>

#include "bench.h"
#include "benchfs_mpi.h"
#include "common/ring.h"
#include "net/ucx.h"
#include "net/wire.h"

enum { AM_DATA = 41, AM_FIN, AM_ACK, AM_PING, AM_PONG, AM_STOP };

#define POOL       8           /* receive slots of a server that am-bw and am-bw-1 cycle through */
#define AREA_MAX   (1UL << 30) /* largest receive area of a server (am-bw-mem) */
#define RAW_WARMUP 16          /* untimed round trips before each series */
#define DEADLINE_S 60.0        /* a phase that takes longer is a failure, never a hang */

struct raw_hdr {
	uint32_t op;
	uint32_t from;  /* world rank of the sender */
	uint64_t value; /* FIN: bytes sent; PING: reply bytes */
	unsigned char pad[BFS_WIRE_REQ_SIZE - 16];
};

static struct raw {
	struct bfs_ucx u;
	ucp_ep_h *eps; /* by world rank */
	int wsize, me;
	/* server */
	uint64_t *rcvd, *fin;
	unsigned char *fin_seen, *acked;
	char *area;          /* receive slots, one message each, touched before any timing */
	size_t slot, nslots; /* bytes of a slot, slots in the area */
	size_t cycle;        /* slots the current stream cycles through: POOL, or all */
	size_t next;
	int stop;
	int ping_pending, ping_data, ping_from;
	uint64_t ping_reply;
	/* client */
	int acks, pongs;
	int acks_due;     /* ACKs that end the current stream: one per server sent a FIN */
	uint64_t *to_srv; /* bytes sent to each server (by index) in the current stream */
	char *buf;
	/* both */
	size_t inflight;
	int failed;
} R;

static void send_done(void *req, ucs_status_t st, void *arg)
{
	(void)arg;
	if (st != UCS_OK)
		R.failed = 1;
	R.inflight--;
	ucp_request_free(req);
}

/* One active message as BenchFS sends it. */
static int am_send(int to, unsigned id, uint64_t value, const void *payload, size_t len, int client)
{
	/* the header must stay valid until the send completes (BenchFS keeps it in its call):
	 * a ring longer than the most messages ever in flight (--raw-window <= 4096, plus FIN) */
	static struct raw_hdr ring[8192];
	static unsigned next;
	struct raw_hdr *h = &ring[next++ % 8192];
	ucp_request_param_t p = {0};
	ucs_status_ptr_t sp;

	memset(h, 0, sizeof(*h));
	h->op = id;
	h->from = (uint32_t)R.me;
	h->value = value;
	p.op_attr_mask = UCP_OP_ATTR_FIELD_CALLBACK | UCP_OP_ATTR_FIELD_FLAGS;
	p.cb.send = send_done;
	p.flags = (client ? UCP_AM_SEND_FLAG_REPLY : 0) | bfs_ucx_send_flags(&R.u, len);
	sp = ucp_am_send_nbx(R.eps[to], id, h, sizeof(*h), payload, len, &p);
	if (UCS_PTR_IS_ERR(sp))
		return R.failed = 1, -EIO;
	if (sp)
		R.inflight++;
	return 0;
}

/* ---- receive handlers ------------------------------------------------------------------------ */

static void data_in(void *req, ucs_status_t st, size_t len, void *arg)
{
	if (st != UCS_OK)
		R.failed = 1;
	R.rcvd[(uintptr_t)arg] += len;
	ucp_request_free(req);
}

static void ping_data_in(void *req, ucs_status_t st, size_t len, void *arg)
{
	(void)len;
	(void)arg;
	if (st != UCS_OK)
		R.failed = 1;
	R.ping_data = 0;
	ucp_request_free(req);
}

static void pong_data_in(void *req, ucs_status_t st, size_t len, void *arg)
{
	(void)len;
	(void)arg;
	if (st != UCS_OK)
		R.failed = 1;
	R.pongs++;
	ucp_request_free(req);
}

/* Pull a rendezvous payload into @buf; @cb runs when it is in (now: returns 1). */
static int pull(void *data, void *buf, size_t len, ucp_am_recv_data_nbx_callback_t cb, void *arg)
{
	ucp_request_param_t p = {0};
	ucs_status_ptr_t sp;

	p.op_attr_mask = UCP_OP_ATTR_FIELD_CALLBACK | UCP_OP_ATTR_FIELD_USER_DATA;
	p.cb.recv_am = cb;
	p.user_data = arg;
	sp = ucp_am_recv_data_nbx(R.u.worker, data, buf, len, &p);
	if (UCS_PTR_IS_ERR(sp)) {
		R.failed = 1;
		return 1;
	}
	return sp == NULL;
}

static ucs_status_t on_am(void *arg, const void *header, size_t hlen, void *data, size_t len,
                          const ucp_am_recv_param_t *param)
{
	struct raw_hdr h;
	int rndv = (param->recv_attr & UCP_AM_RECV_ATTR_FLAG_RNDV) != 0;

	(void)arg;
	if (hlen != sizeof(h))
		return R.failed = 1, UCS_OK;
	memcpy(&h, header, sizeof(h));
	if (h.from >= (uint32_t)R.wsize)
		return R.failed = 1, UCS_OK;
	switch (h.op) {
	case AM_DATA:
		if (!rndv)
			R.rcvd[h.from] += len;
		else if (pull(data, R.area + R.next++ % R.cycle * R.slot, len, data_in,
		              (void *)(uintptr_t)h.from))
			R.rcvd[h.from] += len;
		break;
	case AM_FIN:
		R.fin[h.from] = h.value;
		R.fin_seen[h.from] = 1;
		break;
	case AM_PING:
		R.ping_pending = 1;
		R.ping_from = (int)h.from;
		R.ping_reply = h.value;
		R.ping_data = rndv && !pull(data, R.area, len, ping_data_in, NULL);
		break;
	case AM_STOP:
		R.stop = 1;
		break;
	case AM_ACK:
		R.acks++;
		break;
	case AM_PONG:
		if (!rndv || pull(data, R.buf, len, pong_data_in, NULL))
			R.pongs++;
		break;
	default:
		R.failed = 1;
	}
	return UCS_OK;
}

static void on_ep_error(void *arg, ucp_ep_h ep, ucs_status_t st)
{
	(void)arg;
	(void)ep;
	(void)st;
	R.failed = 1;
}

/* ---- waiting --------------------------------------------------------------------------------- */

/* After the empty rounds of a wait: keep polling, yielding the core, until BenchFS's loops
 * would sleep (BFS_SPIN_US_DEFAULT µs, env BENCHFS_SPIN_US). 1: go on polling, 0: sleep now
 * (*@since is reset then). */
static int spinning(double *since)
{
	static double spin = -1;
	double now = MPI_Wtime();

	if (spin < 0) {
		const char *e = getenv("BENCHFS_SPIN_US");
		spin = (e && *e ? atof(e) : BFS_SPIN_US_DEFAULT) * 1e-6;
	}
	if (!*since)
		*since = now;
	if (now - *since < spin) {
		sched_yield();
		return 1;
	}
	*since = 0;
	return 0;
}

/* Progress until @done() holds, as BenchFS's loops wait: after @spins empty rounds keep
 * polling, yielding the core each round, for BFS_SPIN_US_DEFAULT µs (env BENCHFS_SPIN_US),
 * then sleep on the worker's fd. Return 0, or -EIO (a transport error) or -ETIMEDOUT
 * (DEADLINE_S passed). */
static int wait_for(int (*done)(void), unsigned spins)
{
	double deadline = MPI_Wtime() + DEADLINE_S, idle_since = 0;
	unsigned idle = 0;

	while (!done()) {
		if (R.failed)
			return -EIO;
		if (ucp_worker_progress(R.u.worker)) {
			idle = 0;
			idle_since = 0;
			continue;
		}
		if (++idle < spins)
			continue;
		if (spinning(&idle_since))
			continue;
		idle = 0;
		if (MPI_Wtime() > deadline)
			return -ETIMEDOUT;
		if (ucp_worker_arm(R.u.worker) == UCS_ERR_BUSY)
			continue;
		struct pollfd pfd = {.fd = R.u.efd, .events = POLLIN};
		poll(&pfd, 1, 100);
	}
	return R.failed ? -EIO : 0;
}

static int sends_done(void)
{
	return R.inflight == 0;
}

static size_t win; /* the stream's messages in flight per client */
static int window_free(void)
{
	return R.inflight < win;
}

static int flushed;

static void flush_done(void *req, ucs_status_t st, void *arg)
{
	(void)arg;
	if (st != UCS_OK)
		R.failed = 1;
	flushed = 1;
	ucp_request_free(req);
}

static int is_flushed(void)
{
	return flushed;
}

/* Wait until every message sent has left (a completed eager send may still sit in the
 * transport's queue, which only progress empties). */
static int flush_all(void)
{
	ucp_request_param_t p = {0};
	ucs_status_ptr_t sp;
	int rc = wait_for(sends_done, 32);

	if (rc)
		return rc;
	flushed = 0;
	p.op_attr_mask = UCP_OP_ATTR_FIELD_CALLBACK;
	p.cb.send = flush_done;
	sp = ucp_worker_flush_nbx(R.u.worker, &p);
	if (UCS_PTR_IS_ERR(sp))
		return -EIO;
	if (sp == NULL)
		return 0;
	return wait_for(is_flushed, 32);
}

static int got_acks(void)
{
	return R.acks >= R.acks_due;
}

static int got_pong(void)
{
	return R.pongs > 0;
}

/* ---- set-up ---------------------------------------------------------------------------------- */

static int ucx_up(void)
{
	ucp_params_t params = {0};
	ucp_worker_params_t wp = {0};
	ucp_config_t *config;
	const char *env = getenv("BENCHFS_RNDV_THRESH");

	R.u.rndv_thresh = env && *env ? strtoull(env, NULL, 0) : BFS_RNDV_THRESH_DEFAULT;
	if (ucp_config_read(NULL, NULL, &config) != UCS_OK)
		return -EIO;
	params.field_mask = UCP_PARAM_FIELD_FEATURES | UCP_PARAM_FIELD_NAME;
	params.features = UCP_FEATURE_AM | UCP_FEATURE_WAKEUP;
	params.name = "benchfs-bench-raw";
	if (ucp_init(&params, config, &R.u.context) != UCS_OK) {
		ucp_config_release(config);
		return -EIO;
	}
	ucp_config_release(config);
	wp.field_mask = UCP_WORKER_PARAM_FIELD_THREAD_MODE;
	wp.thread_mode = UCS_THREAD_MODE_SINGLE;
	if (ucp_worker_create(R.u.context, &wp, &R.u.worker) != UCS_OK) {
		ucp_cleanup(R.u.context);
		R.u.context = NULL;
		return -EIO;
	}
	if (ucp_worker_get_efd(R.u.worker, &R.u.efd) != UCS_OK)
		return -EIO;
	for (unsigned id = AM_DATA; id <= AM_STOP; id++) {
		ucp_am_handler_param_t p = {0};
		p.field_mask = UCP_AM_HANDLER_PARAM_FIELD_ID | UCP_AM_HANDLER_PARAM_FIELD_FLAGS |
		               UCP_AM_HANDLER_PARAM_FIELD_CB;
		p.id = id;
		p.flags = UCP_AM_FLAG_WHOLE_MSG | UCP_AM_FLAG_PERSISTENT_DATA;
		p.cb = on_am;
		if (ucp_worker_set_am_recv_handler(R.u.worker, &p) != UCS_OK)
			return -EIO;
	}
	return 0;
}

/* Exchange worker addresses; connect clients to servers and servers to clients. */
static int connect_all(const int *is_server)
{
	/* as BenchFS does (src/net/rpc.c): peer error handling only towards other hosts (on one
	 * host UCX 1.13 would then leave shared memory out), unless BENCHFS_PEER_CHECK says */
	const char *pc = getenv("BENCHFS_PEER_CHECK");
	int check = pc && *pc ? strtoul(pc, NULL, 0) != 0 : -1;
	MPI_Comm node;
	int *host, myhost;
	ucp_address_t *a = NULL;
	size_t alen = 0;
	int len, *lens, *displs, total = 0, rc = 0;
	char *all;

	if (R.u.worker && ucp_worker_get_address(R.u.worker, &a, &alen) != UCS_OK)
		alen = 0;
	len = (int)alen;
	lens = calloc((size_t)R.wsize, sizeof(int));
	displs = calloc((size_t)R.wsize, sizeof(int));
	R.eps = calloc((size_t)R.wsize, sizeof(*R.eps));
	if (!lens || !displs || !R.eps)
		MPI_Abort(MPI_COMM_WORLD, 1);
	MPI_Allgather(&len, 1, MPI_INT, lens, 1, MPI_INT, MPI_COMM_WORLD);
	/* which ranks share a host: the world rank of each node's first rank */
	host = calloc((size_t)R.wsize, sizeof(int));
	if (!host)
		MPI_Abort(MPI_COMM_WORLD, 1);
	MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
	myhost = R.me;
	MPI_Bcast(&myhost, 1, MPI_INT, 0, node);
	MPI_Comm_free(&node);
	MPI_Allgather(&myhost, 1, MPI_INT, host, 1, MPI_INT, MPI_COMM_WORLD);
	for (int r = 0; r < R.wsize; r++) {
		displs[r] = total;
		total += lens[r];
	}
	all = malloc((size_t)total + 1);
	if (!all)
		MPI_Abort(MPI_COMM_WORLD, 1);
	MPI_Allgatherv(a, len, MPI_BYTE, all, lens, displs, MPI_BYTE, MPI_COMM_WORLD);
	if (a)
		ucp_worker_release_address(R.u.worker, a);
	for (int r = 0; r < R.wsize && R.u.worker; r++) {
		ucp_ep_params_t p = {0};
		if (r == R.me || is_server[r] == is_server[R.me] || lens[r] == 0)
			continue;
		p.field_mask = UCP_EP_PARAM_FIELD_REMOTE_ADDRESS |
		               UCP_EP_PARAM_FIELD_ERR_HANDLING_MODE |
		               UCP_EP_PARAM_FIELD_ERR_HANDLER;
		p.address = (const ucp_address_t *)(all + displs[r]);
		p.err_mode = (check >= 0 ? check : host[r] != host[R.me])
		                 ? UCP_ERR_HANDLING_MODE_PEER
		                 : UCP_ERR_HANDLING_MODE_NONE;
		p.err_handler.cb = on_ep_error;
		if (ucp_ep_create(R.u.worker, &p, &R.eps[r]) != UCS_OK) {
			R.eps[r] = NULL;
			rc = -EIO;
		}
	}
	for (int r = 0; r < R.wsize; r++)
		if (lens[r] == 0)
			rc = -EIO;
	free(all);
	free(host);
	free(lens);
	free(displs);
	return rc;
}

/* Close every endpoint while every rank keeps progressing, then free UCX. */
static void ucx_down(void)
{
	ucs_status_ptr_t *reqs = calloc((size_t)R.wsize, sizeof(*reqs));
	double deadline = MPI_Wtime() + 5;
	MPI_Request bar = MPI_REQUEST_NULL;
	int open = 1, done = 0;

	for (int r = 0; reqs && r < R.wsize; r++) {
		ucp_request_param_t p = {0};
		if (!R.eps[r])
			continue;
		p.op_attr_mask = UCP_OP_ATTR_FIELD_FLAGS;
		p.flags = R.failed ? UCP_EP_CLOSE_FLAG_FORCE : 0;
		reqs[r] = ucp_ep_close_nbx(R.eps[r], &p);
		if (!UCS_PTR_IS_PTR(reqs[r]))
			reqs[r] = NULL;
	}
	while (!done) {
		if (R.u.worker)
			ucp_worker_progress(R.u.worker);
		if (open) {
			open = 0;
			for (int r = 0; reqs && r < R.wsize; r++) {
				if (!reqs[r])
					continue;
				if (ucp_request_check_status(reqs[r]) == UCS_INPROGRESS &&
				    MPI_Wtime() < deadline) {
					open = 1;
					continue;
				}
				ucp_request_free(reqs[r]);
				reqs[r] = NULL;
			}
			if (!open)
				MPI_Ibarrier(MPI_COMM_WORLD, &bar);
		} else {
			MPI_Test(&bar, &done, MPI_STATUS_IGNORE);
		}
	}
	free(reqs);
	if (R.u.worker)
		ucp_worker_destroy(R.u.worker);
	if (R.u.context)
		ucp_cleanup(R.u.context);
	free(R.area);
	free(R.buf);
	free(R.eps);
	free(R.rcvd);
	free(R.fin);
	free(R.fin_seen);
	free(R.acked);
	free(R.to_srv);
	memset(&R, 0, sizeof(R));
}

/* ---- the two measurements ---------------------------------------------------------------------
 */

/* Server side of the stream, run as wait_for()'s condition: acknowledge every client whose FIN
 * came and whose bytes are all in; done when every client of this server is acknowledged. */
static int srv_mine, srv_acked;
static int acks_sent(void)
{
	for (int r = 0; r < R.wsize; r++)
		if (R.fin_seen[r] && !R.acked[r] && R.rcvd[r] >= R.fin[r]) {
			R.acked[r] = 1;
			srv_acked++;
			am_send(r, AM_ACK, 0, NULL, 0, 0);
		}
	return srv_acked >= srv_mine;
}

/* Server side of the round trips: answer a PING whose payload is in; done at STOP. */
static int pongs_sent(void)
{
	if (R.ping_pending && !R.ping_data) {
		R.ping_pending = 0;
		am_send(R.ping_from, AM_PONG, 0, R.area + R.slot, R.ping_reply, 0);
	}
	return R.stop;
}

/* The streams, in the order they are measured and reported (see the top of this file). */
static const struct raw_stream {
	const char *name;
	int one;  /* one message in flight per client, a quarter of the bytes (else the window) */
	int area; /* slots all over the receive area (else the POOL slots, which stay in cache) */
	int ring; /* each message to the server the ring places its chunk on (else a fixed one) */
} streams[] = {
    {"am-bw", 0, 0, 0}, {"am-bw-1", 1, 0, 0}, {"am-bw-mem", 0, 1, 0}, {"am-bw-1-ring", 1, 0, 1}};

/* Streaming: returns the aggregate MiB/s on the first client (0 elsewhere), or an error. */
static int stream(const struct bench_cfg *c, const int *is_server, MPI_Comm cl, int ci, int ncl,
                  int nsrv, const int *servers, const struct bfs_ring *ring, size_t bytes,
                  const struct raw_stream *k, double *mibs)
{
	size_t window = k->one ? 1 : c->raw_window;
	int rc = 0;

	if (is_server[R.me]) {
		R.cycle = k->area ? R.nslots : POOL;
		R.next = 0;
		srv_mine = srv_acked = 0;
		for (int j = 0; j < ncl; j++)
			srv_mine += k->ring || servers[j % nsrv] == R.me;
		memset(R.rcvd, 0, sizeof(*R.rcvd) * (size_t)R.wsize);
		memset(R.fin_seen, 0, (size_t)R.wsize);
		memset(R.acked, 0, (size_t)R.wsize);
		rc = wait_for(acks_sent, 64);
		if (!rc)
			rc = flush_all();
		*mibs = 0;
		return rc ? rc : R.failed ? -EIO : 0;
	}
	size_t msg = c->raw_msg, sent = 0;
	uint64_t *to_srv = R.to_srv;
	double t0;

	memset(to_srv, 0, sizeof(*to_srv) * (size_t)nsrv);
	R.acks = 0;
	R.acks_due = k->ring ? nsrv : 1;
	win = window;
	MPI_Barrier(cl);
	t0 = MPI_Wtime();
	while (sent < bytes && !rc) {
		while (R.inflight < window && sent < bytes) {
			size_t n = bytes - sent < msg ? bytes - sent : msg;
			/* file of client ci: inode ci + 1; message sent / msg: that chunk */
			uint32_t t = k->ring ? bfs_ring_chunk(ring, (uint64_t)ci + 1, sent / msg)
			                     : (uint32_t)(ci % nsrv);
			am_send(servers[t], AM_DATA, 0, R.buf, n, 1);
			to_srv[t] += n;
			sent += n;
		}
		rc = wait_for(window_free, 32);
	}
	for (int t = 0; t < nsrv && !rc && !R.failed; t++)
		if (k->ring || t == ci % nsrv)
			am_send(servers[t], AM_FIN, to_srv[t], NULL, 0, 1);
	if (!rc)
		rc = wait_for(sends_done, 32);
	if (!rc)
		rc = wait_for(got_acks, 32);
	MPI_Barrier(cl);
	*mibs = (double)bytes * ncl / (1 << 20) / (MPI_Wtime() - t0);
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Round trips between the first client and the first server. */
static int ping_pong(const struct bench_cfg *c, struct bench_results *res, int client0, int server0,
                     size_t iters, int rec)
{
	static const struct {
		size_t req, rep;
		const char *name;
	} kinds[] = {{0, 4096, "rtt-small-4KiB"},
	             {4096, 0, "rtt-4KiB-small"},
	             {0, 65536, "rtt-small-64KiB"},
	             {65536, 0, "rtt-64KiB-small"}};
	int rc = 0;

	if (R.me == server0) {
		R.stop = 0;
		rc = wait_for(pongs_sent, 64);
		if (!rc)
			rc = flush_all();
	} else if (R.me == client0) {
		double *ns = malloc(sizeof(*ns) * iters);
		for (size_t k = 0; ns && !rc && k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			for (size_t i = 0; !rc && i < iters + RAW_WARMUP; i++) {
				struct timespec a, b;
				R.pongs = 0;
				clock_gettime(CLOCK_MONOTONIC, &a);
				am_send(server0, AM_PING, kinds[k].rep, R.buf, kinds[k].req, 1);
				rc = wait_for(got_pong, 32);
				clock_gettime(CLOCK_MONOTONIC, &b);
				if (i >= RAW_WARMUP)
					ns[i - RAW_WARMUP] = (double)(b.tv_sec - a.tv_sec) * 1e9 +
					                     (double)(b.tv_nsec - a.tv_nsec);
			}
			if (rc || !rec)
				continue;
			bench_lat_add(res, "raw-ucx", kinds[k].name, ns, iters);
			qsort(ns, iters, sizeof(*ns), cmp_double);
			char m[48];
			snprintf(m, sizeof(m), "%s-p50", kinds[k].name);
			bench_fig_add(res, W_RAW, "raw-ucx", "ucx-am", m, "us",
			              bench_percentile(ns, iters, 0.5) / 1e3);
			snprintf(m, sizeof(m), "%s-p99", kinds[k].name);
			bench_fig_add(res, W_RAW, "raw-ucx", "ucx-am", m, "us",
			              bench_percentile(ns, iters, 0.99) / 1e3);
			snprintf(m, sizeof(m), "%s-p99.9", kinds[k].name);
			bench_fig_add(res, W_RAW, "raw-ucx", "ucx-am", m, "us",
			              bench_percentile(ns, iters, 0.999) / 1e3);
		}
		free(ns);
		if (!ns)
			rc = -ENOMEM;
		am_send(server0, AM_STOP, 0, NULL, 0, 1);
		int rc2 = flush_all();
		if (!rc)
			rc = rc2;
	}
	(void)c;
	bench_idle_barrier(MPI_COMM_WORLD);
	return rc;
}

/* ---- placement and driver ---------------------------------------------------------------------
 */

void bench_server_ranks(int nservers, int *is_server)
{
	int mine = benchfs_mpi_server_index(MPI_COMM_WORLD, nservers) >= 0;

	MPI_Allgather(&mine, 1, MPI_INT, is_server, 1, MPI_INT, MPI_COMM_WORLD);
}

int bench_raw(struct bench_cfg *c, struct bench_results *res, const int *is_server)
{
	int ncl = 0, nsrv = 0, ci = -1, client0 = -1, rc, any;
	int *servers = malloc(sizeof(int) * (size_t)c->wsize);
	struct bfs_ring ring = {0}; /* as the in-job servers' (src/mpi/injob.c) */
	MPI_Comm cl;

	memset(&R, 0, sizeof(R));
	R.wsize = c->wsize;
	R.me = c->wrank;
	if (!servers)
		MPI_Abort(MPI_COMM_WORLD, 1);
	for (int r = 0; r < c->wsize; r++) {
		if (is_server[r]) {
			servers[nsrv++] = r;
		} else {
			if (r == c->wrank)
				ci = ncl;
			if (client0 < 0)
				client0 = r;
			ncl++;
		}
	}
	R.rcvd = calloc((size_t)R.wsize, sizeof(*R.rcvd));
	R.fin = calloc((size_t)R.wsize, sizeof(*R.fin));
	R.fin_seen = calloc((size_t)R.wsize, 1);
	R.acked = calloc((size_t)R.wsize, 1);
	R.to_srv = calloc((size_t)R.wsize, sizeof(*R.to_srv));
	R.slot = c->raw_msg > 65536 ? c->raw_msg : 65536;
	R.buf = malloc(R.slot);
	if (is_server[R.me]) {
		/* a slot per message each of this server's clients sends, up to AREA_MAX */
		size_t mine = 0, area;
		for (int k = 0; k < ncl; k++)
			mine += servers[k % nsrv] == R.me;
		area = c->raw_size / R.slot * mine * R.slot;
		area = area > AREA_MAX ? AREA_MAX / R.slot * R.slot : area;
		R.nslots = area / R.slot > POOL ? area / R.slot : POOL;
		if ((R.area = malloc(R.nslots * R.slot)))
			memset(R.area, 0x3c, R.nslots * R.slot);
	}
	rc = R.rcvd && R.fin && R.fin_seen && R.acked && R.to_srv && R.buf &&
	             (R.area || !is_server[R.me])
	         ? bfs_ring_init(&ring, (uint32_t)nsrv, BFS_RING_VNODES_DEFAULT,
	                         BFS_RING_SEED_DEFAULT)
	         : -ENOMEM;
	if (!rc)
		rc = ucx_up();
	if (R.buf)
		memset(R.buf, 0x5a, R.slot);
	any = connect_all(is_server) || rc;
	MPI_Allreduce(MPI_IN_PLACE, &any, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
	MPI_Comm_split(MPI_COMM_WORLD, is_server[R.me], R.me, &cl);
	rc = any ? -EIO : 0;
	for (int rep = 0; !rc && rep <= c->reps; rep++) {
		size_t bytes = rep ? c->raw_size : c->raw_size / 8 + c->raw_msg;
		double mibs = 0;
		int err;

		bench_progress(c, "raw-ucx: %s AM streaming, %d clients -> %d servers",
		               rep ? "measured" : "warm-up", ncl, nsrv);
		for (size_t k = 0; k < sizeof(streams) / sizeof(streams[0]); k++) {
			err = stream(c, is_server, cl, ci, ncl, nsrv, servers, &ring,
			             streams[k].one ? bytes / 4 + c->raw_msg : bytes, &streams[k],
			             &mibs);
			MPI_Allreduce(MPI_IN_PLACE, &err, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
			if (err)
				break;
			if (rep && c->wrank == client0)
				bench_fig_add(res, W_RAW, "raw-ucx", "ucx-am", streams[k].name,
				              "MiB/s", mibs);
		}
		if (err) {
			rc = err;
			break;
		}
		bench_progress(c, "raw-ucx: %s round trips", rep ? "measured" : "warm-up");
		err = ping_pong(c, res, client0, servers[0],
		                rep ? c->lat_iters : c->lat_iters / 8 + 1, rep);
		MPI_Allreduce(MPI_IN_PLACE, &err, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
		rc = err;
	}
	if (rc && c->wrank == 0)
		fprintf(stderr, "%s: raw UCX phase failed: %s\n", BENCH_NAME,
		        any ? "UCX initialization or connection failed" : strerror(-rc));
	MPI_Comm_free(&cl);
	bfs_ring_fini(&ring);
	ucx_down();
	free(servers);
	return rc;
}
