/*
 * close_to_open - the consistency model: a writer sees its own size at once; after its close
 * (or fsync) another client's stat and open see the new size and mtime and read every byte;
 * bytes written into a range below the size another client knows are read by it as soon as
 * the write returned, without reopening.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define SIZE (1 << 20)

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	uint8_t *buf = malloc(2 * SIZE);
	const struct timespec old[2] = {{1000, 0}, {1000, 0}};
	struct stat sb;
	double t0;
	int fd = -1, rfd = -1;

	bt_start(&argc, &argv);
	if (bt_size < 2) {
		bt_skip("needs 2 clients");
		return bt_finish();
	}
	/* client 0 writes, client 1 watches */
	if (bt_rank == 0) {
		fd = (int)CHECK_OK(benchfs_open("/cto", O_RDWR | O_CREAT | O_EXCL, 0644));
		CHECK_RC(benchfs_utimens("/cto", old), 0);
		t0 = wall();
		bt_fill(buf, SIZE, 0, 1);
		CHECK_RC(benchfs_pwrite(fd, buf, SIZE, 0), SIZE);
		CHECK_RC(benchfs_fstat(fd, &sb), 0);
		CHECK_EQ(sb.st_size, SIZE); /* the writer sees its own size */
		CHECK_RC(benchfs_close(fd), 0);
		MPI_Send(&t0, 1, MPI_DOUBLE, 1, 0, bt_comm);
	} else if (bt_rank == 1) {
		MPI_Recv(&t0, 1, MPI_DOUBLE, 0, 0, bt_comm, MPI_STATUS_IGNORE);
		CHECK_RC(benchfs_stat("/cto", &sb), 0);
		CHECK_EQ(sb.st_size, SIZE);
		/* the mtime was published with the size: now, not the old 1000 s */
		double mt = (double)sb.st_mtim.tv_sec + (double)sb.st_mtim.tv_nsec * 1e-9;
		if (mt < t0 - 2 || mt > wall() + 2)
			bt_fail(__FILE__, __LINE__, "mtime %.3f not within [%.3f, now]", mt, t0);
		rfd = (int)CHECK_OK(benchfs_open("/cto", O_RDONLY, 0));
		memset(buf, 0, SIZE);
		CHECK_RC(benchfs_pread(rfd, buf, 2 * SIZE, 0), SIZE);
		CHECK_PATTERN(buf, SIZE, 0, 1);
		CHECK_RC(benchfs_close(rfd), 0);
	}
	MPI_Barrier(bt_comm);
	bt_note("size, mtime and bytes visible to another client after close");

	/* growth published by fsync, without close; overwrites seen by an open reader */
	if (bt_rank == 1)
		rfd = (int)CHECK_OK(benchfs_open("/cto", O_RDONLY, 0));
	MPI_Barrier(bt_comm);
	if (bt_rank == 0) {
		fd = (int)CHECK_OK(benchfs_open("/cto", O_RDWR, 0));
		bt_fill(buf, SIZE, SIZE, 2);
		CHECK_RC(benchfs_pwrite(fd, buf, SIZE, SIZE), SIZE);
		CHECK_RC(benchfs_fsync(fd), 0);
		bt_fill(buf, 4096, 4096, 3); /* overwrite inside the old size */
		CHECK_RC(benchfs_pwrite(fd, buf, 4096, 4096), 4096);
	}
	MPI_Barrier(bt_comm);
	if (bt_rank == 1) {
		CHECK_RC(benchfs_stat("/cto", &sb), 0);
		CHECK_EQ(sb.st_size, 2 * SIZE);
		/* the open reader reads the overwritten range at once */
		CHECK_RC(benchfs_pread(rfd, buf, 4096, 4096), 4096);
		CHECK_PATTERN(buf, 4096, 4096, 3);
		CHECK_RC(benchfs_close(rfd), 0);
		rfd = (int)CHECK_OK(benchfs_open("/cto", O_RDONLY, 0));
		CHECK_RC(benchfs_pread(rfd, buf, 2 * SIZE, 0), 2 * SIZE);
		CHECK_PATTERN(buf, 4096, 0, 1);
		CHECK_PATTERN(buf + 4096, 4096, 4096, 3);
		CHECK_PATTERN(buf + 8192, SIZE - 8192, 8192, 1);
		CHECK_PATTERN(buf + SIZE, SIZE, SIZE, 2);
		CHECK_RC(benchfs_close(rfd), 0);
	}
	MPI_Barrier(bt_comm);
	if (bt_rank == 0)
		CHECK_RC(benchfs_close(fd), 0);
	bt_note("fsync publishes the size; an open reader sees overwritten bytes at once");
	free(buf);
	return bt_finish();
}
