/*
 * io_file_per_process - N-N access: every client writes its own files in a shared directory
 * with sequential benchfs_write() calls of odd sizes; after close every client reads back its
 * own files and another client's (sizes and bytes), then removes its files, and the directory
 * ends up empty and removable.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define NFILES 16

static uint64_t file_size(int who, int i)
{
	return (uint64_t)i * 70001 + (uint64_t)who * 13 + (i % 3 == 0 ? 0 : 1);
}

static void check_files(int who)
{
	char path[64];
	struct stat sb;

	for (int i = 0; i < NFILES; i++) {
		uint64_t size = file_size(who, i), seed = (uint64_t)who * 1000 + (uint64_t)i;
		uint8_t *buf = malloc(size + 1);
		int fd;

		snprintf(path, sizeof(path), "/npp/f.%d.%d", who, i);
		CHECK_OK(benchfs_stat(path, &sb));
		CHECK_EQ(sb.st_size, size);
		fd = (int)CHECK_OK(benchfs_open(path, O_RDONLY, 0));
		CHECK_RC(benchfs_read(fd, buf, size + 1), (long long)size);
		CHECK_PATTERN(buf, size, 0, seed);
		CHECK_RC(benchfs_read(fd, buf, 1), 0);
		CHECK_RC(benchfs_close(fd), 0);
		free(buf);
	}
}

int main(int argc, char **argv)
{
	char path[64];
	uint8_t *buf = malloc(1 << 21);

	bt_start(&argc, &argv);
	if (bt_rank == 0)
		CHECK_RC(benchfs_mkdir("/npp", 0755), 0);
	MPI_Barrier(bt_comm);
	for (int i = 0; i < NFILES; i++) {
		uint64_t size = file_size(bt_rank, i),
		         seed = (uint64_t)bt_rank * 1000 + (uint64_t)i;
		int fd;

		snprintf(path, sizeof(path), "/npp/f.%d.%d", bt_rank, i);
		fd = (int)CHECK_OK(benchfs_open(path, O_WRONLY | O_CREAT | O_EXCL, 0600));
		for (uint64_t off = 0, step = 4096 * 3 + 1; off < size; off += step) {
			uint64_t n = size - off < step ? size - off : step;
			bt_fill(buf, n, off, seed);
			CHECK_RC(benchfs_write(fd, buf, n), (long long)n);
		}
		CHECK_RC(benchfs_close(fd), 0);
	}
	check_files(bt_rank);
	MPI_Barrier(bt_comm);
	check_files((bt_rank + 1) % bt_size);
	bt_note("%d files per client: own and neighbour's files read back with right sizes",
	        NFILES);
	MPI_Barrier(bt_comm);
	for (int i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "/npp/f.%d.%d", bt_rank, i);
		CHECK_RC(benchfs_unlink(path), 0);
		CHECK_RC(benchfs_stat(path, &(struct stat){0}), -ENOENT);
	}
	MPI_Barrier(bt_comm);
	if (bt_rank == 0) {
		benchfs_dir_t *d;
		struct benchfs_dirent *e;
		int n = 0;

		if (CHECK_OK(benchfs_opendir("/npp", &d)) == 0) {
			while (benchfs_readdir(d, &e) == 1)
				n++;
			benchfs_closedir(d);
		}
		CHECK_EQ(n, 0);
		CHECK_RC(benchfs_rmdir("/npp"), 0);
		bt_note("after every unlink the directory is empty and rmdir succeeds");
	}
	free(buf);
	return bt_finish();
}
