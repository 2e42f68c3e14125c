/*
 * io_listio - list I/O and non-blocking I/O (benchfs_pwritel/preadl, benchfs_ipwritel/ipreadl,
 * benchfs_test/wait), and sharing an open file (benchfs_export/import/frefresh):
 *  - 300 segments of random lengths, given in random order and scattered in memory, written in
 *    one call over many 4 KiB chunks: the file holds them at their offsets and zeros between;
 *    read back in another order and another memory layout;
 *  - reads reaching past the end of file count only the bytes below it and leave the rest of
 *    the buffer as it was; errors: -EBADF, -EINVAL, -EFBIG, -EISDIR, 0 segments;
 *  - 8 non-blocking writes in flight at once, completed by benchfs_test loops and
 *    benchfs_wait; non-blocking reads progressing while a blocking call runs; close waits for
 *    a request in flight, whose result is still collected afterwards;
 *  - one shared file written by every client with interleaved records in one list call each,
 *    each client then reading another's records;
 *  - export/import: client 0 opens, the others open from its description and read its data;
 *    after client 0 shrinks the file, frefresh gives every client the new size;
 *  - byte-range locks (benchfs_lock): an exclusive lock makes another client's F_SETLK fail with
 *    -EAGAIN and its F_SETLKW wait until the unlock; shared locks coexist; disjoint ranges do
 *    not conflict; a write made under the lock is seen whole (size included) by the next holder;
 *    bad arguments give -EINVAL / -EBADF.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define NSEG  300
#define SPAN  (2 << 20) /* segments lie in [0, SPAN) */
#define CHUNK 4096

struct seg {
	uint64_t off, len, mem;
};

static void shuffle(struct seg *s, size_t n, uint64_t *st)
{
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = bt_rand(st) % (i + 1);
		struct seg t = s[i];
		s[i] = s[j];
		s[j] = t;
	}
}

/* Non-overlapping segments with gaps, in random order; memory positions assigned in order. */
static size_t make_segs(struct seg *s, uint64_t *st, uint64_t *end)
{
	uint64_t off = bt_rand(st) % 5000, mem = 0;
	size_t n = 0;

	while (n < NSEG) {
		uint64_t len = 1 + bt_rand(st) % 9000,
		         gap = bt_rand(st) % 3 ? bt_rand(st) % 3000 : 0;
		if (off + len > SPAN)
			break;
		s[n++] = (struct seg){off, len, 0};
		off += len + gap;
	}
	*end = s[n - 1].off + s[n - 1].len;
	shuffle(s, n, st);
	for (size_t i = 0; i < n; i++) {
		s[i].mem = mem;
		mem += s[i].len + 17; /* not contiguous in memory either */
	}
	return n;
}

static void to_iov(const struct seg *s, size_t n, uint8_t *base, struct benchfs_ioseg *v)
{
	for (size_t i = 0; i < n; i++)
		v[i] = (struct benchfs_ioseg){base + s[i].mem, (off_t)s[i].off, s[i].len};
}

static void test_list(const char *path, uint64_t seed)
{
	static struct seg s[NSEG];
	static struct benchfs_ioseg v[NSEG];
	uint64_t st = seed * 7919 + 1, end, total = 0;
	uint8_t *mem = malloc(2 * SPAN), *whole = malloc(SPAN + 100);
	size_t n = make_segs(s, &st, &end);
	int fd = CHECK_OK(benchfs_create(path, O_RDWR | O_TRUNC, 0644, CHUNK));
	struct stat sb;

	for (size_t i = 0; i < n; i++) {
		bt_fill(mem + s[i].mem, s[i].len, s[i].off, seed);
		total += s[i].len;
	}
	to_iov(s, n, mem, v);
	CHECK_RC(benchfs_pwritel(fd, v, n), (long long)total);
	CHECK_OK(benchfs_fstat(fd, &sb));
	CHECK_EQ(sb.st_size, end);

	/* the whole file: each segment's bytes at its offset, zeros elsewhere */
	uint8_t *want = calloc(1, SPAN);
	for (size_t i = 0; i < n; i++)
		bt_fill(want + s[i].off, s[i].len, s[i].off, seed);
	CHECK_RC(benchfs_pread(fd, whole, SPAN + 100, 0), (long long)end);
	CHECK_BYTES(whole, want, end, 0);

	/* read back in another order, into another layout */
	shuffle(s, n, &st);
	for (size_t i = 0, m = 0; i < n; i++) {
		s[i].mem = m;
		m += s[i].len + 5;
	}
	memset(mem, 0xa5, 2 * SPAN);
	to_iov(s, n, mem, v);
	CHECK_RC(benchfs_preadl(fd, v, n), (long long)total);
	for (size_t i = 0; i < n; i++)
		CHECK_PATTERN(mem + s[i].mem, s[i].len, s[i].off, seed);

	/* past the end: only bytes below it count; the rest of the buffer is untouched */
	struct benchfs_ioseg past[3] = {
	    {mem, (off_t)(end - 10), 100}, {mem + 200, (off_t)end, 50}, {mem + 300, 0, 7}};
	memset(mem, 0xa5, 400);
	CHECK_RC(benchfs_preadl(fd, past, 3), 10 + 7);
	CHECK_BYTES(mem, want + end - 10, 10, end - 10);
	CHECK_EQ(mem[10], 0xa5);
	CHECK_EQ(mem[200], 0xa5);
	CHECK_BYTES(mem + 300, want, 7, 0);

	/* errors */
	struct benchfs_ioseg neg = {mem, -1, 10}, huge = {mem, BENCHFS_FILE_MAX - 5, 10};
	CHECK_RC(benchfs_pwritel(fd, &neg, 1), -EINVAL);
	CHECK_RC(benchfs_preadl(fd, &neg, 1), -EINVAL);
	CHECK_RC(benchfs_pwritel(fd, &huge, 1), -EFBIG);
	CHECK_RC(benchfs_pwritel(fd, v, 0), 0);
	CHECK_RC(benchfs_preadl(fd, NULL, 0), 0);
	CHECK_RC(benchfs_pwritel(-1, v, 1), -EBADF);
	CHECK_RC(benchfs_pwritel(fd, NULL, 1), -EINVAL);
	CHECK_OK(benchfs_close(fd));
	fd = CHECK_OK(benchfs_open(path, O_RDONLY, 0));
	CHECK_RC(benchfs_pwritel(fd, v, 1), -EBADF);
	benchfs_request_t *r = (benchfs_request_t *)1;
	CHECK_RC(benchfs_ipwritel(fd, v, 1, &r), -EBADF);
	CHECK(r == NULL);
	CHECK_OK(benchfs_close(fd));
	char dir[80];
	snprintf(dir, sizeof(dir), "%s.dir", path);
	CHECK_OK(benchfs_mkdir(dir, 0755));
	fd = CHECK_OK(benchfs_open(dir, O_RDONLY, 0));
	CHECK_RC(benchfs_preadl(fd, v, 1), -EISDIR);
	CHECK_OK(benchfs_close(fd));
	free(want);
	free(mem);
	free(whole);
}

static void test_nonblocking(const char *path, uint64_t seed)
{
	enum { NREQ = 8, LEN = 300000 };
	uint8_t *buf = malloc(NREQ * LEN), *back = malloc(NREQ * LEN);
	benchfs_request_t *req[NREQ];
	int fd = CHECK_OK(benchfs_create(path, O_RDWR | O_TRUNC, 0644, 65536));
	ssize_t res;
	int left;

	bt_fill(buf, NREQ * LEN, 0, seed);
	for (int i = 0; i < NREQ; i++) {
		struct benchfs_ioseg v = {buf + (size_t)i * LEN, (off_t)i * LEN, LEN};
		CHECK_RC(benchfs_ipwritel(fd, &v, 1, &req[i]), 0);
	}
	/* half completed by test loops, half by wait */
	for (left = NREQ / 2; left > 0;)
		for (int i = 0; i < NREQ / 2; i++) {
			int t;
			if (!req[i])
				continue;
			t = benchfs_test(req[i], &res);
			CHECK(t == 0 || t == 1);
			if (t == 1) {
				CHECK_RC(res, LEN);
				req[i] = NULL;
				left--;
			}
			benchfs_progress();
		}
	for (int i = NREQ / 2; i < NREQ; i++)
		CHECK_RC(benchfs_wait(req[i]), LEN);

	/* reads in flight while blocking calls run */
	memset(back, 0, NREQ * LEN);
	for (int i = 0; i < NREQ; i++) {
		struct benchfs_ioseg v = {back + (size_t)i * LEN, (off_t)i * LEN, LEN};
		CHECK_RC(benchfs_ipreadl(fd, &v, 1, &req[i]), 0);
	}
	struct stat sb;
	CHECK_OK(benchfs_fstat(fd, &sb));
	CHECK_EQ(sb.st_size, NREQ * LEN);
	for (int i = NREQ - 1; i >= 0; i--)
		CHECK_RC(benchfs_wait(req[i]), LEN);
	CHECK_PATTERN(back, NREQ * LEN, 0, seed);

	/* close waits for the request; its result is collected after */
	struct benchfs_ioseg v = {buf, NREQ * LEN, NREQ * LEN};
	CHECK_RC(benchfs_ipwritel(fd, &v, 1, &req[0]), 0);
	CHECK_OK(benchfs_close(fd));
	CHECK_RC(benchfs_wait(req[0]), NREQ * LEN);
	fd = CHECK_OK(benchfs_open(path, O_RDONLY, 0));
	memset(back, 0, NREQ * LEN);
	CHECK_RC(benchfs_pread(fd, back, NREQ * LEN, NREQ * LEN), NREQ * LEN);
	CHECK_PATTERN(back, NREQ * LEN, 0, seed);
	CHECK_OK(benchfs_close(fd));
	CHECK_RC(benchfs_test(NULL, &res), -EINVAL);
	free(buf);
	free(back);
}

/* Every client writes records rank, rank + n, rank + 2n, ... of a shared file in one call. */
static void test_shared(void)
{
	enum { REC = 1000, NREC = 64 };
	struct benchfs_ioseg v[NREC];
	uint8_t *buf = malloc(REC * NREC);
	const uint64_t seed = 4242;
	int fd, other = (bt_rank + 1) % bt_size;

	if (bt_rank == 0)
		CHECK_OK(benchfs_close(CHECK_OK(benchfs_create("/shared", O_RDWR, 0644, CHUNK))));
	MPI_Barrier(bt_comm);
	fd = CHECK_OK(benchfs_open("/shared", O_RDWR, 0));
	for (int i = 0; i < NREC; i++) {
		uint64_t off = ((uint64_t)i * (uint64_t)bt_size + (uint64_t)bt_rank) * REC;
		bt_fill(buf + i * REC, REC, off, seed);
		v[i] = (struct benchfs_ioseg){buf + i * REC, (off_t)off, REC};
	}
	CHECK_RC(benchfs_pwritel(fd, v, NREC), REC * NREC);
	CHECK_OK(benchfs_fsync(fd));
	MPI_Barrier(bt_comm);
	memset(buf, 0, REC * NREC);
	for (int i = 0; i < NREC; i++)
		v[i].offset = (off_t)(((uint64_t)i * (uint64_t)bt_size + (uint64_t)other) * REC);
	CHECK_RC(benchfs_preadl(fd, v, NREC), REC * NREC);
	for (int i = 0; i < NREC; i++)
		CHECK_PATTERN(buf + i * REC, REC, (uint64_t)v[i].offset, seed);
	CHECK_OK(benchfs_close(fd));
	free(buf);
}

static void test_export(void)
{
	char desc[BENCHFS_EXPORT_MAX];
	uint8_t buf[10000];
	int len = 0, fd = -1;
	struct stat sb;

	if (bt_rank == 0) {
		fd = CHECK_OK(benchfs_create("/exported", O_RDWR | O_TRUNC, 0600, CHUNK));
		bt_fill(buf, sizeof(buf), 0, 99);
		CHECK_RC(benchfs_pwrite(fd, buf, sizeof(buf), 0), (long long)sizeof(buf));
		CHECK_OK(benchfs_fsync(fd));
		CHECK_RC(benchfs_export(fd, desc, 10), -ERANGE);
		len = (int)CHECK_OK(benchfs_export(fd, desc, sizeof(desc)));
	}
	MPI_Bcast(&len, 1, MPI_INT, 0, bt_comm);
	MPI_Bcast(desc, len, MPI_BYTE, 0, bt_comm);
	if (bt_rank != 0) {
		CHECK_RC(benchfs_import(desc, 3, O_RDONLY), -EINVAL);
		fd = CHECK_OK(benchfs_import(desc, (size_t)len, O_RDWR));
		memset(buf, 0, sizeof(buf));
		CHECK_RC(benchfs_pread(fd, buf, sizeof(buf), 0), (long long)sizeof(buf));
		CHECK_PATTERN(buf, sizeof(buf), 0, 99);
		/* this client writes past the end, unpublished */
		CHECK_RC(benchfs_pwrite(fd, buf, 10, 20000), 10);
	}
	MPI_Barrier(bt_comm);
	if (bt_rank == 0)
		CHECK_OK(benchfs_ftruncate(fd, 5000));
	MPI_Barrier(bt_comm);
	if (bt_rank != 0)
		CHECK_OK(benchfs_frefresh(fd));
	CHECK_OK(benchfs_fstat(fd, &sb));
	CHECK_EQ(sb.st_size, 5000);
	CHECK_RC(benchfs_pread(fd, buf, sizeof(buf), 0), 5000);
	CHECK_OK(benchfs_close(fd));
	MPI_Barrier(bt_comm);
	if (bt_rank == 0) {
		CHECK_OK(benchfs_stat("/exported", &sb));
		CHECK_EQ(sb.st_size, 5000);
	}
	CHECK_RC(benchfs_frefresh(-1), -EBADF);
}

static void test_locks(void)
{
	uint8_t buf[3000];
	int fd, flag = 0;

	if (bt_rank == 0)
		CHECK_OK(
		    benchfs_close(CHECK_OK(benchfs_create("/locked", O_RDWR | O_TRUNC, 0644, 0))));
	MPI_Barrier(bt_comm);
	fd = CHECK_OK(benchfs_open("/locked", O_RDWR, 0));
	CHECK_RC(benchfs_lock(fd, 99, F_WRLCK, 0, 10), -EINVAL);
	CHECK_RC(benchfs_lock(fd, F_SETLK, 99, 0, 10), -EINVAL);
	CHECK_RC(benchfs_lock(fd, F_SETLK, F_WRLCK, -1, 10), -EINVAL);
	CHECK_RC(benchfs_lock(-1, F_SETLK, F_WRLCK, 0, 10), -EBADF);
	if (bt_rank == 0) {
		CHECK_RC(benchfs_lock(fd, F_SETLKW, F_WRLCK, 0, 0), 0);
		bt_fill(buf, sizeof(buf), 0, 5);
		CHECK_RC(benchfs_pwrite(fd, buf, sizeof(buf), 0), (long long)sizeof(buf));
	}
	MPI_Barrier(bt_comm);
	if (bt_rank == 1) {
		CHECK_RC(benchfs_lock(fd, F_SETLK, F_RDLCK, 100, 10), -EAGAIN);
		flag = 1;
		MPI_Send(&flag, 1, MPI_INT, 0, 0, bt_comm); /* tell 0 to unlock, then wait for it */
		CHECK_RC(benchfs_lock(fd, F_SETLKW, F_WRLCK, 0, 0), 0);
		/* under the lock: the holder before us wrote and published */
		memset(buf, 0, sizeof(buf));
		CHECK_RC(benchfs_pread(fd, buf, sizeof(buf) + 10, 0), (long long)sizeof(buf));
		CHECK_PATTERN(buf, sizeof(buf), 0, 5);
		CHECK_RC(benchfs_lock(fd, F_SETLKW, F_UNLCK, 0, 0), 0);
	}
	if (bt_rank == 0) {
		MPI_Recv(&flag, 1, MPI_INT, 1, 0, bt_comm, MPI_STATUS_IGNORE);
		CHECK_RC(benchfs_lock(fd, F_SETLKW, F_UNLCK, 0, 0), 0);
	}
	MPI_Barrier(bt_comm);
	/* shared locks coexist, disjoint exclusive ones too */
	CHECK_RC(benchfs_lock(fd, F_SETLK, F_RDLCK, 0, 100), 0);
	MPI_Barrier(bt_comm);
	CHECK_RC(benchfs_lock(fd, F_SETLK, F_WRLCK, 1000 + 100 * bt_rank, 100), 0);
	MPI_Barrier(bt_comm);
	if (bt_rank == 0 && bt_size > 1)
		CHECK_RC(benchfs_lock(fd, F_SETLK, F_WRLCK, 0, 10), -EAGAIN);
	MPI_Barrier(bt_comm);
	CHECK_RC(benchfs_lock(fd, F_SETLKW, F_UNLCK, 0, 0), 0);
	CHECK_OK(benchfs_close(fd));
}

int main(int argc, char **argv)
{
	char path[64];

	bt_start(&argc, &argv);
	snprintf(path, sizeof(path), "/list.%d", bt_rank);
	test_list(path, 11 + (uint64_t)bt_rank);
	bt_note("list I/O: done");
	snprintf(path, sizeof(path), "/nb.%d", bt_rank);
	test_nonblocking(path, 23 + (uint64_t)bt_rank);
	bt_note("non-blocking: done");
	test_shared();
	bt_note("shared file: done");
	test_export();
	bt_note("export/import: done");
	test_locks();
	bt_note("locks: done");
	return bt_finish();
}
