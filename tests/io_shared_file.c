/*
 * io_shared_file - N-1 access: every client writes disjoint, interleaved blocks of one shared
 * file (blocks not aligned to chunks, so neighbouring clients write into the same chunk), then
 * closes it; then every client reads the whole file and checks every byte and the size. The
 * client that wrote the end of the file closes first, so the size must be the largest end any
 * writer published, not the last closer's.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static void shared_file(const char *path, size_t chunk, size_t block, size_t nblocks, uint64_t seed)
{
	uint64_t size = (uint64_t)block * nblocks;
	int last_writer = (int)((nblocks - 1) % (size_t)bt_size);
	uint8_t *buf = malloc(size > block ? size : block);
	struct stat sb;
	int fd;

	if (bt_rank == 0) {
		fd = (int)CHECK_OK(benchfs_create(path, O_WRONLY | O_CREAT | O_EXCL, 0644, chunk));
		CHECK_RC(benchfs_close(fd), 0);
	}
	MPI_Barrier(bt_comm);
	fd = (int)CHECK_OK(benchfs_open(path, O_WRONLY, 0));
	for (size_t i = (size_t)bt_rank; i < nblocks; i += (size_t)bt_size) {
		bt_fill(buf, block, (uint64_t)i * block, seed);
		CHECK_RC(benchfs_pwrite(fd, buf, block, (off_t)(i * block)), (long long)block);
	}
	MPI_Barrier(bt_comm);
	/* the writer of the last block closes first, the others after it */
	if (bt_rank == last_writer)
		CHECK_RC(benchfs_close(fd), 0);
	MPI_Barrier(bt_comm);
	if (bt_rank != last_writer)
		CHECK_RC(benchfs_close(fd), 0);
	MPI_Barrier(bt_comm);

	CHECK_OK(benchfs_stat(path, &sb));
	CHECK_EQ(sb.st_size, size);
	fd = (int)CHECK_OK(benchfs_open(path, O_RDONLY, 0));
	memset(buf, 0, size);
	CHECK_RC(benchfs_pread(fd, buf, size, 0), (long long)size);
	CHECK_PATTERN(buf, size, 0, seed);
	CHECK_RC(benchfs_pread(fd, buf, 10, (off_t)size), 0);
	CHECK_RC(benchfs_close(fd), 0);
	bt_note("%s: %zu blocks of %zu bytes (chunk %zu) from %d clients: every byte and the size "
	        "%llu right on every client",
	        path, nblocks, block, chunk, bt_size, (unsigned long long)size);
	free(buf);
	MPI_Barrier(bt_comm);
}

int main(int argc, char **argv)
{
	bt_start(&argc, &argv);
	shared_file("/shared-4k", 4096, 1000, 3001, 11);
	shared_file("/shared-64k", 65536, 10007, 301, 12);
	shared_file("/shared-1m", 0, 1 << 20, 7, 13);
	return bt_finish();
}
