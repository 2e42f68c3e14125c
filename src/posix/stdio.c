/*
 * stdio.c - libbenchfs-posix.so: stdio streams on BenchFS files (fopen, fdopen, freopen),
 * built on glibc's fopencookie: the stream's cookie is a BenchFS descriptor of the table, and
 * its read, write, seek and close functions are read(2), write(2), lseek(2), close(2) on it
 * (so fread, fwrite, fprintf, fgets, fseeko, ftello, fflush, fclose all work, with glibc's
 * buffering). fileno() of such a stream gives that descriptor.
 *
 * glibc flushes the streams left open at exit after the libraries' destructors have run, when
 * BenchFS is detached already: the first BenchFS stream registers an atexit handler that
 * flushes every stream before that.
 */
#undef _FORTIFY_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "posix/posix.h"

static ssize_t ck_read(void *c, char *buf, size_t n)
{
	return read((int)(intptr_t)c, buf, n);
}

static ssize_t ck_write(void *c, const char *buf, size_t n)
{
	size_t done = 0;

	while (done < n) { /* glibc takes a short count for an error */
		ssize_t w = write((int)(intptr_t)c, buf + done, n - done);
		if (w <= 0)
			return done ? (ssize_t)done : -1;
		done += (size_t)w;
	}
	return (ssize_t)done;
}

static int ck_seek(void *c, off64_t *off, int whence)
{
	off_t r = lseek((int)(intptr_t)c, *off, whence);

	if (r < 0)
		return -1;
	*off = r;
	return 0;
}

static int ck_close(void *c)
{
	return close((int)(intptr_t)c);
}

static void flush_all(void)
{
	fflush(NULL);
}

static void register_flush(void)
{
	atexit(flush_all);
}

/* fopen mode -> open flags; -1 for a bad mode */
static int mode_flags(const char *mode)
{
	int flags;

	switch (mode[0]) {
	case 'r':
		flags = O_RDONLY;
		break;
	case 'w':
		flags = O_WRONLY | O_CREAT | O_TRUNC;
		break;
	case 'a':
		flags = O_WRONLY | O_CREAT | O_APPEND;
		break;
	default:
		return -1;
	}
	for (const char *m = mode + 1; *m && *m != ','; m++) {
		if (*m == '+')
			flags = (flags & ~O_ACCMODE) | O_RDWR;
		else if (*m == 'x')
			flags |= O_EXCL;
		else if (*m == 'e')
			flags |= O_CLOEXEC;
	}
	return flags;
}

/* a stream on BenchFS descriptor @fd (which it owns from here) */
static FILE *stream(int fd, const char *mode)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	cookie_io_functions_t io = {ck_read, ck_write, ck_seek, ck_close};
	char m[8];
	size_t n = 0;
	FILE *f;

	/* fopencookie wants a plain mode: drop 'e', 'x', ",ccs=" */
	for (const char *p = mode; *p && *p != ',' && n + 1 < sizeof(m); p++)
		if (*p != 'e' && *p != 'x' && *p != 'm')
			m[n++] = *p;
	m[n] = '\0';
	f = fopencookie((void *)(intptr_t)fd, m, io);
	if (!f) {
		int e = errno;
		close(fd);
		errno = e;
		return NULL;
	}
	f->_fileno = fd; /* fileno() works; glibc's cookie I/O never uses it */
	pthread_once(&once, register_flush);
	return f;
}

/* fopen's and freopen's first step: @path resolved into @p (@r: bfsp_resolve's result) and, for
 * a BenchFS path, @mode's open flags into @flags. 1: local (libc's call takes BFSP_LOCAL's path),
 * 0: BenchFS's, -1: errno set (a resolution's error, EINVAL for a bad mode). */
static int stream_path(const char *path, const char *mode, struct bfsp_path *p, int *r, int *flags)
{
	*r = bfsp_resolve(AT_FDCWD, path, p);
	if (*r == 0 || *r == 2)
		return 1;
	if (*r < 0) {
		errno = -*r;
		return -1;
	}
	*flags = mode ? mode_flags(mode) : -1;
	if (*flags < 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

BFSP_EXPORT FILE *fopen(const char *path, const char *mode)
{
	BFSP_REAL(fopen);
	struct bfsp_path p;
	int r, flags, fd, which = stream_path(path, mode, &p, &r, &flags);

	if (which > 0)
		return real_fopen(BFSP_LOCAL(r, path, p), mode);
	if (which < 0)
		return NULL;
	fd = open(path, flags, 0666);
	if (fd < 0)
		return NULL;
	if (!bfsp_file_get(fd)) /* a symlink that led out of BenchFS */
		return fdopen(fd, mode);
	return stream(fd, mode);
}

BFSP_EXPORT FILE *fopen64(const char *path, const char *mode)
{
	return fopen(path, mode);
}

BFSP_EXPORT FILE *fdopen(int fd, const char *mode)
{
	BFSP_REAL(fdopen);

	if (!bfsp_file_get(fd))
		return real_fdopen(fd, mode);
	if (!mode || mode_flags(mode) < 0) {
		errno = EINVAL;
		return NULL;
	}
	return stream(fd, mode);
}

BFSP_EXPORT FILE *freopen(const char *path, const char *mode, FILE *f)
{
	BFSP_REAL(freopen);
	struct bfsp_path p;
	int r, flags, fd, old, which = stream_path(path, mode, &p, &r, &flags);

	if (which > 0)
		return real_freopen(BFSP_LOCAL(r, path, p), mode, f);
	if (which < 0)
		return NULL;
	/* BenchFS: the stream keeps its descriptor number, which now names the new file (what
	 * freopen(..., stdout) is used for) */
	fflush(f);
	old = fileno(f);
	if (old < 0) {
		errno = EBADF;
		return NULL;
	}
	fd = open(path, flags, 0666);
	if (fd < 0)
		return NULL;
	if (dup2(fd, old) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return NULL;
	}
	close(fd);
	clearerr(f);
	return f;
}

BFSP_EXPORT FILE *freopen64(const char *path, const char *mode, FILE *f)
{
	return freopen(path, mode, f);
}

/* ---- stdin, stdout, stderr on BenchFS descriptors ----
 *
 * glibc's stdout writes with its internal write, which no wrapper sees: once descriptor 1 names
 * a BenchFS file (a shell's "echo x > /benchfs/f": open, dup2 onto 1, the builtin prints,
 * dup2 back), stdout is swapped for a stream of our own on descriptor 1 (glibc lets programs
 * assign stdin, stdout and stderr), and put back when descriptor 1 stops being BenchFS's. The
 * same for 0 and 2.
 */

static FILE *std_orig[3], *std_ours[3];

static int ck_keep(void *c)
{
	(void)c; /* the descriptor stays: it belongs to the program */
	return 0;
}

static FILE **std_var(int fd)
{
	return fd == 0 ? &stdin : fd == 1 ? &stdout : &stderr;
}

void bfsp_std_attach(int fd)
{
	cookie_io_functions_t io = {ck_read, ck_write, ck_seek, ck_keep};
	FILE **var, *f;

	if (fd < 0 || fd > 2 || std_ours[fd])
		return;
	var = std_var(fd);
	fflush(*var);
	f = fopencookie((void *)(intptr_t)fd, fd == 0 ? "r" : "w", io);
	if (!f)
		return;
	f->_fileno = fd;
	if (fd == 2)
		setvbuf(f, NULL, _IONBF, 0);
	std_orig[fd] = *var;
	std_ours[fd] = f;
	*var = f;
}

void bfsp_std_detach(int fd)
{
	if (fd < 0 || fd > 2 || !std_ours[fd])
		return;
	fclose(std_ours[fd]); /* flushes; the descriptor stays */
	*std_var(fd) = std_orig[fd];
	std_ours[fd] = NULL;
}
