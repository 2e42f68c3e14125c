/*
 * benchfs-stageout - copy a BenchFS tree out to a local (or parallel file system) path, in
 * parallel; the inverse of benchfs-stagein.
 *
 *	mpirun -n 8 benchfs-stageout --servers 2 /output /scratch/output
 *
 * The tree is listed with benchfs_find() on every server (client rank r asks servers r,
 * r + nranks, ...), the lists are gathered on every rank, and the copy proceeds as in
 * benchfs-stagein: directories level by level, files balanced by size (large files in
 * chunk-aligned ranges written into a file pre-sized by its creator), symlinks, then modes and
 * times, directories last and deepest first.
 */
#include "tool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct tool_desc stageout_desc = {
    .name = "benchfs-stageout",
    .synopsis = "[-q] SRC DST",
    .about = "Copy the BenchFS file, directory tree or symlink SRC (an absolute BenchFS path)\n"
             "to the local path DST, like 'cp -a SRC DST'. DST must not exist. All client\n"
             "ranks copy in parallel.",
    .options = "  -q, --quiet           no summary line\n",
    .progress = 1,
};

/* State of one run. */
struct stageout {
	struct tool t;
	int quiet;
	char *src;       /* normal BenchFS path */
	const char *dst; /* local path */
	size_t prefix;   /* bytes of a found path before its relative part */
	uint64_t chunk;
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

/* parse_args - options, then SRC and DST; usage errors exit on every rank. */
static void parse_args(struct stageout *s, int argc, char **argv)
{
	static const struct option longopts[] = {
	    TOOL_COMMON_OPTIONS,
	    {"quiet", no_argument, NULL, 'q'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, ":hq", longopts, NULL)) != -1) {
		if (c == 'q')
			s->quiet = 1;
		else
			tool_option(&s->t, c, argv);
	}
	if (argc - optind < 2)
		tool_usage_error(&s->t, "missing operand");
	if (argc - optind > 2)
		tool_usage_error(&s->t, "extra operand '%s'", argv[optind + 2]);
	s->src = tool_normalize(argv[optind]);
	if (!s->src)
		tool_usage_error(&s->t, "%s: not an absolute BenchFS path", argv[optind]);
	s->dst = argv[optind + 1];
	if (!*s->dst)
		tool_usage_error(&s->t, "empty destination path");
	s->prefix = strcmp(s->src, "/") ? strlen(s->src) + 1 : 1;
}

/* ---- listing ----------------------------------------------------------------------------------
 */

/* found - benchfs_find() callback: pack the entry with its path relative to SRC. */
static int found(const struct benchfs_find_entry *fe, void *arg)
{
	struct stageout *s = arg;
	struct tool_entry e = {
	    .target = "",
	    .mode = fe->mode,
	    .size = S_ISREG(fe->mode) ? fe->size : 0,
	    .atime = fe->mtime,
	    .mtime = fe->mtime,
	};

	if (strlen(fe->path) <= s->prefix)
		return 0; /* not below SRC: cannot happen */
	e.rel = fe->path + s->prefix;
	tool_entry_pack(&s->list, &e);
	return 0;
}

/* check_root - rank 0: SRC exists, DST does not; packs SRC's own entry. 0 or -1 (reported). */
static int check_root(struct stageout *s, struct stat *st)
{
	struct tool_entry e = {.rel = "", .target = ""};
	struct stat lst;
	int rc = benchfs_lstat(s->src, st);

	if (rc < 0) {
		tool_error(&s->t, s->src, rc);
		return -1;
	}
	if (lstat(s->dst, &lst) == 0) {
		tool_error(&s->t, s->dst, EEXIST);
		return -1;
	}
	if (errno != ENOENT) {
		tool_error(&s->t, s->dst, errno);
		return -1;
	}
	e.mode = st->st_mode;
	e.size = S_ISREG(st->st_mode) ? (uint64_t)st->st_size : 0;
	e.atime = st->st_atim;
	e.mtime = st->st_mtim;
	tool_entry_pack(&s->list, &e);
	return 0;
}

/* list_tree - each rank lists the servers it is in charge of. 0 or -1 (reported here). */
static int list_tree(struct stageout *s)
{
	struct benchfs_find_filter all;
	int server, rc;

	memset(&all, 0, sizeof(all));
	for (server = s->t.rank; server < s->t.nfs_servers; server += s->t.size) {
		rc = benchfs_find(server, s->src, &all, found, s);
		if (rc < 0) {
			tool_error(&s->t, s->src, rc);
			return -1;
		}
	}
	return 0;
}

/* scan - every rank ends with the whole entry list, SRC first. 0, or -1 (agreed). */
static int scan(struct stageout *s)
{
	struct stat st;
	int fatal = 0, isdir = 0;

	if (s->t.rank == 0) {
		fatal = check_root(s, &st) < 0;
		isdir = !fatal && S_ISDIR(st.st_mode);
	}
	tool_bcast_int(&s->t, &fatal);
	if (fatal)
		return -1;
	tool_bcast_int(&s->t, &isdir);
	if (tool_any(&s->t, isdir && list_tree(s) < 0))
		return -1;
	if (tool_allgather_buf(&s->t, s->list.data, s->list.len, &s->data, &s->len) < 0 ||
	    tool_any(&s->t, tool_entry_unpack(s->data, s->len, &s->ent, &s->n) < 0)) {
		if (s->t.rank == 0)
			tool_error(&s->t, s->src, -ENOMEM);
		return -1;
	}
	free(s->list.data);
	memset(&s->list, 0, sizeof(s->list));
	return 0;
}

/* ---- directories ---------------------------------------------------------------------------- */

/* make_dirs - local directories level by level; 0, or -1 when any failed (agreed). */
static int make_dirs(struct stageout *s, const size_t *dirs, size_t ndirs)
{
	size_t i = 0;

	while (i < ndirs) {
		int depth = s->ent[dirs[i]].depth, failed = 0;
		size_t k;

		for (k = 0; i < ndirs && s->ent[dirs[i]].depth == depth; i++, k++) {
			char *path;

			if (k % (size_t)s->t.size != (size_t)s->t.rank)
				continue;
			path = tool_join(s->dst, s->ent[dirs[i]].rel);
			if (mkdir(path, S_IRWXU) < 0) {
				tool_error(&s->t, path, errno);
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

/* set_attrs - final mode (not for links) and times of a local entry. */
static void set_attrs(struct stageout *s, const struct tool_entry *e)
{
	struct timespec ts[2] = {e->atime, e->mtime};
	char *path = tool_join(s->dst, e->rel);

	if (!S_ISLNK(e->mode) && chmod(path, e->mode & 07777) < 0) {
		tool_error(&s->t, path, errno);
		s->status = 1;
	} else if (utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW) < 0) {
		tool_error(&s->t, path, errno);
		s->status = 1;
	}
	free(path);
}

/* finish_dirs - modes and times of directories, deepest first. */
static void finish_dirs(struct stageout *s, const size_t *dirs, size_t ndirs)
{
	size_t i;

	for (i = ndirs; i-- > 0;)
		if (i % (size_t)s->t.size == (size_t)s->t.rank)
			set_attrs(s, &s->ent[dirs[i]]);
}

/* ---- files ------------------------------------------------------------------------------------
 */

/* write_all - pwrite every byte, retrying short writes. 0 or -errno. */
static int write_all(int fd, const char *p, size_t n, off_t off)
{
	while (n > 0) {
		ssize_t w = pwrite(fd, p, n, off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

/* copy_range - @len bytes at @off from BenchFS @sfd to local @fd. 0 or -1 (reported). */
static int copy_range(struct stageout *s, int sfd, int fd, uint64_t off, uint64_t len,
                      const char *spath, const char *dpath)
{
	while (len > 0) {
		size_t want = len < s->buflen ? (size_t)len : s->buflen;
		ssize_t r = benchfs_pread(sfd, s->buf, want, (off_t)off);
		int rc;

		if (r < 0) {
			tool_error(&s->t, spath, (int)r);
			return -1;
		}
		if (r == 0)
			break; /* end of file as published */
		rc = write_all(fd, s->buf, (size_t)r, (off_t)off);
		if (rc < 0) {
			tool_error(&s->t, dpath, rc);
			return -1;
		}
		off += (uint64_t)r;
		len -= (uint64_t)r;
		s->c.bytes += (uint64_t)r;
		tool_progress_update(&s->prog, s->items_done, s->c.bytes);
	}
	return 0;
}

/* close_local - close(2) with its error reported (NFS and the like report late errors). */
static int close_local(struct stageout *s, int fd, const char *path)
{
	if (close(fd) < 0) {
		tool_error(&s->t, path, errno);
		return -1;
	}
	return 0;
}

/* create_file - phase 1 for one file: create it locally, copy it (small) or size it (big).
 * Return 0, or -1 when the file could not be created (reported). */
static int create_file(struct stageout *s, const struct tool_entry *e, int big)
{
	char *spath = tool_join(s->src, e->rel), *dpath = tool_join(s->dst, e->rel);
	int sfd, fd, rc = -1;

	sfd = benchfs_open(spath, O_RDONLY, 0);
	if (sfd < 0) {
		tool_error(&s->t, spath, sfd);
		goto out;
	}
	fd = open(dpath, O_WRONLY | O_CREAT | O_EXCL, S_IRUSR | S_IWUSR);
	if (fd < 0) {
		tool_error(&s->t, dpath, errno);
		benchfs_close(sfd);
		goto out;
	}
	rc = 0;
	if (big && ftruncate(fd, (off_t)e->size) < 0) {
		tool_error(&s->t, dpath, errno);
		rc = -1;
	} else if (!big && copy_range(s, sfd, fd, 0, UINT64_MAX, spath, dpath) < 0) {
		rc = 1; /* created, but its data is incomplete */
	}
	if (close_local(s, fd, dpath) < 0 && rc == 0)
		rc = 1;
	benchfs_close(sfd);
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
static void copy_piece(struct stageout *s, const struct tool_entry *e, const struct tool_range *r)
{
	char *spath = tool_join(s->src, e->rel), *dpath = tool_join(s->dst, e->rel);
	int sfd = benchfs_open(spath, O_RDONLY, 0), fd;

	if (sfd < 0) {
		tool_error(&s->t, spath, sfd);
		s->status = 1;
		goto out;
	}
	fd = open(dpath, O_WRONLY);
	if (fd < 0) {
		tool_error(&s->t, dpath, errno);
		s->status = 1;
	} else {
		if (copy_range(s, sfd, fd, r->off, r->len, spath, dpath) < 0)
			s->status = 1;
		if (close_local(s, fd, dpath) < 0)
			s->status = 1;
	}
	benchfs_close(sfd);
out:
	free(spath);
	free(dpath);
}

/* make_link - one symbolic link: read it from BenchFS, create it locally. */
static void make_link(struct stageout *s, const struct tool_entry *e)
{
	char *spath = tool_join(s->src, e->rel), *dpath = tool_join(s->dst, e->rel);
	char target[BENCHFS_PATH_MAX + 1];
	ssize_t n = benchfs_readlink(spath, target, sizeof(target) - 1);

	if (n < 0) {
		tool_error(&s->t, spath, (int)n);
		s->status = 1;
	} else {
		target[n] = '\0';
		if (symlink(target, dpath) < 0) {
			tool_error(&s->t, dpath, errno);
			s->status = 1;
		} else {
			s->c.links++;
		}
	}
	s->items_done++;
	free(spath);
	free(dpath);
}

/* is_mine_link - whether link number @k (in list order) is this rank's. */
static int is_mine_link(struct stageout *s, size_t k)
{
	return k % (size_t)s->t.size == (size_t)s->t.rank;
}

/* make_links - symbolic links, spread round-robin. */
static void make_links(struct stageout *s)
{
	size_t i, k = 0;

	for (i = 0; i < s->n; i++)
		if (S_ISLNK(s->ent[i].mode) && is_mine_link(s, k++))
			make_link(s, &s->ent[i]);
}

/* copy_files - phase 1 (create, small files, links), phase 2 (ranges of big files). */
static void copy_files(struct stageout *s, struct tool_files *f)
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

/* finish_files - modes and times of the files and links each rank owns. */
static void finish_files(struct stageout *s, struct tool_files *f)
{
	size_t i, k = 0;

	for (i = 0; i < f->n; i++)
		if (f->plan.owner[i] == s->t.rank && !f->failed[i])
			set_attrs(s, &s->ent[f->idx[i]]);
	for (i = 0; i < s->n; i++)
		if (S_ISLNK(s->ent[i].mode) && is_mine_link(s, k++))
			set_attrs(s, &s->ent[i]);
}

/* stage - the copy proper, once every rank has the list. Return the exit status. */
static int stage(struct stageout *s)
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

/* main - parse, start the file system, list, copy, report. */
int main(int argc, char **argv)
{
	struct stageout s;
	uint64_t chunk;
	int status = 1;

	memset(&s, 0, sizeof(s));
	tool_init(&s.t, &stageout_desc, &argc, &argv);
	parse_args(&s, argc, argv);
	tool_start(&s.t);
	chunk = tool_chunk_size();
	MPI_Bcast(&chunk, 1, MPI_UINT64_T, 0, s.t.comm);
	s.chunk = chunk;
	if (scan(&s) == 0)
		status = stage(&s);
	free(s.ent);
	free(s.data);
	free(s.list.data);
	free(s.buf);
	free(s.src);
	return tool_finish(&s.t, status);
}
