/*
 * client.c - attaching and detaching the client library, and its control calls (address files,
 * server count, shutdown, metrics, statfs, fork) (see client.h). The calls themselves go
 * through the engine of net/rpc.h.
 */
#include "client/client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/stats.h"
#include "common/util.h"
#include "net/addrfile.h"

struct bfs_client *bfs_cl;
pthread_mutex_t bfs_client_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- attach / detach ----------------------------------------------------------------------- */

int bfs_client_attach(uint32_t nservers, void *const *addrs, const size_t *lens, uint32_t vnodes,
                      uint64_t seed, uint64_t secret)
{
	struct bfs_client *cl;
	int rc;

	if (bfs_cl)
		return -EALREADY;
	cl = calloc(1, sizeof(*cl));
	if (!cl)
		return -ENOMEM;
	cl->nservers = nservers;
	cl->chunk_default = (uint32_t)bfs_env_u64("BENCHFS_CHUNK_SIZE", BENCHFS_CHUNK_SIZE_DEFAULT);
	cl->dcache_ttl_ns = (int64_t)bfs_env_u64("BENCHFS_DIR_CACHE_TTL", 5) * BFS_NSEC;
	cl->uid = (uint32_t)getuid();
	cl->gid = (uint32_t)getgid();
	rc = bfs_ring_init(&cl->ring, nservers, vnodes, seed);
	if (rc)
		goto fail;
	rc = bfs_rpc_attach(nservers, addrs, lens, secret);
	if (rc)
		goto fail_ring;
	bfs_cl = cl;
	return 0;
fail_ring:
	bfs_ring_fini(&cl->ring);
fail:
	free(cl);
	return rc;
}

int bfs_client_detach(void)
{
	struct bfs_client *cl = bfs_cl;
	int rc;

	if (!cl)
		return -ENOTCONN;
	rc = bfs_rpc_detach(); /* the hooks close descriptors and free what io, list I/O, ns hold */
	bfs_ring_fini(&cl->ring);
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
	pthread_mutex_lock(&bfs_client_lock);
	rc = bfs_client_attach(af.nservers, af.addrs, af.lens, af.vnodes, af.seed, af.secret);
	pthread_mutex_unlock(&bfs_client_lock);
	bfs_addrfile_free(&af);
	return rc;
}

BFS_API int benchfs_term(void)
{
	int rc;

	pthread_mutex_lock(&bfs_client_lock);
	rc = bfs_client_detach();
	pthread_mutex_unlock(&bfs_client_lock);
	return rc;
}

BFS_API int benchfs_server_count(void)
{
	BFS_ENTER();
	BFS_LEAVE((int)bfs_cl->nservers);
}

BFS_API int benchfs_shutdown_servers(void)
{
	struct bfs_rpc_call **calls;
	int rc;

	BFS_ENTER();
	calls = bfs_rpc_calls_new(bfs_cl->nservers, BFS_OP_SHUTDOWN, NULL);
	if (!calls)
		BFS_LEAVE(-ENOMEM);
	bfs_rpc_run(calls, bfs_cl->nservers);
	rc = bfs_rpc_status(calls, bfs_cl->nservers);
	free(calls);
	BFS_LEAVE(rc);
}

BFS_API int benchfs_server_stats(int server, struct benchfs_server_stats *st, int flags)
{
	struct bfs_rpc_call c;
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
	bfs_rpc_call_init(&c, BFS_OP_STATS, (uint32_t)server);
	c.req.flags = (flags & BENCHFS_STATS_RESET) ? BFS_F_RESET : 0;
	c.recv_buf = buf;
	c.recv_cap = BFS_STATS_WIRE_SIZE;
	rc = bfs_rpc_call(&c);
	if (!rc)
		rc = bfs_stats_decode(buf, c.rep_len, st);
	free(buf);
	BFS_LEAVE(rc);
}

BFS_API int benchfs_statfs(struct benchfs_statfs *st)
{
	struct bfs_rpc_call **calls;
	uint8_t *bufs;
	uint64_t *keys;
	uint32_t n;
	int rc;

	if (!st)
		return -EINVAL;
	BFS_ENTER();
	n = bfs_cl->nservers;
	calls = bfs_rpc_calls_new(n, BFS_OP_STATFS, NULL);
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
	bfs_rpc_run(calls, n);
	rc = bfs_rpc_status(calls, n);
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
	rc = bfs_addrfile_write(path, bfs_rpc_ctx->secret, bfs_cl->nservers, bfs_rpc_ctx->addrs,
	                        bfs_rpc_ctx->addr_lens, bfs_cl->ring.vnodes, bfs_cl->ring.seed);
	BFS_LEAVE(rc);
}

BFS_API void benchfs_atfork_child(void)
{
	/* the parent's connections, worker and files stay the parent's: forget them (their
	 * memory is the child's copy, left as it is; its sockets are the parent's too) */
	pthread_mutex_init(&bfs_client_lock,
	                   NULL); /* another thread may have held it at the fork */
	bfs_rpc_forget();
	bfs_cl = NULL;
}
