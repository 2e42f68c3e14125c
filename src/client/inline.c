/*
 * inline.c - reads, writes and the migration of inline files (see inline.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/calls.h"
#include "client/client.h"
#include "client/inline.h"
#include "common/util.h"

#define PBUF_SIZE (BFS_WIRE_NSTR * (BENCHFS_PATH_MAX + 1))

uint32_t bfs_inline_limit(const char *path, size_t len, uint32_t chunk_size)
{
	uint32_t s = bfs_ring_path(&bfs_cl->ring, path, len);

	if (!bfs_rpc_connected(s))
		bfs_rpc_connect(&s, 1); /* its HELLO says the limit */
	return (uint32_t)BFS_MIN(bfs_rpc_ctx->inline_max[s], chunk_size);
}

void bfs_inline_note(struct bfs_file *f, const struct bfs_inode *ino)
{
	f->inl = S_ISREG(ino->mode) && (ino->flags & BFS_INODE_INLINE);
	f->imax = f->inl ? bfs_inline_limit(f->path, f->plen, f->chunk_size) : 0;
}

void bfs_inline_gone(uint64_t ino)
{
	struct bfs_file *f;

	for (int pos = 0; (f = bfs_file_next(ino, &pos));)
		f->inl = 0;
}

int bfs_inline_retry(int64_t t0, unsigned *round)
{
	struct timespec ts = {0, (long)BFS_MIN(20000u << BFS_MIN(*round, 6u), 1000000u)};

	if (bfs_mono_ns() - t0 > bfs_rpc_ctx->timeout_ns)
		return -ETIMEDOUT;
	(*round)++;
	nanosleep(&ts, NULL);
	return 0;
}

/* Run inline call @c of open file @f; an answer that the file is not inline (BFS_F_CHUNKED, or
 * no such inode at its path) sets *@chunked and tells the other descriptors. */
static int inline_call(struct bfs_rpc_call *c, uint64_t ino, int *chunked)
{
	int rc = bfs_rpc_call(c);

	*chunked = (rc >= 0 && (c->rep.flags & BFS_F_CHUNKED)) || rc == -ENOENT;
	if (*chunked) {
		bfs_inline_gone(ino);
		return 0;
	}
	return rc;
}

ssize_t bfs_inline_pwrite(struct bfs_file *f, const void *buf, size_t len, uint64_t off,
                          int *chunked)
{
	struct bfs_rpc_call c;
	int64_t t0 = bfs_mono_ns(), now = bfs_now_ns();
	unsigned round = 0;
	char *pbuf = malloc(f->plen + len);
	int rc;

	if (!pbuf)
		return -ENOMEM;
	memcpy(pbuf + f->plen, buf, len);
	for (;;) {
		bfs_ns_call(&c, BFS_OP_IWRITE, f->path, f->plen, NULL, 0, NULL, 0, pbuf);
		c.req.ino = f->ino;
		c.req.offset = off;
		c.req.length = len;
		c.req.mtime_ns = now;
		c.send_len += len; /* the bytes follow the path */
		rc = inline_call(&c, f->ino, chunked);
		if (rc != -EAGAIN || (rc = bfs_inline_retry(t0, &round)))
			break;
	}
	free(pbuf);
	if (rc < 0 || *chunked)
		return rc;
	f->mtime_ns = now;
	return (uint64_t)rc == len ? (ssize_t)len : -EIO;
}

ssize_t bfs_inline_pread(struct bfs_file *f, void *buf, size_t len, uint64_t off, int *chunked,
                         uint64_t *size)
{
	char pbuf[PBUF_SIZE];
	struct bfs_rpc_call c;
	int rc;

	len = BFS_MIN(len, (size_t)BFS_INLINE_LIMIT);
	bfs_ns_call(&c, BFS_OP_IREAD, f->path, f->plen, NULL, 0, NULL, 0, pbuf);
	c.req.ino = f->ino;
	c.req.offset = off;
	c.req.length = len;
	c.recv_buf = buf;
	c.recv_cap = len;
	rc = inline_call(&c, f->ino, chunked);
	if (rc < 0 || *chunked)
		return rc;
	if ((uint64_t)rc != c.rep_len || (size_t)rc > len)
		return -EIO; /* fewer bytes arrived than the server sent */
	*size = c.rep.inode.size;
	return rc;
}

/* MIGRATE of @ino at @path with @flags; the reply's payload is malloc'ed (release it). */
static int migrate_call(struct bfs_rpc_call *c, const char *path, size_t len, uint64_t ino,
                        uint16_t flags, char *pbuf)
{
	bfs_ns_call(c, BFS_OP_MIGRATE, path, len, NULL, 0, NULL, 0, pbuf);
	c->req.ino = ino;
	c->req.flags = flags;
	return bfs_rpc_call(c);
}

/*
 * Write the @n bytes of @data at offset 0 of @ino's chunk 0, after dropping whatever the
 * server holds of @ino (an earlier attempt that failed half-way: bytes past @n there would
 * read as data).
 */
static int write_chunk0(uint64_t ino, const void *data, size_t n)
{
	uint32_t s0 = bfs_ring_chunk(&bfs_cl->ring, ino, 0);
	struct bfs_rpc_call c;
	int rc = bfs_data_fanout(BFS_OP_TRUNCATE, ino, 0, &s0, 1);

	if (rc)
		return rc;
	bfs_rpc_call_init(&c, BFS_OP_WRITE, s0);
	c.req.ino = ino;
	c.req.offset = 0;
	c.req.length = n;
	c.send_buf = data;
	c.send_len = n;
	rc = bfs_rpc_call(&c);
	return rc < 0 ? rc : (size_t)rc == n ? 0 : -EIO;
}

int bfs_inline_migrate(const char *path, size_t len, uint64_t ino)
{
	char pbuf[PBUF_SIZE];
	struct bfs_rpc_call c;
	int64_t t0 = bfs_mono_ns();
	unsigned round = 0;
	int rc;

	for (;;) {
		rc = migrate_call(&c, path, len, ino, 0, pbuf);
		if (rc >= 0 && !(c.rep.flags & BFS_F_CHUNKED)) {
			/* the bytes are ours to move: chunk 0, then the record lets them go */
			rc = write_chunk0(ino, c.rep_payload, c.rep_len);
			bfs_rpc_call_release(&c);
			if (rc) {
				migrate_call(&c, path, len, ino, BFS_F_ABORT, pbuf);
				return rc;
			}
			rc = migrate_call(&c, path, len, ino, BFS_F_DONE, pbuf);
			if (rc == -ENOENT) { /* removed meanwhile: what we wrote has no file */
				uint32_t s0 = bfs_ring_chunk(&bfs_cl->ring, ino, 0);
				bfs_data_fanout(BFS_OP_PURGE, ino, 0, &s0, 1);
			}
		}
		bfs_rpc_call_release(&c);
		if (rc != -EAGAIN || (rc = bfs_inline_retry(t0, &round)))
			break;
	}
	if (rc == 0 || rc == -ENOENT) {
		bfs_inline_gone(ino);
		return 0;
	}
	return rc;
}
