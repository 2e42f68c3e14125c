/*
 * benchfs-stageout - copy a BenchFS tree out to a local (or parallel file system) path, in
 * parallel; the inverse of benchfs-stagein.
 *
 *	mpirun -n 8 benchfs-stageout --servers 2 /output /scratch/output
 *
 * The tree is listed with benchfs_find() on every server (client rank r asks servers r,
 * r + nranks, ...), the lists are gathered on every rank, and the copy proceeds as in
 * benchfs-stagein (copy.c): directories level by level, files balanced by size (large files in
 * chunk-aligned ranges written into a file pre-sized by its creator), symlinks, then modes and
 * times, directories last and deepest first.
 */
#include "copy.h"

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
	char *src;       /* normal BenchFS path */
	const char *dst; /* local path */
	size_t prefix;   /* bytes of a found path before its relative part */
	struct tool_buf list;
	char *data;
	size_t len;
	struct copy cp; /* the entry list, counters and status */
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
			s->cp.quiet = 1;
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

/* incomplete - a file an interrupted copy left (benchfs.h, "Incomplete files") is not copied. */
static void incomplete(struct stageout *s, const char *path)
{
	tool_warn(&s->t, "%s: incomplete (an interrupted copy into BenchFS left it), not copied",
	          path);
	s->cp.status = 1;
}

/* found - benchfs_find() callback: pack the entry with its path relative to SRC; skip files
 * marked incomplete. */
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
	if (fe->flags & BENCHFS_FL_INCOMPLETE) {
		incomplete(s, fe->path);
		return 0;
	}
	e.rel = fe->path + s->prefix;
	tool_entry_pack(&s->list, &e);
	return 0;
}

/* check_root - rank 0: SRC exists, DST does not; packs SRC's own entry. 0 or -1 (reported). */
static int check_root(struct stageout *s, struct stat *st)
{
	struct tool_entry e = {.rel = "", .target = ""};
	struct stat lst;
	unsigned flags;
	int rc = benchfs_lstat_flags(s->src, st, &flags);

	if (rc < 0) {
		tool_error(&s->t, s->src, rc);
		return -1;
	}
	if (flags & BENCHFS_FL_INCOMPLETE) {
		incomplete(s, s->src);
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
	    tool_any(&s->t, tool_entry_unpack(s->data, s->len, &s->cp.ent, &s->cp.n) < 0)) {
		if (s->t.rank == 0)
			tool_error(&s->t, s->src, -ENOMEM);
		return -1;
	}
	free(s->list.data);
	memset(&s->list, 0, sizeof(s->list));
	return 0;
}

/* ---- the copy: operations on BenchFS source and local destination --------------------------- */

/* src_open - open a BenchFS file for reading. */
static int src_open(struct copy *c, const char *path, int first)
{
	(void)c;
	(void)first;
	return benchfs_open(path, O_RDONLY, 0);
}

/* src_read - benchfs_pread(). */
static ssize_t src_read(int fd, void *buf, size_t n, uint64_t off)
{
	return benchfs_pread(fd, buf, n, (off_t)off);
}

/* src_get - a small file whole (benchfs_read_file: one request for an inline file). */
static ssize_t src_get(const char *path, void *buf, size_t n)
{
	return benchfs_read_file(path, buf, n, NULL);
}

/* src_get_start - the same, many in flight (benchfs_iread_file); end - its benchfs_wait(). */
static int src_get_start(const char *path, void *buf, size_t n, void **h)
{
	return benchfs_iread_file(path, buf, n, NULL, (benchfs_request_t **)h);
}

static ssize_t end(void *h)
{
	return benchfs_wait(h);
}

/* src_close - benchfs_close(), its result not needed for a file only read. */
static void src_close(int fd)
{
	benchfs_close(fd);
}

/* dst_mkdir - mkdir(2). */
static int dst_mkdir(const char *path, mode_t mode)
{
	return mkdir(path, mode) < 0 ? -errno : 0;
}

/* dst_create - create a local file that must not exist. */
static int dst_create(struct copy *c, const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);

	(void)c;
	return fd < 0 ? -errno : fd;
}

/* dst_open - open a local file for writing. */
static int dst_open(const char *path)
{
	int fd = open(path, O_WRONLY);

	return fd < 0 ? -errno : fd;
}

/* dst_write - pwrite every byte, retrying short writes. 0 or -errno. */
static int dst_write(int fd, const void *buf, size_t n, uint64_t off)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = pwrite(fd, p, n, (off_t)off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

/* dst_truncate - pre-size a split file, so its ranges can be written in any order. */
static int dst_truncate(int fd, uint64_t size)
{
	return ftruncate(fd, (off_t)size) < 0 ? -errno : 0;
}

/* dst_close - close(2) with its error (NFS and the like report late errors). */
static int dst_close(int fd)
{
	return close(fd) < 0 ? -errno : 0;
}

/* dst_symlink - symlink(2). */
static int dst_symlink(const char *target, const char *path)
{
	return symlink(target, path) < 0 ? -errno : 0;
}

/* dst_chmod - chmod(2). */
static int dst_chmod(const char *path, mode_t mode)
{
	return chmod(path, mode) < 0 ? -errno : 0;
}

/* dst_utimens - utimensat(2) of the entry itself, not of what a link points to. */
static int dst_utimens(const char *path, const struct timespec ts[2])
{
	return utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

/* dst_futimens - futimens(2). */
static int dst_futimens(int fd, const struct timespec ts[2])
{
	return futimens(fd, ts) < 0 ? -errno : 0;
}

/* BenchFS tree out to the local file system: entries are created owner-only (the umask
 * applies) and get every mode at the end; files are copied to their published end. */
static const struct copy_ops stageout_ops = {
    .src_open = src_open,
    .src_read = src_read,
    .src_get = src_get,
    .src_get_start = src_get_start,
    .end = end,
    .src_close = src_close,
    .src_advise = NULL,
    .src_readlink = benchfs_readlink,
    .dst_mkdir = dst_mkdir,
    .dst_create = dst_create,
    .dst_open = dst_open,
    .dst_write = dst_write,
    .dst_truncate = dst_truncate,
    .dst_close = dst_close,
    .dst_symlink = dst_symlink,
    .dst_chmod = dst_chmod,
    .dst_utimens = dst_utimens,
    .dst_futimens = dst_futimens,
    .dst_complete_fd = NULL,
    .dst_complete = NULL,
    .own_modes = 0,
    .to_eof = 1,
    .bfs_dst = 0,
};

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
	s.cp.t = &s.t;
	s.cp.ops = &stageout_ops;
	s.cp.src = s.src;
	s.cp.dst = s.dst;
	s.cp.chunk = chunk;
	if (scan(&s) == 0)
		status = copy_run(&s.cp);
	free(s.cp.ent);
	free(s.data);
	free(s.list.data);
	free(s.src);
	return tool_finish(&s.t, status);
}
