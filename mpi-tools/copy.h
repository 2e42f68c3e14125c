/*
 * copy.h - the copy driver shared by benchfs-stagein (local -> BenchFS) and benchfs-stageout
 * (BenchFS -> local).
 *
 * A tool lists its source tree into an entry list that every rank holds (SRC's own entry
 * first), fills in a struct copy with that list and a table of operations on its source and
 * destination, and calls copy_run():
 *
 *	struct copy c = {.t = &t, .ops = &my_ops, .src = src, .dst = dst, .chunk = chunk, ...};
 *	status = copy_run(&c);
 *
 * copy_run() does the phases of "cp -a SRC DST" in parallel: directories level by level;
 * regular files balanced over the ranks by size (large ones in chunk-aligned ranges copied by
 * several ranks) and symlinks round-robin; then modes and times of files and links; then those
 * of directories, deepest first; and the summary line.
 *
 * Every operation returns a negative errno value on failure; the driver reports it with the
 * path it was given (the source path for source operations, the destination path otherwise).
 */
#ifndef BENCHFS_COPY_H
#define BENCHFS_COPY_H

#include "tool.h"

struct copy;

/** What a copy does on its source and its destination (each side has its own descriptors). */
struct copy_ops {
	/** open source file @path for reading: a descriptor; @first for the open that creates the
	 *  copy (0 for the later opens of ranges of a split file) */
	int (*src_open)(struct copy *c, const char *path, int first);
	/** read up to @n bytes at @off: bytes read, 0 at end of file */
	ssize_t (*src_read)(int fd, void *buf, size_t n, uint64_t off);
	/** read source file @path whole, up to @n bytes, into @buf in one call: bytes read (@n:
	 *  there may be more); or NULL */
	ssize_t (*src_get)(const char *path, void *buf, size_t n);
	/** src_get without waiting: start it, a handle in *@h (@buf must stay until end), or
	 *  NULL: 0 */
	int (*src_get_start)(const char *path, void *buf, size_t n, void **h);
	/** close a source descriptor (its result is not looked at) */
	void (*src_close)(int fd);
	/** announce a sequential read of @len bytes at @off, or NULL */
	void (*src_advise)(int fd, uint64_t off, uint64_t len);
	/** target of source symlink @path into @buf (at most @size bytes, no NUL): its length; or
	 *  NULL when the entry list carries the targets (tool_entry.target) */
	ssize_t (*src_readlink)(const char *path, char *buf, size_t size);

	/** make directory @path with permissions @mode: 0 */
	int (*dst_mkdir)(const char *path, mode_t mode);
	/** dst_mkdir without waiting: start it, a handle in *@h; or NULL: 0 */
	int (*dst_mkdir_start)(const char *path, mode_t mode, void **h);
	/** create new file @path for writing, with permissions @mode: a descriptor */
	int (*dst_create)(struct copy *c, const char *path, mode_t mode);
	/** create new file @path with permissions @mode holding the @n bytes of @buf and times
	 *  @ts, all at once (whole or not at all where it fits the destination's small-file
	 *  path), or NULL: 0 */
	int (*dst_put)(struct copy *c, const char *path, mode_t mode, const void *buf, size_t n,
	               const struct timespec ts[2]);
	/** dst_put without waiting: start it and give a handle in *@h (the bytes are copied: @buf
	 *  may be reused at once), or NULL: 0 */
	int (*dst_put_start)(struct copy *c, const char *path, mode_t mode, const void *buf,
	                     size_t n, const struct timespec ts[2], void **h);
	/** wait for a started operation (src_get_start, dst_mkdir_start, dst_put_start) @h: its
	 *  result (a put's -E2BIG: do it with dst_put) */
	ssize_t (*end)(void *h);
	/** open existing file @path for writing: a descriptor */
	int (*dst_open)(const char *path);
	/** write all @n bytes at @off: 0 */
	int (*dst_write)(int fd, const void *buf, size_t n, uint64_t off);
	/** set the size of a new split file to @size before its ranges are written, or NULL: 0 */
	int (*dst_truncate)(int fd, uint64_t size);
	/** close a destination descriptor: 0 (late write errors show here) */
	int (*dst_close)(int fd);
	/** make symlink @path pointing to @target: 0 */
	int (*dst_symlink)(const char *target, const char *path);
	/** set the permissions of @path (not a symlink): 0 */
	int (*dst_chmod)(const char *path, mode_t mode);
	/** set the access and modification times of @path, not following a symlink: 0 */
	int (*dst_utimens)(const char *path, const struct timespec ts[2]);
	/** set the times of the open destination file @fd, to hold after its close (saves the
	 *  later dst_utimens of a file copied whole), or NULL: 0 */
	int (*dst_futimens)(int fd, const struct timespec ts[2]);
	/** the open destination file @fd has all its bytes: clear the incomplete mark that
	 *  dst_create set, at its close; or NULL (a destination without the mark): 0 */
	int (*dst_complete_fd)(int fd);
	/** clear the incomplete mark of destination file @path (a split file, once every range
	 *  and attribute is in), or NULL: 0 */
	int (*dst_complete)(const char *path);

	/** 1: entries are created with their own permissions (plus the owner access the copy
	 *  needs) and get exactly these (no umask), so a file needing nothing added is not
	 *  chmod'ed afterwards; 0: created with owner access only, every mode set at the end */
	int own_modes;
	/** 1: a file copied whole is read to the end of file the source reports; 0: its listed
	 *  size is copied */
	int to_eof;
	/** which side is BenchFS: 1 the destination (stage-in), 0 the source (stage-out). Its
	 *  failures (-EIO, -ETIMEDOUT, -ENOTCONN, -ESHUTDOWN: the file system went away) stop the
	 *  copy at the first one instead of failing every file that follows */
	int bfs_dst;
};

/** One copy: filled in by the tool, then run by copy_run(). */
struct copy {
	struct tool *t;
	const struct copy_ops *ops;
	void *arg;              /**< the tool's own state, for its operations */
	const char *src;        /**< root of the source (entry paths are relative to it) */
	const char *dst;        /**< root of the destination */
	uint64_t chunk;         /**< chunk size used to cut large files into ranges */
	int quiet;              /**< no summary line */
	struct tool_entry *ent; /**< the whole tree, the same on every rank */
	size_t n;
	int status;             /**< 1 once a non-fatal error was reported (may be set before) */
	int fatal;              /**< this rank met a failure of the file system: stop */
	struct tool_counts cnt; /**< this rank's counters (skipped may be set before) */
	/* private to copy.c */
	struct tool_progress prog;
	uint64_t items_done;
	void *buf;
	size_t buflen;
};

/**
 * copy_run - collective: copy the tree of @c->ent from @c->src to @c->dst. Return the exit
 * status of this rank: 1 when the copy could not be done, else @c->status.
 */
int copy_run(struct copy *c);

#endif /* BENCHFS_COPY_H */
