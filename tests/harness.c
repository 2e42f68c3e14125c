/*
 * harness.c - start and stop of the in-job servers for the MPI integration tests, and the
 * collective verdict. See harness.h.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static int skipped;

void bt_start(int *argc, char ***argv)
{
	const char *env = getenv("BFS_TEST_SERVERS"), *dir = getenv("BFS_TEST_DATA_DIR");
	const char *slash;
	int world_rank, world_size, rc;

	MPI_Init(argc, argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
	MPI_Comm_size(MPI_COMM_WORLD, &world_size);
	slash = strrchr((*argv)[0], '/');
	bt_test_name = slash ? slash + 1 : (*argv)[0];
	bt_nservers = *argc > 1 ? atoi((*argv)[1]) : env ? atoi(env) : 1;
	if (!dir || !*dir) {
		if (world_rank == 0)
			fprintf(stderr, "%s: set BFS_TEST_DATA_DIR to a fresh directory\n",
			        bt_test_name);
		MPI_Finalize();
		exit(BT_FAIL);
	}
	if (world_size < bt_nservers + 1 || bt_nservers < 1) {
		if (world_rank == 0)
			fprintf(stderr, "%s: %d servers need at least %d ranks (have %d)\n",
			        bt_test_name, bt_nservers, bt_nservers + 1, world_size);
		MPI_Finalize();
		exit(BT_FAIL);
	}
	rc = benchfs_mpi_start(MPI_COMM_WORLD, bt_nservers, dir, &bt_comm);
	if (rc == BENCHFS_MPI_SERVED) {
		MPI_Finalize();
		exit(BT_PASS);
	}
	if (rc < 0) {
		/* on stdout: stderr is left to the library's own message (restart_persistence) */
		if (world_rank == 0)
			printf("%s: FAIL benchfs_mpi_start(%d servers, %s): %s (%s)\n",
			       bt_test_name, bt_nservers, dir, bt_errname(rc),
			       benchfs_strerror(rc));
		/* out before any rank can exit: mpirun kills the others at the first non-zero
		 * exit, and a buffered line would be lost (seen on a slower machine) */
		fflush(stdout);
		MPI_Finalize();
		exit(BT_FAIL);
	}
	MPI_Comm_rank(bt_comm, &bt_rank);
	MPI_Comm_size(bt_comm, &bt_size);
	bt_note("%d servers, %d clients, data in %s", bt_nservers, bt_size, dir);
}

void bt_skip(const char *why)
{
	skipped = 1;
	printf("rank %d: SKIP: %s\n", bt_rank, why);
	fflush(stdout);
}

int bt_all(int ok)
{
	int all = 0;

	ok = ok ? 1 : 0;
	MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, bt_comm);
	return all;
}

int bt_finish(void)
{
	int mine = bt_failures ? 2 : skipped ? 1 : 0, worst = 0, rc;

	MPI_Allreduce(&mine, &worst, 1, MPI_INT, MPI_MAX, bt_comm);
	rc = benchfs_mpi_stop(&bt_comm);
	if (rc) {
		printf("rank %d: FAIL benchfs_mpi_stop: %s\n", bt_rank, bt_errname(rc));
		worst = 2;
	}
	if (bt_failures)
		printf("rank %d: %ld failed checks\n", bt_rank, bt_failures);
	bt_note("%s", worst == 2 ? "FAIL" : worst == 1 ? "SKIP" : "PASS");
	fflush(stdout);
	MPI_Finalize();
	return worst == 2 ? BT_FAIL : worst == 1 ? BT_SKIP : BT_PASS;
}
