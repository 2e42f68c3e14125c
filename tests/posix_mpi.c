/*
 * posix_mpi - a plain MPI program (mpicc, no BenchFS header or library) doing its I/O with
 * POSIX calls; tests/posix_mpi.sh runs it under benchfs-run --servers, where
 * libbenchfs-posix.so sends the calls on DIR (under the mount prefix) to BenchFS:
 *
 *	posix_mpi DIR
 *
 * Every rank writes a file of its own (write, fsync, close) and a block of one shared file
 * (pwrite at rank * 1 MiB), and a line with fprintf; after a barrier, every rank reads every
 * other rank's file and the whole shared file back and checks the bytes and the sizes (stat).
 * Rank 0 prints "posix_mpi: N ranks ok" or the failures; exit status 1 on any failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OWN   (3 << 20) /* bytes of each rank's own file */
#define BLOCK (1 << 20) /* bytes of each rank's block of the shared file */

static int failures;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			failures++;                                                                \
			fprintf(stderr, "rank %d: FAIL line %d: ", rank, __LINE__);                \
			fprintf(stderr, __VA_ARGS__);                                              \
			fprintf(stderr, " (%s)\n", strerror(errno));                               \
		}                                                                                  \
	} while (0)

static void pattern(char *b, size_t n, int who, int salt)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (char)(who * 131 + salt * 17 + i * 7 + (i >> 12));
}

int main(int argc, char **argv)
{
	char path[4096], *buf, *got;
	int rank, size, fd, total;
	struct stat st;
	FILE *f;

	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	if (argc != 2) {
		if (rank == 0)
			fprintf(stderr, "usage: posix_mpi DIR\n");
		MPI_Abort(MPI_COMM_WORLD, 2);
	}
	buf = malloc(OWN);
	got = malloc(OWN);
	if (rank == 0)
		CHECK(mkdir(argv[1], 0755) == 0 || errno == EEXIST, "mkdir %s", argv[1]);
	MPI_Barrier(MPI_COMM_WORLD);

	snprintf(path, sizeof(path), "%s/rank-%d", argv[1], rank);
	pattern(buf, OWN, rank, 1);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0, "open %s", path);
	for (size_t off = 0; fd >= 0 && off < OWN; off += 65536)
		CHECK(write(fd, buf + off, 65536) == 65536, "write %s", path);
	CHECK(fsync(fd) == 0 && close(fd) == 0, "fsync/close %s", path);

	snprintf(path, sizeof(path), "%s/shared", argv[1]);
	pattern(buf, BLOCK, rank, 2);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0 && pwrite(fd, buf, BLOCK, (off_t)rank * BLOCK) == BLOCK, "pwrite %s", path);
	CHECK(close(fd) == 0, "close %s", path);

	snprintf(path, sizeof(path), "%s/line-%d", argv[1], rank);
	f = fopen(path, "w");
	CHECK(f && fprintf(f, "rank %d of %d\n", rank, size) > 0 && fclose(f) == 0, "fprintf");
	MPI_Barrier(MPI_COMM_WORLD);

	for (int r = 0; r < size; r++) {
		char line[64], want[64];

		snprintf(path, sizeof(path), "%s/rank-%d", argv[1], r);
		pattern(buf, OWN, r, 1);
		fd = open(path, O_RDONLY);
		CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == OWN, "size of %s", path);
		CHECK(fd >= 0 && pread(fd, got, OWN, 0) == OWN && !memcmp(got, buf, OWN),
		      "bytes of %s", path);
		close(fd);
		snprintf(path, sizeof(path), "%s/line-%d", argv[1], r);
		snprintf(want, sizeof(want), "rank %d of %d\n", r, size);
		f = fopen(path, "r");
		CHECK(f && fgets(line, sizeof(line), f) && !strcmp(line, want), "line of %s", path);
		if (f)
			fclose(f);
	}
	snprintf(path, sizeof(path), "%s/shared", argv[1]);
	CHECK(stat(path, &st) == 0 && st.st_size == (off_t)size * BLOCK, "size of %s: %lld", path,
	      (long long)st.st_size);
	fd = open(path, O_RDONLY);
	for (int r = 0; fd >= 0 && r < size; r++) {
		pattern(buf, BLOCK, r, 2);
		CHECK(pread(fd, got, BLOCK, (off_t)r * BLOCK) == BLOCK && !memcmp(got, buf, BLOCK),
		      "block %d of %s", r, path);
	}
	close(fd);

	MPI_Allreduce(&failures, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
	if (rank == 0)
		printf(total ? "posix_mpi: %d failures\n" : "posix_mpi: %d ranks ok\n",
		       total ? total : size);
	free(buf);
	free(got);
	MPI_Finalize();
	return total ? 1 : 0;
}
