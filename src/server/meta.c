/*
 * meta.c - a server's metadata store: inode records in one LMDB environment, keyed by
 * bfs_path_key() so that a directory's children, and a whole subtree, are key ranges.
 *
 * Every modifying call runs in its own write transaction; reads reuse one read-only
 * transaction handle (reset between calls, renewed on the next), so a lookup allocates nothing.
 * LMDB keys are limited to mdb_env_get_maxkeysize() bytes (511 with a stock liblmdb): a path
 * whose key is longer is refused with -ENAMETOOLONG.
 */
#include "server/meta.h"

#include <dirent.h>
#include <errno.h>
#include <lmdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/path.h"
#include "common/util.h"

#define META_MAP_DEFAULT  (8ull << 30)
#define SYS_NEXT_INO      "\001next_ino"
#define SYS_NEXT_INO_LEN  (sizeof(SYS_NEXT_INO) - 1)
#define INO_COUNTER_LIMIT (1ull << 48)
/* a key: parent '\0' basename, one byte longer than the path when the parent is "/" */
#define KEY_CAP (BENCHFS_PATH_MAX + 2)
/* a scan's start key: a directory's prefix followed by a name */
#define START_CAP (BENCHFS_PATH_MAX + BENCHFS_NAME_MAX + 3)

struct bfs_meta {
	MDB_env *env;
	MDB_dbi dbi;
	MDB_txn *rtxn; /* read-only transaction, reset while unused */
	size_t maxkey; /* longest key LMDB accepts */
	uint32_t server;
	int sync;
};

/* map_err - turn an LMDB return code into a negative errno: full map or disk -> -ENOSPC,
 * anything else -> -EIO (reported on stderr, as it means a broken store). */
static int map_err(int rc)
{
	if (rc == 0)
		return 0;
	if (rc == MDB_MAP_FULL || rc == ENOSPC)
		return -ENOSPC;
	bfs_warn("metadata store: %s", mdb_strerror(rc));
	return -EIO;
}

/* put_le64 / get_le64 - the inode counter's little-endian encoding. */
static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* path_ok - 1 when @path (@len bytes) is a normal path (path.h); "/" only if @root_ok. */
static int path_ok(const char *path, size_t len, int root_ok)
{
	size_t i = 1, start;

	if (!path || len == 0 || len > BENCHFS_PATH_MAX || path[0] != '/')
		return 0;
	if (len == 1)
		return root_ok;
	while (i <= len) {
		start = i;
		while (i < len && path[i] != '/') {
			if (path[i] == '\0')
				return 0;
			i++;
		}
		if (i == start || i - start > BENCHFS_NAME_MAX)
			return 0; /* empty component ("//" or trailing '/'), or too long */
		if (path[start] == '.' &&
		    (i - start == 1 || (i - start == 2 && path[start + 1] == '.')))
			return 0;
		i++;
	}
	return 1;
}

/* make_key - key of normal path @path (not "/") into @key (KEY_CAP bytes).
 * Return its length, -EINVAL for a path that is not normal, -ENAMETOOLONG beyond LMDB's limit. */
static int make_key(const struct bfs_meta *m, const char *path, size_t len, char *key)
{
	int klen;

	if (!path_ok(path, len, 0))
		return -EINVAL;
	klen = bfs_path_key(path, len, key, KEY_CAP);
	if (klen < 0)
		return klen;
	if ((size_t)klen > m->maxkey)
		return -ENAMETOOLONG;
	return klen;
}

/* key_cmp - LMDB's default key order (bytewise, shorter first) of @k against @s (@slen). */
static int key_cmp(const MDB_val *k, const char *s, size_t slen)
{
	size_t n = BFS_MIN(k->mv_size, slen);
	int c = n ? memcmp(k->mv_data, s, n) : 0;

	if (c)
		return c;
	return k->mv_size < slen ? -1 : k->mv_size > slen;
}

/* has_prefix - 1 when key @k starts with the @plen bytes of @p. */
static int has_prefix(const MDB_val *k, const char *p, size_t plen)
{
	return k->mv_size >= plen && memcmp(k->mv_data, p, plen) == 0;
}

/* rd_begin - start the read transaction (renewing the reset handle). Return 0 or -errno. */
static int rd_begin(struct bfs_meta *m, MDB_txn **txn)
{
	int rc;

	if (m->rtxn) {
		rc = mdb_txn_renew(m->rtxn);
		if (rc == 0) {
			*txn = m->rtxn;
			return 0;
		}
		mdb_txn_abort(m->rtxn);
		m->rtxn = NULL;
	}
	rc = mdb_txn_begin(m->env, NULL, MDB_RDONLY, &m->rtxn);
	if (rc) {
		m->rtxn = NULL;
		return map_err(rc);
	}
	*txn = m->rtxn;
	return 0;
}

/* rd_end - release the read snapshot, keeping the handle for the next read. */
static void rd_end(struct bfs_meta *m)
{
	mdb_txn_reset(m->rtxn);
}

/* wr_commit - commit write transaction @txn. Return 0 or -errno. */
static int wr_commit(MDB_txn *txn)
{
	return map_err(mdb_txn_commit(txn));
}

/* decode_rec - decode record value @v into @ino, checking that the target fits in it.
 * Return 0 or -EIO (a corrupt record). */
static int decode_rec(const MDB_val *v, struct bfs_inode *ino)
{
	if (bfs_wire_decode_inode(v->mv_data, v->mv_size, ino) ||
	    v->mv_size - BFS_WIRE_INODE_SIZE < ino->target_len) {
		bfs_warn("metadata store: corrupt record (%zu bytes)", v->mv_size);
		return -EIO;
	}
	return 0;
}

/* get_rec - read the record under key @key (@klen) into @ino and its raw value into @v (may be
 * NULL). Return 0, -ENOENT, -EIO. */
static int get_rec(struct bfs_meta *m, MDB_txn *txn, const char *key, size_t klen,
                   struct bfs_inode *ino, MDB_val *v)
{
	MDB_val k = {klen, (void *)key}, val;
	int rc = mdb_get(txn, m->dbi, &k, &val);

	if (rc == MDB_NOTFOUND)
		return -ENOENT;
	if (rc)
		return map_err(rc);
	if (v)
		*v = val;
	return decode_rec(&val, ino);
}

/* put_rec - store record @ino followed by @tlen target bytes under key @key (@klen); the
 * record's target_len is taken from @tlen. Return 0 or -errno. */
static int put_rec(struct bfs_meta *m, MDB_txn *txn, const char *key, size_t klen,
                   const struct bfs_inode *ino, const char *target, size_t tlen)
{
	MDB_val k = {klen, (void *)key}, v = {BFS_WIRE_INODE_SIZE + tlen, NULL};
	struct bfs_inode rec = *ino;
	int rc;

	rec.target_len = (uint32_t)tlen;
	rc = mdb_put(txn, m->dbi, &k, &v, MDB_RESERVE);
	if (rc)
		return map_err(rc);
	bfs_wire_encode_inode(&rec, v.mv_data);
	if (tlen)
		memcpy((char *)v.mv_data + BFS_WIRE_INODE_SIZE, target, tlen);
	return 0;
}

/* next_ino - take the next inode number from the counter record (written in @txn).
 * Return 0 or -ENOSPC (counter exhausted), -EIO. */
static int next_ino(struct bfs_meta *m, MDB_txn *txn, uint64_t *ino)
{
	MDB_val k = {SYS_NEXT_INO_LEN, (void *)SYS_NEXT_INO}, v;
	uint64_t n = 1;
	int rc;

	rc = mdb_get(txn, m->dbi, &k, &v);
	if (rc == 0) {
		if (v.mv_size != 8)
			return map_err(MDB_CORRUPTED);
		n = get_le64(v.mv_data);
	} else if (rc != MDB_NOTFOUND) {
		return map_err(rc);
	}
	if (n == 0 || n >= INO_COUNTER_LIMIT)
		return -ENOSPC;
	v.mv_size = 8;
	rc = mdb_put(txn, m->dbi, &k, &v, MDB_RESERVE);
	if (rc)
		return map_err(rc);
	put_le64(v.mv_data, n + 1);
	*ino = (uint64_t)(m->server + 1) << 48 | n;
	return 0;
}

/* seek - position @cur at the first key >= @start (> @start when @strict); @start may be
 * longer than any storable key. Return 0 with the entry in @k/@v, -ENOENT past the end, or
 * -EIO. */
static int seek(struct bfs_meta *m, MDB_cursor *cur, const char *start, size_t slen, int strict,
                MDB_val *k, MDB_val *v)
{
	int rc, c;

	k->mv_size = BFS_MIN(slen, m->maxkey);
	k->mv_data = (void *)start;
	if (k->mv_size == 0)
		rc = mdb_cursor_get(cur, k, v, MDB_FIRST);
	else
		rc = mdb_cursor_get(cur, k, v, MDB_SET_RANGE);
	/* a truncated start key may land on keys before @start: skip them (at most one) */
	while (rc == 0 && (c = key_cmp(k, start, slen)) <= 0 && (c < 0 || strict))
		rc = mdb_cursor_get(cur, k, v, MDB_NEXT);
	if (rc == MDB_NOTFOUND)
		return -ENOENT;
	return map_err(rc);
}

/* step - move @cur to the next entry. Return 0, -ENOENT at the end, -EIO. */
static int step(MDB_cursor *cur, MDB_val *k, MDB_val *v)
{
	int rc = mdb_cursor_get(cur, k, v, MDB_NEXT);

	if (rc == MDB_NOTFOUND)
		return -ENOENT;
	return map_err(rc);
}

/* bfs_meta_open - open or create the environment in @dir (see meta.h). */
int bfs_meta_open(struct bfs_meta **mp, const char *dir, uint32_t server, int sync)
{
	struct bfs_meta *m;
	uint64_t map = bfs_env_u64("BENCHFS_META_MAP", META_MAP_DEFAULT);
	MDB_txn *txn;
	int rc, ret;

	if (server >= 0xffff)
		return -EINVAL; /* (server + 1) must fit in the inode number's top 16 bits */
	ret = bfs_mkdir_p(dir);
	if (ret)
		return ret;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->server = server;
	m->sync = sync;
	rc = mdb_env_create(&m->env);
	if (rc) {
		free(m);
		return map_err(rc);
	}
	rc = mdb_env_set_mapsize(m->env, map ? map : META_MAP_DEFAULT);
	if (rc == 0)
		rc = mdb_env_open(m->env, dir, MDB_NOTLS | (sync ? 0 : MDB_NOSYNC), 0600);
	if (rc == 0)
		rc = mdb_txn_begin(m->env, NULL, 0, &txn);
	if (rc == 0) {
		rc = mdb_dbi_open(txn, NULL, 0, &m->dbi);
		if (rc == 0)
			rc = mdb_txn_commit(txn);
		else
			mdb_txn_abort(txn);
	}
	if (rc) {
		/* system errors of opening the files keep their errno; LMDB's own become -EIO */
		ret = rc > 0 && rc != ENOSPC ? -rc : map_err(rc);
		if (rc > 0)
			bfs_warn("metadata store %s: %s", dir, mdb_strerror(rc));
		mdb_env_close(m->env);
		free(m);
		return ret;
	}
	m->maxkey = (size_t)mdb_env_get_maxkeysize(m->env);
	*mp = m;
	return 0;
}

/* bfs_meta_close - end the read handle, flush and close the environment. */
void bfs_meta_close(struct bfs_meta *m)
{
	if (!m)
		return;
	if (m->rtxn)
		mdb_txn_abort(m->rtxn);
	if (!m->sync)
		map_err(mdb_env_sync(m->env, 1));
	mdb_env_close(m->env);
	free(m);
}

/* bfs_meta_sync - flush committed transactions to disk. */
int bfs_meta_sync(struct bfs_meta *m)
{
	return mdb_env_sync(m->env, 1) ? -EIO : 0;
}

/* bfs_meta_create - insert a new record, or report the existing one (see meta.h). */
int bfs_meta_create(struct bfs_meta *m, const char *path, size_t len, struct bfs_inode *ino,
                    const char *target, size_t tlen, int excl)
{
	char key[KEY_CAP];
	struct bfs_inode old, rec;
	MDB_txn *txn;
	int klen, ret, rc;
	int64_t now;

	klen = make_key(m, path, len, key);
	if (klen < 0)
		return klen;
	if (tlen > BENCHFS_PATH_MAX)
		return -ENAMETOOLONG;
	rc = mdb_txn_begin(m->env, NULL, 0, &txn);
	if (rc)
		return map_err(rc);
	ret = get_rec(m, txn, key, (size_t)klen, &old, NULL);
	if (ret == 0) {
		if (excl || !S_ISREG(old.mode) || !S_ISREG(ino->mode)) {
			ret = -EEXIST;
		} else {
			*ino = old;
			ret = 1;
		}
		goto out_abort;
	}
	if (ret != -ENOENT)
		goto out_abort;

	rec = *ino;
	ret = next_ino(m, txn, &rec.ino);
	if (ret)
		goto out_abort;
	now = bfs_now_ns();
	rec.size = S_ISLNK(rec.mode) ? tlen : 0; /* a symlink's size is its target's length */
	rec.atime_ns = rec.mtime_ns = rec.ctime_ns = now;
	rec.target_len = (uint32_t)tlen;
	ret = put_rec(m, txn, key, (size_t)klen, &rec, target, tlen);
	if (ret)
		goto out_abort;
	ret = wr_commit(txn);
	if (ret == 0)
		*ino = rec;
	return ret;

out_abort:
	mdb_txn_abort(txn);
	return ret;
}

/* bfs_meta_lookup - read a record and a symlink's target (see meta.h). */
int bfs_meta_lookup(struct bfs_meta *m, const char *path, size_t len, struct bfs_inode *ino,
                    char *target, size_t cap)
{
	char key[KEY_CAP];
	MDB_txn *txn;
	MDB_val v;
	int klen, ret;

	klen = make_key(m, path, len, key);
	if (klen == -ENAMETOOLONG)
		return -ENOENT; /* such a key can not have been stored */
	if (klen < 0)
		return klen;
	ret = rd_begin(m, &txn);
	if (ret)
		return ret;
	ret = get_rec(m, txn, key, (size_t)klen, ino, &v);
	if (ret == 0 && ino->target_len && cap)
		memcpy(target, (const char *)v.mv_data + BFS_WIRE_INODE_SIZE,
		       BFS_MIN((size_t)ino->target_len, cap));
	rd_end(m);
	return ret;
}

/* bfs_meta_remove - delete a record after checking its type and inode number (see meta.h). */
int bfs_meta_remove(struct bfs_meta *m, const char *path, size_t len, unsigned flags,
                    uint64_t expect_ino, struct bfs_inode *old)
{
	char key[KEY_CAP];
	struct bfs_inode rec;
	MDB_txn *txn;
	MDB_val k;
	int klen, ret, rc;

	klen = make_key(m, path, len, key);
	if (klen == -ENAMETOOLONG)
		return -ENOENT;
	if (klen < 0)
		return klen;
	rc = mdb_txn_begin(m->env, NULL, 0, &txn);
	if (rc)
		return map_err(rc);
	ret = get_rec(m, txn, key, (size_t)klen, &rec, NULL);
	if (ret)
		goto out_abort;
	if (expect_ino && rec.ino != expect_ino) {
		ret = -ENOENT;
		goto out_abort;
	}
	if ((flags & BFS_F_DIR) && !S_ISDIR(rec.mode)) {
		ret = -ENOTDIR;
		goto out_abort;
	}
	if ((flags & BFS_F_NOTDIR) && S_ISDIR(rec.mode)) {
		ret = -EISDIR;
		goto out_abort;
	}
	k.mv_size = (size_t)klen;
	k.mv_data = key;
	rc = mdb_del(txn, m->dbi, &k, NULL);
	if (rc) {
		ret = map_err(rc);
		goto out_abort;
	}
	ret = wr_commit(txn);
	if (ret == 0 && old)
		*old = rec;
	return ret;

out_abort:
	mdb_txn_abort(txn);
	return ret;
}

/* bfs_meta_setattr - change size, times or permissions of a record (see meta.h). Nothing is
 * written when no value actually changes (e.g. BFS_F_SIZE_MAX with a smaller size). */
int bfs_meta_setattr(struct bfs_meta *m, const char *path, size_t len, unsigned flags,
                     uint64_t size, int64_t atime_ns, int64_t mtime_ns, uint32_t mode,
                     struct bfs_inode *out)
{
	char key[KEY_CAP], target[BENCHFS_PATH_MAX];
	struct bfs_inode rec, old;
	MDB_txn *txn;
	MDB_val v;
	int klen, ret, rc;

	klen = make_key(m, path, len, key);
	if (klen == -ENAMETOOLONG)
		return -ENOENT;
	if (klen < 0)
		return klen;
	rc = mdb_txn_begin(m->env, NULL, 0, &txn);
	if (rc)
		return map_err(rc);
	ret = get_rec(m, txn, key, (size_t)klen, &rec, &v);
	if (ret)
		goto out_abort;
	if ((flags & (BFS_F_SIZE | BFS_F_SIZE_MAX)) && S_ISDIR(rec.mode)) {
		ret = -EISDIR;
		goto out_abort;
	}
	if (rec.target_len > sizeof(target)) {
		ret = map_err(MDB_CORRUPTED);
		goto out_abort;
	}
	/* the value's memory may be reused by the put below: keep the target aside */
	memcpy(target, (const char *)v.mv_data + BFS_WIRE_INODE_SIZE, rec.target_len);
	old = rec;
	if (flags & BFS_F_SIZE)
		rec.size = size;
	if ((flags & BFS_F_SIZE_MAX) && size > rec.size)
		rec.size = size;
	if (flags & BFS_F_ATIME)
		rec.atime_ns = atime_ns;
	if (flags & BFS_F_MTIME)
		rec.mtime_ns = mtime_ns;
	if (flags & BFS_F_MODE)
		rec.mode = (rec.mode & ~07777u) | (mode & 07777u);
	if (rec.size == old.size && rec.atime_ns == old.atime_ns && rec.mtime_ns == old.mtime_ns &&
	    rec.mode == old.mode) {
		mdb_txn_abort(txn);
		if (out)
			*out = rec;
		return 0;
	}
	rec.ctime_ns = bfs_now_ns();
	ret = put_rec(m, txn, key, (size_t)klen, &rec, target, rec.target_len);
	if (ret)
		goto out_abort;
	ret = wr_commit(txn);
	if (ret == 0 && out)
		*out = rec;
	return ret;

out_abort:
	mdb_txn_abort(txn);
	return ret;
}

/* bfs_meta_put - store a record as given, replacing a non-directory (see meta.h). */
int bfs_meta_put(struct bfs_meta *m, const char *path, size_t len, const struct bfs_inode *ino,
                 const char *target, size_t tlen, struct bfs_inode *replaced)
{
	char key[KEY_CAP];
	struct bfs_inode old;
	MDB_txn *txn;
	int klen, ret, rc;

	klen = make_key(m, path, len, key);
	if (klen < 0)
		return klen;
	if (tlen > BENCHFS_PATH_MAX)
		return -ENAMETOOLONG;
	rc = mdb_txn_begin(m->env, NULL, 0, &txn);
	if (rc)
		return map_err(rc);
	ret = get_rec(m, txn, key, (size_t)klen, &old, NULL);
	if (ret == 0 && S_ISDIR(old.mode)) {
		ret = -EISDIR;
		goto out_abort;
	}
	if (ret == -ENOENT)
		memset(&old, 0, sizeof(old));
	else if (ret)
		goto out_abort;
	ret = put_rec(m, txn, key, (size_t)klen, ino, target, tlen);
	if (ret)
		goto out_abort;
	ret = wr_commit(txn);
	if (ret == 0 && replaced)
		*replaced = old;
	return ret;

out_abort:
	mdb_txn_abort(txn);
	return ret;
}

/* dtype_of - readdir d_type of an inode mode. */
static uint8_t dtype_of(uint32_t mode)
{
	if (S_ISDIR(mode))
		return DT_DIR;
	if (S_ISLNK(mode))
		return DT_LNK;
	if (S_ISREG(mode))
		return DT_REG;
	return DT_UNKNOWN;
}

/* bfs_meta_readdir - pack the children of @dir after name @after (see meta.h). The children's
 * keys are exactly the keys starting with @dir '\0', in name order. */
size_t bfs_meta_readdir(struct bfs_meta *m, const char *dir, size_t dlen, const char *after,
                        size_t alen, void *buf, size_t cap, uint32_t *count, int *more)
{
	char start[START_CAP];
	size_t plen = dlen + 1, pos = 0;
	MDB_cursor *cur;
	MDB_txn *txn;
	MDB_val k, v;
	int ret;

	*count = 0;
	*more = 0;
	if (!path_ok(dir, dlen, 1) || alen > BENCHFS_NAME_MAX || plen + 1 > m->maxkey)
		return 0; /* no child key of such a directory can exist */
	memcpy(start, dir, dlen);
	start[dlen] = '\0';
	if (alen)
		memcpy(start + plen, after, alen);
	if (rd_begin(m, &txn))
		return 0;
	if (map_err(mdb_cursor_open(txn, m->dbi, &cur))) {
		rd_end(m);
		return 0;
	}
	for (ret = seek(m, cur, start, plen + alen, alen != 0, &k, &v);
	     ret == 0 && has_prefix(&k, start, plen); ret = step(cur, &k, &v)) {
		struct bfs_inode rec;

		if (decode_rec(&v, &rec))
			continue;
		ret = bfs_wire_put_dirent(buf, cap, &pos, rec.ino, dtype_of(rec.mode),
		                          (const char *)k.mv_data + plen, k.mv_size - plen);
		if (ret == -ENOSPC) {
			*more = 1;
			break;
		}
		if (ret == 0)
			(*count)++;
	}
	mdb_cursor_close(cur);
	rd_end(m);
	return pos;
}

/* find_pass - whether record @rec with key @k passes @filter (name: the key's basename). */
static int find_pass(const MDB_val *k, const struct bfs_inode *rec,
                     const struct benchfs_find_filter *filter)
{
	char name[BENCHFS_NAME_MAX + 1];
	const char *key = k->mv_data, *nul;
	struct timespec mt;
	size_t nlen;

	if (!filter)
		return 1;
	nul = memrchr(key, '\0', k->mv_size);
	if (!nul)
		return 0;
	nlen = k->mv_size - (size_t)(nul + 1 - key);
	if (nlen > BENCHFS_NAME_MAX)
		return 0;
	memcpy(name, nul + 1, nlen);
	name[nlen] = '\0';
	mt = bfs_ns_to_ts(rec->mtime_ns);
	return benchfs_find_match(filter, name, (mode_t)rec->mode, rec->size, &mt);
}

/*
 * bfs_meta_find - pack the records below @top that pass @filter (see meta.h). Below top "/"
 * is every key starting with '/'; below another top T are the keys starting with T '\0'
 * (children) and T '/' (deeper): two ranges, separated by the keys of T's siblings whose
 * names extend T's with a byte below '/' (as "/a-b" for "/a"), which are skipped by a seek.
 */
size_t bfs_meta_find(struct bfs_meta *m, const char *top, size_t tlen, const char *after_key,
                     size_t aklen, const struct benchfs_find_filter *filter, void *buf, size_t cap,
                     uint32_t *count, int *more)
{
	char lo[KEY_CAP];
	int root = tlen == 1 && top && top[0] == '/';
	size_t lolen = root ? 1 : tlen + 1, pos = 0;
	MDB_cursor *cur;
	MDB_txn *txn;
	MDB_val k, v;
	int ret;

	*count = 0;
	*more = 0;
	if (!path_ok(top, tlen, 1) || (!root && tlen + 2 > m->maxkey))
		return 0; /* nothing can be stored below such a top */
	memcpy(lo, top, tlen);
	lo[tlen] = '\0'; /* range start: "/" for the root, else T '\0' */
	if (rd_begin(m, &txn))
		return 0;
	if (map_err(mdb_cursor_open(txn, m->dbi, &cur))) {
		rd_end(m);
		return 0;
	}
	if (aklen && after_key) {
		MDB_val ak = {aklen, (void *)after_key};

		if (key_cmp(&ak, lo, lolen) >= 0)
			ret = seek(m, cur, after_key, aklen, 1, &k, &v);
		else
			ret = seek(m, cur, lo, lolen, 0, &k, &v);
	} else {
		ret = seek(m, cur, lo, lolen, 0, &k, &v);
	}
	while (ret == 0) {
		struct bfs_inode rec;

		if (root) {
			if (k.mv_size == 0 || ((const char *)k.mv_data)[0] != '/')
				break;
		} else {
			unsigned char c;

			if (k.mv_size <= tlen || memcmp(k.mv_data, top, tlen) != 0)
				break;
			c = ((const unsigned char *)k.mv_data)[tlen];
			if (c > '/')
				break;
			if (c != '\0' && c != '/') {
				lo[tlen] = '/'; /* jump over the siblings to T '/' */
				ret = seek(m, cur, lo, tlen + 1, 0, &k, &v);
				continue;
			}
		}
		if (decode_rec(&v, &rec) == 0 && find_pass(&k, &rec, filter)) {
			ret = bfs_wire_put_findent(buf, cap, &pos, rec.mode, rec.size, rec.mtime_ns,
			                           k.mv_data, k.mv_size);
			if (ret == -ENOSPC) {
				*more = 1;
				break;
			}
			if (ret == 0)
				(*count)++;
		}
		ret = step(cur, &k, &v);
	}
	mdb_cursor_close(cur);
	rd_end(m);
	return pos;
}

/* bfs_meta_haschild - whether any key starts with @dir '\0' (see meta.h). */
int bfs_meta_haschild(struct bfs_meta *m, const char *dir, size_t dlen)
{
	char prefix[KEY_CAP];
	MDB_cursor *cur;
	MDB_txn *txn;
	MDB_val k, v;
	int found = 0;

	if (!path_ok(dir, dlen, 1) || dlen + 2 > m->maxkey)
		return 0;
	memcpy(prefix, dir, dlen);
	prefix[dlen] = '\0';
	if (rd_begin(m, &txn))
		return 0;
	if (map_err(mdb_cursor_open(txn, m->dbi, &cur)) == 0) {
		found = seek(m, cur, prefix, dlen + 1, 0, &k, &v) == 0 &&
		        has_prefix(&k, prefix, dlen + 1);
		mdb_cursor_close(cur);
	}
	rd_end(m);
	return found;
}

/* bfs_meta_count - LMDB's entry count less the system record. */
uint64_t bfs_meta_count(struct bfs_meta *m)
{
	MDB_val k = {SYS_NEXT_INO_LEN, (void *)SYS_NEXT_INO}, v;
	MDB_stat st;
	MDB_txn *txn;
	uint64_t n = 0;

	if (rd_begin(m, &txn))
		return 0;
	if (mdb_stat(txn, m->dbi, &st) == 0) {
		n = st.ms_entries;
		if (n && mdb_get(txn, m->dbi, &k, &v) == 0)
			n--;
	}
	rd_end(m);
	return n;
}
