/*
 * benchfsd - standalone BenchFS servers: every rank of the MPI job serves.
 *
 *   mpirun -n N benchfsd [-d DIR] -a ADDRFILE [--sync]
 *
 * Server i keeps its data in DIR/server-i. Rank 0 writes ADDRFILE (mode 0600): the servers'
 * UCX addresses and the file system's secret, which clients read with benchfs_init(ADDRFILE) or
 * BENCHFS_ADDR. The servers run until benchfs-shutdown.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchfs_mpi.h"
#include "common/ring.h"
#include "mpi/injob.h"
#include "net/addrfile.h"
#include "net/rpc.h"
#include "server/server.h"

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: mpirun -n N benchfsd [-d DIR] -a ADDRFILE [--sync]\n"
	        "  -d, --data-dir DIR   node-local data directory (default $TMPDIR/benchfs-$USER)\n"
	        "  -a, --addr ADDRFILE  address file to write for clients\n"
	        "  -s, --sync           flush metadata at every operation\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"data-dir", required_argument, 0, 'd'},
	                                     {"addr", required_argument, 0, 'a'},
	                                     {"sync", no_argument, 0, 's'},
	                                     {"help", no_argument, 0, 'h'},
	                                     {0, 0, 0, 0}};
	const char *data_dir = NULL, *addrfile = NULL;
	struct bfs_server *srv = NULL;
	char base[4096], dir[4200];
	void *addr = NULL, **addrs = NULL;
	size_t alen = 0, *lens = NULL;
	int rank, size, c, rc, all_rc, sync = 0;
	uint64_t secret;

	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	while ((c = getopt_long(argc, argv, "d:a:sh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			data_dir = optarg;
			break;
		case 'a':
			addrfile = optarg;
			break;
		case 's':
			sync = 1;
			break;
		case 'h':
			if (rank == 0)
				usage(stdout);
			MPI_Finalize();
			return 0;
		default:
			if (rank == 0)
				usage(stderr);
			MPI_Finalize();
			return 2;
		}
	}
	if (!addrfile || optind != argc) {
		if (rank == 0) {
			fprintf(stderr, "benchfsd: %s\n",
			        addrfile ? "unexpected argument"
			                 : "an address file (-a) is needed");
			usage(stderr);
		}
		MPI_Finalize();
		return 2;
	}
	secret = rank == 0 ? bfs_new_secret() : 0;
	MPI_Bcast(&secret, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
	rc = bfs_default_data_dir(data_dir, base, sizeof(base));
	if (!rc) {
		struct bfs_server_config cfg = {.index = (uint32_t)rank,
		                                .count = (uint32_t)size,
		                                .vnodes = BFS_RING_VNODES_DEFAULT,
		                                .seed = BFS_RING_SEED_DEFAULT,
		                                .secret = secret,
		                                .sync = sync || getenv("BENCHFS_SYNC")};
		snprintf(dir, sizeof(dir), "%s/server-%d", base, rank);
		cfg.data_dir = dir;
		rc = bfs_server_open(&srv, &cfg);
	}
	if (!rc)
		rc = bfs_server_address(srv, &addr, &alen);
	MPI_Allreduce(&rc, &all_rc, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
	if (!all_rc)
		all_rc = bfs_exchange_addresses(MPI_COMM_WORLD, rank, addr, alen, (uint32_t)size,
		                                &addrs, &lens);
	if (!all_rc && rank == 0) {
		all_rc = bfs_addrfile_write(addrfile, secret, (uint32_t)size, addrs, lens);
		if (all_rc)
			fprintf(stderr, "benchfsd: %s: %s\n", addrfile, strerror(-all_rc));
	}
	MPI_Bcast(&all_rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
	free(addr);
	bfs_free_addresses((uint32_t)size, addrs, lens);
	if (all_rc) {
		if (rank == 0 && !rc)
			fprintf(stderr, "benchfsd: servers could not start: %s\n",
			        strerror(-all_rc));
		bfs_server_close(srv);
		MPI_Finalize();
		return 1;
	}
	if (rank == 0)
		printf("benchfsd: %d server%s ready; clients attach with BENCHFS_ADDR=%s\n", size,
		       size > 1 ? "s" : "", addrfile);
	fflush(stdout);
	rc = bfs_server_run(srv);
	bfs_server_close(srv);
	MPI_Barrier(MPI_COMM_WORLD);
	if (rank == 0) {
		unlink(addrfile);
		printf("benchfsd: stopped\n");
	}
	MPI_Finalize();
	return rc ? 1 : 0;
}
