/*
 * srv_ns.c - the server's namespace requests (CREATE, LOOKUP, REMOVE, SETATTR, PUT, READDIR,
 * FIND, HASCHILD) and inline data (IWRITE, IREAD, MIGRATE) over the metadata store (meta.h)
 * (see srv.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "common/extent.h"
#include "common/path.h"
#include "server/meta.h"
#include "server/srv.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#define LIST_PAGE (64 * 1024) /* bytes of READDIR / FIND reply payload */

/* ---- namespace operations ----------------------------------------------------------------- */

/* Copy a wire string into @buf as a NUL-terminated normal path; -EINVAL if not normal. */
static int wire_path(const char *str, size_t len, char *buf, size_t cap)
{
	char raw[BENCHFS_PATH_MAX + 1];
	int n;

	if (len > BENCHFS_PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(raw, str, len);
	raw[len] = '\0';
	n = bfs_path_normalize(raw, buf, cap);
	if (n < 0)
		return n;
	if ((size_t)n != len || memcmp(buf, raw, len))
		return -EINVAL;
	return n;
}

static void find_filter(const struct bfs_req *q, const char *glob, size_t glen, char *gbuf,
                        struct benchfs_find_filter *f)
{
	memset(f, 0, sizeof(*f));
	if (glen) {
		memcpy(gbuf, glob, glen);
		gbuf[glen] = '\0';
		f->name = gbuf;
	}
	f->type = q->mode & S_IFMT;
	if (q->flags & (BFS_F_SIZE_LT | BFS_F_SIZE_GT | BFS_F_SIZE_EQ)) {
		f->size_cmp = (q->flags & BFS_F_SIZE_LT) ? -1 : (q->flags & BFS_F_SIZE_GT) ? 1 : 2;
		f->size_units = q->size;
		f->size_unit = q->offset ? q->offset : 512;
	}
	if (q->flags & BFS_F_NEWER) {
		f->newer = 1;
		f->newer_than = bfs_ns_to_ts(q->mtime_ns);
	}
	f->incomplete = (q->flags & BFS_F_ONLY_INCOMPLETE) != 0;
}

/* The request's decoded strings: [0] the path (normal), [1] and [2] as the op says. */
struct ns_args {
	const char *str[BFS_WIRE_NSTR];
	size_t slen[BFS_WIRE_NSTR];
	char path[BENCHFS_PATH_MAX + 1];
	size_t n; /* path length */
};

#define ANSWERED 1 /* a handler's result: it replied itself */

/* CREATE of a file, directory or symlink (str[1]: its target) */
static int ns_create(struct sreq *r, const struct ns_args *a)
{
	const struct bfs_req *q = &r->req;
	struct bfs_inode *ino = &r->rep.inode;
	int rc;

	if (S_ISREG(q->mode) && !bfs_chunk_size_valid(q->chunk_size))
		return -EINVAL;
	if (!S_ISREG(q->mode) && !S_ISDIR(q->mode) && !S_ISLNK(q->mode))
		return -EINVAL;
	const char *body = a->str[1];
	size_t blen = a->slen[1];

	if (S_ISLNK(q->mode) != (a->slen[1] > 0))
		return -EINVAL;
	ino->mode = q->mode;
	ino->uid = q->uid;
	ino->gid = q->gid;
	ino->chunk_size = S_ISREG(q->mode) ? q->chunk_size : 0;
	ino->flags = (q->flags & BFS_F_INCOMPLETE) ? BFS_INODE_INCOMPLETE : 0;
	if (q->flags & BFS_F_WITH_DATA) {
		/* a whole small file in one request: new, its bytes and times in its record */
		if (!S_ISREG(q->mode) || !(q->flags & BFS_F_EXCL))
			return -EINVAL;
		body = a->str[0] + a->slen[0] + a->slen[1] + a->slen[2];
		blen = (size_t)q->length;
		ino->atime_ns = q->atime_ns;
		ino->mtime_ns = q->mtime_ns;
	}
	rc = bfs_meta_create(r->srv->meta, a->path, a->n, ino, body, blen, q->flags & BFS_F_EXCL);
	if (rc == 1) {
		r->rep.count = 1; /* it existed */
		rc = 0;
	}
	return rc;
}

/* LOOKUP: the inode record, and a symlink's target as the payload; with BFS_F_WITH_DATA, an
 * inline file's bytes, up to max of them (count = 1 says they came) */
static int ns_lookup(struct sreq *r, const struct ns_args *a)
{
	struct bfs_inode *ino = &r->rep.inode;
	char target[BENCHFS_PATH_MAX + 1];
	int rc = bfs_meta_lookup(r->srv->meta, a->path, a->n, ino, target, sizeof(target));

	if (rc == 0 && (r->req.flags & BFS_F_WITH_DATA) && (ino->flags & BFS_INODE_INLINE)) {
		size_t n = BFS_MIN((size_t)ino->target_len, (size_t)r->req.max);
		ssize_t got;

		if (!bfs_sreq_buf(r, n ? n : 1))
			return -ENOMEM;
		got = bfs_meta_iread(r->srv->meta, a->path, a->n, ino->ino, 0, r->buf, n, ino);
		if (got < 0)
			return (int)got;
		r->rep.count = 1;
		r->rep.status = 0;
		bfs_sreq_reply(r, r->buf, (size_t)got);
		return ANSWERED;
	}
	if (rc || !S_ISLNK(ino->mode) || !ino->target_len || (r->req.flags & BFS_F_WITH_DATA))
		return rc; /* (a reader of a file's bytes does not want a target there) */
	if (!bfs_sreq_buf(r, ino->target_len))
		return -ENOMEM;
	memcpy(r->buf, target, ino->target_len);
	r->rep.status = 0;
	bfs_sreq_reply(r, r->buf, ino->target_len);
	return ANSWERED;
}

/* PUT: a whole record as the client sends it (stage-in, rename's second half) */
static int ns_put(struct sreq *r, const struct ns_args *a)
{
	const struct bfs_req *q = &r->req;
	struct bfs_inode in = {.ino = q->ino,
	                       .mode = q->mode,
	                       .uid = q->uid,
	                       .gid = q->gid,
	                       .chunk_size = q->chunk_size,
	                       .size = q->size,
	                       .atime_ns = q->atime_ns,
	                       .mtime_ns = q->mtime_ns,
	                       .ctime_ns = bfs_now_ns(),
	                       .target_len = (uint32_t)a->slen[1],
	                       .flags = (uint32_t)(q->length & BFS_INODE_FLAGS)};

	if (!q->ino || S_ISDIR(q->mode))
		return -EINVAL;
	return bfs_meta_put(r->srv->meta, a->path, a->n, &in, a->str[1], a->slen[1], &r->rep.inode);
}

/* READDIR (str[1]: the name to resume after) and FIND (str[1]: the path to resume after,
 * str[2]: the name glob): one page of entries */
static int ns_list(struct sreq *r, const struct ns_args *a)
{
	const struct bfs_req *q = &r->req;
	size_t cap = q->max && q->max < LIST_PAGE ? q->max : LIST_PAGE, used;
	int more = 0;

	if (!bfs_sreq_buf(r, cap))
		return -ENOMEM;
	if (q->op == BFS_OP_READDIR) {
		used = bfs_meta_readdirx(r->srv->meta, a->path, a->n, a->str[1], a->slen[1],
		                         (q->flags & BFS_F_ATTRS) != 0, r->buf, cap, &r->rep.count,
		                         &more);
	} else {
		/* the resume point travels as a path (keys hold a NUL): make it a key */
		char after[BENCHFS_PATH_MAX + 2], glob[BENCHFS_PATH_MAX + 1];
		struct benchfs_find_filter f;
		int alen = 0;

		if (a->slen[1]) {
			char ap[BENCHFS_PATH_MAX + 1];
			alen = wire_path(a->str[1], a->slen[1], ap, sizeof(ap));
			if (alen > 1)
				alen = bfs_path_key(ap, (size_t)alen, after, sizeof(after));
			if (alen <= 1)
				return alen < 0 ? alen : -EINVAL;
		}
		find_filter(q, a->str[2], a->slen[2], glob, &f);
		used = bfs_meta_find(r->srv->meta, a->path, a->n, after, (size_t)alen, &f, r->buf,
		                     cap, &r->rep.count, &more);
	}
	r->rep.flags = more ? BFS_F_MORE : 0;
	r->rep.status = 0;
	bfs_sreq_reply(r, r->buf, used);
	return ANSWERED;
}

/* ---- inline data ------------------------------------------------------------------------- */

/* The migration in progress of the record at @a's path, or NULL. */
static struct bfs_migration *migration_of(struct bfs_server *s, const struct ns_args *a)
{
	uint64_t key = XXH3_64bits(a->path, a->n);

	for (int i = 0; i < BFS_MIGRATIONS; i++)
		if (s->migr[i].used && s->migr[i].key == key)
			return &s->migr[i];
	return NULL;
}

void bfs_serve_migrations_drop(struct bfs_server *s, uint32_t id)
{
	for (int i = 0; i < BFS_MIGRATIONS; i++)
		if (s->migr[i].used && s->migr[i].client == id)
			s->migr[i].used = 0;
}

/* Answer @r with status @n (bytes) and @len payload bytes; BFS_F_CHUNKED when the record in
 * the reply is not inline. */
static int inline_reply(struct sreq *r, int n, const void *payload, size_t len)
{
	if (!(r->rep.inode.flags & BFS_INODE_INLINE)) {
		r->rep.flags = BFS_F_CHUNKED;
		n = 0, len = 0;
	}
	r->rep.status = n;
	bfs_sreq_reply(r, payload, len);
	return ANSWERED;
}

/* IWRITE: the bytes after the strings, into the record */
static int ns_iwrite(struct sreq *r, const struct ns_args *a)
{
	const struct bfs_req *q = &r->req;
	const char *data = a->str[0] + a->slen[0] + a->slen[1] + a->slen[2];
	int rc;

	if (migration_of(r->srv, a))
		return -EAGAIN;
	if (q->offset > BFS_INLINE_LIMIT || q->length > BFS_INLINE_LIMIT)
		return -E2BIG;
	rc = bfs_meta_iwrite(r->srv->meta, a->path, a->n, q->ino, q->offset, data,
	                     (size_t)q->length, q->mtime_ns, &r->rep.inode);
	return rc ? rc : inline_reply(r, (int)q->length, NULL, 0);
}

/* IREAD: bytes of the record (while a migration runs too: the record is whole until it ends) */
static int ns_iread(struct sreq *r, const struct ns_args *a)
{
	const struct bfs_req *q = &r->req;
	size_t n = (size_t)BFS_MIN(q->length, (uint64_t)BFS_INLINE_LIMIT);
	ssize_t got;

	if (!bfs_sreq_buf(r, n ? n : 1))
		return -ENOMEM;
	got = bfs_meta_iread(r->srv->meta, a->path, a->n, q->ino, q->offset, r->buf, n,
	                     &r->rep.inode);
	if (got < 0)
		return (int)got;
	return inline_reply(r, (int)got, r->buf, (size_t)got);
}

/*
 * MIGRATE: hand the record's bytes to the client that moves them to chunk 0, and hold off
 * writers and truncates until its BFS_F_DONE (or BFS_F_ABORT); a record holding no bytes is
 * unmarked at once.
 */
static int ns_migrate(struct sreq *r, const struct ns_args *a)
{
	const struct bfs_req *q = &r->req;
	struct bfs_server *s = r->srv;
	struct bfs_migration *mg = migration_of(s, a);
	ssize_t got;
	int rc;

	if (mg && (mg->client != r->client || mg->ino != q->ino))
		return -EAGAIN; /* another client's, or another file's there before */
	if (q->flags & BFS_F_ABORT) {
		if (mg)
			mg->used = 0;
		return 0;
	}
	if (q->flags & BFS_F_DONE) {
		if (!mg)
			return -EAGAIN; /* it ended (its client or this server restarted): again */
		mg->used = 0;
		rc = bfs_meta_uninline(s->meta, a->path, a->n, q->ino, &r->rep.inode);
		return rc ? rc : inline_reply(r, 0, NULL, 0);
	}
	if (!bfs_sreq_buf(r, BFS_INLINE_LIMIT))
		return -ENOMEM;
	got = bfs_meta_iread(s->meta, a->path, a->n, q->ino, 0, r->buf, BFS_INLINE_LIMIT,
	                     &r->rep.inode);
	if (got > (ssize_t)r->rep.inode.target_len)
		got = r->rep.inode.target_len; /* the zeros past the bytes held stay implied */
	if (got < 0)
		return (int)got;
	if ((r->rep.inode.flags & BFS_INODE_INLINE) && r->rep.inode.target_len == 0) {
		if (mg)
			mg->used = 0;
		rc = bfs_meta_uninline(s->meta, a->path, a->n, q->ino, &r->rep.inode);
		return rc ? rc : inline_reply(r, 0, NULL, 0); /* nothing to move */
	}
	if ((r->rep.inode.flags & BFS_INODE_INLINE) && !mg) {
		for (int i = 0; i < BFS_MIGRATIONS && !mg; i++)
			if (!s->migr[i].used)
				mg = &s->migr[i];
		if (!mg)
			return -EAGAIN; /* as many in progress as the table holds */
		*mg = (struct bfs_migration){XXH3_64bits(a->path, a->n), q->ino, r->client, 1};
	}
	return inline_reply(r, (int)got, r->buf, (size_t)got);
}

static int ns_op(struct sreq *r, const struct ns_args *a)
{
	const struct bfs_req *q = &r->req;
	struct bfs_meta *m = r->srv->meta;

	switch (q->op) {
	case BFS_OP_CREATE:
		return ns_create(r, a);
	case BFS_OP_LOOKUP:
		return ns_lookup(r, a);
	case BFS_OP_REMOVE:
		return bfs_meta_remove(m, a->path, a->n, q->flags, q->ino, &r->rep.inode);
	case BFS_OP_SETATTR:
		if ((q->flags & BFS_F_SIZE) && migration_of(r->srv, a))
			return -EAGAIN; /* a truncate waits until the data has moved */
		return bfs_meta_setattr(m, a->path, a->n, q->flags, q->size, q->atime_ns,
		                        q->mtime_ns, q->mode, &r->rep.inode);
	case BFS_OP_PUT:
		return ns_put(r, a);
	case BFS_OP_READDIR:
	case BFS_OP_FIND:
		return ns_list(r, a);
	case BFS_OP_HASCHILD:
		r->rep.count = (uint32_t)bfs_meta_haschild(m, a->path, a->n);
		return 0;
	case BFS_OP_IWRITE:
		return ns_iwrite(r, a);
	case BFS_OP_IREAD:
		return ns_iread(r, a);
	case BFS_OP_MIGRATE:
		return ns_migrate(r, a);
	}
	return -EOPNOTSUPP;
}

void bfs_serve_ns(struct sreq *r)
{
	const struct bfs_req *q = &r->req;
	struct ns_args a;
	int n, rc;

	r->ns = 1;
	r->staged = bfs_meta_staged(r->srv->meta);
	rc = bfs_wire_strings(q, r->payload, r->payload_len, a.str, a.slen);
	if (rc)
		goto out;
	n = wire_path(a.str[0], a.slen[0], a.path, sizeof(a.path));
	if (n < 0) {
		rc = n;
		goto out;
	}
	a.n = (size_t)n;
	if (n == 1 && q->op != BFS_OP_READDIR && q->op != BFS_OP_FIND && q->op != BFS_OP_HASCHILD) {
		rc = -EINVAL; /* the root is implicit: clients never send it */
		goto out;
	}
	rc = ns_op(r, &a);
	if (rc == ANSWERED)
		return;
out:
	bfs_sreq_status(r, rc);
}
