/*
 * truncate - benchfs_truncate and benchfs_ftruncate: shrinking inside a chunk and to zero
 * discards the bytes past the new size (growing again or writing beyond reads zeros there, not
 * the old bytes), growing leaves a hole of zeros, and the new size is what stat shows: at once
 * for truncate of a path, after close for ftruncate, on the calling and on other clients.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define CHUNK 4096
#define SIZE  (3 * CHUNK + 500)

static const uint8_t zeros[8 * CHUNK];
static uint8_t buf[8 * CHUNK];

/* The file holds the pattern up to @data, zeros from there to @size. */
static void check_content(const char *path, uint64_t data, uint64_t size, uint64_t seed)
{
	struct stat sb;
	int fd;

	CHECK_RC(benchfs_stat(path, &sb), 0);
	CHECK_EQ(sb.st_size, size);
	fd = (int)CHECK_OK(benchfs_open(path, O_RDONLY, 0));
	memset(buf, 0xa5, sizeof(buf));
	CHECK_RC(benchfs_pread(fd, buf, sizeof(buf), 0), (long long)size);
	CHECK_PATTERN(buf, data, 0, seed);
	CHECK_BYTES(buf + data, zeros, size - data, data);
	CHECK_RC(benchfs_close(fd), 0);
}

int main(int argc, char **argv)
{
	char path[64], opath[64];
	uint64_t seed;
	struct stat sb;
	int fd;

	bt_start(&argc, &argv);
	seed = 500 + (uint64_t)bt_rank;
	snprintf(path, sizeof(path), "/t%d", bt_rank);
	snprintf(opath, sizeof(opath), "/t%d", (bt_rank + 1) % bt_size);

	fd = (int)CHECK_OK(benchfs_create(path, O_RDWR | O_CREAT | O_EXCL, 0644, CHUNK));
	bt_fill(buf, SIZE, 0, seed);
	CHECK_RC(benchfs_pwrite(fd, buf, SIZE, 0), SIZE);
	CHECK_RC(benchfs_close(fd), 0);

	/* 1. truncate(path): shrink into the middle of chunk 1, visible at once everywhere */
	CHECK_RC(benchfs_truncate(path, CHUNK + 100), 0);
	check_content(path, CHUNK + 100, CHUNK + 100, seed);
	MPI_Barrier(bt_comm);
	check_content(opath, CHUNK + 100, CHUNK + 100, 500 + (uint64_t)((bt_rank + 1) % bt_size));
	MPI_Barrier(bt_comm);

	/* 2. grow by truncate: zeros from the old end, no old bytes come back */
	CHECK_RC(benchfs_truncate(path, SIZE + CHUNK), 0);
	check_content(path, CHUNK + 100, SIZE + CHUNK, seed);
	MPI_Barrier(bt_comm);
	check_content(opath, CHUNK + 100, SIZE + CHUNK, 500 + (uint64_t)((bt_rank + 1) % bt_size));
	MPI_Barrier(bt_comm);
	bt_note("truncate shrinks (bytes past the size gone) and grows (zeros), seen by all");

	/* 3. ftruncate to 0, then a write beyond the old end: zeros in between */
	fd = (int)CHECK_OK(benchfs_open(path, O_RDWR, 0));
	CHECK_RC(benchfs_ftruncate(fd, 0), 0);
	CHECK_RC(benchfs_fstat(fd, &sb), 0);
	CHECK_EQ(sb.st_size, 0);
	CHECK_RC(benchfs_pread(fd, buf, 10, 0), 0);
	bt_fill(buf, 10, 2 * CHUNK + 7, seed);
	CHECK_RC(benchfs_pwrite(fd, buf, 10, 2 * CHUNK + 7), 10);
	memset(buf, 0xa5, sizeof(buf));
	CHECK_RC(benchfs_pread(fd, buf, sizeof(buf), 0), 2 * CHUNK + 17);
	CHECK_BYTES(buf, zeros, 2 * CHUNK + 7, 0);
	CHECK_PATTERN(buf + 2 * CHUNK + 7, 10, 2 * CHUNK + 7, seed);
	CHECK_RC(benchfs_close(fd), 0);
	/* the smaller size is what everyone sees, not the larger one the file had before */
	CHECK_RC(benchfs_stat(path, &sb), 0);
	CHECK_EQ(sb.st_size, 2 * CHUNK + 17);
	MPI_Barrier(bt_comm);
	CHECK_RC(benchfs_stat(opath, &sb), 0);
	CHECK_EQ(sb.st_size, 2 * CHUNK + 17);
	MPI_Barrier(bt_comm);

	/* descriptors other clients hold (without writing) do not bring an old size back */
	int rw = (int)CHECK_OK(benchfs_open(opath, O_RDWR, 0));
	int ro = (int)CHECK_OK(benchfs_open(opath, O_RDONLY, 0));
	MPI_Barrier(bt_comm);
	CHECK_RC(benchfs_truncate(path, 10), 0);
	MPI_Barrier(bt_comm);
	CHECK_RC(benchfs_close(rw), 0);
	CHECK_RC(benchfs_close(ro), 0);
	MPI_Barrier(bt_comm);
	CHECK_RC(benchfs_stat(path, &sb), 0);
	CHECK_EQ(sb.st_size, 10);
	bt_note("a shrink is published as is; idle descriptors of others do not undo it");

	/* 4. ftruncate shrinking inside a chunk, then a write in a later chunk of the same file */
	fd = (int)CHECK_OK(benchfs_open(path, O_RDWR | O_TRUNC, 0));
	bt_fill(buf, SIZE, 0, seed);
	CHECK_RC(benchfs_pwrite(fd, buf, SIZE, 0), SIZE);
	CHECK_RC(benchfs_ftruncate(fd, 1000), 0);
	CHECK_RC(benchfs_fstat(fd, &sb), 0);
	CHECK_EQ(sb.st_size, 1000);
	bt_fill(buf, 1, SIZE - 1, seed);
	CHECK_RC(benchfs_pwrite(fd, buf, 1, SIZE - 1), 1);
	memset(buf, 0xa5, sizeof(buf));
	CHECK_RC(benchfs_pread(fd, buf, sizeof(buf), 0), SIZE);
	CHECK_PATTERN(buf, 1000, 0, seed);
	CHECK_BYTES(buf + 1000, zeros, SIZE - 1001, 1000);
	CHECK_PATTERN(buf + SIZE - 1, 1, SIZE - 1, seed);
	/* grow with ftruncate: size visible to others after close */
	CHECK_RC(benchfs_ftruncate(fd, 5 * CHUNK), 0);
	CHECK_RC(benchfs_close(fd), 0);
	MPI_Barrier(bt_comm);
	CHECK_RC(benchfs_stat(opath, &sb), 0);
	CHECK_EQ(sb.st_size, 5 * CHUNK);
	fd = (int)CHECK_OK(benchfs_open(opath, O_RDONLY, 0));
	memset(buf, 0xa5, sizeof(buf));
	CHECK_RC(benchfs_pread(fd, buf, sizeof(buf), 0), 5 * CHUNK);
	CHECK_PATTERN(buf, 1000, 0, 500 + (uint64_t)((bt_rank + 1) % bt_size));
	CHECK_BYTES(buf + 1000, zeros, SIZE - 1001, 1000);
	CHECK_BYTES(buf + SIZE, zeros, 5 * CHUNK - SIZE, SIZE);
	CHECK_RC(benchfs_close(fd), 0);
	bt_note("ftruncate to 0 / inside a chunk discards old bytes; writes beyond leave zeros");
	return bt_finish();
}
