/*
 * calls.c - the client's call builders (see calls.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client/calls.h"
#include "client/client.h"

void bfs_ns_call(struct bfs_rpc_call *c, uint8_t op, const char *path, size_t len, const char *s1,
                 size_t l1, const char *s2, size_t l2, char *pbuf)
{
	bfs_rpc_call_init(c, op, bfs_ring_path(&bfs_cl->ring, path, len));
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

uint32_t bfs_data_servers(uint64_t ino, uint64_t first, uint64_t size, uint32_t chunk_size,
                          uint32_t *out)
{
	uint64_t nchunks = chunk_size ? (size + chunk_size - 1) / chunk_size : 0;
	uint32_t n = 0, ns = bfs_cl->nservers;
	uint8_t *seen;

	if (first >= nchunks)
		return 0;
	if (nchunks - first >= 4ull * ns) { /* that many chunks reach every server */
		for (uint32_t i = 0; i < ns; i++)
			out[i] = i;
		return ns;
	}
	seen = calloc(ns, 1);
	if (!seen) {
		for (uint32_t i = 0; i < ns; i++)
			out[i] = i;
		return ns;
	}
	for (uint64_t k = first; k < nchunks && n < ns; k++) {
		uint32_t s = bfs_ring_chunk(&bfs_cl->ring, ino, k);
		if (!seen[s]) {
			seen[s] = 1;
			out[n++] = s;
		}
	}
	free(seen);
	return n;
}

int bfs_data_fanout(uint8_t op, uint64_t ino, uint64_t arg, const uint32_t *servers, uint32_t n)
{
	struct bfs_rpc_call **calls;
	int rc;

	if (n == 0)
		return 0;
	calls = bfs_rpc_calls_new(n, op, servers);
	if (!calls)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		calls[i]->req.ino = ino;
		calls[i]->req.size = arg;
	}
	bfs_rpc_run(calls, n);
	rc = bfs_rpc_status(calls, n);
	free(calls);
	return rc;
}
