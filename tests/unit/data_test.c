/*
 * data_test.c - unit tests of src/server/data.c (the chunk store), each case run on both stores:
 * object files in a directory of the file system holding /var/tmp (a disk, so write-behind is
 * on) and the memory store (BENCHFS_STORE=memory, src/server/mem.c). Bytes read back equal
 * bytes written through every path (done at once, through io_uring, with write-behind started
 * every 64 KiB); holes and missing objects read as zeros or short; fsync, truncate and purge;
 * the memory store's in-place transfers, its limit (ENOSPC) and memory kept alive by them.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
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

#include "server/data.h"
#include "server/mem.h"
#include "unit_tmp.h"

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

/* The memory store, limited to 8 blocks. */
static int setup_mem(void **state)
{
	int rc;

	setenv("BENCHFS_STORE", "memory", 1);
	setenv("BENCHFS_STORE_MAX", "8M", 1);
	rc = setup(state);
	unsetenv("BENCHFS_STORE");
	return rc;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	bfs_data_close(f->d);
	unit_rmtree(f->dir);
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
	assert_int_equal(c.writebacks, bfs_data_volatile(f->d) ? 0 : 8);
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

/* More objects than the memory store's hash tables start with (1024: they grow), within its
 * 8 MiB limit (4 KiB each): each reads back its own bytes. */
static void test_many_objects(void **state)
{
	struct fixture *f = *state;
	uint64_t v;

	for (uint64_t i = 0; i < 1500; i++) {
		v = INO + 100 + i;
		queued(f, bfs_data_write(f->d, INO + 100 + i, &v, sizeof(v), i % 512 * 8, NULL));
		drain(f);
		assert_int_equal(f->last, sizeof(v));
	}
	for (uint64_t i = 0; i < 1500; i++) {
		v = 0;
		queued(f, bfs_data_read(f->d, INO + 100 + i, &v, sizeof(v), i % 512 * 8, NULL));
		drain(f);
		assert_int_equal(f->last, sizeof(v));
		assert_int_equal(v, INO + 100 + i);
	}
}

/* The memory store's in-place transfers: what reads see while a write is being placed, a
 * failed one, memory kept valid across a purge, and the store's limit. */
static void test_placed(void **state)
{
	struct fixture *f = *state;
	struct bfs_store_hold *w, *r, *more[8];
	unsigned char *dst, buf[4096];
	const unsigned char *src;
	size_t n;
	int err;

	assert_true(bfs_data_volatile(f->d));

	/* a whole new block being placed reads as zeros (its memory may hold old bytes) */
	dst = bfs_data_write_begin(f->d, INO, BFS_MEM_BLOCK, 0, &w, &err);
	assert_non_null(dst);
	assert_int_equal(err, 0);
	memset(dst, 0x77, BFS_MEM_BLOCK);
	bfs_data_write_end(f->d, w, BFS_MEM_BLOCK, 0, 0); /* the transfer failed */
	queued(f, bfs_data_read(f->d, INO, buf, sizeof(buf), 0, NULL));
	drain(f);
	assert_int_equal(f->last, 0); /* nothing was written: the object is still empty */

	/* placed again, completed: read back in place and by copy */
	dst = bfs_data_write_begin(f->d, INO, 8192, 4096, &w, &err);
	assert_non_null(dst);
	memset(dst, 0x42, 8192);
	bfs_data_write_end(f->d, w, 8192, 4096, 1);
	src = bfs_data_read_begin(f->d, INO, 1 << 20, 0, &n, &r);
	assert_non_null(src);
	assert_int_equal(n, 4096 + 8192); /* stops at the object's size */
	assert_int_equal(src[0], 0);      /* before the write: zeros, not the failed bytes */
	assert_int_equal(src[4095], 0);
	assert_int_equal(src[4096], 0x42);
	assert_int_equal(src[n - 1], 0x42);

	/* purged while a reply is being sent from it: the memory stays valid until released */
	assert_int_equal(bfs_data_purge(f->d, INO), 0);
	assert_int_equal(src[4096], 0x42);
	bfs_data_read_end(f->d, r);
	queued(f, bfs_data_read(f->d, INO, buf, sizeof(buf), 0, NULL));
	drain(f);
	assert_int_equal(f->last, 0);

	/* a small object's block grows (moves) while a reply is sent from it: the bytes being
	 * sent stay valid, and the grown block holds old and new bytes, zeros between */
	queued(f, bfs_data_write(f->d, INO + 3, "abc", 3, 0, NULL));
	drain(f);
	src = bfs_data_read_begin(f->d, INO + 3, 100, 0, &n, &r);
	assert_non_null(src);
	assert_int_equal(n, 3);
	memset(buf, 0x11, sizeof(buf));
	queued(f, bfs_data_write(f->d, INO + 3, buf, sizeof(buf), 8192, NULL));
	drain(f);
	assert_memory_equal(src, "abc", 3);
	bfs_data_read_end(f->d, r);
	memset(buf, 0xee, sizeof(buf));
	queued(f, bfs_data_read(f->d, INO + 3, buf, sizeof(buf), 0, NULL));
	drain(f);
	assert_int_equal(f->last, sizeof(buf));
	assert_memory_equal(buf, "abc", 3);
	assert_int_equal(buf[3], 0);
	assert_int_equal(buf[4095], 0);
	queued(f, bfs_data_read(f->d, INO + 3, buf, sizeof(buf), 8192, NULL));
	drain(f);
	assert_int_equal(buf[0], 0x11);
	assert_int_equal(bfs_data_purge(f->d, INO + 3), 0);

	/* a range across two blocks is not placed; the 8 MiB limit gives ENOSPC */
	assert_null(bfs_data_write_begin(f->d, INO, 8192, BFS_MEM_BLOCK - 4096, &w, &err));
	assert_int_equal(err, 0);
	for (int i = 0; i < 8; i++) {
		dst = bfs_data_write_begin(f->d, INO + 1, BFS_MEM_BLOCK,
		                           (uint64_t)i * BFS_MEM_BLOCK, &more[i], &err);
		assert_non_null(dst);
		memset(dst, 0x55, BFS_MEM_BLOCK);
		bfs_data_write_end(f->d, more[i], BFS_MEM_BLOCK, (uint64_t)i * BFS_MEM_BLOCK, 1);
	}
	assert_null(bfs_data_write_begin(f->d, INO + 1, 100, 8ull * BFS_MEM_BLOCK, &w, &err));
	assert_int_equal(err, -ENOSPC);
	assert_int_equal(bfs_data_write(f->d, INO + 2, buf, 1, 0, NULL), -ENOSPC);
	/* space comes back with a purge (the freed blocks kept for reuse give way) */
	assert_int_equal(bfs_data_purge(f->d, INO + 1), 0);
	queued(f, bfs_data_write(f->d, INO + 2, buf, 1, 0, NULL));
	drain(f);
	assert_int_equal(f->last, 1);
	/* seven blocks still fit beside that small object, an eighth does not; memory recycled
	 * from the purged object reads as zeros where the new one did not write */
	for (int i = 0; i < 7; i++) {
		dst = bfs_data_write_begin(f->d, INO + 4, 100, (uint64_t)i * BFS_MEM_BLOCK,
		                           &more[i], &err);
		assert_non_null(dst);
		memset(dst, 0x77, 100);
		bfs_data_write_end(f->d, more[i], 100, (uint64_t)i * BFS_MEM_BLOCK, 1);
	}
	assert_null(bfs_data_write_begin(f->d, INO + 4, 100, 7ull * BFS_MEM_BLOCK, &w, &err));
	assert_int_equal(err, -ENOSPC);
	memset(buf, 0xee, sizeof(buf));
	queued(f, bfs_data_read(f->d, INO + 4, buf, sizeof(buf), 6ull * BFS_MEM_BLOCK, NULL));
	drain(f);
	assert_int_equal(f->last, 100);
	assert_int_equal(buf[99], 0x77);
	queued(f, bfs_data_read(f->d, INO + 4, buf, sizeof(buf), 0, NULL));
	drain(f);
	assert_int_equal(f->last, sizeof(buf));
	assert_int_equal(buf[0], 0x77);
	assert_int_equal(buf[100], 0);
	assert_int_equal(buf[sizeof(buf) - 1], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_write_read_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_holes_and_missing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_truncate_purge, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_many_objects, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_write_read_back, setup_mem, teardown),
	    cmocka_unit_test_setup_teardown(test_holes_and_missing, setup_mem, teardown),
	    cmocka_unit_test_setup_teardown(test_truncate_purge, setup_mem, teardown),
	    cmocka_unit_test_setup_teardown(test_many_objects, setup_mem, teardown),
	    cmocka_unit_test_setup_teardown(test_placed, setup_mem, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
