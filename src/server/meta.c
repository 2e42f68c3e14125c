/*
 * meta.c - a server's metadata store: inode records in one LMDB environment, keyed by
 * bfs_path_key() so that a directory's children, and a whole subtree, are key ranges.
 *
 * Every modifying call runs in its own write transaction, or in the group's (group commit, see
 * wr_begin); reads reuse one read-only transaction handle (reset between calls, renewed on the
 * next), so a lookup allocates nothing, or read the open group's transaction.
 *
 * LMDB keys are limited to mdb_env_get_maxkeysize() bytes (511 with a stock liblmdb). A path
 * whose key fits is stored under it ("short key"). A longer one is stored under a "long key":
 * the byte 0x02, the 16-byte XXH3-128 hash of the parent path (canonical, big-endian bytes),
 * '\0', the basename; at most 18 + 255 bytes. All long-keyed children of one directory are
 * thus one range, and all long keys one region (after the system record's 0x01, before the
 * short keys' '/'). Whether a path is long-keyed follows from its length alone (its short key
 * is longer than the limit), so no lookup needs to try both forms. The value of a long-keyed
 * record is the inode record, the symlink target (target_len bytes), then the full path: its
 * length is what remains of the value (the 64-byte record has no field for it). Reads compare
 * that path with the requested one, so a hash collision is never taken for the record: a
 * lookup then finds nothing, and a create or put of the second path fails with -ENAMETOOLONG
 * (the path can not be stored; a collision of 128-bit hashes is not expected to ever happen).
 */
#include "server/meta.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <lmdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
/* the hash functions as static inline code: no link dependency on libxxhash */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "common/path.h"
#include "common/util.h"

#define META_MAP_DEFAULT (8ull << 30)
/* the bits of a mode a record keeps: type and permissions (FIND entries carry 16 bits) */
#define MODE_BITS         (S_IFMT | 07777u)
#define SYS_NEXT_INO      "\001next_ino"
#define SYS_NEXT_INO_LEN  (sizeof(SYS_NEXT_INO) - 1)
#define INO_COUNTER_LIMIT (1ull << 48)
/* a key: parent '\0' basename, one byte longer than the path when the parent is "/" */
#define KEY_CAP (BENCHFS_PATH_MAX + 2)
/* a scan's start key: a directory's prefix followed by a name */
#define START_CAP (BENCHFS_PATH_MAX + BENCHFS_NAME_MAX + 3)
/* long keys: 0x02, XXH3-128 of the parent, '\0', basename */
#define LONG_TAG  0x02
#define HASH_LEN  16
#define LONG_HEAD (1 + HASH_LEN + 1)
#define LONG_CAP  (LONG_HEAD + BENCHFS_NAME_MAX)

/* a record's key: the short key (bfs_path_key) or the long one (@lng set) */
struct mkey {
	char k[KEY_CAP];
	size_t len;
	int lng;
};

/* get_rec's answer when a long key holds the record of another path (a hash collision) */
#define REC_OTHER 1

struct bfs_meta {
	MDB_env *env;
	MDB_dbi dbi;
	MDB_txn *rtxn; /* read-only transaction, reset while unused */
	size_t maxkey; /* longest key LMDB accepts */
	uint32_t server;
	int sync;
	int fd;              /* the data file's descriptor (LMDB's own), -1 when unknown */
	uint64_t psize;      /* LMDB page size, bytes */
	uint64_t mapsize;    /* bytes */
	uint64_t reserved;   /* bytes of the data file known to be allocated, from 0 */
	uint32_t inline_max; /* bytes a new regular file may hold in its record (0: none) */
	/* group commit (bfs_meta_group): writes share wtxn until bfs_meta_flush */
	MDB_txn *wtxn;            /* the group's write transaction, NULL when none is open */
	unsigned gmax;            /* writes a group holds at most (0: each commits alone) */
	unsigned gops;            /* writes in wtxn */
	uint64_t *gkey;           /* XXH3-64 of the record key of each (gmax of them) */
	uint64_t staged;          /* writes done since open, committed or not */
	uint64_t gcharge;         /* bytes of pages those may have added past LMDB's last page */
	int gerr;                 /* an LMDB call failed in wtxn (-errno): it can only be aborted */
	bfs_meta_commit_fn *done; /* told each group's end */
	void *done_arg;
	uint64_t commits, writes; /* write transactions committed, writes in them */
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

/* txn_err - map_err for a call on a transaction: a failure in the group's transaction (a
 * read in it too: LMDB marks the transaction broken) leaves it fit only for an abort. */
static int txn_err(struct bfs_meta *m, int rc)
{
	int ret = map_err(rc);

	if (ret && m->wtxn && !m->gerr)
		m->gerr = ret;
	return ret;
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

/* long_head - the first LONG_HEAD bytes of the long keys of the children of directory @dir
 * (@dlen bytes) into @out: LONG_TAG, the hash of @dir, '\0'. */
static void long_head(const char *dir, size_t dlen, char *out)
{
	XXH128_canonical_t c;

	XXH128_canonicalFromHash(&c, XXH3_128bits(dir, dlen));
	out[0] = LONG_TAG;
	memcpy(out + 1, c.digest, HASH_LEN);
	out[1 + HASH_LEN] = '\0';
}

/* child_long - 1 when the child named by @nlen bytes of directory @dir (@dlen bytes) has a long
 * key: its short key (dir '\0' name; "/" '\0' name for the root) exceeds LMDB's limit. */
static int child_long(const struct bfs_meta *m, size_t dlen, size_t nlen)
{
	return dlen + 1 + nlen > m->maxkey;
}

/* make_key - key of normal path @path (not "/") into @key: the short key when LMDB takes it,
 * else the long key. Return 0, or -EINVAL for a path that is not normal. */
static int make_key(const struct bfs_meta *m, const char *path, size_t len, struct mkey *key)
{
	size_t plen;
	int klen;

	if (!path_ok(path, len, 0))
		return -EINVAL;
	klen = bfs_path_key(path, len, key->k, KEY_CAP);
	if (klen < 0)
		return klen;
	key->len = (size_t)klen;
	key->lng = key->len > m->maxkey;
	if (key->lng) {
		plen = bfs_path_parent(path, len);
		long_head(path, plen, key->k);
		memcpy(key->k + LONG_HEAD, path + plen + 1, len - plen - 1);
		key->len = LONG_HEAD + len - plen - 1;
	}
	return 0;
}

static int group_end(struct bfs_meta *m, int status);

/* group_wrote - whether the open group wrote the record under @key. */
static int group_wrote(const struct bfs_meta *m, const struct mkey *key)
{
	uint64_t h;

	if (!m->gops)
		return 0;
	h = XXH3_64bits(key->k, key->len);
	for (unsigned i = 0; i < m->gops; i++)
		if (m->gkey[i] == h)
			return 1;
	return 0;
}

/* key_begin - make_key for a call on the record of @path; when the open group wrote that
 * record, the group is committed first: no answer depends on a write not yet committed (see
 * wr_begin). */
static int key_begin(struct bfs_meta *m, const char *path, size_t len, struct mkey *key)
{
	int ret = make_key(m, path, len, key);

	if (ret == 0 && group_wrote(m, key))
		group_end(m, 0);
	return ret;
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

/* rd_begin - start the read transaction (renewing the reset handle); while a group is open,
 * its write transaction, so that a read sees the group's writes. Return 0 or -errno. */
static int rd_begin(struct bfs_meta *m, MDB_txn **txn)
{
	int rc;

	if (m->wtxn) {
		*txn = m->wtxn;
		return 0;
	}
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

/* rd_scan - rd_begin for a read of many records: an open group is committed first (see
 * wr_begin). */
static int rd_scan(struct bfs_meta *m, MDB_txn **txn)
{
	group_end(m, 0);
	return rd_begin(m, txn);
}

/* rd_end - release the read snapshot, keeping the handle for the next read; a read in the
 * group's transaction leaves it open, unless LMDB failed in it. */
static void rd_end(struct bfs_meta *m, MDB_txn *txn)
{
	if (txn != m->wtxn)
		mdb_txn_reset(txn);
	else if (m->gerr)
		group_end(m, m->gerr);
}

/*
 * Storage for the pages a write transaction will touch is allocated before the transaction
 * starts. With MDB_WRITEMAP, LMDB writes new pages straight into its memory map of the data
 * file, which is sparse beyond the pages used so far: on a full file system the first touch of
 * such a page raises SIGBUS (found on a full tmpfs: the server died in mdb_txn_commit), where
 * pwrite would have said ENOSPC. So the file's blocks are allocated ahead of LMDB's last page
 * (fallocate, in RESERVE_STEP steps), and a write that cannot get its headroom fails with
 * -ENOSPC before touching anything. Creates and puts ask for more headroom than updates and
 * removes, so a full store can still publish sizes and delete files to free space.
 */
#define RESERVE_STEP    (2ull << 20) /* bytes allocated at a time */
#define HEADROOM_GROW   (1ull << 20) /* free allocated bytes a create or put needs */
#define HEADROOM_UPDATE (256u << 10) /* ... a setattr or remove */

/* alloc_range - allocate the data file's blocks in [@off, @end). 0 or -errno. */
static int alloc_range(struct bfs_meta *m, uint64_t off, uint64_t end)
{
	int rc;

	if (end <= off)
		return 0;
	if (fallocate(m->fd, FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)(end - off)) == 0)
		return 0;
	if (errno != EOPNOTSUPP)
		return -errno;
	rc = posix_fallocate(m->fd, (off_t)off, (off_t)(end - off)); /* writes zeros where needed */
	return -rc;
}

/* reserve - make sure @headroom bytes past LMDB's last page are allocated. 0 or -ENOSPC. */
static int reserve(struct bfs_meta *m, uint64_t headroom)
{
	MDB_envinfo info;
	uint64_t need, want;

	if (m->fd < 0 || mdb_env_info(m->env, &info))
		return 0;
	need = ((uint64_t)info.me_last_pgno + 1) * m->psize + headroom;
	need = BFS_MIN(need, m->mapsize);
	if (need <= m->reserved)
		return 0;
	want = BFS_MIN((need + RESERVE_STEP - 1) / RESERVE_STEP * RESERVE_STEP, m->mapsize);
	if (alloc_range(m, m->reserved, want) == 0) {
		m->reserved = want;
		return 0;
	}
	if (want > need && alloc_range(m, m->reserved, need) == 0) {
		m->reserved = need;
		return 0;
	}
	return -ENOSPC;
}

/*
 * Group commit (bfs_meta_group). The writes share the group's transaction wtxn until
 * bfs_meta_flush() or the group's max-th write commits it. The owner is told each group's
 * outcome and holds the writes' replies until then; the answers of every other call stand at
 * once: a call on a record the group wrote commits the group first (key_begin), and so does a
 * read of many records (rd_scan), so no answer but a write's own rests on a write that may
 * still fail. Other reads are served from wtxn (rd_begin): it holds the committed record.
 * An LMDB failure inside wtxn leaves it fit only for an abort: every write of the group then
 * fails (txn_err, group_end). Every other failure of a call comes before it writes, so it
 * leaves the group alone. A put past the map's end is such an LMDB
 * failure; so that a group does not break on a full map (nor touch unallocated pages, see
 * reserve), a write joins it only when the pages the group may have added (charge) and the
 * write's headroom fit in the allocated room and in the map; else the group is committed first
 * and the write starts the next one, alone, as without groups. Near a full store every group is
 * thus one write, and a write that gets -ENOSPC is one that did not fit alone.
 */
/* charge - bytes of pages a write in @txn of a value of @vlen bytes may have added past LMDB's
 * last page: two changes of the tree (a create's counter and record), each copying and
 * splitting (or, a delete, merging with a sibling) every page of its path, one level more than
 * the tree has now, and a new root; and the value's overflow pages. */
static uint64_t charge(const struct bfs_meta *m, MDB_txn *txn, size_t vlen)
{
	uint64_t ps = m->psize ? m->psize : 4096, depth = 12;
	MDB_stat st;

	if (mdb_stat(txn, m->dbi, &st) == 0)
		depth = st.ms_depth + 1;
	return (2 * (2 * depth + 1) + (vlen + ps - 1) / ps) * ps;
}

/* group_room - whether a write needing @headroom bytes may join the open group (see above). */
static int group_room(struct bfs_meta *m, uint64_t headroom)
{
	MDB_envinfo info;
	uint64_t need = m->gcharge + headroom, ps = m->psize ? m->psize : 4096;

	if (m->gops >= m->gmax || mdb_env_info(m->env, &info))
		return 0;
	if (((uint64_t)info.me_last_pgno + 1) * ps + need > info.me_mapsize)
		return 0;
	return reserve(m, need) == 0;
}

/* group_end - end the group's transaction: commit it (@status 0) or abort it; the owner is
 * told the outcome when it held writes. Return the outcome (0 or -errno). */
static int group_end(struct bfs_meta *m, int status)
{
	MDB_txn *txn = m->wtxn;
	unsigned n = m->gops;

	if (!txn)
		return 0;
	m->wtxn = NULL;
	m->gops = 0;
	m->gerr = 0;
	if (status == 0 && n) {
		status = map_err(mdb_txn_commit(txn));
		if (status == 0)
			m->commits++, m->writes += n;
	} else {
		mdb_txn_abort(txn);
	}
	m->gcharge = 0;
	if (n && m->done)
		m->done(m->done_arg, status);
	return status;
}

/* wr_begin - a write transaction, with @headroom bytes of storage allocated for it: the group's
 * when there is room in it (else the group is committed first), or a new one (which becomes
 * the group's when groups are on). */
static int wr_begin(struct bfs_meta *m, uint64_t headroom, MDB_txn **txn)
{
	int rc;

	if (m->wtxn) {
		if (group_room(m, headroom)) {
			*txn = m->wtxn;
			return 0;
		}
		group_end(m, 0);
	}
	rc = reserve(m, headroom);
	if (rc)
		return rc;
	rc = map_err(mdb_txn_begin(m->env, NULL, 0, txn));
	if (rc == 0 && m->gmax)
		m->wtxn = *txn;
	return rc;
}

/* wr_done - a write in @txn of the record under @key succeeded, its value @vlen bytes: commit
 * it, or count it in the group (committed when full). Return 0 or the commit's -errno. */
static int wr_done(struct bfs_meta *m, MDB_txn *txn, const struct mkey *key, size_t vlen)
{
	int rc;

	m->staged++;
	if (txn != m->wtxn) {
		rc = map_err(mdb_txn_commit(txn));
		if (rc == 0)
			m->commits++, m->writes++;
		return rc;
	}
	m->gkey[m->gops++] = XXH3_64bits(key->k, key->len);
	m->gcharge += charge(m, txn, vlen);
	return m->gops >= m->gmax ? group_end(m, 0) : 0;
}

/* wr_fail - a call in @txn ends with @ret having written nothing (an error, or nothing to
 * change): abort its own transaction; the group's stays unless LMDB failed in it (then all its
 * writes fail with that error) or it holds nothing. Return @ret. */
static int wr_fail(struct bfs_meta *m, MDB_txn *txn, int ret)
{
	if (txn != m->wtxn)
		mdb_txn_abort(txn);
	else if (m->gerr)
		group_end(m, m->gerr);
	else if (!m->gops)
		group_end(m, 0);
	return ret;
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

/* rec_path - the full path stored at the end of long-keyed record value @v (decoded into @ino):
 * the bytes after the inode record and the target. Its length goes to *@len. */
static const char *rec_path(const MDB_val *v, const struct bfs_inode *ino, size_t *len)
{
	size_t off = BFS_WIRE_INODE_SIZE + ino->target_len;

	*len = v->mv_size - off;
	return (const char *)v->mv_data + off;
}

/* get_rec - read the record of @path (@len bytes) under key @key into @ino and its raw value
 * into @v (may be NULL); a long key's record must hold @path itself.
 * Return 0, -ENOENT, -EIO, or REC_OTHER (a long key holding another path's record). */
static int get_rec(struct bfs_meta *m, MDB_txn *txn, const struct mkey *key, const char *path,
                   size_t len, struct bfs_inode *ino, MDB_val *v)
{
	MDB_val k = {key->len, (void *)key->k}, val;
	const char *sp;
	size_t splen;
	int rc = mdb_get(txn, m->dbi, &k, &val);

	if (rc == MDB_NOTFOUND)
		return -ENOENT;
	if (rc)
		return txn_err(m, rc);
	if (v)
		*v = val;
	rc = decode_rec(&val, ino);
	if (rc || !key->lng)
		return rc;
	sp = rec_path(&val, ino, &splen);
	return splen == len && memcmp(sp, path, len) == 0 ? 0 : REC_OTHER;
}

/* put_rec - store record @ino followed by @tlen target bytes under key @key, and for a long key
 * then the @len bytes of @path; the record's target_len is taken from @tlen.
 * Return 0 or -errno. */
static int put_rec(struct bfs_meta *m, MDB_txn *txn, const struct mkey *key, const char *path,
                   size_t len, const struct bfs_inode *ino, const char *target, size_t tlen)
{
	size_t plen = key->lng ? len : 0;
	MDB_val k = {key->len, (void *)key->k}, v = {BFS_WIRE_INODE_SIZE + tlen + plen, NULL};
	struct bfs_inode rec = *ino;
	int rc;

	rec.target_len = (uint32_t)tlen;
	rc = mdb_put(txn, m->dbi, &k, &v, MDB_RESERVE);
	if (rc)
		return txn_err(m, rc);
	bfs_wire_encode_inode(&rec, v.mv_data);
	if (tlen)
		memcpy((char *)v.mv_data + BFS_WIRE_INODE_SIZE, target, tlen);
	if (plen)
		memcpy((char *)v.mv_data + BFS_WIRE_INODE_SIZE + tlen, path, plen);
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
			return txn_err(m, MDB_CORRUPTED);
		n = get_le64(v.mv_data);
	} else if (rc != MDB_NOTFOUND) {
		return txn_err(m, rc);
	}
	if (n == 0 || n >= INO_COUNTER_LIMIT)
		return -ENOSPC;
	v.mv_size = 8;
	rc = mdb_put(txn, m->dbi, &k, &v, MDB_RESERVE);
	if (rc)
		return txn_err(m, rc);
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
	return txn_err(m, rc);
}

/* step - move @cur to the next entry. Return 0, -ENOENT at the end, -EIO. */
static int step(struct bfs_meta *m, MDB_cursor *cur, MDB_val *k, MDB_val *v)
{
	int rc = mdb_cursor_get(cur, k, v, MDB_NEXT);

	if (rc == MDB_NOTFOUND)
		return -ENOENT;
	return txn_err(m, rc);
}

/*
 * reserve_open - what is allocated at open: the pages used so far (allocating any holes among
 * them: a copied store may have some) and, if it fits, the headroom of a create. A full file
 * system leaves the store readable; writes then fail with -ENOSPC. The lock file (LMDB maps it
 * too) is allocated whole.
 */
static void reserve_open(struct bfs_meta *m)
{
	MDB_envinfo info;
	MDB_stat st;
	const char *dir;
	char path[4200];
	struct stat sb;
	uint64_t used;
	int fd;

	m->fd = -1;
	if (mdb_env_get_fd(m->env, &fd) || mdb_env_info(m->env, &info) || mdb_env_stat(m->env, &st))
		return; /* not known: never refuse */
	m->fd = fd;
	m->psize = st.ms_psize;
	m->mapsize = info.me_mapsize;
	used = ((uint64_t)info.me_last_pgno + 1) * m->psize;
	if (alloc_range(m, 0, used) == 0)
		m->reserved = used;
	reserve(m, HEADROOM_GROW);
	if (mdb_env_get_path(m->env, &dir) == 0) {
		snprintf(path, sizeof(path), "%s/lock.mdb", dir);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd >= 0 && fstat(fd, &sb) == 0 && sb.st_size > 0 &&
		    fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, sb.st_size))
			posix_fallocate(fd, 0, sb.st_size);
		if (fd >= 0)
			close(fd);
	}
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
		rc = mdb_env_open(m->env, dir,
		                  MDB_NOTLS | (sync ? 0 : MDB_NOSYNC | MDB_WRITEMAP | MDB_MAPASYNC),
		                  0600);
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
	reserve_open(m);
	*mp = m;
	return 0;
}

/* bfs_meta_close - commit an open group (untold), end the read handle, flush and close. */
void bfs_meta_close(struct bfs_meta *m)
{
	if (!m)
		return;
	m->done = NULL;
	group_end(m, 0);
	if (m->rtxn)
		mdb_txn_abort(m->rtxn);
	if (!m->sync)
		map_err(mdb_env_sync(m->env, 1));
	mdb_env_close(m->env);
	free(m->gkey);
	free(m);
}

/* bfs_meta_sync - flush committed transactions to disk. */
int bfs_meta_sync(struct bfs_meta *m)
{
	int rc = group_end(m, 0);

	return mdb_env_sync(m->env, 1) ? -EIO : rc;
}

/* bfs_meta_group - writes share a transaction from now on, up to @max of them (see meta.h). */
int bfs_meta_group(struct bfs_meta *m, unsigned max, bfs_meta_commit_fn *done, void *arg)
{
	uint64_t *keys = NULL;
	int rc = 0;

	group_end(m, 0);
	if (max && !(keys = calloc(max, sizeof(*keys)))) {
		max = 0;
		rc = -ENOMEM;
	}
	free(m->gkey);
	m->gkey = keys;
	m->gmax = max;
	m->done = done;
	m->done_arg = arg;
	return rc;
}

uint64_t bfs_meta_staged(const struct bfs_meta *m)
{
	return m->staged;
}

unsigned bfs_meta_pending(const struct bfs_meta *m)
{
	return m->gops;
}

int bfs_meta_flush(struct bfs_meta *m)
{
	return group_end(m, 0);
}

void bfs_meta_commits(const struct bfs_meta *m, uint64_t *commits, uint64_t *writes)
{
	*commits = m->commits;
	*writes = m->writes;
}

/* bfs_meta_create - insert a new record, or report the existing one (see meta.h). */
int bfs_meta_create(struct bfs_meta *m, const char *path, size_t len, struct bfs_inode *ino,
                    const char *target, size_t tlen, int excl)
{
	struct mkey key;
	struct bfs_inode old, rec;
	MDB_txn *txn;
	int ret;
	int64_t now;

	ret = key_begin(m, path, len, &key);
	if (ret)
		return ret;
	if (!S_ISREG(ino->mode) && tlen > BENCHFS_PATH_MAX)
		return -ENAMETOOLONG; /* (a regular file's bytes are limited by the inline limit) */
	ret = wr_begin(m, HEADROOM_GROW, &txn);
	if (ret == -ENOSPC) {
		/* no room for a new record; an existing one may still be the answer */
		ret = bfs_meta_lookup(m, path, len, &old, NULL, 0);
		if (ret == 0 && (excl || !S_ISREG(old.mode) || !S_ISREG(ino->mode)))
			return -EEXIST;
		if (ret == 0)
			*ino = old;
		return ret == 0 ? 1 : -ENOSPC;
	}
	if (ret)
		return ret;
	ret = get_rec(m, txn, &key, path, len, &old, NULL);
	if (ret == REC_OTHER) {
		ret = -ENAMETOOLONG; /* the long key is taken by another path: not storable */
		goto out_abort;
	}
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
	rec.mode &= MODE_BITS;
	rec.flags &= ~BFS_INODE_INLINE;
	if (S_ISREG(rec.mode) && bfs_meta_inline_limit(m, &rec))
		rec.flags |= BFS_INODE_INLINE; /* its data starts out here */
	if (S_ISREG(rec.mode) &&
	    tlen > (rec.flags & BFS_INODE_INLINE ? bfs_meta_inline_limit(m, &rec) : 0)) {
		ret = -E2BIG; /* more bytes than the record may hold */
		goto out_abort;
	}
	ret = next_ino(m, txn, &rec.ino);
	if (ret)
		goto out_abort;
	now = bfs_now_ns();
	/* a symlink's size is its target's length, an inline file's its bytes' */
	rec.size = S_ISLNK(rec.mode) || S_ISREG(rec.mode) ? tlen : 0;
	rec.ctime_ns = now;
	rec.atime_ns = ino->atime_ns ? ino->atime_ns : now;
	rec.mtime_ns = ino->mtime_ns ? ino->mtime_ns : now;
	rec.target_len = (uint32_t)tlen;
	ret = put_rec(m, txn, &key, path, len, &rec, target, tlen);
	if (ret)
		goto out_abort;
	ret = wr_done(m, txn, &key, BFS_WIRE_INODE_SIZE + tlen + (key.lng ? len : 0));
	if (ret == 0)
		*ino = rec;
	return ret;

out_abort:
	return wr_fail(m, txn, ret);
}

/* bfs_meta_lookup - read a record and a symlink's target (see meta.h). */
int bfs_meta_lookup(struct bfs_meta *m, const char *path, size_t len, struct bfs_inode *ino,
                    char *target, size_t cap)
{
	struct mkey key;
	MDB_txn *txn;
	MDB_val v;
	int ret;

	ret = key_begin(m, path, len, &key);
	if (ret)
		return ret;
	ret = rd_begin(m, &txn);
	if (ret)
		return ret;
	ret = get_rec(m, txn, &key, path, len, ino, &v);
	if (ret == REC_OTHER)
		ret = -ENOENT;
	if (ret == 0 && !(ino->flags & BFS_INODE_INLINE) && ino->target_len && cap)
		memcpy(target, (const char *)v.mv_data + BFS_WIRE_INODE_SIZE,
		       BFS_MIN((size_t)ino->target_len, cap));
	rd_end(m, txn);
	return ret;
}

/* bfs_meta_remove - delete a record after checking its type and inode number (see meta.h). */
int bfs_meta_remove(struct bfs_meta *m, const char *path, size_t len, unsigned flags,
                    uint64_t expect_ino, struct bfs_inode *old)
{
	struct mkey key;
	struct bfs_inode rec;
	MDB_txn *txn;
	MDB_val k;
	int ret, rc;

	ret = key_begin(m, path, len, &key);
	if (ret)
		return ret;
	ret = wr_begin(m, HEADROOM_UPDATE, &txn);
	if (ret)
		return ret;
	ret = get_rec(m, txn, &key, path, len, &rec, NULL);
	if (ret == REC_OTHER)
		ret = -ENOENT;
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
	k.mv_size = key.len;
	k.mv_data = key.k;
	rc = mdb_del(txn, m->dbi, &k, NULL);
	if (rc) {
		ret = txn_err(m, rc);
		goto out_abort;
	}
	ret = wr_done(m, txn, &key, 0);
	if (ret == 0 && old)
		*old = rec;
	return ret;

out_abort:
	return wr_fail(m, txn, ret);
}

/* bfs_meta_setattr - change size, times or permissions of a record (see meta.h). Nothing is
 * written when no value actually changes (e.g. BFS_F_SIZE_MAX with a smaller size). */
int bfs_meta_setattr(struct bfs_meta *m, const char *path, size_t len, unsigned flags,
                     uint64_t size, int64_t atime_ns, int64_t mtime_ns, uint32_t mode,
                     struct bfs_inode *out)
{
	struct mkey key;
	struct bfs_inode rec, old;
	MDB_txn *txn;
	MDB_val v;
	char *body = NULL;
	int ret;

	ret = key_begin(m, path, len, &key);
	if (ret)
		return ret;
	ret = wr_begin(m, HEADROOM_UPDATE, &txn);
	if (ret)
		return ret;
	ret = get_rec(m, txn, &key, path, len, &rec, &v);
	if (ret == REC_OTHER)
		ret = -ENOENT;
	if (ret)
		goto out_abort;
	if ((flags & (BFS_F_SIZE | BFS_F_SIZE_MAX)) && S_ISDIR(rec.mode)) {
		ret = -EISDIR;
		goto out_abort;
	}
	old = rec;
	if (flags & BFS_F_SIZE)
		rec.size = size;
	if ((flags & BFS_F_SIZE_MAX) && size > rec.size)
		rec.size = size;
	if ((rec.flags & BFS_INODE_INLINE) && rec.size != old.size) {
		if (rec.size > bfs_meta_inline_limit(m, &rec)) {
			ret = -E2BIG; /* past what the record may hold: migrate the data first */
			goto out_abort;
		}
		if (rec.target_len > rec.size)
			rec.target_len = (uint32_t)rec.size; /* shrunk: the bytes past the end go */
	}
	if (flags & BFS_F_ATIME)
		rec.atime_ns = atime_ns;
	if (flags & BFS_F_MTIME)
		rec.mtime_ns = mtime_ns;
	if (flags & BFS_F_MODE)
		rec.mode = (rec.mode & ~07777u) | (mode & 07777u);
	if (flags & BFS_F_COMPLETE)
		rec.flags &= ~BFS_INODE_INCOMPLETE;
	if (rec.size == old.size && rec.atime_ns == old.atime_ns && rec.mtime_ns == old.mtime_ns &&
	    rec.mode == old.mode && rec.flags == old.flags) {
		if (out)
			*out = rec;
		return wr_fail(m, txn, 0);
	}
	rec.ctime_ns = bfs_now_ns();
	/* the value's memory may be reused by the put below: keep the body aside */
	if (rec.target_len && !(body = malloc(rec.target_len))) {
		ret = -ENOMEM;
		goto out_abort;
	}
	if (rec.target_len)
		memcpy(body, (const char *)v.mv_data + BFS_WIRE_INODE_SIZE, rec.target_len);
	ret = put_rec(m, txn, &key, path, len, &rec, body, rec.target_len);
	free(body);
	if (ret)
		goto out_abort;
	ret = wr_done(m, txn, &key, BFS_WIRE_INODE_SIZE + rec.target_len + (key.lng ? len : 0));
	if (ret == 0 && out)
		*out = rec;
	return ret;

out_abort:
	return wr_fail(m, txn, ret);
}

/* ---- inline data -------------------------------------------------------------------------- */

void bfs_meta_set_inline(struct bfs_meta *m, uint32_t max)
{
	m->inline_max = BFS_MIN(max, BFS_INLINE_LIMIT);
}

uint32_t bfs_meta_inline_max(const struct bfs_meta *m)
{
	return m->inline_max;
}

uint32_t bfs_meta_inline_limit(const struct bfs_meta *m, const struct bfs_inode *rec)
{
	return (uint32_t)BFS_MIN((uint64_t)m->inline_max, (uint64_t)rec->chunk_size);
}

/*
 * inline_begin - the write transaction and record of the inline file @ino at @path: 0 with *@txn
 * open and *@rec, *@v filled; 0 with *@txn NULL when the record is not inline (*@rec filled);
 * -ENOENT (no record, or another inode there), -EISDIR (not a regular file), -errno.
 */
static int inline_begin(struct bfs_meta *m, const char *path, size_t len, uint64_t ino,
                        struct mkey *key, MDB_txn **txn, struct bfs_inode *rec, MDB_val *v)
{
	int ret = key_begin(m, path, len, key);

	*txn = NULL;
	if (ret)
		return ret;
	ret = wr_begin(m, HEADROOM_UPDATE, txn);
	if (ret)
		return ret;
	ret = get_rec(m, *txn, key, path, len, rec, v);
	if (ret == REC_OTHER || (ret == 0 && rec->ino != ino))
		ret = -ENOENT;
	else if (ret == 0 && !S_ISREG(rec->mode))
		ret = -EISDIR;
	if (ret || !(rec->flags & BFS_INODE_INLINE)) {
		wr_fail(m, *txn, ret);
		*txn = NULL;
	}
	return ret;
}

/* bfs_meta_iwrite - write @n bytes at @off into an inline file's record (see meta.h). */
int bfs_meta_iwrite(struct bfs_meta *m, const char *path, size_t len, uint64_t ino, uint64_t off,
                    const void *data, size_t n, int64_t mtime_ns, struct bfs_inode *out)
{
	struct mkey key;
	struct bfs_inode rec;
	MDB_txn *txn;
	MDB_val v;
	uint64_t end = off + n;
	char *body = NULL;
	const char *src;
	int ret = inline_begin(m, path, len, ino, &key, &txn, &rec, &v);

	*out = rec;
	if (ret || !txn)
		return ret;
	if (end > bfs_meta_inline_limit(m, &rec)) {
		ret = -E2BIG;
		goto out_abort;
	}
	if (n == 0) {
		ret = 0; /* nothing written: the size stays (POSIX write of 0 bytes) */
		goto out_abort;
	}
	if (off == 0 && n >= rec.target_len) {
		src = data; /* it covers what was there: no copy of the old bytes */
	} else {
		size_t blen = BFS_MAX((size_t)rec.target_len, (size_t)end);
		if (!(body = malloc(blen))) {
			ret = -ENOMEM;
			goto out_abort;
		}
		memcpy(body, (const char *)v.mv_data + BFS_WIRE_INODE_SIZE, rec.target_len);
		if (off > rec.target_len)
			memset(body + rec.target_len, 0, off - rec.target_len); /* a hole: zeros */
		memcpy(body + off, data, n);
		src = body;
	}
	rec.target_len = (uint32_t)BFS_MAX((uint64_t)rec.target_len, end);
	rec.size = BFS_MAX(rec.size, end);
	rec.mtime_ns = mtime_ns;
	rec.ctime_ns = bfs_now_ns();
	ret = put_rec(m, txn, &key, path, len, &rec, src, rec.target_len);
	free(body);
	if (ret)
		goto out_abort;
	ret = wr_done(m, txn, &key, BFS_WIRE_INODE_SIZE + rec.target_len + (key.lng ? len : 0));
	if (ret == 0)
		*out = rec;
	return ret;

out_abort:
	return wr_fail(m, txn, ret);
}

/* bfs_meta_iread - read an inline file's bytes from its record (see meta.h). */
ssize_t bfs_meta_iread(struct bfs_meta *m, const char *path, size_t len, uint64_t ino, uint64_t off,
                       void *buf, size_t n, struct bfs_inode *out)
{
	struct mkey key;
	MDB_txn *txn;
	MDB_val v;
	size_t got = 0, held;
	int ret = key_begin(m, path, len, &key);

	if (ret)
		return ret;
	ret = rd_begin(m, &txn);
	if (ret)
		return ret;
	ret = get_rec(m, txn, &key, path, len, out, &v);
	if (ret == REC_OTHER || (ret == 0 && out->ino != ino))
		ret = -ENOENT;
	else if (ret == 0 && !S_ISREG(out->mode))
		ret = -EISDIR;
	if (ret == 0 && (out->flags & BFS_INODE_INLINE) && off < out->size) {
		got = (size_t)BFS_MIN((uint64_t)n, out->size - off);
		held = off < out->target_len ? BFS_MIN(got, (size_t)(out->target_len - off)) : 0;
		memcpy(buf, (const char *)v.mv_data + BFS_WIRE_INODE_SIZE + off, held);
		memset((char *)buf + held, 0, got - held); /* past the bytes held: zeros */
	}
	rd_end(m, txn);
	return ret ? ret : (ssize_t)got;
}

/* bfs_meta_uninline - the data has moved to the chunk servers: drop it (see meta.h). */
int bfs_meta_uninline(struct bfs_meta *m, const char *path, size_t len, uint64_t ino,
                      struct bfs_inode *out)
{
	struct mkey key;
	struct bfs_inode rec;
	MDB_txn *txn;
	MDB_val v;
	int ret = inline_begin(m, path, len, ino, &key, &txn, &rec, &v);

	*out = rec;
	if (ret || !txn)
		return ret;
	rec.flags &= ~BFS_INODE_INLINE;
	rec.target_len = 0;
	ret = put_rec(m, txn, &key, path, len, &rec, NULL, 0);
	if (ret)
		return wr_fail(m, txn, ret);
	ret = wr_done(m, txn, &key, BFS_WIRE_INODE_SIZE + (key.lng ? len : 0));
	if (ret == 0)
		*out = rec;
	return ret;
}

/* bfs_meta_put - store a record as given, replacing a non-directory (see meta.h). */
int bfs_meta_put(struct bfs_meta *m, const char *path, size_t len, const struct bfs_inode *ino,
                 const char *target, size_t tlen, struct bfs_inode *replaced)
{
	struct bfs_inode rec;
	struct mkey key;
	struct bfs_inode old;
	MDB_txn *txn;
	int ret;

	ret = key_begin(m, path, len, &key);
	if (ret)
		return ret;
	if (tlen > BENCHFS_PATH_MAX)
		return -ENAMETOOLONG;
	ret = wr_begin(m, HEADROOM_GROW, &txn);
	if (ret)
		return ret;
	ret = get_rec(m, txn, &key, path, len, &old, NULL);
	if (ret == REC_OTHER) {
		ret = -ENAMETOOLONG; /* the long key is taken by another path: not storable */
		goto out_abort;
	}
	if (ret == 0 && S_ISDIR(old.mode)) {
		ret = -EISDIR;
		goto out_abort;
	}
	if (ret == -ENOENT)
		memset(&old, 0, sizeof(old));
	else if (ret)
		goto out_abort;
	rec = *ino;
	rec.mode &= MODE_BITS;
	rec.flags &= ~BFS_INODE_INLINE; /* a put carries no data */
	ret = put_rec(m, txn, &key, path, len, &rec, target, tlen);
	if (ret)
		goto out_abort;
	ret = wr_done(m, txn, &key, BFS_WIRE_INODE_SIZE + tlen + (key.lng ? len : 0));
	if (ret == 0 && replaced)
		*replaced = old;
	return ret;

out_abort:
	return wr_fail(m, txn, ret);
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

/* long_child - 1 when long-keyed record value @v (decoded into @rec) holds a child of directory
 * @dir (@dlen bytes, not "/"), named by the @nlen bytes after its key's head: its stored path is
 * @dir '/' name. A record of another directory whose hash collides with @dir's fails this. */
static int long_child(const MDB_val *v, const struct bfs_inode *rec, const char *dir, size_t dlen,
                      size_t nlen)
{
	size_t splen;
	const char *sp = rec_path(v, rec, &splen);

	return splen == dlen + 1 + nlen && memcmp(sp, dir, dlen) == 0 && sp[dlen] == '/';
}

/*
 * dir_scan - pack READDIR entries of directory @dir (@dlen bytes) from the range of keys that
 * start with the @plen bytes of @start: from @start (@slen bytes, > @plen when it holds a name
 * to resume after, then strictly after it) to the end of the range; the names are the keys'
 * bytes after the prefix. @lng: the long-key range (its records must belong to @dir).
 * Return 1 when @buf filled up before the range ended, else 0.
 */
static int dir_scan(struct bfs_meta *m, MDB_cursor *cur, const char *start, size_t plen,
                    size_t slen, int lng, const char *dir, size_t dlen, int attrs, void *buf,
                    size_t cap, size_t *pos, uint32_t *count)
{
	MDB_val k, v;
	int ret;

	for (ret = seek(m, cur, start, slen, slen > plen, &k, &v);
	     ret == 0 && has_prefix(&k, start, plen); ret = step(m, cur, &k, &v)) {
		struct bfs_inode rec;
		size_t nlen = k.mv_size - plen;

		if (decode_rec(&v, &rec) || (lng && !long_child(&v, &rec, dir, dlen, nlen)))
			continue;
		ret = attrs ? bfs_wire_put_dirent_rec(buf, cap, pos, &rec, dtype_of(rec.mode),
		                                      (const char *)k.mv_data + plen, nlen)
		            : bfs_wire_put_dirent(buf, cap, pos, rec.ino, dtype_of(rec.mode),
		                                  (const char *)k.mv_data + plen, nlen);
		if (ret == -ENOSPC)
			return 1;
		if (ret == 0)
			(*count)++;
	}
	return 0;
}

/*
 * bfs_meta_readdir - pack the children of @dir after name @after (see meta.h). The children
 * are two ranges: the short keys starting with @dir '\0' (names of up to maxkey - dlen - 1
 * bytes), then the long keys starting with long_head(@dir) (longer names; none for the root).
 * Both are served in that order, each in name order. Which range @after resumes in follows
 * from its length: a name whose short key would be too long is in the long range.
 */
size_t bfs_meta_readdir(struct bfs_meta *m, const char *dir, size_t dlen, const char *after,
                        size_t alen, void *buf, size_t cap, uint32_t *count, int *more)
{
	return bfs_meta_readdirx(m, dir, dlen, after, alen, 0, buf, cap, count, more);
}

size_t bfs_meta_readdirx(struct bfs_meta *m, const char *dir, size_t dlen, const char *after,
                         size_t alen, int attrs, void *buf, size_t cap, uint32_t *count, int *more)
{
	char start[START_CAP];
	size_t plen = dlen + 1, pos = 0;
	int root = dlen == 1, after_long;
	MDB_cursor *cur;
	MDB_txn *txn;

	*count = 0;
	*more = 0;
	if (!path_ok(dir, dlen, 1) || alen > BENCHFS_NAME_MAX || (alen && !after))
		return 0;
	after_long = alen && !root && child_long(m, dlen, alen);
	if (rd_scan(m, &txn))
		return 0;
	if (txn_err(m, mdb_cursor_open(txn, m->dbi, &cur))) {
		rd_end(m, txn);
		return 0;
	}
	/* short keys: only when some child's key fits (a name of one byte) */
	if (!after_long && !child_long(m, dlen, 1)) {
		memcpy(start, dir, dlen);
		start[dlen] = '\0';
		if (alen)
			memcpy(start + plen, after, alen);
		*more = dir_scan(m, cur, start, plen, plen + alen, 0, dir, dlen, attrs, buf, cap,
		                 &pos, count);
	}
	/* long keys: only when some child's key is too long (a name of BENCHFS_NAME_MAX bytes) */
	if (!*more && !root && child_long(m, dlen, BENCHFS_NAME_MAX)) {
		long_head(dir, dlen, start);
		if (after_long)
			memcpy(start + LONG_HEAD, after, alen);
		*more = dir_scan(m, cur, start, LONG_HEAD, LONG_HEAD + (after_long ? alen : 0), 1,
		                 dir, dlen, attrs, buf, cap, &pos, count);
	}
	mdb_cursor_close(cur);
	rd_end(m, txn);
	return pos;
}

/* find_pass - whether record @rec named @name (@nlen bytes, its path's basename) passes
 * @filter. */
static int find_pass(const char *name, size_t nlen, const struct bfs_inode *rec,
                     const struct benchfs_find_filter *filter)
{
	char nm[BENCHFS_NAME_MAX + 1];
	struct timespec mt;

	if (!filter)
		return 1;
	if (nlen > BENCHFS_NAME_MAX || (filter->incomplete && !(rec->flags & BFS_INODE_INCOMPLETE)))
		return 0;
	memcpy(nm, name, nlen);
	nm[nlen] = '\0';
	mt = bfs_ns_to_ts(rec->mtime_ns);
	return benchfs_find_match(filter, nm, (mode_t)rec->mode, rec->size, &mt);
}

/* find_put - pack record @rec with short-form key @key (@klen bytes) as a FIND entry if it
 * passes @filter (@name, @nlen: its basename). Return 1 when @buf is full, else 0. */
static int find_put(const char *key, size_t klen, const char *name, size_t nlen,
                    const struct bfs_inode *rec, const struct benchfs_find_filter *filter,
                    void *buf, size_t cap, size_t *pos, uint32_t *count)
{
	int ret;

	if (!find_pass(name, nlen, rec, filter))
		return 0;
	ret = bfs_wire_put_findent(buf, cap, pos, (rec->mode & 0xffffu) | rec->flags << 16,
	                           rec->size, rec->mtime_ns, key, klen);
	if (ret == -ENOSPC)
		return 1;
	if (ret == 0)
		(*count)++;
	return 0;
}

/*
 * find_short - the short-key part of bfs_meta_find: below top "/" is every key starting with
 * '/'; below another top T are the keys starting with T '\0' (children) and T '/' (deeper): two
 * ranges, separated by the keys of T's siblings whose names extend T's with a byte below '/'
 * (as "/a-b" for "/a"), which are skipped by a seek. Resumes after @after_key (@aklen bytes, a
 * short key; 0: from the start). Return 1 when @buf filled up, else 0.
 */
static int find_short(struct bfs_meta *m, MDB_cursor *cur, const char *top, size_t tlen,
                      const char *after_key, size_t aklen, const struct benchfs_find_filter *filter,
                      void *buf, size_t cap, size_t *pos, uint32_t *count)
{
	char lo[KEY_CAP];
	int root = tlen == 1, ret;
	size_t lolen = root ? 1 : tlen + 1;
	MDB_val k, v;

	memcpy(lo, top, tlen);
	lo[tlen] = '\0'; /* range start: "/" for the root, else T '\0' */
	if (aklen) {
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
		const char *key = k.mv_data, *nul;

		if (root) {
			if (k.mv_size == 0 || key[0] != '/')
				break;
		} else {
			unsigned char c;

			if (k.mv_size <= tlen || memcmp(key, top, tlen) != 0)
				break;
			c = (unsigned char)key[tlen];
			if (c > '/')
				break;
			if (c != '\0' && c != '/') {
				lo[tlen] = '/'; /* jump over the siblings to T '/' */
				ret = seek(m, cur, lo, tlen + 1, 0, &k, &v);
				continue;
			}
		}
		nul = memrchr(key, '\0', k.mv_size);
		if (nul && decode_rec(&v, &rec) == 0 &&
		    find_put(key, k.mv_size, nul + 1, k.mv_size - (size_t)(nul + 1 - key), &rec,
		             filter, buf, cap, pos, count))
			return 1;
		ret = step(m, cur, &k, &v);
	}
	return 0;
}

/*
 * find_long - the long-key part of bfs_meta_find: the whole long-key region, in key order,
 * keeping the records whose stored path is below @top. Resumes after the record whose path
 * has short-form key @after_key (@aklen bytes; 0: from the start of the region). Entries carry
 * the short-form key of the path (longer than LMDB's limit), from which the client rebuilds
 * the path. Return 1 when @buf filled up, else 0.
 */
static int find_long(struct bfs_meta *m, MDB_cursor *cur, const char *top, size_t tlen,
                     const char *after_key, size_t aklen, const struct benchfs_find_filter *filter,
                     void *buf, size_t cap, size_t *pos, uint32_t *count)
{
	char start[LONG_CAP], key[KEY_CAP];
	size_t slen = 1;
	MDB_val k, v;
	int ret;

	start[0] = LONG_TAG;
	if (aklen) {
		/* the resume record's long key: hash of the key's parent part, then its name */
		const char *nul = memchr(after_key, '\0', aklen);
		size_t nlen = nul ? aklen - (size_t)(nul + 1 - after_key) : 0;

		if (!nul || nlen > BENCHFS_NAME_MAX)
			return 0; /* not the key of a path: nothing comes after it */
		long_head(after_key, (size_t)(nul - after_key), start);
		memcpy(start + LONG_HEAD, nul + 1, nlen);
		slen = LONG_HEAD + nlen;
	}
	for (ret = seek(m, cur, start, slen, aklen != 0, &k, &v);
	     ret == 0 && k.mv_size && *(const unsigned char *)k.mv_data == LONG_TAG;
	     ret = step(m, cur, &k, &v)) {
		struct bfs_inode rec;
		const char *sp, *base;
		size_t splen;
		int klen;

		if (decode_rec(&v, &rec))
			continue;
		sp = rec_path(&v, &rec, &splen);
		if (!bfs_path_is_below(sp, splen, top, tlen) || splen > BENCHFS_PATH_MAX)
			continue;
		klen = bfs_path_key(sp, splen, key, sizeof(key));
		if (klen < 0)
			continue;
		base = bfs_path_base(sp, splen);
		if (find_put(key, (size_t)klen, base, splen - (size_t)(base - sp), &rec, filter,
		             buf, cap, pos, count))
			return 1;
	}
	return 0;
}

/*
 * bfs_meta_find - pack the records below @top that pass @filter (see meta.h): first the
 * short-keyed ones (find_short), then the long-keyed ones (find_long). A resume key longer
 * than LMDB's limit is that of a long-keyed record (as every record whose short-form key is
 * that long), so the scan resumes in the long-key region; a shorter one resumes in the short
 * ranges, which are followed by the whole long-key region.
 */
size_t bfs_meta_find(struct bfs_meta *m, const char *top, size_t tlen, const char *after_key,
                     size_t aklen, const struct benchfs_find_filter *filter, void *buf, size_t cap,
                     uint32_t *count, int *more)
{
	size_t pos = 0;
	int root = tlen == 1 && top && top[0] == '/', after_long;
	MDB_cursor *cur;
	MDB_txn *txn;

	*count = 0;
	*more = 0;
	if (!path_ok(top, tlen, 1))
		return 0;
	if (!after_key)
		aklen = 0;
	after_long = aklen > m->maxkey;
	if (rd_scan(m, &txn))
		return 0;
	if (txn_err(m, mdb_cursor_open(txn, m->dbi, &cur))) {
		rd_end(m, txn);
		return 0;
	}
	/* short keys below a top T are at least T '\0' x long */
	if (!after_long && (root || tlen + 2 <= m->maxkey))
		*more =
		    find_short(m, cur, top, tlen, after_key, aklen, filter, buf, cap, &pos, count);
	if (!*more)
		*more = find_long(m, cur, top, tlen, after_long ? after_key : NULL,
		                  after_long ? aklen : 0, filter, buf, cap, &pos, count);
	mdb_cursor_close(cur);
	rd_end(m, txn);
	return pos;
}

/* haschild_range - whether a key starts with the @plen bytes of @prefix; for the long range
 * (@lng) one whose record is a child of @dir (@dlen bytes). */
static int haschild_range(struct bfs_meta *m, MDB_cursor *cur, const char *prefix, size_t plen,
                          int lng, const char *dir, size_t dlen)
{
	MDB_val k, v;
	int ret;

	for (ret = seek(m, cur, prefix, plen, 0, &k, &v); ret == 0 && has_prefix(&k, prefix, plen);
	     ret = step(m, cur, &k, &v)) {
		struct bfs_inode rec;

		if (!lng)
			return 1;
		if (decode_rec(&v, &rec) == 0 && long_child(&v, &rec, dir, dlen, k.mv_size - plen))
			return 1;
	}
	return 0;
}

/* bfs_meta_haschild - whether any key starts with @dir '\0', or with long_head(@dir) for a
 * record of @dir's (see meta.h). */
int bfs_meta_haschild(struct bfs_meta *m, const char *dir, size_t dlen)
{
	char prefix[KEY_CAP];
	MDB_cursor *cur;
	MDB_txn *txn;
	int found = 0;

	if (!path_ok(dir, dlen, 1))
		return 0;
	if (rd_scan(m, &txn))
		return 0;
	if (txn_err(m, mdb_cursor_open(txn, m->dbi, &cur)) == 0) {
		if (!child_long(m, dlen, 1)) {
			memcpy(prefix, dir, dlen);
			prefix[dlen] = '\0';
			found = haschild_range(m, cur, prefix, dlen + 1, 0, dir, dlen);
		}
		if (!found && dlen > 1 && child_long(m, dlen, BENCHFS_NAME_MAX)) {
			long_head(dir, dlen, prefix);
			found = haschild_range(m, cur, prefix, LONG_HEAD, 1, dir, dlen);
		}
		mdb_cursor_close(cur);
	}
	rd_end(m, txn);
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
	rd_end(m, txn);
	return n;
}
