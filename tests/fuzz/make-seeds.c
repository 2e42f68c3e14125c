/*
 * make-seeds.c - writes the seed corpus of the fuzz harnesses (tests/fuzz/corpus/NAME/seed-*)
 * from real encoded messages: requests and replies by bfs_wire_encode_*, READDIR and FIND
 * payloads by bfs_wire_put_*, metrics by bfs_stats_encode, address files by
 * bfs_addrfile_write, and operation sequences of fuzz_meta in its format (fuzz_meta.h).
 * Deterministic: running it again writes the same files. Files the fuzzers found (regress-*)
 * are left alone.
 *
 *   make fuzz-seeds     (tests/fuzz/make-seeds DIR, DIR = tests/fuzz/corpus)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "benchfs.h"
#include "common/path.h"
#include "common/stats.h"
#include "common/ring.h"
#include "fuzz_meta.h"
#include "net/addrfile.h"
#include "net/wire.h"

#define BUF_CAP (64 * 1024)

static const char *top;
static int nfiles;

/* a growing output buffer */
struct out {
	uint8_t b[BUF_CAP];
	size_t n;
};

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* seed - write @len bytes of @data as @dir/seed-@name. */
static void seed(const char *dir, const char *name, const void *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top, dir);
	if (mkdir(path, 0755) && errno != EEXIST)
		die(path);
	snprintf(path, sizeof(path), "%s/%s/seed-%s", top, dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f))
		die(path);
	nfiles++;
}

static void put(struct out *o, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (o->n + n > BUF_CAP) {
		fprintf(stderr, "make-seeds: a seed outgrew %d bytes\n", BUF_CAP);
		exit(1);
	}
	memcpy(o->b + o->n, p, n);
	o->n += n;
}

/* put_le - @v as @bytes little-endian bytes. */
static void put_le(struct out *o, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++) {
		uint8_t c = (uint8_t)(v >> (8 * i));
		put(o, &c, 1);
	}
}

static void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* ---- requests (fuzz_req) --------------------------------------------------------------------- */

/* req_seed - a request of @op with up to three payload strings (NULL: absent) or raw @data. */
static void req_seed(const char *name, uint8_t op, uint16_t flags, const char *s0, const char *s1,
                     const char *s2, const void *data, size_t dlen)
{
	const char *s[BFS_WIRE_NSTR] = {s0, s1, s2};
	struct bfs_req r = {0};
	struct out o = {.n = 0};

	r.op = op;
	r.flags = flags;
	r.reqid = 0x100 + op;
	r.secret = 0x5ec2e75ec2e75ec2ull;
	r.ino = 0x0006000000000011ull;
	r.offset = 4096;
	r.length = dlen;
	r.mode = op == BFS_OP_CREATE ? S_IFREG | 0644 : 0;
	r.uid = 1000;
	r.gid = 1000;
	r.chunk_size = 1 << 16;
	r.size = 12345;
	r.atime_ns = 1700000000000000000ll;
	r.mtime_ns = -1;
	r.max = op == BFS_OP_READDIR || op == BFS_OP_FIND ? 4096 : 0;
	r.client = 3;
	for (int i = 0; i < BFS_WIRE_NSTR; i++)
		r.len[i] = s[i] ? (uint32_t)strlen(s[i]) : 0;
	if (data)
		r.len[0] = r.len[1] = r.len[2] = 0;
	o.n = BFS_WIRE_REQ_SIZE;
	bfs_wire_encode_req(&r, o.b);
	for (int i = 0; i < BFS_WIRE_NSTR; i++)
		if (s[i])
			put_str(&o, s[i]);
	if (data)
		put(&o, data, dlen);
	seed("req", name, o.b, o.n);
}

static void req_seeds(void)
{
	static const char addr[] = "0123456789abcdef-worker-address";
	static const uint8_t bytes[64] = {1, 2, 3, 4, 5};
	uint8_t hdr[BFS_WIRE_REQ_SIZE];
	struct bfs_req r = {.op = BFS_OP_PING};

	req_seed("create", BFS_OP_CREATE, BFS_F_EXCL, "/dir/file", NULL, NULL, NULL, 0);
	req_seed("symlink", BFS_OP_CREATE, 0, "/dir/link", "../target", NULL, NULL, 0);
	req_seed("lookup", BFS_OP_LOOKUP, 0, "/dir/file", NULL, NULL, NULL, 0);
	req_seed("remove", BFS_OP_REMOVE, BFS_F_NOTDIR, "/dir/file", NULL, NULL, NULL, 0);
	req_seed("setattr", BFS_OP_SETATTR, BFS_F_SIZE | BFS_F_MTIME, "/dir/file", NULL, NULL, NULL,
	         0);
	req_seed("put", BFS_OP_PUT, 0, "/dir/new", "", NULL, NULL, 0);
	req_seed("readdir", BFS_OP_READDIR, 0, "/dir", "file", NULL, NULL, 0);
	req_seed("find", BFS_OP_FIND, BFS_F_SIZE_GT | BFS_F_NEWER, "/", "/dir/file", "*.c", NULL,
	         0);
	req_seed("haschild", BFS_OP_HASCHILD, 0, "/dir", NULL, NULL, NULL, 0);
	req_seed("unnormal", BFS_OP_LOOKUP, 0, "/dir//./../file/", NULL, NULL, NULL, 0);
	req_seed("write", BFS_OP_WRITE, 0, NULL, NULL, NULL, bytes, sizeof(bytes));
	req_seed("read", BFS_OP_READ, 0, NULL, NULL, NULL, NULL, 0);
	req_seed("lock", BFS_OP_LOCK, BFS_F_WRLOCK | BFS_F_NOWAIT, NULL, NULL, NULL, NULL, 0);
	req_seed("hello", BFS_OP_HELLO, 0, NULL, NULL, NULL, addr, sizeof(addr) - 1);
	req_seed("stats", BFS_OP_STATS, BFS_F_RESET, NULL, NULL, NULL, NULL, 0);
	req_seed("shutdown", BFS_OP_SHUTDOWN, 0, NULL, NULL, NULL, NULL, 0);
	/* refused headers: another version, a reserved byte set */
	bfs_wire_encode_req(&r, hdr);
	hdr[4] = BFS_WIRE_VERSION + 1;
	seed("req", "version", hdr, sizeof(hdr));
	bfs_wire_encode_req(&r, hdr);
	hdr[BFS_WIRE_REQ_SIZE - 1] = 1;
	seed("req", "reserved", hdr, sizeof(hdr));
}

/* ---- replies (fuzz_rep) ---------------------------------------------------------------------- */

static struct bfs_inode sample_inode(uint32_t mode, uint32_t target_len)
{
	struct bfs_inode i = {.ino = 0x0001000000000042ull,
	                      .mode = mode,
	                      .uid = 1000,
	                      .gid = 100,
	                      .chunk_size = S_ISREG(mode) ? 1 << 20 : 0,
	                      .size = S_ISLNK(mode) ? target_len : 1ull << 33,
	                      .atime_ns = 1700000000123456789ll,
	                      .mtime_ns = -5,
	                      .ctime_ns = 1700000000000000000ll,
	                      .target_len = target_len};
	return i;
}

/* rep_seed - a reply header, then an inode record of @ilen bytes (0: none). */
static void rep_seed(const char *name, uint8_t op, int32_t status, uint32_t mode, size_t ilen)
{
	struct bfs_rep rep = {.op = op, .flags = 0, .reqid = 77, .status = status};
	struct out o = {.n = 0};
	uint8_t rec[BFS_WIRE_INODE_SIZE];

	rep.count = op == BFS_OP_READDIR ? 12 : 0;
	rep.flags = op == BFS_OP_READDIR ? BFS_F_MORE : 0;
	rep.length = ilen;
	if (mode)
		rep.inode = sample_inode(mode, S_ISLNK(mode) ? 9 : 0);
	o.n = BFS_WIRE_REP_SIZE;
	bfs_wire_encode_rep(&rep, o.b);
	bfs_wire_encode_inode(&rep.inode, rec);
	while (ilen) {
		size_t n = ilen < sizeof(rec) ? ilen : sizeof(rec);
		put(&o, rec, n);
		ilen -= n;
	}
	seed("rep", name, o.b, o.n);
}

static void rep_seeds(void)
{
	rep_seed("lookup", BFS_OP_LOOKUP, 0, S_IFREG | 0644, BFS_WIRE_INODE_SIZE);
	rep_seed("symlink", BFS_OP_LOOKUP, 0, S_IFLNK | 0777, BFS_WIRE_INODE_SIZE + 9);
	rep_seed("dir", BFS_OP_CREATE, 0, S_IFDIR | 0755, BFS_WIRE_INODE_SIZE);
	rep_seed("enoent", BFS_OP_LOOKUP, -ENOENT, 0, 0);
	rep_seed("short-record", BFS_OP_REMOVE, 0, S_IFREG | 0600, BFS_WIRE_INODE_SIZE - 1);
	rep_seed("readdir", BFS_OP_READDIR, 0, 0, 0);
	rep_seed("malformed", BFS_OP_NONE, -EBADMSG, 0, 0);
	rep_seed("read", BFS_OP_READ, 65536, 0, 0);
}

/* ---- READDIR and FIND payloads (fuzz_entries) ------------------------------------------------ */

static void entry_seeds(void)
{
	static uint8_t buf[BUF_CAP];
	char name[BENCHFS_NAME_MAX], path[BENCHFS_PATH_MAX + 1], key[BENCHFS_PATH_MAX + 2];
	size_t pos = 0;
	int k;

	bfs_wire_put_dirent(buf, sizeof(buf), &pos, 0x0001000000000001ull, 4, "dir", 3);
	bfs_wire_put_dirent(buf, sizeof(buf), &pos, 0x0002000000000002ull, 8, "file.c", 6);
	bfs_wire_put_dirent(buf, sizeof(buf), &pos, 0x0001000000000003ull, 10, "link", 4);
	seed("entries", "readdir", buf, pos);
	memset(name, 'n', sizeof(name));
	bfs_wire_put_dirent(buf, sizeof(buf), &pos, 7, 8, name, sizeof(name));
	seed("entries", "readdir-long-name", buf, pos);
	seed("entries", "readdir-truncated", buf, pos - 1);

	pos = 0;
	bfs_wire_put_findent(buf, sizeof(buf), &pos, S_IFDIR | 0755, 0, 1, "/\0a", 3);
	bfs_wire_put_findent(buf, sizeof(buf), &pos, S_IFREG | 0644, 4096, 1700000000ll, "/a\0b",
	                     4);
	bfs_wire_put_findent(buf, sizeof(buf), &pos, S_IFLNK | 0777, 3, -1, "/a/b\0c.c", 8);
	seed("entries", "find", buf, pos);
	/* a path beyond LMDB's key limit (long-keyed on the server), then one of PATH_MAX bytes */
	memset(path, 'p', sizeof(path));
	for (size_t i = 0; i < 700; i += 100)
		path[i] = '/';
	k = bfs_path_key(path, 700, key, sizeof(key));
	bfs_wire_put_findent(buf, sizeof(buf), &pos, S_IFREG | 0600, 1, 2, key, (size_t)k);
	for (size_t i = 0; i < BENCHFS_PATH_MAX; i += 200)
		path[i] = '/';
	k = bfs_path_key(path, BENCHFS_PATH_MAX, key, sizeof(key));
	bfs_wire_put_findent(buf, sizeof(buf), &pos, S_IFREG | 0600, 1, 2, key, (size_t)k);
	seed("entries", "find-long-keys", buf, pos);
	seed("entries", "empty", buf, 0);
}

/* ---- metrics (fuzz_stats) -------------------------------------------------------------------- */

static void stats_seeds(void)
{
	static struct benchfs_server_stats st;
	static uint8_t buf[BFS_STATS_WIRE_SIZE];

	st.server = 2;
	st.enabled = 1;
	st.uptime_ns = 5000000000ull;
	st.cpu_ns = 1200000000ull;
	st.since_ns = st.uptime_ns;
	st.am_eager = 1000;
	st.bytes_eager = 1 << 20;
	st.sleeps = 17;
	for (int o = 1; o < BENCHFS_STATS_OPS; o += 3) {
		st.op[o].requests = 100u * (unsigned)o;
		st.op[o].errors = (unsigned)o % 2;
		st.op[o].bytes = 4096u * (unsigned)o;
		st.op[o].queue_ns = 1000u * (unsigned)o;
		st.op[o].service_ns = 50000u * (unsigned)o;
		for (int b = 0; b < BENCHFS_STATS_BUCKETS; b++) {
			st.op[o].queue_hist[b] = (unsigned)(b % 5);
			st.op[o].service_hist[b] = (unsigned)((b + o) % 7);
		}
	}
	bfs_stats_encode(&st, buf);
	seed("stats", "server", buf, sizeof(buf));
	memset(&st, 0, sizeof(st));
	bfs_stats_encode(&st, buf);
	seed("stats", "zero", buf, sizeof(buf));
	seed("stats", "short", buf, 64);
}

/* ---- paths (fuzz_path) ----------------------------------------------------------------------- */

/* path_seed - fuzz_path's fixed head (see fuzz_path.c) with @cap, a size test (@cmp index) and
 * -newer, then path, glob, name and raw key. */
static void path_seed(const char *name, uint16_t cap, uint8_t type, uint8_t cmp, const char *path,
                      const char *glob, const char *ename, const void *key, size_t klen)
{
	struct out o = {.n = 0};

	put_le(&o, cap, 2);
	put_le(&o, type, 1);         /* filter type index */
	put_le(&o, cmp, 1);          /* size test */
	put_le(&o, 8, 8);            /* size units */
	put_le(&o, 2, 1);            /* unit index: 512 */
	put_le(&o, cmp & 1, 1);      /* -newer */
	put_le(&o, 1000, 8);         /* newer than, s */
	put_le(&o, 5, 4);            /* newer than, ns */
	put_le(&o, glob ? 0 : 2, 1); /* entry flags: with an mtime; no glob when NULL */
	put_le(&o, S_IFREG | 0644, 4);
	put_le(&o, 4000, 8); /* size */
	put_le(&o, 1000, 8); /* mtime, s */
	put_le(&o, 6, 4);    /* mtime, ns */
	put(&o, path, strlen(path) + 1);
	put(&o, glob ? glob : "", strlen(glob ? glob : "") + 1);
	put(&o, ename, strlen(ename) + 1);
	put(&o, key, klen);
	seed("path", name, o.b, o.n);
}

static void path_seeds(void)
{
	static char longp[BENCHFS_PATH_MAX + 64];

	path_seed("plain", 64, 1, 2, "/a/b/c", "*.c", "x.c", "/a\0b", 4);
	path_seed("dots", 4096, 0, 1, "//a/./b/../../c//d/", "[a-c]?", "bd", "/\0name", 6);
	path_seed("dotdot-root", 2, 2, 0, "/../..", NULL, "", "/", 1);
	path_seed("relative", 100, 3, 3, "a/b", "*", ".hidden", "x\0y", 3);
	memset(longp, 'c', 300);
	longp[0] = '/';
	longp[300] = '\0';
	path_seed("long-component", 4096, 1, 1, longp, "c*", longp + 1, longp, 300);
	memset(longp, 'd', sizeof(longp) - 1);
	for (size_t i = 0; i < sizeof(longp) - 1; i += 128)
		longp[i] = '/';
	longp[sizeof(longp) - 1] = '\0';
	path_seed("long-path", 4096, 0, 0, longp, "*d*", "ddd", longp, 600);
	longp[BENCHFS_PATH_MAX] = '\0';
	path_seed("path-max", 4096, 0, 0, longp, NULL, "d", "/\0", 2);
}

/* ---- address files (fuzz_addrfile) ----------------------------------------------------------- */

/* addr_seed - the address file bfs_addrfile_write writes for @n servers. */
static void addr_seed(const char *name, uint32_t n, size_t alen)
{
	static uint8_t bytes[64][256];
	static void *addrs[64];
	static size_t lens[64];
	char tmp[] = "/tmp/bfs-make-seeds.XXXXXX";
	static uint8_t buf[BUF_CAP];
	int fd = mkstemp(tmp);
	size_t len;
	FILE *f;

	if (fd < 0)
		die("mkstemp");
	close(fd);
	for (uint32_t i = 0; i < n; i++) {
		for (size_t b = 0; b < alen; b++)
			bytes[i][b] = (uint8_t)(b * 7 + i);
		addrs[i] = bytes[i];
		lens[i] = alen;
	}
	if (bfs_addrfile_write(tmp, 0x0123456789abcdefull, n, addrs, lens, BFS_RING_VNODES_DEFAULT,
	                       BFS_RING_SEED_DEFAULT))
		die("bfs_addrfile_write");
	f = fopen(tmp, "rb");
	if (!f)
		die(tmp);
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	unlink(tmp);
	seed("addrfile", name, buf, len);
}

static void addr_seeds(void)
{
	static const char odd[] =
	    "benchfs-addr 2\nsecret 1\nservers 1\nvnodes 1\nseed 2\nserver 0 abc\n";
	static const char gap[] = "benchfs-addr 2\nsecret 1\nservers 2\nvnodes 8\nseed 2\n"
	                          "server 0 00ff\nserver 2 00ff\n";

	addr_seed("one", 1, 40);
	addr_seed("three", 3, 120);
	addr_seed("empty-address", 2, 0);
	seed("addrfile", "odd-hex", odd, sizeof(odd) - 1);
	seed("addrfile", "server-gap", gap, sizeof(gap) - 1);
}

/* ---- operation sequences (fuzz_meta) --------------------------------------------------------- */

/* m_path - a structured path of @n components given by their indexes (fuzz_meta.h). */
static void m_path(struct out *o, unsigned n, const uint8_t *comps)
{
	put_le(o, n & 7, 1);
	put(o, comps, n);
}

/* m_raw - a raw path. */
static void m_raw(struct out *o, const char *p)
{
	size_t n = strlen(p);

	put_le(o, n > 255 ? FM_PATH_RAW | FM_PATH_LONG : FM_PATH_RAW, 1);
	put_le(o, n, n > 255 ? 2 : 1);
	put_str(o, p);
}

/* m_create - CREATE of a path (@n components) with mode index @m, and a target for symlinks. */
static void m_create(struct out *o, unsigned n, const uint8_t *comps, uint8_t m, uint8_t flags)
{
	put_le(o, FM_OP_CREATE, 1);
	m_path(o, n, comps);
	put_le(o, m, 1);
	put_le(o, m == FM_MODE_DIR ? 0755 : 0644, 2);
	put_le(o, 7, 1);       /* uid */
	put_le(o, 8, 1);       /* gid */
	put_le(o, 1 << 20, 4); /* chunk size */
	put_le(o, flags, 1);
	if (m == FM_MODE_LNK || (flags & FM_TARGET)) {
		put_le(o, 5, 2); /* target length */
		put_le(o, 3, 1); /* its real bytes */
		put_str(o, "../");
	}
}

static void m_op_path(struct out *o, uint8_t op, unsigned n, const uint8_t *comps)
{
	put_le(o, op, 1);
	m_path(o, n, comps);
}

static void m_readdir(struct out *o, unsigned n, const uint8_t *comps, uint16_t cap,
                      const char *after)
{
	m_op_path(o, FM_OP_READDIR, n, comps);
	put_le(o, cap, 2);
	put_le(o, after ? FM_RESUME : 0, 1);
	if (after) {
		put_le(o, strlen(after), 1);
		put_str(o, after);
	}
}

static void m_find(struct out *o, unsigned n, const uint8_t *comps, uint8_t flags, const char *glob,
                   uint16_t cap)
{
	m_op_path(o, FM_OP_FIND, n, comps);
	put_le(o, flags | (glob ? FM_FIND_GLOB : 0), 1);
	if (glob) {
		put_le(o, strlen(glob), 1);
		put_str(o, glob);
	}
	put_le(o, 1, 2); /* size units */
	put_le(o, 3, 1); /* unit index: 1024 */
	put_le(o, 0, 8); /* newer than */
	put_le(o, cap, 2);
}

static void meta_seeds(void)
{
	/* component indexes: a b c ab a-b a0 B .h L255 M200 N255 é * .. . */
	static const uint8_t a[] = {0}, ab[] = {0, 1}, abc[] = {0, 1, 2}, b[] = {1}, aab[] = {0, 3},
	                     amb[] = {4}, amba[] = {4, 0}, lmn[] = {8, 9, 10}, lm[] = {8, 9},
	                     lma[] = {8, 9, 0}, lml[] = {8, 9, 8}, dots[] = {0, 13, 1};
	struct out o = {.n = 0};

	/* a small tree, listed and searched */
	m_create(&o, 1, a, FM_MODE_DIR, FM_EXCL);
	m_create(&o, 2, ab, FM_MODE_REG, 0);
	m_create(&o, 2, ab, FM_MODE_REG, 0); /* again: the existing file */
	m_create(&o, 3, abc, FM_MODE_LNK, 0);
	m_create(&o, 2, aab, FM_MODE_REG, FM_TARGET);
	m_create(&o, 1, amb, FM_MODE_DIR, 0);
	m_create(&o, 2, amba, FM_MODE_REG, 0);
	m_create(&o, 1, b, FM_MODE_REG, 0);
	m_op_path(&o, FM_OP_LOOKUP, 3, abc);
	m_readdir(&o, 1, a, 0, NULL);
	m_readdir(&o, 1, a, 20, NULL);
	m_readdir(&o, 0, NULL, 0, "a");
	m_find(&o, 0, NULL, 0, NULL, 0);
	m_find(&o, 1, a, 1, "*b*", 30);
	m_op_path(&o, FM_OP_HASCHILD, 1, a);
	m_op_path(&o, FM_OP_HASCHILD, 2, ab);
	put_le(&o, FM_OP_COUNT, 1);
	seed("meta", "tree", o.b, o.n);

	/* changes: setattr, put (rename's insert), removes with their checks */
	o.n = 0;
	m_create(&o, 1, a, FM_MODE_DIR, 0);
	m_create(&o, 2, ab, FM_MODE_REG, 0);
	m_op_path(&o, FM_OP_SETATTR, 2, ab);
	put_le(&o, FM_SA_SIZE_MAX | FM_SA_MTIME | FM_SA_MODE, 1);
	put_le(&o, 1 << 20, 8);
	put_le(&o, 0, 8);
	put_le(&o, 1700000000000000000ull, 8);
	put_le(&o, 0600, 2);
	m_op_path(&o, FM_OP_SETATTR, 1, a);
	put_le(&o, FM_SA_SIZE, 1);
	put_le(&o, 1, 8);
	put_le(&o, 0, 8);
	put_le(&o, 0, 8);
	put_le(&o, 0, 2);
	m_op_path(&o, FM_OP_PUT, 2, aab);
	put_le(&o, 0x0006000000000099ull, 8); /* ino */
	put_le(&o, FM_MODE_REG, 1);
	put_le(&o, 0644, 2);
	put_le(&o, 1, 1);
	put_le(&o, 1, 1);
	put_le(&o, 4096, 4);
	put_le(&o, 100, 8);
	put_le(&o, 5, 8);
	put_le(&o, 6, 8);
	put_le(&o, 0, 2); /* no target */
	put_le(&o, 0, 1);
	m_op_path(&o, FM_OP_REMOVE, 1, a);
	put_le(&o, FM_RM_NOTDIR, 1); /* -EISDIR */
	m_op_path(&o, FM_OP_REMOVE, 2, ab);
	put_le(&o, FM_RM_INO_BAD, 1); /* -ENOENT */
	m_op_path(&o, FM_OP_REMOVE, 2, ab);
	put_le(&o, FM_RM_INO_OF | FM_RM_NOTDIR, 1);
	m_op_path(&o, FM_OP_LOOKUP, 2, ab);
	m_op_path(&o, FM_OP_LOOKUP, 3, dots); /* not normal: -EINVAL */
	put_le(&o, FM_OP_LOOKUP, 1);
	m_raw(&o, "/a//b");
	seed("meta", "changes", o.b, o.n);

	/* paths beyond LMDB's 511-byte key limit (long keys), and names across the boundary */
	o.n = 0;
	m_create(&o, 2, lm, FM_MODE_DIR, 0);
	m_create(&o, 3, lma, FM_MODE_REG, 0);
	m_create(&o, 3, lmn, FM_MODE_REG, 0);
	m_create(&o, 3, lml, FM_MODE_LNK, 0);
	m_readdir(&o, 2, lm, 0, NULL);
	m_readdir(&o, 2, lm, 300, NULL);
	m_readdir(&o, 2, lm, 0, "a");
	m_find(&o, 2, lm, 0, NULL, 0);
	m_find(&o, 0, NULL, 1, "n*", 600);
	m_op_path(&o, FM_OP_HASCHILD, 2, lm);
	m_op_path(&o, FM_OP_REMOVE, 3, lmn);
	put_le(&o, 0, 1);
	seed("meta", "long-keys", o.b, o.n);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: make-seeds CORPUS-DIR\n");
		return 2;
	}
	top = argv[1];
	if (mkdir(top, 0755) && errno != EEXIST)
		die(top);
	req_seeds();
	rep_seeds();
	entry_seeds();
	stats_seeds();
	path_seeds();
	addr_seeds();
	meta_seeds();
	printf("make-seeds: %d seeds in %s\n", nfiles, top);
	return 0;
}
