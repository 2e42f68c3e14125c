/*
 * readdir_large - a directory of 10 000 entries (files, directories and symbolic links) created
 * by all clients together; every client lists it and must see every name exactly once with the
 * right d_type, the right count, and no "." or ".." (nor entries of its subdirectories or of
 * siblings whose names start with its name: "/bigger", "/big-x"). It is listed three ways: names
 * only (benchfs_readdir), with attributes in the pages (benchfs_opendir_flags BENCHFS_DIR_STAT,
 * benchfs_readdir_stat) and with attributes looked up per entry (benchfs_readdir_stat on a plain
 * stream); the attributes must equal benchfs_lstat()'s (inode, type, size of the files with
 * data, mtime) and d_ino the inode. Removing the entries again leaves an empty listing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"

#define NENT 10000

static unsigned char type_of(int i)
{
	return i % 10 == 3 ? DT_DIR : i % 10 == 7 ? DT_LNK : DT_REG;
}

/* bytes written into entry @i (a regular file), 0 for most */
static size_t size_of(int i)
{
	return i % 10 == 1 ? (size_t)(i % 97 + 1) : 0;
}

/* the attributes of entry @e (readdir_stat) against benchfs_lstat's; 0 when they agree */
static int attrs_differ(const struct benchfs_dirent *e, const struct stat *st, long i)
{
	char path[300];
	struct stat ref;

	snprintf(path, sizeof(path), "/big/%s", e->d_name);
	if (benchfs_lstat(path, &ref))
		return 1;
	return st->st_ino != ref.st_ino || e->d_ino != (uint64_t)ref.st_ino ||
	       st->st_mode != ref.st_mode || st->st_size != ref.st_size ||
	       st->st_mtim.tv_sec != ref.st_mtim.tv_sec ||
	       st->st_mtim.tv_nsec != ref.st_mtim.tv_nsec || st->st_uid != ref.st_uid ||
	       (type_of((int)i) == DT_REG && (size_t)st->st_size != size_of((int)i));
}

/* @how: 0 names only, 1 attributes in the pages, 2 attributes looked up per entry */
static void list_and_check(int expect, int how)
{
	unsigned char *seen = calloc(NENT, 1);
	struct benchfs_dirent *e;
	benchfs_dir_t *d;
	long count = 0, bad = 0;
	struct stat st;
	unsigned fl;
	int rc;

	if (CHECK_OK(benchfs_opendir_flags("/big", how == 1 ? BENCHFS_DIR_STAT : 0, &d)) < 0)
		goto out;
	while ((rc = how ? benchfs_readdir_stat(d, &e, &st, &fl) : benchfs_readdir(d, &e)) == 1) {
		char *end;
		long i;

		count++;
		if (strncmp(e->d_name, "e", 1) != 0 || strlen(e->d_name) != 6) {
			if (bad++ < 5)
				bt_fail(__FILE__, __LINE__, "unexpected name \"%s\"", e->d_name);
			continue;
		}
		i = strtol(e->d_name + 1, &end, 10);
		if (*end || i < 0 || i >= NENT) {
			if (bad++ < 5)
				bt_fail(__FILE__, __LINE__, "unexpected name \"%s\"", e->d_name);
			continue;
		}
		if (seen[i]++ == 1 && bad++ < 5)
			bt_fail(__FILE__, __LINE__, "\"%s\" listed twice", e->d_name);
		if (e->d_type != type_of((int)i) && bad++ < 5)
			bt_fail(__FILE__, __LINE__, "\"%s\": d_type %d, want %d", e->d_name,
			        e->d_type, type_of((int)i));
		if (how && attrs_differ(e, &st, i) && bad++ < 5)
			bt_fail(__FILE__, __LINE__,
			        "\"%s\": attributes (listing %d) differ from lstat's", e->d_name,
			        how);
		if (how && (fl & ~BENCHFS_FL_INLINE) != 0 && bad++ < 5)
			bt_fail(__FILE__, __LINE__, "\"%s\": flags %#x, want none but inline",
			        e->d_name, fl);
	}
	CHECK_RC(rc, 0);
	CHECK_RC(benchfs_closedir(d), 0);
	CHECK_EQ(count, expect);
	if (expect)
		for (int i = 0; i < NENT; i++)
			if (!seen[i] && bad++ < 5)
				bt_fail(__FILE__, __LINE__, "e%05d not listed", i);
out:
	free(seen);
}

int main(int argc, char **argv)
{
	static const char fill[128] = "the bytes of the small files";
	char path[64];
	double t0;

	bt_start(&argc, &argv);
	if (bt_rank == 0)
		CHECK_RC(benchfs_mkdir("/big", 0755), 0);
	MPI_Barrier(bt_comm);
	t0 = bt_now();
	for (int i = bt_rank; i < NENT; i += bt_size) {
		int fd;

		snprintf(path, sizeof(path), "/big/e%05d", i);
		switch (type_of(i)) {
		case DT_DIR:
			CHECK_RC(benchfs_mkdir(path, 0755), 0);
			break;
		case DT_LNK:
			CHECK_RC(benchfs_symlink("/somewhere", path), 0);
			break;
		default:
			fd = (int)CHECK_OK(benchfs_open(path, O_WRONLY | O_CREAT | O_EXCL, 0644));
			if (fd >= 0 && size_of(i))
				CHECK_RC(benchfs_pwrite(fd, fill, size_of(i), 0),
				         (ssize_t)size_of(i));
			if (fd >= 0)
				CHECK_RC(benchfs_close(fd), 0);
		}
	}
	/* entries that must not show up: inside subdirectories, in a sibling with a longer name */
	if (bt_rank == 0) {
		CHECK_RC(benchfs_mkdir("/bigger", 0755), 0);
		CHECK_RC(benchfs_mkdir("/big-x", 0755), 0);
		CHECK_RC(benchfs_symlink("/y", "/bigger/e00001"), 0);
		CHECK_RC(benchfs_symlink("/y", "/big-x/e00002"), 0);
	}
	for (int i = bt_rank; i < NENT; i += bt_size)
		if (i % 1000 == 3) {
			snprintf(path, sizeof(path), "/big/e%05d/e%05d", i, i + 1);
			CHECK_RC(benchfs_symlink("/y", path), 0);
		}
	MPI_Barrier(bt_comm);
	bt_note("%d entries created by %d clients in %.1f s", NENT, bt_size, bt_now() - t0);
	for (int how = 0; how < 3; how++) {
		t0 = bt_now();
		list_and_check(NENT, how);
		MPI_Barrier(bt_comm);
		bt_note("every client listed each of the %d names once, right d_type, no \".\"%s "
		        "(%.2f s)",
		        NENT,
		        how == 1   ? ", attributes from the pages as lstat gives them"
		        : how == 2 ? ", attributes looked up as lstat gives them"
		                   : "",
		        bt_now() - t0);
	}
	{
		benchfs_dir_t *d;
		struct benchfs_dirent *e;
		struct stat st;

		CHECK_RC(benchfs_opendir_flags("/big", 0x80, &d), -EINVAL);
		if (CHECK_OK(benchfs_opendir_flags("/big", BENCHFS_DIR_STAT, &d)) == 0) {
			CHECK_RC(benchfs_readdir_stat(d, &e, NULL, NULL), -EINVAL);
			CHECK_RC(benchfs_readdir_stat(d, &e, &st, NULL), 1); /* flags may be NULL */
			CHECK_RC(benchfs_closedir(d), 0);
		}
		CHECK_RC(benchfs_opendir_flags("/nosuch", BENCHFS_DIR_STAT, &d), -ENOENT);
	}

	for (int i = bt_rank; i < NENT; i += bt_size) {
		if (i % 1000 == 3) {
			snprintf(path, sizeof(path), "/big/e%05d/e%05d", i, i + 1);
			CHECK_RC(benchfs_unlink(path), 0);
		}
		snprintf(path, sizeof(path), "/big/e%05d", i);
		if (type_of(i) == DT_DIR)
			CHECK_RC(benchfs_rmdir(path), 0);
		else
			CHECK_RC(benchfs_unlink(path), 0);
	}
	MPI_Barrier(bt_comm);
	list_and_check(0, 0);
	list_and_check(0, 1);
	MPI_Barrier(bt_comm); /* every client listed it before it goes */
	if (bt_rank == 0)
		CHECK_RC(benchfs_rmdir("/big"), 0);
	bt_note("after removing them the listing is empty and the directory removable");
	return bt_finish();
}
