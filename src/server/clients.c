/*
 * clients.c - the table of a server's clients (see clients.h).
 */
#include "server/clients.h"

#include <errno.h>
#include <stdlib.h>

#include "common/util.h"

#define SLOT_MASK (BFS_CLIENTS_MAX - 1)
#define NO_SLOT   UINT32_MAX

enum slot_state { SLOT_FREE, SLOT_LIVE, SLOT_CLOSING };

struct bfs_client_slot {
	struct bfs_clients *t;
	ucp_ep_h ep;
	uint32_t id;        /* (gen << BFS_CLIENT_SLOT_BITS) | slot number */
	uint32_t pid;       /* a client on this host (no UCX failure detection): its pid, else 0 */
	uint32_t next_free; /* free list link */
	uint8_t state;
};

void bfs_clients_init(struct bfs_clients *t, struct bfs_ucx *ucx, bfs_client_gone_fn *gone,
                      void *arg)
{
	*t = (struct bfs_clients){.ucx = ucx, .gone = gone, .arg = arg, .free_head = NO_SLOT};
}

void bfs_clients_fini(struct bfs_clients *t)
{
	for (uint32_t i = 0; i < t->nslots; i++) {
		if (t->slot[i]->ep)
			bfs_ucx_close_ep(t->ucx, t->slot[i]->ep, 1);
		free(t->slot[i]);
	}
	free(t->slot);
	free(t->closing);
	*t = (struct bfs_clients){.free_head = NO_SLOT};
}

static struct bfs_client_slot *slot_of(const struct bfs_clients *t, uint32_t id)
{
	uint32_t n = id & SLOT_MASK;

	if (n >= t->nslots || t->slot[n]->state != SLOT_LIVE || t->slot[n]->id != id)
		return NULL;
	return t->slot[n];
}

/* @c is gone: tell the owner, and queue its endpoint for closing by bfs_clients_progress(). */
static void slot_gone(struct bfs_client_slot *c)
{
	struct bfs_clients *t = c->t;

	if (c->state != SLOT_LIVE)
		return;
	if (t->nclosing == t->cap_closing) {
		uint32_t cap = t->cap_closing ? 2 * t->cap_closing : 16;
		uint32_t *g = realloc(t->closing, cap * sizeof(*g));
		if (!g)
			return; /* stays live; found again at the next look */
		t->closing = g;
		t->cap_closing = cap;
	}
	c->state = SLOT_CLOSING;
	t->closing[t->nclosing++] = c->id & SLOT_MASK;
	t->live--;
	if (t->gone)
		t->gone(t->arg, c->id);
}

/* UCX reports a client's endpoint failed (the client died): its replies are dropped. */
static void ep_failed(void *arg, ucp_ep_h ep, ucs_status_t st)
{
	struct bfs_client_slot *c = arg;

	(void)st;
	if (c->ep == ep)
		slot_gone(c);
}

/* A slot for a new client: a free one (next generation), or a new one. NULL without memory. */
static struct bfs_client_slot *slot_take(struct bfs_clients *t)
{
	struct bfs_client_slot *c;

	if (t->free_head != NO_SLOT) {
		c = t->slot[t->free_head];
		t->free_head = c->next_free;
		return c;
	}
	if (t->nslots == BFS_CLIENTS_MAX)
		return NULL;
	if (t->nslots == t->cap) {
		uint32_t cap = t->cap ? 2 * t->cap : 64;
		struct bfs_client_slot **g = realloc(t->slot, cap * sizeof(*g));
		if (!g)
			return NULL;
		t->slot = g;
		t->cap = cap;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->t = t;
	c->id = t->nslots;
	t->slot[t->nslots++] = c;
	return c;
}

static void slot_free(struct bfs_clients *t, struct bfs_client_slot *c)
{
	uint32_t n = c->id & SLOT_MASK;

	c->ep = NULL;
	c->state = SLOT_FREE;
	c->id = (c->id + BFS_CLIENTS_MAX) & ~SLOT_MASK; /* next generation (wraps) */
	c->id |= n;
	c->next_free = t->free_head;
	t->free_head = n;
}

int bfs_clients_hello(struct bfs_clients *t, const void *addr, size_t len, uint32_t replaces,
                      uint32_t *id)
{
	struct bfs_client_slot *c, *old;
	int rc;

	if (replaces != NO_SLOT && (old = slot_of(t, replaces)))
		slot_gone(old);
	if (t->free_head == NO_SLOT && t->nslots == BFS_CLIENTS_MAX)
		return -EUSERS;
	c = slot_take(t);
	if (!c)
		return -ENOMEM;
	rc = bfs_ucx_connect(t->ucx, addr, len, &c->ep, ep_failed, c, &c->pid);
	if (rc) {
		slot_free(t, c);
		return rc;
	}
	c->state = SLOT_LIVE;
	t->live++;
	t->hellos++;
	*id = c->id;
	return 0;
}

ucp_ep_h bfs_clients_ep(const struct bfs_clients *t, uint32_t id)
{
	const struct bfs_client_slot *c = slot_of(t, id);

	return c ? c->ep : NULL;
}

void bfs_clients_bye(struct bfs_clients *t, uint32_t id)
{
	struct bfs_client_slot *c = slot_of(t, id);

	if (c)
		slot_gone(c);
}

unsigned bfs_clients_progress(struct bfs_clients *t, int watch_now)
{
	int64_t now = bfs_mono_ns();
	unsigned changed = 0;

	if (watch_now || now >= t->next_watch) {
		t->next_watch = now + BFS_NSEC;
		for (uint32_t i = 0; i < t->nslots; i++) {
			struct bfs_client_slot *c = t->slot[i];
			if (c->state == SLOT_LIVE && c->pid && !bfs_peer_alive(c->pid))
				slot_gone(c);
		}
	}
	while (t->nclosing) {
		struct bfs_client_slot *c = t->slot[t->closing[--t->nclosing]];
		if (c->ep)
			bfs_ucx_close_ep_nb(c->ep); /* cancels the replies still queued to it */
		slot_free(t, c);
		changed++;
	}
	return changed;
}
