/*
 * io_offsets - the descriptor offset: benchfs_write/read advance it, pwrite/pread do not,
 * lseek SEEK_SET/SEEK_CUR/SEEK_END return and set it (beyond the end too: a later write leaves a
 * hole of zeros), reads stop at the end of file; O_APPEND writes go to the end of file (also
 * the end another client published), while pwrite with O_APPEND writes at its offset as
 * documented; O_TRUNC empties an existing file (size 0 here and for other clients after close,
 * old bytes never read again).
 */
#include <fcntl.h>
#include <string.h>

#include "harness.h"

int main(int argc, char **argv)
{
	char path[64], opath[64], buf[4096];
	static const char zeros[1000];
	struct stat sb;
	int fd, fd2;

	bt_start(&argc, &argv);
	snprintf(path, sizeof(path), "/o%d", bt_rank);
	snprintf(opath, sizeof(opath), "/o%d", (bt_rank + 1) % bt_size);

	/* 1. sequential write/read and lseek */
	fd = (int)CHECK_OK(benchfs_open(path, O_RDWR | O_CREAT | O_EXCL, 0644));
	CHECK_RC(benchfs_lseek(fd, 0, SEEK_CUR), 0);
	CHECK_RC(benchfs_write(fd, "0123456789", 10), 10);
	CHECK_RC(benchfs_lseek(fd, 0, SEEK_CUR), 10);
	CHECK_RC(benchfs_write(fd, "abcdefghij", 10), 10);
	CHECK_RC(benchfs_lseek(fd, 0, SEEK_CUR), 20);
	CHECK_RC(benchfs_pwrite(fd, "XY", 2, 4), 2); /* pwrite leaves the offset */
	CHECK_RC(benchfs_lseek(fd, 0, SEEK_CUR), 20);
	CHECK_RC(benchfs_pread(fd, buf, 5, 0), 5);
	CHECK_RC(benchfs_lseek(fd, 0, SEEK_CUR), 20);
	CHECK_RC(benchfs_lseek(fd, 3, SEEK_SET), 3);
	memset(buf, 0, sizeof(buf));
	CHECK_RC(benchfs_read(fd, buf, 4), 4);
	CHECK(memcmp(buf, "3XY6", 4) == 0);
	CHECK_RC(benchfs_lseek(fd, 0, SEEK_CUR), 7);
	CHECK_RC(benchfs_lseek(fd, 2, SEEK_CUR), 9);
	CHECK_RC(benchfs_read(fd, buf, 3), 3);
	CHECK(memcmp(buf, "9ab", 3) == 0);
	CHECK_RC(benchfs_lseek(fd, -4, SEEK_END), 16);
	CHECK_RC(benchfs_read(fd, buf, 100), 4); /* short at the end */
	CHECK(memcmp(buf, "ghij", 4) == 0);
	CHECK_RC(benchfs_lseek(fd, 0, SEEK_CUR), 20);
	CHECK_RC(benchfs_read(fd, buf, 100), 0); /* at the end */
	/* seek past the end, write: a hole of zeros */
	CHECK_RC(benchfs_lseek(fd, 1000, SEEK_END), 1020);
	CHECK_RC(benchfs_fstat(fd, &sb), 0);
	CHECK_EQ(sb.st_size, 20); /* seeking does not grow the file */
	CHECK_RC(benchfs_write(fd, "end", 3), 3);
	CHECK_RC(benchfs_lseek(fd, 0, SEEK_CUR), 1023);
	CHECK_RC(benchfs_pread(fd, buf, sizeof(buf), 0), 1023);
	CHECK(memcmp(buf, "0123XY6789abcdefghij", 20) == 0);
	CHECK(memcmp(buf + 20, zeros, 1000) == 0);
	CHECK(memcmp(buf + 1020, "end", 3) == 0);
	CHECK_RC(benchfs_close(fd), 0);
	bt_note("read/write advance the offset, pread/pwrite do not, lseek as POSIX");

	/* 2. O_APPEND */
	fd = (int)CHECK_OK(benchfs_open(path, O_WRONLY | O_APPEND, 0));
	CHECK_RC(benchfs_lseek(fd, 0, SEEK_SET), 0);
	CHECK_RC(benchfs_write(fd, "+1", 2), 2); /* at the end, not at 0 */
	CHECK_RC(benchfs_lseek(fd, 0, SEEK_CUR), 1025);
	CHECK_RC(benchfs_write(fd, "+2", 2), 2);
	CHECK_RC(benchfs_lseek(fd, 0, SEEK_CUR), 1027);
	CHECK_RC(benchfs_pwrite(fd, "P", 1, 0), 1); /* pwrite ignores O_APPEND (documented) */
	CHECK_RC(benchfs_fstat(fd, &sb), 0);
	CHECK_EQ(sb.st_size, 1027);
	CHECK_RC(benchfs_close(fd), 0);
	fd = (int)CHECK_OK(benchfs_open(path, O_RDONLY, 0));
	CHECK_RC(benchfs_pread(fd, buf, sizeof(buf), 0), 1027);
	CHECK(buf[0] == 'P' && memcmp(buf + 1, "123XY", 5) == 0);
	CHECK(memcmp(buf + 1020, "end+1+2", 7) == 0);
	CHECK_RC(benchfs_close(fd), 0);
	MPI_Barrier(bt_comm);
	/* appending to another client's file lands after the end it published */
	fd = (int)CHECK_OK(benchfs_open(opath, O_RDWR | O_APPEND, 0));
	CHECK_RC(benchfs_write(fd, "!", 1), 1);
	CHECK_RC(benchfs_lseek(fd, 0, SEEK_CUR), 1028);
	CHECK_RC(benchfs_pread(fd, buf, sizeof(buf), 1020), 8);
	CHECK(memcmp(buf, "end+1+2!", 8) == 0);
	CHECK_RC(benchfs_close(fd), 0);
	MPI_Barrier(bt_comm);
	CHECK_RC(benchfs_stat(path, &sb), 0);
	CHECK_EQ(sb.st_size, 1028);
	bt_note("O_APPEND writes at the end of file (also another client's), pwrite at its offset");

	/* 3. O_TRUNC */
	fd = (int)CHECK_OK(benchfs_open(path, O_RDWR | O_TRUNC, 0));
	CHECK_RC(benchfs_fstat(fd, &sb), 0);
	CHECK_EQ(sb.st_size, 0);
	CHECK_RC(benchfs_read(fd, buf, 10), 0);
	CHECK_RC(benchfs_pread(fd, buf, 10, 5), 0);
	fd2 = (int)CHECK_OK(benchfs_open(path, O_RDONLY, 0));
	CHECK_RC(benchfs_fstat(fd2, &sb), 0);
	CHECK_EQ(sb.st_size, 0);
	CHECK_RC(benchfs_close(fd2), 0);
	CHECK_RC(benchfs_pwrite(fd, "Z", 1, 500), 1);
	CHECK_RC(benchfs_pread(fd, buf, sizeof(buf), 0), 501);
	CHECK(memcmp(buf, zeros, 500) == 0); /* the old bytes are gone */
	CHECK_RC(benchfs_close(fd), 0);
	MPI_Barrier(bt_comm);
	CHECK_RC(benchfs_stat(opath, &sb), 0);
	CHECK_EQ(sb.st_size, 501);
	fd = (int)CHECK_OK(benchfs_open(opath, O_RDONLY, 0));
	memset(buf, 0xa5, sizeof(buf));
	CHECK_RC(benchfs_pread(fd, buf, sizeof(buf), 0), 501);
	CHECK(memcmp(buf, zeros, 500) == 0 && buf[500] == 'Z');
	CHECK_RC(benchfs_close(fd), 0);
	/* O_CREAT|O_TRUNC on an existing file empties it as well */
	MPI_Barrier(bt_comm);
	fd = (int)CHECK_OK(benchfs_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600));
	CHECK_RC(benchfs_close(fd), 0);
	CHECK_RC(benchfs_stat(path, &sb), 0);
	CHECK_EQ(sb.st_size, 0);
	CHECK_EQ(sb.st_mode & 07777, 0644); /* the existing file keeps its mode */
	bt_note("O_TRUNC empties the file for this and other clients; old bytes never return");
	return bt_finish();
}
