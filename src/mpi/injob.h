/*
 * injob.h - pieces shared by the in-job start-up (benchfs_mpi_start) and the standalone daemon.
 */
#ifndef BFS_INJOB_H
#define BFS_INJOB_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "server/ident.h"

/** bfs_default_data_dir - @given, else $BENCHFS_DATA_DIR, else $TMPDIR/benchfs-$USER. */
int bfs_default_data_dir(const char *given, char *out, size_t cap);

/** bfs_server_dir - "DATA_DIR/server-@index" (DATA_DIR as bfs_default_data_dir) into @out.
 *  0, or -ENAMETOOLONG (reported on stderr). */
int bfs_server_dir(const char *given, int index, char *out, size_t cap);

/** bfs_new_secret - a random non-zero 64-bit number (secrets, file-system ids). */
uint64_t bfs_new_secret(void);

/**
 * bfs_servers_prepare - collective over @comm: make every server's data directory ready before
 * any server opens it (ident.h). Each server (@index >= 0; clients pass -1 and @dir NULL)
 * probes its directory @dir, all ranks decide alike from what every server found, and then
 * the servers make a new file system (when every directory is missing, or @new_fs), adopt
 * directories written before file-system ids, or serve the one they hold; nothing is created
 * or changed in any directory before that decision. @new_fsid is the id of a new file system
 * (the same on every rank). On servers *@fsid gets the file system's id and *@lock_fd the
 * directory's lock.
 * Return 0, or on every rank the same error (each server at fault names its directory and the
 * cause on stderr): -ENOENT (a directory is missing while others hold the file system),
 * -ESTALE (another file system or layout), -EBUSY (a directory is in use), -errno.
 */
int bfs_servers_prepare(MPI_Comm comm, int index, uint32_t nservers, const char *dir,
                        uint64_t new_fsid, int new_fs, uint64_t *fsid, int *lock_fd);

/**
 * bfs_exchange_addresses - collective over @comm: ranks with @server_index >= 0 contribute
 * their UCX address; every rank gets all @nservers addresses by index (free with
 * bfs_free_addresses). Return 0 or -ENOMEM.
 */
int bfs_exchange_addresses(MPI_Comm comm, int server_index, const void *addr, size_t len,
                           uint32_t nservers, void ***addrs, size_t **lens);
void bfs_free_addresses(uint32_t n, void **addrs, size_t *lens);

#endif
