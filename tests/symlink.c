/*
 * symlink - symbolic links are stored and returned but never followed: readlink gives the
 * target's bytes (any string, truncated to the buffer without NUL), lstat gives S_IFLNK with
 * st_size = target length, stat and open of the link give -ELOOP, readlink of a non-link gives
 * -EINVAL, unlink removes the link and not its target, readdir reports DT_LNK, and other
 * clients see the same.
 */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>

#include "harness.h"

static void check_link(const char *link, const char *target)
{
	char buf[BENCHFS_PATH_MAX + 10];
	size_t len = strlen(target);
	struct stat sb;

	memset(buf, 'Z', sizeof(buf));
	CHECK_RC(benchfs_readlink(link, buf, sizeof(buf)), (long long)len);
	CHECK(memcmp(buf, target, len) == 0);
	CHECK(buf[len] == 'Z'); /* no NUL added */
	memset(buf, 'Z', sizeof(buf));
	CHECK_RC(benchfs_readlink(link, buf, 3), 3); /* truncated */
	CHECK(memcmp(buf, target, 3) == 0 && buf[3] == 'Z');
	CHECK_RC(benchfs_lstat(link, &sb), 0);
	CHECK(S_ISLNK(sb.st_mode));
	CHECK_EQ(sb.st_size, len);
	CHECK_RC(benchfs_stat(link, &sb), -ELOOP);
	CHECK_RC(benchfs_open(link, O_RDONLY, 0), -ELOOP);
}

int main(int argc, char **argv)
{
	static char longtarget[BENCHFS_PATH_MAX + 1];
	char d[64], f[128], l1[128], l2[128], l3[128], l4[128];
	struct benchfs_dirent *e;
	benchfs_dir_t *dir;
	struct stat sb;
	int fd, types = 0;

	bt_start(&argc, &argv);
	snprintf(d, sizeof(d), "/s%d", bt_rank);
	snprintf(f, sizeof(f), "%s/file", d);
	snprintf(l1, sizeof(l1), "%s/to-file", d);
	snprintf(l2, sizeof(l2), "%s/dangling", d);
	snprintf(l3, sizeof(l3), "%s/relative", d);
	snprintf(l4, sizeof(l4), "%s/long", d);
	memset(longtarget, 'x', BENCHFS_PATH_MAX);

	CHECK_RC(benchfs_mkdir(d, 0755), 0);
	fd = (int)CHECK_OK(benchfs_open(f, O_WRONLY | O_CREAT, 0644));
	CHECK_RC(benchfs_write(fd, "data", 4), 4);
	CHECK_RC(benchfs_close(fd), 0);
	CHECK_RC(benchfs_symlink(f, l1), 0);
	CHECK_RC(benchfs_symlink("/no/such/target", l2), 0);
	CHECK_RC(benchfs_symlink("../x/./y//z", l3), 0); /* stored as given, not normalized */
	CHECK_RC(benchfs_symlink(longtarget, l4), 0);    /* BENCHFS_PATH_MAX bytes */
	check_link(l1, f);
	check_link(l2, "/no/such/target");
	check_link(l3, "../x/./y//z");
	check_link(l4, longtarget);
	CHECK_RC(benchfs_readlink(f, f + 100, 10), -EINVAL);
	CHECK_RC(benchfs_readlink(d, f + 100, 10), -EINVAL);
	CHECK_RC(benchfs_symlink("", "/empty-target"), -EINVAL);
	CHECK_RC(benchfs_symlink(f, l1), -EEXIST);

	/* readdir reports the types */
	if (CHECK_OK(benchfs_opendir(d, &dir)) == 0) {
		while (benchfs_readdir(dir, &e) == 1) {
			if (strcmp(e->d_name, "file") == 0) {
				CHECK_EQ(e->d_type, DT_REG);
				types |= 1;
			} else {
				CHECK_EQ(e->d_type, DT_LNK);
				types |= 2;
			}
		}
		benchfs_closedir(dir);
	}
	CHECK_EQ(types, 3);

	/* unlink removes the link only */
	CHECK_RC(benchfs_unlink(l1), 0);
	CHECK_RC(benchfs_lstat(l1, &sb), -ENOENT);
	CHECK_RC(benchfs_stat(f, &sb), 0);
	CHECK_EQ(sb.st_size, 4);
	CHECK_RC(benchfs_symlink(f, l1), 0); /* and the name can be used again */
	bt_note("readlink/lstat/stat/open/unlink of symlinks as documented");

	/* another client's links */
	MPI_Barrier(bt_comm);
	snprintf(d, sizeof(d), "/s%d", (bt_rank + 1) % bt_size);
	snprintf(f, sizeof(f), "%s/file", d);
	snprintf(l1, sizeof(l1), "%s/to-file", d);
	snprintf(l3, sizeof(l3), "%s/relative", d);
	check_link(l1, f);
	check_link(l3, "../x/./y//z");
	bt_note("another client sees the same links");
	return bt_finish();
}
