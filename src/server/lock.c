/*
 * lock.c - byte-range locks (see lock.h). One list in arrival order: MPI-IO takes few locks
 * at a time (a shared file pointer, atomic-mode accesses), so a scan is cheaper than a tree.
 */
#include "server/lock.h"

#include <errno.h>
#include <stdlib.h>

struct lock {
	struct lock *next;
	uint64_t ino, start, end;
	uint32_t client;
	int write;
	void *waiter; /* NULL once granted */
};

struct bfs_locks {
	struct lock *head, **tail;
	bfs_lock_done_fn *done;
};

struct bfs_locks *bfs_locks_new(bfs_lock_done_fn *done)
{
	struct bfs_locks *t = calloc(1, sizeof(*t));

	if (t) {
		t->tail = &t->head;
		t->done = done;
	}
	return t;
}

static int conflict(const struct lock *a, const struct lock *b)
{
	return a->ino == b->ino && a->client != b->client && a->start < b->end &&
	       b->start < a->end && (a->write || b->write);
}

/* Remove the entries for which @match is true; waiting ones get @status. */
static void remove_if(struct bfs_locks *t, int (*match)(const struct lock *, const void *),
                      const void *arg, int status)
{
	struct lock **pp = &t->head;

	while (*pp) {
		struct lock *l = *pp;
		if (!match(l, arg)) {
			pp = &l->next;
			continue;
		}
		*pp = l->next;
		if (t->tail == &l->next)
			t->tail = pp;
		if (l->waiter)
			t->done(l->waiter, status);
		free(l);
	}
}

/* Grant, in arrival order, the waiting requests nothing blocks any more: not a granted lock,
 * nor a conflicting request queued before them. */
static void grant(struct bfs_locks *t)
{
	for (struct lock *l = t->head; l; l = l->next) {
		int ok = 1, before = 1;

		if (!l->waiter)
			continue;
		for (struct lock *o = t->head; o && ok; o = o->next) {
			if (o == l)
				before = 0;
			else if (conflict(o, l) && (!o->waiter || before))
				ok = 0;
		}
		if (ok) {
			void *w = l->waiter;
			l->waiter = NULL;
			t->done(w, 0);
		}
	}
}

int bfs_lock_acquire(struct bfs_locks *t, uint64_t ino, uint32_t client, uint64_t start,
                     uint64_t end, int write, int nowait, void *waiter)
{
	struct lock probe = {NULL, ino, start, end, client, write, NULL};
	struct lock *l;
	int waits = 0;

	if (start >= end)
		return -EINVAL;
	for (const struct lock *o = t->head; o && !waits; o = o->next)
		waits = conflict(o, &probe); /* granted, or queued earlier: wait behind it */
	if (waits && nowait)
		return -EAGAIN;
	l = malloc(sizeof(*l));
	if (!l)
		return -ENOMEM;
	*l = probe;
	l->waiter = waits ? waiter : NULL;
	*t->tail = l;
	t->tail = &l->next;
	return !waits;
}

struct range {
	uint64_t ino, start, end;
	uint32_t client;
};

static int in_range(const struct lock *l, const void *arg)
{
	const struct range *r = arg;

	return l->ino == r->ino && l->client == r->client && l->start < r->end && r->start < l->end;
}

static int of_client(const struct lock *l, const void *arg)
{
	return l->client == *(const uint32_t *)arg;
}

static int waiting(const struct lock *l, const void *arg)
{
	(void)arg;
	return l->waiter != NULL;
}

void bfs_lock_release(struct bfs_locks *t, uint64_t ino, uint32_t client, uint64_t start,
                      uint64_t end)
{
	struct range r = {ino, start, end, client};

	remove_if(t, in_range, &r, -ECANCELED);
	grant(t);
}

void bfs_lock_drop_client(struct bfs_locks *t, uint32_t client)
{
	remove_if(t, of_client, &client, -ECANCELED);
	grant(t);
}

void bfs_lock_cancel_all(struct bfs_locks *t, int status)
{
	remove_if(t, waiting, NULL, status);
}

void bfs_locks_free(struct bfs_locks *t)
{
	struct lock *l, *next;

	if (!t)
		return;
	for (l = t->head; l; l = next) {
		next = l->next;
		free(l);
	}
	free(t);
}
