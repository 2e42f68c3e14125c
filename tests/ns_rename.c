/*
 * ns_rename - benchfs_rename of files and symbolic links: within a directory (data follows the
 * name, the old name is gone, other clients see it), replacing an existing file (the target's
 * old data is gone: the renamed file grown by truncate reads zeros, not the old bytes), into
 * another directory (listings change), onto a directory (-EISDIR), of a directory (-EXDEV),
 * with a missing parent or source (-ENOENT). A file created afterwards at the old name does not
 * see the renamed file's bytes.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define CHUNK 4096

static const uint8_t zeros[8 * CHUNK];

static void make_file(const char *path, uint64_t size, uint64_t seed)
{
	uint8_t *buf = malloc(size + 1);
	int fd = (int)CHECK_OK(benchfs_create(path, O_WRONLY | O_CREAT | O_EXCL, 0644, CHUNK));

	bt_fill(buf, size, 0, seed);
	CHECK_RC(benchfs_pwrite(fd, buf, size, 0), (long long)size);
	CHECK_RC(benchfs_close(fd), 0);
	free(buf);
}

static void check_file(const char *path, uint64_t size, uint64_t seed)
{
	uint8_t *buf = malloc(size + 10);
	struct stat sb;
	int fd;

	CHECK_RC(benchfs_stat(path, &sb), 0);
	CHECK_EQ(sb.st_size, size);
	fd = (int)CHECK_OK(benchfs_open(path, O_RDONLY, 0));
	CHECK_RC(benchfs_pread(fd, buf, size + 10, 0), (long long)size);
	CHECK_PATTERN(buf, size, 0, seed);
	CHECK_RC(benchfs_close(fd), 0);
	free(buf);
}

static int listed(const char *dir, const char *name)
{
	struct benchfs_dirent *e;
	benchfs_dir_t *d;
	int n = 0;

	if (benchfs_opendir(dir, &d) != 0)
		return -1;
	while (benchfs_readdir(d, &e) == 1)
		n += strcmp(e->d_name, name) == 0;
	benchfs_closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	uint8_t buf[8 * CHUNK];
	struct stat sb;
	char a[128], b[64], c[128], d1[64], d2[64], l1[64], l2[64];

	bt_start(&argc, &argv);
	snprintf(a, sizeof(a), "/a%d", bt_rank);
	snprintf(b, sizeof(b), "/b%d", bt_rank);
	snprintf(c, sizeof(c), "/c%d", bt_rank);
	snprintf(d1, sizeof(d1), "/dir1-%d", bt_rank);
	snprintf(d2, sizeof(d2), "/dir2-%d", bt_rank);
	snprintf(l1, sizeof(l1), "/l1-%d", bt_rank);
	snprintf(l2, sizeof(l2), "/l2-%d", bt_rank);

	/* 1. plain rename: the data follows, the old name is gone */
	make_file(a, 3 * CHUNK + 5, 1);
	CHECK_RC(benchfs_rename(a, b), 0);
	CHECK_RC(benchfs_stat(a, &sb), -ENOENT);
	CHECK_RC(benchfs_open(a, O_RDONLY, 0), -ENOENT);
	check_file(b, 3 * CHUNK + 5, 1);
	CHECK_RC(benchfs_stat(b, &sb), 0);
	CHECK_EQ(sb.st_blksize, CHUNK); /* keeps its chunk size */

	/* 2. a new file at the old name does not see the renamed file's bytes */
	int fd = (int)CHECK_OK(benchfs_create(a, O_RDWR | O_CREAT | O_EXCL, 0644, CHUNK));
	CHECK_RC(benchfs_ftruncate(fd, 3 * CHUNK + 5), 0);
	memset(buf, 0xa5, sizeof(buf));
	CHECK_RC(benchfs_pread(fd, buf, sizeof(buf), 0), 3 * CHUNK + 5);
	CHECK_BYTES(buf, zeros, 3 * CHUNK + 5, 0);
	CHECK_RC(benchfs_close(fd), 0);
	CHECK_RC(benchfs_unlink(a), 0);
	check_file(b, 3 * CHUNK + 5, 1);

	/* 3. replacing an existing, larger file: its data is gone */
	make_file(c, 7 * CHUNK + 100, 2);
	make_file(a, 100, 3);
	CHECK_RC(benchfs_rename(a, c), 0);
	CHECK_RC(benchfs_stat(a, &sb), -ENOENT);
	check_file(c, 100, 3);
	fd = (int)CHECK_OK(benchfs_open(c, O_RDWR, 0));
	CHECK_RC(benchfs_ftruncate(fd, 7 * CHUNK + 100), 0);
	memset(buf, 0xa5, sizeof(buf));
	CHECK_RC(benchfs_pread(fd, buf, sizeof(buf), 0), 7 * CHUNK + 100);
	CHECK_PATTERN(buf, 100, 0, 3);
	CHECK_BYTES(buf + 100, zeros, 7 * CHUNK, 100); /* not the replaced file's bytes */
	CHECK_RC(benchfs_close(fd), 0);
	bt_note("rename keeps data, frees the old name; a replaced target's data is gone");

	/* 4. into another directory */
	CHECK_RC(benchfs_mkdir(d1, 0755), 0);
	CHECK_RC(benchfs_mkdir(d2, 0755), 0);
	snprintf(a, sizeof(a), "%s/f", d1);
	snprintf(c, sizeof(c), "%s/g", d2);
	make_file(a, 5000, 4);
	CHECK_EQ(listed(d1, "f"), 1);
	CHECK_RC(benchfs_rename(a, c), 0);
	CHECK_EQ(listed(d1, "f"), 0);
	CHECK_EQ(listed(d2, "g"), 1);
	check_file(c, 5000, 4);
	CHECK_RC(benchfs_rmdir(d1), 0); /* nothing left in it */
	CHECK_RC(benchfs_rmdir(d2), -ENOTEMPTY);

	/* 5. the errors */
	CHECK_RC(benchfs_rename(c, d2), -EISDIR);  /* onto a directory */
	CHECK_RC(benchfs_rename(b, "/"), -EISDIR); /* onto the root */
	CHECK_RC(benchfs_rename(d2, "/moved"), -EXDEV);
	CHECK_RC(benchfs_rename(c, "/missing/x"), -ENOENT);
	CHECK_RC(benchfs_rename("/missing/x", "/y"), -ENOENT);
	CHECK_RC(benchfs_rename(a, "/y"), -ENOENT); /* already renamed away */
	check_file(c, 5000, 4);                     /* still intact */
	CHECK_RC(benchfs_stat(d2, &sb), 0);
	CHECK(S_ISDIR(sb.st_mode));

	/* 6. a symbolic link: the link is renamed, not its target */
	CHECK_RC(benchfs_symlink(b, l1), 0);
	CHECK_RC(benchfs_rename(l1, l2), 0);
	CHECK_RC(benchfs_lstat(l1, &sb), -ENOENT);
	CHECK_RC(benchfs_lstat(l2, &sb), 0);
	CHECK(S_ISLNK(sb.st_mode));
	memset(buf, 0, 64);
	CHECK_RC(benchfs_readlink(l2, (char *)buf, 64), (long long)strlen(b));
	CHECK(strcmp((char *)buf, b) == 0);
	check_file(b, 3 * CHUNK + 5, 1);
	bt_note("rename into another dir, of a symlink; EISDIR, EXDEV, ENOENT as documented");

	/* 7. another client sees the result of this client's renames */
	MPI_Barrier(bt_comm);
	int o = (bt_rank + 1) % bt_size;
	snprintf(a, sizeof(a), "/a%d", o);
	snprintf(b, sizeof(b), "/b%d", o);
	snprintf(c, sizeof(c), "/dir2-%d/g", o);
	CHECK_RC(benchfs_stat(a, &sb), -ENOENT);
	check_file(b, 3 * CHUNK + 5, 1);
	check_file(c, 5000, 4);
	bt_note("other clients see the renamed files");
	return bt_finish();
}
