/*
 * incomplete_file - helper of stagein_interrupted.sh: leave a file as an interrupted stage-in
 * leaves a split file, or check that a rename keeps the incomplete mark.
 *
 *   incomplete_file SERVERS PATH SIZE     create PATH marked incomplete (BENCHFS_O_INCOMPLETE),
 *                                         give it SIZE bytes (ftruncate: all zeros) and close
 *                                         it: the mark stays, stat says SIZE
 *   incomplete_file SERVERS -r OLD NEW    rename OLD (marked) to NEW: NEW is marked, then
 *                                         benchfs_complete(NEW) clears the mark
 * Data directory: env BFS_TEST_DATA_DIR. Rank 0 does the work.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static void leave_incomplete(const char *path, long long size)
{
	unsigned flags = 0;
	struct stat st;
	int fd = (int)CHECK_OK(
	    benchfs_create(path, O_WRONLY | O_CREAT | O_EXCL | BENCHFS_O_INCOMPLETE, 0644, 0));

	if (fd < 0)
		return;
	CHECK_RC(benchfs_ftruncate(fd, size), 0);
	CHECK_RC(benchfs_close(fd), 0);
	CHECK_RC(benchfs_lstat_flags(path, &st, &flags), 0);
	CHECK_EQ(st.st_size, size);
	CHECK_EQ(flags, BENCHFS_FL_INCOMPLETE);
	CHECK_RC(benchfs_lstat_flags(path, &st, NULL), -EINVAL);
}

static void rename_keeps_mark(const char *from, const char *to)
{
	unsigned flags = 0;
	struct stat st;

	CHECK_RC(benchfs_rename(from, to), 0);
	CHECK_RC(benchfs_lstat_flags(to, &st, &flags), 0);
	CHECK_EQ(flags, BENCHFS_FL_INCOMPLETE);
	CHECK_RC(benchfs_complete(to), 0);
	CHECK_RC(benchfs_lstat_flags(to, &st, &flags), 0);
	CHECK_EQ(flags, 0);
	CHECK_RC(benchfs_complete("/"), -EPERM);
	CHECK_RC(benchfs_complete("/no/such/file"), -ENOENT);
}

int main(int argc, char **argv)
{
	bt_test_name = "incomplete_file";
	bt_start(&argc, &argv);
	if (bt_rank == 0) {
		if (argc == 5 && strcmp(argv[2], "-r") == 0)
			rename_keeps_mark(argv[3], argv[4]);
		else if (argc == 4)
			leave_incomplete(argv[2], atoll(argv[3]));
		else
			bt_fail(__FILE__, __LINE__,
			        "usage: incomplete_file SERVERS PATH SIZE | -r OLD NEW");
	}
	return bt_finish();
}
