/*
 * ns.c - namespace calls: lookup, stat, mkdir, rmdir, unlink, rename, symlink, readlink,
 * attributes, directory streams and find.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "client/client.h"
#include "client/inline.h"
#include "client/listio.h"
#include "client/ns.h"
#include "common/path.h"
#include "common/util.h"

#define PBUF_SIZE (BFS_WIRE_NSTR * (BENCHFS_PATH_MAX + 1))
#define ROOT_INO  1

/* ---- helpers shared with io.c ---------------------------------------------------------------- */

int bfs_norm(const char *in, char *out)
{
	if (!in)
		return -EINVAL;
	return bfs_path_normalize(in, out, BENCHFS_PATH_MAX + 1);
}

int bfs_lookup_refine(const char *path, size_t len, struct bfs_inode *ino, char *target)
{
	int rc = bfs_lookup(path, len, ino, target);

	return rc == -ENOENT ? bfs_enoent(path, len) : rc;
}

void bfs_file_learn_size(struct bfs_file *f)
{
	struct bfs_inode ino;

	if (bfs_lookup(f->path, f->plen, &ino, NULL) == 0 && ino.ino == f->ino)
		f->size = BFS_MAX(f->size, ino.size);
}

int bfs_lookup(const char *path, size_t len, struct bfs_inode *ino, char *target)
{
	char pbuf[PBUF_SIZE];
	struct bfs_rpc_call c;
	int rc;

	if (len == 1) { /* the root is implicit */
		memset(ino, 0, sizeof(*ino));
		ino->ino = ROOT_INO;
		ino->mode = S_IFDIR | 0777;
		return 0;
	}
	bfs_ns_call(&c, BFS_OP_LOOKUP, path, len, NULL, 0, NULL, 0, pbuf);
	rc = bfs_rpc_call(&c);
	if (rc == 0) {
		*ino = c.rep.inode;
		if (target) {
			size_t n = BFS_MIN(c.rep_len, (size_t)BENCHFS_PATH_MAX);
			if (n)
				memcpy(target, c.rep_payload, n);
			target[n] = '\0';
		}
	}
	bfs_rpc_call_release(&c);
	return rc;
}

int bfs_enoent(const char *path, size_t len)
{
	struct bfs_inode ino;
	size_t plen = len;

	/* walk up to the nearest existing ancestor */
	while ((plen = bfs_path_parent(path, plen)) > 1) {
		int rc = bfs_lookup(path, plen, &ino, NULL);
		if (rc == -ENOENT)
			continue;
		if (rc)
			return rc;
		return S_ISDIR(ino.mode) ? -ENOENT : -ENOTDIR;
	}
	return -ENOENT;
}

static struct bfs_dircache_ent *dircache_slot(const char *path, size_t len)
{
	if (!bfs_cl->dcache_cap)
		return NULL;
	return &bfs_cl->dcache[XXH3_64bits(path, len) % bfs_cl->dcache_cap];
}

static int dircache_has(const char *path, size_t len)
{
	struct bfs_dircache_ent *e = dircache_slot(path, len);

	return e && e->path && strlen(e->path) == len && !memcmp(e->path, path, len) &&
	       e->expires_ns > bfs_mono_ns();
}

/* at detach (the engine's hook): free the cache */
static int dircache_free(void)
{
	for (size_t i = 0; i < bfs_cl->dcache_cap; i++)
		free(bfs_cl->dcache[i].path);
	free(bfs_cl->dcache);
	bfs_cl->dcache = NULL;
	bfs_cl->dcache_cap = 0;
	return 0;
}

static struct bfs_rpc_hook dircache_hook = {.detach = dircache_free};

static void dircache_add(const char *path, size_t len)
{
	struct bfs_dircache_ent *e;

	if (bfs_cl->dcache_ttl_ns <= 0)
		return;
	if (!bfs_cl->dcache) {
		bfs_cl->dcache = calloc(4096, sizeof(*bfs_cl->dcache));
		if (!bfs_cl->dcache)
			return;
		bfs_cl->dcache_cap = 4096;
		bfs_rpc_hook_add(&dircache_hook);
	}
	e = dircache_slot(path, len);
	free(e->path);
	e->path = strndup(path, len);
	e->expires_ns = bfs_mono_ns() + bfs_cl->dcache_ttl_ns;
}

void bfs_dircache_forget(const char *path, size_t len)
{
	for (size_t i = 0; i < bfs_cl->dcache_cap; i++) {
		struct bfs_dircache_ent *e = &bfs_cl->dcache[i];
		size_t elen = e->path ? strlen(e->path) : 0;
		if (e->path && elen >= len && !memcmp(e->path, path, len) &&
		    (elen == len || e->path[len] == '/')) {
			free(e->path);
			e->path = NULL;
		}
	}
}

int bfs_check_parent(const char *path, size_t len)
{
	size_t plen = bfs_path_parent(path, len);
	struct bfs_inode ino;
	int rc;

	if (plen <= 1 || dircache_has(path, plen))
		return 0;
	rc = bfs_lookup_refine(path, plen, &ino, NULL);
	if (rc)
		return rc;
	if (!S_ISDIR(ino.mode))
		return -ENOTDIR;
	dircache_add(path, plen);
	return 0;
}

/* Every server, for fan-outs. */
static uint32_t all_servers(uint32_t *out)
{
	for (uint32_t i = 0; i < bfs_cl->nservers; i++)
		out[i] = i;
	return bfs_cl->nservers;
}

/* ---- one call, blocking or as a request ------------------------------------------------------ */

int bfs_ns_req_start(const char *path, struct bfs_ns_req *local, benchfs_request_t **req,
                     struct bfs_ns_req **out)
{
	struct bfs_ns_req *q = local;
	int len;

	if (req) {
		*req = NULL;
		if (!(q = malloc(sizeof(*q))))
			return -ENOMEM;
	}
	len = bfs_norm(path, q->p);
	if (len < 0) {
		if (q != local)
			free(q);
		return len;
	}
	q->len = (size_t)len;
	*out = q;
	return 0;
}

ssize_t bfs_ns_req_run(struct bfs_ns_req *q, struct bfs_rpc_call *c, const struct bfs_req_ops *ops,
                       benchfs_request_t **req)
{
	if (!req)
		return bfs_req_call_now(c, ops, q);
	*req = bfs_req_call_ops(c, ops, q);
	return *req ? 0 : -ENOMEM;
}

ssize_t bfs_ns_req_end(struct bfs_ns_req *q, ssize_t rc, benchfs_request_t **req)
{
	if (!req)
		return rc;
	free(q);
	if (rc < 0)
		return rc;
	*req = bfs_req_done((int)rc);
	return *req ? 0 : -ENOMEM;
}

ssize_t bfs_ns_req_refine(void *ctx, ssize_t rc)
{
	struct bfs_ns_req *q = ctx;

	return rc == -ENOENT ? bfs_enoent(q->p, q->len) : rc;
}

void bfs_inode_to_stat(const struct bfs_inode *ino, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = ino->ino;
	st->st_mode = ino->mode;
	st->st_nlink = S_ISDIR(ino->mode) ? 2 : 1;
	st->st_uid = ino->uid;
	st->st_gid = ino->gid;
	st->st_size = (off_t)ino->size;
	st->st_blksize = ino->chunk_size ? ino->chunk_size : 4096;
	st->st_blocks = (blkcnt_t)((ino->size + 511) / 512);
	st->st_atim = bfs_ns_to_ts(ino->atime_ns);
	st->st_mtim = bfs_ns_to_ts(ino->mtime_ns);
	st->st_ctim = bfs_ns_to_ts(ino->ctime_ns);
}

/* ---- attributes ------------------------------------------------------------------------------ */

/* What lstat reports of record @ino: its attributes (a regular file's size raised to what an
 * open descriptor of this process knows) into *@st, its BENCHFS_FL_* flags into *@flags (may
 * be NULL). */
static void stat_of(struct bfs_inode *ino, struct stat *st, unsigned *flags)
{
	if (S_ISREG(ino->mode))
		ino->size = BFS_MAX(ino->size, bfs_open_size(ino->ino));
	bfs_inode_to_stat(ino, st);
	if (flags)
		*flags = ino->flags & BFS_INODE_FLAGS;
}

static ssize_t stat_done(void *ctx, struct bfs_rpc_call *c, ssize_t rc)
{
	struct bfs_ns_req *q = ctx;

	if (rc)
		return rc;
	q->ino = c->rep.inode;
	if (q->follow && S_ISLNK(q->ino.mode))
		return -ELOOP;
	stat_of(&q->ino, q->st, q->flags);
	return 0;
}

static const struct bfs_req_ops stat_ops = {stat_done, bfs_ns_req_refine};

/* stat (@follow) or lstat of @path into *@st, its flags into *@flags (may be NULL); with @req,
 * as a request. */
static int do_stat(const char *path, struct stat *st, int follow, unsigned *flags,
                   benchfs_request_t **req)
{
	struct bfs_ns_req local, *q;
	struct bfs_rpc_call c;
	int rc;

	if (!st)
		return -EINVAL;
	rc = bfs_ns_req_start(path, &local, req, &q);
	if (rc)
		return rc;
	q->st = st;
	q->follow = follow;
	q->flags = flags;
	if (q->len == 1) { /* the root is implicit */
		bfs_lookup(q->p, 1, &q->ino, NULL);
		stat_of(&q->ino, st, flags);
		return (int)bfs_ns_req_end(q, 0, req);
	}
	bfs_ns_call(&c, BFS_OP_LOOKUP, q->p, q->len, NULL, 0, NULL, 0, q->pbuf);
	return (int)bfs_ns_req_run(q, &c, &stat_ops, req);
}

BFS_API int benchfs_stat(const char *path, struct stat *st)
{
	BFS_ENTER();
	BFS_LEAVE(do_stat(path, st, 1, NULL, NULL));
}

BFS_API int benchfs_lstat(const char *path, struct stat *st)
{
	BFS_ENTER();
	BFS_LEAVE(do_stat(path, st, 0, NULL, NULL));
}

BFS_API int benchfs_lstat_flags(const char *path, struct stat *st, unsigned *flags)
{
	if (!flags)
		return -EINVAL;
	BFS_ENTER();
	BFS_LEAVE(do_stat(path, st, 0, flags, NULL));
}

BFS_API int benchfs_istat(const char *path, struct stat *st, benchfs_request_t **req)
{
	if (!req)
		return -EINVAL;
	*req = NULL;
	BFS_ENTER();
	BFS_LEAVE(do_stat(path, st, 1, NULL, req));
}

BFS_API int benchfs_ilstat(const char *path, struct stat *st, benchfs_request_t **req)
{
	if (!req)
		return -EINVAL;
	*req = NULL;
	BFS_ENTER();
	BFS_LEAVE(do_stat(path, st, 0, NULL, req));
}

static int do_setattr(const char *path, unsigned flags, uint64_t size, int64_t atime, int64_t mtime,
                      uint32_t mode, struct bfs_inode *out)
{
	char p[BENCHFS_PATH_MAX + 1], pbuf[PBUF_SIZE];
	struct bfs_rpc_call c;
	int len = bfs_norm(path, p), rc;

	if (len < 0)
		return len;
	if (len == 1)
		return -EPERM; /* the root's attributes are fixed */
	bfs_ns_call(&c, BFS_OP_SETATTR, p, (size_t)len, NULL, 0, NULL, 0, pbuf);
	c.req.flags = (uint16_t)flags;
	c.req.size = size;
	c.req.atime_ns = atime;
	c.req.mtime_ns = mtime;
	c.req.mode = mode;
	rc = bfs_rpc_call(&c);
	if (rc == -ENOENT)
		rc = bfs_enoent(p, (size_t)len);
	if (!rc && out)
		*out = c.rep.inode;
	return rc;
}

/* Resolve one utimensat time: UTIME_NOW, UTIME_OMIT (flag cleared) or a value. */
static int64_t utime_value(const struct timespec *ts, unsigned *flags, unsigned flag, int64_t now)
{
	if (!ts || ts->tv_nsec == UTIME_NOW)
		return now;
	if (ts->tv_nsec == UTIME_OMIT) {
		*flags &= ~flag;
		return 0;
	}
	return bfs_ts_to_ns(ts);
}

int bfs_utimens_args(const struct timespec *times, unsigned *flags, int64_t *at, int64_t *mt)
{
	int64_t now = bfs_now_ns();

	for (int i = 0; times && i < 2; i++)
		if (times[i].tv_nsec != UTIME_NOW && times[i].tv_nsec != UTIME_OMIT &&
		    (times[i].tv_nsec < 0 || times[i].tv_nsec >= BFS_NSEC))
			return -EINVAL;
	*flags = BFS_F_ATIME | BFS_F_MTIME;
	*at = utime_value(times ? &times[0] : NULL, flags, BFS_F_ATIME, now);
	*mt = utime_value(times ? &times[1] : NULL, flags, BFS_F_MTIME, now);
	return 0;
}

BFS_API int benchfs_utimens(const char *path, const struct timespec times[2])
{
	unsigned flags;
	int64_t at, mt;
	int rc = bfs_utimens_args(times, &flags, &at, &mt);

	if (rc)
		return rc;
	BFS_ENTER();
	BFS_LEAVE(do_setattr(path, flags, 0, at, mt, 0, NULL));
}

BFS_API int benchfs_chmod(const char *path, mode_t mode)
{
	BFS_ENTER();
	BFS_LEAVE(do_setattr(path, BFS_F_MODE, 0, 0, 0, mode & 07777, NULL));
}

BFS_API int benchfs_complete(const char *path)
{
	BFS_ENTER();
	BFS_LEAVE(do_setattr(path, BFS_F_COMPLETE, 0, 0, 0, 0, NULL));
}

/* ---- create and remove ------------------------------------------------------------------------
 */

/* done of a mkdir: the new directory is known to exist */
static ssize_t mkdir_done(void *ctx, struct bfs_rpc_call *c, ssize_t rc)
{
	struct bfs_ns_req *q = ctx;

	(void)c;
	if (!rc)
		dircache_add(q->p, q->len);
	return rc;
}

static const struct bfs_req_ops mkdir_ops = {mkdir_done, NULL};

/* Create a record of @mode at @q's path exclusively, parent checked first (now); with @req, the
 * create is a request. */
static int create_excl(struct bfs_ns_req *q, uint32_t mode, const char *target, size_t tlen,
                       const struct bfs_req_ops *ops, benchfs_request_t **req)
{
	struct bfs_rpc_call c;
	int rc = q->len == 1 ? -EEXIST : bfs_check_parent(q->p, q->len);

	if (rc)
		return (int)bfs_ns_req_end(q, rc, req);
	bfs_ns_call(&c, BFS_OP_CREATE, q->p, q->len, target, tlen, NULL, 0, q->pbuf);
	c.req.flags = BFS_F_EXCL;
	c.req.mode = mode;
	c.req.uid = bfs_cl->uid;
	c.req.gid = bfs_cl->gid;
	return (int)bfs_ns_req_run(q, &c, ops, req);
}

static int do_mkdir(const char *path, mode_t mode, benchfs_request_t **req)
{
	struct bfs_ns_req local, *q;
	int rc = bfs_ns_req_start(path, &local, req, &q);

	return rc ? rc : create_excl(q, S_IFDIR | (mode & 07777), NULL, 0, &mkdir_ops, req);
}

BFS_API int benchfs_mkdir(const char *path, mode_t mode)
{
	BFS_ENTER();
	BFS_LEAVE(do_mkdir(path, mode, NULL));
}

BFS_API int benchfs_imkdir(const char *path, mode_t mode, benchfs_request_t **req)
{
	if (!req)
		return -EINVAL;
	*req = NULL;
	BFS_ENTER();
	BFS_LEAVE(do_mkdir(path, mode, req));
}

BFS_API int benchfs_symlink(const char *target, const char *linkpath)
{
	struct bfs_ns_req local, *q;
	size_t tlen;
	int rc;

	if (!target || !*target)
		return -EINVAL;
	tlen = strlen(target);
	if (tlen > BENCHFS_PATH_MAX)
		return -ENAMETOOLONG;
	BFS_ENTER();
	rc = bfs_ns_req_start(linkpath, &local, NULL, &q);
	BFS_LEAVE(rc ? rc : create_excl(q, S_IFLNK | 0777, target, tlen, NULL, NULL));
}

BFS_API ssize_t benchfs_readlink(const char *path, char *buf, size_t bufsize)
{
	char p[BENCHFS_PATH_MAX + 1], target[BENCHFS_PATH_MAX + 1];
	struct bfs_inode ino;
	int len, rc;
	size_t n;

	BFS_ENTER();
	len = bfs_norm(path, p);
	if (len < 0)
		BFS_LEAVE(len);
	rc = bfs_lookup_refine(p, (size_t)len, &ino, target);
	if (rc)
		BFS_LEAVE(rc);
	if (!S_ISLNK(ino.mode))
		BFS_LEAVE(-EINVAL);
	n = BFS_MIN(strlen(target), bufsize);
	memcpy(buf, target, n);
	BFS_LEAVE((ssize_t)n);
}

/* Fill @c as the REMOVE of the record at @p (flags as REMOVE; @expect: its inode, or 0). */
static void remove_call(struct bfs_rpc_call *c, const char *p, size_t len, unsigned flags,
                        uint64_t expect, char *pbuf)
{
	bfs_ns_call(c, BFS_OP_REMOVE, p, len, NULL, 0, NULL, 0, pbuf);
	c->req.flags = (uint16_t)flags;
	c->req.ino = expect;
}

/* Remove the record at @p (flags as REMOVE) if it is inode @expect, returning the removed
 * inode. */
static int remove_record(const char *p, size_t len, unsigned flags, uint64_t expect,
                         struct bfs_inode *old)
{
	char pbuf[PBUF_SIZE];
	struct bfs_rpc_call c;
	int rc;

	remove_call(&c, p, len, flags, expect, pbuf);
	rc = bfs_rpc_call(&c);
	if (!rc)
		*old = c.rep.inode;
	return rc;
}

/* Drop the data of a removed or replaced file. */
static int purge_data(const struct bfs_inode *ino)
{
	uint32_t *servers;
	uint64_t size;
	uint32_t n;
	int rc;

	if (!S_ISREG(ino->mode) || (ino->flags & BFS_INODE_INLINE))
		return 0; /* an inline file's data went with its record */
	size = BFS_MAX(ino->size, bfs_open_size(ino->ino));
	servers = malloc(bfs_cl->nservers * sizeof(*servers));
	if (!servers)
		return -ENOMEM;
	n = bfs_data_servers(ino->ino, 0, size, ino->chunk_size, servers);
	rc = bfs_data_fanout(BFS_OP_PURGE, ino->ino, 0, servers, n);
	free(servers);
	return rc;
}

static ssize_t unlink_done(void *ctx, struct bfs_rpc_call *c, ssize_t rc)
{
	if (!rc)
		((struct bfs_ns_req *)ctx)->ino = c->rep.inode;
	return rc;
}

/* finish of an unlink: a missing path's error refined, a chunked file's data purged */
static ssize_t unlink_finish(void *ctx, ssize_t rc)
{
	struct bfs_ns_req *q = ctx;

	return rc ? bfs_ns_req_refine(ctx, rc) : purge_data(&q->ino);
}

static const struct bfs_req_ops unlink_ops = {unlink_done, unlink_finish};

static int do_unlink(const char *path, benchfs_request_t **req)
{
	struct bfs_ns_req local, *q;
	struct bfs_rpc_call c;
	int rc = bfs_ns_req_start(path, &local, req, &q);

	if (rc)
		return rc;
	if (q->len == 1)
		return (int)bfs_ns_req_end(q, -EISDIR, req);
	remove_call(&c, q->p, q->len, BFS_F_NOTDIR, 0, q->pbuf);
	return (int)bfs_ns_req_run(q, &c, &unlink_ops, req);
}

BFS_API int benchfs_unlink(const char *path)
{
	BFS_ENTER();
	BFS_LEAVE(do_unlink(path, NULL));
}

BFS_API int benchfs_iunlink(const char *path, benchfs_request_t **req)
{
	if (!req)
		return -EINVAL;
	*req = NULL;
	BFS_ENTER();
	BFS_LEAVE(do_unlink(path, req));
}

BFS_API int benchfs_rmdir(const char *path)
{
	char p[BENCHFS_PATH_MAX + 1], pbuf[PBUF_SIZE];
	struct bfs_rpc_call **calls;
	struct bfs_inode ino;
	int len, rc;

	BFS_ENTER();
	len = bfs_norm(path, p);
	if (len < 0)
		BFS_LEAVE(len);
	if (len == 1)
		BFS_LEAVE(-EBUSY);
	rc = bfs_lookup_refine(p, (size_t)len, &ino, NULL);
	if (!rc && !S_ISDIR(ino.mode))
		rc = -ENOTDIR;
	if (rc)
		BFS_LEAVE(rc);
	/* ask every server whether it holds an entry of the directory */
	calls = bfs_rpc_calls_new(bfs_cl->nservers, BFS_OP_HASCHILD, NULL);
	if (!calls)
		BFS_LEAVE(-ENOMEM);
	memcpy(pbuf, p, (size_t)len);
	for (uint32_t i = 0; i < bfs_cl->nservers; i++) {
		calls[i]->req.len[0] = (uint32_t)len;
		calls[i]->send_buf = pbuf;
		calls[i]->send_len = (size_t)len;
	}
	bfs_rpc_run(calls, bfs_cl->nservers);
	for (uint32_t i = 0; i < bfs_cl->nservers && !rc; i++) {
		rc = calls[i]->status;
		if (!rc && calls[i]->rep.count)
			rc = -ENOTEMPTY;
	}
	free(calls);
	if (!rc)
		rc = remove_record(p, (size_t)len, BFS_F_DIR, ino.ino, &ino);
	if (!rc)
		bfs_dircache_forget(p, (size_t)len);
	BFS_LEAVE(rc);
}

BFS_API int benchfs_rename(const char *oldpath, const char *newpath)
{
	char op[BENCHFS_PATH_MAX + 1], np[BENCHFS_PATH_MAX + 1], target[BENCHFS_PATH_MAX + 1];
	char pbuf[PBUF_SIZE];
	struct bfs_inode ino, gone;
	struct bfs_rpc_call c;
	int olen, nlen, rc;

	BFS_ENTER();
	olen = bfs_norm(oldpath, op);
	if (olen < 0)
		BFS_LEAVE(olen);
	nlen = bfs_norm(newpath, np);
	if (nlen < 0)
		BFS_LEAVE(nlen);
	if (olen == 1)
		BFS_LEAVE(-EBUSY);
	rc = bfs_lookup_refine(op, (size_t)olen, &ino, target);
	if (rc)
		BFS_LEAVE(rc);
	if (S_ISDIR(ino.mode))
		BFS_LEAVE(-EXDEV);
	if (nlen == 1)
		BFS_LEAVE(-EISDIR);
	if (olen == nlen && !memcmp(op, np, (size_t)olen))
		BFS_LEAVE(0);
	rc = bfs_check_parent(np, (size_t)nlen);
	if (rc)
		BFS_LEAVE(rc);
	if (ino.flags & BFS_INODE_INLINE) {
		/* the new path's record may live on another server: the data moves to chunks */
		rc = bfs_inline_migrate(op, (size_t)olen, ino.ino);
		if (rc)
			BFS_LEAVE(rc);
		ino.flags &= ~BFS_INODE_INLINE;
		ino.target_len = 0;
	}
	/* write the record at its new path, then remove the old one */
	bfs_ns_call(&c, BFS_OP_PUT, np, (size_t)nlen, target, ino.target_len ? strlen(target) : 0,
	            NULL, 0, pbuf);
	c.req.ino = ino.ino;
	c.req.mode = ino.mode;
	c.req.uid = ino.uid;
	c.req.gid = ino.gid;
	c.req.chunk_size = ino.chunk_size;
	c.req.length = ino.flags & BFS_INODE_FLAGS; /* an incomplete file stays marked */
	c.req.size = BFS_MAX(ino.size, bfs_open_size(ino.ino));
	c.req.atime_ns = ino.atime_ns;
	c.req.mtime_ns = ino.mtime_ns;
	rc = bfs_rpc_call(&c);
	if (rc)
		BFS_LEAVE(rc);
	gone = c.rep.inode;
	rc = remove_record(op, (size_t)olen, 0, ino.ino, &ino);
	if (rc)
		BFS_LEAVE(rc);
	bfs_files_renamed(ino.ino, np, (size_t)nlen);
	if (gone.ino && gone.ino != ino.ino)
		rc = purge_data(&gone);
	BFS_LEAVE(rc);
}

/* ---- directory streams ------------------------------------------------------------------------
 */

struct dir_server {
	struct bfs_rpc_call call;
	size_t pos;                       /* parse position in call.rep_payload */
	char after[BENCHFS_NAME_MAX + 1]; /* resume point: last name seen */
	size_t alen;
	int more, fetched;
};

struct benchfs_dir {
	char path[BENCHFS_PATH_MAX + 1];
	size_t plen;
	uint32_t cur;
	int attrs;            /* BENCHFS_DIR_STAT: pages carry inode records */
	struct bfs_inode rec; /* the current entry's, with attrs */
	struct benchfs_dirent ent;
	struct dir_server *srv; /* one per server */
	char *pbufs;            /* one payload buffer per server */
};

/* Start page requests to the servers of @d whose next page is wanted (@which, n of them). */
static int dir_fetch(struct benchfs_dir *d, uint32_t *which, uint32_t n)
{
	struct bfs_rpc_call **ptrs = calloc(n, sizeof(*ptrs));

	if (!ptrs)
		return -ENOMEM;
	for (uint32_t k = 0; k < n; k++) {
		struct dir_server *s = &d->srv[which[k]];
		char *pbuf =
		    d->pbufs + (size_t)which[k] * (BENCHFS_PATH_MAX + BENCHFS_NAME_MAX + 2);
		bfs_rpc_call_release(&s->call);
		bfs_rpc_call_init(&s->call, BFS_OP_READDIR, which[k]);
		s->call.req.flags = d->attrs ? BFS_F_ATTRS : 0;
		memcpy(pbuf, d->path, d->plen);
		memcpy(pbuf + d->plen, s->after, s->alen);
		s->call.req.len[0] = (uint32_t)d->plen;
		s->call.req.len[1] = (uint32_t)s->alen;
		s->call.send_buf = pbuf;
		s->call.send_len = d->plen + s->alen;
		s->pos = 0;
		ptrs[k] = &s->call;
	}
	bfs_rpc_run(ptrs, n);
	free(ptrs);
	for (uint32_t k = 0; k < n; k++) {
		struct dir_server *s = &d->srv[which[k]];
		if (s->call.status)
			return s->call.status;
		s->more = !!(s->call.rep.flags & BFS_F_MORE);
		s->fetched = 1;
	}
	return 0;
}

BFS_API int benchfs_opendir_flags(const char *path, int flags, benchfs_dir_t **dirp)
{
	struct benchfs_dir *d;
	struct bfs_inode ino;
	uint32_t *all;
	int len, rc;

	if (flags & ~BENCHFS_DIR_STAT)
		return -EINVAL;
	BFS_ENTER();
	d = calloc(1, sizeof(*d));
	if (!d)
		BFS_LEAVE(-ENOMEM);
	d->attrs = (flags & BENCHFS_DIR_STAT) != 0;
	len = bfs_norm(path, d->path);
	rc = len < 0 ? len : bfs_lookup_refine(d->path, (size_t)len, &ino, NULL);
	if (!rc && !S_ISDIR(ino.mode))
		rc = -ENOTDIR;
	if (rc)
		goto fail;
	d->plen = (size_t)len;
	d->srv = calloc(bfs_cl->nservers, sizeof(*d->srv));
	d->pbufs = malloc((size_t)bfs_cl->nservers * (BENCHFS_PATH_MAX + BENCHFS_NAME_MAX + 2));
	all = malloc(bfs_cl->nservers * sizeof(*all));
	if (!d->srv || !d->pbufs || !all) {
		free(all);
		rc = -ENOMEM;
		goto fail;
	}
	rc = dir_fetch(d, all, all_servers(all)); /* first pages from every server at once */
	free(all);
	if (rc)
		goto fail;
	*dirp = d;
	BFS_LEAVE(0);
fail:
	if (d->srv)
		for (uint32_t i = 0; i < bfs_cl->nservers; i++)
			bfs_rpc_call_release(&d->srv[i].call);
	free(d->srv);
	free(d->pbufs);
	free(d);
	BFS_LEAVE(rc);
}

BFS_API int benchfs_opendir(const char *path, benchfs_dir_t **dirp)
{
	return benchfs_opendir_flags(path, 0, dirp);
}

/* The next entry of @d into d->ent (and d->rec with attrs): 1, 0 at the end, or -errno. */
static int dir_next(struct benchfs_dir *d, struct benchfs_dirent **ent)
{
	while (d->cur < bfs_cl->nservers) {
		struct dir_server *s = &d->srv[d->cur];
		const char *name;
		size_t nlen;
		uint64_t ino;
		uint8_t type;

		if (s->call.rep_payload && s->pos < s->call.rep_len) {
			int bad =
			    d->attrs
			        ? bfs_wire_get_dirent_rec(s->call.rep_payload, s->call.rep_len,
			                                  &s->pos, &d->rec, &type, &name, &nlen)
			        : bfs_wire_get_dirent(s->call.rep_payload, s->call.rep_len, &s->pos,
			                              &ino, &type, &name, &nlen);
			if (bad || nlen > BENCHFS_NAME_MAX)
				return -EIO;
			if (d->attrs)
				ino = d->rec.ino;
			d->ent.d_ino = ino;
			d->ent.d_type = type;
			memcpy(d->ent.d_name, name, nlen);
			d->ent.d_name[nlen] = '\0';
			memcpy(s->after, name, nlen);
			s->alen = nlen;
			*ent = &d->ent;
			return 1;
		}
		if (s->more) {
			int rc = dir_fetch(d, &d->cur, 1);
			if (rc)
				return rc;
			continue;
		}
		bfs_rpc_call_release(&s->call);
		d->cur++;
	}
	return 0;
}

BFS_API int benchfs_readdir(benchfs_dir_t *d, struct benchfs_dirent **ent)
{
	BFS_ENTER();
	BFS_LEAVE(dir_next(d, ent));
}

BFS_API int benchfs_readdir_stat(benchfs_dir_t *d, struct benchfs_dirent **ent, struct stat *st,
                                 unsigned *flags)
{
	char p[BENCHFS_PATH_MAX + 1];
	struct bfs_inode ino;
	int rc;

	if (!st)
		return -EINVAL;
	BFS_ENTER();
	for (;;) {
		rc = dir_next(d, ent);
		if (rc <= 0)
			BFS_LEAVE(rc);
		if (d->attrs) {
			ino = d->rec;
			break;
		}
		/* names only: look the entry up (skip it when it went away since) */
		size_t dl = d->plen == 1 ? 0 : d->plen, nl = strlen(d->ent.d_name);
		if (dl + 1 + nl > BENCHFS_PATH_MAX)
			BFS_LEAVE(-ENAMETOOLONG);
		memcpy(p, d->path, dl);
		p[dl] = '/';
		memcpy(p + dl + 1, d->ent.d_name, nl + 1);
		rc = bfs_lookup(p, dl + 1 + nl, &ino, NULL);
		if (rc == 0)
			break;
		if (rc != -ENOENT)
			BFS_LEAVE(rc);
	}
	stat_of(&ino, st, flags);
	BFS_LEAVE(1);
}

BFS_API int benchfs_closedir(benchfs_dir_t *d)
{
	if (!d)
		return 0;
	pthread_mutex_lock(&bfs_client_lock);
	for (uint32_t i = 0; bfs_cl && i < bfs_cl->nservers; i++)
		bfs_rpc_call_release(&d->srv[i].call);
	pthread_mutex_unlock(&bfs_client_lock);
	free(d->srv);
	free(d->pbufs);
	free(d);
	return 0;
}

/* ---- find
 * ---------------------------------------------------------------------------------------- */

BFS_API int benchfs_find(int server, const char *path, const struct benchfs_find_filter *f,
                         int (*cb)(const struct benchfs_find_entry *, void *), void *arg)
{
	char p[BENCHFS_PATH_MAX + 1], after[BENCHFS_PATH_MAX + 2], full[BENCHFS_PATH_MAX + 2];
	char *pbuf;
	size_t alen = 0, glen = f && f->name ? strlen(f->name) : 0;
	int len, rc = 0, more = 1;

	if (!cb || glen > BENCHFS_PATH_MAX)
		return -EINVAL;
	BFS_ENTER();
	len = bfs_norm(path, p);
	if (len < 0)
		BFS_LEAVE(len);
	if (server < 0 || (uint32_t)server >= bfs_cl->nservers)
		BFS_LEAVE(-EINVAL);
	pbuf = malloc(PBUF_SIZE + 2);
	if (!pbuf)
		BFS_LEAVE(-ENOMEM);
	while (more && !rc) {
		struct bfs_rpc_call c;
		size_t pos = 0;

		bfs_rpc_call_init(&c, BFS_OP_FIND, (uint32_t)server);
		memcpy(pbuf, p, (size_t)len);
		memcpy(pbuf + len, after, alen);
		if (glen)
			memcpy(pbuf + len + alen, f->name, glen);
		c.req.len[0] = (uint32_t)len;
		c.req.len[1] = (uint32_t)alen;
		c.req.len[2] = (uint32_t)glen;
		c.send_buf = pbuf;
		c.send_len = (size_t)len + alen + glen;
		if (f) {
			c.req.mode = f->type & S_IFMT;
			if (f->size_cmp) {
				c.req.flags |= f->size_cmp < 0    ? BFS_F_SIZE_LT
				               : f->size_cmp == 1 ? BFS_F_SIZE_GT
				                                  : BFS_F_SIZE_EQ;
				c.req.size = f->size_units;
				c.req.offset = f->size_unit;
			}
			if (f->newer) {
				c.req.flags |= BFS_F_NEWER;
				c.req.mtime_ns = bfs_ts_to_ns(&f->newer_than);
			}
			if (f->incomplete)
				c.req.flags |= BFS_F_ONLY_INCOMPLETE;
		}
		rc = bfs_rpc_call(&c);
		more = !rc && (c.rep.flags & BFS_F_MORE);
		for (uint32_t i = 0; !rc && i < c.rep.count; i++) {
			struct benchfs_find_entry e;
			const char *key;
			size_t klen;
			int64_t mt;
			uint32_t mode;
			uint64_t size;
			int n;

			if (bfs_wire_get_findent(c.rep_payload, c.rep_len, &pos, &mode, &size, &mt,
			                         &key, &klen) ||
			    klen > BENCHFS_PATH_MAX + 1) {
				rc = -EIO;
				break;
			}
			n = bfs_path_from_key(key, klen, full, sizeof(full));
			if (n < 0) {
				rc = -EIO;
				break;
			}
			memcpy(after, full, (size_t)n); /* resume point: this path */
			alen = (size_t)n;
			e.path = full;
			e.mode = mode & 0xffffu;
			e.flags = (mode >> 16) & BFS_INODE_FLAGS;
			e.size = size;
			e.mtime = bfs_ns_to_ts(mt);
			/* the callback may call the library: let go of the lock meanwhile */
			pthread_mutex_unlock(&bfs_client_lock);
			rc = cb(&e, arg);
			pthread_mutex_lock(&bfs_client_lock);
			if (!bfs_cl)
				rc = rc ? rc : -ENOTCONN;
		}
		bfs_rpc_call_release(&c);
	}
	free(pbuf);
	BFS_LEAVE(rc);
}
