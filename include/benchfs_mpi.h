/*
 * benchfs_mpi.h - bring BenchFS up inside an MPI job.
 *
 * A collective call turns some ranks of a communicator into BenchFS servers for the life of the
 * job and returns to the others as attached clients, with a communicator of clients only:
 *
 *	MPI_Comm clients;
 *	int rc = benchfs_mpi_start(MPI_COMM_WORLD, 2, NULL, &clients);
 *	if (rc == BENCHFS_MPI_SERVED) {         // this rank was a server; the job is over
 *		MPI_Finalize();
 *		return 0;
 *	}
 *	if (rc < 0) ...                         // error: every rank gets one
 *	... benchfs_open() etc., MPI on `clients` ...
 *	benchfs_mpi_stop(clients);              // collective over clients; servers flush and return
 *	MPI_Finalize();
 *
 * Server placement: servers are spread over nodes round-robin (nodes found with
 * MPI_Comm_split_type(MPI_COMM_TYPE_SHARED)); on each node the highest local ranks become
 * servers, so rank 0 of @comm stays a client. Each server binds itself to a core with hwloc when
 * the node has more cores than ranks. UCX worker addresses and the file system's secret travel by
 * MPI collectives; no file is written.
 *
 * Data directories: server i keeps its data in DATA_DIR/server-i, where DATA_DIR is @data_dir,
 * else env BENCHFS_DATA_DIR, else $TMPDIR/benchfs-$USER (TMPDIR defaulting to /tmp). The server
 * directories of one file system share its id, drawn when it was made. Starting a job again with
 * the same DATA_DIR and server count brings every file back. When none of the server directories
 * exists (or each is empty), the job makes a new, empty file system. Anything else is refused
 * before any directory is created or changed, with a line on stderr naming each directory at
 * fault and the cause: a server directory missing while others hold the file system (-ENOENT:
 * on a cluster, the job landed on other nodes), a directory of another file system or written
 * with another server count or ring (-ESTALE), a directory another server is serving (-EBUSY:
 * each server holds a lock on its directory for its whole life; the message names the holder's
 * host and pid). Env BENCHFS_NEW_FS=1 (the tools' --new-fs) makes a new, empty file system in
 * the directories instead, erasing the BenchFS data an earlier file system left there (other
 * files stay); only a directory in use is still refused.
 */
#ifndef BENCHFS_MPI_H
#define BENCHFS_MPI_H

#include <mpi.h>

#include "benchfs.h"

#ifdef __cplusplus
extern "C" {
#endif

/** benchfs_mpi_start()'s return on ranks that served. */
#define BENCHFS_MPI_SERVED 1

/**
 * benchfs_mpi_start - collective over @comm: @nservers ranks become servers, the rest clients.
 * @comm:     communicator of every rank of the job that takes part (usually MPI_COMM_WORLD).
 * @nservers: number of servers, 1 <= @nservers < size of @comm.
 * @data_dir: node-local directory for the servers' data, or NULL (see above).
 * @clients:  out, on client ranks: a new communicator of the client ranks, in @comm's order.
 *
 * On server ranks the call serves until the clients call benchfs_mpi_stop(), flushes the data to
 * storage, and returns BENCHFS_MPI_SERVED; @clients is then MPI_COMM_NULL. A SIGTERM or SIGINT
 * reaching a server rank meanwhile (a scheduler's walltime; mpirun passes its own SIGTERM on to
 * every rank) stops it in order too: new requests get -ESHUTDOWN, the ones it holds finish, data
 * and metadata are flushed, and the call returns BENCHFS_MPI_SERVED (the handlers that were set
 * before are back). mpirun passes its SIGTERM on after MCA odls_base_sigkill_timeout seconds
 * (default 1) and kills the ranks as long after that: raise it for servers whose flush takes
 * longer.
 * On client ranks it returns 0 once every server is ready, with the process attached (as after
 * benchfs_init()).
 * MPI must be initialized; with MPI_THREAD_MULTIPLE the call is still made by one thread.
 *
 * Return: 0 (client), BENCHFS_MPI_SERVED (server), or on every rank of @comm the same error
 * (the servers at fault print why, naming their directories):
 *   -EINVAL   @nservers out of range, or a broken identity file (benchfs.id);
 *   -ENOENT   a server directory is missing (or empty) while others hold the file system, or
 *             holds BenchFS data but no identity file;
 *   -ESTALE   a data directory belongs to another file system or another layout (server count,
 *             ring parameters);
 *   -EBUSY    a data directory is being served by another server (another job, benchfsd);
 *   -ENAMETOOLONG  DATA_DIR/server-i is longer than PATH_MAX;
 *   -EACCES, -ENOSPC, ...  a server could not create its data directory or store;
 *   -EIO      UCX failure.
 */
int benchfs_mpi_start(MPI_Comm comm, int nservers, const char *data_dir, MPI_Comm *clients);

/**
 * benchfs_mpi_server_index - collective over @comm: which ranks benchfs_mpi_start(@comm,
 * @nservers, ...) would make servers, without starting anything (a benchmark measuring the
 * transport between the future clients and servers first uses it).
 * Return: this rank's server index (0 ... @nservers - 1, in rank order of the servers), -1 for
 *   a rank that would be a client, or -EINVAL (@nservers out of range) on every rank.
 */
int benchfs_mpi_server_index(MPI_Comm comm, int nservers);

/**
 * benchfs_mpi_stop - collective over the @clients communicator from benchfs_mpi_start(): wait
 * for every client, close this process's descriptors, stop every server (each flushes its data
 * and metadata to storage first), detach, and free @clients.
 * Return: 0, or the first error seen (-ETIMEDOUT, -EIO); the servers are told to stop even then.
 */
int benchfs_mpi_stop(MPI_Comm *clients);

#ifdef __cplusplus
}
#endif
#endif /* BENCHFS_MPI_H */
