/*
 * inline_file - small files whose data lives in their metadata record (BENCHFS_FL_INLINE) read
 * and write as any file, and keep their bytes when they outgrow the record: reads at every
 * offset, holes, truncate down and up, a write across the inline limit (the data moves to the
 * chunk servers, also under another client's readers and descriptors opened before), truncate
 * past the limit, rename, unlink and create again, O_TRUNC, list I/O (blocking and not), other
 * clients writing disjoint ranges of one inline file, through their own opens and through
 * descriptors imported from one client's export (MPI-IO's way: these wrote to chunks behind
 * the record's back before the export carried the inline mark), benchfs_create_file (a whole
 * file in one request: bytes, mode, times, errors; past the limit the long way) and
 * benchfs_icreate_file (many in flight, each error delivered to its own request),
 * benchfs_read_file (a whole file in one call). With
 * BENCHFS_INLINE_MAX=0 in the environment nothing is inline and the same bytes must come back.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define CHUNK (1u << 20)
#define SMALL 3901 /* mdtest-hard's file size */
#define BIG   200000u

static uint64_t limit; /* the servers' inline limit, bytes (0: nothing inline) */
static uint8_t buf[2 * BIG], ref[2 * BIG];

static unsigned flags_of(const char *path)
{
	struct stat sb;
	unsigned fl = 0xffu;

	CHECK_RC(benchfs_lstat_flags(path, &sb, &fl), 0);
	return fl;
}

/* @path is inline exactly when @want and the servers keep anything inline. */
#define CHECK_INLINE(path, want)                                                                   \
	CHECK_EQ((flags_of(path) & BENCHFS_FL_INLINE) != 0, (want) && limit > 0)

/* The file holds @ref's first @size bytes: whole, and in 97-byte pieces at every offset. */
static void check_file(const char *path, uint64_t size, int every)
{
	struct stat sb;
	int fd;

	CHECK_RC(benchfs_stat(path, &sb), 0);
	CHECK_EQ(sb.st_size, size);
	fd = (int)CHECK_OK(benchfs_open(path, O_RDONLY, 0));
	memset(buf, 0xa5, size + 10);
	CHECK_RC(benchfs_pread(fd, buf, size + 10, 0), (long long)size);
	CHECK_BYTES(buf, ref, size, 0);
	for (uint64_t off = 0; every && off <= size; off++) {
		long long want = (long long)(size - off < 97 ? size - off : 97);
		if (benchfs_pread(fd, buf, 97, (off_t)off) != want ||
		    bt_cmp(buf, ref + off, (size_t)want) >= 0) {
			CHECK_RC(benchfs_pread(fd, buf, 97, (off_t)off), want);
			CHECK_BYTES(buf, ref + off, (size_t)want, off);
			break;
		}
	}
	CHECK_RC(benchfs_close(fd), 0);
}

/* Write @len bytes of the pattern @seed at @off through @fd, into @ref too. */
static void put(int fd, uint64_t off, size_t len, uint64_t seed)
{
	bt_fill(ref + off, len, off, seed);
	CHECK_RC(benchfs_pwrite(fd, ref + off, len, (off_t)off), (long long)len);
}

int main(int argc, char **argv)
{
	char dir[64], a[80], e[80], f[80], g[80], h[80], other[80];
	const char *env;
	uint64_t seed;
	int fd, fd2;

	bt_start(&argc, &argv);
	env = getenv("BENCHFS_INLINE_MAX");
	limit = env ? strtoull(env, NULL, 0) : 64 * 1024;
	seed = 700 + (uint64_t)bt_rank;
	snprintf(dir, sizeof(dir), "/r%d", bt_rank);
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(e, sizeof(e), "%s/e", dir);
	snprintf(f, sizeof(f), "%s/f", dir);
	snprintf(g, sizeof(g), "%s/g", dir);
	snprintf(h, sizeof(h), "%s/h", dir);
	snprintf(other, sizeof(other), "/r%d/a", (bt_rank + 1) % bt_size);
	CHECK_RC(benchfs_mkdir(dir, 0755), 0);

	/* 1. a small file: inline, read back whole and at every offset */
	fd = (int)CHECK_OK(benchfs_create(a, O_RDWR | O_CREAT | O_EXCL, 0644, CHUNK));
	put(fd, 0, SMALL, seed);
	CHECK_RC(benchfs_close(fd), 0);
	CHECK_INLINE(a, 1);
	check_file(a, SMALL, 1);

	/* 2. a hole inside the record reads as zeros */
	fd = (int)CHECK_OK(benchfs_open(a, O_WRONLY, 0));
	memset(ref + SMALL, 0, 20000 - SMALL);
	put(fd, 20000, 100, seed + 1);
	CHECK_RC(benchfs_close(fd), 0);
	CHECK_INLINE(a, 1);
	check_file(a, 20100, 0);

	/* 3. truncate down drops the bytes, truncate up brings zeros, not them */
	CHECK_RC(benchfs_truncate(a, 1000), 0);
	check_file(a, 1000, 0);
	CHECK_RC(benchfs_truncate(a, 30000), 0);
	memset(ref + 1000, 0, 29000);
	check_file(a, 30000, 0);
	fd = (int)CHECK_OK(benchfs_open(a, O_RDWR, 0));
	CHECK_RC(benchfs_ftruncate(fd, 2000), 0);
	CHECK_RC(benchfs_close(fd), 0);
	check_file(a, 2000, 0);
	CHECK_INLINE(a, 1);

	/* 4. a write across the limit moves the data; a descriptor opened before still reads */
	fd2 = (int)CHECK_OK(benchfs_open(a, O_RDONLY, 0));
	fd = (int)CHECK_OK(benchfs_open(a, O_WRONLY, 0));
	memset(ref + 2000, 0, 64 * 1024);
	put(fd, 64 * 1024 - 50, 100, seed + 2);
	CHECK_RC(benchfs_close(fd), 0);
	CHECK_INLINE(a, 0);
	check_file(a, 64 * 1024 + 50, 1);
	memset(buf, 0xa5, 64 * 1024 + 60);
	CHECK_RC(benchfs_pread(fd2, buf, 64 * 1024 + 60, 0), 64 * 1024 + 50);
	CHECK_BYTES(buf, ref, 64 * 1024 + 50, 0);
	CHECK_RC(benchfs_close(fd2), 0);

	/* 5. truncate of an inline file past the limit */
	fd = (int)CHECK_OK(benchfs_create(e, O_RDWR | O_CREAT | O_EXCL, 0644, CHUNK));
	put(fd, 0, 10, seed + 3);
	CHECK_RC(benchfs_close(fd), 0);
	CHECK_RC(benchfs_truncate(e, 2 * 64 * 1024), 0);
	CHECK_INLINE(e, 0);
	memset(ref + 10, 0, 2 * 64 * 1024);
	check_file(e, 2 * 64 * 1024, 0);

	/* 6. rename keeps the bytes (the record moves servers: the data goes to chunks) */
	fd = (int)CHECK_OK(benchfs_create(f, O_RDWR | O_CREAT | O_EXCL, 0644, CHUNK));
	put(fd, 0, 5000, seed + 4);
	CHECK_RC(benchfs_close(fd), 0);
	CHECK_RC(benchfs_rename(f, g), 0);
	check_file(g, 5000, 0);
	CHECK_RC(benchfs_open(f, O_RDONLY, 0), -ENOENT);

	/* 7. unlink, create again: the new file has none of the old bytes */
	fd = (int)CHECK_OK(benchfs_create(h, O_RDWR | O_CREAT | O_EXCL, 0644, CHUNK));
	put(fd, 0, 2000, seed + 5);
	CHECK_RC(benchfs_close(fd), 0);
	CHECK_RC(benchfs_unlink(h), 0);
	fd = (int)CHECK_OK(benchfs_create(h, O_RDWR | O_CREAT | O_EXCL, 0644, CHUNK));
	put(fd, 0, 100, seed + 6);
	CHECK_RC(benchfs_close(fd), 0);
	check_file(h, 100, 0);

	/* 8. O_TRUNC empties it; then list I/O, blocking and not */
	fd = (int)CHECK_OK(benchfs_open(h, O_RDWR | O_TRUNC, 0));
	{
		struct benchfs_ioseg segs[3] = {
		    {ref, 0, 300}, {ref + 1000, 1000, 200}, {ref + 4000, 4000, 50}};
		benchfs_request_t *req;
		ssize_t res = -1;

		bt_fill(ref, 4050, 0, seed + 7);
		memset(ref + 300, 0, 700);
		memset(ref + 1200, 0, 2800);
		CHECK_RC(benchfs_pwritel(fd, segs, 2), 500);
		CHECK_RC(benchfs_ipwritel(fd, segs + 2, 1, &req), 0);
		CHECK_RC(benchfs_wait(req), 50);
		struct benchfs_ioseg rd[2] = {{buf, 0, 2000}, {buf + 2000, 2000, 3000}};
		CHECK_RC(benchfs_ipreadl(fd, rd, 2, &req), 0);
		while (benchfs_test(req, &res) == 0)
			;
		CHECK_RC(res, 4050);
		CHECK_BYTES(buf, ref, 4050, 0);
	}
	CHECK_RC(benchfs_close(fd), 0);
	CHECK_INLINE(h, 1);
	check_file(h, 4050, 0);

	/* 9. another client's files read back the same (after their migration) */
	MPI_Barrier(bt_comm);
	/* its steps 1-4 left: the pattern up to 1000, zeros, the 100 bytes across the limit */
	bt_fill(ref, 1000, 0, 700 + (uint64_t)((bt_rank + 1) % bt_size));
	memset(ref + 1000, 0, 64 * 1024);
	bt_fill(ref + 64 * 1024 - 50, 100, 64 * 1024 - 50,
	        700 + (uint64_t)((bt_rank + 1) % bt_size) + 2);
	check_file(other, 64 * 1024 + 50, 0);

	/* 10. every client writes its own range of one inline file; all read the whole */
	if (bt_rank == 0) {
		fd = (int)CHECK_OK(
		    benchfs_create("/shared", O_RDWR | O_CREAT | O_EXCL, 0644, CHUNK));
		CHECK_RC(benchfs_close(fd), 0);
	}
	MPI_Barrier(bt_comm);
	fd = (int)CHECK_OK(benchfs_open("/shared", O_WRONLY, 0));
	put(fd, (uint64_t)bt_rank * 1000, 1000, 900 + (uint64_t)bt_rank);
	CHECK_RC(benchfs_close(fd), 0);
	MPI_Barrier(bt_comm);
	for (int r = 0; r < bt_size; r++)
		bt_fill(ref + r * 1000, 1000, (uint64_t)r * 1000, 900 + (uint64_t)r);
	CHECK_INLINE("/shared", 1);
	check_file("/shared", (uint64_t)bt_size * 1000, 0);
	MPI_Barrier(bt_comm);

	/* 11. descriptors imported from another client's export write into the record too */
	{
		char blob[BENCHFS_EXPORT_MAX];
		long long n = 0;

		if (bt_rank == 0) {
			fd = (int)CHECK_OK(
			    benchfs_create("/exported", O_RDWR | O_CREAT | O_EXCL, 0644, CHUNK));
			n = CHECK_OK(benchfs_export(fd, blob, sizeof(blob)));
		}
		MPI_Bcast(&n, 1, MPI_LONG_LONG, 0, bt_comm);
		MPI_Bcast(blob, (int)n, MPI_BYTE, 0, bt_comm);
		if (bt_rank != 0)
			fd = (int)CHECK_OK(benchfs_import(blob, (size_t)n, O_WRONLY));
		put(fd, (uint64_t)bt_rank * 1000, 1000, 950 + (uint64_t)bt_rank);
		CHECK_RC(benchfs_close(fd), 0);
		MPI_Barrier(bt_comm);
		for (int r = 0; r < bt_size; r++)
			bt_fill(ref + r * 1000, 1000, (uint64_t)r * 1000, 950 + (uint64_t)r);
		CHECK_INLINE("/exported", 1);
		check_file("/exported", (uint64_t)bt_size * 1000, 0);
		MPI_Barrier(bt_comm);
	}

	/* 12. benchfs_create_file: a whole file in one call, bytes, mode and times; its errors */
	{
		struct timespec ts[2] = {{1000000000, 111}, {1200000000, 222}};
		char cf[80], big[80];
		struct stat sb;
		unsigned fl = 0;

		snprintf(cf, sizeof(cf), "%s/cf", dir);
		snprintf(big, sizeof(big), "%s/cf-big", dir);
		bt_fill(ref, 70000, 0, seed + 8);
		CHECK_RC(benchfs_create_file(cf, 0640, 0, ref, SMALL, ts), 0);
		CHECK_INLINE(cf, 1);
		check_file(cf, SMALL, 0);
		CHECK_RC(benchfs_lstat_flags(cf, &sb, &fl), 0);
		CHECK_EQ(sb.st_mode, S_IFREG | 0640);
		CHECK_EQ(sb.st_atim.tv_sec, 1000000000);
		CHECK_EQ(sb.st_atim.tv_nsec, 111);
		CHECK_EQ(sb.st_mtim.tv_sec, 1200000000);
		CHECK_EQ(sb.st_mtim.tv_nsec, 222);
		CHECK_EQ(fl & BENCHFS_FL_INCOMPLETE, 0);
		CHECK_RC(benchfs_create_file(cf, 0640, 0, ref, 10, NULL), -EEXIST);
		CHECK_RC(benchfs_create_file("/no-such-dir/x", 0640, 0, ref, 10, NULL), -ENOENT);
		CHECK_RC(benchfs_create_file(a, 0640, 0, ref, 10, NULL), -EEXIST);
		CHECK_RC(benchfs_create_file(cf, 0640, 3000, ref, 10, NULL), -EINVAL);
		/* past the limit: the steps of an open, a write and a close, the mark gone after */
		CHECK_RC(benchfs_create_file(big, 0600, 0, ref, 70000, ts), 0);
		CHECK_INLINE(big, 0);
		check_file(big, 70000, 0);
		CHECK_RC(benchfs_lstat_flags(big, &sb, &fl), 0);
		CHECK_EQ(fl & BENCHFS_FL_INCOMPLETE, 0);
		CHECK_EQ(sb.st_mtim.tv_sec, 1200000000);
		CHECK_RC(benchfs_unlink(big), 0);
		CHECK_RC(benchfs_create_file(big, 0600, 0, NULL, 0, NULL), 0); /* empty */
		check_file(big, 0, 0);
	}

	/* 13. benchfs_icreate_file: many in flight, each request with its own answer */
	{
		char p[8][80];
		benchfs_request_t *req[8], *none;
		ssize_t res;

		for (int k = 0; k < 8; k++)
			snprintf(p[k], sizeof(p[k]), "%s/ic%d", dir, k);
		bt_fill(ref, 70000, 0, seed + 9);
		CHECK_RC(benchfs_create_file(p[3], 0600, 0, ref, 10, NULL), 0); /* will exist */
		for (int k = 0; k < 8; k++) {
			int rc = benchfs_icreate_file(p[k], 0644, 0, ref, k == 6 ? 70000 : 100 * k,
			                              NULL, &req[k]);
			/* the existing one: its answer comes with its request, or at once when it
			 * takes the long way (nothing inline) */
			if (k == 3 && rc == -EEXIST && limit == 0)
				req[k] = NULL;
			else
				CHECK_RC(rc, 0);
		}
		CHECK_RC(benchfs_icreate_file(p[0], 0644, 0, ref, 1, NULL, NULL), -EINVAL);
		CHECK_RC(benchfs_icreate_file("/no-such-dir/x", 0644, 0, ref, 1, NULL, &none),
		         -ENOENT);
		CHECK(none == NULL);
		for (int k = 7; k >= 0; k--) { /* waited for out of order */
			if (!req[k])
				continue;
			if (k % 2) {
				while (benchfs_test(req[k], &res) == 0)
					;
			} else {
				res = benchfs_wait(req[k]);
			}
			CHECK_RC(res, k == 3 ? -EEXIST : 0);
		}
		for (int k = 0; k < 8; k++)
			if (k != 3) {
				check_file(p[k], k == 6 ? 70000 : 100 * (uint64_t)k, 0);
				CHECK_INLINE(p[k], k != 6);
			}
	}

	/* 14. benchfs_read_file: a whole file in one call (one request when inline) */
	{
		char lnk[80];
		struct stat sb;

		snprintf(lnk, sizeof(lnk), "%s/lnk", dir);
		bt_fill(ref, 70000, 0, seed + 10);
		CHECK_RC(benchfs_create_file(f, 0644, 0, ref, 3000, NULL), 0);
		memset(ref + 3000, 0, 2000);
		CHECK_RC(benchfs_truncate(f, 5000), 0); /* zeros past the bytes held */
		memset(buf, 0xa5, 6000);
		CHECK_RC(benchfs_read_file(f, buf, 6000, &sb), 5000);
		CHECK_BYTES(buf, ref, 5000, 0);
		CHECK_EQ(sb.st_size, 5000);
		CHECK(S_ISREG(sb.st_mode));
		CHECK_RC(benchfs_read_file(f, buf, 100, NULL), 100);
		CHECK_BYTES(buf, ref, 100, 0);
		CHECK_RC(benchfs_read_file(f, buf, 0, NULL), 0);
		CHECK_RC(benchfs_read_file(e, buf, sizeof(buf), &sb), 2 * 64 * 1024); /* chunked */
		CHECK_EQ(sb.st_size, 2 * 64 * 1024);
		CHECK_RC(benchfs_read_file(dir, buf, 10, NULL), -EISDIR);
		CHECK_RC(benchfs_read_file("/no-such-file", buf, 10, NULL), -ENOENT);
		CHECK_RC(benchfs_read_file("/no-such-dir/x", buf, 10, NULL), -ENOENT);
		CHECK_RC(benchfs_symlink("f", lnk), 0);
		CHECK_RC(benchfs_read_file(lnk, buf, 10, NULL), -ELOOP);
	}

	/* 15. the data moves while other clients read it: what was written stays readable */
	if (bt_rank == 0) {
		fd = (int)CHECK_OK(
		    benchfs_create("/moving", O_RDWR | O_CREAT | O_EXCL, 0644, CHUNK));
		put(fd, 0, 60000, 1234);
		CHECK_RC(benchfs_close(fd), 0);
	}
	MPI_Barrier(bt_comm);
	if (bt_rank == 0) {
		fd = (int)CHECK_OK(benchfs_open("/moving", O_WRONLY, 0));
		for (uint64_t off = 60000; off < BIG; off += 10000)
			put(fd, off, 10000, 1234);
		CHECK_RC(benchfs_close(fd), 0);
	} else {
		fd = (int)CHECK_OK(benchfs_open("/moving", O_RDONLY, 0));
		for (int i = 0; i < 300; i++) {
			ssize_t n = benchfs_pread(fd, buf, BIG, 0);
			if (n < 60000 || bt_verify(buf, 60000, 0, 1234) >= 0) {
				CHECK(n >= 60000);
				CHECK_PATTERN(buf, 60000, 0, 1234);
				break;
			}
		}
		CHECK_RC(benchfs_close(fd), 0);
	}
	MPI_Barrier(bt_comm);
	bt_fill(ref, BIG, 0, 1234);
	CHECK_INLINE("/moving", 0);
	check_file("/moving", BIG, 0);
	return bt_finish();
}
