/*
 * server.h - a BenchFS server: one thread, one event loop over a UCX worker and an io_uring.
 *
 * The loop progresses UCX until it is idle, reaps io_uring completions, submits queued I/O,
 * and when nothing moved for a few rounds arms the worker and sleeps in epoll on the worker's
 * fd and the ring's eventfd. A request is a small state machine:
 *   arrive (AM callback; rendezvous payloads are pulled into a buffer first)
 *   -> metadata (LMDB, answered at once) or data (one io_uring operation)
 *   -> reply (AM to the client; freed when UCX reports the send complete).
 */
#ifndef BFS_SERVER_H
#define BFS_SERVER_H

#include <stddef.h>
#include <stdint.h>

struct bfs_server;

struct bfs_server_config {
	const char *data_dir; /* this server's own directory (created when missing) */
	uint32_t index;       /* this server's index, 0..count-1 */
	uint32_t count;       /* servers in the file system */
	uint32_t vnodes;      /* ring parameters, recorded in the data directory */
	uint64_t seed;
	uint64_t secret; /* requests must carry it */
	uint64_t fsid;   /* the file system's id (ident.h) */
	int sync;        /* 1: LMDB commits are flushed at each operation */
	int lock_fd;     /* the directory's lock (ident.h), held by the server from open on and
	                  * released at close; -1 for none */
};

/**
 * bfs_server_open - open the metadata store, the chunk store and the UCX worker of a server whose
 * data directory is ready: it exists, holds the identity of file system @cfg->fsid for this
 * layout and is locked (bfs_ident_probe / bfs_ident_decide / bfs_ident_make; in an MPI job
 * bfs_servers_prepare does all three). The server owns @cfg->lock_fd from here on, also when
 * the call fails.
 * Return 0, or -EEXIST (the memory store and a directory holding file records of an earlier
 * run; message on stderr), or -errno / -EIO (message on stderr).
 */
int bfs_server_open(struct bfs_server **s, const struct bfs_server_config *cfg);

/** bfs_server_address - the server's UCX worker address (malloc'ed). 0 or -errno. */
int bfs_server_address(struct bfs_server *s, void **addr, size_t *len);

/**
 * bfs_server_run - serve until a SHUTDOWN request or a SIGTERM/SIGINT (caught from
 * bfs_server_open() on, so one that comes before the loop runs stops it at once; the earlier
 * handlers are put back when this call returns). Either way the server then refuses
 * new requests with -ESHUTDOWN, finishes the ones it holds, flushes data and metadata to
 * storage and writes DATA_DIR/stats.json; a SHUTDOWN request is answered last.
 * Return 0 after a SHUTDOWN request, or the number of the signal that stopped the server.
 */
int bfs_server_run(struct bfs_server *s);

/** bfs_server_close - free everything (flushing once more). */
void bfs_server_close(struct bfs_server *s);

#endif
