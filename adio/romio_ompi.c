/* romio_ompi.c - MPICH's extended generalized requests (MPIX_Grequest_*) on Open MPI, and the
 * other MPICH functions the ROMIO in libbenchfs-romio.so calls (see romio_ompi.h).
 *
 * How requests make progress
 * A request with a poll function is an ordinary MPI generalized request (MPI_Grequest_start)
 * whose query, free and cancel functions are wrappers and whose extra_state is a record of ours
 * holding the caller's functions and extra_state. Live records sit in a list. Once, we register
 * a callback with Open MPI's progress engine (opal_progress_register, exported by libopen-pal);
 * Open MPI calls it from every MPI call that makes progress (MPI_Wait, MPI_Test, MPI_Recv, ...),
 * and it calls the poll function of each live record. A poll function calls
 * MPI_Grequest_complete when its operation is done. The record leaves the list when Open MPI
 * frees the request (free wrapper).
 *
 * What a poll function can rely on
 * - It is never called while an MPI-IO call runs on the thread, and a request started inside an
 *   MPI-IO call is first polled after that call returned: ROMIO fills in a request's state after
 *   starting it, and its poll functions move file pointers, so they must not run in the middle
 *   of another operation (MPICH, too, polls only from MPI_Test and MPI_Wait). Consequence: code
 *   inside an MPI-IO call must not MPI_Wait for a request it started itself; it has to drive the
 *   operation by its own means.
 * - It is not re-entered: when it makes progress itself (MPI_Test, ...), the callback returns at
 *   once. One thread polls at a time.
 * - It may be called again after it completed its request, until the request is freed (it must
 *   then do nothing); never after the free function ran.
 * - A request started outside any MPI-IO call (from a poll function, say) can be polled from the
 *   next progress call on: start it only once its state is ready.
 *
 * Without opal_progress_register (an Open MPI we do not know), nothing would call the poll
 * functions while the program sits in MPI_Wait, so instead every request is driven to completion
 * when the MPI-IO call that started it returns (by its wait function if it has one, else by
 * polling): non-blocking I/O then behaves like blocking I/O. Requests started outside an MPI-IO
 * call are driven when the next MPI-IO call returns.
 *
 * Like the rest of a standalone ROMIO this is meant for one thread doing MPI-IO at a time; the
 * locks only keep the list consistent when Open MPI makes progress on other threads. */
#include "romio_ompi.h"

#ifdef OPEN_MPI

#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

struct greq {
	struct greq *next;
	MPI_Grequest_query_function *query;
	MPI_Grequest_free_function *free;
	MPI_Grequest_cancel_function *cancel;
	MPIX_Grequest_poll_function *poll;
	MPIX_Grequest_wait_function *wait;
	void *state;       /* the caller's extra_state */
	MPI_Request req;   /* the request handed out */
	const void *owner; /* thread that started it: &call_depth of that thread */
	int armed;         /* may be polled (the MPI-IO call that started it has returned) */
	int freed;         /* free function ran: never poll, unlink when no walk runs */
	int done;          /* fallback mode: seen complete */
};

static pthread_mutex_t list_lock = PTHREAD_MUTEX_INITIALIZER; /* the list and the flags */
static pthread_mutex_t walk_lock = PTHREAD_MUTEX_INITIALIZER; /* held while polling */
static struct greq *head, *tail;
static int walking;                  /* a walk is running: records are not unlinked */
static int nlive;                    /* records not yet freed */
static _Thread_local int call_depth; /* nesting of MPI-IO calls on this thread */
static _Thread_local int unarmed;    /* records this thread started inside an MPI-IO call */

/* 0: not looked up yet, 1: callback registered with Open MPI, -1: fallback (see above) */
static int progress_mode;

/* ---- the list ---------------------------------------------------------------------------- */

/* Unlink and release the records whose free function ran. Caller holds list_lock. */
static void sweep(void)
{
	struct greq **p = &head;
	tail = NULL;
	while (*p) {
		struct greq *r = *p;
		if (r->freed) {
			*p = r->next;
			free(r);
		} else {
			tail = r;
			p = &r->next;
		}
	}
}

/* Call the poll function of every armed, live record once. Returns without polling when another
 * walk runs (on this thread: a poll function making progress). */
static void poll_all(void)
{
	if (pthread_mutex_trylock(&walk_lock) != 0)
		return;
	pthread_mutex_lock(&list_lock);
	walking = 1;
	for (struct greq *r = head; r; r = r->next) {
		if (!r->armed || r->freed)
			continue;
		pthread_mutex_unlock(&list_lock);
		MPI_Status status;
		r->poll(r->state, &status);
		pthread_mutex_lock(&list_lock);
	}
	walking = 0;
	sweep();
	pthread_mutex_unlock(&list_lock);
	pthread_mutex_unlock(&walk_lock);
}

/* Fallback mode: poll (or wait on) every live record until Open MPI reports it complete. */
static void drive_all(void)
{
	if (pthread_mutex_trylock(&walk_lock) != 0)
		return;
	pthread_mutex_lock(&list_lock);
	walking = 1;
	for (;;) {
		struct greq *r = head;
		while (r && (r->freed || r->done))
			r = r->next;
		if (!r)
			break;
		pthread_mutex_unlock(&list_lock);
		MPI_Status status;
		int flag = 0;
		if (r->wait)
			r->wait(1, &r->state, 0.0, &status);
		else
			r->poll(r->state, &status);
		pthread_mutex_lock(&list_lock);
		if (r->freed)
			continue;
		pthread_mutex_unlock(&list_lock);
		PMPI_Request_get_status(r->req, &flag, MPI_STATUS_IGNORE);
		if (!flag)
			sched_yield();
		pthread_mutex_lock(&list_lock);
		if (flag)
			r->done = 1;
	}
	walking = 0;
	sweep();
	pthread_mutex_unlock(&list_lock);
	pthread_mutex_unlock(&walk_lock);
}

/* ---- Open MPI's progress engine ------------------------------------------------------------ */

static int progress_callback(void)
{
	if (call_depth > 0 || __atomic_load_n(&nlive, __ATOMIC_RELAXED) == 0)
		return 0;
	poll_all();
	return 0; /* completions are not known here; 0 lets an idle Open MPI yield the core */
}

typedef int opal_callback_fn(void);
typedef int opal_register_fn(opal_callback_fn *);

static void find_progress_engine(void)
{
	static const char *const libs[] = {"libopen-pal.so.40", "libopen-pal.so.80",
	                                   "libopen-pal.so"};
	void *sym = dlsym(RTLD_DEFAULT, "opal_progress_register");
	for (size_t i = 0; !sym && i < sizeof libs / sizeof libs[0]; i++) {
		void *lib = dlopen(libs[i], RTLD_LAZY | RTLD_NOLOAD);
		if (lib)
			sym = dlsym(lib, "opal_progress_register");
	}
	opal_register_fn *reg;
	memcpy(&reg, &sym, sizeof reg); /* object to function pointer, as POSIX allows */
	progress_mode = reg && reg(progress_callback) == 0 ? 1 : -1; /* 0: OPAL_SUCCESS */
}

/* ---- MPI-IO call boundaries (ROMIO_THREAD_CS_ENTER/EXIT) ---------------------------------- */

void benchfs_romio_call_enter(void)
{
	call_depth++;
}

void benchfs_romio_call_exit(void)
{
	if (call_depth > 0)
		call_depth--;
	if (call_depth > 0)
		return;
	if (unarmed) {
		pthread_mutex_lock(&list_lock);
		for (struct greq *r = head; r; r = r->next)
			if (r->owner == &call_depth)
				r->armed = 1;
		pthread_mutex_unlock(&list_lock);
		unarmed = 0;
	}
	if (progress_mode < 0 && __atomic_load_n(&nlive, __ATOMIC_RELAXED) > 0)
		drive_all();
}

/* ---- the wrappers Open MPI calls --------------------------------------------------------- */

static int query_wrapper(void *extra_state, MPI_Status *status)
{
	struct greq *r = extra_state;
	return r->query ? r->query(r->state, status) : MPI_SUCCESS;
}

static int cancel_wrapper(void *extra_state, int complete)
{
	struct greq *r = extra_state;
	return r->cancel ? r->cancel(r->state, complete) : MPI_SUCCESS;
}

static int free_wrapper(void *extra_state)
{
	struct greq *r = extra_state;
	pthread_mutex_lock(&list_lock);
	r->freed = 1;
	pthread_mutex_unlock(&list_lock);
	__atomic_sub_fetch(&nlive, 1, __ATOMIC_RELAXED);
	int rc = r->free ? r->free(r->state) : MPI_SUCCESS;
	pthread_mutex_lock(&list_lock);
	if (!walking)
		sweep();
	pthread_mutex_unlock(&list_lock);
	return rc;
}

/* ---- MPIX_Grequest_* ---------------------------------------------------------------------- */

int PMPIX_Grequest_start(MPI_Grequest_query_function *query_fn, MPI_Grequest_free_function *free_fn,
                         MPI_Grequest_cancel_function *cancel_fn,
                         MPIX_Grequest_poll_function *poll_fn, MPIX_Grequest_wait_function *wait_fn,
                         void *extra_state, MPI_Request *request)
{
	if (!poll_fn) /* nothing to drive: a plain generalized request */
		return PMPI_Grequest_start(query_fn, free_fn, cancel_fn, extra_state, request);

	struct greq *r = calloc(1, sizeof *r);
	if (!r)
		return MPI_ERR_NO_MEM;
	r->query = query_fn;
	r->free = free_fn;
	r->cancel = cancel_fn;
	r->poll = poll_fn;
	r->wait = wait_fn;
	r->state = extra_state;
	r->owner = &call_depth;
	int rc = PMPI_Grequest_start(query_wrapper, free_wrapper, cancel_wrapper, r, request);
	if (rc != MPI_SUCCESS) {
		free(r);
		return rc;
	}
	r->req = *request;
	r->armed = call_depth == 0;
	if (!r->armed)
		unarmed++;

	pthread_mutex_lock(&list_lock);
	if (tail)
		tail->next = r;
	else
		head = r;
	tail = r;
	__atomic_add_fetch(&nlive, 1, __ATOMIC_RELAXED);
	if (progress_mode == 0)
		find_progress_engine();
	pthread_mutex_unlock(&list_lock);
	return MPI_SUCCESS;
}

int MPIX_Grequest_start(MPI_Grequest_query_function *query_fn, MPI_Grequest_free_function *free_fn,
                        MPI_Grequest_cancel_function *cancel_fn,
                        MPIX_Grequest_poll_function *poll_fn, MPIX_Grequest_wait_function *wait_fn,
                        void *extra_state, MPI_Request *request)
{
	return PMPIX_Grequest_start(query_fn, free_fn, cancel_fn, poll_fn, wait_fn, extra_state,
	                            request);
}

struct greq_class {
	MPI_Grequest_query_function *query;
	MPI_Grequest_free_function *free;
	MPI_Grequest_cancel_function *cancel;
	MPIX_Grequest_poll_function *poll;
	MPIX_Grequest_wait_function *wait;
};

static struct greq_class *classes;
static int nclasses, classes_cap;

/* Class handles are 1, 2, ...: ROMIO keeps 0 for "not created yet". */
int PMPIX_Grequest_class_create(MPI_Grequest_query_function *query_fn,
                                MPI_Grequest_free_function *free_fn,
                                MPI_Grequest_cancel_function *cancel_fn,
                                MPIX_Grequest_poll_function *poll_fn,
                                MPIX_Grequest_wait_function *wait_fn,
                                MPIX_Grequest_class *greq_class)
{
	int rc = MPI_SUCCESS;
	pthread_mutex_lock(&list_lock);
	if (nclasses == classes_cap) {
		int cap = classes_cap ? 2 * classes_cap : 8;
		struct greq_class *c = realloc(classes, (size_t)cap * sizeof *c);
		if (c) {
			classes = c;
			classes_cap = cap;
		}
	}
	if (nclasses < classes_cap) {
		classes[nclasses++] =
		    (struct greq_class){query_fn, free_fn, cancel_fn, poll_fn, wait_fn};
		*greq_class = nclasses;
	} else {
		rc = MPI_ERR_NO_MEM;
	}
	pthread_mutex_unlock(&list_lock);
	return rc;
}

int MPIX_Grequest_class_create(MPI_Grequest_query_function *query_fn,
                               MPI_Grequest_free_function *free_fn,
                               MPI_Grequest_cancel_function *cancel_fn,
                               MPIX_Grequest_poll_function *poll_fn,
                               MPIX_Grequest_wait_function *wait_fn,
                               MPIX_Grequest_class *greq_class)
{
	return PMPIX_Grequest_class_create(query_fn, free_fn, cancel_fn, poll_fn, wait_fn,
	                                   greq_class);
}

int PMPIX_Grequest_class_allocate(MPIX_Grequest_class greq_class, void *extra_state,
                                  MPI_Request *request)
{
	struct greq_class c;
	pthread_mutex_lock(&list_lock);
	int ok = greq_class >= 1 && greq_class <= nclasses;
	if (ok)
		c = classes[greq_class - 1];
	pthread_mutex_unlock(&list_lock);
	if (!ok)
		return MPI_ERR_ARG;
	return PMPIX_Grequest_start(c.query, c.free, c.cancel, c.poll, c.wait, extra_state,
	                            request);
}

int MPIX_Grequest_class_allocate(MPIX_Grequest_class greq_class, void *extra_state,
                                 MPI_Request *request)
{
	return PMPIX_Grequest_class_allocate(greq_class, extra_state, request);
}

/* ---- MPICH internals ---------------------------------------------------------------------- */

int MPIR_Get_node_id(MPI_Comm comm, int rank, int *id)
{
	int me, rc;
	MPI_Comm node;
	*id = rank;
	rc = PMPI_Comm_rank(comm, &me);
	if (rc != MPI_SUCCESS || rank != me)
		return rc;
	rc = PMPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
	if (rc != MPI_SUCCESS)
		return rc;
	rc = PMPI_Allreduce(&me, id, 1, MPI_INT, MPI_MIN, node);
	PMPI_Comm_free(&node);
	return rc;
}

#else
typedef int
    benchfs_romio_ompi_unused; /* not Open MPI: nothing to add (ISO C wants a declaration) */
#endif /* OPEN_MPI */
