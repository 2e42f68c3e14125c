/*
 * io_large_file - one 256 MiB file with the default chunk size (1 MiB), written by all clients
 * collectively in interleaved 4 MiB blocks and read back by all clients, each reading the
 * blocks another client wrote; size and st_blksize checked. After fsync every server's data
 * directory holds a share of the file (its chunks are spread over all servers).
 */
#define _XOPEN_SOURCE 700
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define TOTAL (256ULL << 20)
#define BLOCK (4ULL << 20)
#define SEED  4242

static unsigned long long tree_bytes;

static int add_blocks(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	if (type == FTW_F)
		tree_bytes += (unsigned long long)sb->st_blocks * 512;
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = "/large";
	uint64_t nblocks = TOTAL / BLOCK;
	uint8_t *buf = malloc(BLOCK);
	double t0, t1, t2;
	struct stat sb;
	int fd;

	bt_start(&argc, &argv);
	if (bt_rank == 0) {
		fd = (int)CHECK_OK(benchfs_open(path, O_WRONLY | O_CREAT | O_EXCL, 0644));
		CHECK_RC(benchfs_close(fd), 0);
	}
	MPI_Barrier(bt_comm);
	t0 = bt_now();
	fd = (int)CHECK_OK(benchfs_open(path, O_WRONLY, 0));
	for (uint64_t i = (uint64_t)bt_rank; i < nblocks; i += (uint64_t)bt_size) {
		bt_fill(buf, BLOCK, i * BLOCK, SEED);
		CHECK_RC(benchfs_pwrite(fd, buf, BLOCK, (off_t)(i * BLOCK)), (long long)BLOCK);
	}
	CHECK_RC(benchfs_close(fd), 0);
	MPI_Barrier(bt_comm);
	t1 = bt_now();

	CHECK_OK(benchfs_stat(path, &sb));
	CHECK_EQ(sb.st_size, TOTAL);
	CHECK_EQ(sb.st_blksize, BENCHFS_CHUNK_SIZE_DEFAULT);
	fd = (int)CHECK_OK(benchfs_open(path, O_RDONLY, 0));
	for (uint64_t i = (uint64_t)(bt_rank + 1) % (uint64_t)bt_size; i < nblocks;
	     i += (uint64_t)bt_size) {
		memset(buf, 0, BLOCK);
		CHECK_RC(benchfs_pread(fd, buf, BLOCK, (off_t)(i * BLOCK)), (long long)BLOCK);
		CHECK_PATTERN(buf, BLOCK, i * BLOCK, SEED);
	}
	CHECK_RC(benchfs_pread(fd, buf, BLOCK, (off_t)TOTAL - 1), 1);
	CHECK_RC(benchfs_close(fd), 0);
	MPI_Barrier(bt_comm);
	t2 = bt_now();
	bt_note("%llu MiB written (%.0f MiB/s) and read back by other clients (%.0f MiB/s)",
	        TOTAL >> 20, (double)(TOTAL >> 20) / (t1 - t0), (double)(TOTAL >> 20) / (t2 - t1));

	/* every server stores part of the file (in its data directory, after fsync; the memory
	 * store keeps it in the server's memory instead) */
	const char *store = getenv("BENCHFS_STORE");
	if (bt_rank == 0 && !(store && !strcmp(store, "memory"))) {
		const char *dir = getenv("BFS_TEST_DATA_DIR");
		char sdir[4200];

		fd = (int)CHECK_OK(benchfs_open(path, O_RDWR, 0));
		CHECK_RC(benchfs_fsync(fd), 0);
		CHECK_RC(benchfs_close(fd), 0);
		for (int s = 0; s < bt_nservers; s++) {
			snprintf(sdir, sizeof(sdir), "%s/server-%d", dir, s);
			tree_bytes = 0;
			CHECK_RC(nftw(sdir, add_blocks, 16, FTW_PHYS), 0);
			if (tree_bytes < TOTAL / (4ULL * (unsigned)bt_nservers))
				bt_fail(__FILE__, __LINE__,
				        "server %d stores only %llu bytes of a %llu-byte file", s,
				        tree_bytes, TOTAL);
			else
				bt_note("server %d stores %llu MiB", s, tree_bytes >> 20);
		}
	}
	free(buf);
	return bt_finish();
}
