/*
 * injob.h - pieces shared by the in-job start-up (benchfs_mpi_start) and the standalone daemon.
 */
#ifndef BFS_INJOB_H
#define BFS_INJOB_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

/** bfs_default_data_dir - @given, else $BENCHFS_DATA_DIR, else $TMPDIR/benchfs-$USER. */
int bfs_default_data_dir(const char *given, char *out, size_t cap);

/** bfs_new_secret - a random non-zero 64-bit file system secret. */
uint64_t bfs_new_secret(void);

/**
 * bfs_exchange_addresses - collective over @comm: ranks with @server_index >= 0 contribute
 * their UCX address; every rank gets all @nservers addresses by index (free with
 * bfs_free_addresses). Return 0 or -ENOMEM.
 */
int bfs_exchange_addresses(MPI_Comm comm, int server_index, const void *addr, size_t len,
                           uint32_t nservers, void ***addrs, size_t **lens);
void bfs_free_addresses(uint32_t n, void **addrs, size_t *lens);

#endif
