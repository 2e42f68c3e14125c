/*
 * data.c - the chunk store: sparse object files driven through io_uring.
 *
 * An operation is a small record (struct data_op) taken from a free list: queued in the
 * submission ring (or on a wait list while the ring is full), completed from the completion
 * ring, retried for short writes, and handed back to the server through one callback.
 */
#include "server/data.h"

#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/util.h"
#include "server/store.h"

#define BFS_DATA_FD_CACHE       2048
#define FD_SLOTS                (2 * BFS_DATA_FD_CACHE) /* open addressing, load <= 1/2 */
#define BFS_DATA_INLINE_DEFAULT (64 * 1024)
#define BFS_DATA_WRITE_BEHIND   (1024 * 1024)

enum { OP_READ, OP_WRITE, OP_FSYNC, OP_WRITEBACK };

struct fd_entry {
	uint64_t ino; /* 0: free slot */
	int fd;
	unsigned refs;      /* operations in flight on fd */
	int referenced;     /* used since the eviction hand last passed */
	uint64_t unflushed; /* bytes written since writeback of the object was last started */
};

struct data_op {
	struct data_op *next; /* free list or wait list */
	void *user;
	struct fd_entry *fe;
	char *buf;
	size_t len, done;
	uint64_t off;
	int kind;
};

struct bfs_data {
	struct io_uring ring;
	int efd;
	char *dir;
	bfs_data_cb cb;
	unsigned inflight;
	struct data_op *free_ops;
	struct data_op *wait_head, *wait_tail; /* ops that found the submission ring full */
	struct fd_entry *fds[FD_SLOTS];        /* entries stay put: operations point at them */
	unsigned nfds;
	unsigned hand;     /* eviction clock hand */
	size_t inline_max; /* I/O up to this many bytes is done at once (env BENCHFS_INLINE_IO) */
	int memfs;         /* the data directory is on tmpfs/ramfs */
	uint64_t write_behind; /* writeback starts every this many bytes (BENCHFS_WRITE_BEHIND) */
	const struct bfs_store_ops *ops; /* the store kind, chosen at open (store.h) */
	void *state;                     /* the store's own (bfs_store_state) */
	struct bfs_data_counters cnt;
};

static unsigned slot_of(uint64_t ino)
{
	ino ^= ino >> 33;
	ino *= 0xff51afd7ed558ccdull;
	ino ^= ino >> 33;
	return (unsigned)(ino & (FD_SLOTS - 1));
}

static void object_path(const struct bfs_data *d, uint64_t ino, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/obj/%02x/%016llx", d->dir, (unsigned)(ino & 0xff),
	         (unsigned long long)ino);
}

/* Slot of @ino's entry, or of the empty slot ending its probe chain. */
static unsigned fd_slot(const struct bfs_data *d, uint64_t ino)
{
	unsigned i = slot_of(ino);

	while (d->fds[i] && d->fds[i]->ino != ino)
		i = (i + 1) & (FD_SLOTS - 1);
	return i;
}

static struct fd_entry *fd_find(struct bfs_data *d, uint64_t ino)
{
	return d->fds[fd_slot(d, ino)];
}

/* Remove the entry in slot @i (refs must be 0), closing its fd; backward-shift the chain. */
static void fd_remove(struct bfs_data *d, unsigned i)
{
	unsigned j = i;

	close(d->fds[i]->fd);
	free(d->fds[i]);
	d->fds[i] = NULL;
	d->nfds--;
	for (;;) {
		j = (j + 1) & (FD_SLOTS - 1);
		if (!d->fds[j])
			return;
		unsigned k = slot_of(d->fds[j]->ino);
		/* move j back into hole i unless its home k lies in (i, j] cyclically */
		if ((i <= j) ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		d->fds[i] = d->fds[j];
		d->fds[j] = NULL;
		i = j;
	}
}

/*
 * Close one cached object that no operation is using, chosen by a clock hand over the slots:
 * an entry used since the hand last passed gets a second chance. O(1) amortized.
 */
static void fd_evict_one(struct bfs_data *d)
{
	for (unsigned n = 0; n < 2 * FD_SLOTS; n++) {
		unsigned i = d->hand;
		struct fd_entry *e = d->fds[i];

		d->hand = (d->hand + 1) & (FD_SLOTS - 1);
		if (!e || e->refs)
			continue;
		if (e->referenced) {
			e->referenced = 0;
			continue;
		}
		fd_remove(d, i);
		return;
	}
}

/* The cached entry of @ino's object, opening it (creating it when @create) if needed. */
static int fd_get(struct bfs_data *d, uint64_t ino, int create, struct fd_entry **out)
{
	char path[4200];
	struct fd_entry *e = fd_find(d, ino);
	int fd;

	if (e)
		goto found;
	object_path(d, ino, path, sizeof(path));
	fd = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
	if (fd < 0 && errno == ENOENT && create) {
		/* first object in this fan-out directory */
		char *slash = strrchr(path, '/');
		*slash = '\0';
		if (mkdir(path, 0700) && errno != EEXIST)
			return -errno;
		*slash = '/';
		fd = open(path, O_RDWR | O_CLOEXEC | O_CREAT, 0600);
	}
	if (fd < 0)
		return -errno;
	if (d->nfds >= BFS_DATA_FD_CACHE)
		fd_evict_one(d);
	e = d->nfds < FD_SLOTS - 1 ? calloc(1, sizeof(*e)) : NULL;
	if (!e) {
		close(fd);
		return d->nfds < FD_SLOTS - 1 ? -ENOMEM : -EMFILE;
	}
	e->ino = ino;
	e->fd = fd;
	d->fds[fd_slot(d, ino)] = e;
	d->nfds++;
found:
	e->referenced = 1;
	*out = e;
	return 0;
}

static const struct bfs_store_ops files_ops;

/* BENCHFS_STORE: "files" (object files in the data directory, the default) or "memory". */
static int store_open(struct bfs_data *d)
{
	const char *kind = getenv("BENCHFS_STORE");
	const struct bfs_store_ops *ops = &files_ops;
	int rc;

	if (kind && *kind && strcmp(kind, files_ops.name)) {
		if (strcmp(kind, bfs_store_memory.name)) {
			bfs_warn("BENCHFS_STORE=%s: unknown chunk store (files or memory)", kind);
			return -EINVAL;
		}
		ops = &bfs_store_memory;
	}
	rc = ops->open ? ops->open(d) : 0;
	if (!rc)
		d->ops = ops;
	return rc;
}

int bfs_data_open(struct bfs_data **dp, const char *dir, unsigned depth, bfs_data_cb cb)
{
	struct bfs_data *d = calloc(1, sizeof(*d));
	struct statfs sfs;
	char path[4200];
	int rc;

	if (!d)
		return -ENOMEM;
	d->cb = cb;
	d->dir = strdup(dir);
	if (statfs(dir, &sfs) == 0)
		d->memfs = sfs.f_type == TMPFS_MAGIC || sfs.f_type == RAMFS_MAGIC;
	/* on tmpfs every read and write is a copy that never waits for a device: handing it to an
	 * io-wq thread only adds a wake-up and a switch, so all of it is done at once */
	d->inline_max =
	    bfs_env_u64("BENCHFS_INLINE_IO", d->memfs ? SIZE_MAX : BFS_DATA_INLINE_DEFAULT);
	/* on a device, written data starts draining to it while clients still send more, so an
	 * fsync or close waits only for the tail; tmpfs has nothing to drain to */
	d->write_behind = bfs_env_u64("BENCHFS_WRITE_BEHIND", d->memfs ? 0 : BFS_DATA_WRITE_BEHIND);
	rc = store_open(d);
	if (rc)
		goto fail;
	snprintf(path, sizeof(path), "%s/obj", dir);
	if (!d->dir || (mkdir(path, 0700) && errno != EEXIST)) {
		rc = d->dir ? -errno : -ENOMEM;
		goto fail;
	}
	rc = io_uring_queue_init(depth, &d->ring, 0);
	if (rc < 0)
		goto fail;
	d->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (d->efd < 0) {
		rc = -errno;
		goto fail_ring;
	}
	rc = io_uring_register_eventfd(&d->ring, d->efd);
	if (rc < 0)
		goto fail_efd;
	*dp = d;
	return 0;
fail_efd:
	close(d->efd);
fail_ring:
	io_uring_queue_exit(&d->ring);
fail:
	if (d->ops && d->ops->close)
		d->ops->close(d);
	free(d->dir);
	free(d);
	return rc;
}

void bfs_data_close(struct bfs_data *d)
{
	if (!d)
		return;
	while (d->inflight) {
		bfs_data_submit(d);
		struct io_uring_cqe *cqe;
		if (io_uring_wait_cqe(&d->ring, &cqe) == 0)
			bfs_data_reap(d);
	}
	bfs_data_sync_all(d);
	if (d->ops->close)
		d->ops->close(d);
	for (unsigned i = 0; i < FD_SLOTS; i++)
		if (d->fds[i]) {
			close(d->fds[i]->fd);
			free(d->fds[i]);
		}
	io_uring_queue_exit(&d->ring);
	close(d->efd);
	while (d->free_ops) {
		struct data_op *op = d->free_ops;
		d->free_ops = op->next;
		free(op);
	}
	free(d->dir);
	free(d);
}

int bfs_data_efd(struct bfs_data *d)
{
	return d->efd;
}

/* Put @op into the submission ring, or on the wait list when the ring is full. */
static void op_queue(struct bfs_data *d, struct data_op *op)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&d->ring);

	if (!sqe) {
		op->next = NULL;
		if (d->wait_tail)
			d->wait_tail->next = op;
		else
			d->wait_head = op;
		d->wait_tail = op;
		return;
	}
	d->cnt.sqes++;
	switch (op->kind) {
	case OP_READ:
		io_uring_prep_read(sqe, op->fe->fd, op->buf + op->done,
		                   (unsigned)(op->len - op->done), op->off + op->done);
		break;
	case OP_WRITE:
		io_uring_prep_write(sqe, op->fe->fd, op->buf + op->done,
		                    (unsigned)(op->len - op->done), op->off + op->done);
		break;
	case OP_FSYNC:
		io_uring_prep_fsync(sqe, op->fe->fd, IORING_FSYNC_DATASYNC);
		break;
	default: /* start writeback of every dirty page of the object; waits for none */
		io_uring_prep_sync_file_range(sqe, op->fe->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
		break;
	}
	io_uring_sqe_set_data(sqe, op);
}

static int op_queue_new(struct bfs_data *d, int kind, struct fd_entry *fe, void *buf, size_t len,
                        uint64_t off, void *user)
{
	struct data_op *op = d->free_ops;

	if (op)
		d->free_ops = op->next;
	else if (!(op = malloc(sizeof(*op))))
		return -ENOMEM;
	op->user = user;
	op->fe = fe;
	op->buf = buf;
	op->len = len;
	op->done = 0;
	op->off = off;
	op->kind = kind;
	fe->refs++;
	d->inflight++;
	if (d->inflight > d->cnt.inflight_max)
		d->cnt.inflight_max = d->inflight;
	op_queue(d, op);
	return 0;
}

static int op_start(struct bfs_data *d, int kind, uint64_t ino, void *buf, size_t len, uint64_t off,
                    void *user)
{
	struct fd_entry *fe;
	int rc = fd_get(d, ino, kind == OP_WRITE, &fe);

	return rc ? rc : op_queue_new(d, kind, fe, buf, len, off, user);
}

/*
 * Write-behind: once BENCHFS_WRITE_BEHIND bytes have been written to an object since the last
 * time, start writeback of its dirty pages (sync_file_range(2) with SYNC_FILE_RANGE_WRITE, in
 * io_uring: the device works while the next transfers arrive). Errors surface at fsync.
 */
static void write_behind(struct bfs_data *d, struct fd_entry *fe, size_t len)
{
	if (!d->write_behind)
		return;
	fe->unflushed += len;
	if (fe->unflushed < d->write_behind)
		return;
	fe->unflushed = 0;
	d->cnt.writebacks++;
	(void)op_queue_new(d, OP_WRITEBACK, fe, NULL, 0, 0, NULL); /* best effort */
}

/*
 * Small writes are done at once with pwrite(): neither tmpfs nor ext4 can take a buffered
 * write without blocking (RWF_NOWAIT gives EOPNOTSUPP), so io_uring hands every one to an
 * io-wq kernel thread, and the wake-up and switch cost more than copying a few pages.
 */
static int write_inline(struct bfs_data *d, struct fd_entry *fe, const char *buf, size_t len,
                        uint64_t off, void *user)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pwrite(fe->fd, buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			d->cb(user, n < 0 ? -errno : -EIO);
			return 0;
		}
		done += (size_t)n;
	}
	d->cnt.inline_ops++;
	write_behind(d, fe, done);
	d->cb(user, (int)done);
	return 0;
}

/* The files store: object files under DATA_DIR/obj through io_uring. */

static int files_write(struct bfs_data *d, uint64_t ino, const void *buf, size_t len, uint64_t off,
                       void *user)
{
	if (len <= d->inline_max) {
		struct fd_entry *fe;
		int rc = fd_get(d, ino, 1, &fe);
		if (rc)
			return rc;
		return write_inline(d, fe, buf, len, off, user);
	}
	return op_start(d, OP_WRITE, ino, (void *)buf, len, off, user);
}

static int files_read(struct bfs_data *d, uint64_t ino, void *buf, size_t len, uint64_t off,
                      void *user)
{
	struct fd_entry *fe;
	int rc;

	rc = fd_get(d, ino, 0, &fe);
	if (rc == -ENOENT) { /* no chunk of this file here yet: a hole */
		d->cb(user, 0);
		return 0;
	}
	if (rc)
		return rc;
	if (len <= d->inline_max) {
		/* a small read is done at once: on tmpfs (which takes no RWF_NOWAIT but never waits
		 * for a device) always, short at the object's end included; elsewhere when every
		 * page is cached, otherwise (or short) io_uring does it */
		struct iovec iov = {buf, len};
		ssize_t n = d->memfs ? pread(fe->fd, buf, len, (off_t)off)
		                     : preadv2(fe->fd, &iov, 1, (off_t)off, RWF_NOWAIT);

		if (n == (ssize_t)len || (d->memfs && n >= 0)) {
			d->cnt.inline_ops++;
			d->cb(user, (int)n);
			return 0;
		}
	}
	return op_start(d, OP_READ, ino, buf, len, off, user);
}

static int files_fsync(struct bfs_data *d, uint64_t ino, void *user)
{
	int rc = op_start(d, OP_FSYNC, ino, NULL, 0, 0, user);

	return rc == -ENOENT ? BFS_STORE_NOTHING_TO_FLUSH : rc; /* no object: nothing written */
}

static int files_truncate(struct bfs_data *d, uint64_t ino, uint64_t size)
{
	struct fd_entry *fe;
	struct stat st;
	int rc;

	rc = fd_get(d, ino, 0, &fe);
	if (rc == -ENOENT)
		return 0;
	if (rc)
		return rc;
	if (fstat(fe->fd, &st))
		return -errno;
	if ((uint64_t)st.st_size > size && ftruncate(fe->fd, (off_t)size))
		return -errno;
	return 0;
}

static int files_purge(struct bfs_data *d, uint64_t ino)
{
	char path[4200];
	unsigned i = fd_slot(d, ino);

	/* an fd still in use by a queued operation stays open until evicted later */
	if (d->fds[i] && !d->fds[i]->refs)
		fd_remove(d, i);
	object_path(d, ino, path, sizeof(path));
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

static int files_sync_all(struct bfs_data *d)
{
	int fd, rc = 0;

	/* one syncfs covers every object, cached or not */
	fd = open(d->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syncfs(fd))
		rc = -errno;
	close(fd);
	return rc;
}

static int files_statfs(struct bfs_data *d, struct bfs_store_space *sp)
{
	struct statvfs vfs;

	if (statvfs(d->dir, &vfs) < 0)
		return -errno;
	sp->total = (uint64_t)vfs.f_blocks * vfs.f_frsize;
	sp->free = (uint64_t)vfs.f_bfree * vfs.f_frsize;
	sp->avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	sp->where = (uint64_t)vfs.f_fsid;
	return 0;
}

static const struct bfs_store_ops files_ops = {
    .name = "files",
    .volatile_ = 0,
    .write = files_write,
    .read = files_read,
    .fsync = files_fsync,
    .truncate = files_truncate,
    .purge = files_purge,
    .sync_all = files_sync_all,
    .statfs = files_statfs,
};

/* The chunk store's calls: through the table of the store chosen at open. */

int bfs_data_write(struct bfs_data *d, uint64_t ino, const void *buf, size_t len, uint64_t off,
                   void *user)
{
	return d->ops->write(d, ino, buf, len, off, user);
}

int bfs_data_read(struct bfs_data *d, uint64_t ino, void *buf, size_t len, uint64_t off, void *user)
{
	return d->ops->read(d, ino, buf, len, off, user);
}

int bfs_data_fsync(struct bfs_data *d, uint64_t ino, void *user)
{
	int rc = d->ops->fsync(d, ino, user);

	if (rc == BFS_STORE_NOTHING_TO_FLUSH) {
		d->cb(user, 0);
		return 0;
	}
	return rc;
}

int bfs_data_truncate(struct bfs_data *d, uint64_t ino, uint64_t size)
{
	return d->ops->truncate(d, ino, size);
}

int bfs_data_purge(struct bfs_data *d, uint64_t ino)
{
	return d->ops->purge(d, ino);
}

int bfs_data_submit(struct bfs_data *d)
{
	while (d->wait_head && io_uring_sq_space_left(&d->ring)) {
		struct data_op *op = d->wait_head;
		d->wait_head = op->next;
		if (!d->wait_head)
			d->wait_tail = NULL;
		op_queue(d, op);
	}
	if (!io_uring_sq_ready(&d->ring))
		return 0;
	d->cnt.submits++;
	return io_uring_submit(&d->ring);
}

static void op_done(struct bfs_data *d, struct data_op *op, int res)
{
	op->fe->refs--;
	d->inflight--;
	op->next = d->free_ops;
	d->free_ops = op;
	if (op->kind != OP_WRITEBACK)
		d->cb(op->user, res);
}

int bfs_data_reap(struct bfs_data *d)
{
	struct io_uring_cqe *cqe;
	unsigned head, n = 0;

	io_uring_for_each_cqe(&d->ring, head, cqe)
	{
		struct data_op *op = io_uring_cqe_get_data(cqe);
		int res = cqe->res;

		n++;
		if (res < 0) {
			op_done(d, op, res);
			continue;
		}
		op->done += (size_t)res;
		if (op->kind == OP_WRITE && res > 0 && op->done < op->len) {
			op_queue(d, op); /* short write: go on with the rest */
			continue;
		}
		if (op->kind == OP_WRITE)
			write_behind(d, op->fe, op->done);
		op_done(d, op, op->kind == OP_FSYNC ? 0 : (int)op->done);
	}
	io_uring_cq_advance(&d->ring, n);
	d->cnt.cqes += n;
	return (int)n;
}

void bfs_data_counters(struct bfs_data *d, struct bfs_data_counters *c, int reset)
{
	*c = d->cnt;
	if (reset) {
		memset(&d->cnt, 0, sizeof(d->cnt));
		d->cnt.inflight_max = d->inflight;
	}
}

unsigned bfs_data_inflight(const struct bfs_data *d)
{
	return d->inflight;
}

void bfs_data_clear_efd(struct bfs_data *d)
{
	uint64_t junk;

	if (read(d->efd, &junk, sizeof(junk)) < 0 && errno != EAGAIN)
		bfs_warn("eventfd read: %s", strerror(errno));
}

int bfs_data_sync_all(struct bfs_data *d)
{
	return d->ops->sync_all(d);
}

int bfs_data_statfs(struct bfs_data *d, struct bfs_store_space *sp)
{
	memset(sp, 0, sizeof(*sp));
	return d->ops->statfs(d, sp);
}

void **bfs_store_state(struct bfs_data *d)
{
	return &d->state;
}

void bfs_store_done(struct bfs_data *d, void *user, int res)
{
	d->cnt.inline_ops++;
	d->cb(user, res);
}

void bfs_store_count_inline(struct bfs_data *d)
{
	d->cnt.inline_ops++;
}

int bfs_data_volatile(const struct bfs_data *d)
{
	return d->ops->volatile_;
}

void *bfs_data_write_begin(struct bfs_data *d, uint64_t ino, size_t len, uint64_t off,
                           struct bfs_store_hold **h, int *err)
{
	*h = NULL;
	*err = 0;
	return d->ops->write_begin ? d->ops->write_begin(d, ino, len, off, h, err) : NULL;
}

void bfs_data_write_end(struct bfs_data *d, struct bfs_store_hold *h, size_t len, uint64_t off,
                        int ok)
{
	if (d->ops->write_end)
		d->ops->write_end(d, h, len, off, ok);
}

const void *bfs_data_read_begin(struct bfs_data *d, uint64_t ino, size_t len, uint64_t off,
                                size_t *n, struct bfs_store_hold **h)
{
	*h = NULL;
	return d->ops->read_begin ? d->ops->read_begin(d, ino, len, off, n, h) : NULL;
}

void bfs_data_read_end(struct bfs_data *d, struct bfs_store_hold *h)
{
	if (d->ops->read_end)
		d->ops->read_end(d, h);
}
