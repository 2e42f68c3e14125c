/*
 * stagein_copy.c - the copy of benchfs-stagein (stagein.h): "cp -a SRC DST" into BenchFS.
 * The ranks walk SRC's subtrees (rank 0 deals out its names) and every rank gets the whole
 * list of entries; directories are created level by level
 * by all ranks; regular files are balanced over ranks by size, large ones cut into
 * chunk-aligned ranges copied by several ranks; then times and modes are set, directories
 * last and deepest first (copy.c). Every file is created marked incomplete and loses the mark
 * once its bytes and times are in (a small file with its close, a split one after its last
 * range), or is created whole in one request (a small file that fits its server's inline
 * limit).
 */
#include "stagein.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Where the walk is: the directories above, to find loops when following links. */
struct ancestor {
	dev_t dev;
	ino_t ino;
	const struct ancestor *up;
};

/* ---- the walk (rank 0) --------------------------------------------------------------------- */

/* read_link - malloc'ed target of local symlink @path, or NULL with errno. */
static char *read_link(const char *path, size_t hint)
{
	size_t cap = hint + 2 > 256 ? hint + 2 : 256;

	for (;;) {
		char *b = malloc(cap);
		ssize_t r;

		if (!b)
			return NULL;
		r = readlink(path, b, cap);
		if (r < 0) {
			free(b);
			return NULL;
		}
		if ((size_t)r < cap) {
			b[r] = '\0';
			return b;
		}
		free(b);
		cap *= 2;
	}
}

/* type_name - words for a file type we do not copy. */
static const char *type_name(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "fifo";
	if (S_ISSOCK(mode))
		return "socket";
	if (S_ISCHR(mode))
		return "character device";
	if (S_ISBLK(mode))
		return "block device";
	return "unknown file type";
}

/* add_entry - pack one entry found by the walk. */
static void add_entry(struct stagein *s, const char *rel, const struct stat *st, const char *target)
{
	struct tool_entry e = {
	    .rel = rel,
	    .target = target,
	    .mode = st->st_mode,
	    .size = S_ISREG(st->st_mode) ? (uint64_t)st->st_size : 0,
	    .atime = st->st_atim,
	    .mtime = st->st_mtim,
	};

	tool_entry_pack(&s->list, &e);
}

/* stat_entry - lstat, or stat with -L (a dangling link is then an error, as with cp -L). */
static int stat_entry(struct stagein *s, const char *path, struct stat *st)
{
	if (s->deref && stat(path, st) == 0)
		return 0;
	if (s->deref && errno != ENOENT)
		return -errno;
	if (lstat(path, st) < 0)
		return -errno;
	return s->deref && S_ISLNK(st->st_mode) ? -ENOENT : 0;
}

/* name_cmp - qsort order of names (strcmp, as in the C locale). */
static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* read_names - sorted names in directory @path (without "." and ".."); count in *@n. */
static char **read_names(const char *path, size_t *n, int *err)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char **names = NULL;
	size_t cap = 0;

	*n = 0;
	*err = 0;
	if (!d) {
		*err = -errno;
		return NULL;
	}
	while ((errno = 0, de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (*n == cap) {
			char **g = realloc(names, sizeof(*names) * (cap = cap ? cap * 2 : 64));

			if (!g)
				break;
			names = g;
		}
		if (!(names[*n] = strdup(de->d_name)))
			break;
		(*n)++;
	}
	if (errno)
		*err = -errno;
	closedir(d);
	if (*n > 1)
		qsort(names, *n, sizeof(*names), name_cmp);
	return names;
}

static void walk(struct stagein *s, const char *path, const char *rel, const struct ancestor *up);

/* walk_dir - add the entries below directory @path (already added itself). */
static void walk_dir(struct stagein *s, const char *path, const char *rel, const struct stat *st,
                     const struct ancestor *up)
{
	struct ancestor me = {st->st_dev, st->st_ino, up};
	size_t n, i;
	int err;
	char **names = read_names(path, &n, &err);

	if (err) {
		tool_error(&s->t, path, err);
		s->cp.status = 1;
	}
	for (i = 0; i < n; i++) {
		char *cpath = tool_join(path, names[i]);
		char *crel = tool_join(rel, names[i]);

		walk(s, cpath, *rel ? crel : names[i], &me);
		free(cpath);
		free(crel);
		free(names[i]);
	}
	free(names);
}

/* is_loop - whether directory @st is one of its own ancestors (only with -L). */
static int is_loop(const struct stat *st, const struct ancestor *up)
{
	for (; up; up = up->up)
		if (up->dev == st->st_dev && up->ino == st->st_ino)
			return 1;
	return 0;
}

/* walk - add @path (relative name @rel) and, for a directory, everything below it. */
static void walk(struct stagein *s, const char *path, const char *rel, const struct ancestor *up)
{
	struct stat st;
	char *target;
	int rc = stat_entry(s, path, &st);

	if (rc < 0) {
		tool_error(&s->t, path, rc);
		s->cp.status = 1;
		return;
	}
	if (S_ISREG(st.st_mode)) {
		add_entry(s, rel, &st, "");
	} else if (S_ISDIR(st.st_mode)) {
		if (is_loop(&st, up)) {
			tool_warn(&s->t, "%s: directory loop, not copied", path);
			s->cp.status = 1;
			return;
		}
		add_entry(s, rel, &st, "");
		walk_dir(s, path, rel, &st, up);
	} else if (S_ISLNK(st.st_mode)) {
		target = read_link(path, (size_t)st.st_size);
		if (!target) {
			tool_error(&s->t, path, errno);
			s->cp.status = 1;
			return;
		}
		add_entry(s, rel, &st, target);
		free(target);
	} else {
		tool_warn(&s->t, "%s: %s skipped", path, type_name(st.st_mode));
		s->cp.cnt.skipped++;
	}
}

/* check_dst - DST must not exist and its parent must be a directory. 0 or -errno. */
static int check_dst(struct stagein *s)
{
	struct stat st;
	char *parent;
	int rc = benchfs_lstat(s->dst, &st);

	if (rc == 0)
		return -EEXIST;
	if (rc != -ENOENT)
		return rc;
	parent = tool_parent(s->dst);
	rc = benchfs_lstat(parent, &st);
	free(parent);
	if (rc == 0 && !S_ISDIR(st.st_mode))
		rc = -ENOTDIR;
	return rc;
}

/* top_names - rank 0: add directory SRC (@st) itself and list its names, NUL-ended, into @b
 * (the walk below them is shared out). */
static void top_names(struct stagein *s, const struct stat *st, struct tool_buf *b)
{
	size_t n, i;
	int err;
	char **names;

	add_entry(s, "", st, "");
	names = read_names(s->src, &n, &err);
	if (err) {
		tool_error(&s->t, s->src, err);
		s->cp.status = 1;
	}
	for (i = 0; i < n; i++) {
		tool_buf_put(b, names[i], strlen(names[i]) + 1);
		free(names[i]);
	}
	free(names);
}

/* scan - rank 0 checks SRC and DST; a directory's subtrees are walked by every rank (its names
 * dealt round-robin), anything else by rank 0; then every rank has the whole entry list, SRC's
 * own entry first. Return 0, or -1 when the copy cannot start (reported, agreed). */
static int scan(struct stagein *s)
{
	struct tool_buf top = {0};
	struct stat st;
	uint64_t id[2] = {0, 0};
	int fatal = 0, rc;

	if (s->t.rank == 0) {
		tool_buf_reserve(&top, 1); /* (a buffer to broadcast, also when empty) */
		rc = stat_entry(s, s->src, &st);
		if (rc < 0) {
			tool_error(&s->t, s->src, rc);
			fatal = 1;
		} else if ((rc = check_dst(s)) < 0) {
			tool_error(&s->t, s->dst, rc);
			fatal = 1;
		} else if (S_ISDIR(st.st_mode)) {
			top_names(s, &st, &top);
			id[0] = st.st_dev, id[1] = st.st_ino;
		} else {
			walk(s, s->src, "", NULL);
			fatal = s->list.len == 0;
			if (fatal)
				s->cp.status = 1;
		}
	}
	tool_bcast_int(&s->t, &fatal);
	if (fatal)
		return -1;
	MPI_Bcast(id, 2, MPI_UINT64_T, 0, s->t.comm);
	if (tool_bcast_buf(&s->t, &top.data, &top.len) == 0) {
		struct ancestor up = {(dev_t)id[0], (ino_t)id[1], NULL};
		size_t k = 0;

		for (const char *p = top.data, *end = p + top.len; p < end; p += strlen(p) + 1)
			if (k++ % (size_t)s->t.size == (size_t)s->t.rank) {
				char *path = tool_join(s->src, p);
				walk(s, path, p, &up);
				free(path);
			}
	} else {
		fatal = 1;
	}
	free(top.data);
	if (tool_any(&s->t, fatal) ||
	    tool_allgather_buf(&s->t, s->list.data, s->list.len, &s->data, &s->len) < 0 ||
	    tool_any(&s->t, tool_entry_unpack(s->data, s->len, &s->cp.ent, &s->cp.n) < 0)) {
		if (s->t.rank == 0)
			tool_error(&s->t, s->src, -ENOMEM);
		return -1;
	}
	return 0;
}

/* ---- the copy: operations on local source and BenchFS destination --------------------------- */

/* src_open - open(2) a local file; the first open does not follow a link unless -L. */
static int src_open(struct copy *c, const char *path, int first)
{
	const struct stagein *s = c->arg;
	int fd = open(path, O_RDONLY | (first && !s->deref ? O_NOFOLLOW : 0));

	return fd < 0 ? -errno : fd;
}

/* src_read - pread(2), retried when interrupted. */
static ssize_t src_read(int fd, void *buf, size_t n, uint64_t off)
{
	ssize_t r;

	while ((r = pread(fd, buf, n, (off_t)off)) < 0 && errno == EINTR)
		;
	return r < 0 ? -errno : r;
}

/* src_close - close(2). */
static void src_close(int fd)
{
	close(fd);
}

/* src_advise - the range is read once, in order. */
static void src_advise(int fd, uint64_t off, uint64_t len)
{
	posix_fadvise(fd, (off_t)off, (off_t)len, POSIX_FADV_SEQUENTIAL);
}

/* dst_create - create a BenchFS file with the --chunk-size chunk size (or the default), marked
 * incomplete until its copy is done (benchfs.h, "Incomplete files"). */
static int dst_create(struct copy *c, const char *path, mode_t mode)
{
	const struct stagein *s = c->arg;

	return benchfs_create(path, O_WRONLY | O_CREAT | O_EXCL | BENCHFS_O_INCOMPLETE, mode,
	                      s->chunk_opt);
}

/* dst_put - a whole small file in one request (benchfs_create_file: in its record when it
 * fits, never seen half-written). */
static int dst_put(struct copy *c, const char *path, mode_t mode, const void *buf, size_t n,
                   const struct timespec ts[2])
{
	const struct stagein *s = c->arg;

	return benchfs_create_file(path, mode, s->chunk_opt, buf, n, ts);
}

/* dst_put_start - the same, many in flight (benchfs_icreate_file). */
static int dst_put_start(struct copy *c, const char *path, mode_t mode, const void *buf, size_t n,
                         const struct timespec ts[2], void **h)
{
	const struct stagein *s = c->arg;

	return benchfs_icreate_file(path, mode, s->chunk_opt, buf, n, ts, (benchfs_request_t **)h);
}

/* dst_mkdir_start - benchfs_imkdir(). */
static int dst_mkdir_start(const char *path, mode_t mode, void **h)
{
	return benchfs_imkdir(path, mode, (benchfs_request_t **)h);
}

/* end - benchfs_wait() of a request started above. */
static ssize_t end(void *h)
{
	return benchfs_wait(h);
}

/* dst_open - open a BenchFS file for writing. */
static int dst_open(const char *path)
{
	return benchfs_open(path, O_WRONLY, 0);
}

/* dst_write - benchfs_pwrite() of the whole buffer. */
static int dst_write(int fd, const void *buf, size_t n, uint64_t off)
{
	ssize_t w = benchfs_pwrite(fd, buf, n, (off_t)off);

	return w < 0 ? (int)w : 0;
}

/* Local tree into BenchFS: BenchFS applies no umask, so entries get their modes at creation. */
static const struct copy_ops stagein_ops = {
    .src_open = src_open,
    .src_read = src_read,
    .src_close = src_close,
    .src_advise = src_advise,
    .src_readlink = NULL, /* the walk put the targets in the list */
    .dst_mkdir = benchfs_mkdir,
    .dst_mkdir_start = dst_mkdir_start,
    .dst_create = dst_create,
    .dst_put = dst_put,
    .dst_put_start = dst_put_start,
    .end = end,
    .dst_open = dst_open,
    .dst_write = dst_write,
    .dst_truncate = NULL,
    .dst_close = benchfs_close,
    .dst_symlink = benchfs_symlink,
    .dst_chmod = benchfs_chmod,
    .dst_utimens = benchfs_utimens,
    .dst_futimens = benchfs_futimens,
    .dst_complete_fd = benchfs_fcomplete,
    .dst_complete = benchfs_complete,
    .own_modes = 1,
    .to_eof = 0,
    .bfs_dst = 1,
};

int stagein_run(struct stagein *s)
{
	uint64_t chunk = s->chunk_opt ? s->chunk_opt : tool_chunk_size();
	int status = 1;

	MPI_Bcast(&chunk, 1, MPI_UINT64_T, 0, s->t.comm);
	s->cp.t = &s->t;
	s->cp.ops = &stagein_ops;
	s->cp.arg = s;
	s->cp.src = s->src;
	s->cp.dst = s->dst;
	s->cp.chunk = chunk;
	if (scan(s) == 0)
		status = copy_run(&s->cp);
	else
		status = s->t.rank == 0 ? 1 : 0;
	free(s->cp.ent);
	if (s->data != s->list.data)
		free(s->data);
	free(s->list.data);
	return status;
}
