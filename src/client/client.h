/*
 * client.h - the client library's state and what its files share: client.c (attach, detach,
 * control calls), io.c (descriptors and blocking I/O), listio.c (list I/O requests), ns.c
 * (namespace calls and directory streams). Calls to servers go through the engine of
 * net/rpc.h; io.c, listio.c and ns.c hook into it (progress, detach) instead of being called
 * from it.
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
#include "common/ring.h"
#include "common/util.h"
#include "net/rpc.h"
#include "net/wire.h"

#define BFS_OPEN_MAX 65536
#define BFS_BATCH    128 /* data calls started together by one read or write */

struct bfs_file {
	int used;
	char *path;
	size_t plen;
	uint64_t ino;
	uint32_t chunk_size;
	mode_t mode;
	int flags;        /* open flags */
	uint64_t pos;     /* file offset of read/write */
	uint64_t size;    /* size as this client knows it */
	int dirty;        /* size or times to publish at fsync/close */
	unsigned pending; /* list I/O requests on this descriptor not finished */
	int64_t mtime_ns;
	int64_t atime_ns; /* set by futimens, published when atime_set */
	int atime_set;
	int complete; /* benchfs_fcomplete(): the next publication clears the incomplete mark */
};

struct bfs_dircache_ent {
	char *path;
	int64_t expires_ns;
};

struct bfs_client {
	uint32_t nservers;
	struct bfs_ring ring;
	uint32_t chunk_default; /* env BENCHFS_CHUNK_SIZE */
	uint32_t uid, gid;
	struct benchfs_request *aio;   /* list I/O requests in progress */
	struct benchfs_request *spare; /* a finished request kept for reuse */
	int pumping;                   /* bfs_aio_pump_all() is running */
	struct bfs_file *files;
	int nfiles; /* size of files[] */
	struct bfs_dircache_ent *dcache;
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

/** bfs_io_pwrite, bfs_io_pread - the data path of benchfs_pwrite()/benchfs_pread() (no lock). */
ssize_t bfs_io_pwrite(int fd, const void *buf, size_t count, off_t offset);
ssize_t bfs_io_pread(int fd, void *buf, size_t count, off_t offset);
/** bfs_aio_drain - wait until descriptor @f has no list I/O request in flight. */
void bfs_aio_drain(struct bfs_file *f);

/**
 * bfs_ns_call - fill @c as a namespace call of @op on @path (@len bytes; goes to the path's
 * server) with extra strings @s1 / @s2 (may be NULL) in the payload buffer @pbuf (capacity
 * BFS_WIRE_NSTR * (BENCHFS_PATH_MAX + 1)).
 */
void bfs_ns_call(struct bfs_rpc_call *c, uint8_t op, const char *path, size_t len, const char *s1,
                 size_t l1, const char *s2, size_t l2, char *pbuf);

/** bfs_norm - normalize @in into @out (BENCHFS_PATH_MAX + 1 bytes); length or -errno. */
int bfs_norm(const char *in, char *out);

/** bfs_lookup - the record of normal path @path (the root is synthesized). 0 or -errno;
 *  @target (BENCHFS_PATH_MAX + 1 bytes, may be NULL) gets a symlink's target, NUL-ended. */
int bfs_lookup(const char *path, size_t len, struct bfs_inode *ino, char *target);

/** bfs_enoent - refine -ENOENT for @path: -ENOTDIR when an existing ancestor is not a
 *  directory, else -ENOENT. */
int bfs_enoent(const char *path, size_t len);

/** bfs_check_parent - 0 when @path's parent directory exists, else -ENOENT / -ENOTDIR. */
int bfs_check_parent(const char *path, size_t len);
/** bfs_dircache_forget - drop @path (and everything below) from the directory cache. */
void bfs_dircache_forget(const char *path, size_t len);

/**
 * bfs_data_servers - the distinct servers that hold chunks of a file of @size bytes with
 * @chunk_size chunks, from chunk index @first on, into @out (nservers entries). Return count.
 */
uint32_t bfs_data_servers(uint64_t ino, uint64_t first, uint64_t size, uint32_t chunk_size,
                          uint32_t *out);
/** bfs_data_fanout - send @op (TRUNCATE with @arg as size, PURGE, FSYNC) for @ino to the @n
 *  @servers (NULL: servers 0..n-1), all at once. Return 0 or the first error. */
int bfs_data_fanout(uint8_t op, uint64_t ino, uint64_t arg, const uint32_t *servers, uint32_t n);

/**
 * bfs_utimens_args - check utimensat-style @times (NULL: now) and resolve them: *@flags gets
 * BFS_F_ATIME / BFS_F_MTIME for the times to set (UTIME_OMIT clears one), *@at and *@mt the
 * values in ns. Return 0 or -EINVAL.
 */
int bfs_utimens_args(const struct timespec *times, unsigned *flags, int64_t *at, int64_t *mt);

/** bfs_inode_to_stat - fill @st from @ino. */
void bfs_inode_to_stat(const struct bfs_inode *ino, struct stat *st);

/** bfs_file_get - the open file of descriptor @fd, or NULL. */
struct bfs_file *bfs_file_get(int fd);
/** bfs_file_learn_size - raise the size @f knows to the one published in its record (another
 *  client may have published a larger one); errors leave it as it was. */
void bfs_file_learn_size(struct bfs_file *f);
/** bfs_open_size - largest size an open descriptor of this process knows for @ino, or 0. */
uint64_t bfs_open_size(uint64_t ino);
/** bfs_files_renamed - point open descriptors of @ino at their new path. */
void bfs_files_renamed(uint64_t ino, const char *path, size_t len);
/** bfs_close_all - close every descriptor (at detach, and benchfs_mpi_stop). Return the first
 *  error. */
int bfs_close_all(void);

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
