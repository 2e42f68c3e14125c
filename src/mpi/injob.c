/*
 * injob.c - bring servers up inside an MPI job (benchfs_mpi.h), and the shared pieces of the
 * standalone daemon: data directory naming, secret, address exchange.
 */
#include <errno.h>
#include <hwloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "benchfs_mpi.h"
#include "client/client.h"
#include "client/io.h"
#include "common/ring.h"
#include "common/util.h"
#include "mpi/injob.h"
#include "server/server.h"

int bfs_default_data_dir(const char *given, char *out, size_t cap)
{
	const char *dir = given && *given ? given : getenv("BENCHFS_DATA_DIR");
	int n;

	if (dir && *dir)
		n = snprintf(out, cap, "%s", dir);
	else {
		const char *tmp = getenv("TMPDIR"), *user = getenv("USER");
		n = snprintf(out, cap, "%s/benchfs-%s", tmp && *tmp ? tmp : "/tmp",
		             user && *user ? user : "user");
	}
	return n > 0 && (size_t)n < cap ? 0 : -ENAMETOOLONG;
}

int bfs_server_dir(const char *given, int index, char *out, size_t cap)
{
	char base[4096];
	int n, rc = bfs_default_data_dir(given, base, sizeof(base));

	if (rc == 0) {
		n = snprintf(out, cap, "%s/server-%d", base, index);
		rc = n > 0 && (size_t)n < cap ? 0 : -ENAMETOOLONG;
	}
	if (rc)
		fprintf(stderr, "benchfs: server %d: data directory name too long\n", index);
	return rc;
}

uint64_t bfs_new_secret(void)
{
	uint64_t s = 0;

	if (getrandom(&s, sizeof(s), 0) != sizeof(s))
		s = (uint64_t)bfs_mono_ns() ^ ((uint64_t)getpid() << 32);
	return s ? s : 1;
}

int bfs_exchange_addresses(MPI_Comm comm, int server_index, const void *addr, size_t len,
                           uint32_t nservers, void ***addrs, size_t **lens)
{
	int size, rank;
	int *idx, *counts, *displs, mylen = server_index >= 0 ? (int)len : 0, total = 0;
	char *all;
	int rc = 0;

	MPI_Comm_size(comm, &size);
	MPI_Comm_rank(comm, &rank);
	idx = malloc((size_t)size * sizeof(int));
	counts = malloc((size_t)size * sizeof(int));
	displs = malloc((size_t)size * sizeof(int));
	*addrs = calloc(nservers, sizeof(void *));
	*lens = calloc(nservers, sizeof(size_t));
	if (!idx || !counts || !displs || !*addrs || !*lens) {
		rc = -ENOMEM;
		goto out;
	}
	MPI_Allgather(&server_index, 1, MPI_INT, idx, 1, MPI_INT, comm);
	MPI_Allgather(&mylen, 1, MPI_INT, counts, 1, MPI_INT, comm);
	for (int i = 0; i < size; i++) {
		displs[i] = total;
		total += counts[i];
	}
	all = malloc(total ? (size_t)total : 1);
	if (!all) {
		rc = -ENOMEM;
		goto out;
	}
	MPI_Allgatherv(addr, mylen, MPI_BYTE, all, counts, displs, MPI_BYTE, comm);
	for (int i = 0; i < size; i++) {
		if (idx[i] < 0)
			continue;
		(*addrs)[idx[i]] = malloc((size_t)counts[i]);
		if (!(*addrs)[idx[i]]) {
			rc = -ENOMEM;
			break;
		}
		memcpy((*addrs)[idx[i]], all + displs[i], (size_t)counts[i]);
		(*lens)[idx[i]] = (size_t)counts[i];
	}
	free(all);
out:
	free(idx);
	free(counts);
	free(displs);
	return rc;
}

/* One rank's part of the exchange of bfs_servers_prepare. */
struct found {
	int32_t server; /* -1 for a client */
	int32_t rc;     /* the make step's result */
	struct bfs_ident id;
};

int bfs_servers_prepare(MPI_Comm comm, int index, uint32_t nservers, const char *dir,
                        uint64_t new_fsid, int new_fs, uint64_t *fsid, int *lock_fd)
{
	struct found mine = {.server = index}, *all;
	struct bfs_ident *ids;
	enum bfs_ident_verdict v;
	int size, rc = 0, err;

	*lock_fd = -1;
	*fsid = new_fsid;
	MPI_Comm_size(comm, &size);
	if (index >= 0 && dir)
		bfs_ident_probe(dir, &mine.id, lock_fd);
	else if (index >= 0) /* no directory name (reported) */
		mine.id = (struct bfs_ident){.state = BFS_IDENT_BAD, .err = -ENAMETOOLONG};
	all = calloc((size_t)size, sizeof(*all));
	ids = calloc(nservers, sizeof(*ids));
	err = !all || !ids;
	MPI_Allreduce(MPI_IN_PLACE, &err, 1, MPI_INT, MPI_MAX, comm);
	if (err) {
		rc = -ENOMEM;
		goto out;
	}
	MPI_Allgather(&mine, sizeof(mine), MPI_BYTE, all, sizeof(mine), MPI_BYTE, comm);
	for (int r = 0; r < size; r++)
		if (all[r].server >= 0 && (uint32_t)all[r].server < nservers)
			ids[all[r].server] = all[r].id;
	v = bfs_ident_decide(ids, nservers, BFS_RING_VNODES_DEFAULT, BFS_RING_SEED_DEFAULT, new_fs,
	                     index, dir, fsid, &rc);
	if (v == BFS_IDENT_REFUSE)
		goto out;
	if (index >= 0 && v != BFS_IDENT_SERVE)
		rc = bfs_ident_make(dir, *fsid, (uint32_t)index, nservers, BFS_RING_VNODES_DEFAULT,
		                    BFS_RING_SEED_DEFAULT, v == BFS_IDENT_CREATE, lock_fd);
	MPI_Allreduce(MPI_IN_PLACE, &rc, 1, MPI_INT, MPI_MIN, comm);
out:
	if (rc && *lock_fd >= 0) {
		close(*lock_fd);
		*lock_fd = -1;
	}
	free(all);
	free(ids);
	return rc;
}

void bfs_free_addresses(uint32_t n, void **addrs, size_t *lens)
{
	for (uint32_t i = 0; addrs && i < n; i++)
		free(addrs[i]);
	free(addrs);
	free(lens);
}

/*
 * Choose the server ranks of @comm: nodes (shared-memory domains) in order of their lowest
 * rank, round-robin, taking on each node the highest local rank not yet taken. Returns this
 * rank's server index (0.. in rank order of the chosen) or -1 for clients; *@local_ordinal gets
 * how many servers of this node come before this one (for core binding).
 */
static int pick_servers(MPI_Comm comm, int nservers, int *local_ordinal, int *local_size)
{
	MPI_Comm node;
	int size, rank, lrank, lsize, leader, *info, *chosen, taken = 0, myindex = -1;

	MPI_Comm_size(comm, &size);
	MPI_Comm_rank(comm, &rank);
	MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node);
	MPI_Comm_rank(node, &lrank);
	MPI_Comm_size(node, &lsize);
	leader = rank;
	MPI_Allreduce(MPI_IN_PLACE, &leader, 1, MPI_INT, MPI_MIN, node);
	MPI_Comm_free(&node);
	int mine[3] = {leader, lrank, lsize};
	info = malloc((size_t)size * 3 * sizeof(int));
	chosen = calloc((size_t)size, sizeof(int));
	if (!info || !chosen)
		MPI_Abort(comm, 1);
	MPI_Allgather(mine, 3, MPI_INT, info, 3, MPI_INT, comm);
	/* round k takes local rank lsize-1-k of every node, nodes in order of their leader */
	for (int k = 0; taken < nservers; k++) {
		for (int r = 0; r < size && taken < nservers; r++) {
			int is_leader = info[3 * r] == r;
			if (!is_leader || k >= info[3 * r + 2])
				continue;
			for (int q = 0; q < size; q++)
				if (info[3 * q] == r &&
				    info[3 * q + 1] == info[3 * r + 2] - 1 - k) {
					chosen[q] = 1;
					taken++;
				}
		}
	}
	for (int r = 0, n = 0; r < size; r++)
		if (chosen[r]) {
			if (r == rank)
				myindex = n;
			n++;
		}
	*local_ordinal = lsize - 1 - lrank;
	*local_size = lsize;
	free(info);
	free(chosen);
	return myindex;
}

/* Bind a server to a core of its own when its node has more cores than ranks. */
static void bind_server(int local_ordinal, int local_size)
{
	hwloc_topology_t topo;
	int ncores;

	if (hwloc_topology_init(&topo))
		return;
	if (hwloc_topology_load(topo) == 0) {
		ncores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
		if (ncores > local_size) {
			hwloc_obj_t core =
			    hwloc_get_obj_by_type(topo, HWLOC_OBJ_CORE, ncores - 1 - local_ordinal);
			if (core)
				hwloc_set_cpubind(topo, core->cpuset, HWLOC_CPUBIND_THREAD);
		}
	}
	hwloc_topology_destroy(topo);
}

BFS_API int benchfs_mpi_server_index(MPI_Comm comm, int nservers)
{
	int size, ord, lsize;

	MPI_Comm_size(comm, &size);
	if (nservers < 1 || nservers >= size)
		return -EINVAL;
	return pick_servers(comm, nservers, &ord, &lsize);
}

BFS_API int benchfs_mpi_start(MPI_Comm comm, int nservers, const char *data_dir, MPI_Comm *clients)
{
	struct bfs_server *srv = NULL;
	char dir[4200];
	void *addr = NULL, **addrs = NULL;
	size_t alen = 0, *lens = NULL;
	int size, rank, index, ordinal, lsize, rc = 0, all_rc, lock_fd = -1, have_dir = 0;
	uint64_t secret, fsid, ids[2];
	MPI_Comm sub;

	*clients = MPI_COMM_NULL;
	MPI_Comm_size(comm, &size);
	MPI_Comm_rank(comm, &rank);
	if (nservers < 1 || nservers >= size)
		return -EINVAL;
	index = pick_servers(comm, nservers, &ordinal, &lsize);
	ids[0] = rank == 0 ? bfs_new_secret() : 0;
	ids[1] = rank == 0 ? bfs_new_secret() : 0;
	MPI_Bcast(ids, 2, MPI_UINT64_T, 0, comm);
	secret = ids[0];
	if (index >= 0 && bfs_server_dir(data_dir, index, dir, sizeof(dir)) == 0)
		have_dir = 1;
	/* every rank takes part, so all return the same error */
	rc = bfs_servers_prepare(comm, index, (uint32_t)nservers, have_dir ? dir : NULL, ids[1],
	                         bfs_env_u64("BENCHFS_NEW_FS", 0) != 0, &fsid, &lock_fd);
	if (!rc && index >= 0) {
		struct bfs_server_config cfg = {
		    .data_dir = dir,
		    .index = (uint32_t)index,
		    .count = (uint32_t)nservers,
		    .vnodes = BFS_RING_VNODES_DEFAULT,
		    .seed = BFS_RING_SEED_DEFAULT,
		    .secret = secret,
		    .fsid = fsid,
		    .sync = (int)bfs_env_u64("BENCHFS_SYNC", 0),
		    .lock_fd = lock_fd,
		};
		bind_server(ordinal, lsize);
		rc = bfs_server_open(&srv, &cfg);
		if (!rc)
			rc = bfs_server_address(srv, &addr, &alen);
	}
	/* every rank learns the first error, so all return the same */
	MPI_Allreduce(&rc, &all_rc, 1, MPI_INT, MPI_MIN, comm);
	if (!all_rc)
		all_rc = bfs_exchange_addresses(comm, index, addr, alen, (uint32_t)nservers, &addrs,
		                                &lens);
	free(addr);
	MPI_Allreduce(MPI_IN_PLACE, &all_rc, 1, MPI_INT, MPI_MIN, comm);
	MPI_Comm_split(comm, index >= 0, rank, &sub);
	if (all_rc)
		goto fail;
	if (index >= 0) {
		bfs_free_addresses((uint32_t)nservers, addrs, lens);
		MPI_Comm_free(&sub);
		bfs_server_run(srv); /* a SHUTDOWN request or a SIGTERM: flushed either way */
		bfs_server_close(srv);
		return BENCHFS_MPI_SERVED;
	}
	pthread_mutex_lock(&bfs_client_lock);
	rc = bfs_client_attach((uint32_t)nservers, addrs, lens, BFS_RING_VNODES_DEFAULT,
	                       BFS_RING_SEED_DEFAULT, secret);
	pthread_mutex_unlock(&bfs_client_lock);
	bfs_free_addresses((uint32_t)nservers, addrs, lens);
	if (rc) {
		/* the servers wait for a stop: give them one so the job ends */
		MPI_Comm_free(&sub);
		return rc;
	}
	*clients = sub;
	return 0;
fail:
	bfs_free_addresses((uint32_t)nservers, addrs, lens);
	MPI_Comm_free(&sub);
	bfs_server_close(srv);
	return all_rc;
}

BFS_API int benchfs_mpi_stop(MPI_Comm *clients)
{
	int rank, rc, rc2 = 0;

	if (!clients || *clients == MPI_COMM_NULL)
		return -EINVAL;
	MPI_Comm_rank(*clients, &rank);
	pthread_mutex_lock(&bfs_client_lock);
	rc = bfs_cl ? bfs_close_all() : 0;
	pthread_mutex_unlock(&bfs_client_lock);
	MPI_Barrier(*clients);
	if (rank == 0)
		rc2 = benchfs_shutdown_servers();
	MPI_Bcast(&rc2, 1, MPI_INT, 0, *clients);
	benchfs_term();
	MPI_Comm_free(clients);
	return rc ? rc : rc2;
}
