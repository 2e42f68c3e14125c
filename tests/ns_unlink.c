/*
 * ns_unlink - benchfs_unlink removes the name and the data: stat and open give -ENOENT, the
 * directory no longer lists it, a new file at the same name starts empty and grown by truncate
 * reads zeros (not the old bytes); a client that still has the file open reads zeros or gets
 * -ENOENT, never the old bytes, as documented.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define SIZE (3 * 65536 + 99)

static const uint8_t zeros[SIZE];

int main(int argc, char **argv)
{
	uint8_t *buf = malloc(SIZE);
	char dir[32], path[64], opath[64];
	struct benchfs_dirent *e;
	benchfs_dir_t *d;
	struct stat sb;
	int fd, ofd, n;

	bt_start(&argc, &argv);
	snprintf(dir, sizeof(dir), "/u%d", bt_rank);
	snprintf(path, sizeof(path), "%s/f", dir);
	snprintf(opath, sizeof(opath), "/u%d/f", (bt_rank + 1) % bt_size);
	CHECK_RC(benchfs_mkdir(dir, 0755), 0);
	fd = (int)CHECK_OK(benchfs_create(path, O_WRONLY | O_CREAT | O_EXCL, 0644, 65536));
	bt_fill(buf, SIZE, 0, 9);
	CHECK_RC(benchfs_pwrite(fd, buf, SIZE, 0), SIZE);
	CHECK_RC(benchfs_close(fd), 0);
	MPI_Barrier(bt_comm);
	/* the neighbour's file, opened before it is removed */
	ofd = (int)CHECK_OK(benchfs_open(opath, O_RDONLY, 0));
	MPI_Barrier(bt_comm);

	CHECK_RC(benchfs_unlink(path), 0);
	CHECK_RC(benchfs_stat(path, &sb), -ENOENT);
	CHECK_RC(benchfs_open(path, O_RDONLY, 0), -ENOENT);
	CHECK_RC(benchfs_unlink(path), -ENOENT);
	n = 0;
	if (CHECK_OK(benchfs_opendir(dir, &d)) == 0) {
		while (benchfs_readdir(d, &e) == 1)
			n++;
		benchfs_closedir(d);
	}
	CHECK_EQ(n, 0);
	CHECK_RC(benchfs_rmdir(dir), 0);
	CHECK_RC(benchfs_mkdir(dir, 0755), 0);
	/* a new file at the same name: empty, and no old bytes when grown */
	fd = (int)CHECK_OK(benchfs_create(path, O_RDWR | O_CREAT | O_EXCL, 0644, 65536));
	CHECK_RC(benchfs_fstat(fd, &sb), 0);
	CHECK_EQ(sb.st_size, 0);
	CHECK_RC(benchfs_pread(fd, buf, SIZE, 0), 0);
	CHECK_RC(benchfs_ftruncate(fd, SIZE), 0);
	memset(buf, 0xa5, SIZE);
	CHECK_RC(benchfs_pread(fd, buf, SIZE, 0), SIZE);
	CHECK_BYTES(buf, zeros, SIZE, 0);
	CHECK_RC(benchfs_pwrite(fd, "new", 3, SIZE - 3), 3);
	memset(buf, 0xa5, SIZE);
	CHECK_RC(benchfs_pread(fd, buf, SIZE, 0), SIZE);
	CHECK_BYTES(buf, zeros, SIZE - 3, 0);
	CHECK_RC(benchfs_close(fd), 0);
	bt_note("unlink removes name and data; a new file at the name has none of the old bytes");
	MPI_Barrier(bt_comm);

	/* the descriptor opened before the unlink: zeros or -ENOENT, never the old bytes */
	ssize_t got = benchfs_pread(ofd, buf, 65536, 65536);
	if (got > 0) {
		if (bt_cmp(buf, zeros, (size_t)got) >= 0)
			bt_fail(
			    __FILE__, __LINE__,
			    "read through a descriptor opened before unlink returned old bytes");
	} else if (got < 0) {
		CHECK_RC(got, -ENOENT);
	}
	CHECK_OK(benchfs_close(ofd));
	bt_note("a descriptor open across another client's unlink reads zeros or gets ENOENT");
	free(buf);
	return bt_finish();
}
