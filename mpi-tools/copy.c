/*
 * copy.c - the copy driver of benchfs-stagein and benchfs-stageout; see copy.h.
 */
#include "copy.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

/* is_mine - whether item number @k of a round-robin spread is this rank's. */
static int is_mine(const struct copy *c, size_t k)
{
	return k % (size_t)c->t->size == (size_t)c->t->rank;
}

/* fs_gone - whether @rc, from the BenchFS side, says the file system went away (a server
 * died, hangs or stops), after which every further call would fail the same way. */
static int fs_gone(int rc)
{
	return rc == -EIO || rc == -ETIMEDOUT || rc == -ENOTCONN || rc == -ESHUTDOWN;
}

/* report - one error line for @path, and the copy's status; a failure of the file system on
 * BenchFS's side (@bfs_side) stops this rank's copy (the others stop at the next agreement or
 * at their own first such error). */
static void report(struct copy *c, const char *path, int rc, int bfs_side)
{
	c->status = 1;
	if (c->fatal)
		return; /* said already: the file system failed */
	tool_error(c->t, path, rc);
	if (bfs_side && fs_gone(rc)) {
		c->fatal = 1;
		tool_warn(c->t, "stopping: the file system failed");
	}
}

/* report_src, report_dst - a failure of an operation on the source / destination side. */
static void report_src(struct copy *c, const char *path, int rc)
{
	report(c, path, rc, !c->ops->bfs_dst);
}

static void report_dst(struct copy *c, const char *path, int rc)
{
	report(c, path, rc, c->ops->bfs_dst);
}

/* stopped - collective: whether any rank met a failure of the file system. */
static int stopped(struct copy *c)
{
	c->fatal = tool_any(c->t, c->fatal);
	return c->fatal;
}

/* create_mode - permissions entry @e is created with: @need (what the copy needs), plus its
 * own when the destination takes them. */
static mode_t create_mode(const struct copy *c, const struct tool_entry *e, mode_t need)
{
	return c->ops->own_modes ? (e->mode & 07777) | need : need;
}

/* ---- operations in flight ------------------------------------------------------------------- */

/*
 * A rank keeps up to WINDOW operations of one kind started (the ops' *_start) and ends the
 * oldest when it needs a slot, so the metadata servers always have work queued instead of one
 * request per rank at a time: directories of a level (dst_mkdir_start), small files put whole
 * (dst_put_start) or got whole (src_get_start).
 */
#define WINDOW  32
#define GET_MAX (256 * 1024) /* files got whole in flight are smaller than this */

struct slot {
	void *h;
	char *path; /* the destination's (mkdir, put) or the source's (get) */
	const struct tool_entry *e;
	size_t i;      /* the file's index in the plan */
	uint64_t size; /* bytes it carries */
	void *buf;     /* a get's bytes */
};

struct window {
	struct slot s[WINDOW];
	unsigned head, n;
	/* end slot @s of copy @c: count it, or report it (and fail its file in @w->f, or set
	 * @w->failed) */
	void (*end)(struct copy *c, struct window *w, struct slot *s);
	struct tool_files *f; /* the plan of the files in flight */
	int failed;           /* a directory in flight failed */
};

/* win_end - end the oldest operation of @w. */
static void win_end(struct copy *c, struct window *w)
{
	struct slot *s = &w->s[w->head];

	w->head = (w->head + 1) % WINDOW;
	w->n--;
	w->end(c, w, s);
	free(s->path);
	free(s->buf);
}

/* win_slot - a free slot of @w (the oldest ended when all are busy), to fill and win_add. */
static struct slot *win_slot(struct copy *c, struct window *w)
{
	if (w->n == WINDOW)
		win_end(c, w);
	return &w->s[(w->head + w->n) % WINDOW];
}

static void win_add(struct window *w)
{
	w->n++;
}

/* win_drain - end every operation of @w. */
static void win_drain(struct copy *c, struct window *w)
{
	while (w->n)
		win_end(c, w);
}

/* ---- directories ----------------------------------------------------------------------------- */

/* mkdir_end - a directory made in flight: counted, or reported. */
static void mkdir_end(struct copy *c, struct window *w, struct slot *s)
{
	int rc = (int)c->ops->end(s->h);

	if (rc < 0) {
		report_dst(c, s->path, rc);
		w->failed = 1;
	} else {
		c->cnt.dirs++;
	}
}

/* make_dir - directory @e of this rank: made (in flight in @w where the destination can), or
 * -1 (reported). */
static int make_dir(struct copy *c, struct window *w, const struct tool_entry *e)
{
	char *path = tool_join(c->dst, e->rel);
	mode_t mode = create_mode(c, e, S_IRWXU);
	void *h = NULL;
	int rc;

	if (c->ops->dst_mkdir_start) {
		struct slot *s = win_slot(c, w);
		rc = c->ops->dst_mkdir_start(path, mode, &h);
		if (rc == 0) {
			*s = (struct slot){h, path, e, 0, 0, NULL};
			win_add(w);
			return 0;
		}
	} else if ((rc = c->ops->dst_mkdir(path, mode)) == 0) {
		c->cnt.dirs++;
	}
	if (rc < 0)
		report_dst(c, path, rc);
	free(path);
	return rc < 0 ? -1 : 0;
}

/* make_dirs - create directories level by level; 0, or -1 when any failed (agreed). */
static int make_dirs(struct copy *c, const size_t *dirs, size_t ndirs)
{
	struct window w = {.n = 0, .end = mkdir_end};
	size_t i = 0;

	while (i < ndirs) {
		int depth = c->ent[dirs[i]].depth;
		size_t k;

		w.failed = 0;
		for (k = 0; i < ndirs && c->ent[dirs[i]].depth == depth; i++, k++)
			if (is_mine(c, k) && !c->fatal && make_dir(c, &w, &c->ent[dirs[i]]) < 0)
				w.failed = 1;
		win_drain(c, &w);
		if (tool_any(c->t, w.failed))
			return -1;
	}
	return 0;
}

/* set_attrs - final mode (when @set_mode) and times (when @set_times) of one destination
 * entry. */
static void set_attrs(struct copy *c, const struct tool_entry *e, int set_mode, int set_times)
{
	struct timespec ts[2] = {e->atime, e->mtime};
	char *path = tool_join(c->dst, e->rel);
	int rc = 0;

	if (set_mode)
		rc = c->ops->dst_chmod(path, e->mode & 07777);
	if (rc == 0 && set_times)
		rc = c->ops->dst_utimens(path, ts);
	if (rc < 0)
		report_dst(c, path, rc);
	free(path);
}

/* finish_dirs - modes and times of directories, deepest first. */
static void finish_dirs(struct copy *c, const size_t *dirs, size_t ndirs)
{
	size_t i;

	for (i = ndirs; i-- > 0 && !c->fatal;)
		if (is_mine(c, i))
			set_attrs(c, &c->ent[dirs[i]], 1, 1);
}

/* ---- files ----------------------------------------------------------------------------------- */

/* copy_range - copy @len bytes at @off from source @sfd to destination @dfd (less when the
 * source ends first). 0 or -1 (reported). */
static int copy_range(struct copy *c, int sfd, int dfd, uint64_t off, uint64_t len,
                      const char *spath, const char *dpath)
{
	if (c->ops->src_advise)
		c->ops->src_advise(sfd, off, len);
	while (len > 0) {
		size_t want = len < c->buflen ? (size_t)len : c->buflen;
		ssize_t r = c->ops->src_read(sfd, c->buf, want, off);
		int rc;

		if (r < 0) {
			report_src(c, spath, (int)r);
			return -1;
		}
		if (r == 0)
			break; /* the file shrank while we copied it, or ends as published */
		rc = c->ops->dst_write(dfd, c->buf, (size_t)r, off);
		if (rc < 0) {
			report_dst(c, dpath, rc);
			return -1;
		}
		off += (uint64_t)r;
		len -= (uint64_t)r;
		c->cnt.bytes += (uint64_t)r;
		tool_progress_update(&c->prog, c->items_done, c->cnt.bytes);
	}
	return 0;
}

/* close_dst - close a destination descriptor, its error reported. 0 or -1. */
static int close_dst(struct copy *c, int fd, const char *path)
{
	int rc = c->ops->dst_close(fd);

	if (rc < 0) {
		report_dst(c, path, rc);
		return -1;
	}
	return 0;
}

/* read_whole - the bytes of source file @spath (listed as @e) into the copy buffer: how many
 * (fewer when it shrank), or -1 (reported). */
static ssize_t read_whole(struct copy *c, const struct tool_entry *e, const char *spath)
{
	size_t got = 0;
	int sfd = c->ops->src_open(c, spath, 1);

	if (sfd < 0) {
		report_src(c, spath, sfd);
		return -1;
	}
	while (got < e->size) {
		ssize_t r = c->ops->src_read(sfd, (char *)c->buf + got, e->size - got, got);
		if (r < 0) {
			report_src(c, spath, (int)r);
			c->ops->src_close(sfd);
			return -1;
		}
		if (r == 0)
			break; /* the file shrank while we copied it */
		got += (size_t)r;
	}
	c->ops->src_close(sfd);
	return (ssize_t)got;
}

/* put_file - phase 1 for a file that fits the buffer, where the destination takes a whole file
 * at once (dst_put): read it, then one call. Return 0, or -1 when it could not be copied
 * (reported). */
static int put_file(struct copy *c, const struct tool_entry *e, const char *spath,
                    const char *dpath)
{
	struct timespec ts[2] = {e->atime, e->mtime};
	ssize_t got = read_whole(c, e, spath);
	int rc;

	if (got < 0)
		return -1;
	rc = c->ops->dst_put(c, dpath, create_mode(c, e, S_IRUSR | S_IWUSR), c->buf, (size_t)got,
	                     ts);
	if (rc < 0) {
		report_dst(c, dpath, rc);
		return -1;
	}
	c->cnt.bytes += (uint64_t)got;
	c->cnt.files++;
	return 0;
}

/* put_end - a put in flight ended: counted, or reported and its file failed. */
static void put_end(struct copy *c, struct window *w, struct slot *p)
{
	int rc = (int)c->ops->end(p->h);

	if (rc == -E2BIG) { /* the destination wants it the long way after all */
		char *spath = tool_join(c->src, p->e->rel);
		rc = put_file(c, p->e, spath, p->path) < 0 ? -1 : 0;
		free(spath);
		if (rc)
			w->f->failed[p->i] = 1;
	} else if (rc < 0) {
		report_dst(c, p->path, rc);
		w->f->failed[p->i] = 1;
		c->status = 1;
	} else {
		c->cnt.bytes += p->size;
		c->cnt.files++;
		tool_progress_update(&c->prog, c->items_done, c->cnt.bytes);
	}
}

/* put_start - phase 1 for small file @i (@e), started without waiting. */
static void put_start(struct copy *c, struct window *w, size_t i, const struct tool_entry *e)
{
	struct timespec ts[2] = {e->atime, e->mtime};
	char *spath = tool_join(c->src, e->rel), *dpath = tool_join(c->dst, e->rel);
	struct slot *p = win_slot(c, w);
	ssize_t got = read_whole(c, e, spath); /* (a failure is reported) */
	void *h = NULL;
	int rc;

	rc = got < 0 ? -1
	             : c->ops->dst_put_start(c, dpath, create_mode(c, e, S_IRUSR | S_IWUSR), c->buf,
	                                     (size_t)got, ts, &h);
	if (rc < 0 && got >= 0)
		report_dst(c, dpath, rc);
	if (rc < 0) {
		w->f->failed[i] = 1;
		c->status = 1;
		free(dpath);
	} else {
		*p = (struct slot){h, dpath, e, i, (uint64_t)got, NULL};
		win_add(w);
	}
	c->items_done++;
	free(spath);
}

/* create_file - phase 1 for one file: create it (marked incomplete where the destination has
 * the mark), and copy it unless it is split (then size it where the destination wants that);
 * a file copied whole loses the mark with its close, once its bytes and times are in. @bytes:
 * its @got bytes, got whole already (src_get_start), or NULL. Return 0, or -1 when the file
 * could not be created (reported). */
static int create_file(struct copy *c, const struct tool_entry *e, int big, const void *bytes,
                       ssize_t got)
{
	char *spath = tool_join(c->src, e->rel), *dpath = tool_join(c->dst, e->rel);
	uint64_t whole = c->ops->to_eof ? UINT64_MAX : e->size;
	int sfd = -1, dfd, rc = -1;

	if (!bytes)
		got = -1; /* bytes of the whole file read ahead (src_get) */
	if (!big && c->ops->dst_put && !c->ops->to_eof && e->size <= c->buflen) {
		rc = put_file(c, e, spath, dpath) < 0 ? -1 : 0;
		goto out;
	}
	if (!bytes && !big && c->ops->src_get && e->size < c->buflen) {
		bytes = c->buf;
		got = c->ops->src_get(spath, c->buf, c->buflen);
		if (got < 0) {
			report_src(c, spath, (int)got);
			goto out;
		}
		if ((size_t)got == c->buflen)
			got = -1; /* it grew past the buffer: copied the usual way */
	}
	if (got < 0 && (sfd = c->ops->src_open(c, spath, 1)) < 0) {
		report_src(c, spath, sfd);
		goto out;
	}
	dfd = c->ops->dst_create(c, dpath, create_mode(c, e, S_IRUSR | S_IWUSR));
	if (dfd < 0) {
		report_dst(c, dpath, dfd);
		if (sfd >= 0)
			c->ops->src_close(sfd);
		goto out;
	}
	rc = big && c->ops->dst_truncate ? c->ops->dst_truncate(dfd, e->size) : 0;
	if (rc < 0) {
		report_dst(c, dpath, rc);
		rc = -1;
	} else if (got >= 0) {
		rc = got ? c->ops->dst_write(dfd, bytes, (size_t)got, 0) : 0;
		if (rc < 0) {
			report_dst(c, dpath, rc);
			rc = 1;
		} else {
			c->cnt.bytes += (uint64_t)got;
		}
	} else if (!big && copy_range(c, sfd, dfd, 0, whole, spath, dpath) < 0) {
		rc = 1; /* created, but its data is incomplete */
	}
	if (rc >= 0 && !big && c->ops->dst_futimens) {
		struct timespec ts[2] = {e->atime, e->mtime};
		int trc = c->ops->dst_futimens(dfd, ts);
		if (trc < 0) {
			report_dst(c, dpath, trc);
			rc = rc ? rc : 1;
		}
	}
	if (rc == 0 && !big && c->ops->dst_complete_fd) {
		int crc = c->ops->dst_complete_fd(dfd);
		if (crc < 0) {
			report_dst(c, dpath, crc);
			rc = 1;
		}
	}
	if (close_dst(c, dfd, dpath) < 0 && rc == 0)
		rc = 1;
	if (sfd >= 0)
		c->ops->src_close(sfd);
	if (rc == 0 && !big)
		c->cnt.files++; /* a split file counts once all its ranges are in */
out:
	if (rc)
		c->status = 1;
	c->items_done++;
	tool_progress_update(&c->prog, c->items_done, c->cnt.bytes);
	free(spath);
	free(dpath);
	return rc < 0 ? -1 : 0;
}

/* get_end - a get in flight ended: the file created with its bytes, or the usual way when it
 * grew past what was asked; or reported and failed. */
static void get_end(struct copy *c, struct window *w, struct slot *g)
{
	ssize_t got = c->ops->end(g->h);
	int rc;

	if (got < 0) {
		report_src(c, g->path, (int)got);
		c->status = 1;
		c->items_done++;
		rc = -1;
	} else if ((uint64_t)got > g->e->size) {
		rc = create_file(c, g->e, 0, NULL, 0); /* it grew: copied the usual way */
	} else {
		rc = create_file(c, g->e, 0, g->buf, got);
	}
	if (rc < 0)
		w->f->failed[g->i] = 1;
}

/* get_start - phase 1 for small file @i (@e) of a source that gets files whole: started
 * without waiting, one byte more than listed asked (to see one that grew). */
static void get_start(struct copy *c, struct window *w, size_t i, const struct tool_entry *e)
{
	struct slot *g = win_slot(c, w);
	char *spath = tool_join(c->src, e->rel);
	void *buf = malloc((size_t)e->size + 1), *h = NULL;
	int rc = buf ? c->ops->src_get_start(spath, buf, (size_t)e->size + 1, &h) : -ENOMEM;

	if (rc < 0) {
		report_src(c, spath, rc);
		w->f->failed[i] = 1;
		c->status = 1;
		c->items_done++;
		free(spath);
		free(buf);
		return;
	}
	*g = (struct slot){h, spath, e, i, e->size, buf};
	win_add(w);
}

/* copy_piece - phase 2: one range of a split file. 0, or -1 (reported). */
static int copy_piece(struct copy *c, const struct tool_entry *e, const struct tool_range *r)
{
	char *spath = tool_join(c->src, e->rel), *dpath = tool_join(c->dst, e->rel);
	int sfd = c->ops->src_open(c, spath, 0), dfd, rc = -1;

	if (sfd < 0) {
		report_src(c, spath, sfd);
		goto out;
	}
	dfd = c->ops->dst_open(dpath);
	if (dfd < 0) {
		report_dst(c, dpath, dfd);
	} else {
		rc = copy_range(c, sfd, dfd, r->off, r->len, spath, dpath);
		if (close_dst(c, dfd, dpath) < 0)
			rc = -1;
	}
	c->ops->src_close(sfd);
out:
	if (rc < 0)
		c->status = 1;
	free(spath);
	free(dpath);
	return rc;
}

/* make_link - one symbolic link, its target from the list or read from the source. */
static void make_link(struct copy *c, const struct tool_entry *e)
{
	char *spath = tool_join(c->src, e->rel), *dpath = tool_join(c->dst, e->rel);
	char buf[BENCHFS_PATH_MAX + 1];
	const char *target = e->target;
	ssize_t n = 0;
	int rc;

	if (c->ops->src_readlink) {
		n = c->ops->src_readlink(spath, buf, sizeof(buf) - 1);
		buf[n < 0 ? 0 : n] = '\0';
		target = buf;
	}
	if (n < 0) {
		report_src(c, spath, (int)n);
	} else if ((rc = c->ops->dst_symlink(target, dpath)) < 0) {
		report_dst(c, dpath, rc);
	} else {
		c->cnt.links++;
	}
	c->items_done++;
	free(spath);
	free(dpath);
}

/* make_links - symbolic links, spread round-robin. */
static void make_links(struct copy *c)
{
	size_t i, k = 0;

	for (i = 0; i < c->n && !c->fatal; i++)
		if (S_ISLNK(c->ent[i].mode) && is_mine(c, k++))
			make_link(c, &c->ent[i]);
}

/* copy_files - phase 1 (create, small files, links), phase 2 (ranges of big files); a split
 * file with a range that failed anywhere is failed on every rank afterwards. */
static void copy_files(struct copy *c, struct tool_files *f)
{
	size_t i;

	struct window puts = {.n = 0, .end = put_end, .f = f};
	struct window gets = {.n = 0, .end = get_end, .f = f};

	for (i = 0; i < f->n && !c->fatal; i++) {
		const struct tool_entry *e = &c->ent[f->idx[i]];
		int whole = !f->plan.big[i];

		if (f->plan.owner[i] != c->t->rank)
			continue;
		if (whole && c->ops->dst_put_start && !c->ops->to_eof && e->size <= c->buflen)
			put_start(c, &puts, i, e);
		else if (whole && c->ops->src_get_start && e->size < GET_MAX)
			get_start(c, &gets, i, e);
		else if (create_file(c, e, f->plan.big[i], NULL, 0) < 0)
			f->failed[i] = 1;
	}
	win_drain(c, &puts);
	win_drain(c, &gets);
	make_links(c);
	tool_files_share_failures(c->t, f);
	if (stopped(c))
		return;
	for (i = 0; i < f->plan.nranges && !c->fatal; i++) {
		const struct tool_range *r = &f->plan.ranges[i];

		if (r->rank == c->t->rank && !f->failed[r->file] &&
		    copy_piece(c, &c->ent[f->idx[r->file]], r) < 0)
			f->failed[r->file] = 1;
	}
	tool_files_share_failures(c->t, f);
}

/* file_chmod - whether file or link @e needs its mode set after its copy. */
static int file_chmod(const struct copy *c, const struct tool_entry *e)
{
	if (S_ISLNK(e->mode))
		return 0;
	return !c->ops->own_modes || create_mode(c, e, S_IRUSR | S_IWUSR) != (e->mode & 07777);
}

/* complete_split - a split file whose every range and attribute is in: count it, and clear the
 * incomplete mark where the destination has one. */
static void complete_split(struct copy *c, const struct tool_entry *e)
{
	char *path;
	int rc;

	if (c->ops->dst_complete) {
		path = tool_join(c->dst, e->rel);
		rc = c->ops->dst_complete(path);
		if (rc < 0)
			report_dst(c, path, rc);
		free(path);
		if (rc < 0)
			return;
	}
	c->cnt.files++;
}

/* finish_files - modes and times of the files and links each rank owns. */
static void finish_files(struct copy *c, struct tool_files *f)
{
	size_t i, k = 0;

	for (i = 0; i < f->n; i++) {
		const struct tool_entry *e = &c->ent[f->idx[i]];
		int set_mode = file_chmod(c, e);
		int set_times = f->plan.big[i] || !c->ops->dst_futimens; /* else set before close */

		if (f->plan.owner[i] != c->t->rank || f->failed[i] || c->fatal)
			continue;
		if (set_mode || set_times)
			set_attrs(c, e, set_mode, set_times);
		if (f->plan.big[i])
			complete_split(c, e);
	}
	for (i = 0; i < c->n && !c->fatal; i++)
		if (S_ISLNK(c->ent[i].mode) && is_mine(c, k++))
			set_attrs(c, &c->ent[i], 0, 1);
}

/* copy_run - the copy proper, once every rank has the list. Return the exit status. */
int copy_run(struct copy *c)
{
	struct tool_files f;
	size_t *dirs, ndirs = 0;
	int fatal;

	dirs = tool_dirs_by_depth(c->ent, c->n, &ndirs);
	c->buf = tool_copy_buffer(c->chunk, &c->buflen);
	fatal = tool_any(c->t, !dirs || !c->buf);
	if (!fatal)
		fatal = tool_files_plan(c->t, c->ent, c->n, c->chunk, &f) < 0;
	if (fatal) {
		if (c->t->rank == 0)
			tool_error(c->t, c->dst, -ENOMEM);
		free(dirs);
		free(c->buf);
		c->buf = NULL;
		return 1;
	}
	tool_progress_begin(c->t, &c->prog);
	fatal = make_dirs(c, dirs, ndirs) < 0;
	if (!fatal) {
		copy_files(c, &f);
		if (!stopped(c))
			finish_files(c, &f);
		if (!stopped(c))
			finish_dirs(c, dirs, ndirs);
		stopped(c);
	}
	tool_progress_end(&c->prog);
	if (!c->quiet)
		tool_summary(c->t, &c->cnt, fatal || c->status, c->dst);
	tool_files_free(&f);
	free(dirs);
	free(c->buf);
	c->buf = NULL;
	return fatal ? 1 : c->status;
}
