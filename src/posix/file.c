/*
 * file.c - libbenchfs-posix.so: the open family, descriptor I/O, attributes through a
 * descriptor, dup/fcntl, locks, mmap, copy_file_range/sendfile (see posix.h).
 *
 * Every wrapper first asks whether its path (bfsp_resolve) or descriptor (bfsp_file_get) is
 * BenchFS's; when not, it calls libc's function with the arguments unchanged.
 */
#undef _FORTIFY_SOURCE
#include <aio.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "posix/posix.h"

_Static_assert(sizeof(struct stat) == sizeof(struct stat64), "stat and stat64 differ");

/* ---- open ---- */

int bfsp_open(struct bfsp_path *p, int flags, mode_t mode, int *is_local, char *local)
{
	struct bfsp_file *f;
	struct stat st;
	int rc, bfd, is_dir, fd;

	*is_local = 0;
	rc = bfsp_attach();
	if (rc < 0)
		return rc;
	if ((flags & O_TMPFILE) == O_TMPFILE)
		return -EOPNOTSUPP;
	if (p->len == 1 && !(flags & O_PATH)) { /* the root: a directory benchfs_open refuses */
		if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_CREAT))
			return (flags & O_CREAT) && (flags & O_EXCL) ? -EEXIST : -EISDIR;
		f = bfsp_file_new(p, -1, flags & (O_ACCMODE | O_NONBLOCK), 1);
		if (!f)
			return -ENOMEM;
		fd = bfsp_fd_install(f, -1, flags & O_CLOEXEC);
		if (fd < 0)
			free(f);
		return fd;
	}
	if ((flags & O_ACCMODE) == O_ACCMODE)
		return -EINVAL;
	if (flags & O_PATH) { /* a handle for *at calls and fstat only */
		if (!(flags & O_NOFOLLOW)) {
			rc = bfsp_follow(p, local);
			if (rc <= 0) {
				*is_local = rc == 0;
				return rc;
			}
		}
		rc = IN(benchfs_lstat(p->p, &st));
		if (rc < 0)
			return rc;
		if ((flags & O_DIRECTORY) && !S_ISDIR(st.st_mode))
			return -ENOTDIR;
		bfd = -1;
		is_dir = S_ISDIR(st.st_mode);
	} else {
		int bflags = flags & (O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_APPEND), mode_now;

		/* the common case in one request: a symlink in the last component gives ELOOP,
		 * and only then is it followed */
		bfd = IN(benchfs_open(p->p, bflags, mode & ~bfsp_umask() & 07777));
		if (bfd == -ELOOP && !(flags & O_NOFOLLOW)) {
			rc = bfsp_follow(p, local);
			if (rc <= 0) {
				*is_local = rc == 0;
				return rc;
			}
			if (p->len == 1)
				return bfsp_open(p, flags, mode, is_local, local);
			bfd = IN(benchfs_open(p->p, bflags, mode & ~bfsp_umask() & 07777));
		}
		if (bfd < 0)
			return bfd;
		mode_now = IN(benchfs_fmode(bfd));
		is_dir = mode_now > 0 && S_ISDIR((mode_t)mode_now);
		if ((flags & O_DIRECTORY) && !is_dir) {
			IN(benchfs_close(bfd));
			return -ENOTDIR;
		}
	}
	f = bfsp_file_new(p, bfd, flags & (O_ACCMODE | O_APPEND | O_NONBLOCK | O_PATH), is_dir);
	if (!f) {
		if (bfd >= 0)
			IN(benchfs_close(bfd));
		return -ENOMEM;
	}
	fd = bfsp_fd_install(f, -1, flags & O_CLOEXEC);
	if (fd < 0) {
		if (bfd >= 0)
			IN(benchfs_close(bfd));
		free(f);
	}
	return fd;
}

static int open_common(int dirfd, const char *path, int flags, mode_t mode, int at)
{
	BFSP_REAL(open);
	BFSP_REAL(openat);
	struct bfsp_path p;
	char local[PATH_MAX];
	int r = bfsp_resolve(dirfd, path, &p), is_local, fd;

	if (r == 0)
		return at ? real_openat(dirfd, path, flags, mode) : real_open(path, flags, mode);
	if (r == 2)
		return real_open(p.p, flags, mode);
	if (r < 0)
		return (int)bfsp_err(r);
	fd = bfsp_open(&p, flags, mode, &is_local, local);
	if (is_local)
		return real_open(local, flags, mode);
	return (int)bfsp_err(fd);
}

#define OPEN_MODE(flags, mode)                                                                     \
	do {                                                                                       \
		if ((flags)&O_CREAT || ((flags)&O_TMPFILE) == O_TMPFILE) {                         \
			va_list ap;                                                                \
			va_start(ap, flags);                                                       \
			mode = va_arg(ap, mode_t);                                                 \
			va_end(ap);                                                                \
		}                                                                                  \
	} while (0)

BFSP_EXPORT int open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	return open_common(AT_FDCWD, path, flags, mode, 0);
}

BFSP_EXPORT int open64(const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	return open_common(AT_FDCWD, path, flags | O_LARGEFILE, mode, 0);
}

BFSP_EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	return open_common(dirfd, path, flags, mode, 1);
}

BFSP_EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	return open_common(dirfd, path, flags | O_LARGEFILE, mode, 1);
}

BFSP_EXPORT int __open_2(const char *path, int flags)
{
	return open_common(AT_FDCWD, path, flags, 0, 0);
}

BFSP_EXPORT int __open64_2(const char *path, int flags)
{
	return open_common(AT_FDCWD, path, flags | O_LARGEFILE, 0, 0);
}

BFSP_EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	return open_common(dirfd, path, flags, 0, 1);
}

BFSP_EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
	return open_common(dirfd, path, flags | O_LARGEFILE, 0, 1);
}

BFSP_EXPORT int creat(const char *path, mode_t mode)
{
	return open_common(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, mode, 0);
}

BFSP_EXPORT int creat64(const char *path, mode_t mode)
{
	return open_common(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC | O_LARGEFILE, mode, 0);
}

BFSP_EXPORT int close(int fd)
{
	BFSP_REAL(close);

	if (!bfsp_file_get(fd))
		return real_close(fd);
	return (int)bfsp_err(bfsp_fd_remove(fd, 1));
}

BFSP_EXPORT int close_range(unsigned first, unsigned last, int flags)
{
	BFSP_REAL(close_range);

	if (!(flags & CLOSE_RANGE_CLOEXEC))
		for (unsigned fd = first; fd <= last && fd < (1u << 20); fd++)
			if (bfsp_file_get((int)fd))
				bfsp_fd_remove((int)fd, 1);
	return real_close_range(first, last, flags);
}

/* ---- data ---- */

/* the BenchFS descriptor of @f for data I/O: -EISDIR, -EBADF (O_PATH) or the reopen error */
static int data_bfd(struct bfsp_file *f)
{
	if (f->is_dir)
		return -EISDIR;
	if (f->flags & O_PATH)
		return -EBADF;
	return bfsp_file_bfd(f);
}

BFSP_EXPORT ssize_t read(int fd, void *buf, size_t n)
{
	BFSP_REAL(read);
	struct bfsp_file *f = bfsp_file_get(fd);
	int b;

	if (!f)
		return real_read(fd, buf, n);
	b = data_bfd(f);
	if (b < 0)
		return bfsp_err(b);
	return bfsp_err(IN(benchfs_read(b, buf, n)));
}

BFSP_EXPORT ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen)
{
	if (n > buflen)
		abort(); /* what glibc's __chk_fail does, short of its message */
	return read(fd, buf, n);
}

BFSP_EXPORT ssize_t write(int fd, const void *buf, size_t n)
{
	BFSP_REAL(write);
	struct bfsp_file *f = bfsp_file_get(fd);
	int b;

	if (!f)
		return real_write(fd, buf, n);
	b = data_bfd(f);
	if (b < 0)
		return bfsp_err(b);
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return bfsp_err(-EBADF);
	if (f->flags & O_APPEND)
		IN(benchfs_lseek(b, 0, SEEK_END));
	return bfsp_err(IN(benchfs_write(b, buf, n)));
}

BFSP_EXPORT ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	BFSP_REAL(pread);
	struct bfsp_file *f = bfsp_file_get(fd);
	int b;

	if (!f)
		return real_pread(fd, buf, n, off);
	b = data_bfd(f);
	if (b < 0)
		return bfsp_err(b);
	return bfsp_err(IN(benchfs_pread(b, buf, n, off)));
}

BFSP_EXPORT ssize_t pread64(int fd, void *buf, size_t n, off_t off)
{
	return pread(fd, buf, n, off);
}

BFSP_EXPORT ssize_t __pread_chk(int fd, void *buf, size_t n, off_t off, size_t buflen)
{
	if (n > buflen)
		abort();
	return pread(fd, buf, n, off);
}

BFSP_EXPORT ssize_t __pread64_chk(int fd, void *buf, size_t n, off_t off, size_t buflen)
{
	return __pread_chk(fd, buf, n, off, buflen);
}

BFSP_EXPORT ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	BFSP_REAL(pwrite);
	struct bfsp_file *f = bfsp_file_get(fd);
	int b;

	if (!f)
		return real_pwrite(fd, buf, n, off);
	b = data_bfd(f);
	if (b < 0)
		return bfsp_err(b);
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return bfsp_err(-EBADF);
	return bfsp_err(IN(benchfs_pwrite(b, buf, n, off)));
}

BFSP_EXPORT ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	return pwrite(fd, buf, n, off);
}

/* readv/writev/preadv/pwritev on @f: segment by segment; @off < 0: at the file offset */
static ssize_t vec_io(struct bfsp_file *f, const struct iovec *iov, int cnt, off_t off, int wr)
{
	ssize_t done = 0;
	int b = data_bfd(f);

	if (b < 0)
		return bfsp_err(b);
	if (cnt < 0 || cnt > IOV_MAX)
		return bfsp_err(-EINVAL);
	if (wr && (f->flags & O_ACCMODE) == O_RDONLY)
		return bfsp_err(-EBADF);
	if (wr && off < 0 && (f->flags & O_APPEND))
		IN(benchfs_lseek(b, 0, SEEK_END));
	for (int i = 0; i < cnt; i++) {
		ssize_t r;

		if (!iov[i].iov_len)
			continue;
		if (off < 0)
			r = wr ? IN(benchfs_write(b, iov[i].iov_base, iov[i].iov_len))
			       : IN(benchfs_read(b, iov[i].iov_base, iov[i].iov_len));
		else
			r = wr ? IN(benchfs_pwrite(b, iov[i].iov_base, iov[i].iov_len, off + done))
			       : IN(benchfs_pread(b, iov[i].iov_base, iov[i].iov_len, off + done));
		if (r < 0)
			return done ? done : bfsp_err(r);
		done += r;
		if ((size_t)r < iov[i].iov_len)
			break;
	}
	return done;
}

BFSP_EXPORT ssize_t readv(int fd, const struct iovec *iov, int cnt)
{
	BFSP_REAL(readv);
	struct bfsp_file *f = bfsp_file_get(fd);

	return f ? vec_io(f, iov, cnt, -1, 0) : real_readv(fd, iov, cnt);
}

BFSP_EXPORT ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	BFSP_REAL(writev);
	struct bfsp_file *f = bfsp_file_get(fd);

	return f ? vec_io(f, iov, cnt, -1, 1) : real_writev(fd, iov, cnt);
}

BFSP_EXPORT ssize_t preadv(int fd, const struct iovec *iov, int cnt, off_t off)
{
	BFSP_REAL(preadv);
	struct bfsp_file *f = bfsp_file_get(fd);

	if (!f)
		return real_preadv(fd, iov, cnt, off);
	return off < 0 ? bfsp_err(-EINVAL) : vec_io(f, iov, cnt, off, 0);
}

BFSP_EXPORT ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
	BFSP_REAL(pwritev);
	struct bfsp_file *f = bfsp_file_get(fd);

	if (!f)
		return real_pwritev(fd, iov, cnt, off);
	return off < 0 ? bfsp_err(-EINVAL) : vec_io(f, iov, cnt, off, 1);
}

BFSP_EXPORT ssize_t preadv64(int fd, const struct iovec *iov, int cnt, off_t off)
{
	return preadv(fd, iov, cnt, off);
}

BFSP_EXPORT ssize_t pwritev64(int fd, const struct iovec *iov, int cnt, off_t off)
{
	return pwritev(fd, iov, cnt, off);
}

BFSP_EXPORT ssize_t preadv2(int fd, const struct iovec *iov, int cnt, off_t off, int flags)
{
	BFSP_REAL(preadv2);
	struct bfsp_file *f = bfsp_file_get(fd);

	if (!f)
		return real_preadv2(fd, iov, cnt, off, flags);
	if (flags & ~RWF_HIPRI)
		return bfsp_err(-EOPNOTSUPP);
	return vec_io(f, iov, cnt, off, 0); /* off -1: the file offset, as Linux */
}

BFSP_EXPORT ssize_t pwritev2(int fd, const struct iovec *iov, int cnt, off_t off, int flags)
{
	BFSP_REAL(pwritev2);
	struct bfsp_file *f = bfsp_file_get(fd);

	if (!f)
		return real_pwritev2(fd, iov, cnt, off, flags);
	if (flags & ~(RWF_HIPRI | RWF_DSYNC | RWF_SYNC))
		return bfsp_err(-EOPNOTSUPP);
	return vec_io(f, iov, cnt, off, 1);
}

BFSP_EXPORT ssize_t preadv64v2(int fd, const struct iovec *iov, int cnt, off_t off, int flags)
{
	return preadv2(fd, iov, cnt, off, flags);
}

BFSP_EXPORT ssize_t pwritev64v2(int fd, const struct iovec *iov, int cnt, off_t off, int flags)
{
	return pwritev2(fd, iov, cnt, off, flags);
}

BFSP_EXPORT off_t lseek(int fd, off_t off, int whence)
{
	BFSP_REAL(lseek);
	struct bfsp_file *f = bfsp_file_get(fd);
	struct stat st;
	int b, rc;

	if (!f)
		return real_lseek(fd, off, whence);
	if (f->is_dir) { /* a directory's offset: only rewinding means anything here */
		if (whence != SEEK_SET || off != 0)
			return bfsp_err(-EINVAL);
		if (f->dir)
			IN(benchfs_closedir(f->dir));
		f->dir = NULL;
		free(f->pending);
		f->pending = NULL;
		f->dir_pos = 0;
		return 0;
	}
	b = data_bfd(f);
	if (b < 0)
		return bfsp_err(b);
	if (whence != SEEK_DATA && whence != SEEK_HOLE)
		return bfsp_err(IN(benchfs_lseek(b, off, whence)));
	/* no holes are reported: data everywhere up to the size, as ext4 without extents */
	rc = IN(benchfs_fstat(b, &st));
	if (rc < 0)
		return bfsp_err(rc);
	if (off < 0 || off >= st.st_size)
		return bfsp_err(-ENXIO);
	return bfsp_err(IN(benchfs_lseek(b, whence == SEEK_DATA ? off : st.st_size, SEEK_SET)));
}

BFSP_EXPORT off_t lseek64(int fd, off_t off, int whence)
{
	return lseek(fd, off, whence);
}

/* ---- attributes of descriptors ---- */

int bfsp_fstat(struct bfsp_file *f, struct stat *st)
{
	int rc;

	if (f->bfd < 0 && (f->is_dir || (f->flags & O_PATH))) {
		struct bfsp_path p;

		p.len = (int)strlen(f->path);
		memcpy(p.p, f->path, (size_t)p.len + 1);
		return bfsp_stat_path(&p, st, 0);
	}
	rc = bfsp_file_bfd(f);
	if (rc < 0)
		return rc;
	rc = IN(benchfs_fstat(rc, st));
	if (rc == 0)
		st->st_dev = BFSP_DEV;
	return rc;
}

BFSP_EXPORT int fstat(int fd, struct stat *st)
{
	BFSP_REAL(fstat);
	struct bfsp_file *f = bfsp_file_get(fd);

	if (!f)
		return real_fstat(fd, st);
	return (int)bfsp_err(bfsp_fstat(f, st));
}

BFSP_EXPORT int fstat64(int fd, struct stat64 *st)
{
	return fstat(fd, (struct stat *)st);
}

BFSP_EXPORT int __fxstat(int ver, int fd, struct stat *st);
BFSP_EXPORT int __fxstat(int ver, int fd, struct stat *st)
{
	static int (*real___fxstat)(int, int, struct stat *);
	struct bfsp_file *f = bfsp_file_get(fd);

	if (!f) {
		if (!real___fxstat)
			real___fxstat = (int (*)(int, int, struct stat *))bfsp_dlsym("__fxstat");
		return real___fxstat(ver, fd, st);
	}
	return (int)bfsp_err(bfsp_fstat(f, st));
}

BFSP_EXPORT int __fxstat64(int ver, int fd, struct stat64 *st);
BFSP_EXPORT int __fxstat64(int ver, int fd, struct stat64 *st)
{
	static int (*real___fxstat64)(int, int, struct stat64 *);
	struct bfsp_file *f = bfsp_file_get(fd);

	if (!f) {
		if (!real___fxstat64)
			real___fxstat64 =
			    (int (*)(int, int, struct stat64 *))bfsp_dlsym("__fxstat64");
		return real___fxstat64(ver, fd, st);
	}
	return (int)bfsp_err(bfsp_fstat(f, (struct stat *)st));
}

BFSP_EXPORT int fsync(int fd)
{
	BFSP_REAL(fsync);
	struct bfsp_file *f = bfsp_file_get(fd);
	int b;

	if (!f)
		return real_fsync(fd);
	if (f->is_dir || (f->flags & O_PATH))
		return 0; /* namespace changes are on their servers when they return */
	b = bfsp_file_bfd(f);
	if (b < 0)
		return (int)bfsp_err(b);
	return (int)bfsp_err(IN(benchfs_fsync(b)));
}

BFSP_EXPORT int fdatasync(int fd)
{
	BFSP_REAL(fdatasync);

	if (!bfsp_file_get(fd))
		return real_fdatasync(fd);
	return fsync(fd);
}

BFSP_EXPORT int syncfs(int fd)
{
	BFSP_REAL(syncfs);

	if (!bfsp_file_get(fd))
		return real_syncfs(fd);
	return fsync(fd);
}

BFSP_EXPORT int sync_file_range(int fd, off_t off, off_t n, unsigned int flags)
{
	BFSP_REAL(sync_file_range);
	struct bfsp_file *f = bfsp_file_get(fd);

	if (!f)
		return real_sync_file_range(fd, off, n, flags);
	if (off < 0 || n < 0 || (flags & ~7u))
		return (int)bfsp_err(-EINVAL);
	if (f->is_dir)
		return (int)bfsp_err(-ESPIPE);
	return (flags & SYNC_FILE_RANGE_WAIT_AFTER) ? fsync(fd) : 0;
}

BFSP_EXPORT int posix_fadvise(int fd, off_t off, off_t len, int advice)
{
	BFSP_REAL(posix_fadvise);

	if (!bfsp_file_get(fd))
		return real_posix_fadvise(fd, off, len, advice);
	if (len < 0 || advice < POSIX_FADV_NORMAL || advice > POSIX_FADV_NOREUSE)
		return EINVAL;
	return 0; /* advice only; the servers keep no client page cache to steer */
}

BFSP_EXPORT int posix_fadvise64(int fd, off_t off, off_t len, int advice)
{
	return posix_fadvise(fd, off, len, advice);
}

BFSP_EXPORT int ftruncate(int fd, off_t len)
{
	BFSP_REAL(ftruncate);
	struct bfsp_file *f = bfsp_file_get(fd);
	int b;

	if (!f)
		return real_ftruncate(fd, len);
	if (f->is_dir)
		return (int)bfsp_err(-EINVAL);
	if ((f->flags & O_ACCMODE) == O_RDONLY || (f->flags & O_PATH))
		return (int)bfsp_err(
		    -EINVAL); /* Linux: EINVAL for a descriptor not open to write */
	b = bfsp_file_bfd(f);
	if (b < 0)
		return (int)bfsp_err(b);
	return (int)bfsp_err(IN(benchfs_ftruncate(b, len)));
}

BFSP_EXPORT int ftruncate64(int fd, off_t len)
{
	return ftruncate(fd, len);
}

/* fallocate mode 0 on BenchFS: the size grows to @off + @len (no space is reserved ahead) */
static int do_fallocate(struct bfsp_file *f, int mode, off_t off, off_t len)
{
	struct stat st;
	int b, rc;

	if (off < 0 || len <= 0)
		return -EINVAL;
	if (f->is_dir)
		return -EISDIR;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (mode & ~FALLOC_FL_KEEP_SIZE)
		return -EOPNOTSUPP;
	b = bfsp_file_bfd(f);
	if (b < 0)
		return b;
	if (mode & FALLOC_FL_KEEP_SIZE)
		return 0;
	rc = IN(benchfs_fstat(b, &st));
	if (rc < 0)
		return rc;
	if (off + len > st.st_size)
		rc = IN(benchfs_ftruncate(b, off + len));
	return rc;
}

BFSP_EXPORT int fallocate(int fd, int mode, off_t off, off_t len)
{
	BFSP_REAL(fallocate);
	struct bfsp_file *f = bfsp_file_get(fd);

	if (!f)
		return real_fallocate(fd, mode, off, len);
	return (int)bfsp_err(do_fallocate(f, mode, off, len));
}

BFSP_EXPORT int fallocate64(int fd, int mode, off_t off, off_t len)
{
	return fallocate(fd, mode, off, len);
}

BFSP_EXPORT int posix_fallocate(int fd, off_t off, off_t len)
{
	BFSP_REAL(posix_fallocate);
	struct bfsp_file *f = bfsp_file_get(fd);

	if (!f)
		return real_posix_fallocate(fd, off, len);
	return -do_fallocate(f, 0, off, len); /* an error number, not errno */
}

BFSP_EXPORT int posix_fallocate64(int fd, off_t off, off_t len)
{
	return posix_fallocate(fd, off, len);
}

BFSP_EXPORT int fchmod(int fd, mode_t mode)
{
	BFSP_REAL(fchmod);
	struct bfsp_file *f = bfsp_file_get(fd);

	if (!f)
		return real_fchmod(fd, mode);
	return (int)bfsp_err(IN(benchfs_chmod(f->path, mode & 07777)));
}

BFSP_EXPORT int futimens(int fd, const struct timespec times[2])
{
	BFSP_REAL(futimens);
	struct bfsp_file *f = bfsp_file_get(fd);
	int b;

	if (!f)
		return real_futimens(fd, times);
	if (f->is_dir || (f->flags & O_ACCMODE) == O_RDONLY || (f->flags & O_PATH))
		return (int)bfsp_err(IN(benchfs_utimens(f->path, times)));
	b = bfsp_file_bfd(f);
	if (b < 0)
		return (int)bfsp_err(b);
	return (int)bfsp_err(IN(benchfs_futimens(b, times)));
}

BFSP_EXPORT int fchown(int fd, uid_t uid, gid_t gid)
{
	BFSP_REAL(fchown);
	struct bfsp_file *f = bfsp_file_get(fd);
	struct stat st;
	int rc;

	if (!f)
		return real_fchown(fd, uid, gid);
	rc = bfsp_fstat(f, &st);
	if (rc < 0)
		return (int)bfsp_err(rc);
	/* owners are recorded at creation and cannot change: only a no-op succeeds */
	if ((uid != (uid_t)-1 && uid != st.st_uid) || (gid != (gid_t)-1 && gid != st.st_gid))
		return (int)bfsp_err(-EPERM);
	return 0;
}

/* ---- duplication, control ---- */

BFSP_EXPORT int dup(int fd)
{
	BFSP_REAL(dup);
	struct bfsp_file *f = bfsp_file_get(fd);

	if (!f)
		return real_dup(fd);
	return (int)bfsp_err(bfsp_fd_install(f, -1, 0));
}

static int dup_to(int old, int new, int flags, int is_dup2)
{
	BFSP_REAL(dup3);
	BFSP_REAL(dup2);
	struct bfsp_file *f = bfsp_file_get(old);

	if (!f) {
		if (bfsp_file_get(new) && old != new) {
			/* a BenchFS descriptor is replaced by a local one */
			if (fcntl(old, F_GETFD) < 0)
				return -1; /* EBADF, @new stays */
			bfsp_fd_remove(new, 0);
		}
		return is_dup2 ? real_dup2(old, new) : real_dup3(old, new, flags);
	}
	if (old == new)
		return is_dup2 ? new : (int)bfsp_err(-EINVAL);
	if (flags & ~O_CLOEXEC)
		return (int)bfsp_err(-EINVAL);
	return (int)bfsp_err(bfsp_fd_install_at(f, new, flags & O_CLOEXEC));
}

BFSP_EXPORT int dup2(int old, int new)
{
	return dup_to(old, new, 0, 1);
}

BFSP_EXPORT int dup3(int old, int new, int flags)
{
	return dup_to(old, new, flags, 0);
}

/* a record lock through benchfs_lock(): @l's range made absolute */
static int do_lock(struct bfsp_file *f, int cmd, struct flock *l)
{
	struct stat st;
	off_t start = l->l_start;
	int b = bfsp_file_bfd(f), rc;

	if (b < 0)
		return b;
	if (l->l_whence == SEEK_CUR)
		start += IN(benchfs_lseek(b, 0, SEEK_CUR));
	else if (l->l_whence == SEEK_END) {
		rc = IN(benchfs_fstat(b, &st));
		if (rc < 0)
			return rc;
		start += st.st_size;
	} else if (l->l_whence != SEEK_SET)
		return -EINVAL;
	if (start < 0 || l->l_len < 0)
		return -EINVAL;
	if (cmd == F_GETLK) {
		/* no query in BenchFS: try to take it, and give it back */
		rc = IN(benchfs_lock(b, F_SETLK, l->l_type, start, l->l_len));
		if (rc == 0) {
			IN(benchfs_lock(b, F_SETLK, F_UNLCK, start, l->l_len));
			l->l_type = F_UNLCK;
			return 0;
		}
		if (rc != -EAGAIN)
			return rc;
		l->l_type = F_WRLCK;
		l->l_whence = SEEK_SET;
		l->l_start = start;
		l->l_pid = -1; /* the holder is in another process, maybe on another node */
		return 0;
	}
	return IN(benchfs_lock(b, cmd, l->l_type, start, l->l_len));
}

static int fcntl_ours(struct bfsp_file *f, int fd, int cmd, void *arg)
{
	BFSP_REAL(fcntl);

	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		return bfsp_fd_install(f, (int)(intptr_t)arg, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD: {
		int r = real_fcntl(fd, F_GETFD);
		return r < 0 ? -errno : r;
	}
	case F_SETFD: /* the reserved descriptor carries the flag: exec.c passes the others on */
		return real_fcntl(fd, F_SETFD, (int)(intptr_t)arg) < 0 ? -errno : 0;
	case F_GETFL:
		return f->flags | O_LARGEFILE;
	case F_SETFL: {
		int set = (int)(intptr_t)arg & (O_APPEND | O_NONBLOCK);
		f->flags = (f->flags & ~(O_APPEND | O_NONBLOCK)) | set;
		return 0;
	}
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		if (!arg)
			return -EFAULT;
		if (f->is_dir)
			return -EINVAL;
		return do_lock(f,
		               cmd == F_OFD_GETLK    ? F_GETLK
		               : cmd == F_OFD_SETLK  ? F_SETLK
		               : cmd == F_OFD_SETLKW ? F_SETLKW
		                                     : cmd,
		               arg);
	default:
		bfsp_note_once(BFSP_NOTE_UNSUPPORTED,
		               "fcntl command %d is not supported on BenchFS "
		               "descriptors (EINVAL)",
		               cmd);
		return -EINVAL;
	}
}

static int fcntl_common(int fd, int cmd, void *arg, int is64)
{
	BFSP_REAL(fcntl);
	BFSP_REAL(fcntl64);
	struct bfsp_file *f = bfsp_file_get(fd);

	if (!f)
		return is64 ? real_fcntl64(fd, cmd, arg) : real_fcntl(fd, cmd, arg);
	return (int)bfsp_err(fcntl_ours(f, fd, cmd, arg));
}

BFSP_EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return fcntl_common(fd, cmd, arg, 0);
}

BFSP_EXPORT int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return fcntl_common(fd, cmd, arg, 1);
}

BFSP_EXPORT int ioctl(int fd, unsigned long req, ...)
{
	BFSP_REAL(ioctl);
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!bfsp_file_get(fd))
		return real_ioctl(fd, req, arg);
	return (int)bfsp_err(-ENOTTY); /* FICLONE, FS_IOC_*: nothing of the kind here */
}

BFSP_EXPORT int flock(int fd, int op)
{
	BFSP_REAL(flock);
	struct bfsp_file *f = bfsp_file_get(fd);
	int type, b;

	if (!f)
		return real_flock(fd, op);
	switch (op & ~LOCK_NB) {
	case LOCK_SH:
		type = F_RDLCK;
		break;
	case LOCK_EX:
		type = F_WRLCK;
		break;
	case LOCK_UN:
		type = F_UNLCK;
		break;
	default:
		return (int)bfsp_err(-EINVAL);
	}
	if (f->is_dir)
		return 0; /* directory locks are local advice only */
	b = bfsp_file_bfd(f);
	if (b < 0)
		return (int)bfsp_err(b);
	b = IN(benchfs_lock(b, (op & LOCK_NB) ? F_SETLK : F_SETLKW, type, 0, 0));
	return (int)bfsp_err(b == -EAGAIN ? -EWOULDBLOCK : b);
}

/* ---- mmap ---- */

static void *do_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	BFSP_REAL(mmap);
	BFSP_REAL(munmap);
	struct bfsp_file *f = bfsp_file_get(fd);
	size_t done = 0;
	void *m;
	int b;

	if (!f || (flags & MAP_ANONYMOUS))
		return real_mmap(addr, len, prot, flags, fd, off);
	if ((flags & MAP_TYPE) != MAP_PRIVATE || f->is_dir) {
		bfsp_note_once(BFSP_NOTE_MMAP,
		               "mmap of %s: only MAP_PRIVATE maps of BenchFS files are supported "
		               "(read into memory); this one fails with ENODEV",
		               f->path);
		errno = ENODEV;
		return MAP_FAILED;
	}
	b = data_bfd(f);
	if (b < 0 || (f->flags & O_ACCMODE) == O_WRONLY) {
		errno = b < 0 ? -b : EACCES;
		return MAP_FAILED;
	}
	m = real_mmap(addr, len, prot | PROT_WRITE,
	              (flags & ~MAP_TYPE) | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return m;
	while (done < len) {
		ssize_t r = IN(benchfs_pread(b, (char *)m + done, len - done, off + (off_t)done));
		if (r < 0) {
			real_munmap(m, len);
			errno = (int)-r;
			return MAP_FAILED;
		}
		if (r == 0)
			break; /* past the end: zeros, as the page rest of a file map */
		done += (size_t)r;
	}
	if (!(prot & PROT_WRITE))
		mprotect(m, len, prot);
	return m;
}

BFSP_EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return do_mmap(addr, len, prot, flags, fd, off);
}

BFSP_EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return do_mmap(addr, len, prot, flags, fd, off);
}

/* ---- copies between descriptors, done here ---- */

/* copy up to @len bytes from @in (at *@off_in, or its offset) to @out (at *@off_out, or its
 * offset) through a buffer; either side may be local */
static ssize_t copy_here(int in, off_t *off_in, int out, off_t *off_out, size_t len)
{
	size_t cap = len < (1u << 20) ? len : (1u << 20), done = 0;
	char *buf;

	if (!len)
		return 0;
	buf = malloc(cap);
	if (!buf)
		return bfsp_err(-ENOMEM);
	while (done < len) {
		size_t want = len - done < cap ? len - done : cap;
		ssize_t r = off_in ? pread(in, buf, want, *off_in) : read(in, buf, want), w = 0;

		if (r <= 0) {
			if (r < 0 && !done) {
				free(buf);
				return -1;
			}
			break;
		}
		while (w < r) {
			ssize_t x = off_out ? pwrite(out, buf + w, (size_t)(r - w), *off_out)
			                    : write(out, buf + w, (size_t)(r - w));
			if (x <= 0) {
				int e = errno;
				free(buf);
				if (done + (size_t)w)
					return (ssize_t)(done + (size_t)w);
				errno = x < 0 ? e : EIO;
				return -1;
			}
			w += x;
			if (off_out)
				*off_out += x;
		}
		if (off_in)
			*off_in += r;
		done += (size_t)r;
		if ((size_t)r < want)
			break;
	}
	free(buf);
	return (ssize_t)done;
}

BFSP_EXPORT ssize_t copy_file_range(int in, off_t *off_in, int out, off_t *off_out, size_t len,
                                    unsigned int flags)
{
	BFSP_REAL(copy_file_range);

	if (!bfsp_file_get(in) && !bfsp_file_get(out))
		return real_copy_file_range(in, off_in, out, off_out, len, flags);
	if (flags)
		return bfsp_err(-EINVAL);
	return copy_here(in, off_in, out, off_out, len);
}

BFSP_EXPORT ssize_t sendfile(int out, int in, off_t *off, size_t count)
{
	BFSP_REAL(sendfile);

	if (!bfsp_file_get(in) && !bfsp_file_get(out))
		return real_sendfile(out, in, off, count);
	return copy_here(in, off, out, NULL, count);
}

BFSP_EXPORT ssize_t sendfile64(int out, int in, off_t *off, size_t count)
{
	return sendfile(out, in, off, count);
}

/* ---- POSIX AIO ----
 *
 * glibc's aio threads read and write with its internal pread/pwrite, which no wrapper sees.
 * A request on a BenchFS descriptor is therefore done at once, in the calling thread, and its
 * outcome stored where glibc keeps it (the aiocb's __error_code and __return_value): glibc's
 * own aio_error, aio_return and aio_suspend then report it as a finished request. Completion
 * notification (aio_sigevent) is not sent for these; SIGEV_NONE, what polling programs (fio)
 * use, is all there is to honour.
 */
static int aio_ours(struct aiocb *cb, int op)
{
	ssize_t r;

	if (cb->aio_sigevent.sigev_notify != SIGEV_NONE)
		bfsp_note_once(BFSP_NOTE_UNSUPPORTED,
		               "POSIX AIO on BenchFS: requests complete at once, without the "
		               "completion signal or thread they ask for");
	if (op == LIO_READ)
		r = pread(cb->aio_fildes, (void *)cb->aio_buf, cb->aio_nbytes, cb->aio_offset);
	else if (op == LIO_WRITE)
		r = (fcntl(cb->aio_fildes, F_GETFL) & O_APPEND)
		        ? write(cb->aio_fildes, (const void *)cb->aio_buf, cb->aio_nbytes)
		        : pwrite(cb->aio_fildes, (const void *)cb->aio_buf, cb->aio_nbytes,
		                 cb->aio_offset);
	else
		r = fsync(cb->aio_fildes);
	cb->__error_code = r < 0 ? errno : 0;
	cb->__return_value = r;
	return 0;
}

#define AIO(name, op)                                                                              \
	BFSP_EXPORT int name(struct aiocb *cb)                                                     \
	{                                                                                          \
		BFSP_REAL(name);                                                                   \
		if (!bfsp_file_get(cb->aio_fildes))                                                \
			return real_##name(cb);                                                    \
		return aio_ours(cb, op);                                                           \
	}
AIO(aio_read, LIO_READ)
AIO(aio_write, LIO_WRITE)
_Static_assert(sizeof(struct aiocb) == sizeof(struct aiocb64), "aiocb64 differs");

BFSP_EXPORT int aio_read64(struct aiocb64 *cb)
{
	return aio_read((struct aiocb *)cb);
}

BFSP_EXPORT int aio_write64(struct aiocb64 *cb)
{
	return aio_write((struct aiocb *)cb);
}

BFSP_EXPORT int aio_fsync(int op, struct aiocb *cb)
{
	BFSP_REAL(aio_fsync);

	if (!bfsp_file_get(cb->aio_fildes))
		return real_aio_fsync(op, cb);
	if (op != O_SYNC && op != O_DSYNC)
		return (int)bfsp_err(-EINVAL);
	return aio_ours(cb, LIO_NOP);
}

BFSP_EXPORT int aio_fsync64(int op, struct aiocb64 *cb)
{
	return aio_fsync(op, (struct aiocb *)cb);
}

BFSP_EXPORT int lio_listio(int mode, struct aiocb *const list[], int n, struct sigevent *sev)
{
	BFSP_REAL(lio_listio);
	int ours = 0;

	for (int i = 0; i < n; i++)
		ours |= list[i] && bfsp_file_get(list[i]->aio_fildes) != NULL;
	if (!ours)
		return real_lio_listio(mode, list, n, sev);
	/* BenchFS requests at once; the others one by one through glibc */
	for (int i = 0; i < n; i++) {
		struct aiocb *cb = list[i];

		if (!cb || cb->aio_lio_opcode == LIO_NOP)
			continue;
		if (bfsp_file_get(cb->aio_fildes))
			aio_ours(cb, cb->aio_lio_opcode);
		else if ((cb->aio_lio_opcode == LIO_READ ? aio_read(cb) : aio_write(cb)) < 0)
			return -1;
	}
	if (mode == LIO_WAIT)
		for (int i = 0; i < n; i++)
			if (list[i] && list[i]->aio_lio_opcode != LIO_NOP) {
				const struct aiocb *one[1] = {list[i]};
				while (aio_error(list[i]) == EINPROGRESS)
					aio_suspend(one, 1, NULL);
			}
	return 0;
}

BFSP_EXPORT int lio_listio64(int mode, struct aiocb64 *const list[], int n, struct sigevent *sev)
{
	return lio_listio(mode, (struct aiocb *const *)list, n, sev);
}
