/*
 * ns_exclusive - creation is exclusive across clients: when every client races to create the
 * same names with O_CREAT|O_EXCL, mkdir or symlink, each name is created by exactly one client
 * and every other client gets -EEXIST; the winner's file is the one that exists afterwards.
 */
#include <fcntl.h>
#include <string.h>

#include "harness.h"

#define NNAMES 200

int main(int argc, char **argv)
{
	int won[NNAMES], total[NNAMES];
	const char *kinds[] = {"open", "mkdir", "symlink"};
	char path[64], target[32];

	bt_start(&argc, &argv);
	for (int k = 0; k < 3; k++) {
		for (int i = 0; i < NNAMES; i++) {
			int rc;

			snprintf(path, sizeof(path), "/x-%s-%d", kinds[k], i);
			snprintf(target, sizeof(target), "/by-%d", bt_rank);
			if (i % 20 == 0)
				MPI_Barrier(
				    bt_comm); /* keep the clients racing on the same names */
			if (k == 0) {
				rc = benchfs_open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
				if (rc >= 0) {
					CHECK_RC(benchfs_write(rc, target, strlen(target)),
					         (long long)strlen(target));
					CHECK_RC(benchfs_close(rc), 0);
					rc = 0;
				}
			} else if (k == 1) {
				rc = benchfs_mkdir(path, 0755);
			} else {
				rc = benchfs_symlink(target, path);
			}
			won[i] = rc == 0;
			if (rc != 0)
				CHECK_RC(rc, -EEXIST);
		}
		MPI_Allreduce(won, total, NNAMES, MPI_INT, MPI_SUM, bt_comm);
		for (int i = 0; i < NNAMES; i++) {
			if (total[i] != 1)
				bt_fail(__FILE__, __LINE__,
				        "%s of /x-%s-%d succeeded on %d clients", kinds[k],
				        kinds[k], i, total[i]);
			if (!won[i] || k == 1)
				continue;
			/* the winner's content is what exists */
			char buf[32] = {0};
			snprintf(path, sizeof(path), "/x-%s-%d", kinds[k], i);
			snprintf(target, sizeof(target), "/by-%d", bt_rank);
			if (k == 0) {
				int fd = (int)CHECK_OK(benchfs_open(path, O_RDONLY, 0));
				CHECK_RC(benchfs_read(fd, buf, sizeof(buf)),
				         (long long)strlen(target));
				CHECK_RC(benchfs_close(fd), 0);
			} else {
				CHECK_RC(benchfs_readlink(path, buf, sizeof(buf)),
				         (long long)strlen(target));
			}
			CHECK(strcmp(buf, target) == 0);
		}
		bt_note("%s: each of %d names created by exactly one of %d racing clients, "
		        "-EEXIST for the others",
		        kinds[k], NNAMES, bt_size);
	}
	return bt_finish();
}
