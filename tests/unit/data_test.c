/*
 * data_test.c - unit tests of src/server/data.c (the chunk store) on a real directory of the
 * file system holding /var/tmp (a disk, so write-behind is on): bytes read back equal bytes
 * written through both paths (done at once and through io_uring), with write-behind started
 * every 64 KiB; holes and missing objects read as zeros or short; fsync, truncate and purge.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
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

#include "server/data.h"

#define INO   0x0001000000000007ull
#define TOTAL (3 * 1024 * 1024 + 4321) /* bytes written to the object */

struct fixture {
	char dir[64]; /* mkdtemp directory holding the store, removed at teardown */
	struct bfs_data *d;
	int pending; /* operations queued whose callback has not come (a write done at once calls
	              * back before it returns) */
	int last;    /* result of the last callback */
	int failed;  /* a callback reported an error */
};

static struct fixture *cur;

static void on_done(void *user, int res)
{
	(void)user;
	cur->pending--;
	cur->last = res;
	if (res < 0)
		cur->failed = 1;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->dir, "/var/tmp/data_test.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	/* writes over 16 KiB go through io_uring; writeback starts every 64 KiB written */
	setenv("BENCHFS_INLINE_IO", "16384", 1);
	setenv("BENCHFS_WRITE_BEHIND", "65536", 1);
	cur = f;
	if (bfs_data_open(&f->d, f->dir, 8, on_done) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	bfs_data_close(f->d);
	nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* Drive the ring until every queued operation has called back. */
static void drain(struct fixture *f)
{
	while (f->pending || bfs_data_inflight(f->d)) {
		bfs_data_submit(f->d);
		bfs_data_reap(f->d);
	}
}

static void queued(struct fixture *f, int rc)
{
	assert_int_equal(rc, 0);
	f->pending++;
}

/* pattern byte of file offset @off */
static unsigned char pat(uint64_t off)
{
	return (unsigned char)(off * 131 + (off >> 12) * 7 + 1);
}

static void test_write_read_back(void **state)
{
	struct fixture *f = *state;
	unsigned char *src = malloc(TOTAL), *dst = malloc(TOTAL + 100);
	size_t sizes[] = {1, 4096, 16384, 16385, 65536, 1 << 20, 100000, 7};
	size_t off = 0;

	assert_non_null(src);
	assert_non_null(dst);
	for (size_t i = 0; i < TOTAL; i++)
		src[i] = pat(i);
	/* a run of writes of every size class, several in flight at once */
	for (unsigned k = 0; off < TOTAL; k++) {
		size_t n = sizes[k % 8];
		if (n > TOTAL - off)
			n = TOTAL - off;
		queued(f, bfs_data_write(f->d, INO, src + off, n, off, NULL));
		off += n;
		if (k % 4 == 3)
			drain(f);
	}
	drain(f);
	assert_false(f->failed);
	queued(f, bfs_data_fsync(f->d, INO, NULL));
	drain(f);
	assert_int_equal(f->last, 0);

	/* whole object back, asking past its end: short by exactly that much */
	memset(dst, 0xee, TOTAL + 100);
	queued(f, bfs_data_read(f->d, INO, dst, TOTAL + 100, 0, NULL));
	drain(f);
	assert_int_equal(f->last, TOTAL);
	assert_memory_equal(dst, src, TOTAL);

	/* a small read in the middle (done at once) */
	queued(f, bfs_data_read(f->d, INO, dst, 5000, 1234567, NULL));
	drain(f);
	assert_int_equal(f->last, 5000);
	assert_memory_equal(dst, src + 1234567, 5000);

	/* writeback starts after each write that brings the object's unflushed bytes to 64 KiB:
	 * each 1 MiB, 100 000-byte and 64 KiB write did, 3 per round of sizes, 2.6 rounds */
	struct bfs_data_counters c;
	bfs_data_counters(f->d, &c, 0);
	assert_int_equal(c.writebacks, 8);
	free(src);
	free(dst);
}

static void test_holes_and_missing(void **state)
{
	struct fixture *f = *state;
	unsigned char buf[8192], zero[4096] = {0};

	/* no object for this inode: a read gives 0 bytes, fsync succeeds */
	queued(f, bfs_data_read(f->d, INO + 1, buf, sizeof(buf), 0, NULL));
	drain(f);
	assert_int_equal(f->last, 0);
	queued(f, bfs_data_fsync(f->d, INO + 1, NULL));
	drain(f);
	assert_int_equal(f->last, 0);

	/* a write at 1 MiB leaves a hole before it that reads as zeros */
	memset(buf, 0x5a, 4096);
	queued(f, bfs_data_write(f->d, INO, buf, 4096, 1 << 20, NULL));
	drain(f);
	assert_int_equal(f->last, 4096);
	memset(buf, 0xee, sizeof(buf));
	queued(f, bfs_data_read(f->d, INO, buf, sizeof(buf), (1 << 20) - 4096, NULL));
	drain(f);
	assert_int_equal(f->last, 8192);
	assert_memory_equal(buf, zero, 4096);
	assert_int_equal(buf[4096], 0x5a);
	assert_int_equal(buf[8191], 0x5a);
}

static void test_truncate_purge(void **state)
{
	struct fixture *f = *state;
	unsigned char buf[100000];

	memset(buf, 0x33, sizeof(buf));
	queued(f, bfs_data_write(f->d, INO, buf, sizeof(buf), 0, NULL));
	drain(f);
	assert_int_equal(bfs_data_truncate(f->d, INO, 1000), 0);
	queued(f, bfs_data_read(f->d, INO, buf, sizeof(buf), 0, NULL));
	drain(f);
	assert_int_equal(f->last, 1000);
	/* truncating up does not extend the object; a missing one is fine */
	assert_int_equal(bfs_data_truncate(f->d, INO, 5000), 0);
	assert_int_equal(bfs_data_truncate(f->d, INO + 2, 0), 0);

	assert_int_equal(bfs_data_purge(f->d, INO), 0);
	assert_int_equal(bfs_data_purge(f->d, INO), 0); /* again: already gone */
	queued(f, bfs_data_read(f->d, INO, buf, sizeof(buf), 0, NULL));
	drain(f);
	assert_int_equal(f->last, 0);
	assert_int_equal(bfs_data_sync_all(f->d), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_write_read_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_holes_and_missing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_truncate_purge, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
