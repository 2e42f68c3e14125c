/*
 * io.c - descriptors and data: open, close, pread/pwrite (chunks to their servers, all in
 * flight at once), read/write/lseek, fsync, truncate, fstat.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/client.h"
#include "client/inline.h"
#include "client/io.h"
#include "client/listio.h"
#include "client/ns.h"
#include "common/extent.h"
#include "common/path.h"
#include "common/util.h"

#define PBUF_SIZE (BFS_WIRE_NSTR * (BENCHFS_PATH_MAX + 1))

static int writable(const struct bfs_file *f)
{
	return (f->flags & O_ACCMODE) != O_RDONLY;
}

/* ---- size publication (close-to-open) ---------------------------------------------------------
 */

/* Send the size and mtime this client produced to the file's metadata server. */
static int publish(struct bfs_file *f)
{
	char pbuf[PBUF_SIZE];
	struct bfs_rpc_call c;
	int rc;

	if (!f->dirty)
		return 0;
	bfs_ns_call(&c, BFS_OP_SETATTR, f->path, f->plen, NULL, 0, NULL, 0, pbuf);
	c.req.flags = BFS_F_SIZE_MAX | BFS_F_MTIME | (f->atime_set ? BFS_F_ATIME : 0) |
	              (f->complete ? BFS_F_COMPLETE : 0);
	c.req.size = f->size;
	c.req.mtime_ns = f->mtime_ns;
	c.req.atime_ns = f->atime_ns;
	rc = bfs_rpc_call(&c);
	if (rc == -E2BIG && !(rc = bfs_inline_migrate(f->path, f->plen, f->ino)))
		rc = bfs_rpc_call(&c); /* a size past what the record holds: data moved first */
	if (rc == -ENOENT)
		rc = 0; /* removed or renamed by another client meanwhile: nothing to publish */
	if (!rc)
		f->dirty = f->atime_set = f->complete = 0;
	return rc;
}

static int close_file(struct bfs_file *f)
{
	int rc;

	bfs_aio_drain(f); /* its list I/O requests end first */
	rc = publish(f);

	free(f->path);
	memset(f, 0, sizeof(*f));
	return rc;
}

int bfs_close_all(void)
{
	int rc = 0;

	for (int fd = 0; fd < bfs_cl->nfiles; fd++)
		if (bfs_cl->files[fd].used) {
			int r = close_file(&bfs_cl->files[fd]);
			rc = rc ? rc : r;
		}
	return rc;
}

/* at detach (the engine's hook): close every descriptor, free the table */
static int io_detach(void)
{
	int rc = bfs_close_all();

	bfs_files_free();
	return rc;
}

static struct bfs_rpc_hook io_hook = {.detach = io_detach};

/* ---- truncate ----------------------------------------------------------------------------------
 */

/*
 * Set the size of the file @ino (record at @p) to @length. Bytes past it are dropped on every
 * server (another client may have written chunks this one does not know of), unless the file
 * is known to be empty (@maybe_data 0).
 */
static int truncate_file(const char *p, size_t len, uint64_t ino, uint64_t length, int maybe_data)
{
	char pbuf[PBUF_SIZE];
	struct bfs_rpc_call c;
	int64_t t0 = bfs_mono_ns();
	unsigned round = 0;
	int rc;

	if (length > (uint64_t)BENCHFS_FILE_MAX)
		return -EFBIG;
	for (;;) {
		bfs_ns_call(&c, BFS_OP_SETATTR, p, len, NULL, 0, NULL, 0, pbuf);
		c.req.flags = BFS_F_SIZE | BFS_F_MTIME;
		c.req.size = length;
		c.req.mtime_ns = bfs_now_ns();
		rc = bfs_rpc_call(&c);
		if (rc == -E2BIG) /* an inline file grown past its limit: its data moves first */
			rc = bfs_inline_migrate(p, len, ino) ? rc : -EAGAIN;
		if (rc != -EAGAIN || (rc = bfs_inline_retry(t0, &round)))
			break;
	}
	if (rc || !maybe_data || (c.rep.inode.flags & BFS_INODE_INLINE))
		return rc; /* an inline file's bytes were all in its record */
	return bfs_data_fanout(BFS_OP_TRUNCATE, ino, length, NULL, bfs_cl->nservers);
}

/* ---- open --------------------------------------------------------------------------------------
 */

static int open_record(const char *p, size_t len, struct bfs_inode *ino, int flags);

static int do_open(const char *path, int flags, mode_t mode, size_t chunk_size)
{
	char p[BENCHFS_PATH_MAX + 1], pbuf[PBUF_SIZE];
	int acc = flags & O_ACCMODE, len, rc;
	struct bfs_inode ino;

	if (acc != O_RDONLY && acc != O_WRONLY && acc != O_RDWR)
		return -EINVAL;
	if (chunk_size && !bfs_chunk_size_valid(chunk_size))
		return -EINVAL;
	len = bfs_norm(path, p);
	if (len < 0)
		return len;
	if (len == 1)
		return (flags & O_CREAT) && (flags & O_EXCL) ? -EEXIST : -EISDIR;
	if (flags & O_CREAT) {
		struct bfs_rpc_call c;

		rc = bfs_check_parent(p, (size_t)len);
		if (rc)
			return rc;
		bfs_ns_call(&c, BFS_OP_CREATE, p, (size_t)len, NULL, 0, NULL, 0, pbuf);
		c.req.flags = (flags & O_EXCL) ? BFS_F_EXCL : 0;
		if (flags & BENCHFS_O_INCOMPLETE)
			c.req.flags |= BFS_F_INCOMPLETE;
		c.req.mode = S_IFREG | (mode & 07777);
		c.req.uid = bfs_cl->uid;
		c.req.gid = bfs_cl->gid;
		c.req.chunk_size = chunk_size ? (uint32_t)chunk_size : bfs_cl->chunk_default;
		rc = bfs_rpc_call(&c);
		ino = c.rep.inode;
		if (rc == -EEXIST && !(flags & O_EXCL)) {
			/* something that is not a regular file is there */
			rc = bfs_lookup(p, (size_t)len, &ino, NULL);
			if (!rc)
				rc = S_ISDIR(ino.mode) ? -EISDIR : -ELOOP;
		}
		if (rc)
			return rc;
		if (!c.rep.count)
			flags &= ~O_TRUNC; /* just created: empty already */
	} else {
		rc = bfs_lookup_refine(p, (size_t)len, &ino, NULL);
		if (rc)
			return rc;
		if (S_ISLNK(ino.mode))
			return -ELOOP;
		if (S_ISDIR(ino.mode) && (acc != O_RDONLY || (flags & O_TRUNC)))
			return -EISDIR;
	}
	return open_record(p, (size_t)len, &ino, flags);
}

/* A descriptor with @flags on the file of record @ino at normal path @p (@len bytes),
 * truncated first for O_TRUNC. Return it or -errno. */
static int open_record(const char *p, size_t len, struct bfs_inode *ino, int flags)
{
	int acc = flags & O_ACCMODE, rc, fd;
	struct bfs_file *f;

	bfs_rpc_hook_add(&io_hook);
	fd = bfs_file_alloc(&f);
	if (fd < 0)
		return fd;
	if ((flags & O_TRUNC) && acc != O_RDONLY && S_ISREG(ino->mode)) {
		uint64_t known = BFS_MAX(ino->size, bfs_open_size(ino->ino));
		rc = truncate_file(p, len, ino->ino, 0, known != 0);
		if (rc)
			return rc;
		ino->size = 0;
		bfs_files_set_size(ino->ino, 0);
	}
	f->path = strndup(p, len);
	if (!f->path)
		return -ENOMEM;
	f->used = 1;
	f->plen = len;
	f->ino = ino->ino;
	f->chunk_size = ino->chunk_size;
	f->mode = ino->mode;
	f->flags = flags;
	f->size = BFS_MAX(ino->size, bfs_open_size(ino->ino));
	f->mtime_ns = ino->mtime_ns;
	bfs_inline_note(f, ino);
	return fd;
}

BFS_API int benchfs_open(const char *path, int flags, mode_t mode)
{
	BFS_ENTER();
	BFS_LEAVE(do_open(path, flags, mode, 0));
}

BFS_API int benchfs_create(const char *path, int flags, mode_t mode, size_t chunk_size)
{
	BFS_ENTER();
	BFS_LEAVE(do_open(path, flags | O_CREAT, mode, chunk_size));
}

/* The times of open file @f per @flags (BFS_F_ATIME, BFS_F_MTIME: @at, @mt ns), published by
 * the next fsync or close, with the size. */
static void set_times(struct bfs_file *f, unsigned flags, int64_t at, int64_t mt)
{
	if (flags & BFS_F_ATIME) {
		f->atime_ns = at;
		f->atime_set = 1;
	}
	if (flags & BFS_F_MTIME)
		f->mtime_ns = mt;
	f->dirty = 1;
}

/*
 * The CREATE of a new file of @count bytes that carries them (an inline file) into @c, its
 * payload malloc'ed into *@pbuf: 0, -E2BIG when they do not fit the server's inline limit
 * (nothing built), or the parent check's error.
 */
static int create_call(struct bfs_rpc_call *c, char **pbuf, const char *p, size_t len, mode_t mode,
                       uint32_t chunk, const void *buf, size_t count, unsigned tflags, int64_t at,
                       int64_t mt)
{
	uint32_t limit = bfs_inline_limit(p, len, chunk);
	int rc;

	if (!limit || count > limit)
		return -E2BIG;
	rc = bfs_check_parent(p, len);
	if (rc)
		return rc;
	if (!(*pbuf = malloc(len + count + 1)))
		return -ENOMEM;
	bfs_ns_call(c, BFS_OP_CREATE, p, len, NULL, 0, NULL, 0, *pbuf);
	if (count)
		memcpy(*pbuf + len, buf, count);
	c->send_len += count; /* the bytes follow the path */
	c->req.flags = BFS_F_EXCL | BFS_F_WITH_DATA;
	c->req.mode = S_IFREG | (mode & 07777);
	c->req.uid = bfs_cl->uid;
	c->req.gid = bfs_cl->gid;
	c->req.chunk_size = chunk;
	c->req.length = count;
	c->req.atime_ns = (tflags & BFS_F_ATIME) ? at : 0; /* 0: the server's now */
	c->req.mtime_ns = (tflags & BFS_F_MTIME) ? mt : 0;
	return 0;
}

/* The arguments of benchfs_create_file, checked and resolved. */
struct create_args {
	char p[BENCHFS_PATH_MAX + 1];
	size_t len;
	uint32_t chunk;
	unsigned tflags;
	int64_t at, mt;
};

static int create_args(struct create_args *a, const char *path, size_t chunk_size, const void *buf,
                       size_t count, const struct timespec times[2])
{
	int rc = bfs_utimens_args(times, &a->tflags, &a->at, &a->mt), len;

	if (rc)
		return rc;
	if ((count && !buf) || (chunk_size && !bfs_chunk_size_valid(chunk_size)))
		return -EINVAL;
	if (count > (size_t)BENCHFS_FILE_MAX)
		return -EFBIG;
	len = bfs_norm(path, a->p);
	if (len < 0)
		return len;
	if (len == 1)
		return -EEXIST;
	a->len = (size_t)len;
	a->chunk = chunk_size ? (uint32_t)chunk_size : bfs_cl->chunk_default;
	return 0;
}

/* benchfs_create_file, the long way: create (marked incomplete), write, set the times,
 * complete, close. */
static int create_steps(const struct create_args *a, mode_t mode, const void *buf, size_t count)
{
	struct bfs_file *f;
	int rc = 0, crc, fd;

	fd = do_open(a->p, O_WRONLY | O_CREAT | O_EXCL | BENCHFS_O_INCOMPLETE, mode, a->chunk);
	if (fd < 0)
		return fd;
	f = bfs_file_get(fd);
	for (size_t done = 0; done < count;) {
		ssize_t w = bfs_io_pwrite(f, (const char *)buf + done, count - done, (off_t)done);
		if (w <= 0) {
			rc = w < 0 ? (int)w : -EIO;
			break;
		}
		done += (size_t)w;
		f = bfs_file_get(fd);
	}
	if (!rc) {
		set_times(f, a->tflags, a->at, a->mt);
		f->complete = 1; /* every byte is in: the close clears the mark */
	}
	crc = close_file(f);
	return rc ? rc : crc;
}

/* benchfs_icreate_file: the one request started, or the steps done at once. */
static int icreate_file(const struct create_args *a, mode_t mode, const void *buf, size_t count,
                        benchfs_request_t **req)
{
	struct bfs_rpc_call c;
	char *pbuf = NULL;
	int rc = create_call(&c, &pbuf, a->p, a->len, mode, a->chunk, buf, count, a->tflags, a->at,
	                     a->mt);

	if (rc == -E2BIG) { /* the long way, done now: its error is the call's */
		rc = create_steps(a, mode, buf, count);
		if (rc)
			return rc;
		*req = bfs_req_done(0);
	} else if (rc == 0)
		*req = bfs_req_call(&c, pbuf);
	else
		return rc;
	return *req ? 0 : -ENOMEM;
}

/* benchfs_create_file: the request of benchfs_icreate_file, waited for; the steps when the
 * server wants them after all. */
static int create_file(const char *path, mode_t mode, size_t chunk_size, const void *buf,
                       size_t count, const struct timespec times[2])
{
	benchfs_request_t *req;
	struct create_args a;
	int rc = create_args(&a, path, chunk_size, buf, count, times);

	if (!rc)
		rc = icreate_file(&a, mode, buf, count, &req);
	if (rc)
		return rc;
	rc = (int)bfs_req_wait(req);
	return rc == -E2BIG ? create_steps(&a, mode, buf, count) : rc;
}

BFS_API int benchfs_create_file(const char *path, mode_t mode, size_t chunk_size, const void *buf,
                                size_t count, const struct timespec times[2])
{
	BFS_ENTER();
	BFS_LEAVE(create_file(path, mode, chunk_size, buf, count, times));
}

BFS_API int benchfs_icreate_file(const char *path, mode_t mode, size_t chunk_size, const void *buf,
                                 size_t count, const struct timespec times[2],
                                 benchfs_request_t **req)
{
	struct create_args a;
	int rc;

	if (!req)
		return -EINVAL;
	*req = NULL;
	BFS_ENTER();
	rc = create_args(&a, path, chunk_size, buf, count, times);
	BFS_LEAVE(rc ? rc : icreate_file(&a, mode, buf, count, req));
}

/* done of a read_file: the record checked, an inline file's bytes taken (the rest up to its
 * size are zeros), or the mark that they are in chunks (finish reads them) */
static ssize_t read_file_done(void *ctx, struct bfs_rpc_call *c, ssize_t rc)
{
	struct bfs_ns_req *q = ctx;
	size_t got = c->rep_len, end;

	if (rc)
		return rc;
	q->ino = c->rep.inode;
	if (S_ISLNK(q->ino.mode))
		return -ELOOP;
	if (S_ISDIR(q->ino.mode))
		return -EISDIR;
	if (q->st)
		bfs_inode_to_stat(&q->ino, q->st);
	if (c->rep.count != 1) { /* no bytes came: they are in chunks */
		q->chunked = 1;
		return 0;
	}
	end = (size_t)BFS_MIN((uint64_t)q->count, q->ino.size);
	if (got > end)
		return -EIO;
	memset((char *)q->buf + got, 0, end - got);
	return (ssize_t)end;
}

/* finish of a read_file: a missing path's error refined; a chunked file opened, read, closed */
static ssize_t read_file_finish(void *ctx, ssize_t rc)
{
	struct bfs_ns_req *q = ctx;
	int fd;

	if (rc || !q->chunked)
		return bfs_ns_req_refine(ctx, rc);
	fd = open_record(q->p, q->len, &q->ino, O_RDONLY);
	if (fd < 0)
		return fd;
	rc = bfs_io_pread(bfs_file_get(fd), q->buf, q->count, 0);
	close_file(bfs_file_get(fd));
	return rc;
}

static const struct bfs_req_ops read_file_ops = {read_file_done, read_file_finish};

/* benchfs_read_file: one LOOKUP bringing an inline file's bytes, else open, pread, close; with
 * @req, as a request. */
static ssize_t read_file(const char *path, void *buf, size_t count, struct stat *st,
                         benchfs_request_t **req)
{
	struct bfs_ns_req local, *q;
	struct bfs_rpc_call c;
	int rc;

	if (count && !buf)
		return -EINVAL;
	rc = bfs_ns_req_start(path, &local, req, &q);
	if (rc)
		return rc;
	if (q->len == 1)
		return bfs_ns_req_end(q, -EISDIR, req);
	q->buf = buf;
	q->count = count;
	q->st = st;
	q->chunked = 0;
	bfs_ns_call(&c, BFS_OP_LOOKUP, q->p, q->len, NULL, 0, NULL, 0, q->pbuf);
	c.req.flags = BFS_F_WITH_DATA;
	c.req.max = (uint32_t)BFS_MIN(count, (size_t)BFS_INLINE_LIMIT);
	c.recv_buf = buf; /* (nothing is malloc'ed when @buf takes the bytes) */
	c.recv_cap = c.req.max;
	return bfs_ns_req_run(q, &c, &read_file_ops, req);
}

BFS_API ssize_t benchfs_read_file(const char *path, void *buf, size_t count, struct stat *st)
{
	BFS_ENTER();
	BFS_LEAVE(read_file(path, buf, count, st, NULL));
}

BFS_API int benchfs_iread_file(const char *path, void *buf, size_t count, struct stat *st,
                               benchfs_request_t **req)
{
	if (!req)
		return -EINVAL;
	*req = NULL;
	BFS_ENTER();
	BFS_LEAVE((int)read_file(path, buf, count, st, req));
}

BFS_API int benchfs_close(int fd)
{
	struct bfs_file *f;

	BFS_ENTER();
	f = bfs_file_get(fd);
	if (!f)
		BFS_LEAVE(-EBADF);
	BFS_LEAVE(close_file(f));
}

/* ---- data path ----------------------------------------------------------------------------------
 */

static ssize_t do_pwrite(struct bfs_file *f, const void *buf, size_t count, off_t offset)
{
	return bfs_io_pwrite(f, buf, count, offset);
}

static ssize_t do_pread(struct bfs_file *f, void *buf, size_t count, off_t offset)
{
	return bfs_io_pread(f, buf, count, offset);
}

BFS_API ssize_t benchfs_pwrite(int fd, const void *buf, size_t count, off_t offset)
{
	struct bfs_file *f;

	BFS_ENTER();
	f = bfs_file_get(fd);
	BFS_LEAVE(f ? do_pwrite(f, buf, count, offset) : -EBADF);
}

BFS_API ssize_t benchfs_pread(int fd, void *buf, size_t count, off_t offset)
{
	struct bfs_file *f;

	BFS_ENTER();
	f = bfs_file_get(fd);
	BFS_LEAVE(f ? do_pread(f, buf, count, offset) : -EBADF);
}

BFS_API ssize_t benchfs_write(int fd, const void *buf, size_t count)
{
	struct bfs_file *f;
	ssize_t n;

	BFS_ENTER();
	f = bfs_file_get(fd);
	if (!f)
		BFS_LEAVE(-EBADF);
	if (f->flags & O_APPEND) {
		bfs_file_learn_size(f); /* append at the end as last published, or our own */
		f->pos = f->size;
	}
	n = do_pwrite(f, buf, count, (off_t)f->pos);
	if (n > 0)
		f->pos += (uint64_t)n;
	BFS_LEAVE(n);
}

BFS_API ssize_t benchfs_read(int fd, void *buf, size_t count)
{
	struct bfs_file *f;
	ssize_t n;

	BFS_ENTER();
	f = bfs_file_get(fd);
	if (!f)
		BFS_LEAVE(-EBADF);
	n = do_pread(f, buf, count, (off_t)f->pos);
	if (n > 0)
		f->pos += (uint64_t)n;
	BFS_LEAVE(n);
}

BFS_API off_t benchfs_lseek(int fd, off_t offset, int whence)
{
	struct bfs_file *f;
	int64_t base;

	BFS_ENTER();
	f = bfs_file_get(fd);
	if (!f)
		BFS_LEAVE(-EBADF);
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)f->pos;
		break;
	case SEEK_END:
		bfs_file_learn_size(f);
		base = (int64_t)f->size;
		break;
	default:
		BFS_LEAVE(-EINVAL);
	}
	if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0)
		BFS_LEAVE(-EINVAL);
	f->pos = (uint64_t)(base + offset);
	BFS_LEAVE((off_t)f->pos);
}

BFS_API int benchfs_fsync(int fd)
{
	struct bfs_file *f;
	uint32_t *servers;
	int rc;

	BFS_ENTER();
	f = bfs_file_get(fd);
	if (!f)
		BFS_LEAVE(-EBADF);
	if (!S_ISREG(f->mode))
		BFS_LEAVE(0);
	servers = malloc(bfs_cl->nservers * sizeof(*servers));
	if (!servers)
		BFS_LEAVE(-ENOMEM);
	rc = bfs_data_fanout(BFS_OP_FSYNC, f->ino, 0, servers,
	                     bfs_data_servers(f->ino, 0, f->size, f->chunk_size, servers));
	free(servers);
	if (!rc)
		rc = publish(f);
	BFS_LEAVE(rc);
}

BFS_API int benchfs_futimens(int fd, const struct timespec times[2])
{
	struct bfs_file *f;
	unsigned flags;
	int64_t at, mt;
	int rc = bfs_utimens_args(times, &flags, &at, &mt);

	if (rc)
		return rc;
	BFS_ENTER();
	f = bfs_file_get(fd);
	if (!f)
		BFS_LEAVE(-EBADF);
	set_times(f, flags, at, mt);
	BFS_LEAVE(0);
}

BFS_API int benchfs_fcomplete(int fd)
{
	struct bfs_file *f;

	BFS_ENTER();
	f = bfs_file_get(fd);
	if (!f)
		BFS_LEAVE(-EBADF);
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		BFS_LEAVE(-EBADF);
	f->complete = 1;
	f->dirty = 1; /* published by the next fsync or close */
	BFS_LEAVE(0);
}

BFS_API int benchfs_ftruncate(int fd, off_t length)
{
	struct bfs_file *f;
	int rc;

	BFS_ENTER();
	f = bfs_file_get(fd);
	if (!f || !writable(f))
		BFS_LEAVE(-EBADF);
	if (length < 0)
		BFS_LEAVE(-EINVAL);
	if (!S_ISREG(f->mode))
		BFS_LEAVE(-EISDIR);
	rc = truncate_file(f->path, f->plen, f->ino, (uint64_t)length, 1);
	if (!rc) {
		f->size = (uint64_t)length;
		f->dirty = 0; /* the record holds the exact size now */
	}
	BFS_LEAVE(rc);
}

BFS_API int benchfs_truncate(const char *path, off_t length)
{
	char p[BENCHFS_PATH_MAX + 1];
	struct bfs_inode ino;
	int len, rc;

	if (length < 0)
		return -EINVAL;
	BFS_ENTER();
	len = bfs_norm(path, p);
	if (len < 0)
		BFS_LEAVE(len);
	rc = bfs_lookup_refine(p, (size_t)len, &ino, NULL);
	if (rc)
		BFS_LEAVE(rc);
	if (S_ISDIR(ino.mode))
		BFS_LEAVE(-EISDIR);
	if (S_ISLNK(ino.mode))
		BFS_LEAVE(-ELOOP);
	rc = truncate_file(p, (size_t)len, ino.ino, (uint64_t)length, 1);
	if (!rc)
		bfs_files_set_size(ino.ino, (uint64_t)length);
	BFS_LEAVE(rc);
}

BFS_API int benchfs_fmode(int fd)
{
	struct bfs_file *f;

	BFS_ENTER();
	f = bfs_file_get(fd);
	BFS_LEAVE(f ? (int)f->mode : -EBADF);
}

BFS_API int benchfs_fstat(int fd, struct stat *st)
{
	struct bfs_file *f;
	struct bfs_inode ino;
	int rc;

	BFS_ENTER();
	f = bfs_file_get(fd);
	if (!f)
		BFS_LEAVE(-EBADF);
	if (!st)
		BFS_LEAVE(-EINVAL);
	rc = bfs_lookup(f->path, f->plen, &ino, NULL);
	if (rc || ino.ino != f->ino) {
		/* removed meanwhile: answer from what the descriptor knows */
		memset(&ino, 0, sizeof(ino));
		ino.ino = f->ino;
		ino.mode = f->mode;
		ino.chunk_size = f->chunk_size;
		ino.mtime_ns = f->mtime_ns;
	}
	ino.size = BFS_MAX(ino.size, bfs_open_size(f->ino));
	if (f->dirty) {
		ino.mtime_ns = f->mtime_ns;
		if (f->atime_set)
			ino.atime_ns = f->atime_ns;
	}
	bfs_inode_to_stat(&ino, st);
	BFS_LEAVE(0);
}

/* ---- sharing an open file between processes ---------------------------------------------------
 */

#define EXPORT_MAGIC 0x42465348u /* "BFSH" */

struct export_hdr {
	uint32_t magic;
	uint32_t chunk_size;
	uint64_t ino;
	uint64_t size;
	uint32_t mode; /* st_mode, and EXPORT_INLINE */
	uint32_t plen;
};
#define EXPORT_INLINE 0x80000000u /* the descriptor knows its file is inline (inline.h) */

BFS_API ssize_t benchfs_export(int fd, void *buf, size_t len)
{
	struct export_hdr h;
	struct bfs_file *f;
	size_t need;

	BFS_ENTER();
	f = bfs_file_get(fd);
	if (!f)
		BFS_LEAVE(-EBADF);
	need = sizeof(h) + f->plen;
	if (!buf || len < need)
		BFS_LEAVE(-ERANGE);
	h = (struct export_hdr){EXPORT_MAGIC,
	                        f->chunk_size,
	                        f->ino,
	                        f->size,
	                        (uint32_t)f->mode | (f->inl ? EXPORT_INLINE : 0),
	                        (uint32_t)f->plen};
	memcpy(buf, &h, sizeof(h));
	memcpy((char *)buf + sizeof(h), f->path, f->plen);
	BFS_LEAVE((ssize_t)need);
}

BFS_API int benchfs_import(const void *buf, size_t len, int flags)
{
	int acc = flags & O_ACCMODE, fd;
	struct export_hdr h;
	struct bfs_file *f;
	char *path;

	if (!buf || len < sizeof(h))
		return -EINVAL;
	memcpy(&h, buf, sizeof(h));
	if (h.magic != EXPORT_MAGIC || h.plen == 0 || h.plen > BENCHFS_PATH_MAX ||
	    len < sizeof(h) + h.plen ||
	    (S_ISDIR(h.mode) ? h.chunk_size != 0 : !bfs_is_pow2(h.chunk_size)))
		return -EINVAL; /* (a directory has no chunk size) */
	if (acc != O_RDONLY && acc != O_WRONLY && acc != O_RDWR)
		return -EINVAL;
	if (S_ISDIR(h.mode) && acc != O_RDONLY)
		return -EISDIR;
	if (!(path = strndup((const char *)buf + sizeof(h), h.plen)))
		return -ENOMEM;
	pthread_mutex_lock(&bfs_client_lock);
	if (!bfs_cl) {
		pthread_mutex_unlock(&bfs_client_lock);
		free(path);
		return -ENOTCONN;
	}
	bfs_rpc_hook_add(&io_hook);
	fd = bfs_file_alloc(&f);
	if (fd < 0) {
		free(path);
		BFS_LEAVE(fd);
	}
	f->path = path;
	f->used = 1;
	f->plen = h.plen;
	f->ino = h.ino;
	f->chunk_size = h.chunk_size;
	f->mode = h.mode & ~EXPORT_INLINE;
	f->flags = flags & ~(O_CREAT | O_EXCL | O_TRUNC);
	f->size = BFS_MAX(h.size, bfs_open_size(h.ino));
	f->mtime_ns = bfs_now_ns();
	{
		struct bfs_inode ino = {.ino = h.ino,
		                        .mode = f->mode,
		                        .chunk_size = h.chunk_size,
		                        .flags = (h.mode & EXPORT_INLINE) ? BFS_INODE_INLINE : 0};
		bfs_inline_note(f, &ino); /* the exporter's descriptor went to its record */
	}
	BFS_LEAVE(fd);
}

BFS_API int benchfs_frefresh(int fd)
{
	struct bfs_inode ino;
	struct bfs_file *f;
	int rc;

	BFS_ENTER();
	f = bfs_file_get(fd);
	if (!f)
		BFS_LEAVE(-EBADF);
	bfs_aio_drain(f);
	rc = bfs_lookup(f->path, f->plen, &ino, NULL);
	if (!rc && ino.ino != f->ino)
		rc = -ESTALE;
	if (!rc)
		f->size = ino.size;
	BFS_LEAVE(rc);
}

/* ---- byte-range locks -------------------------------------------------------------------------
 */

BFS_API int benchfs_lock(int fd, int cmd, int type, off_t start, off_t len)
{
	struct bfs_file *f;
	struct bfs_rpc_call c;
	int rc;

	if ((cmd != F_SETLK && cmd != F_SETLKW) ||
	    (type != F_RDLCK && type != F_WRLCK && type != F_UNLCK) || start < 0 || len < 0)
		return -EINVAL;
	BFS_ENTER();
	f = bfs_file_get(fd);
	if (!f)
		BFS_LEAVE(-EBADF);
	if (!S_ISREG(f->mode))
		BFS_LEAVE(-EINVAL);
	if (type == F_UNLCK) {
		/* release consistency: what was written under the lock is published first */
		bfs_aio_drain(f);
		rc = publish(f);
		if (rc)
			BFS_LEAVE(rc);
	}
	bfs_rpc_call_init(&c, type == F_UNLCK ? BFS_OP_UNLOCK : BFS_OP_LOCK,
	                  bfs_ring_chunk(&bfs_cl->ring, f->ino, 0));
	c.req.ino = f->ino;
	c.req.offset = (uint64_t)start;
	c.req.length = (uint64_t)len;
	c.req.flags = (type == F_WRLCK ? BFS_F_WRLOCK : 0) | (cmd == F_SETLK ? BFS_F_NOWAIT : 0);
	rc = bfs_rpc_call(&c);
	if (type == F_UNLCK)
		BFS_LEAVE(rc);
	if (rc == -ETIMEDOUT) {
		/* still queued on the server, maybe: take the request back */
		c.req.op = BFS_OP_UNLOCK;
		c.req.flags = 0;
		bfs_rpc_call(&c);
	}
	if (rc)
		BFS_LEAVE(rc);
	bfs_file_learn_size(f); /* acquire: take the size the previous holder published */
	BFS_LEAVE(0);
}
