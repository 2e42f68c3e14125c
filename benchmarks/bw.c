/*
 * bw - file-per-process bandwidth through the native API with in-job servers: every client
 * writes SIZE MiB in TRANSFER-byte pwrites, fsyncs, then reads it back; rank 0 prints the
 * aggregate MiB/s of each phase. The seed of the benchmark suite (issue 5); used for the chunk
 * size table in docs/DESIGN.md.
 *
 *   mpirun -n 4 benchmarks/bw --servers 2 [--data-dir DIR] [--transfer BYTES] [--size MiB]
 *                              [--chunk-size BYTES] [--verify]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchfs_mpi.h"

static void fill(char *b, size_t n, uint64_t off, int rank)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (char)((off + i) * 31 + (uint64_t)rank);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"servers", required_argument, 0, 's'},
	                                     {"data-dir", required_argument, 0, 'd'},
	                                     {"transfer", required_argument, 0, 't'},
	                                     {"size", required_argument, 0, 'b'},
	                                     {"chunk-size", required_argument, 0, 'c'},
	                                     {"verify", no_argument, 0, 'v'},
	                                     {0, 0, 0, 0}};
	size_t xfer = 1 << 20, chunk = 0, total;
	long mib = 256;
	int nservers = 1, verify = 0, rank, n, c, fd, bad = 0;
	const char *dir = NULL;
	char path[64], *buf, *ref;
	double t, tw, tr;
	MPI_Comm cl;

	MPI_Init(&argc, &argv);
	while ((c = getopt_long(argc, argv, "s:d:t:b:c:v", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			nservers = atoi(optarg);
			break;
		case 'd':
			dir = optarg;
			break;
		case 't':
			xfer = strtoull(optarg, NULL, 0);
			break;
		case 'b':
			mib = atol(optarg);
			break;
		case 'c':
			chunk = strtoull(optarg, NULL, 0);
			break;
		case 'v':
			verify = 1;
			break;
		default:
			MPI_Finalize();
			return 2;
		}
	}
	total = (size_t)mib << 20;
	if (xfer == 0 || total % xfer) {
		fprintf(stderr, "bw: --size must be a multiple of --transfer\n");
		MPI_Finalize();
		return 2;
	}
	c = benchfs_mpi_start(MPI_COMM_WORLD, nservers, dir, &cl);
	if (c == BENCHFS_MPI_SERVED || c < 0) {
		if (c < 0)
			fprintf(stderr, "bw: cannot start servers: %s\n", benchfs_strerror(c));
		MPI_Finalize();
		return c < 0;
	}
	MPI_Comm_rank(cl, &rank);
	MPI_Comm_size(cl, &n);
	snprintf(path, sizeof(path), "/bw.%d", rank);
	buf = malloc(xfer);
	ref = malloc(xfer);
	fd = benchfs_create(path, O_RDWR | O_TRUNC, 0644, chunk);
	if (fd < 0 || !buf || !ref) {
		fprintf(stderr, "bw: %s: %s\n", path, benchfs_strerror(fd < 0 ? fd : -ENOMEM));
		MPI_Abort(MPI_COMM_WORLD, 1);
	}
	MPI_Barrier(cl);
	t = MPI_Wtime();
	for (size_t off = 0; off < total; off += xfer) {
		if (verify)
			fill(buf, xfer, off, rank);
		if (benchfs_pwrite(fd, buf, xfer, (off_t)off) != (ssize_t)xfer)
			bad++;
	}
	benchfs_fsync(fd);
	MPI_Barrier(cl);
	tw = MPI_Wtime() - t;
	t = MPI_Wtime();
	for (size_t off = 0; off < total; off += xfer) {
		if (benchfs_pread(fd, buf, xfer, (off_t)off) != (ssize_t)xfer)
			bad++;
		if (verify) {
			fill(ref, xfer, off, rank);
			bad += memcmp(buf, ref, xfer) != 0;
		}
	}
	MPI_Barrier(cl);
	tr = MPI_Wtime() - t;
	MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_SUM, cl);
	if (rank == 0)
		printf(
		    "bw: %d clients, %d servers, transfer %zu B, %ld MiB each: write %.0f MiB/s, "
		    "read %.0f MiB/s%s\n",
		    n, nservers, xfer, mib, (double)n * (double)mib / tw,
		    (double)n * (double)mib / tr,
		    bad      ? ", ERRORS"
		    : verify ? ", verified"
		             : "");
	benchfs_close(fd);
	benchfs_unlink(path);
	free(buf);
	free(ref);
	benchfs_mpi_stop(&cl);
	MPI_Finalize();
	return bad ? 1 : 0;
}
