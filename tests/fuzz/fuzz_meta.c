/*
 * fuzz_meta.c - libFuzzer harness of the namespace request handlers' store: a fuzzed sequence
 * of operations (fuzz_meta.h: create file/dir/symlink, lookup, remove, setattr, put, readdir
 * with resume, find with filters, haschild, count) with fuzzed paths and arguments, run on a
 * real bfs_meta store (src/server/meta.c, LMDB) and on a model of it kept here: a flat map
 * from path to record, which is all the store is (meta.h).
 *
 * The store is opened once per process in a directory under /dev/shm (env BFS_FUZZ_META_DIR
 * to choose another; BENCHFS_META_MAP defaults to 64 MiB here), whose files are unlinked at
 * once: nothing is left behind, whatever way the process ends. Each input starts on an empty
 * store and ends by checking it against the model and emptying it (removing every path of the
 * model, after which the store must count no record).
 *
 * Asserts, whatever the input:
 * - every call answers 0 or a negative errno of the set meta.h documents for it, and exactly
 *   the one the model predicts (-EINVAL for a path that is not normal, -ENOENT, -EEXIST,
 *   -ENOTDIR, -EISDIR, -ENAMETOOLONG for a target over PATH_MAX, 1 for an existing regular
 *   file created again without EXCL);
 * - a successful create is then found by lookup with the same mode (and every other field and
 *   the target), its inode number is new and carries the server, its times are "now";
 *   lookups, removes, setattrs and puts return the records the model holds;
 * - readdir, page by page with each page resumed after its last name, lists exactly the
 *   model's children of the directory, each once, in the documented order (short-keyed names
 *   in name order, then long-keyed ones), every page holding as many entries as fit; a page
 *   resumed after any fuzzed name holds what follows that name;
 * - find, page by page (resumed as the client and server do: key -> path -> key), lists exactly
 *   the model's records below the top that pass the filter, each once, short keys in key order
 *   before the long-keyed ones; resumed after any fuzzed key it lists only such records;
 * - haschild and count agree with the model; no sanitizer finding;
 * - all of it with the writes grouped (bfs_meta_group), as a server runs the store.
 */
#include <dirent.h>
#include <errno.h>
#include <lmdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "benchfs.h"
#include "common/path.h"
#include "common/util.h"
#include "fuzz.h"
#include "fuzz_meta.h"
#include "net/wire.h"
#include "server/meta.h"

#define SERVER    5
#define MODEL_MAX 256
#define KEY_CAP   (BENCHFS_PATH_MAX + 2)
#define LIST_PAGE (64 * 1024)            /* the server's page (src/server/server.c) */
#define PATH_CAP  (2 * BENCHFS_PATH_MAX) /* a fuzzed path, normal or not */

/* one record of the model */
struct ent {
	char *path;
	size_t len;
	struct bfs_inode rec;
	char *target; /* rec.target_len bytes */
};

static struct bfs_meta *meta;
static size_t maxkey;
static struct ent model[MODEL_MAX];
static size_t nmodel;
static uint64_t last_ino; /* the last inode number a create handed out */
static int trace;         /* env BFS_FUZZ_TRACE: print the operations on stderr */

/* ---- set-up ---------------------------------------------------------------------------------- */

/* unlink_store - remove the store's files and directories (the open store lives on). */
static void unlink_store(const char *top, const char *dir)
{
	char f[PATH_CAP];

	snprintf(f, sizeof(f), "%s/data.mdb", dir);
	unlink(f);
	snprintf(f, sizeof(f), "%s/lock.mdb", dir);
	unlink(f);
	rmdir(dir);
	rmdir(top);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *base = getenv("BFS_FUZZ_META_DIR");
	char top[256], dir[300];
	MDB_env *env;
	int rc;

	(void)argc;
	(void)argv;
	trace = getenv("BFS_FUZZ_TRACE") != NULL;
	setenv("BENCHFS_META_MAP", "64m", 0);
	if (!base || !*base)
		base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(top, sizeof(top), "%s/bfs-fuzz-meta.XXXXXX", base);
	FUZZ_CHECK(mkdtemp(top) != NULL, "mkdtemp %s", top);
	snprintf(dir, sizeof(dir), "%s/meta", top);
	rc = bfs_meta_open(&meta, dir, SERVER, 0);
	unlink_store(top, dir);
	FUZZ_CHECK(rc == 0, "bfs_meta_open %s: %d", dir, rc);
	/* writes grouped as a server groups them (at most 8 a transaction here): every answer must
	 * still be that of the model */
	FUZZ_CHECK(bfs_meta_group(meta, 8, NULL, NULL) == 0, "bfs_meta_group");
	/* LMDB's key size limit, which decides which paths are long-keyed */
	FUZZ_CHECK(mdb_env_create(&env) == 0, "mdb_env_create");
	maxkey = (size_t)mdb_env_get_maxkeysize(env);
	mdb_env_close(env);
	return 0;
}

/* ---- the model ------------------------------------------------------------------------------- */

/* normal - whether @p (@len bytes) is a normal path (path.h); "/" only if @root_ok. */
static int normal(const char *p, size_t len, int root_ok)
{
	char raw[BENCHFS_PATH_MAX + 1], norm[BENCHFS_PATH_MAX + 1];

	if (len == 0 || len > BENCHFS_PATH_MAX || memchr(p, '\0', len))
		return 0;
	memcpy(raw, p, len);
	raw[len] = '\0';
	if (bfs_path_normalize(raw, norm, sizeof(norm)) != (int)len || memcmp(norm, p, len))
		return 0;
	return len > 1 || root_ok;
}

static struct ent *model_find(const char *p, size_t len)
{
	for (size_t i = 0; i < nmodel; i++)
		if (model[i].len == len && !memcmp(model[i].path, p, len))
			return &model[i];
	return NULL;
}

/* model_set - put record @rec with target @t at @p (a new entry unless @e is the old one). */
static void model_set(struct ent *e, const char *p, size_t len, const struct bfs_inode *rec,
                      const char *t)
{
	if (!e) {
		FUZZ_CHECK(nmodel < MODEL_MAX, "model full");
		e = &model[nmodel++];
		e->path = malloc(len);
		FUZZ_CHECK(e->path != NULL, "malloc");
		memcpy(e->path, p, len);
		e->len = len;
	} else {
		free(e->target);
	}
	e->rec = *rec;
	e->target = malloc(rec->target_len + 1);
	FUZZ_CHECK(e->target != NULL, "malloc");
	memcpy(e->target, t, rec->target_len);
}

static void model_del(struct ent *e)
{
	free(e->path);
	free(e->target);
	*e = model[--nmodel];
}

/* rec_equal - whether two records agree in every field. */
static int rec_equal(const struct bfs_inode *a, const struct bfs_inode *b)
{
	return a->ino == b->ino && a->mode == b->mode && a->uid == b->uid && a->gid == b->gid &&
	       a->chunk_size == b->chunk_size && a->size == b->size && a->atime_ns == b->atime_ns &&
	       a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns &&
	       a->target_len == b->target_len;
}

/* is_now - whether time @t was taken between @t0 and @t1 (the wall clock, so with a second's
 * slack for a clock that is set meanwhile). */
static int is_now(int64_t t, int64_t t0, int64_t t1)
{
	return t >= t0 - BFS_NSEC && t <= t1 + BFS_NSEC;
}

/* one_of - whether @rc is 0 or one of the @n errors of @set. */
static int one_of(int rc, const int *set, size_t n)
{
	if (rc == 0)
		return 1;
	for (size_t i = 0; i < n; i++)
		if (rc == set[i])
			return 1;
	return 0;
}

#define CHECK_RC(rc, want, ...)                                                                    \
	do {                                                                                       \
		static const int documented_[] = {__VA_ARGS__};                                    \
		if (trace)                                                                         \
			fprintf(stderr, "  -> %d (model: %d)\n", rc, want);                        \
		FUZZ_CHECK(one_of(rc, documented_, BFS_ARRAY_SIZE(documented_)),                   \
		           "%s: %d is not a documented answer", __func__, rc);                     \
		FUZZ_CHECK(rc == (want), "%s: %d, the model says %d", __func__, rc, want);         \
	} while (0)

/* ---- reading the input ----------------------------------------------------------------------- */

/* read_path - a path (see fuzz_meta.h) into @p (PATH_CAP bytes); its length. */
static size_t read_path(struct fuzz_in *in, char *p)
{
	uint8_t s = fuzz_u8(in);
	size_t len = 0;

	if (s & FM_PATH_RAW) {
		size_t n = s & FM_PATH_LONG ? fuzz_u16(in) : fuzz_u8(in);

		n = BFS_MIN(n, (size_t)PATH_CAP);
		return fuzz_bytes(in, p, BFS_MIN(n, in->left));
	}
	if ((s & 7) == 0) {
		p[0] = '/';
		return 1;
	}
	for (unsigned d = 0; d < (s & 7u); d++) {
		unsigned c = fuzz_u8(in) & 15u;

		p[len++] = '/';
		if (c == FM_COMP_X) {
			size_t n = fuzz_u8(in);

			memset(p + len, 'x', n);
			len += n;
		} else {
			len += fm_comp_put(c, p + len);
		}
	}
	return len;
}

/* read_mode - a mode (see fuzz_meta.h). */
static uint32_t read_mode(struct fuzz_in *in)
{
	static const uint32_t types[] = {S_IFREG, S_IFDIR, S_IFLNK};
	uint8_t m = fuzz_u8(in) & 3u;

	if (m == FM_MODE_RAW)
		return fuzz_u32(in);
	return types[m] | (fuzz_u16(in) & 07777u);
}

/* read_target - a target (see fuzz_meta.h) into @t (8 KiB); its length. */
static size_t read_target(struct fuzz_in *in, char *t)
{
	size_t len = fuzz_u16(in) & 0x1fffu, n = fuzz_u8(in);

	n = fuzz_bytes(in, t, BFS_MIN(BFS_MIN(n, len), in->left));
	memset(t + n, 't', len - n);
	return len;
}

/* ---- operations ------------------------------------------------------------------------------ */

/* check_lookup - bfs_meta_lookup of @p against the model. */
static void check_lookup(const char *p, size_t len)
{
	static char target[BENCHFS_PATH_MAX + 1];
	struct ent *e = normal(p, len, 0) ? model_find(p, len) : NULL;
	int want = !normal(p, len, 0) ? -EINVAL : e ? 0 : -ENOENT;
	struct bfs_inode rec;
	int rc = bfs_meta_lookup(meta, p, len, &rec, target, sizeof(target));

	CHECK_RC(rc, want, -ENOENT, -EINVAL);
	if (rc == 0)
		FUZZ_CHECK(rec_equal(&rec, &e->rec) &&
		               !memcmp(target, e->target, BFS_MIN(rec.target_len, sizeof(target))),
		           "lookup: the record differs from the model's");
}

static void op_create(struct fuzz_in *in, const char *p, size_t len)
{
	static char target[0x2000];
	struct bfs_inode rec = {0};
	struct ent *e;
	uint8_t flags;
	size_t tlen = 0;
	int64_t t0, t1;
	int rc, want;

	rec.mode = read_mode(in);
	rec.uid = fuzz_u8(in);
	rec.gid = fuzz_u8(in);
	rec.chunk_size = fuzz_u32(in);
	flags = fuzz_u8(in);
	if (S_ISLNK(rec.mode) || (flags & FM_TARGET))
		tlen = read_target(in, target);
	e = normal(p, len, 0) ? model_find(p, len) : NULL;
	if (!normal(p, len, 0))
		want = -EINVAL;
	else if (!S_ISREG(rec.mode) && tlen > BENCHFS_PATH_MAX)
		want = -ENAMETOOLONG;
	else if (e)
		want =
		    (flags & FM_EXCL) || !S_ISREG(e->rec.mode) || !S_ISREG(rec.mode) ? -EEXIST : 1;
	else if (nmodel == MODEL_MAX)
		return; /* the model is full: no more records */
	else if (S_ISREG(rec.mode) && tlen > 0)
		want = -E2BIG; /* bytes of a regular file: this store keeps nothing inline */
	else
		want = 0;
	t0 = bfs_now_ns();
	rc = bfs_meta_create(meta, p, len, &rec, target, tlen, flags & FM_EXCL);
	t1 = bfs_now_ns();
	CHECK_RC(rc, want, 1, -EEXIST, -ENAMETOOLONG, -EINVAL, -E2BIG);
	if (rc == 1)
		FUZZ_CHECK(rec_equal(&rec, &e->rec), "create: not the existing record");
	if (rc != 0)
		return;
	FUZZ_CHECK(rec.ino > last_ino && rec.ino >> 48 == SERVER + 1, "create: inode %llx",
	           (unsigned long long)rec.ino);
	FUZZ_CHECK(rec.size == (S_ISLNK(rec.mode) ? tlen : 0) && rec.target_len == tlen,
	           "create: size %llu, target %u", (unsigned long long)rec.size, rec.target_len);
	FUZZ_CHECK(is_now(rec.atime_ns, t0, t1) && rec.mtime_ns == rec.atime_ns &&
	               rec.ctime_ns == rec.atime_ns,
	           "create: times are not now");
	last_ino = rec.ino;
	model_set(NULL, p, len, &rec, target);
	check_lookup(p, len); /* found, with the same mode and everything else */
}

static void op_remove(struct fuzz_in *in, const char *p, size_t len)
{
	uint8_t flags = fuzz_u8(in);
	unsigned mflags =
	    (flags & FM_RM_DIR ? BFS_F_DIR : 0) | (flags & FM_RM_NOTDIR ? BFS_F_NOTDIR : 0);
	struct ent *e = normal(p, len, 0) ? model_find(p, len) : NULL;
	uint64_t expect = 0;
	struct bfs_inode old;
	int rc, want;

	switch (flags & FM_RM_INO_RAW) {
	case FM_RM_INO_OF:
		expect = e ? e->rec.ino : 0;
		break;
	case FM_RM_INO_BAD:
		expect = e ? e->rec.ino + 1 : 1;
		break;
	case FM_RM_INO_RAW:
		expect = fuzz_u64(in);
		break;
	}
	if (!normal(p, len, 0))
		want = -EINVAL;
	else if (!e || (expect && e->rec.ino != expect))
		want = -ENOENT;
	else if ((mflags & BFS_F_DIR) && !S_ISDIR(e->rec.mode))
		want = -ENOTDIR;
	else if ((mflags & BFS_F_NOTDIR) && S_ISDIR(e->rec.mode))
		want = -EISDIR;
	else
		want = 0;
	rc = bfs_meta_remove(meta, p, len, mflags, expect, &old);
	CHECK_RC(rc, want, -ENOENT, -ENOTDIR, -EISDIR, -EINVAL);
	if (rc == 0) {
		FUZZ_CHECK(rec_equal(&old, &e->rec), "remove: not the model's record");
		model_del(e);
	}
}

static void op_setattr(struct fuzz_in *in, const char *p, size_t len)
{
	uint8_t flags = fuzz_u8(in);
	uint64_t size = fuzz_u64(in);
	int64_t atime = (int64_t)fuzz_u64(in), mtime = (int64_t)fuzz_u64(in), t0, t1;
	uint32_t mode = fuzz_u16(in);
	unsigned mflags =
	    (flags & FM_SA_SIZE_MAX ? BFS_F_SIZE_MAX : 0) | (flags & FM_SA_SIZE ? BFS_F_SIZE : 0) |
	    (flags & FM_SA_ATIME ? BFS_F_ATIME : 0) | (flags & FM_SA_MTIME ? BFS_F_MTIME : 0) |
	    (flags & FM_SA_MODE ? BFS_F_MODE : 0);
	struct ent *e = normal(p, len, 0) ? model_find(p, len) : NULL;
	struct bfs_inode rec, want_rec;
	int rc, want;

	if (!normal(p, len, 0))
		want = -EINVAL;
	else if (!e)
		want = -ENOENT;
	else if ((mflags & (BFS_F_SIZE | BFS_F_SIZE_MAX)) && S_ISDIR(e->rec.mode))
		want = -EISDIR;
	else
		want = 0;
	t0 = bfs_now_ns();
	rc = bfs_meta_setattr(meta, p, len, mflags, size, atime, mtime, mode, &rec);
	t1 = bfs_now_ns();
	CHECK_RC(rc, want, -ENOENT, -EISDIR, -EINVAL);
	if (rc)
		return;
	want_rec = e->rec;
	if (mflags & BFS_F_SIZE)
		want_rec.size = size;
	if ((mflags & BFS_F_SIZE_MAX) && size > want_rec.size)
		want_rec.size = size;
	if (mflags & BFS_F_ATIME)
		want_rec.atime_ns = atime;
	if (mflags & BFS_F_MTIME)
		want_rec.mtime_ns = mtime;
	if (mflags & BFS_F_MODE)
		want_rec.mode = (want_rec.mode & ~07777u) | (mode & 07777u);
	if (!rec_equal(&want_rec, &e->rec)) {
		FUZZ_CHECK(is_now(rec.ctime_ns, t0, t1), "setattr: ctime is not now");
		want_rec.ctime_ns = rec.ctime_ns;
	}
	FUZZ_CHECK(rec_equal(&rec, &want_rec), "setattr: the record differs from the model's");
	e->rec = rec;
}

static void op_put(struct fuzz_in *in, const char *p, size_t len)
{
	static char target[0x2000];
	struct bfs_inode rec = {0}, old;
	struct ent *e;
	size_t tlen;
	int rc, want;

	rec.ino = fuzz_u64(in);
	rec.mode = read_mode(in);
	rec.uid = fuzz_u8(in);
	rec.gid = fuzz_u8(in);
	rec.chunk_size = fuzz_u32(in);
	rec.size = fuzz_u64(in);
	rec.atime_ns = (int64_t)fuzz_u64(in);
	rec.mtime_ns = (int64_t)fuzz_u64(in);
	rec.ctime_ns = rec.mtime_ns ^ 1;
	tlen = read_target(in, target);
	rec.target_len = (uint32_t)tlen;
	e = normal(p, len, 0) ? model_find(p, len) : NULL;
	if (!normal(p, len, 0))
		want = -EINVAL;
	else if (tlen > BENCHFS_PATH_MAX)
		want = -ENAMETOOLONG;
	else if (e && S_ISDIR(e->rec.mode))
		want = -EISDIR;
	else if (!e && nmodel == MODEL_MAX)
		return;
	else
		want = 0;
	rc = bfs_meta_put(meta, p, len, &rec, target, tlen, &old);
	CHECK_RC(rc, want, -EISDIR, -ENAMETOOLONG, -EINVAL);
	if (rc)
		return;
	if (e)
		FUZZ_CHECK(rec_equal(&old, &e->rec), "put: not the replaced record");
	else
		FUZZ_CHECK(old.ino == 0, "put: replaced %llx where nothing was",
		           (unsigned long long)old.ino);
	rec.mode &= S_IFMT | 07777u; /* a record keeps the type and permission bits */
	model_set(e, p, len, &rec, target);
	check_lookup(p, len);
}

/* ---- readdir --------------------------------------------------------------------------------- */

/* a child in the order readdir serves them */
struct child {
	const char *name;
	size_t len;
	int lng;
	const struct ent *e;
};

/* name_cmp - LMDB's order of two names (bytewise, a prefix first). */
static int name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, BFS_MIN(alen, blen));

	return c ? c : (alen > blen) - (alen < blen);
}

static int child_cmp(const void *pa, const void *pb)
{
	const struct child *a = pa, *b = pb;

	if (a->lng != b->lng)
		return a->lng - b->lng;
	return name_cmp(a->name, a->len, b->name, b->len);
}

/* children - the model's children of @dir (@dlen) in readdir's order, after name @after
 * (@alen bytes, 0: all) into @out; their count. */
static size_t children(const char *dir, size_t dlen, const char *after, size_t alen,
                       struct child *out)
{
	int root = dlen == 1, after_long = alen && !root && dlen + 1 + alen > maxkey;
	size_t n = 0;

	for (size_t i = 0; i < nmodel; i++) {
		const struct ent *e = &model[i];
		size_t off = root ? 1 : dlen + 1;
		struct child c;

		if (bfs_path_parent(e->path, e->len) != dlen || memcmp(e->path, dir, dlen))
			continue;
		c.name = e->path + off;
		c.len = e->len - off;
		c.lng = !root && dlen + 1 + c.len > maxkey;
		c.e = e;
		if (alen && (c.lng < after_long ||
		             (c.lng == after_long && name_cmp(c.name, c.len, after, alen) <= 0)))
			continue;
		out[n++] = c;
	}
	qsort(out, n, sizeof(*out), child_cmp);
	return n;
}

static uint8_t dtype_of(uint32_t mode)
{
	return S_ISDIR(mode)   ? DT_DIR
	       : S_ISLNK(mode) ? DT_LNK
	       : S_ISREG(mode) ? DT_REG
	                       : DT_UNKNOWN;
}

/* check_readdir - readdir of @dir from after @after (@alen) with pages of @cap bytes: one page,
 * or every page when @all, against the model. */
static void check_readdir(const char *dir, size_t dlen, size_t cap, const char *after, size_t alen,
                          int all)
{
	static struct child want[MODEL_MAX];
	static char last[BENCHFS_NAME_MAX];
	int ok = normal(dir, dlen, 1);
	size_t nwant = ok ? children(dir, dlen, after, alen, want) : 0, got = 0;
	uint8_t *buf = malloc(cap);

	FUZZ_CHECK(buf != NULL, "malloc");
	for (size_t page = 0;; page++) {
		size_t used, pos = 0;
		uint32_t count;
		int more;

		FUZZ_CHECK(page <= nwant, "readdir: %zu pages for %zu names", page, nwant);
		used = bfs_meta_readdir(meta, dir, dlen, after, alen, buf, cap, &count, &more);
		FUZZ_CHECK(used <= cap && (ok || (used == 0 && count == 0 && !more)),
		           "readdir: %zu bytes, %u entries, more %d", used, count, more);
		for (uint32_t i = 0; i < count; i++, got++) {
			const char *name;
			size_t nlen;
			uint64_t ino;
			uint8_t type;
			int rc = bfs_wire_get_dirent(buf, used, &pos, &ino, &type, &name, &nlen);

			FUZZ_CHECK(rc == 0, "readdir: entry %u of %u unreadable", i, count);
			FUZZ_CHECK(got < nwant, "readdir: more names than the model has (%zu)",
			           nwant);
			FUZZ_CHECK(
			    nlen == want[got].len && !memcmp(name, want[got].name, nlen) &&
			        ino == want[got].e->rec.ino &&
			        type == dtype_of(want[got].e->rec.mode),
			    "readdir: name %zu is not the model's (repeated, lost or out of order)",
			    got);
			memcpy(last, name, nlen);
			alen = nlen;
		}
		FUZZ_CHECK(pos == used, "readdir: %zu of %zu bytes in entries", pos, used);
		FUZZ_CHECK(more == (got < nwant), "readdir: more %d after %zu of %zu names", more,
		           got, nwant);
		if (more)
			FUZZ_CHECK(used + BFS_WIRE_DIRENT_FIXED + want[got].len > cap,
			           "readdir: name %zu would have fit in the page", got);
		if (!more || !all || count == 0)
			break;
		after = last;
	}
	free(buf);
}

static size_t read_cap(struct fuzz_in *in)
{
	uint16_t c = fuzz_u16(in);

	return c ? c : LIST_PAGE; /* as the server: the request's max, else a full page */
}

static void op_readdir(struct fuzz_in *in, const char *p, size_t len)
{
	char after[256];
	size_t cap = read_cap(in), alen = 0;
	uint8_t flags = fuzz_u8(in);

	if (flags & FM_RESUME)
		alen = fuzz_bytes(in, after, fuzz_u8(in));
	check_readdir(p, len, cap, after, alen, !(flags & FM_RESUME));
}

/* ---- find ------------------------------------------------------------------------------------ */

/* a record find should list, and whether it was listed */
struct found {
	char key[KEY_CAP];
	size_t klen;
	const struct ent *e;
	int seen;
};

/* passes - whether model record @e passes @f, as the server tests it (find_pass in meta.c). */
static int passes(const struct ent *e, const struct benchfs_find_filter *f)
{
	char name[BENCHFS_NAME_MAX + 1];
	const char *base = bfs_path_base(e->path, e->len);
	size_t nlen = e->len - (size_t)(base - e->path);
	struct timespec mt = bfs_ns_to_ts(e->rec.mtime_ns);

	memcpy(name, base, nlen);
	name[nlen] = '\0';
	return benchfs_find_match(f, name, (mode_t)e->rec.mode, e->rec.size, &mt);
}

/* check_find - find below @top with filter @f and pages of @cap bytes, from after key @ak
 * (@aklen, 0: from the start) for one page, or from the start for every page when @all. */
static void check_find(const char *top, size_t tlen, const struct benchfs_find_filter *f,
                       size_t cap, const char *ak, size_t aklen, int all)
{
	static struct found want[MODEL_MAX];
	static char after[KEY_CAP], lastshort[KEY_CAP];
	int ok = normal(top, tlen, 1), in_long = 0;
	size_t nwant = 0, nseen = 0, lslen = 0;
	uint8_t *buf = malloc(cap);

	FUZZ_CHECK(buf != NULL, "malloc");
	for (size_t i = 0; ok && i < nmodel; i++) {
		const struct ent *e = &model[i];
		int k;

		if (!bfs_path_is_below(e->path, e->len, top, tlen) || (f && !passes(e, f)))
			continue;
		k = bfs_path_key(e->path, e->len, want[nwant].key, KEY_CAP);
		FUZZ_CHECK(k > 0, "key of a model path");
		want[nwant].klen = (size_t)k;
		want[nwant].e = e;
		want[nwant++].seen = 0;
	}
	for (size_t page = 0;; page++) {
		size_t used, pos = 0, maxleft = 0;
		uint32_t count;
		int more;

		FUZZ_CHECK(page <= nwant, "find: %zu pages for %zu records", page, nwant);
		used = bfs_meta_find(meta, top, tlen, ak, aklen, f, buf, cap, &count, &more);
		FUZZ_CHECK(used <= cap && (ok || (used == 0 && count == 0 && !more)),
		           "find: %zu bytes, %u entries, more %d", used, count, more);
		for (uint32_t i = 0; i < count; i++) {
			const char *key;
			size_t klen, w;
			uint64_t size;
			int64_t mtime;
			uint32_t mode;
			int rc = bfs_wire_get_findent(buf, used, &pos, &mode, &size, &mtime, &key,
			                              &klen);

			FUZZ_CHECK(rc == 0, "find: entry %u of %u unreadable", i, count);
			for (w = 0; w < nwant; w++)
				if (want[w].klen == klen && !memcmp(want[w].key, key, klen))
					break;
			FUZZ_CHECK(w < nwant, "find: listed a record that is not below the top or "
			                      "does not pass the filter");
			FUZZ_CHECK(!want[w].seen, "find: record listed twice");
			FUZZ_CHECK(mode == want[w].e->rec.mode && size == want[w].e->rec.size &&
			               mtime == want[w].e->rec.mtime_ns,
			           "find: the entry's attributes differ from the model's");
			want[w].seen = 1;
			nseen++;
			if (klen <= maxkey && all) {
				FUZZ_CHECK(!in_long && name_cmp(key, klen, lastshort, lslen) > 0,
				           "find: short keys out of order");
				memcpy(lastshort, key, klen);
				lslen = klen;
			} else {
				in_long = 1;
			}
			if (i + 1 == count) { /* the resume point, as client and server make it */
				char path[BENCHFS_PATH_MAX + 2];
				int n = bfs_path_from_key(key, klen, path, sizeof(path)), k;

				FUZZ_CHECK(n > 1, "find: key of no path");
				k = bfs_path_key(path, (size_t)n, after, sizeof(after));
				FUZZ_CHECK(k > 0, "find: no key of the path %d", k);
				aklen = (size_t)k;
				ak = after;
			}
		}
		FUZZ_CHECK(pos == used, "find: %zu of %zu bytes in entries", pos, used);
		if (!all || (more && count == 0)) {
			for (size_t w = 0; more && w < nwant; w++)
				if (!want[w].seen)
					maxleft = BFS_MAX(maxleft, want[w].klen);
			FUZZ_CHECK(!more || count > 0 ||
			               used + BFS_WIRE_FINDENT_FIXED + maxleft > cap,
			           "find: an empty page with more to come");
			break;
		}
		if (!more) {
			FUZZ_CHECK(nseen == nwant, "find: %zu of %zu records listed", nseen, nwant);
			break;
		}
	}
	free(buf);
}

static void op_find(struct fuzz_in *in, const char *p, size_t len)
{
	static const mode_t types[] = {0, S_IFREG, S_IFDIR, S_IFLNK};
	static const int cmps[] = {0, -1, 1, 2};
	static const uint64_t units[] = {0, 1, 512, 1024, 1u << 20, 1u << 30};
	static char key[KEY_CAP];
	char glob[256];
	struct benchfs_find_filter f = {0};
	uint8_t flags = fuzz_u8(in);
	size_t cap, aklen = 0;
	uint8_t unit;

	if (flags & FM_FIND_GLOB) {
		size_t g = fuzz_bytes(in, glob, fuzz_u8(in));

		glob[g] = '\0';
		f.name = glob;
	}
	f.type = types[flags & 3];
	f.size_cmp = cmps[(flags >> 3) & 3];
	f.size_units = fuzz_u16(in);
	unit = fuzz_u8(in);
	f.size_unit = units[unit % BFS_ARRAY_SIZE(units)];
	if (!f.size_unit)
		f.size_unit = 512; /* the server's default */
	f.newer = !!(flags & FM_FIND_NEWER);
	f.newer_than = bfs_ns_to_ts((int64_t)fuzz_u64(in));
	cap = read_cap(in);
	if (flags & FM_RESUME) {
		aklen = fuzz_u16(in);
		aklen = fuzz_bytes(in, key, BFS_MIN(aklen, sizeof(key)));
	}
	check_find(p, len, flags & FM_FIND_NONE ? NULL : &f, cap, key, aklen, !(flags & FM_RESUME));
}

/* ---- the sequence ---------------------------------------------------------------------------- */

/* check_all - the whole store against the model: every record listed once, and the count. */
static void check_all(void)
{
	uint64_t n;

	check_find("/", 1, NULL, LIST_PAGE, NULL, 0, 1);
	n = bfs_meta_count(meta);
	FUZZ_CHECK(n == nmodel, "count %llu, the model has %zu", (unsigned long long)n, nmodel);
}

/* empty_store - remove every record of the model; the store must be empty then. */
static void empty_store(void)
{
	while (nmodel) {
		struct ent *e = &model[nmodel - 1];
		int rc = bfs_meta_remove(meta, e->path, e->len, 0, 0, NULL);

		FUZZ_CHECK(rc == 0, "emptying the store: remove %d", rc);
		model_del(e);
	}
	FUZZ_CHECK(bfs_meta_count(meta) == 0, "records left in an emptied store");
}

static const char *const op_names[FM_NOPS] = {"create",  "lookup", "remove",   "setattr", "put",
                                              "readdir", "find",   "haschild", "count"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[PATH_CAP];
	struct fuzz_in in = {data, size};

	while (in.left) {
		uint8_t op = fuzz_u8(&in) % FM_NOPS;
		size_t len = op == FM_OP_COUNT ? 0 : read_path(&in, path);
		int has;

		if (trace)
			fprintf(stderr, "%s %.*s%s (%zu bytes)\n", op_names[op],
			        (int)BFS_MIN(len, 80), path, len > 80 ? "..." : "", len);

		switch (op) {
		case FM_OP_CREATE:
			op_create(&in, path, len);
			break;
		case FM_OP_LOOKUP:
			check_lookup(path, len);
			break;
		case FM_OP_REMOVE:
			op_remove(&in, path, len);
			break;
		case FM_OP_SETATTR:
			op_setattr(&in, path, len);
			break;
		case FM_OP_PUT:
			op_put(&in, path, len);
			break;
		case FM_OP_READDIR:
			op_readdir(&in, path, len);
			break;
		case FM_OP_FIND:
			op_find(&in, path, len);
			break;
		case FM_OP_HASCHILD: {
			struct child c[MODEL_MAX];
			int want = normal(path, len, 1) && children(path, len, NULL, 0, c) > 0;

			has = bfs_meta_haschild(meta, path, len);
			FUZZ_CHECK(has == want, "haschild %d, the model says %d", has, want);
			break;
		}
		default:
			FUZZ_CHECK(bfs_meta_count(meta) == nmodel, "count");
			break;
		}
	}
	check_all();
	empty_store();
	return 0;
}
