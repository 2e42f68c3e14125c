/*
 * stat_attrs - the fields benchfs_stat/lstat/fstat fill: type and permission bits as created
 * (umask not applied), st_nlink, st_uid/st_gid of the creator, st_size, st_blksize = the file's
 * chunk size (benchfs_create's, or BENCHFS_CHUNK_SIZE for files created by open), st_blocks,
 * st_ino, times; benchfs_utimens (explicit times, UTIME_OMIT, UTIME_NOW, NULL; on a symlink
 * itself) and benchfs_chmod (files, directories, set-id bits), seen by other clients too.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define ENV_CHUNK 131072

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec;
}

static int recent(const struct timespec *t)
{
	double now = wall();

	return (double)t->tv_sec > now - 30 && (double)t->tv_sec < now + 5;
}

int main(int argc, char **argv)
{
	char d[32], f[64], g[64], l[64], h[64];
	struct stat sb, sb2;
	int fd;

	/* the default chunk size for files created by benchfs_open */
	setenv("BENCHFS_CHUNK_SIZE", "131072", 1);
	umask(077);
	bt_start(&argc, &argv);
	snprintf(d, sizeof(d), "/d%d", bt_rank);
	snprintf(f, sizeof(f), "%s/f", d);
	snprintf(g, sizeof(g), "%s/g", d);
	snprintf(l, sizeof(l), "%s/l", d);
	snprintf(h, sizeof(h), "%s/h", d);

	CHECK_RC(benchfs_mkdir(d, 0751), 0);
	CHECK_RC(benchfs_stat(d, &sb), 0);
	CHECK_EQ(sb.st_mode, S_IFDIR | 0751);
	CHECK_EQ(sb.st_nlink, 2);
	CHECK_EQ(sb.st_uid, getuid());
	CHECK_EQ(sb.st_gid, getgid());
	CHECK(recent(&sb.st_mtim));
	CHECK_RC(benchfs_stat("/", &sb), 0);
	CHECK(S_ISDIR(sb.st_mode));

	/* a file of 64 KiB chunks, 100 000 bytes */
	fd = (int)CHECK_OK(benchfs_create(f, O_RDWR | O_CREAT | O_EXCL, 0666, 65536));
	{
		char *buf = calloc(1, 100000);
		CHECK_RC(benchfs_pwrite(fd, buf, 100000, 0), 100000);
		free(buf);
	}
	CHECK_RC(benchfs_fstat(fd, &sb), 0);
	CHECK_EQ(sb.st_mode, S_IFREG | 0666); /* no umask */
	CHECK_EQ(sb.st_nlink, 1);
	CHECK_EQ(sb.st_uid, getuid());
	CHECK_EQ(sb.st_gid, getgid());
	CHECK_EQ(sb.st_size, 100000);
	CHECK_EQ(sb.st_blksize, 65536);
	CHECK_EQ(sb.st_blocks, (100000 + 511) / 512);
	CHECK(recent(&sb.st_mtim));
	CHECK(recent(&sb.st_ctim));
	CHECK(sb.st_ino != 0);
	CHECK_RC(benchfs_close(fd), 0);
	CHECK_RC(benchfs_stat(f, &sb2), 0);
	CHECK_EQ(sb2.st_ino, sb.st_ino);
	CHECK_EQ(sb2.st_size, 100000);
	CHECK_EQ(sb2.st_blksize, 65536);
	CHECK_RC(benchfs_lstat(f, &sb2), 0);
	CHECK_EQ(sb2.st_mode, S_IFREG | 0666);
	/* O_CREAT on the existing file keeps its chunk size */
	fd = (int)CHECK_OK(benchfs_create(f, O_RDWR | O_CREAT, 0644, 4096));
	CHECK_RC(benchfs_fstat(fd, &sb2), 0);
	CHECK_EQ(sb2.st_blksize, 65536);
	CHECK_EQ(sb2.st_mode, S_IFREG | 0666);
	CHECK_RC(benchfs_close(fd), 0);

	/* created by open: BENCHFS_CHUNK_SIZE; distinct inode numbers */
	fd = (int)CHECK_OK(benchfs_open(g, O_WRONLY | O_CREAT | O_EXCL, 0600));
	CHECK_RC(benchfs_fstat(fd, &sb2), 0);
	CHECK_EQ(sb2.st_blksize, ENV_CHUNK);
	CHECK_EQ(sb2.st_mode, S_IFREG | 0600);
	CHECK_EQ(sb2.st_size, 0);
	CHECK_EQ(sb2.st_blocks, 0);
	CHECK(sb2.st_ino != sb.st_ino);
	CHECK_RC(benchfs_write(fd, "x", 1), 1);
	CHECK_RC(benchfs_close(fd), 0);
	CHECK_RC(benchfs_stat(g, &sb2), 0);
	CHECK_EQ(sb2.st_blocks, 1);
	fd = (int)CHECK_OK(benchfs_create(h, O_WRONLY | O_CREAT | O_EXCL, 0600, 0));
	CHECK_RC(benchfs_fstat(fd, &sb2), 0);
	CHECK_EQ(sb2.st_blksize, ENV_CHUNK); /* 0: the default */
	CHECK_RC(benchfs_close(fd), 0);
	/* readdir's d_ino is the file's st_ino */
	{
		struct benchfs_dirent *e;
		benchfs_dir_t *dir;
		int seen = 0;

		CHECK_RC(benchfs_stat(f, &sb), 0);
		if (CHECK_OK(benchfs_opendir(d, &dir)) == 0) {
			while (benchfs_readdir(dir, &e) == 1)
				if (strcmp(e->d_name, "f") == 0) {
					seen = 1;
					CHECK_EQ(e->d_ino, sb.st_ino);
				}
			benchfs_closedir(dir);
		}
		CHECK(seen);
	}
	bt_note("mode, nlink, uid, gid, size, blksize, blocks, ino, times as documented");

	/* utimens */
	const struct timespec t1[2] = {{1000000000, 5}, {1500000000, 7}};
	CHECK_RC(benchfs_utimens(f, t1), 0);
	CHECK_RC(benchfs_stat(f, &sb), 0);
	CHECK_EQ(sb.st_atim.tv_sec, 1000000000);
	CHECK_EQ(sb.st_atim.tv_nsec, 5);
	CHECK_EQ(sb.st_mtim.tv_sec, 1500000000);
	CHECK_EQ(sb.st_mtim.tv_nsec, 7);
	const struct timespec t2[2] = {{0, UTIME_OMIT}, {1600000000, 0}};
	CHECK_RC(benchfs_utimens(f, t2), 0);
	CHECK_RC(benchfs_stat(f, &sb), 0);
	CHECK_EQ(sb.st_atim.tv_sec, 1000000000);
	CHECK_EQ(sb.st_atim.tv_nsec, 5);
	CHECK_EQ(sb.st_mtim.tv_sec, 1600000000);
	const struct timespec t3[2] = {{0, UTIME_NOW}, {0, UTIME_OMIT}};
	CHECK_RC(benchfs_utimens(f, t3), 0);
	CHECK_RC(benchfs_stat(f, &sb), 0);
	CHECK(recent(&sb.st_atim));
	CHECK_EQ(sb.st_mtim.tv_sec, 1600000000);
	CHECK_RC(benchfs_utimens(f, NULL), 0);
	CHECK_RC(benchfs_stat(f, &sb), 0);
	CHECK(recent(&sb.st_atim));
	CHECK(recent(&sb.st_mtim));
	CHECK_EQ(sb.st_size, 100000); /* attributes calls do not touch the size */
	/* on a symlink: the link's times change, not the target's */
	CHECK_RC(benchfs_symlink(g, l), 0);
	CHECK_RC(benchfs_utimens(g, t1), 0);
	const struct timespec t4[2] = {{1200000000, 0}, {1300000000, 0}};
	CHECK_RC(benchfs_utimens(l, t4), 0);
	CHECK_RC(benchfs_lstat(l, &sb), 0);
	CHECK_EQ(sb.st_mtim.tv_sec, 1300000000);
	CHECK_RC(benchfs_stat(g, &sb), 0);
	CHECK_EQ(sb.st_mtim.tv_sec, 1500000000);
	CHECK_RC(benchfs_utimens(d, t4), 0); /* a directory */
	CHECK_RC(benchfs_stat(d, &sb), 0);
	CHECK_EQ(sb.st_mtim.tv_sec, 1300000000);
	bt_note("utimens: explicit times to the nanosecond, UTIME_OMIT, UTIME_NOW, NULL, symlink");

	/* futimens: times set on the descriptor, published with the size at close; a write after
	 * it sets the mtime to the write's time again (POSIX) */
	{
		const struct timespec t5[2] = {{1100000000, 11}, {1400000000, 13}};
		int fd5 = benchfs_open(f, O_WRONLY, 0);
		CHECK(fd5 >= 0);
		CHECK_RC(benchfs_pwrite(fd5, "z", 1, 200000), 1);
		CHECK_RC(benchfs_futimens(fd5, t5), 0);
		CHECK_RC(benchfs_fstat(fd5, &sb), 0);
		CHECK_EQ(sb.st_mtim.tv_sec, 1400000000);
		CHECK_RC(benchfs_close(fd5), 0);
		CHECK_RC(benchfs_stat(f, &sb), 0);
		CHECK_EQ(sb.st_atim.tv_sec, 1100000000);
		CHECK_EQ(sb.st_atim.tv_nsec, 11);
		CHECK_EQ(sb.st_mtim.tv_sec, 1400000000);
		CHECK_EQ(sb.st_mtim.tv_nsec, 13);
		CHECK_EQ(sb.st_size, 200001);
		fd5 = benchfs_open(f, O_WRONLY, 0);
		CHECK_RC(benchfs_futimens(fd5, t5), 0);
		CHECK_RC(benchfs_pwrite(fd5, "y", 1, 0), 1);
		CHECK_RC(benchfs_close(fd5), 0);
		CHECK_RC(benchfs_stat(f, &sb), 0);
		CHECK(recent(&sb.st_mtim));
		CHECK_RC(benchfs_futimens(fd5, t5), -EBADF);
		const struct timespec bad[2] = {{0, -1}, {0, 0}};
		CHECK_RC(benchfs_futimens(0, bad), -EINVAL);
		fd5 = benchfs_open(f, O_WRONLY, 0); /* back to the size later checks expect */
		CHECK_RC(benchfs_ftruncate(fd5, 100000), 0);
		CHECK_RC(benchfs_close(fd5), 0);
	}
	bt_note("futimens: times published at close with the size; a later write resets mtime");

	/* chmod */
	CHECK_RC(benchfs_chmod(f, 0600), 0);
	CHECK_RC(benchfs_stat(f, &sb), 0);
	CHECK_EQ(sb.st_mode, S_IFREG | 0600);
	CHECK_RC(benchfs_chmod(f, 04755), 0);
	CHECK_RC(benchfs_stat(f, &sb), 0);
	CHECK_EQ(sb.st_mode, S_IFREG | 04755);
	CHECK_EQ(sb.st_size, 100000);
	CHECK_RC(benchfs_chmod(d, 0700), 0);
	CHECK_RC(benchfs_stat(d, &sb), 0);
	CHECK_EQ(sb.st_mode, S_IFDIR | 0700);
	CHECK_RC(benchfs_chmod(l, 0600), 0); /* the link itself, not the target */
	CHECK_RC(benchfs_lstat(l, &sb), 0);
	CHECK(S_ISLNK(sb.st_mode));
	CHECK_RC(benchfs_stat(g, &sb), 0);
	CHECK_EQ(sb.st_mode, S_IFREG | 0600);
	CHECK_RC(benchfs_chmod(g, 0640), 0);
	CHECK_RC(benchfs_stat(g, &sb), 0);
	CHECK_EQ(sb.st_mode, S_IFREG | 0640);
	bt_note("chmod of files, directories and set-id bits");

	/* other clients see the attributes */
	MPI_Barrier(bt_comm);
	snprintf(d, sizeof(d), "/d%d", (bt_rank + 1) % bt_size);
	snprintf(f, sizeof(f), "%s/f", d);
	CHECK_RC(benchfs_stat(f, &sb), 0);
	CHECK_EQ(sb.st_mode, S_IFREG | 04755);
	CHECK_EQ(sb.st_size, 100000);
	CHECK_EQ(sb.st_blksize, 65536);
	CHECK_EQ(sb.st_uid, getuid());
	CHECK(recent(&sb.st_mtim));
	CHECK_RC(benchfs_stat(d, &sb), 0);
	CHECK_EQ(sb.st_mode, S_IFDIR | 0700);
	CHECK_EQ(sb.st_mtim.tv_sec, 1300000000);
	bt_note("another client sees the same attributes");
	return bt_finish();
}
