/*
 * benchfsd - standalone BenchFS servers: every rank of the MPI job serves.
 *
 *   mpirun -n N benchfsd --attach ADDRFILE [--data-dir DIR] [--sync] [--new-fs]
 *
 * Server i keeps its data in DIR/server-i. Rank 0 writes ADDRFILE (mode 0600): the servers'
 * UCX addresses and the file system's secret, which clients read with --attach ADDRFILE,
 * benchfs_init(ADDRFILE) or BENCHFS_ADDR. The servers run until benchfs-shutdown. Options
 * follow common/cli.h; --sync and --new-fs set BENCHFS_SYNC=1 and BENCHFS_NEW_FS=1 before the
 * servers open their data directories.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchfs_mpi.h"
#include "common/cli.h"
#include "common/ring.h"
#include "common/util.h"
#include "mpi/injob.h"
#include "net/addrfile.h"
#include "net/ucx.h"
#include "server/server.h"

#define NAME "benchfsd"

static const char usage_line[] =
    "Usage: mpirun -n N benchfsd --attach ADDRFILE [--data-dir DIR] [--sync] [--new-fs]\n";

static const char help_text[] =
    "Standalone BenchFS servers: every rank of the job serves, until benchfs-shutdown.\n"
    "Rank 0 writes ADDRFILE (mode 0600), which clients give to --attach or BENCHFS_ADDR.\n"
    "\n"
    "      --attach ADDRFILE the address file to write for clients (required)\n"
    "      --data-dir DIR    node-local data directory; server I keeps its data in\n"
    "                        DIR/server-I (default: env BENCHFS_DATA_DIR, else\n"
    "                        $TMPDIR/benchfs-$USER)\n"
    "      --sync            flush metadata at every operation (as env BENCHFS_SYNC=1)\n"
    "      --new-fs          make a new, empty file system in the data\n"
    "                        directories, erasing the BenchFS data an earlier\n"
    "                        run left there\n"
    "  -h, --help            show this help and exit\n"
    "      --version         show the version and exit\n";

static int rank;

/* A bad command line: rank 0 reports @msg and the usage line, every rank exits 2. */
static void __attribute__((noreturn)) usage_error(const char *msg)
{
	if (rank == 0)
		fprintf(stderr, NAME ": %s\n%s", msg, usage_line);
	MPI_Finalize();
	exit(BFS_CLI_EXIT_USAGE);
}

/*
 * Whether every server reaches this point within BARRIER_WAIT seconds (after a SHUTDOWN all
 * do at once; a server that died never does).
 */
#define BARRIER_WAIT 15
static int all_stopped(void)
{
	double until = MPI_Wtime() + BARRIER_WAIT;
	MPI_Request req;
	int done = 0;

	MPI_Ibarrier(MPI_COMM_WORLD, &req);
	while (MPI_Test(&req, &done, MPI_STATUS_IGNORE) == MPI_SUCCESS && !done &&
	       MPI_Wtime() < until)
		usleep(10000);
	return done;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    BFS_CLI_OPT_ATTACH, BFS_CLI_OPT_DATA_DIR, BFS_CLI_OPT_SYNC,   BFS_CLI_OPT_NEW_FS,
	    BFS_CLI_OPT_HELP,   BFS_CLI_OPT_VERSION,  {NULL, 0, NULL, 0},
	};
	struct bfs_cli_fs fs = {0};
	const char *addrfile;
	struct bfs_server *srv = NULL;
	char dir[4200], msg[512];
	void *addr = NULL, **addrs = NULL;
	size_t alen = 0, *lens = NULL;
	int size, c, rc, all_rc, lock_fd = -1, have_dir, sig;
	uint64_t secret, fsid, ids[2];

	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (bfs_cli_fs_option(&fs, c, optarg))
			continue;
		if (c == 'h' || c == BFS_CLI_VERSION) {
			if (rank == 0)
				bfs_cli_info(c, NAME, usage_line, help_text);
			fflush(stdout);
			MPI_Finalize();
			return 0;
		}
		bfs_cli_getopt_error(msg, sizeof(msg), c, argv);
		usage_error(msg);
	}
	if (optind != argc) {
		snprintf(msg, sizeof(msg), "unexpected argument '%s'", argv[optind]);
		usage_error(msg);
	}
	if (bfs_cli_fs_check(&fs, 0, msg, sizeof(msg)))
		usage_error(msg);
	addrfile = fs.attach;
	if (!addrfile)
		usage_error("an address file to write is needed (--attach ADDRFILE)");
	rc = bfs_cli_fs_env(&fs);
	if (rc) {
		if (rank == 0)
			fprintf(stderr, NAME ": setting the environment: %s\n", strerror(-rc));
		MPI_Finalize();
		return 1;
	}
	ids[0] = rank == 0 ? bfs_new_secret() : 0;
	ids[1] = rank == 0 ? bfs_new_secret() : 0;
	MPI_Bcast(ids, 2, MPI_UINT64_T, 0, MPI_COMM_WORLD);
	secret = ids[0];
	have_dir = bfs_server_dir(fs.data_dir, rank, dir, sizeof(dir)) == 0;
	rc = bfs_servers_prepare(MPI_COMM_WORLD, rank, (uint32_t)size, have_dir ? dir : NULL,
	                         ids[1], bfs_env_u64("BENCHFS_NEW_FS", 0) != 0, &fsid, &lock_fd);
	if (!rc) {
		struct bfs_server_config cfg = {.data_dir = dir,
		                                .index = (uint32_t)rank,
		                                .count = (uint32_t)size,
		                                .vnodes = BFS_RING_VNODES_DEFAULT,
		                                .seed = BFS_RING_SEED_DEFAULT,
		                                .secret = secret,
		                                .fsid = fsid,
		                                .sync = (int)bfs_env_u64("BENCHFS_SYNC", 0),
		                                .lock_fd = lock_fd};
		rc = bfs_server_open(&srv, &cfg);
	}
	if (!rc)
		rc = bfs_server_address(srv, &addr, &alen);
	MPI_Allreduce(&rc, &all_rc, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
	if (!all_rc)
		all_rc = bfs_exchange_addresses(MPI_COMM_WORLD, rank, addr, alen, (uint32_t)size,
		                                &addrs, &lens);
	if (!all_rc && rank == 0) {
		all_rc = bfs_addrfile_write(addrfile, secret, (uint32_t)size, addrs, lens,
		                            BFS_RING_VNODES_DEFAULT, BFS_RING_SEED_DEFAULT);
		if (all_rc)
			fprintf(stderr, "benchfsd: %s: %s\n", addrfile, strerror(-all_rc));
	}
	MPI_Bcast(&all_rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
	free(addr);
	bfs_free_addresses((uint32_t)size, addrs, lens);
	if (all_rc) {
		if (rank == 0)
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
	sig = bfs_server_run(srv);
	bfs_server_close(srv);
	if (sig) {
		/* a signal (walltime, timeout, mpirun's own SIGTERM) stopped this server after its
		 * flush; the others stop on theirs or go on serving: no barrier */
		if (rank == 0)
			unlink(addrfile);
		printf("benchfsd: server %d stopped (%s)\n", rank, strsignal(sig));
	} else if (all_stopped()) {
		if (rank == 0) {
			unlink(addrfile);
			printf("benchfsd: stopped\n");
		}
	} else {
		/* a server died (mpirun --enable-recovery kept the others): MPI_Finalize would
		 * wait for it forever, so leave without */
		if (rank == 0)
			unlink(addrfile);
		fprintf(stderr,
		        "benchfsd: server %d stopped, but not every server did (one died?)\n",
		        rank);
		fflush(NULL);
		_exit(1);
	}
	fflush(stdout);
	MPI_Finalize();
	return 0;
}
