/*
 * io_sparse - sparse files: holes (never-written ranges below the end of file) read as zeros,
 * within a chunk, across whole chunks and far into a huge sparse file; reads that reach the end
 * of file are short and reads at or past it return 0. Checked by the writer and, after its
 * close, by another client.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define CHUNK 4096

static const uint8_t zeros[CHUNK * 4];

/* Expectations on a file holding data [a, a+la) and [b, b+lb) (a+la <= b), size b+lb. */
static void check_two_extents(int fd, uint64_t a, uint64_t la, uint64_t b, uint64_t lb,
                              uint64_t seed)
{
	uint64_t size = b + lb;
	uint8_t *buf = malloc(size + 100);

	/* the whole file: data, zeros, data */
	memset(buf, 0xa5, size + 100);
	CHECK_RC(benchfs_pread(fd, buf, size + 100, 0), (long long)size);
	for (uint64_t i = 0; i < a; i++)
		if (buf[i]) {
			bt_fail(__FILE__, __LINE__, "hole before first extent: byte %llu is 0x%02x",
			        (unsigned long long)i, buf[i]);
			break;
		}
	CHECK_PATTERN(buf + a, la, a, seed);
	for (uint64_t i = a + la; i < b; i++)
		if (buf[i]) {
			bt_fail(__FILE__, __LINE__, "hole between extents: byte %llu is 0x%02x",
			        (unsigned long long)i, buf[i]);
			break;
		}
	CHECK_PATTERN(buf + b, lb, b, seed);
	/* a read reaching past the end is short, at the end or beyond it gives 0 */
	CHECK_RC(benchfs_pread(fd, buf, 100, (off_t)(size - 10)), 10);
	CHECK_PATTERN(buf, 10, size - 10, seed);
	CHECK_RC(benchfs_pread(fd, buf, 100, (off_t)size), 0);
	CHECK_RC(benchfs_pread(fd, buf, 1, (off_t)(size + 1)), 0);
	CHECK_RC(benchfs_pread(fd, buf, 100, (off_t)(size + 10 * CHUNK)), 0);
	free(buf);
}

int main(int argc, char **argv)
{
	const uint64_t far = (1ULL << 30) + 7; /* 1 GiB into a file of 64 KiB chunks */
	uint8_t buf[3 * CHUNK], big[4096];
	char path[64];
	uint64_t seed;
	struct stat sb;
	int fd;

	bt_start(&argc, &argv);
	seed = 77 + (uint64_t)bt_rank;

	/* 1. a hole inside one chunk: [0,10) and [100,110) */
	snprintf(path, sizeof(path), "/inchunk-%d", bt_rank);
	fd = (int)CHECK_OK(benchfs_create(path, O_RDWR | O_CREAT, 0644, CHUNK));
	bt_fill(buf, 10, 0, seed);
	CHECK_RC(benchfs_pwrite(fd, buf, 10, 0), 10);
	bt_fill(buf, 10, 100, seed);
	CHECK_RC(benchfs_pwrite(fd, buf, 10, 100), 10);
	check_two_extents(fd, 0, 10, 100, 10, seed);
	CHECK_RC(benchfs_close(fd), 0);

	/* 2. nothing written in chunks 0..9, then an extent over chunks 10 and 11 */
	snprintf(path, sizeof(path), "/chunks-%d", bt_rank);
	fd = (int)CHECK_OK(benchfs_create(path, O_RDWR | O_CREAT, 0644, CHUNK));
	bt_fill(buf, 5, 3, seed);
	CHECK_RC(benchfs_pwrite(fd, buf, 5, 3), 5);
	bt_fill(buf, CHUNK + 100, 10 * CHUNK + 5, seed);
	CHECK_RC(benchfs_pwrite(fd, buf, CHUNK + 100, 10 * CHUNK + 5), CHUNK + 100);
	check_two_extents(fd, 3, 5, 10 * CHUNK + 5, CHUNK + 100, seed);
	/* a read that lies entirely in the hole */
	memset(buf, 0xa5, sizeof(buf));
	CHECK_RC(benchfs_pread(fd, buf, 3 * CHUNK, 4 * CHUNK + 1), 3 * CHUNK);
	CHECK_BYTES(buf, zeros, 3 * CHUNK, 4 * CHUNK + 1);
	CHECK_RC(benchfs_close(fd), 0);

	/* 3. a huge sparse file: 4 KiB written at 1 GiB + 7, chunks of 64 KiB */
	snprintf(path, sizeof(path), "/far-%d", bt_rank);
	fd = (int)CHECK_OK(benchfs_create(path, O_RDWR | O_CREAT, 0644, 65536));
	bt_fill(big, sizeof(big), far, seed);
	CHECK_RC(benchfs_pwrite(fd, big, sizeof(big), (off_t)far), (long long)sizeof(big));
	CHECK_OK(benchfs_fstat(fd, &sb));
	CHECK_EQ(sb.st_size, far + sizeof(big));
	memset(big, 0xa5, sizeof(big));
	CHECK_RC(benchfs_pread(fd, big, sizeof(big), 1 << 29), (long long)sizeof(big));
	CHECK_BYTES(big, zeros, sizeof(big), 1 << 29);
	CHECK_RC(benchfs_pread(fd, big, sizeof(big), (off_t)far - 100), (long long)sizeof(big));
	CHECK_BYTES(big, zeros, 100, far - 100);
	CHECK_PATTERN(big + 100, sizeof(big) - 100, far, seed);
	CHECK_RC(benchfs_close(fd), 0);
	bt_note("holes inside a chunk, over whole chunks and 1 GiB long read as zeros; short reads "
	        "at the end, 0 past it");
	MPI_Barrier(bt_comm);

	/* the same files as another client sees them after their writer's close */
	int other = (bt_rank + 1) % bt_size;
	uint64_t oseed = 77 + (uint64_t)other;
	snprintf(path, sizeof(path), "/inchunk-%d", other);
	fd = (int)CHECK_OK(benchfs_open(path, O_RDONLY, 0));
	check_two_extents(fd, 0, 10, 100, 10, oseed);
	CHECK_RC(benchfs_close(fd), 0);
	snprintf(path, sizeof(path), "/chunks-%d", other);
	fd = (int)CHECK_OK(benchfs_open(path, O_RDONLY, 0));
	check_two_extents(fd, 3, 5, 10 * CHUNK + 5, CHUNK + 100, oseed);
	CHECK_RC(benchfs_close(fd), 0);
	snprintf(path, sizeof(path), "/far-%d", other);
	CHECK_OK(benchfs_stat(path, &sb));
	CHECK_EQ(sb.st_size, far + sizeof(big));
	fd = (int)CHECK_OK(benchfs_open(path, O_RDONLY, 0));
	CHECK_RC(benchfs_pread(fd, big, sizeof(big), (off_t)far - 100), (long long)sizeof(big));
	CHECK_BYTES(big, zeros, 100, far - 100);
	CHECK_PATTERN(big + 100, sizeof(big) - 100, far, oseed);
	CHECK_RC(benchfs_pread(fd, big, sizeof(big), (off_t)(far + 4000)), 96);
	CHECK_RC(benchfs_close(fd), 0);
	bt_note("another client reads the same holes, data and end of file after close");
	return bt_finish();
}
