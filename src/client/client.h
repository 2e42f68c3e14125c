/*
 * client.h - the client library's state, its lock and attach/detach (client.c: also the
 * control calls). The other files, each with its own header, from the bottom up: files.c
 * (the descriptor table), ns.c (namespace calls, lookups, directory streams), listio.c (list
 * I/O requests: the data path), io.c (open, close, blocking I/O, fsync, truncate). Calls to servers
 * go through the engine of net/rpc.h; io.c, listio.c and ns.c hook into it (progress, detach)
 * instead of being called from it.
 *
 * Every public call takes bfs_client_lock (BFS_ENTER / BFS_LEAVE): the library is thread-safe
 * by serialization, and nothing below the public calls takes the lock again.
 */
#ifndef BFS_CLIENT_H
#define BFS_CLIENT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "benchfs.h"
#include "client/files.h"
#include "common/ring.h"
#include "common/util.h"
#include "net/rpc.h"
#include "net/wire.h"

struct bfs_client {
	uint32_t nservers;
	struct bfs_ring ring;
	uint32_t chunk_default; /* env BENCHFS_CHUNK_SIZE */
	uint32_t uid, gid;
	struct benchfs_request *aio;   /* list I/O requests in progress */
	struct benchfs_request *spare; /* a finished request kept for reuse */
	int pumping;                   /* bfs_aio_pump_all() is running */
	struct bfs_file *files;
	int nfiles;                      /* size of files[] */
	struct bfs_dircache_ent *dcache; /* ns.c */
	size_t dcache_cap;
	int64_t dcache_ttl_ns; /* env BENCHFS_DIR_CACHE_TTL */
};

/** The attached client (NULL when detached) and the lock that serializes API calls. */
extern struct bfs_client *bfs_cl;
extern pthread_mutex_t bfs_client_lock;

/**
 * bfs_client_attach - attach to servers given by their UCX addresses (@addrs[i], @lens[i] bytes
 * for server i), ring parameters and secret. Used by benchfs_init() and benchfs_mpi_start().
 * Return 0, -EALREADY, -ENOMEM, -EIO.
 */
int bfs_client_attach(uint32_t nservers, void *const *addrs, const size_t *lens, uint32_t vnodes,
                      uint64_t seed, uint64_t secret);
/** bfs_client_detach - detach the engine (its hooks close files and free their state), free
 *  everything. Return the first close error. */
int bfs_client_detach(void);

/* Serialize a public call: take the lock, fail with -ENOTCONN when detached. */
#define BFS_ENTER()                                                                                \
	do {                                                                                       \
		pthread_mutex_lock(&bfs_client_lock);                                              \
		if (!bfs_cl) {                                                                     \
			pthread_mutex_unlock(&bfs_client_lock);                                    \
			return -ENOTCONN;                                                          \
		}                                                                                  \
	} while (0)
#define BFS_LEAVE(rc)                                                                              \
	do {                                                                                       \
		pthread_mutex_unlock(&bfs_client_lock);                                            \
		return (rc);                                                                       \
	} while (0)

#endif
