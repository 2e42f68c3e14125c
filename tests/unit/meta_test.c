/*
 * meta_test.c - unit tests of src/server/meta.c on a real LMDB store in a temporary directory:
 * create/lookup/remove/setattr/put semantics, paged readdir and find, persistence, counts.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
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

#include "common/path.h"
#include "common/util.h"
#include "net/wire.h"
#include "server/meta.h"

#define SERVER   3
#define INO_BASE ((uint64_t)(SERVER + 1) << 48)
#define KEYBUF   (BENCHFS_PATH_MAX + 2)

struct fixture {
	char tmp[64];  /* mkdtemp directory, removed at teardown */
	char dir[128]; /* the store: tmp/meta (created by bfs_meta_open) */
	struct bfs_meta *m;
};

/* rm_entry - nftw callback removing one file or (emptied) directory. */
static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

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

/* teardown - close the store and remove the temporary directory. */
static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->m)
		bfs_meta_close(f->m);
	nftw(f->tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
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

/* test_long_path - keys beyond LMDB's key size limit are refused cleanly. */
static void test_long_path(void **state)
{
	struct fixture *f = *state;
	char path[BENCHFS_PATH_MAX + 1];
	struct bfs_inode l;
	size_t n;
	int ret;

	/* "/dddd.../dddd..." with 200-byte components */
	n = 0;
	while (n + 201 <= 1000) {
		path[n++] = '/';
		memset(path + n, 'd', 200);
		n += 200;
	}
	path[n] = '\0';
	memset(&l, 0, sizeof(l));
	l.mode = S_IFREG | 0644;
	ret = bfs_meta_create(f->m, path, n, &l, NULL, 0, 0);
	assert_true(ret == 0 || ret == -ENAMETOOLONG);
	if (ret == -ENAMETOOLONG) {
		assert_int_equal(bfs_meta_lookup(f->m, path, n, &l, NULL, 0), -ENOENT);
		assert_int_equal(bfs_meta_remove(f->m, path, n, 0, 0, &l), -ENOENT);
	} else {
		assert_int_equal(bfs_meta_lookup(f->m, path, n, &l, NULL, 0), 0);
	}
	/* scans of such directories find nothing and do not fail */
	{
		uint8_t buf[256];
		uint32_t count;
		int more;

		assert_int_equal(
		    bfs_meta_readdir(f->m, path, n, "x", 1, buf, sizeof(buf), &count, &more), 0);
		assert_int_equal(count, 0);
		assert_int_equal(bfs_meta_haschild(f->m, path, n), 0);
	}
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

/* find_all - run a find over @top with @filter in pages of @cap bytes; the paths found (in key
 * order, ',' separated) go to @out. Return the number of pages. */
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
			/* strictly increasing keys */
			if (prevlen) {
				int cmp = memcmp(prevkey, key, prevlen < kl ? prevlen : kl);

				assert_true(cmp < 0 || (cmp == 0 && prevlen < kl));
			}
			memcpy(prevkey, key, kl);
			prevlen = kl;
			assert_true(bfs_path_from_key(key, kl, path, sizeof(path)) > 0);
			snprintf(out + ol, outcap - ol, "%s%s", ol ? "," : "", path);
			memcpy(after, key, kl);
			aklen = kl;
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

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_create_lookup), T(test_long_path),        T(test_symlink),
	    T(test_remove),        T(test_setattr),          T(test_put),
	    T(test_readdir_large), T(test_readdir_children), T(test_haschild),
	    T(test_find),          T(test_find_large),       T(test_reopen),
	    T(test_count),         T(test_open_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
