/*
 * readdir_large - a directory of 10 000 entries (files, directories and symbolic links) created
 * by all clients together; every client lists it and must see every name exactly once with the
 * right d_type, the right count, and no "." or ".." (nor entries of its subdirectories or of
 * siblings whose names start with its name: "/bigger", "/big-x"). Removing the entries again leaves
 * an empty listing.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define NENT 10000

static unsigned char type_of(int i)
{
	return i % 10 == 3 ? DT_DIR : i % 10 == 7 ? DT_LNK : DT_REG;
}

static void list_and_check(int expect)
{
	unsigned char *seen = calloc(NENT, 1);
	struct benchfs_dirent *e;
	benchfs_dir_t *d;
	long count = 0, bad = 0;
	int rc;

	if (CHECK_OK(benchfs_opendir("/big", &d)) < 0)
		goto out;
	while ((rc = benchfs_readdir(d, &e)) == 1) {
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
	t0 = bt_now();
	list_and_check(NENT);
	MPI_Barrier(bt_comm);
	bt_note("every client listed each of the %d names once, right d_type, no \".\" (%.1f s)",
	        NENT, bt_now() - t0);

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
	list_and_check(0);
	MPI_Barrier(bt_comm); /* every client listed it before it goes */
	if (bt_rank == 0)
		CHECK_RC(benchfs_rmdir("/big"), 0);
	bt_note("after removing them the listing is empty and the directory removable");
	return bt_finish();
}
