/*
 * meta_test.c - unit tests of src/server/meta.c on a real LMDB store in a temporary directory:
 * create/lookup/remove/setattr/put semantics, paged readdir and find, persistence, counts;
 * paths whose keys exceed LMDB's key size limit (stored under hashed "long keys"); group commit
 * (every test again with writes grouped, then the group's own semantics and a full map).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <lmdb.h>

#include "common/path.h"
#include "common/util.h"
#include "net/wire.h"
#include "server/meta.h"
#include "unit_tmp.h"

#define SERVER   3
#define INO_BASE ((uint64_t)(SERVER + 1) << 48)
#define KEYBUF   (BENCHFS_PATH_MAX + 2)

struct fixture {
	char tmp[64];  /* mkdtemp directory, removed at teardown */
	char dir[128]; /* the store: tmp/meta (created by bfs_meta_open) */
	struct bfs_meta *m;
};

/* setup - fresh temporary directory and an open store. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->tmp, "/tmp/meta_test.XXXXXX");
	if (!mkdtemp(f->tmp))
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/meta", f->tmp);
	if (bfs_meta_open(&f->m, f->dir, SERVER, 0) != 0)
		return -1;
	*state = f;
	return 0;
}

/* setup_grouped - setup, with writes grouped (bfs_meta_group, at most 64 a transaction): every
 * test then also runs its reads against a transaction holding uncommitted writes. */
static int setup_grouped(void **state)
{
	int rc = setup(state);

	if (rc == 0)
		rc = bfs_meta_group(((struct fixture *)*state)->m, 64, NULL, NULL);
	return rc;
}

/* teardown - close the store and remove the temporary directory. */
static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->m)
		bfs_meta_close(f->m);
	unit_rmtree(f->tmp);
	free(f);
	return 0;
}

/* assert_inode_equal - compare every field of two records (not the padding). */
static void assert_inode_equal(const struct bfs_inode *a, const struct bfs_inode *b)
{
	assert_int_equal(a->ino, b->ino);
	assert_int_equal(a->mode, b->mode);
	assert_int_equal(a->uid, b->uid);
	assert_int_equal(a->gid, b->gid);
	assert_int_equal(a->chunk_size, b->chunk_size);
	assert_int_equal(a->size, b->size);
	assert_true(a->atime_ns == b->atime_ns);
	assert_true(a->mtime_ns == b->mtime_ns);
	assert_true(a->ctime_ns == b->ctime_ns);
	assert_int_equal(a->target_len, b->target_len);
}

/* mk - create @path with @mode (type + perms); assert the result is @want. */
static struct bfs_inode mk(struct bfs_meta *m, const char *path, uint32_t mode, int want)
{
	struct bfs_inode ino;

	memset(&ino, 0, sizeof(ino));
	ino.mode = mode;
	ino.uid = 1000;
	ino.gid = 100;
	ino.chunk_size = 1 << 20;
	assert_int_equal(bfs_meta_create(m, path, strlen(path), &ino, NULL, 0, 0), want);
	return ino;
}

/* max_key - LMDB's key size limit (511 bytes with a stock liblmdb). */
static size_t max_key(void)
{
	static size_t max;
	MDB_env *env;

	if (!max) {
		assert_int_equal(mdb_env_create(&env), 0);
		max = (size_t)mdb_env_get_maxkeysize(env);
		mdb_env_close(env);
	}
	return max;
}

/* fill_path - append '/' and a component of @n bytes (@c repeated, then the decimal @tag at its
 * end) to @path, which holds *@len bytes; NUL-terminated. */
static void fill_path(char *path, size_t *len, size_t n, char c, int tag)
{
	char t[16];
	int tl = snprintf(t, sizeof(t), "%d", tag);

	assert_true((size_t)tl <= n && *len + 1 + n <= BENCHFS_PATH_MAX);
	path[(*len)++] = '/';
	memset(path + *len, c, n - (size_t)tl);
	memcpy(path + *len + n - (size_t)tl, t, (size_t)tl);
	*len += n;
	path[*len] = '\0';
}

/* setsize - give @path size @size (BFS_F_SIZE) and mtime @mtime. */
static void setsize(struct bfs_meta *m, const char *path, uint64_t size, int64_t mtime)
{
	struct bfs_inode out;

	assert_int_equal(bfs_meta_setattr(m, path, strlen(path), BFS_F_SIZE | BFS_F_MTIME, size, 0,
	                                  mtime, 0, &out),
	                 0);
	assert_int_equal(out.size, size);
}

/* test_create_lookup - new records, existing ones, -EEXIST rules, bad paths. */
static void test_create_lookup(void **state)
{
	struct fixture *f = *state;
	struct bfs_inode a, b, l;
	int64_t t0 = bfs_now_ns();

	memset(&a, 0, sizeof(a));
	a.mode = S_IFREG | 0640;
	a.uid = 1234;
	a.gid = 5678;
	a.chunk_size = 65536;
	a.size = 999; /* ignored: a new record has size 0 */
	a.ino = 42;   /* ignored: the store assigns numbers */
	assert_int_equal(bfs_meta_create(f->m, "/a", 2, &a, NULL, 0, 0), 0);
	assert_int_equal(a.ino >> 48, SERVER + 1);
	assert_true((a.ino & 0xffffffffffffull) != 0);
	assert_int_equal(a.size, 0);
	assert_int_equal(a.mode, S_IFREG | 0640);
	assert_int_equal(a.uid, 1234);
	assert_int_equal(a.gid, 5678);
	assert_int_equal(a.chunk_size, 65536);
	assert_int_equal(a.target_len, 0);
	assert_true(a.mtime_ns >= t0 && a.mtime_ns <= bfs_now_ns());
	assert_true(a.atime_ns == a.mtime_ns && a.ctime_ns == a.mtime_ns);

	memset(&l, 0, sizeof(l));
	assert_int_equal(bfs_meta_lookup(f->m, "/a", 2, &l, NULL, 0), 0);
	assert_inode_equal(&l, &a);
	assert_int_equal(bfs_meta_lookup(f->m, "/b", 2, &l, NULL, 0), -ENOENT);
	assert_int_equal(bfs_meta_lookup(f->m, "/a/b", 4, &l, NULL, 0), -ENOENT);

	/* existing regular file, no EXCL: 1 and the existing record */
	memset(&b, 0, sizeof(b));
	b.mode = S_IFREG | 0600;
	b.chunk_size = 4096;
	assert_int_equal(bfs_meta_create(f->m, "/a", 2, &b, NULL, 0, 0), 1);
	assert_inode_equal(&b, &a);
	/* EXCL */
	b.mode = S_IFREG | 0600;
	assert_int_equal(bfs_meta_create(f->m, "/a", 2, &b, NULL, 0, 1), -EEXIST);
	/* new record not regular */
	b.mode = S_IFDIR | 0755;
	assert_int_equal(bfs_meta_create(f->m, "/a", 2, &b, NULL, 0, 0), -EEXIST);
	/* existing record not regular */
	mk(f->m, "/d", S_IFDIR | 0755, 0);
	mk(f->m, "/d", S_IFREG | 0644, -EEXIST);
	mk(f->m, "/d", S_IFDIR | 0755, -EEXIST);

	/* distinct inode numbers */
	b = mk(f->m, "/d/x", S_IFREG | 0644, 0);
	assert_true(b.ino != a.ino);

	/* "/" and paths not in normal form are refused */
	mk(f->m, "/", S_IFDIR | 0755, -EINVAL);
	assert_int_equal(bfs_meta_create(f->m, "", 0, &b, NULL, 0, 0), -EINVAL);
	mk(f->m, "a", S_IFREG | 0644, -EINVAL);
	mk(f->m, "/d//y", S_IFREG | 0644, -EINVAL);
	mk(f->m, "/d/y/", S_IFREG | 0644, -EINVAL);
	mk(f->m, "/d/./y", S_IFREG | 0644, -EINVAL);
	mk(f->m, "/d/../y", S_IFREG | 0644, -EINVAL);
	mk(f->m, "/d/.hidden", S_IFREG | 0644, 0);
	assert_int_equal(bfs_meta_count(f->m), 4);
}

/* test_symlink - a symlink's target is stored and read back, truncated to the buffer. */
static void test_symlink(void **state)
{
	struct fixture *f = *state;
	static const char tgt[] = "../some/where/else";
	size_t tl = sizeof(tgt) - 1;
	struct bfs_inode s, l;
	char buf[64];

	memset(&s, 0, sizeof(s));
	s.mode = S_IFLNK | 0777;
	assert_int_equal(bfs_meta_create(f->m, "/lnk", 4, &s, tgt, tl, 1), 0);
	assert_int_equal(s.target_len, tl);

	memset(buf, '#', sizeof(buf));
	assert_int_equal(bfs_meta_lookup(f->m, "/lnk", 4, &l, buf, sizeof(buf)), 0);
	assert_int_equal(l.target_len, tl);
	assert_int_equal(l.mode, S_IFLNK | 0777);
	assert_memory_equal(buf, tgt, tl);
	assert_int_equal(buf[tl], '#'); /* no NUL added */

	memset(buf, '#', sizeof(buf));
	assert_int_equal(bfs_meta_lookup(f->m, "/lnk", 4, &l, buf, 5), 0);
	assert_int_equal(l.target_len, tl);
	assert_memory_equal(buf, tgt, 5);
	assert_int_equal(buf[5], '#');
	assert_int_equal(bfs_meta_lookup(f->m, "/lnk", 4, &l, NULL, 0), 0);

	/* an existing symlink is never reused by create */
	mk(f->m, "/lnk", S_IFREG | 0644, -EEXIST);
	/* setattr keeps the target */
	assert_int_equal(bfs_meta_setattr(f->m, "/lnk", 4, BFS_F_MTIME, 0, 0, 77, 0, &l), 0);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(bfs_meta_lookup(f->m, "/lnk", 4, &l, buf, sizeof(buf)), 0);
	assert_true(l.mtime_ns == 77);
	assert_memory_equal(buf, tgt, tl);
	/* an over-long target is refused */
	{
		static char big[BENCHFS_PATH_MAX + 1];

		memset(big, 't', sizeof(big));
		assert_int_equal(bfs_meta_create(f->m, "/lnk2", 5, &s, big, sizeof(big), 1),
		                 -ENAMETOOLONG);
	}
}

/* test_remove - type checks, expected inode number, removed record returned. */
static void test_remove(void **state)
{
	struct fixture *f = *state;
	struct bfs_inode a, d, old;

	a = mk(f->m, "/f", S_IFREG | 0644, 0);
	d = mk(f->m, "/dir", S_IFDIR | 0755, 0);
	assert_int_equal(bfs_meta_remove(f->m, "/f", 2, BFS_F_DIR, 0, &old), -ENOTDIR);
	assert_int_equal(bfs_meta_remove(f->m, "/dir", 4, BFS_F_NOTDIR, 0, &old), -EISDIR);
	assert_int_equal(bfs_meta_remove(f->m, "/f", 2, 0, a.ino + 1, &old), -ENOENT);
	assert_int_equal(bfs_meta_remove(f->m, "/nope", 5, 0, 0, &old), -ENOENT);
	assert_int_equal(bfs_meta_count(f->m), 2);

	memset(&old, 0, sizeof(old));
	assert_int_equal(bfs_meta_remove(f->m, "/f", 2, BFS_F_NOTDIR, a.ino, &old), 0);
	assert_inode_equal(&old, &a);
	assert_int_equal(bfs_meta_lookup(f->m, "/f", 2, &old, NULL, 0), -ENOENT);
	assert_int_equal(bfs_meta_remove(f->m, "/f", 2, 0, 0, &old), -ENOENT);

	assert_int_equal(bfs_meta_remove(f->m, "/dir", 4, BFS_F_DIR, 0, &old), 0);
	assert_int_equal(old.ino, d.ino);
	assert_int_equal(bfs_meta_count(f->m), 0);
	/* no flags: any type */
	mk(f->m, "/dir", S_IFDIR | 0755, 0);
	assert_int_equal(bfs_meta_remove(f->m, "/dir", 4, 0, 0, NULL), 0);
	assert_int_equal(bfs_meta_remove(f->m, "/", 1, 0, 0, NULL), -EINVAL);
}

/* test_setattr - size max vs exact, mode bits, times, ctime, directories. */
static void test_setattr(void **state)
{
	struct fixture *f = *state;
	struct bfs_inode a, out, l;
	int64_t ct;

	a = mk(f->m, "/f", S_IFREG | 0644, 0);
	assert_int_equal(bfs_meta_setattr(f->m, "/f", 2, BFS_F_SIZE_MAX, 100, 0, 0, 0, &out), 0);
	assert_int_equal(out.size, 100);
	assert_true(out.ctime_ns >= a.ctime_ns);
	ct = out.ctime_ns;
	usleep(2000);
	/* smaller size with SIZE_MAX: unchanged, ctime too */
	assert_int_equal(bfs_meta_setattr(f->m, "/f", 2, BFS_F_SIZE_MAX, 50, 0, 0, 0, &out), 0);
	assert_int_equal(out.size, 100);
	assert_true(out.ctime_ns == ct);
	assert_int_equal(bfs_meta_setattr(f->m, "/f", 2, BFS_F_SIZE_MAX, 1ull << 59, 0, 0, 0, &out),
	                 0);
	assert_int_equal(out.size, 1ull << 59);
	/* exact size shrinks */
	assert_int_equal(bfs_meta_setattr(f->m, "/f", 2, BFS_F_SIZE, 50, 0, 0, 0, &out), 0);
	assert_int_equal(out.size, 50);
	assert_true(out.ctime_ns > ct);
	/* mode: permission bits only */
	assert_int_equal(
	    bfs_meta_setattr(f->m, "/f", 2, BFS_F_MODE, 0, 0, 0, S_IFDIR | 04711, &out), 0);
	assert_int_equal(out.mode, S_IFREG | 04711);
	/* times, negative ones included; untouched fields stay */
	assert_int_equal(
	    bfs_meta_setattr(f->m, "/f", 2, BFS_F_ATIME | BFS_F_MTIME, 7, -123456789, -5, 0, &out),
	    0);
	assert_true(out.atime_ns == -123456789 && out.mtime_ns == -5);
	assert_int_equal(out.size, 50);
	assert_int_equal(out.ino, a.ino);
	assert_int_equal(out.uid, a.uid);
	assert_int_equal(out.chunk_size, a.chunk_size);
	assert_int_equal(bfs_meta_setattr(f->m, "/f", 2, BFS_F_ATIME, 0, 1, 0, 0, &out), 0);
	assert_true(out.atime_ns == 1 && out.mtime_ns == -5);
	assert_int_equal(bfs_meta_lookup(f->m, "/f", 2, &l, NULL, 0), 0);
	assert_inode_equal(&l, &out);

	/* directories: no size, but times and mode */
	mk(f->m, "/d", S_IFDIR | 0755, 0);
	assert_int_equal(bfs_meta_setattr(f->m, "/d", 2, BFS_F_SIZE, 1, 0, 0, 0, &out), -EISDIR);
	assert_int_equal(bfs_meta_setattr(f->m, "/d", 2, BFS_F_SIZE_MAX, 1, 0, 0, 0, &out),
	                 -EISDIR);
	assert_int_equal(
	    bfs_meta_setattr(f->m, "/d", 2, BFS_F_MODE | BFS_F_MTIME, 0, 0, 9, 0700, &out), 0);
	assert_int_equal(out.mode, S_IFDIR | 0700);
	assert_true(out.mtime_ns == 9);
	assert_int_equal(bfs_meta_setattr(f->m, "/zz", 3, BFS_F_SIZE, 1, 0, 0, 0, &out), -ENOENT);
}

/* test_put - rename's insert: replaces files, refuses directories, keeps the record as given. */
static void test_put(void **state)
{
	struct fixture *f = *state;
	struct bfs_inode a, rec, rep, l;
	char buf[16];

	a = mk(f->m, "/old", S_IFREG | 0644, 0);
	memset(&rec, 0, sizeof(rec));
	rec.ino = 0x00ff000000000099ull; /* from another server */
	rec.mode = S_IFLNK | 0777;
	rec.uid = 7;
	rec.size = 3;
	rec.mtime_ns = -1;
	rec.target_len = 999; /* replaced by the target's length */
	memset(&rep, 0x55, sizeof(rep));
	assert_int_equal(bfs_meta_put(f->m, "/new", 4, &rec, "tgt", 3, &rep), 0);
	assert_int_equal(rep.ino, 0);
	assert_int_equal(bfs_meta_lookup(f->m, "/new", 4, &l, buf, sizeof(buf)), 0);
	assert_int_equal(l.ino, rec.ino);
	assert_int_equal(l.mode, rec.mode);
	assert_int_equal(l.uid, 7);
	assert_int_equal(l.size, 3);
	assert_true(l.mtime_ns == -1);
	assert_int_equal(l.target_len, 3);
	assert_memory_equal(buf, "tgt", 3);

	/* replace a file: the old record comes back */
	rec.mode = S_IFREG | 0600;
	assert_int_equal(bfs_meta_put(f->m, "/old", 4, &rec, NULL, 0, &rep), 0);
	assert_inode_equal(&rep, &a);
	assert_int_equal(bfs_meta_lookup(f->m, "/old", 4, &l, NULL, 0), 0);
	assert_int_equal(l.ino, rec.ino);
	assert_int_equal(l.target_len, 0);

	/* never over a directory */
	mk(f->m, "/dir", S_IFDIR | 0755, 0);
	assert_int_equal(bfs_meta_put(f->m, "/dir", 4, &rec, NULL, 0, &rep), -EISDIR);
	assert_int_equal(bfs_meta_lookup(f->m, "/dir", 4, &l, NULL, 0), 0);
	assert_true(S_ISDIR(l.mode));
	assert_int_equal(bfs_meta_count(f->m), 3);
}

/* test_readdir_large - 10 000 entries paged through a small buffer, each exactly once, in
 * order, resuming after the last name of the previous page. */
static void test_readdir_large(void **state)
{
	struct fixture *f = *state;
	enum { N = 10000 };
	char path[64], last[BENCHFS_NAME_MAX + 1] = "";
	uint8_t buf[300];
	size_t alen = 0;
	int seen = 0, pages = 0, more;

	mk(f->m, "/big", S_IFDIR | 0755, 0);
	/* created out of order */
	for (int i = 0; i < N; i++) {
		int j = (int)(((long)i * 7919) % N);

		snprintf(path, sizeof(path), "/big/f%05d", j);
		mk(f->m, path, S_IFREG | 0644, 0);
	}
	/* neighbours that must not show up */
	mk(f->m, "/big/f00001x", S_IFDIR | 0755, 0); /* a child, listed */
	mk(f->m, "/big/f00001x/deep", S_IFREG | 0644, 0);
	mk(f->m, "/bigger", S_IFDIR | 0755, 0);
	mk(f->m, "/bigger/f00000", S_IFREG | 0644, 0);
	mk(f->m, "/big-", S_IFDIR | 0755, 0);
	mk(f->m, "/big-/f00000", S_IFREG | 0644, 0);

	do {
		uint32_t count;
		size_t used, pos = 0;

		used =
		    bfs_meta_readdir(f->m, "/big", 4, last, alen, buf, sizeof(buf), &count, &more);
		assert_true(used <= sizeof(buf));
		assert_true(count > 0);
		pages++;
		for (uint32_t c = 0; c < count; c++) {
			uint64_t ino;
			uint8_t type;
			const char *name;
			size_t nl;
			char want[32];

			assert_int_equal(
			    bfs_wire_get_dirent(buf, used, &pos, &ino, &type, &name, &nl), 0);
			assert_int_equal(ino >> 48, SERVER + 1);
			if (seen == 2) {
				/* "f00001x" sorts right after "f00001" */
				assert_int_equal(nl, 7);
				assert_memory_equal(name, "f00001x", 7);
				assert_int_equal(type, DT_DIR);
			} else {
				snprintf(want, sizeof(want), "f%05d", seen < 2 ? seen : seen - 1);
				assert_int_equal(nl, strlen(want));
				assert_memory_equal(name, want, nl);
				assert_int_equal(type, DT_REG);
			}
			memcpy(last, name, nl);
			alen = nl;
			seen++;
		}
		assert_int_equal(pos, used);
	} while (more);
	assert_int_equal(seen, N + 1);
	assert_true(pages > 100);

	/* after the last name: nothing */
	{
		uint32_t count;

		assert_int_equal(
		    bfs_meta_readdir(f->m, "/big", 4, "f09999", 6, buf, sizeof(buf), &count, &more),
		    0);
		assert_int_equal(count, 0);
		assert_int_equal(more, 0);
		/* a buffer too small for one entry: nothing, but more */
		assert_int_equal(bfs_meta_readdir(f->m, "/big", 4, NULL, 0, buf, 10, &count, &more),
		                 0);
		assert_int_equal(count, 0);
		assert_int_equal(more, 1);
	}
}

/* readdir_names - all names of @dir, joined with ',' into @out. */
static void readdir_names(struct bfs_meta *m, const char *dir, char *out, size_t outcap)
{
	uint8_t buf[4096];
	uint32_t count;
	size_t used, pos = 0;
	int more;

	used = bfs_meta_readdir(m, dir, strlen(dir), NULL, 0, buf, sizeof(buf), &count, &more);
	assert_int_equal(more, 0);
	out[0] = '\0';
	for (uint32_t c = 0; c < count; c++) {
		uint64_t ino;
		uint8_t type;
		const char *name;
		size_t nl, ol = strlen(out);

		assert_int_equal(bfs_wire_get_dirent(buf, used, &pos, &ino, &type, &name, &nl), 0);
		snprintf(out + ol, outcap - ol, "%s%.*s:%c", ol ? "," : "", (int)nl, name,
		         type == DT_DIR   ? 'd'
		         : type == DT_LNK ? 'l'
		                          : 'f');
	}
}

/* test_readdir_children - only direct children; the root works; d_type per mode. */
static void test_readdir_children(void **state)
{
	struct fixture *f = *state;
	struct bfs_inode s;
	char names[512];

	mk(f->m, "/a", S_IFDIR | 0755, 0);
	mk(f->m, "/a/b", S_IFDIR | 0755, 0);
	mk(f->m, "/a/b/c", S_IFREG | 0644, 0);
	mk(f->m, "/a/z", S_IFREG | 0644, 0);
	mk(f->m, "/ab", S_IFDIR | 0755, 0);
	mk(f->m, "/ab/x", S_IFREG | 0644, 0);
	mk(f->m, "/a-b", S_IFREG | 0644, 0);
	memset(&s, 0, sizeof(s));
	s.mode = S_IFLNK | 0777;
	assert_int_equal(bfs_meta_create(f->m, "/a/l", 4, &s, "b", 1, 1), 0);

	readdir_names(f->m, "/a", names, sizeof(names));
	assert_string_equal(names, "b:d,l:l,z:f");
	readdir_names(f->m, "/a/b", names, sizeof(names));
	assert_string_equal(names, "c:f");
	readdir_names(f->m, "/", names, sizeof(names));
	assert_string_equal(names, "a:d,a-b:f,ab:d");
	readdir_names(f->m, "/ab", names, sizeof(names));
	assert_string_equal(names, "x:f");
	readdir_names(f->m, "/a/z", names, sizeof(names));
	assert_string_equal(names, "");
	readdir_names(f->m, "/none", names, sizeof(names));
	assert_string_equal(names, "");
}

/* test_haschild - direct children only, never a sibling sharing a name prefix. */
static void test_haschild(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(bfs_meta_haschild(f->m, "/", 1), 0);
	mk(f->m, "/a", S_IFDIR | 0755, 0);
	assert_int_equal(bfs_meta_haschild(f->m, "/", 1), 1);
	assert_int_equal(bfs_meta_haschild(f->m, "/a", 2), 0);
	mk(f->m, "/ab", S_IFDIR | 0755, 0);
	mk(f->m, "/ab/x", S_IFREG | 0644, 0);
	mk(f->m, "/a-b", S_IFDIR | 0755, 0);
	mk(f->m, "/a-b/y", S_IFREG | 0644, 0);
	assert_int_equal(bfs_meta_haschild(f->m, "/a", 2), 0);
	assert_int_equal(bfs_meta_haschild(f->m, "/ab", 3), 1);
	mk(f->m, "/a/k", S_IFREG | 0644, 0);
	assert_int_equal(bfs_meta_haschild(f->m, "/a", 2), 1);
	assert_int_equal(bfs_meta_remove(f->m, "/a/k", 4, 0, 0, NULL), 0);
	assert_int_equal(bfs_meta_haschild(f->m, "/a", 2), 0);
	/* a grandchild alone (its parent's record on another server) is not a child */
	mk(f->m, "/a/sub/deep", S_IFREG | 0644, 0);
	assert_int_equal(bfs_meta_haschild(f->m, "/a", 2), 0);
	assert_int_equal(bfs_meta_haschild(f->m, "/a/sub", 6), 1);
}

/* find_all - run a find over @top with @filter in pages of @cap bytes; the paths found (in
 * order, ',' separated) go to @out. Short keys come in increasing order, before any long-keyed
 * record's key (longer than LMDB's limit). Each page resumes as the server does: after the key
 * of the path the client rebuilt from the last entry. Return the number of pages. */
static int find_all(struct bfs_meta *m, const char *top, const struct benchfs_find_filter *flt,
                    size_t cap, char *out, size_t outcap)
{
	uint8_t *buf = malloc(cap);
	char after[KEYBUF], prevkey[KEYBUF];
	size_t aklen = 0, prevlen = 0;
	int more, pages = 0;

	assert_non_null(buf);
	out[0] = '\0';
	do {
		uint32_t count;
		size_t used, pos = 0;

		used =
		    bfs_meta_find(m, top, strlen(top), after, aklen, flt, buf, cap, &count, &more);
		pages++;
		assert_true(pages < 100000); /* a resume that does not advance */
		if (more)
			assert_true(count > 0);
		for (uint32_t c = 0; c < count; c++) {
			uint32_t mode;
			uint64_t size;
			int64_t mt;
			const char *key;
			size_t kl, ol = strlen(out);
			char path[KEYBUF];

			assert_int_equal(
			    bfs_wire_get_findent(buf, used, &pos, &mode, &size, &mt, &key, &kl), 0);
			int n;

			/* strictly increasing short keys, all before the long-keyed records */
			if (prevlen && kl <= max_key()) {
				int cmp = memcmp(prevkey, key, prevlen < kl ? prevlen : kl);

				assert_true(prevlen <= max_key());
				assert_true(cmp < 0 || (cmp == 0 && prevlen < kl));
			}
			memcpy(prevkey, key, kl);
			prevlen = kl;
			n = bfs_path_from_key(key, kl, path, sizeof(path));
			assert_true(n > 0);
			snprintf(out + ol, outcap - ol, "%s%s", ol ? "," : "", path);
			n = bfs_path_key(path, (size_t)n, after, sizeof(after));
			assert_int_equal(n, kl);
			aklen = (size_t)n;
		}
		assert_int_equal(pos, used);
	} while (more);
	free(buf);
	return pages;
}

/* find_tree - a small tree with sizes and mtimes for the find tests. */
static void find_tree(struct bfs_meta *m)
{
	struct bfs_inode s;

	mk(m, "/a", S_IFDIR | 0755, 0);
	mk(m, "/a/x.c", S_IFREG | 0644, 0);
	setsize(m, "/a/x.c", 100, 1000);
	mk(m, "/a/y.h", S_IFREG | 0644, 0);
	setsize(m, "/a/y.h", 5000, 3000);
	mk(m, "/a/sub", S_IFDIR | 0755, 0);
	mk(m, "/a/sub/z.c", S_IFREG | 0644, 0);
	setsize(m, "/a/sub/z.c", 512, 2000);
	mk(m, "/a/sub/deeper", S_IFDIR | 0755, 0);
	mk(m, "/a/sub/deeper/w.c", S_IFREG | 0644, 0);
	setsize(m, "/a/sub/deeper/w.c", 0, 4000);
	memset(&s, 0, sizeof(s));
	s.mode = S_IFLNK | 0777;
	assert_int_equal(bfs_meta_create(m, "/a/lnk.c", 8, &s, "x.c", 3, 1), 0);
	/* siblings of /a sharing its name as a prefix: never below /a */
	mk(m, "/ab", S_IFDIR | 0755, 0);
	mk(m, "/ab/q.c", S_IFREG | 0644, 0);
	mk(m, "/a-b", S_IFDIR | 0755, 0);
	mk(m, "/a-b/r.c", S_IFREG | 0644, 0);
	mk(m, "/a.b", S_IFREG | 0644, 0);
	mk(m, "/top.c", S_IFREG | 0644, 0);
}

/* test_find - subtree ranges, filters, paging. */
static void test_find(void **state)
{
	struct fixture *f = *state;
	struct benchfs_find_filter flt;
	char out[4096];
	int pages;

	find_tree(f->m);
	find_all(f->m, "/a", NULL, 65536, out, sizeof(out));
	/* key order: "/a\0..." children first, then "/a/sub\0...", then "/a/sub/deeper\0..." */
	assert_string_equal(out, "/a/lnk.c,/a/sub,/a/x.c,/a/y.h,/a/sub/deeper,/a/sub/z.c,"
	                         "/a/sub/deeper/w.c");
	find_all(f->m, "/ab", NULL, 65536, out, sizeof(out));
	assert_string_equal(out, "/ab/q.c");
	find_all(f->m, "/a-b", NULL, 65536, out, sizeof(out));
	assert_string_equal(out, "/a-b/r.c");
	find_all(f->m, "/a.b", NULL, 65536, out, sizeof(out));
	assert_string_equal(out, "");
	find_all(f->m, "/a/sub", NULL, 65536, out, sizeof(out));
	assert_string_equal(out, "/a/sub/deeper,/a/sub/z.c,/a/sub/deeper/w.c");
	find_all(f->m, "/nope", NULL, 65536, out, sizeof(out));
	assert_string_equal(out, "");
	find_all(f->m, "/", NULL, 65536, out, sizeof(out));
	assert_string_equal(out, "/a,/a-b,/a.b,/ab,/top.c,/a/lnk.c,/a/sub,/a/x.c,/a/y.h,"
	                         "/a-b/r.c,/a/sub/deeper,/a/sub/z.c,/a/sub/deeper/w.c,/ab/q.c");

	/* type */
	memset(&flt, 0, sizeof(flt));
	flt.type = S_IFDIR;
	find_all(f->m, "/", &flt, 65536, out, sizeof(out));
	assert_string_equal(out, "/a,/a-b,/ab,/a/sub,/a/sub/deeper");
	flt.type = S_IFLNK;
	find_all(f->m, "/a", &flt, 65536, out, sizeof(out));
	assert_string_equal(out, "/a/lnk.c");
	/* name glob on the last component */
	memset(&flt, 0, sizeof(flt));
	flt.name = "*.c";
	find_all(f->m, "/a", &flt, 65536, out, sizeof(out));
	assert_string_equal(out, "/a/lnk.c,/a/x.c,/a/sub/z.c,/a/sub/deeper/w.c");
	flt.type = S_IFREG;
	find_all(f->m, "/a", &flt, 65536, out, sizeof(out));
	assert_string_equal(out, "/a/x.c,/a/sub/z.c,/a/sub/deeper/w.c");
	flt.name = "a*"; /* the path's directories never match a name glob */
	find_all(f->m, "/a", &flt, 65536, out, sizeof(out));
	assert_string_equal(out, "");
	/* size: -size +1 (512-byte units): more than one block */
	memset(&flt, 0, sizeof(flt));
	flt.type = S_IFREG;
	flt.size_cmp = 1;
	flt.size_units = 1;
	flt.size_unit = 512;
	find_all(f->m, "/a", &flt, 65536, out, sizeof(out));
	assert_string_equal(out, "/a/y.h");
	flt.size_cmp = 2; /* exactly one block: 100 and 512 bytes */
	find_all(f->m, "/a", &flt, 65536, out, sizeof(out));
	assert_string_equal(out, "/a/x.c,/a/sub/z.c");
	flt.size_cmp = -1; /* less than one block: empty */
	find_all(f->m, "/a", &flt, 65536, out, sizeof(out));
	assert_string_equal(out, "/a/sub/deeper/w.c");
	flt.size_cmp = 1; /* -size +100c */
	flt.size_units = 100;
	flt.size_unit = 1;
	find_all(f->m, "/a", &flt, 65536, out, sizeof(out));
	assert_string_equal(out, "/a/y.h,/a/sub/z.c");
	/* newer: mtime later than 2000 ns */
	memset(&flt, 0, sizeof(flt));
	flt.type = S_IFREG;
	flt.newer = 1;
	flt.newer_than.tv_sec = 0;
	flt.newer_than.tv_nsec = 2000;
	find_all(f->m, "/a", &flt, 65536, out, sizeof(out));
	assert_string_equal(out, "/a/y.h,/a/sub/deeper/w.c");

	/* paging: one entry per page (the longest entry is 22 + 15 bytes) */
	pages = find_all(f->m, "/", NULL, 40, out, sizeof(out));
	assert_string_equal(out, "/a,/a-b,/a.b,/ab,/top.c,/a/lnk.c,/a/sub,/a/x.c,/a/y.h,"
	                         "/a-b/r.c,/a/sub/deeper,/a/sub/z.c,/a/sub/deeper/w.c,/ab/q.c");
	assert_true(pages >= 14);
	memset(&flt, 0, sizeof(flt));
	flt.name = "*.c";
	find_all(f->m, "/a", &flt, 40, out, sizeof(out));
	assert_string_equal(out, "/a/lnk.c,/a/x.c,/a/sub/z.c,/a/sub/deeper/w.c");
	/* a resume key from the second range, and one before the range */
	{
		uint8_t buf[1024];
		uint32_t count;
		int more;
		static const char k1[] = "/a/sub\0z.c", k0[] = "/\0";

		assert_true(bfs_meta_find(f->m, "/a", 2, k1, sizeof(k1) - 1, NULL, buf, sizeof(buf),
		                          &count, &more) > 0);
		assert_int_equal(count, 1); /* "/a/sub/deeper\0w.c" */
		assert_int_equal(more, 0);
		bfs_meta_find(f->m, "/a", 2, k0, sizeof(k0) - 1, NULL, buf, sizeof(buf), &count,
		              &more);
		assert_int_equal(count, 7);
	}
}

/* test_find_large - find over many entries in small pages returns each exactly once. */
static void test_find_large(void **state)
{
	struct fixture *f = *state;
	enum { NDIR = 20, NFILE = 200 };
	uint8_t buf[512];
	char path[64], after[KEYBUF];
	size_t aklen = 0;
	int more, total = 0;
	static unsigned char seen[NDIR][NFILE];

	memset(seen, 0, sizeof(seen));
	mk(f->m, "/t", S_IFDIR | 0755, 0);
	for (int d = 0; d < NDIR; d++) {
		snprintf(path, sizeof(path), "/t/d%02d", d);
		mk(f->m, path, S_IFDIR | 0755, 0);
		for (int i = 0; i < NFILE; i++) {
			snprintf(path, sizeof(path), "/t/d%02d/f%03d", d, i);
			mk(f->m, path, S_IFREG | 0644, 0);
		}
	}
	mk(f->m, "/t0", S_IFREG | 0644, 0);
	do {
		uint32_t count;
		size_t used, pos = 0;
		struct benchfs_find_filter flt;

		memset(&flt, 0, sizeof(flt));
		flt.type = S_IFREG;
		used = bfs_meta_find(f->m, "/t", 2, after, aklen, &flt, buf, sizeof(buf), &count,
		                     &more);
		for (uint32_t c = 0; c < count; c++) {
			uint32_t mode;
			uint64_t size;
			int64_t mt;
			const char *key;
			size_t kl;
			int d, i;

			assert_int_equal(
			    bfs_wire_get_findent(buf, used, &pos, &mode, &size, &mt, &key, &kl), 0);
			assert_int_equal(kl, 11);
			assert_int_equal(sscanf(key, "/t/d%02d", &d), 1);
			assert_int_equal(sscanf(key + 7, "f%03d", &i), 1);
			assert_int_equal(seen[d][i], 0);
			seen[d][i] = 1;
			memcpy(after, key, kl);
			aklen = kl;
			total++;
		}
	} while (more);
	assert_int_equal(total, NDIR * NFILE);
}

/* test_reopen - records and the inode counter survive close and open. */
static void test_reopen(void **state)
{
	struct fixture *f = *state;
	struct bfs_inode a, b, c, l;
	char buf[8];

	a = mk(f->m, "/a", S_IFREG | 0644, 0);
	b = mk(f->m, "/b", S_IFDIR | 0755, 0);
	memset(&l, 0, sizeof(l));
	l.mode = S_IFLNK | 0777;
	assert_int_equal(bfs_meta_create(f->m, "/b/l", 4, &l, "/a", 2, 1), 0);
	setsize(f->m, "/a", 4242, 77);
	assert_int_equal(bfs_meta_sync(f->m), 0);
	bfs_meta_close(f->m);
	f->m = NULL;

	assert_int_equal(bfs_meta_open(&f->m, f->dir, SERVER, 1), 0);
	assert_int_equal(bfs_meta_count(f->m), 3);
	assert_int_equal(bfs_meta_lookup(f->m, "/a", 2, &c, NULL, 0), 0);
	assert_int_equal(c.ino, a.ino);
	assert_int_equal(c.size, 4242);
	assert_true(c.mtime_ns == 77);
	assert_int_equal(bfs_meta_lookup(f->m, "/b", 2, &c, NULL, 0), 0);
	assert_inode_equal(&c, &b);
	assert_int_equal(bfs_meta_lookup(f->m, "/b/l", 4, &c, buf, sizeof(buf)), 0);
	assert_int_equal(c.ino, l.ino);
	assert_memory_equal(buf, "/a", 2);

	/* new numbers continue after the old ones */
	c = mk(f->m, "/c", S_IFREG | 0644, 0);
	assert_true(c.ino != a.ino && c.ino != b.ino && c.ino != l.ino);
	assert_true(c.ino > l.ino && c.ino > b.ino);
	assert_int_equal(c.ino >> 48, SERVER + 1);
	bfs_meta_close(f->m);
	f->m = NULL;

	/* another server index: numbers from its own range */
	assert_int_equal(bfs_meta_open(&f->m, f->dir, 0, 0), 0);
	c = mk(f->m, "/d", S_IFREG | 0644, 0);
	assert_int_equal(c.ino >> 48, 1);
	assert_int_equal(bfs_meta_count(f->m), 5);
}

/* test_inline - a small file's bytes in its record: writes, holes, reads at the end, truncate
 * down and up, the limit (store setting, chunk size), creating with the bytes, dropping them,
 * another inode at the path, a long-keyed path, and all of it after close and open. */
static void test_inline(void **state)
{
	struct fixture *f = *state;
	struct bfs_inode a, r, c;
	char lp[700], buf[8192], want[8192];

	bfs_meta_set_inline(f->m, 4096);
	assert_int_equal(bfs_meta_inline_max(f->m), 4096);
	a = mk(f->m, "/a", S_IFREG | 0644, 0);
	assert_true(a.flags & BFS_INODE_INLINE);
	assert_int_equal(bfs_meta_inline_limit(f->m, &a), 4096);
	/* a directory and a symlink are never inline */
	c = mk(f->m, "/d", S_IFDIR | 0755, 0);
	assert_false(c.flags & BFS_INODE_INLINE);

	memset(want, 0, sizeof(want));
	memcpy(want, "hello", 5);
	assert_int_equal(bfs_meta_iwrite(f->m, "/a", 2, a.ino, 0, "hello", 5, 123, &r), 0);
	assert_int_equal(r.size, 5);
	assert_true(r.mtime_ns == 123);
	memcpy(want + 3000, "xyz", 3); /* a hole of zeros before it */
	assert_int_equal(bfs_meta_iwrite(f->m, "/a", 2, a.ino, 3000, "xyz", 3, 124, &r), 0);
	assert_int_equal(r.size, 3003);
	assert_int_equal(bfs_meta_iread(f->m, "/a", 2, a.ino, 0, buf, sizeof(buf), &r), 3003);
	assert_memory_equal(buf, want, 3003);
	assert_int_equal(bfs_meta_iread(f->m, "/a", 2, a.ino, 3001, buf, 10, &r), 2);
	assert_int_equal(bfs_meta_iread(f->m, "/a", 2, a.ino, 5000, buf, 10, &r), 0);
	assert_int_equal(bfs_meta_iwrite(f->m, "/a", 2, a.ino, 4000, "", 0, 1, &r), 0);
	assert_int_equal(r.size, 3003); /* a write of nothing does not extend the file */
	/* past the limit: -E2BIG, nothing changed */
	assert_int_equal(bfs_meta_iwrite(f->m, "/a", 2, a.ino, 4000, want, 97, 1, &r), -E2BIG);
	assert_int_equal(bfs_meta_iwrite(f->m, "/a", 2, a.ino, 4000, want, 96, 1, &r), 0);
	assert_int_equal(r.size, 4096);
	assert_int_equal(bfs_meta_setattr(f->m, "/a", 2, BFS_F_SIZE, 4097, 0, 0, 0, &r), -E2BIG);
	/* truncate down drops the bytes; up brings zeros */
	assert_int_equal(bfs_meta_setattr(f->m, "/a", 2, BFS_F_SIZE, 3, 0, 0, 0, &r), 0);
	assert_int_equal(bfs_meta_setattr(f->m, "/a", 2, BFS_F_SIZE, 4000, 0, 0, 0, &r), 0);
	memset(want + 3, 0, sizeof(want) - 3);
	assert_int_equal(bfs_meta_iread(f->m, "/a", 2, a.ino, 0, buf, sizeof(buf), &r), 4000);
	assert_memory_equal(buf, want, 4000);
	/* another inode at the path */
	assert_int_equal(bfs_meta_iwrite(f->m, "/a", 2, a.ino + 1, 0, "x", 1, 1, &r), -ENOENT);
	assert_int_equal(bfs_meta_iread(f->m, "/a", 2, a.ino + 1, 0, buf, 1, &r), -ENOENT);
	assert_int_equal(bfs_meta_iwrite(f->m, "/d", 2, c.ino, 0, "x", 1, 1, &r), -EISDIR);

	/* created with its bytes and times; the limit is also the chunk size */
	memset(&c, 0, sizeof(c));
	c.mode = S_IFREG | 0600;
	c.chunk_size = 4096;
	c.atime_ns = 11;
	c.mtime_ns = 22;
	assert_int_equal(bfs_meta_create(f->m, "/b", 2, &c, "abc", 3, 1), 0);
	assert_true((c.flags & BFS_INODE_INLINE) && c.size == 3 && c.mtime_ns == 22 &&
	            c.atime_ns == 11);
	memset(&r, 0, sizeof(r));
	r.mode = S_IFREG | 0600;
	r.chunk_size = 1024;
	assert_int_equal(bfs_meta_create(f->m, "/big", 4, &r, want, 2000, 1), -E2BIG);
	assert_int_equal(bfs_meta_lookup(f->m, "/big", 4, &r, NULL, 0), -ENOENT);

	/* a long-keyed path keeps its bytes and its path apart (/p..p/p..p/p..p/p..p, 650 bytes) */
	memset(lp, 'p', sizeof(lp));
	for (int k = 0; k < 650; k += 200)
		lp[k] = '/';
	for (int k = 200; k < 650; k += 200) {
		memset(&c, 0, sizeof(c));
		c.mode = S_IFDIR | 0755;
		assert_int_equal(bfs_meta_create(f->m, lp, (size_t)k, &c, NULL, 0, 1), 0);
	}
	memset(&c, 0, sizeof(c));
	c.mode = S_IFREG | 0644;
	c.chunk_size = 1 << 20;
	assert_int_equal(bfs_meta_create(f->m, lp, 650, &c, "long", 4, 1), 0);
	assert_int_equal(bfs_meta_iwrite(f->m, lp, 650, c.ino, 4, "er", 2, 5, &r), 0);
	assert_int_equal(bfs_meta_iread(f->m, lp, 650, c.ino, 0, buf, 100, &r), 6);
	assert_memory_equal(buf, "longer", 6);
	assert_int_equal(bfs_meta_lookup(f->m, lp, 650, &r, NULL, 0), 0);

	/* after close and open: the bytes are there; dropping them ends the inline file */
	assert_int_equal(bfs_meta_sync(f->m), 0);
	bfs_meta_close(f->m);
	f->m = NULL;
	assert_int_equal(bfs_meta_open(&f->m, f->dir, SERVER, 0), 0);
	assert_int_equal(bfs_meta_iread(f->m, "/a", 2, a.ino, 0, buf, sizeof(buf), &r), 4000);
	assert_memory_equal(buf, want, 4000);
	assert_int_equal(bfs_meta_iread(f->m, lp, 650, c.ino, 0, buf, 100, &r), 6);
	assert_int_equal(bfs_meta_uninline(f->m, "/a", 2, a.ino, &r), 0);
	assert_false(r.flags & BFS_INODE_INLINE);
	assert_int_equal(r.size, 4000);
	assert_int_equal(r.target_len, 0);
	assert_int_equal(bfs_meta_iread(f->m, "/a", 2, a.ino, 0, buf, sizeof(buf), &r), 0);
	assert_false(r.flags & BFS_INODE_INLINE);
	assert_int_equal(bfs_meta_iwrite(f->m, "/a", 2, a.ino, 0, "x", 1, 1, &r), 0);
	assert_false(r.flags & BFS_INODE_INLINE); /* nothing written: it is chunked now */
	assert_int_equal(r.size, 4000);
	/* the store's setting 0: new files are chunked; old inline ones stay */
	assert_int_equal(bfs_meta_inline_max(f->m), 0);
	c = mk(f->m, "/e", S_IFREG | 0644, 0);
	assert_false(c.flags & BFS_INODE_INLINE);
	assert_int_equal(bfs_meta_iread(f->m, "/b", 2, 0, 0, buf, 1, &r), -ENOENT);
	assert_int_equal(bfs_meta_lookup(f->m, "/b", 2, &r, NULL, 0), 0);
	assert_int_equal(bfs_meta_iread(f->m, "/b", 2, r.ino, 0, buf, 10, &r), 3);
	assert_memory_equal(buf, "abc", 3);
}

/* test_count - count follows creates and removes, ignoring the counter record. */
static void test_count(void **state)
{
	struct fixture *f = *state;
	char path[32];

	assert_int_equal(bfs_meta_count(f->m), 0);
	for (int i = 0; i < 50; i++) {
		snprintf(path, sizeof(path), "/n%d", i);
		mk(f->m, path, S_IFREG | 0644, 0);
		assert_int_equal(bfs_meta_count(f->m), (uint64_t)i + 1);
	}
	mk(f->m, "/n0", S_IFREG | 0644, 1);
	assert_int_equal(bfs_meta_count(f->m), 50);
	for (int i = 0; i < 50; i += 2) {
		snprintf(path, sizeof(path), "/n%d", i);
		assert_int_equal(bfs_meta_remove(f->m, path, strlen(path), 0, 0, NULL), 0);
	}
	assert_int_equal(bfs_meta_count(f->m), 25);
}

/* test_open_errors - a store directory that can not be created. */
static void test_open_errors(void **state)
{
	struct fixture *f = *state;
	struct bfs_meta *m2 = NULL;
	char path[192];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/file", f->tmp);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fclose(fp);
	snprintf(path, sizeof(path), "%s/file/meta", f->tmp);
	assert_true(bfs_meta_open(&m2, path, 0, 0) < 0);
	assert_null(m2);
	assert_int_equal(bfs_meta_open(&m2, f->dir, 0xffff, 0), -EINVAL);
}

/* long_dir - make the directories "/AAA..0" (200-byte name) and "/AAA..0/BBB..1" (@n-byte
 * name, @c repeated; 0: none) into @dir; return its length. Its children's keys are
 * len + 1 + name bytes long. */
static size_t long_dir(struct bfs_meta *m, char *dir, char c, size_t n)
{
	size_t len = 0;
	struct bfs_inode l;

	fill_path(dir, &len, 200, 'A', 0);
	if (bfs_meta_lookup(m, dir, len, &l, NULL, 0) == -ENOENT)
		mk(m, dir, S_IFDIR | 0755, 0);
	if (n) {
		fill_path(dir, &len, n, c, 1);
		mk(m, dir, S_IFDIR | 0755, 0);
	}
	return len;
}

/* test_long_paths - keys of 500..520 bytes (around LMDB's limit) and of ~4000 bytes: create,
 * lookup, setattr, put and remove round trips. */
static void test_long_paths(void **state)
{
	struct fixture *f = *state;
	char dir[BENCHFS_PATH_MAX + 1], path[BENCHFS_PATH_MAX + 1], other[BENCHFS_PATH_MAX + 1];
	static char tgt[3000], buf[sizeof(tgt) + 1];
	struct bfs_inode a[21], l, out, rep, rec;
	size_t dlen, len, olen;
	int nlong = 0;

	/* "/AAA..0/BBB..1" (402 bytes): a child's key is as long as its path */
	dlen = long_dir(f->m, dir, 'B', 200);
	for (size_t kl = 500; kl <= 520; kl++) {
		struct bfs_inode *x = &a[kl - 500];

		memcpy(path, dir, dlen + 1);
		len = dlen;
		fill_path(path, &len, kl - dlen - 1, 'f', (int)kl);
		assert_int_equal(len, kl);
		nlong += kl > max_key();
		*x = mk(f->m, path, S_IFREG | 0644, 0);
		l = mk(f->m, path, S_IFREG | 0600, 1); /* exists: the existing record */
		assert_inode_equal(&l, x);
		mk(f->m, path, S_IFDIR | 0755, -EEXIST);
		assert_int_equal(bfs_meta_create(f->m, path, len, &l, NULL, 0, 1), -EEXIST);
		assert_int_equal(bfs_meta_lookup(f->m, path, len, &l, NULL, 0), 0);
		assert_inode_equal(&l, x);
		assert_int_equal(
		    bfs_meta_setattr(f->m, path, len, BFS_F_SIZE | BFS_F_MTIME, kl, 0, 7, 0, &out),
		    0);
		assert_int_equal(out.size, kl);
		assert_int_equal(bfs_meta_lookup(f->m, path, len, &l, NULL, 0), 0);
		assert_inode_equal(&l, &out);
		*x = out;
		/* a sibling differing in the last byte is not there */
		path[len - 1] = 'x';
		assert_int_equal(bfs_meta_lookup(f->m, path, len, &l, NULL, 0), -ENOENT);
		assert_int_equal(bfs_meta_setattr(f->m, path, len, BFS_F_SIZE, 1, 0, 0, 0, &l),
		                 -ENOENT);
		assert_int_equal(bfs_meta_remove(f->m, path, len, 0, 0, &l), -ENOENT);
	}
	assert_true(nlong > 0 && nlong < 21); /* both kinds of keys */
	assert_int_equal(bfs_meta_count(f->m), 2 + 21);

	/* remove the even ones, put over the odd ones */
	memset(&rec, 0, sizeof(rec));
	rec.ino = 0x0002000000000123ull;
	rec.mode = S_IFLNK | 0777;
	rec.size = 3;
	for (size_t kl = 500; kl <= 520; kl++) {
		memcpy(path, dir, dlen + 1);
		len = dlen;
		fill_path(path, &len, kl - dlen - 1, 'f', (int)kl);
		if (kl % 2 == 0) {
			assert_int_equal(bfs_meta_remove(f->m, path, len, BFS_F_DIR, 0, &l),
			                 -ENOTDIR);
			assert_int_equal(
			    bfs_meta_remove(f->m, path, len, 0, a[kl - 500].ino + 1, &l), -ENOENT);
			assert_int_equal(
			    bfs_meta_remove(f->m, path, len, BFS_F_NOTDIR, a[kl - 500].ino, &l), 0);
			assert_inode_equal(&l, &a[kl - 500]);
			assert_int_equal(bfs_meta_lookup(f->m, path, len, &l, NULL, 0), -ENOENT);
			assert_int_equal(bfs_meta_remove(f->m, path, len, 0, 0, &l), -ENOENT);
		} else {
			rec.ino++;
			assert_int_equal(bfs_meta_put(f->m, path, len, &rec, "tgt", 3, &rep), 0);
			assert_inode_equal(&rep, &a[kl - 500]);
			memset(buf, 0, 8);
			assert_int_equal(bfs_meta_lookup(f->m, path, len, &l, buf, 8), 0);
			assert_int_equal(l.ino, rec.ino);
			assert_int_equal(l.target_len, 3);
			assert_memory_equal(buf, "tgt", 4);
		}
	}
	assert_int_equal(bfs_meta_count(f->m), 2 + 10);
	/* put at a new long path: nothing replaced */
	memcpy(path, dir, dlen + 1);
	len = dlen;
	fill_path(path, &len, 150, 'p', 0);
	assert_true(len > max_key());
	assert_int_equal(bfs_meta_put(f->m, path, len, &rec, NULL, 0, &rep), 0);
	assert_int_equal(rep.ino, 0);
	assert_int_equal(bfs_meta_lookup(f->m, path, len, &l, NULL, 0), 0);
	assert_int_equal(l.ino, rec.ino);
	assert_int_equal(l.target_len, 0);

	/* ~4000 bytes: 15 nested directories with 255-byte names, then a symlink */
	len = 0;
	for (int i = 0; i < 15; i++) {
		fill_path(path, &len, 255, (char)('a' + i), i);
		mk(f->m, path, S_IFDIR | 0755, 0);
	}
	assert_int_equal(bfs_meta_put(f->m, path, len, &rec, NULL, 0, &rep), -EISDIR);
	fill_path(path, &len, 200, 'z', 99);
	assert_true(len > 4000);
	for (size_t i = 0; i < sizeof(tgt); i++)
		tgt[i] = (char)('0' + i % 10);
	memset(&l, 0, sizeof(l));
	l.mode = S_IFLNK | 0777;
	assert_int_equal(bfs_meta_create(f->m, path, len, &l, tgt, sizeof(tgt), 1), 0);
	assert_int_equal(l.size, sizeof(tgt));
	assert_int_equal(bfs_meta_lookup(f->m, path, len, &out, buf, sizeof(buf)), 0);
	assert_inode_equal(&out, &l);
	assert_memory_equal(buf, tgt, sizeof(tgt));
	/* setattr keeps the target (and the stored path) */
	assert_int_equal(bfs_meta_setattr(f->m, path, len, BFS_F_MTIME, 0, 0, 5, 0, &out), 0);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(bfs_meta_lookup(f->m, path, len, &out, buf, sizeof(buf)), 0);
	assert_true(out.mtime_ns == 5);
	assert_int_equal(out.target_len, sizeof(tgt));
	assert_memory_equal(buf, tgt, sizeof(tgt));
	assert_int_equal(bfs_meta_setattr(f->m, path, len, BFS_F_MTIME, 0, 0, 6, 0, &out), 0);
	assert_int_equal(bfs_meta_lookup(f->m, path, len, &out, buf, sizeof(buf)), 0);
	assert_true(out.mtime_ns == 6);
	/* the same name in another deep directory is another record */
	memcpy(other, path, len + 1);
	olen = len;
	other[2] = 'X';
	assert_int_equal(bfs_meta_lookup(f->m, other, olen, &l, NULL, 0), -ENOENT);
	/* put a regular file over the symlink, then remove it */
	rec.mode = S_IFREG | 0644;
	rec.ino++;
	assert_int_equal(bfs_meta_put(f->m, path, len, &rec, NULL, 0, &rep), 0);
	assert_int_equal(rep.target_len, sizeof(tgt));
	assert_true(rep.mtime_ns == 6);
	assert_int_equal(bfs_meta_lookup(f->m, path, len, &l, NULL, 0), 0);
	assert_int_equal(l.ino, rec.ino);
	assert_int_equal(l.target_len, 0);
	assert_int_equal(bfs_meta_remove(f->m, path, len, BFS_F_DIR, 0, &l), -ENOTDIR);
	assert_int_equal(bfs_meta_remove(f->m, path, len, BFS_F_NOTDIR, rec.ino, &l), 0);
	assert_int_equal(bfs_meta_lookup(f->m, path, len, &l, NULL, 0), -ENOENT);
	/* the deepest directory: -EISDIR for a put, removed as a directory */
	len = bfs_path_parent(path, len);
	path[len] = '\0';
	assert_int_equal(bfs_meta_remove(f->m, path, len, BFS_F_NOTDIR, 0, &l), -EISDIR);
	assert_int_equal(bfs_meta_remove(f->m, path, len, BFS_F_DIR, 0, &l), 0);
	assert_int_equal(bfs_meta_count(f->m), 2 + 10 + 1 + 14);
}

/* name_tag - the number at the end of name @name (@nl bytes), -1 when none. */
static int name_tag(const char *name, size_t nl)
{
	size_t i = nl;
	int v = 0, mul = 1;

	while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9') {
		v += (name[i - 1] - '0') * mul;
		mul *= 10;
		i--;
	}
	return i == nl ? -1 : v;
}

/* readdir_check - list @dir in pages of @cap bytes from after @after (NULL: the start): each
 * of the @n names "n..n<i>" of @nlen[i] bytes exactly once (seen[i] counts), dirs for i % 5 == 0;
 * the short-keyed names first, each range in name order. Return the number of entries. */
static int readdir_check(struct bfs_meta *m, const char *dir, const char *after, size_t cap,
                         const size_t *nlen, int n, int *seen)
{
	uint8_t *buf = malloc(cap);
	char last[BENCHFS_NAME_MAX + 1];
	size_t alen = after ? strlen(after) : 0, dlen = strlen(dir), prevlen = 0;
	int more, total = 0, in_long = 0;

	assert_non_null(buf);
	if (alen)
		memcpy(last, after, alen);
	memset(seen, 0, sizeof(int) * (size_t)n);
	do {
		uint32_t count;
		size_t used, pos = 0;

		used = bfs_meta_readdir(m, dir, dlen, last, alen, buf, cap, &count, &more);
		if (more)
			assert_true(count > 0);
		for (uint32_t c = 0; c < count; c++) {
			uint64_t ino;
			uint8_t type;
			const char *name;
			size_t nl;
			int i, lng;

			assert_int_equal(
			    bfs_wire_get_dirent(buf, used, &pos, &ino, &type, &name, &nl), 0);
			i = name_tag(name, nl);
			assert_true(i >= 0 && i < n);
			assert_int_equal(nl, nlen[i]);
			assert_int_equal(type, i % 5 == 0 ? DT_DIR : DT_REG);
			seen[i]++;
			lng = dlen + 1 + nl > max_key();
			assert_true(lng >= in_long); /* no short name after a long one */
			if (lng == in_long && prevlen) {
				int cmp = memcmp(last, name, prevlen < nl ? prevlen : nl);

				assert_true(cmp < 0 || (cmp == 0 && prevlen < nl));
			}
			in_long = lng;
			memcpy(last, name, nl);
			alen = prevlen = nl;
			total++;
		}
		assert_int_equal(pos, used);
	} while (more);
	free(buf);
	return total;
}

/* long_children - in @dir (made by long_dir), @n children "n..n<i>" of @nlen[i] bytes (3..255,
 * varied), directories for i % 5 == 0. */
static void long_children(struct bfs_meta *m, const char *dir, size_t *nlen, int n)
{
	char path[BENCHFS_PATH_MAX + 1];
	size_t dlen = strlen(dir), len;

	for (int i = 0; i < n; i++) {
		nlen[i] = 3 + (size_t)(i * 53) % 253;
		memcpy(path, dir, dlen + 1);
		len = dlen;
		fill_path(path, &len, nlen[i], 'n', i);
		mk(m, path, i % 5 == 0 ? S_IFDIR | 0755 : S_IFREG | 0644, 0);
	}
}

/* test_long_readdir - a directory whose children are partly short- and partly long-keyed:
 * paged listings give every name once; neighbours' children never show up. */
static void test_long_readdir(void **state)
{
	struct fixture *f = *state;
	enum { N = 120 };
	char dir[BENCHFS_PATH_MAX + 1], sib[BENCHFS_PATH_MAX + 1], path[BENCHFS_PATH_MAX + 1];
	size_t nlen[N], dlen, len, maxshort = 0;
	int seen[N], nshort = 0, nl = 0;
	char names[512];

	dlen = long_dir(f->m, dir, 'D', 99); /* 301 bytes */
	long_children(f->m, dir, nlen, N);
	for (int i = 0; i < N; i++) {
		if (dlen + 1 + nlen[i] > max_key()) {
			nl++;
		} else {
			nshort++;
			maxshort = nlen[i] > maxshort ? nlen[i] : maxshort;
		}
	}
	assert_true(nshort > 10 && nl > 10);
	/* neighbours: a sibling directory (one byte different) with its own children, a
	 * grandchild below a long-named child, a name prefix sibling */
	memcpy(sib, dir, dlen + 1);
	sib[dlen - 2] = 'd';
	mk(f->m, sib, S_IFDIR | 0755, 0);
	for (int i = 0; i < 10; i++) {
		memcpy(path, sib, dlen + 1);
		len = dlen;
		fill_path(path, &len, 200 + (size_t)i, 'n', i);
		mk(f->m, path, S_IFREG | 0644, 0);
	}
	memcpy(path, dir, dlen + 1);
	len = dlen;
	fill_path(path, &len, nlen[5], 'n', 5);
	fill_path(path, &len, 250, 'g', 0);
	mk(f->m, path, S_IFREG | 0644, 0);
	memcpy(path, dir, dlen + 1);
	memcpy(path + dlen, "-x", 3);
	mk(f->m, path, S_IFREG | 0644, 0);

	/* tiny pages (one 255-byte name fits), and one big page */
	assert_int_equal(readdir_check(f->m, dir, NULL, BFS_WIRE_DIRENT_FIXED + 255, nlen, N, seen),
	                 N);
	for (int i = 0; i < N; i++)
		assert_int_equal(seen[i], 1);
	assert_int_equal(readdir_check(f->m, dir, NULL, 300, nlen, N, seen), N);
	assert_int_equal(readdir_check(f->m, dir, NULL, 1 << 16, nlen, N, seen), N);
	for (int i = 0; i < N; i++)
		assert_int_equal(seen[i], 1);
	/* resuming after the longest short name gives exactly the long ones, after a long name
	 * only long ones */
	for (int i = 0; i < N; i++) {
		char after[BENCHFS_NAME_MAX + 2]; /* '/', up to 255 bytes, NUL */
		size_t al = 0;
		int got, lng = dlen + 1 + nlen[i] > max_key();

		if (nlen[i] != maxshort && !lng)
			continue;
		fill_path(after, &al, nlen[i], 'n', i);
		got = readdir_check(f->m, dir, after + 1, 400, nlen, N, seen);
		if (!lng)
			assert_true(got >= nl); /* all long ones, and short ones sorting after */
		else
			assert_true(got < nl);
		for (int j = 0; j < N; j++)
			if (dlen + 1 + nlen[j] > max_key())
				assert_true(seen[j] == (lng ? seen[j] : 1));
	}
	/* the sibling lists its own 10 */
	{
		uint8_t buf[8192];
		uint32_t count;
		int more;

		bfs_meta_readdir(f->m, sib, dlen, NULL, 0, buf, sizeof(buf), &count, &more);
		assert_int_equal(count, 10);
		assert_int_equal(more, 0);
	}
	/* the root is unaffected */
	readdir_names(f->m, "/", names, sizeof(names));
	assert_int_equal(strlen(names), 200 + 2);
}

/* test_long_haschild - children with long keys only count as children. */
static void test_long_haschild(void **state)
{
	struct fixture *f = *state;
	char dir[BENCHFS_PATH_MAX + 1], path[BENCHFS_PATH_MAX + 1], deep[BENCHFS_PATH_MAX + 1];
	size_t dlen, len, deeplen;

	dlen = long_dir(f->m, dir, 'H', 100);
	assert_int_equal(bfs_meta_haschild(f->m, dir, dlen), 0);
	/* only a grandchild (its parent's record elsewhere): not a child */
	memcpy(deep, dir, dlen + 1);
	deeplen = dlen;
	fill_path(deep, &deeplen, 255, 'c', 0);
	fill_path(deep, &deeplen, 255, 'g', 0);
	mk(f->m, deep, S_IFREG | 0644, 0);
	assert_int_equal(bfs_meta_haschild(f->m, dir, dlen), 0);
	assert_int_equal(bfs_meta_haschild(f->m, deep, bfs_path_parent(deep, deeplen)), 1);
	/* one long-keyed child */
	memcpy(path, dir, dlen + 1);
	len = dlen;
	fill_path(path, &len, 255, 'k', 0);
	assert_true(len > max_key());
	mk(f->m, path, S_IFREG | 0644, 0);
	assert_int_equal(bfs_meta_haschild(f->m, dir, dlen), 1);
	/* a directory differing in one byte has none */
	dir[dlen - 2] = 'h';
	assert_int_equal(bfs_meta_haschild(f->m, dir, dlen), 0);
	dir[dlen - 2] = 'H';
	assert_int_equal(bfs_meta_remove(f->m, path, len, 0, 0, NULL), 0);
	assert_int_equal(bfs_meta_haschild(f->m, dir, dlen), 0);
	/* a deep directory (all its children long-keyed) */
	assert_int_equal(bfs_meta_haschild(f->m, path, len), 0);
	mk(f->m, path, S_IFDIR | 0755, 0);
	fill_path(path, &len, 3, 'x', 1);
	mk(f->m, path, S_IFREG | 0644, 0);
	assert_int_equal(bfs_meta_haschild(f->m, path, bfs_path_parent(path, len)), 1);
}

/* cmp_str - qsort order of strings. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* check_found - the ','-separated paths in @out are exactly the @n paths @want (any order). */
static void check_found(char *out, char **want, int n)
{
	char **got = calloc((size_t)n + 1, sizeof(*got));
	int k = 0;

	assert_non_null(got);
	for (char *p = strtok(out, ","); p; p = strtok(NULL, ",")) {
		assert_true(k < n);
		got[k++] = p;
	}
	assert_int_equal(k, n);
	qsort(got, (size_t)n, sizeof(*got), cmp_str);
	qsort(want, (size_t)n, sizeof(*want), cmp_str);
	for (int i = 0; i < n; i++)
		assert_string_equal(got[i], want[i]);
	free(got);
}

/* add_path - create @path (@mode) and record a copy in @want[*@n] when @listed. */
static void add_path(struct bfs_meta *m, const char *path, uint32_t mode, char **want, int *n,
                     int listed)
{
	mk(m, path, mode, 0);
	if (listed)
		want[(*n)++] = strdup(path);
}

/* test_long_find - find below a top with long-keyed descendants, paged: every record once,
 * the paths rebuilt from the entries' keys; neighbours never show up. */
static void test_long_find(void **state)
{
	struct fixture *f = *state;
	enum { MAXW = 200 };
	char *want[MAXW], *wdirs[MAXW], path[BENCHFS_PATH_MAX + 1];
	size_t len, deep = 0;
	int n = 0, ndirs = 0, nlong = 0, pages;
	char *out = malloc(1 << 20);
	struct benchfs_find_filter flt;

	assert_non_null(out);
	mk(f->m, "/T", S_IFDIR | 0755, 0);
	/* /T/AAA..0/BBB..1 and files with keys of 500..520 bytes */
	len = 2;
	strcpy(path, "/T");
	fill_path(path, &len, 200, 'A', 0);
	add_path(f->m, path, S_IFDIR | 0755, want, &n, 1);
	fill_path(path, &len, 200, 'B', 1);
	add_path(f->m, path, S_IFDIR | 0755, want, &n, 1);
	wdirs[ndirs++] = strdup(want[0]);
	wdirs[ndirs++] = strdup(want[1]);
	for (size_t kl = 500; kl <= 520; kl++) {
		size_t l2 = len;

		fill_path(path, &l2, kl - len - 1, 'f', (int)kl);
		add_path(f->m, path, S_IFREG | 0644, want, &n, 1);
		nlong += l2 > max_key();
		path[len] = '\0';
	}
	/* /T/e0/e1/... ~4000 bytes deep */
	len = 2;
	path[len] = '\0';
	for (int i = 0; i < 15; i++) {
		fill_path(path, &len, 255, (char)('a' + i), i);
		add_path(f->m, path, S_IFDIR | 0755, want, &n, 1);
		wdirs[ndirs++] = strdup(path);
		if (len > max_key() && !deep)
			deep = len;
	}
	fill_path(path, &len, 200, 'z', 99);
	add_path(f->m, path, S_IFREG | 0644, want, &n, 1);
	assert_true(len > 4000);
	/* neighbours of /T with long paths */
	strcpy(path, "/T-x");
	len = 4;
	add_path(f->m, path, S_IFDIR | 0755, want, &n, 0);
	fill_path(path, &len, 255, 'a', 0);
	fill_path(path, &len, 255, 'b', 0);
	fill_path(path, &len, 255, 'c', 0);
	add_path(f->m, path, S_IFREG | 0644, want, &n, 0);
	strcpy(path, "/T2");
	len = 3;
	fill_path(path, &len, 255, 'a', 0);
	fill_path(path, &len, 255, 'b', 0);
	fill_path(path, &len, 255, 'c', 0);
	add_path(f->m, path, S_IFREG | 0644, want, &n, 0);
	assert_true(nlong > 0 && deep);

	/* one big page; pages of one entry of the longest path; small pages */
	find_all(f->m, "/T", NULL, 1 << 20, out, 1 << 20);
	check_found(out, want, n);
	pages = find_all(f->m, "/T", NULL, BFS_WIRE_FINDENT_FIXED + 4096, out, 1 << 20);
	check_found(out, want, n);
	assert_true(pages >= 8);
	/* a filter: the directories only */
	memset(&flt, 0, sizeof(flt));
	flt.type = S_IFDIR;
	find_all(f->m, "/T", &flt, BFS_WIRE_FINDENT_FIXED + 4096, out, 1 << 20);
	check_found(out, wdirs, ndirs);
	/* a name glob matching only long-keyed files */
	flt.type = 0;
	flt.name = "f*51?";
	find_all(f->m, "/T", &flt, 1 << 16, out, 1 << 20);
	{
		int k = 0;

		for (char *p = strtok(out, ","); p; p = strtok(NULL, ","))
			k++;
		assert_int_equal(k, 10); /* 510..519: short and long keys */
	}
	/* from the root: everything */
	find_all(f->m, "/", NULL, BFS_WIRE_FINDENT_FIXED + 4096, out, 1 << 20);
	{
		int k = 0;

		for (char *p = strtok(out, ","); p; p = strtok(NULL, ","))
			k++;
		assert_int_equal(k, (int)bfs_meta_count(f->m));
	}
	/* a top whose own key is long: only long-keyed records below it */
	strcpy(path, "/T");
	len = 2;
	for (int i = 0; i < 15 && len < deep; i++)
		fill_path(path, &len, 255, (char)('a' + i), i);
	find_all(f->m, path, NULL, BFS_WIRE_FINDENT_FIXED + 4096, out, 1 << 20);
	{
		int k = 0;

		for (char *p = strtok(out, ","); p; p = strtok(NULL, ","))
			k++;
		assert_int_equal(k, 15 - (int)((len - 2) / 256) + 1);
	}
	for (int i = 0; i < n; i++)
		free(want[i]);
	for (int i = 0; i < ndirs; i++)
		free(wdirs[i]);
	free(out);
}

/* test_long_reopen - long-keyed records survive close and open. */
static void test_long_reopen(void **state)
{
	struct fixture *f = *state;
	enum { N = 60 };
	char dir[BENCHFS_PATH_MAX + 1], path[BENCHFS_PATH_MAX + 1], buf[8];
	size_t nlen[N], dlen, len;
	struct bfs_inode s, l;
	int seen[N];

	dlen = long_dir(f->m, dir, 'R', 150);
	long_children(f->m, dir, nlen, N);
	memcpy(path, dir, dlen + 1);
	len = dlen;
	fill_path(path, &len, 250, 's', 0);
	memset(&s, 0, sizeof(s));
	s.mode = S_IFLNK | 0777;
	assert_int_equal(bfs_meta_create(f->m, path, len, &s, "/tgt", 4, 1), 0);
	assert_int_equal(bfs_meta_count(f->m), 2 + N + 1);
	bfs_meta_close(f->m);
	f->m = NULL;

	assert_int_equal(bfs_meta_open(&f->m, f->dir, SERVER, 0), 0);
	assert_int_equal(bfs_meta_count(f->m), 2 + N + 1);
	assert_int_equal(bfs_meta_lookup(f->m, path, len, &l, buf, sizeof(buf)), 0);
	assert_inode_equal(&l, &s);
	assert_memory_equal(buf, "/tgt", 4);
	assert_int_equal(bfs_meta_remove(f->m, path, len, 0, 0, NULL), 0);
	assert_int_equal(readdir_check(f->m, dir, NULL, 300, nlen, N, seen), N);
	for (int i = 0; i < N; i++)
		assert_int_equal(seen[i], 1);
}

/* ---- group commit ---- */

/* A group's outcomes as bfs_meta_group's callback reports them. */
struct outcomes {
	int calls, fails, last;
};

static void on_commit(void *arg, int status)
{
	struct outcomes *o = arg;

	o->calls++;
	o->last = status;
	if (status)
		o->fails++;
}

/* test_group - writes share a transaction until the flush or the max-th write; calls that fail
 * (EEXIST, ENOENT, EISDIR, ...) or change nothing leave the others in it; a call on a record the
 * group wrote, and a scan, commit it first (their answers stand at once); a group holding
 * nothing is neither kept open nor reported. */
static void test_group(void **state)
{
	struct fixture *f = *state;
	struct outcomes o = {0, 0, 0};
	struct bfs_inode a, b, x, r, in;
	uint64_t commits, writes, commits2, writes2, staged;
	char buf[256];
	uint32_t n;
	int more;

	assert_int_equal(bfs_meta_group(f->m, 64, on_commit, &o), 0);
	bfs_meta_commits(f->m, &commits, &writes);
	staged = bfs_meta_staged(f->m);
	a = mk(f->m, "/a", S_IFREG | 0644, 0);
	b = mk(f->m, "/b", S_IFDIR | 0755, 0);
	assert_int_equal(bfs_meta_pending(f->m), 2);
	assert_int_equal(bfs_meta_staged(f->m), staged + 2);
	/* calls on other records: answered at once, the group stays */
	memset(&in, 0, sizeof(in));
	in.mode = S_IFREG | 0644;
	in.chunk_size = 1 << 20;
	assert_int_equal(bfs_meta_lookup(f->m, "/nope", 5, &r, NULL, 0), -ENOENT);
	assert_int_equal(bfs_meta_iread(f->m, "/nope", 5, 1, 0, buf, 1, &r), -ENOENT);
	assert_int_equal(bfs_meta_remove(f->m, "/nope", 5, 0, 0, NULL), -ENOENT);
	assert_int_equal(bfs_meta_setattr(f->m, "/nope", 5, BFS_F_MODE, 0, 0, 0, 0600, &r),
	                 -ENOENT);
	assert_int_equal(bfs_meta_pending(f->m), 2);
	assert_int_equal(o.calls, 0);
	/* one on a record the group wrote commits it first */
	assert_int_equal(bfs_meta_create(f->m, "/a", 2, &in, NULL, 0, 1), -EEXIST);
	assert_int_equal(o.calls, 1);
	assert_int_equal(o.last, 0);
	assert_int_equal(bfs_meta_pending(f->m), 0);
	bfs_meta_commits(f->m, &commits2, &writes2);
	assert_int_equal(commits2, commits + 1); /* two writes, one commit */
	assert_int_equal(writes2, writes + 2);
	assert_int_equal(bfs_meta_lookup(f->m, "/a", 2, &r, NULL, 0), 0);
	assert_inode_equal(&r, &a);

	/* failures before any write, and changes of nothing: the group stays whole */
	x = mk(f->m, "/b/x", S_IFREG | 0644, 0);
	assert_true(x.ino > b.ino && b.ino > a.ino); /* the counter goes on inside the group */
	staged = bfs_meta_staged(f->m);
	assert_int_equal(bfs_meta_create(f->m, "/b", 2, &in, NULL, 0, 0), -EEXIST);
	assert_int_equal(bfs_meta_remove(f->m, "/b", 2, BFS_F_NOTDIR, 0, NULL), -EISDIR);
	assert_int_equal(bfs_meta_remove(f->m, "/a", 2, 0, a.ino + 1, NULL), -ENOENT);
	assert_int_equal(bfs_meta_setattr(f->m, "/b", 2, BFS_F_SIZE, 1, 0, 0, 0, &r), -EISDIR);
	assert_int_equal(bfs_meta_iwrite(f->m, "/b", 2, b.ino, 0, "x", 1, 1, &r), -EISDIR);
	assert_int_equal(bfs_meta_put(f->m, "/b", 2, &a, NULL, 0, &r), -EISDIR);
	assert_int_equal(bfs_meta_setattr(f->m, "/a", 2, BFS_F_SIZE_MAX, 0, 0, 0, 0, &r), 0);
	assert_int_equal(bfs_meta_staged(f->m), staged);
	assert_int_equal(bfs_meta_pending(f->m), 1);
	assert_int_equal(o.calls, 1);
	/* a scan commits first: it sees the group's writes committed */
	assert_int_equal(bfs_meta_haschild(f->m, "/b", 2), 1);
	assert_int_equal(o.calls, 2);
	assert_int_equal(bfs_meta_pending(f->m), 0);
	setsize(f->m, "/a", 10, 5);
	mk(f->m, "/b/y", S_IFREG | 0644, 0);
	bfs_meta_readdir(f->m, "/b", 2, NULL, 0, buf, sizeof(buf), &n, &more);
	assert_int_equal(n, 2);
	assert_int_equal(o.calls, 3);
	setsize(f->m, "/a", 11, 5);
	assert_int_equal(bfs_meta_remove(f->m, "/a", 2, 0, a.ino, &r), 0);
	assert_int_equal(o.calls, 4);
	assert_int_equal(r.size, 11);
	assert_int_equal(bfs_meta_pending(f->m), 1);
	assert_int_equal(bfs_meta_count(f->m), 3); /* (the group's writes counted) */
	assert_int_equal(bfs_meta_flush(f->m), 0);
	assert_int_equal(o.calls, 5);
	assert_int_equal(bfs_meta_flush(f->m), 0);
	/* a failure alone, a change of nothing alone: no group left, none reported */
	assert_int_equal(bfs_meta_create(f->m, "/b/x", 4, &in, NULL, 0, 1), -EEXIST);
	assert_int_equal(bfs_meta_setattr(f->m, "/b/x", 4, 0, 0, 0, 0, 0, &r), 0);
	assert_int_equal(bfs_meta_pending(f->m), 0);
	assert_int_equal(bfs_meta_flush(f->m), 0);
	assert_int_equal(o.calls, 5);

	/* the max-th write commits the group, and says so itself */
	assert_int_equal(bfs_meta_group(f->m, 3, on_commit, &o), 0);
	mk(f->m, "/c1", S_IFREG | 0644, 0);
	mk(f->m, "/c2", S_IFREG | 0644, 0);
	assert_int_equal(bfs_meta_pending(f->m), 2);
	mk(f->m, "/c3", S_IFREG | 0644, 0);
	assert_int_equal(bfs_meta_pending(f->m), 0);
	assert_int_equal(o.calls, 6);
	/* close commits an open group */
	mk(f->m, "/c4", S_IFREG | 0644, 0);
	assert_int_equal(bfs_meta_pending(f->m), 1);
	bfs_meta_close(f->m);
	f->m = NULL;
	assert_int_equal(o.calls, 6);
	assert_int_equal(o.fails, 0);

	assert_int_equal(bfs_meta_open(&f->m, f->dir, SERVER, 0), 0);
	assert_int_equal(bfs_meta_count(f->m), 7);
	assert_int_equal(bfs_meta_lookup(f->m, "/a", 2, &r, NULL, 0), -ENOENT);
	assert_int_equal(bfs_meta_lookup(f->m, "/b", 2, &r, NULL, 0), 0);
	assert_inode_equal(&r, &b);
	assert_int_equal(bfs_meta_lookup(f->m, "/b/x", 4, &r, NULL, 0), 0);
	assert_inode_equal(&r, &x);
	assert_int_equal(bfs_meta_lookup(f->m, "/c4", 3, &r, NULL, 0), 0);
}

#define FULL_MAX   4000 /* files tried at most */
#define FULL_BYTES 3000 /* each file's bytes, inline */

/* The files of test_group_full: each one's fate (1: in the open group; 0: committed;
 * -errno: failed), those of the open group, groups ended and writes failed. */
struct full_files {
	int fate[FULL_MAX];
	int held[FULL_MAX];
	int nheld, calls, fails;
};

/* full_commit - a group ended: its files' fate. One that failed held a single write (its
 * commit needed room the map did not have: that write alone did not fit). */
static void full_commit(void *arg, int status)
{
	struct full_files *ff = arg;

	ff->calls++;
	if (status) {
		assert_int_equal(status, -ENOSPC);
		assert_int_equal(ff->nheld, 1);
		ff->fails++;
	}
	for (int i = 0; i < ff->nheld; i++)
		ff->fate[ff->held[i]] = status;
	ff->nheld = 0;
}

/* full_create - create inline file /fI with its FULL_BYTES bytes. Return the call's result. */
static int full_create(struct bfs_meta *m, int i)
{
	char path[32], data[FULL_BYTES];
	struct bfs_inode in;

	snprintf(path, sizeof(path), "/f%d", i);
	memset(data, 'a' + i % 26, sizeof(data));
	memcpy(data, &i, sizeof(i));
	memset(&in, 0, sizeof(in));
	in.mode = S_IFREG | 0644;
	in.chunk_size = 1 << 20;
	return bfs_meta_create(m, path, strlen(path), &in, data, sizeof(data), 1);
}

/*
 * test_group_full - a map that fills up under grouped writes (4 MiB, inline files of 3 000
 * bytes, a flush every 16 calls as a server's round): the writes that get -ENOSPC are ones that
 * did not fit alone (each fails with no group open, or is the only write of the group whose
 * commit fails), so nothing that was committed is lost and nothing that failed is there; a
 * remove still works.
 */
static void test_group_full(void **state)
{
	struct fixture *f = *state;
	static struct full_files ff;
	struct bfs_meta *m;
	struct bfs_inode r;
	char dir[160], path[32], buf[FULL_BYTES + 1], want[FULL_BYTES];
	int i, n, rc, full = 0, done = 0, flushed;

	memset(&ff, 0, sizeof(ff));
	snprintf(dir, sizeof(dir), "%s/full", f->tmp);
	setenv("BENCHFS_META_MAP", "4M", 1);
	rc = bfs_meta_open(&m, dir, SERVER, 0);
	unsetenv("BENCHFS_META_MAP");
	assert_int_equal(rc, 0);
	bfs_meta_set_inline(m, 65536);
	assert_int_equal(bfs_meta_group(m, 64, full_commit, &ff), 0);
	for (n = 0; n < FULL_MAX && full + ff.fails < 8; n++) {
		rc = full_create(m, n);
		if (rc == 0 && bfs_meta_pending(m)) {
			ff.fate[n] = 1;
			ff.held[ff.nheld++] = n;
		} else {
			assert_true(rc == 0 || rc == -ENOSPC);
			ff.fate[n] = rc;
			if (rc) {
				full++;
				assert_int_equal(bfs_meta_pending(m), 0); /* it was alone */
			}
		}
		if (n % 16 == 15) {
			flushed = ff.fails;
			rc = bfs_meta_flush(m);
			assert_int_equal(rc, ff.fails > flushed ? -ENOSPC : 0);
		}
	}
	bfs_meta_flush(m);
	assert_int_equal(ff.nheld, 0);
	assert_true(full + ff.fails >= 8);
	for (i = 0; i < n; i++) {
		assert_true(ff.fate[i] <= 0);
		done += ff.fate[i] == 0;
	}
	assert_true(done > 200);
	assert_true(ff.calls < done / 2); /* groups did form before the map filled */
	/* a full map still removes */
	assert_int_equal(bfs_meta_remove(m, "/f0", 3, 0, 0, NULL), 0);
	assert_int_equal(bfs_meta_pending(m), 1);
	assert_int_equal(bfs_meta_flush(m), 0);
	ff.fate[0] = -ENOENT;
	bfs_meta_close(m);

	/* what was committed is there with its bytes; what failed is not */
	assert_int_equal(bfs_meta_open(&m, dir, SERVER, 0), 0);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/f%d", i);
		if (ff.fate[i]) {
			assert_int_equal(bfs_meta_lookup(m, path, strlen(path), &r, NULL, 0),
			                 -ENOENT);
			continue;
		}
		assert_int_equal(bfs_meta_lookup(m, path, strlen(path), &r, NULL, 0), 0);
		memset(want, 'a' + i % 26, sizeof(want));
		memcpy(want, &i, sizeof(i));
		assert_int_equal(
		    bfs_meta_iread(m, path, strlen(path), r.ino, 0, buf, sizeof(buf), &r),
		    FULL_BYTES);
		assert_memory_equal(buf, want, FULL_BYTES);
	}
	assert_int_equal(bfs_meta_count(m), (uint64_t)done - 1);
	bfs_meta_close(m);
}

#define T(fn)  cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define TG(fn) cmocka_unit_test_setup_teardown(fn, setup_grouped, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_create_lookup),
	    T(test_symlink),
	    T(test_remove),
	    T(test_setattr),
	    T(test_put),
	    T(test_readdir_large),
	    T(test_readdir_children),
	    T(test_haschild),
	    T(test_find),
	    T(test_find_large),
	    T(test_reopen),
	    T(test_inline),
	    T(test_count),
	    T(test_open_errors),
	    T(test_long_paths),
	    T(test_long_readdir),
	    T(test_long_haschild),
	    T(test_long_find),
	    T(test_long_reopen),
	    T(test_group),
	    T(test_group_full),
	    /* all of it again with writes grouped */
	    TG(test_create_lookup),
	    TG(test_symlink),
	    TG(test_remove),
	    TG(test_setattr),
	    TG(test_put),
	    TG(test_readdir_large),
	    TG(test_readdir_children),
	    TG(test_haschild),
	    TG(test_find),
	    TG(test_find_large),
	    TG(test_reopen),
	    TG(test_inline),
	    TG(test_count),
	    TG(test_open_errors),
	    TG(test_long_paths),
	    TG(test_long_readdir),
	    TG(test_long_haschild),
	    TG(test_long_find),
	    TG(test_long_reopen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
