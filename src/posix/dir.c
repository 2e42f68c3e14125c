/*
 * dir.c - libbenchfs-posix.so: directory streams (opendir, fdopendir, readdir, ...), scandir
 * and getdents64 on BenchFS directories (see posix.h).
 *
 * glibc's readdir and scandir read with its internal getdents, which no wrapper reaches, so a
 * BenchFS directory stream is a DIR of our own: a descriptor of the table (whose entry keeps the
 * position in the listing, shared with getdents64 on that descriptor) and the dirent readdir
 * returns. Its first int is a magic number no descriptor has, where glibc's DIR keeps its
 * descriptor: that tells the two kinds apart. "." and ".." come first, as from a local
 * directory; the servers' entries follow (benchfs_readdir).
 */
#undef _FORTIFY_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "posix/posix.h"

#define DIR_MAGIC 0x7bf5d1e0

struct bfsp_dirstream {
	int magic; /* where glibc's DIR has its descriptor */
	int fd;
	struct dirent ent;
};

_Static_assert(sizeof(struct dirent) == sizeof(struct dirent64), "dirent64 differs");

int bfsp_dir_is_ours(DIR *d)
{
	return d && ((struct bfsp_dirstream *)d)->magic == DIR_MAGIC;
}

/* the next entry of directory @f into @out: 1, 0 at the end, or -errno; not consumed (the
 * caller calls dir_advance when it used it) */
static int dir_peek(struct bfsp_file *f, struct benchfs_dirent *out)
{
	struct benchfs_dirent *e;
	int rc;

	if (f->dir_pos < 2) {
		struct stat st;

		rc = IN(benchfs_lstat(f->path, &st));
		if (rc < 0)
			return rc;
		out->d_ino = st.st_ino;
		out->d_type = DT_DIR;
		strcpy(out->d_name, f->dir_pos == 0 ? "." : "..");
		return 1;
	}
	if (f->pending) {
		*out = *f->pending;
		return 1;
	}
	if (!f->dir) {
		rc = bfsp_attach();
		if (rc < 0)
			return rc;
		rc = IN(benchfs_opendir(f->path, &f->dir));
		if (rc < 0)
			return rc;
	}
	rc = IN(benchfs_readdir(f->dir, &e));
	if (rc <= 0)
		return rc;
	f->pending = malloc(sizeof(*f->pending));
	if (!f->pending)
		return -ENOMEM;
	*f->pending = *e;
	*out = *e;
	return 1;
}

static void dir_advance(struct bfsp_file *f)
{
	if (f->dir_pos >= 2) {
		free(f->pending);
		f->pending = NULL;
	}
	f->dir_pos++;
}

/* ---- streams ---- */

static DIR *stream_of(int fd)
{
	struct bfsp_dirstream *s = calloc(1, sizeof(*s));

	if (!s) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	s->magic = DIR_MAGIC;
	s->fd = fd;
	return (DIR *)s;
}

BFSP_EXPORT DIR *opendir(const char *path)
{
	BFSP_REAL(opendir);
	struct bfsp_path p;
	int r = bfsp_resolve(AT_FDCWD, path, &p), fd;

	if (r == 0 || r == 2)
		return real_opendir(BFSP_LOCAL(r, path, p));
	if (r < 0) {
		errno = -r;
		return NULL;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (!bfsp_file_get(fd)) /* a symlink that led out of BenchFS */
		return fdopendir(fd);
	return stream_of(fd);
}

BFSP_EXPORT DIR *fdopendir(int fd)
{
	BFSP_REAL(fdopendir);
	struct bfsp_file *f = bfsp_file_get(fd);

	if (!f)
		return real_fdopendir(fd);
	if (!f->is_dir) {
		errno = ENOTDIR;
		return NULL;
	}
	return stream_of(fd);
}

BFSP_EXPORT struct dirent *readdir(DIR *d)
{
	BFSP_REAL(readdir);
	struct bfsp_dirstream *s = (struct bfsp_dirstream *)d;
	struct benchfs_dirent e;
	struct bfsp_file *f;
	int rc;

	if (!bfsp_dir_is_ours(d))
		return real_readdir(d);
	int saved = errno; /* untouched at the end of the stream: callers test it */

	f = bfsp_file_get(s->fd);
	if (!f) {
		errno = EBADF;
		return NULL;
	}
	rc = dir_peek(f, &e);
	errno = saved;
	if (rc <= 0) {
		if (rc < 0)
			errno = -rc;
		return NULL;
	}
	dir_advance(f);
	memset(&s->ent, 0, offsetof(struct dirent, d_name));
	s->ent.d_ino = e.d_ino;
	s->ent.d_off = (off_t)f->dir_pos;
	s->ent.d_reclen = sizeof(s->ent);
	s->ent.d_type = e.d_type;
	strcpy(s->ent.d_name, e.d_name);
	return &s->ent;
}

BFSP_EXPORT struct dirent64 *readdir64(DIR *d)
{
	BFSP_REAL(readdir64);

	if (!bfsp_dir_is_ours(d))
		return real_readdir64(d);
	return (struct dirent64 *)readdir(d);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
BFSP_EXPORT int readdir_r(DIR *d, struct dirent *entry, struct dirent **result)
{
	BFSP_REAL(readdir_r);
	struct dirent *e;
	int saved = errno;

	if (!bfsp_dir_is_ours(d))
		return real_readdir_r(d, entry, result);
	errno = 0;
	e = readdir(d);
	if (!e) {
		int err = errno;
		errno = saved;
		*result = NULL;
		return err;
	}
	errno = saved;
	memcpy(entry, e, sizeof(*e));
	*result = entry;
	return 0;
}

BFSP_EXPORT int readdir64_r(DIR *d, struct dirent64 *entry, struct dirent64 **result)
{
	BFSP_REAL(readdir64_r);

	if (!bfsp_dir_is_ours(d))
		return real_readdir64_r(d, entry, result);
	return readdir_r(d, (struct dirent *)entry, (struct dirent **)result);
}
#pragma GCC diagnostic pop

static int stream_close(struct bfsp_dirstream *s)
{
	int fd = s->fd;

	s->magic = 0;
	free(s);
	return close(fd);
}

BFSP_EXPORT int closedir(DIR *d)
{
	BFSP_REAL(closedir);

	if (!bfsp_dir_is_ours(d))
		return real_closedir(d);
	return stream_close((struct bfsp_dirstream *)d);
}

BFSP_EXPORT int dirfd(DIR *d)
{
	BFSP_REAL(dirfd);

	if (!bfsp_dir_is_ours(d))
		return real_dirfd(d);
	return ((struct bfsp_dirstream *)d)->fd;
}

BFSP_EXPORT void rewinddir(DIR *d)
{
	BFSP_REAL(rewinddir);

	if (!bfsp_dir_is_ours(d)) {
		real_rewinddir(d);
		return;
	}
	lseek(((struct bfsp_dirstream *)d)->fd, 0, SEEK_SET);
}

BFSP_EXPORT long telldir(DIR *d)
{
	BFSP_REAL(telldir);
	struct bfsp_file *f;

	if (!bfsp_dir_is_ours(d))
		return real_telldir(d);
	f = bfsp_file_get(((struct bfsp_dirstream *)d)->fd);
	return f ? (long)f->dir_pos : -1;
}

BFSP_EXPORT void seekdir(DIR *d, long pos)
{
	BFSP_REAL(seekdir);
	struct bfsp_file *f;

	if (!bfsp_dir_is_ours(d)) {
		real_seekdir(d, pos);
		return;
	}
	f = bfsp_file_get(((struct bfsp_dirstream *)d)->fd);
	if (!f || pos < 0)
		return;
	rewinddir(d);
	while (f->dir_pos < (uint64_t)pos && readdir(d))
		;
}

/* ---- scandir ---- */

typedef int (*scan_filter)(const struct dirent *);
typedef int (*scan_compar)(const struct dirent **, const struct dirent **);

static int scan_ours(DIR *d, struct dirent ***list, scan_filter filter, scan_compar compar)
{
	struct dirent **v = NULL, *e;
	size_t n = 0, cap = 0;
	int err;

	errno = 0;
	while ((e = readdir(d))) {
		struct dirent *c;

		if (filter && !filter(e))
			continue;
		if (n == cap) {
			struct dirent **nv = realloc(v, (cap = cap ? 2 * cap : 64) * sizeof(*v));
			if (!nv)
				goto fail;
			v = nv;
		}
		c = malloc(sizeof(*c));
		if (!c)
			goto fail;
		memcpy(c, e, sizeof(*c));
		v[n++] = c;
		errno = 0;
	}
	if (errno)
		goto fail;
	stream_close((struct bfsp_dirstream *)d);
	if (compar && n)
		qsort(v, n, sizeof(*v), (int (*)(const void *, const void *))compar);
	*list = v;
	return (int)n;
fail:
	err = errno ? errno : ENOMEM;
	while (n)
		free(v[--n]);
	free(v);
	stream_close((struct bfsp_dirstream *)d);
	errno = err;
	return -1;
}

BFSP_EXPORT int scandirat(int dirfd, const char *path, struct dirent ***list, scan_filter filter,
                          scan_compar compar)
{
	BFSP_REAL(scandirat);
	struct bfsp_path p;
	int r = bfsp_resolve(dirfd, path, &p), fd;
	DIR *d;

	if (r == 0)
		return real_scandirat(dirfd, path, list, filter, compar);
	if (r == 2)
		return real_scandirat(AT_FDCWD, p.p, list, filter, compar);
	if (r < 0)
		return (int)bfsp_err(r);
	fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (!bfsp_file_get(fd)) { /* a symlink out of BenchFS */
		close(fd);
		return real_scandirat(dirfd, path, list, filter, compar);
	}
	d = stream_of(fd);
	return d ? scan_ours(d, list, filter, compar) : -1;
}

BFSP_EXPORT int scandir(const char *path, struct dirent ***list, scan_filter filter,
                        scan_compar compar)
{
	BFSP_REAL(scandir);
	struct bfsp_path p;
	int r = bfsp_resolve(AT_FDCWD, path, &p);

	if (r == 0 || r == 2)
		return real_scandir(BFSP_LOCAL(r, path, p), list, filter, compar);
	return scandirat(AT_FDCWD, path, list, filter, compar);
}

BFSP_EXPORT int scandir64(const char *path, struct dirent64 ***list,
                          int (*filter)(const struct dirent64 *),
                          int (*compar)(const struct dirent64 **, const struct dirent64 **))
{
	return scandir(path, (struct dirent ***)list, (scan_filter)filter, (scan_compar)compar);
}

/* ---- getdents64 ---- */

struct bfsp_linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

BFSP_EXPORT ssize_t getdents64(int fd, void *buf, size_t count)
{
	BFSP_REAL(getdents64);
	struct bfsp_file *f = bfsp_file_get(fd);
	size_t used = 0;

	if (!f)
		return real_getdents64(fd, buf, count);
	if (!f->is_dir)
		return bfsp_err(-ENOTDIR);
	for (;;) {
		struct benchfs_dirent e;
		struct bfsp_linux_dirent64 *d;
		size_t nl, rec;
		int rc = dir_peek(f, &e);

		if (rc < 0)
			return used ? (ssize_t)used : bfsp_err(rc);
		if (rc == 0)
			break;
		nl = strlen(e.d_name);
		rec = (offsetof(struct bfsp_linux_dirent64, d_name) + nl + 1 + 7) & ~(size_t)7;
		if (used + rec > count) {
			if (!used)
				return bfsp_err(-EINVAL); /* the buffer holds not even one */
			break;
		}
		d = (struct bfsp_linux_dirent64 *)((char *)buf + used);
		dir_advance(f);
		d->d_ino = e.d_ino;
		d->d_off = (int64_t)f->dir_pos;
		d->d_reclen = (unsigned short)rec;
		d->d_type = e.d_type;
		memcpy(d->d_name, e.d_name, nl + 1);
		used += rec;
	}
	return (ssize_t)used;
}
