/*
 * clients.h - the clients a server knows: an endpoint of its own to each, the id its requests
 * carry, and the end of each (it failed, or said goodbye).
 *
 * A client introduces itself with HELLO, carrying its worker's peer address (net/ucx.h); the server
 * makes an endpoint to it (replies that leave after a request's AM callback returned never use
 * UCX's own reply endpoint) and hands out an id: a slot of this table and the slot's generation,
 * (gen << BFS_CLIENT_SLOT_BITS) | slot. A slot is reused once its client is gone, with the
 * next generation, so a reply still owed to the old client never reaches the new one, and the
 * table grows only with the clients connected at once, not with every client a long-running
 * server ever saw.
 *
 * A client is gone when UCX reports its endpoint failed (peers on other hosts), when its process
 * on this host no longer exists (bfs_clients_progress looks once a second: those endpoints have
 * no UCX failure detection), or when it says BYE. The table then calls the owner's @gone
 * callback at once (its locks go) and closes the endpoint from the next bfs_clients_progress()
 * (closing inside a UCX callback is not allowed).
 *
 * Not thread-safe (the server's one thread).
 */
#ifndef BFS_SERVER_CLIENTS_H
#define BFS_SERVER_CLIENTS_H

#include <stdint.h>

#include "net/ucx.h"

/** Bits of a client id that name its slot; the others hold the slot's generation. */
#define BFS_CLIENT_SLOT_BITS 20
/** Clients connected to one server at once, at most. */
#define BFS_CLIENTS_MAX (1u << BFS_CLIENT_SLOT_BITS)

struct bfs_client_slot;

/** Called when client @id is gone (before its id can be handed out again). */
typedef void bfs_client_gone_fn(void *arg, uint32_t id);

struct bfs_clients {
	struct bfs_ucx *ucx;
	bfs_client_gone_fn *gone;
	void *arg;
	struct bfs_client_slot **slot; /* by slot number; each allocated once, never moved */
	uint32_t nslots, cap;
	uint32_t free_head; /* first free slot, or UINT32_MAX */
	uint32_t live;      /* clients connected now */
	uint64_t hellos;    /* HELLOs answered since the start */
	uint32_t *closing;  /* slots whose endpoint is to be closed, then freed */
	uint32_t nclosing, cap_closing;
	int64_t next_watch; /* monotonic ns of the next look at local clients' processes */
};

/** bfs_clients_init - an empty table over worker @ucx; @gone (may be NULL) with @arg. */
void bfs_clients_init(struct bfs_clients *t, struct bfs_ucx *ucx, bfs_client_gone_fn *gone,
                      void *arg);

/** bfs_clients_fini - close every endpoint by force (progressing the worker) and free all. */
void bfs_clients_fini(struct bfs_clients *t);

/**
 * bfs_clients_hello - a new client at peer address @addr (@len bytes): make an endpoint to it
 * and give it an id (*@id). When @replaces is not UINT32_MAX, the client's earlier id on this
 * server (it connects again after closing its endpoint) is released first.
 * Return 0, -EINVAL (not a peer address), -EUSERS (BFS_CLIENTS_MAX connected), -ENOMEM, -EIO.
 */
int bfs_clients_hello(struct bfs_clients *t, const void *addr, size_t len, uint32_t replaces,
                      uint32_t *id);

/** bfs_clients_ep - the endpoint of live client @id, or NULL (unknown, failed or gone). */
ucp_ep_h bfs_clients_ep(const struct bfs_clients *t, uint32_t id);

/** bfs_clients_bye - client @id leaves: as if it failed (no-op for an id not live). */
void bfs_clients_bye(struct bfs_clients *t, uint32_t id);

/**
 * bfs_clients_progress - close the endpoints of gone clients and free their slots; once a second
 * (or at every call with @watch_now), fail local clients whose process is gone.
 * Return the number of clients found gone or closed (0 when nothing changed).
 */
unsigned bfs_clients_progress(struct bfs_clients *t, int watch_now);

#endif
