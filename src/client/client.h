/*
 * client.h - the client's state and its RPC engine.
 *
 * A call (struct bfs_call) is one request to one server and its reply. Calls are started in
 * batches (bfs_calls_run): every request of the batch is sent at once, then the worker is
 * progressed until every reply has arrived, a server failed, or the RPC timeout passed.
 * Reply payloads land straight in the caller's buffer when one is given (READ: rendezvous
 * replies are received in place, zero-copy), else in a malloc'ed buffer the caller frees with
 * bfs_call_release().
 *
 * A call's life: IDLE -> SENT (request handed to UCX, slot taken) -> REPLIED (reply header
 * seen; payload may still be arriving) -> DONE (no UCX operation refers to the call any more).
 * A call that times out or whose server fails becomes DONE with -ETIMEDOUT or -EIO once its
 * UCX operations are cancelled (the endpoint is closed by force and made again on next use).
 * Operations that cannot end are abandoned instead (bfs_ucx_req_own(request, NULL), see rpc.h):
 * at once when the server's process is gone or is on this host (its endpoint has no failure
 * detection, and a forced close leaves the operations queued to a stopped process in place),
 * one second past the deadline otherwise. The call is
 * then DONE and may be reused or freed; UCX completes the abandoned requests later without
 * touching it.
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
#define BFS_SLOTS    16384 /* calls in flight at once, at most */
#define BFS_BATCH    128   /* data calls started together by one read or write */

struct bfs_call {
	struct bfs_req req;
	uint8_t hdr[BFS_WIRE_REQ_SIZE];
	uint32_t server;
	const void *send_buf; /* request payload */
	size_t send_len;
	void *recv_buf; /* where the reply payload goes (NULL: malloc'ed into rep_payload) */
	size_t recv_cap;
	void *rep_payload; /* malloc'ed reply payload, when recv_buf is NULL */
	size_t rep_len;    /* reply payload bytes received */
	struct bfs_rep rep;
	int status;       /* rep.status, or a transport error */
	int replied;      /* reply header seen or call failed */
	int xerr;         /* transport error that ended the call (-ETIMEDOUT, -EIO), or 0 */
	unsigned ucx_ops; /* UCX operations (send, payload receive) not yet completed */
	void *ureq[2];    /* their UCX requests ([0] send, [1] payload receive) while pending */
	uint32_t slot;
	int64_t
	    deadline; /* monotonic ns: the call fails with -ETIMEDOUT when not replied by then */
};

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
	struct bfs_ucx ucx;
	uint32_t nservers;
	void **addrs;
	size_t *addr_lens;
	ucp_ep_h *eps;
	uint8_t *ep_failed;  /* peer failure seen: close and connect again on next use */
	uint32_t *client_id; /* our id on each server (HELLO), valid while eps[i] is */
	uint8_t *has_id;     /* client_id[i] was given once (a new HELLO asks to free it) */
	int *conn_err;       /* why the last connection or HELLO to a server failed, or 0 */
	uint8_t *conn_xerr;  /* 1: conn_err is a transport error, 0: the server's answer */
	uint32_t *pid;       /* a server on this host: its pid, watched while calls wait; else 0 */
	uint8_t *dead;       /* that process is gone: calls to the server fail at once (-EIO) */
	void *my_addr;       /* this worker's address, sent in HELLO */
	size_t my_addr_len;
	struct bfs_ring ring;
	uint64_t secret;
	int64_t timeout_ns;
	uint32_t chunk_default;
	uint32_t uid, gid;
	struct bfs_call *slots[BFS_SLOTS];
	uint32_t gen[BFS_SLOTS];
	uint32_t next_slot;
	struct benchfs_request *aio;   /* list I/O requests in progress */
	struct benchfs_request *spare; /* a finished request kept for reuse */
	int pumping;                   /* bfs_aio_pump_all() is running */
	int64_t next_expiry;           /* monotonic ns of the next scan for overdue calls */
	struct bfs_file *files;
	int nfiles; /* size of files[] */
	struct bfs_dircache_ent *dcache;
	size_t dcache_cap;
	int64_t dcache_ttl_ns;
	int64_t spin_ns; /* idle ns a wait polls before sleeping (env BENCHFS_SPIN_US) */
	int spin_yield;
};

/** The attached client (NULL when detached) and the lock that serializes API calls. */
extern struct bfs_client *bfs_cl;
extern pthread_mutex_t bfs_lock;

/**
 * bfs_client_attach - attach to servers given by their UCX addresses (@addrs[i], @lens[i] bytes
 * for server i), ring parameters and secret. Used by benchfs_init() and benchfs_mpi_start().
 * Return 0, -EALREADY, -ENOMEM, -EIO.
 */
int bfs_client_attach(uint32_t nservers, void *const *addrs, const size_t *lens, uint32_t vnodes,
                      uint64_t seed, uint64_t secret);
/** bfs_client_detach - close files, endpoints, free everything. Return first close error. */
int bfs_client_detach(void);

/** bfs_call_init - reset @c to a fresh call of @op to @server. */
void bfs_call_init(struct bfs_call *c, uint8_t op, uint32_t server);
/** bfs_call_release - free a malloc'ed reply payload. */
void bfs_call_release(struct bfs_call *c);

/**
 * bfs_calls_run - send the @n calls of @calls (pointers) and wait until all are DONE.
 * Return 0 when every call got a reply (each call's status says how it went), else the first
 * transport error (-ETIMEDOUT, -EIO); calls' statuses are set either way.
 */
int bfs_calls_run(struct bfs_call **calls, size_t n);
/**
 * bfs_calls_new - @n fresh calls of @op, call i to server @servers[i] (server i when @servers
 * is NULL), as one allocation: the array of pointers bfs_calls_run() takes, followed by the
 * calls. Free it with free(). NULL when out of memory.
 */
struct bfs_call **bfs_calls_new(size_t n, uint8_t op, const uint32_t *servers);
/** bfs_call_start - send @c (connected server or not: it then fails at once) without waiting. */
void bfs_call_start(struct bfs_call *c);
/**
 * bfs_call_done - whether started call @c is DONE: replied (or failed) and no UCX operation
 * refers to it. A failed call whose server's process is gone, or is on this host, abandons its
 * UCX operations at once; with a non-zero @now (monotonic ns), one whose cancelled operations
 * still have not ended 1 s past its deadline abandons them too (counted DONE).
 */
int bfs_call_done(struct bfs_call *c, int64_t now);
/** bfs_connect - connect (and HELLO) to those of the @n @servers that have no endpoint. */
int bfs_connect(const uint32_t *servers, size_t n);
/**
 * bfs_wait - progress the worker (sleeping on its fd when idle, failing calls past their
 * deadline, pumping list I/O requests) until @done(@arg, now) is true. @now is 0 on the busy
 * path and the monotonic time in ns when idle.
 */
void bfs_wait(int (*done)(void *arg, int64_t now), void *arg);
/** bfs_expire - fail the calls whose deadline is before @now (monotonic ns) with -ETIMEDOUT. */
void bfs_expire(int64_t now);
/** bfs_io_pwrite, bfs_io_pread - the data path of benchfs_pwrite()/benchfs_pread() (no lock). */
ssize_t bfs_io_pwrite(int fd, const void *buf, size_t count, off_t offset);
ssize_t bfs_io_pread(int fd, void *buf, size_t count, off_t offset);
/** bfs_aio_pump_all - reap finished calls of every list I/O request and start more. */
void bfs_aio_pump_all(void);
/** bfs_aio_drain - wait until descriptor @f has no list I/O request in flight. */
void bfs_aio_drain(struct bfs_file *f);
/** bfs_aio_fini - free the spare request (at detach). */
void bfs_aio_fini(void);

/** bfs_calls_status - the first non-zero status of @n calls, or 0. */
int bfs_calls_status(struct bfs_call **calls, size_t n);
/** bfs_call_run - one call; return its status (reply status or transport error). */
int bfs_call_run(struct bfs_call *c);

/**
 * bfs_ns_call - fill @c as a namespace call of @op on @path (@len bytes; goes to the path's
 * server) with extra strings @s1 / @s2 (may be NULL) in the payload buffer @pbuf (capacity
 * BFS_WIRE_NSTR * (BENCHFS_PATH_MAX + 1)).
 */
void bfs_ns_call(struct bfs_call *c, uint8_t op, const char *path, size_t len, const char *s1,
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
/** bfs_close_all - close every descriptor (at detach). Return first error. */
int bfs_close_all(void);

/* Serialize a public call: take the lock, fail with -ENOTCONN when detached. */
#define BFS_ENTER()                                                                                \
	do {                                                                                       \
		pthread_mutex_lock(&bfs_lock);                                                     \
		if (!bfs_cl) {                                                                     \
			pthread_mutex_unlock(&bfs_lock);                                           \
			return -ENOTCONN;                                                          \
		}                                                                                  \
	} while (0)
#define BFS_LEAVE(rc)                                                                              \
	do {                                                                                       \
		pthread_mutex_unlock(&bfs_lock);                                                   \
		return (rc);                                                                       \
	} while (0)

#endif
