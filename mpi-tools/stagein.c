/*
 * benchfs-stagein - copy a local (or parallel file system) tree into BenchFS, in parallel.
 *
 *	mpirun -n 8 benchfs-stagein --servers 2 /scratch/input /input
 *
 * Semantics of "cp -a SRC DST" where DST does not exist yet. Rank 0 walks SRC and broadcasts
 * the list of entries; directories are created level by level by all ranks; regular files are
 * balanced over ranks by size, large ones cut into chunk-aligned ranges copied by several ranks;
 * then times and modes are set, directories last and deepest first.
 */
#include "tool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct tool_desc stagein_desc = {
    .name = "benchfs-stagein",
    .synopsis = "[-L] [-q] [--chunk-size BYTES] SRC DST",
    .about = "Copy the local file, directory tree or symlink SRC into BenchFS as DST, like\n"
             "'cp -a SRC DST'. DST is an absolute BenchFS path that must not exist; its parent\n"
             "must. All client ranks copy in parallel.",
    .options = "  -L, --dereference     follow symbolic links in SRC (like cp -L)\n"
               "      --chunk-size BYTES  chunk size of the files created (power of two,\n"
               "                        4 KiB .. 1 GiB; default: the file system's)\n"
               "  -q, --quiet           no summary line\n",
    .progress = 1,
};

enum { OPT_CHUNK_SIZE = 0x2000 };

/* Where the walk is: the directories above, to find loops when following links. */
struct ancestor {
	dev_t dev;
	ino_t ino;
	const struct ancestor *up;
};

/* State of one run. */
struct stagein {
	struct tool t;
	int deref;
	int quiet;
	uint64_t chunk_opt; /* --chunk-size, 0 for the default */
	uint64_t chunk;     /* chunk size used to cut ranges */
	const char *src;
	char *dst;
	int status; /* 1 once a non-fatal error was reported */
	struct tool_buf list;
	char *data;
	size_t len;
	struct tool_entry *ent;
	size_t n;
	struct tool_counts c;
	struct tool_progress prog;
	uint64_t items_done;
	void *buf;
	size_t buflen;
};

/* ---- options ------------------------------------------------------------------------------- */

/* parse_chunk - value of --chunk-size (power of two, 4 KiB .. 1 GiB). */
static uint64_t parse_chunk(struct stagein *s, const char *arg)
{
	char *end;
	unsigned long long v = strtoull(arg, &end, 10);

	if (end != arg && (*end == 'k' || *end == 'K'))
		v <<= 10, end++;
	else if (end != arg && (*end == 'm' || *end == 'M'))
		v <<= 20, end++;
	else if (end != arg && (*end == 'g' || *end == 'G'))
		v <<= 30, end++;
	if (end == arg || *end || v < 4096 || v > (1ULL << 30) || (v & (v - 1)))
		tool_usage_error(&s->t, "invalid chunk size '%s'", arg);
	return v;
}

/* parse_args - options, then SRC and DST; usage errors exit on every rank. */
static void parse_args(struct stagein *s, int argc, char **argv)
{
	static const struct option longopts[] = {
	    TOOL_COMMON_OPTIONS,
	    {"dereference", no_argument, NULL, 'L'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"chunk-size", required_argument, NULL, OPT_CHUNK_SIZE},
	    {NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, ":hLq", longopts, NULL)) != -1) {
		switch (c) {
		case 'L':
			s->deref = 1;
			break;
		case 'q':
			s->quiet = 1;
			break;
		case OPT_CHUNK_SIZE:
			s->chunk_opt = parse_chunk(s, optarg);
			break;
		default:
			tool_option(&s->t, c, argv);
		}
	}
	if (argc - optind < 2)
		tool_usage_error(&s->t, "missing operand");
	if (argc - optind > 2)
		tool_usage_error(&s->t, "extra operand '%s'", argv[optind + 2]);
	s->src = argv[optind];
	if (!*s->src)
		tool_usage_error(&s->t, "empty source path");
	s->dst = tool_normalize(argv[optind + 1]);
	if (!s->dst)
		tool_usage_error(&s->t, "%s: not an absolute BenchFS path", argv[optind + 1]);
}

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
		s->status = 1;
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
		s->status = 1;
		return;
	}
	if (S_ISREG(st.st_mode)) {
		add_entry(s, rel, &st, "");
	} else if (S_ISDIR(st.st_mode)) {
		if (is_loop(&st, up)) {
			tool_warn(&s->t, "%s: directory loop, not copied", path);
			s->status = 1;
			return;
		}
		add_entry(s, rel, &st, "");
		walk_dir(s, path, rel, &st, up);
	} else if (S_ISLNK(st.st_mode)) {
		target = read_link(path, (size_t)st.st_size);
		if (!target) {
			tool_error(&s->t, path, errno);
			s->status = 1;
			return;
		}
		add_entry(s, rel, &st, target);
		free(target);
	} else {
		tool_warn(&s->t, "%s: %s skipped", path, type_name(st.st_mode));
		s->c.skipped++;
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

/* scan - rank 0 checks SRC and DST and walks SRC; then every rank has the entry list.
 * Return 0, or -1 when the copy cannot start (reported, agreed). */
static int scan(struct stagein *s)
{
	struct stat st;
	int fatal = 0, rc;

	if (s->t.rank == 0) {
		rc = stat_entry(s, s->src, &st);
		if (rc < 0) {
			tool_error(&s->t, s->src, rc);
			fatal = 1;
		} else if ((rc = check_dst(s)) < 0) {
			tool_error(&s->t, s->dst, rc);
			fatal = 1;
		} else {
			walk(s, s->src, "", NULL);
			fatal = s->list.len == 0;
			if (fatal)
				s->status = 1;
		}
	}
	tool_bcast_int(&s->t, &fatal);
	if (fatal)
		return -1;
	s->data = s->list.data;
	s->len = s->list.len;
	if (tool_bcast_buf(&s->t, &s->data, &s->len) < 0 ||
	    tool_any(&s->t, tool_entry_unpack(s->data, s->len, &s->ent, &s->n) < 0)) {
		if (s->t.rank == 0)
			tool_error(&s->t, s->src, -ENOMEM);
		return -1;
	}
	return 0;
}

/* ---- directories ----------------------------------------------------------------------------- */

/* make_dirs - create directories level by level; 0, or -1 when any failed (agreed). */
static int make_dirs(struct stagein *s, const size_t *dirs, size_t ndirs)
{
	size_t i = 0;

	while (i < ndirs) {
		int depth = s->ent[dirs[i]].depth, failed = 0;
		size_t k;

		for (k = 0; i < ndirs && s->ent[dirs[i]].depth == depth; i++, k++) {
			const struct tool_entry *e = &s->ent[dirs[i]];
			char *path;
			int rc;

			if (k % (size_t)s->t.size != (size_t)s->t.rank)
				continue;
			path = tool_join(s->dst, e->rel);
			rc = benchfs_mkdir(path, S_IRWXU | (e->mode & 07777));
			if (rc < 0) {
				tool_error(&s->t, path, rc);
				failed = 1;
			} else {
				s->c.dirs++;
			}
			free(path);
		}
		if (tool_any(&s->t, failed))
			return -1;
	}
	return 0;
}

/* finish_dirs - modes and times of directories, deepest first. */
static void finish_dirs(struct stagein *s, const size_t *dirs, size_t ndirs)
{
	size_t i;

	for (i = ndirs; i-- > 0;) {
		const struct tool_entry *e = &s->ent[dirs[i]];
		struct timespec ts[2] = {e->atime, e->mtime};
		char *path;
		int rc;

		if (i % (size_t)s->t.size != (size_t)s->t.rank)
			continue;
		path = tool_join(s->dst, e->rel);
		rc = benchfs_chmod(path, e->mode & 07777);
		if (rc == 0)
			rc = benchfs_utimens(path, ts);
		if (rc < 0) {
			tool_error(&s->t, path, rc);
			s->status = 1;
		}
		free(path);
	}
}

/* ---- files ------------------------------------------------------------------------------------
 */

/* copy_range - copy @len bytes at @off from local @fd to BenchFS @dfd. 0 or -1 (reported). */
static int copy_range(struct stagein *s, int fd, int dfd, uint64_t off, uint64_t len,
                      const char *spath, const char *dpath)
{
	posix_fadvise(fd, (off_t)off, (off_t)len, POSIX_FADV_SEQUENTIAL);
	while (len > 0) {
		size_t want = len < s->buflen ? (size_t)len : s->buflen;
		ssize_t r = pread(fd, s->buf, want, (off_t)off);
		ssize_t w;

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			tool_error(&s->t, spath, errno);
			return -1;
		}
		if (r == 0)
			break; /* the file shrank while we copied it */
		w = benchfs_pwrite(dfd, s->buf, (size_t)r, (off_t)off);
		if (w < 0) {
			tool_error(&s->t, dpath, (int)w);
			return -1;
		}
		off += (uint64_t)r;
		len -= (uint64_t)r;
		s->c.bytes += (uint64_t)r;
		tool_progress_update(&s->prog, s->items_done, s->c.bytes);
	}
	return 0;
}

/* create_mode - permissions a file is created with: its own, plus owner read and write so
 * later ranges can be written; fixed by finish_files() when they differ. */
static mode_t create_mode(const struct tool_entry *e)
{
	return (e->mode & 07777) | S_IRUSR | S_IWUSR;
}

/* create_file - phase 1 for one file: create it, and copy it unless it is split.
 * Return 0, or -1 when the file could not be created (reported). */
static int create_file(struct stagein *s, const struct tool_entry *e, int big)
{
	char *spath = tool_join(s->src, e->rel), *dpath = tool_join(s->dst, e->rel);
	int fd, dfd, rc = -1;

	fd = open(spath, O_RDONLY | (s->deref ? 0 : O_NOFOLLOW));
	if (fd < 0) {
		tool_error(&s->t, spath, errno);
		goto out;
	}
	dfd = benchfs_create(dpath, O_WRONLY | O_CREAT | O_EXCL, create_mode(e), s->chunk_opt);
	if (dfd < 0) {
		tool_error(&s->t, dpath, dfd);
		close(fd);
		goto out;
	}
	rc = 0;
	if (!big && copy_range(s, fd, dfd, 0, e->size, spath, dpath) < 0)
		rc = 1; /* created, but its data is incomplete */
	if ((dfd = benchfs_close(dfd)) < 0) {
		tool_error(&s->t, dpath, dfd);
		rc = 1;
	}
	close(fd);
	if (rc == 0)
		s->c.files++;
out:
	if (rc)
		s->status = 1;
	s->items_done++;
	tool_progress_update(&s->prog, s->items_done, s->c.bytes);
	free(spath);
	free(dpath);
	return rc < 0 ? -1 : 0;
}

/* copy_piece - phase 2: one range of a split file. */
static void copy_piece(struct stagein *s, const struct tool_entry *e, const struct tool_range *r)
{
	char *spath = tool_join(s->src, e->rel), *dpath = tool_join(s->dst, e->rel);
	int fd = open(spath, O_RDONLY), dfd;

	if (fd < 0) {
		tool_error(&s->t, spath, errno);
		s->status = 1;
		goto out;
	}
	dfd = benchfs_open(dpath, O_WRONLY, 0);
	if (dfd < 0) {
		tool_error(&s->t, dpath, dfd);
		s->status = 1;
	} else {
		if (copy_range(s, fd, dfd, r->off, r->len, spath, dpath) < 0)
			s->status = 1;
		if ((dfd = benchfs_close(dfd)) < 0) {
			tool_error(&s->t, dpath, dfd);
			s->status = 1;
		}
	}
	close(fd);
out:
	free(spath);
	free(dpath);
}

/* make_links - symbolic links, spread round-robin. */
static void make_links(struct stagein *s)
{
	size_t i, k = 0;

	for (i = 0; i < s->n; i++) {
		const struct tool_entry *e = &s->ent[i];
		char *path;
		int rc;

		if (!S_ISLNK(e->mode) || k++ % (size_t)s->t.size != (size_t)s->t.rank)
			continue;
		path = tool_join(s->dst, e->rel);
		rc = benchfs_symlink(e->target, path);
		if (rc < 0) {
			tool_error(&s->t, path, rc);
			s->status = 1;
		} else {
			s->c.links++;
		}
		free(path);
		s->items_done++;
	}
}

/* set_times - times (and final mode) of one file or link this rank owns. */
static void set_times(struct stagein *s, const struct tool_entry *e)
{
	struct timespec ts[2] = {e->atime, e->mtime};
	char *path = tool_join(s->dst, e->rel);
	int rc = 0;

	if (S_ISREG(e->mode) && create_mode(e) != (e->mode & 07777))
		rc = benchfs_chmod(path, e->mode & 07777);
	if (rc == 0)
		rc = benchfs_utimens(path, ts);
	if (rc < 0) {
		tool_error(&s->t, path, rc);
		s->status = 1;
	}
	free(path);
}

/* copy_files - phase 1 (create, small files), phase 2 (ranges of big files), links. */
static void copy_files(struct stagein *s, struct tool_files *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->plan.owner[i] == s->t.rank &&
		    create_file(s, &s->ent[f->idx[i]], f->plan.big[i]) < 0)
			f->failed[i] = 1;
	make_links(s);
	tool_files_share_failures(&s->t, f);
	for (i = 0; i < f->plan.nranges; i++) {
		const struct tool_range *r = &f->plan.ranges[i];

		if (r->rank == s->t.rank && !f->failed[r->file])
			copy_piece(s, &s->ent[f->idx[r->file]], r);
	}
}

/* finish_files - times and modes of the files and links each rank owns. */
static void finish_files(struct stagein *s, struct tool_files *f)
{
	size_t i, k = 0;

	for (i = 0; i < f->n; i++)
		if (f->plan.owner[i] == s->t.rank && !f->failed[i])
			set_times(s, &s->ent[f->idx[i]]);
	for (i = 0; i < s->n; i++)
		if (S_ISLNK(s->ent[i].mode) && k++ % (size_t)s->t.size == (size_t)s->t.rank)
			set_times(s, &s->ent[i]);
}

/* stage - the copy proper, once every rank has the list. Return the exit status. */
static int stage(struct stagein *s)
{
	struct tool_files f;
	size_t *dirs, ndirs = 0;
	int fatal;

	dirs = tool_dirs_by_depth(s->ent, s->n, &ndirs);
	s->buf = tool_copy_buffer(s->chunk, &s->buflen);
	fatal = tool_any(&s->t, !dirs || !s->buf);
	if (!fatal)
		fatal = tool_files_plan(&s->t, s->ent, s->n, s->chunk, &f) < 0;
	if (fatal) {
		if (s->t.rank == 0)
			tool_error(&s->t, s->dst, -ENOMEM);
		free(dirs);
		return 1;
	}
	tool_progress_begin(&s->t, &s->prog);
	fatal = make_dirs(s, dirs, ndirs) < 0;
	if (!fatal) {
		copy_files(s, &f);
		MPI_Barrier(s->t.comm);
		finish_files(s, &f);
		MPI_Barrier(s->t.comm);
		finish_dirs(s, dirs, ndirs);
	}
	tool_progress_end(&s->prog);
	if (!s->quiet && !fatal)
		tool_summary(&s->t, &s->c);
	tool_files_free(&f);
	free(dirs);
	return fatal ? 1 : s->status;
}

/* main - parse, start the file system, scan, copy, report. */
int main(int argc, char **argv)
{
	struct stagein s;
	uint64_t chunk;
	int status = 1;

	memset(&s, 0, sizeof(s));
	tool_init(&s.t, &stagein_desc, &argc, &argv);
	parse_args(&s, argc, argv);
	tool_start(&s.t);
	chunk = s.chunk_opt ? s.chunk_opt : tool_chunk_size();
	MPI_Bcast(&chunk, 1, MPI_UINT64_T, 0, s.t.comm);
	s.chunk = chunk;
	if (scan(&s) == 0)
		status = stage(&s);
	else
		status = s.t.rank == 0 ? 1 : 0;
	free(s.ent);
	if (s.data != s.list.data)
		free(s.data);
	free(s.list.data);
	free(s.buf);
	free(s.dst);
	return tool_finish(&s.t, status);
}
