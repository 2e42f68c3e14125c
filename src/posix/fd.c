/*
 * fd.c - the descriptor table of libbenchfs-posix.so (see posix.h).
 *
 * Two levels of 1024 slots, pages allocated on first use and never freed, so that a lookup
 * (every read, write, close, fstat ... of any descriptor goes through one) is two loads without
 * a lock: bfsp_file_get() of a descriptor that is not BenchFS's costs a bounds check and one or
 * two loads. Changes take the table's mutex.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "posix/posix.h"

#define PAGE_BITS 10
#define PAGE_SIZE (1 << PAGE_BITS)
#define TOP_SIZE  1024 /* descriptors up to 2^20 */

static struct bfsp_file **_Atomic top[TOP_SIZE];
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;

struct bfsp_file *bfsp_file_get(int fd)
{
	struct bfsp_file **page;

	if ((unsigned)fd >= TOP_SIZE * PAGE_SIZE)
		return NULL;
	page = atomic_load_explicit(&top[fd >> PAGE_BITS], memory_order_acquire);
	if (!page)
		return NULL;
	return __atomic_load_n(&page[fd & (PAGE_SIZE - 1)], __ATOMIC_ACQUIRE);
}

/* the slot of @fd, its page made when missing (table_lock held); NULL when out of memory */
static struct bfsp_file **slot(int fd)
{
	struct bfsp_file **page;

	if ((unsigned)fd >= TOP_SIZE * PAGE_SIZE)
		return NULL;
	page = atomic_load_explicit(&top[fd >> PAGE_BITS], memory_order_relaxed);
	if (!page) {
		page = calloc(PAGE_SIZE, sizeof(*page));
		if (!page)
			return NULL;
		atomic_store_explicit(&top[fd >> PAGE_BITS], page, memory_order_release);
	}
	return &page[fd & (PAGE_SIZE - 1)];
}

struct bfsp_file *bfsp_file_new(const struct bfsp_path *p, int bfd, int flags, int is_dir)
{
	struct bfsp_file *f = calloc(1, sizeof(*f) + (size_t)p->len + 1);

	if (!f)
		return NULL;
	f->bfd = bfd;
	f->flags = flags;
	f->is_dir = is_dir;
	memcpy(f->path, p->p, (size_t)p->len + 1);
	return f;
}

static void file_release(struct bfsp_file *f)
{
	bfsp_inside++;
	if (f->dir)
		benchfs_closedir(f->dir);
	bfsp_inside--;
	free(f->pending);
	free(f);
}

/* a kernel descriptor reserved for a BenchFS one: the lowest free one, or one >= @minfd. It is
 * an O_PATH descriptor of "/": I/O that misses the wrappers (glibc's internal calls) fails on it
 * with EBADF, loudly, instead of going to a real file or vanishing. */
static int reserve(int minfd, int cloexec)
{
	BFSP_REAL(open);
	BFSP_REAL(fcntl);
	static int base = -1; /* an O_PATH descriptor of "/" kept high; duplicated: one call */
	int fd;

	if (base < 0) {
		int b = real_open("/", O_PATH | O_CLOEXEC);
		if (b >= 0) {
			int high = real_fcntl(b, F_DUPFD_CLOEXEC, 900);
			BFSP_REAL(close);
			real_close(b);
			base = high;
		}
	}
	fd = base >= 0
	         ? real_fcntl(base, cloexec ? F_DUPFD_CLOEXEC : F_DUPFD, minfd < 0 ? 0 : minfd)
	         : -1;
	if (base >= 0 && fd < 0 && errno == EBADF)
		base = -1; /* the program closed it: take another next time */
	if (base < 0 && fd < 0) {
		fd = real_open("/", O_PATH | (cloexec ? O_CLOEXEC : 0));
		if (fd >= 0 && minfd >= 0 && fd < minfd) {
			int d = real_fcntl(fd, cloexec ? F_DUPFD_CLOEXEC : F_DUPFD, minfd),
			    e = errno;
			BFSP_REAL(close);
			real_close(fd);
			errno = e;
			fd = d;
		}
	}
	return fd < 0 ? -errno : fd;
}

int bfsp_fd_install(struct bfsp_file *f, int minfd, int cloexec)
{
	BFSP_REAL(close);
	struct bfsp_file **s;
	int fd = reserve(minfd, cloexec);

	if (fd < 0)
		return fd;
	pthread_mutex_lock(&table_lock);
	s = slot(fd);
	if (!s) {
		pthread_mutex_unlock(&table_lock);
		real_close(fd);
		return -EMFILE;
	}
	f->refs++;
	__atomic_store_n(s, f, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&table_lock);
	bfsp_std_attach(fd);
	return fd;
}

int bfsp_fd_install_at(struct bfsp_file *f, int fd, int cloexec)
{
	BFSP_REAL(dup3);
	BFSP_REAL(close);
	struct bfsp_file **s, *old;
	int tmp = reserve(-1, 1), rc;

	if (tmp < 0)
		return tmp;
	pthread_mutex_lock(&table_lock);
	s = slot(fd);
	if (!s) {
		pthread_mutex_unlock(&table_lock);
		real_close(tmp);
		return -EBADF;
	}
	if (tmp != fd) { /* (@fd was free, and the lowest: tmp is it already) */
		rc = real_dup3(tmp, fd, cloexec ? O_CLOEXEC : 0);
		if (rc < 0) {
			rc = -errno;
			pthread_mutex_unlock(&table_lock);
			real_close(tmp);
			return rc;
		}
		real_close(tmp);
	} else if (!cloexec) {
		BFSP_REAL(fcntl);
		real_fcntl(fd, F_SETFD, 0);
	}
	old = *s;
	f->refs++;
	__atomic_store_n(s, f, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&table_lock);
	bfsp_std_attach(fd);
	if (old && --old->refs == 0) {
		bfsp_inside++;
		if (old->bfd >= 0)
			benchfs_close(old->bfd);
		bfsp_inside--;
		file_release(old);
	}
	return fd;
}

int bfsp_fd_remove(int fd, int close_kernel)
{
	BFSP_REAL(close);
	struct bfsp_file **s, *f;
	int rc = 0, last;

	pthread_mutex_lock(&table_lock);
	s = slot(fd);
	f = s ? *s : NULL;
	if (!f) {
		pthread_mutex_unlock(&table_lock);
		return -EBADF;
	}
	pthread_mutex_unlock(&table_lock);
	bfsp_std_detach(fd); /* flushes stdout into the file first */
	pthread_mutex_lock(&table_lock);
	if (*s != f) {
		pthread_mutex_unlock(&table_lock);
		return -EBADF;
	}
	__atomic_store_n(s, NULL, __ATOMIC_RELEASE);
	if (close_kernel)
		real_close(fd);
	last = --f->refs == 0;
	pthread_mutex_unlock(&table_lock);
	if (last) {
		bfsp_inside++;
		if (f->bfd >= 0)
			rc = benchfs_close(f->bfd);
		bfsp_inside--;
		file_release(f);
	}
	return rc;
}

int bfsp_file_bfd(struct bfsp_file *f)
{
	int fd, rc;

	if (f->bfd >= 0)
		return f->bfd;
	rc = bfsp_attach();
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&table_lock);
	if (f->bfd < 0) {
		bfsp_inside++;
		fd = benchfs_open(f->path, f->flags & (O_ACCMODE | O_APPEND), 0);
		if (fd >= 0 && f->reopen_pos)
			benchfs_lseek(fd, (off_t)f->reopen_pos, SEEK_SET);
		bfsp_inside--;
		if (fd >= 0)
			f->bfd = fd;
		else
			rc = fd;
	}
	pthread_mutex_unlock(&table_lock);
	return rc < 0 ? rc : f->bfd;
}

/* for each entry of the table (table_lock held) */
static void each(void (*fn)(struct bfsp_file *f))
{
	for (int t = 0; t < TOP_SIZE; t++) {
		struct bfsp_file **page = atomic_load_explicit(&top[t], memory_order_relaxed);

		for (int i = 0; page && i < PAGE_SIZE; i++)
			if (page[i])
				fn(page[i]);
	}
}

static void note_pos(struct bfsp_file *f)
{
	if (f->bfd >= 0 && !f->is_dir) {
		off_t pos = benchfs_lseek(f->bfd, 0, SEEK_CUR);
		f->reopen_pos = pos > 0 ? (uint64_t)pos : 0;
	}
}

static void forget(struct bfsp_file *f)
{
	f->bfd = -1; /* the parent's; reopened by path at first use */
	f->dir = NULL;
	free(f->pending);
	f->pending = NULL;
}

/* pthread_atfork's prepare: note every file's offset (the child reopens there) */
void bfsp_fork_prepare(void)
{
	pthread_mutex_lock(&table_lock);
	bfsp_inside++;
	each(note_pos);
	bfsp_inside--;
}

void bfsp_fork_parent(void)
{
	pthread_mutex_unlock(&table_lock);
}

void bfsp_fork_child(void)
{
	pthread_mutex_init(&table_lock, NULL);
	each(forget);
}

int bfsp_fd_next(int from, struct bfsp_file **f)
{
	for (int fd = from < 0 ? 0 : from; fd < TOP_SIZE * PAGE_SIZE; fd++) {
		struct bfsp_file **page =
		    atomic_load_explicit(&top[fd >> PAGE_BITS], memory_order_acquire);

		if (!page) {
			fd |= PAGE_SIZE - 1;
			continue;
		}
		if ((*f = bfsp_file_get(fd)))
			return fd;
	}
	return -1;
}

int bfsp_fd_adopt(int fd, struct bfsp_file *f)
{
	struct bfsp_file **s;

	pthread_mutex_lock(&table_lock);
	s = slot(fd);
	if (!s || *s) {
		pthread_mutex_unlock(&table_lock);
		return -EBADF;
	}
	f->refs++;
	__atomic_store_n(s, f, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&table_lock);
	return fd;
}
