/*
 * posix.h - libbenchfs-posix.so, the interposition library that puts BenchFS under a mount
 * prefix for unmodified dynamically linked programs (LD_PRELOAD; man benchfs-posix(7)).
 *
 * What the wrapper files share:
 *  - the real libc functions, found with dlsym(RTLD_NEXT) on first use (BFSP_REAL);
 *  - the per-thread re-entrancy guard: while a thread is inside BenchFS (the client library,
 *    UCX, LMDB, their logging), every wrapper it reaches goes straight to libc;
 *  - path resolution: a path (with a directory descriptor for the *at calls) is either a
 *    BenchFS path (normalized, relative to the file system's root) or left to libc as it was;
 *  - the descriptor table: every BenchFS descriptor the program sees is a real kernel
 *    descriptor (an O_PATH one of "/", close-on-exec) reserved for it, so that its number never
 *    collides with the program's, MPI's or UCX's own; the table maps that number to the open
 *    BenchFS file. Descriptors made by dup share one entry (offset and status flags), as dup'd
 *    descriptors share one open file description in POSIX.
 *  - attaching: lazily, at the first BenchFS path or descriptor: to the in-job servers of
 *    benchfs-run (attached already by MPI_Init, see src/run/core.c) or to the servers of the
 *    address file $BENCHFS_ADDR. After fork() the child forgets its parent's connections
 *    (they belong to the parent) and attaches again on first use.
 */
#ifndef BFSP_POSIX_H
#define BFSP_POSIX_H

#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "benchfs.h"

#define BFSP_HIDDEN __attribute__((visibility("hidden")))
#define BFSP_EXPORT __attribute__((visibility("default")))

/* ---- real functions ---- */

void *bfsp_dlsym(const char *name) BFSP_HIDDEN;

/* BFSP_REAL(name): declares real_name, the next definition of @name (libc's) */
#define BFSP_REAL(name)                                                                            \
	static __typeof__(&name) real_##name;                                                      \
	if (__builtin_expect(!real_##name, 0))                                                     \
	real_##name = (__typeof__(&name))bfsp_dlsym(#name)

/* ---- start ---- */

/** 1 once the library's constructor has run */
extern int bfsp_started BFSP_HIDDEN;

/** BFSP_EARLY - a wrapper the sanitizer runtimes may call while they start: not instrumented */
#define BFSP_EARLY __attribute__((no_sanitize("address", "undefined")))

/* ---- re-entrancy guard ---- */

extern __thread int bfsp_inside BFSP_HIDDEN;

/** IN(call) - @call into libbenchfs with the guard up; its value */
#define IN(call)                                                                                   \
	({                                                                                         \
		bfsp_inside++;                                                                     \
		__typeof__(call) _r = (call);                                                      \
		bfsp_inside--;                                                                     \
		_r;                                                                                \
	})

/* ---- paths ---- */

/** A resolved BenchFS path: normalized, relative to the BenchFS root ("/" ... ). */
struct bfsp_path {
	char p[BENCHFS_PATH_MAX + 1];
	int len;
};

/**
 * bfsp_resolve - whether @path, relative to directory descriptor @dirfd (AT_FDCWD: the current
 * directory) is a BenchFS path: under the mount prefix, spelled "benchfs:/...", or relative to a
 * BenchFS directory (descriptor or current directory). Return 1 and @out filled, 0 for a path
 * that is not BenchFS's (libc gets it unchanged), 2 for a path relative to a BenchFS directory
 * whose ".." climb out of the prefix (libc gets the local absolute path in @out->p instead), or
 * -errno (-ENAMETOOLONG, -ENOTDIR for a path relative to a BenchFS descriptor that is not a
 * directory) for a BenchFS path that cannot be resolved.
 */
int bfsp_resolve(int dirfd, const char *path, struct bfsp_path *out) BFSP_HIDDEN;

/** BFSP_LOCAL - the path libc gets for resolution result @r of @path into @P */
#define BFSP_LOCAL(r, path, P) ((r) == 2 ? (P).p : (path))

/** bfsp_local_cwd_changed - a chdir to a local directory succeeded: learn where it is. */
void bfsp_local_cwd_changed(void) BFSP_HIDDEN;

/** bfsp_mount - the mount prefix ("/benchfs" by default), its length in *@len. */
const char *bfsp_mount(size_t *len) BFSP_HIDDEN;

/**
 * bfsp_follow - the final path of @p after following symbolic links in its last component (up
 * to 40 links, as Linux). A link whose target leads out of BenchFS gives 0 and its local path
 * in @local (PATH_MAX bytes). Return 1 (BenchFS path in @p), 0 (local, in @local), or -errno
 * (-ELOOP). Intermediate components are not followed (BenchFS's own rule).
 */
int bfsp_follow(struct bfsp_path *p, char *local) BFSP_HIDDEN;

/* ---- attaching ---- */

/** bfsp_attach - attach to BenchFS if not attached yet. Return 0 or -errno (noted once). */
int bfsp_attach(void) BFSP_HIDDEN;

/* ---- descriptor table ---- */

struct bfsp_file {
	int refs;   /* descriptors (numbers) sharing this entry */
	int bfd;    /* BenchFS descriptor, or -1 (a directory opened O_PATH; after fork) */
	int flags;  /* open(2) flags: access mode and status flags (O_APPEND, O_NONBLOCK) */
	int is_dir; /* a directory: getdents64, fchdir, *at calls relative to it */
	uint64_t reopen_pos;            /* after fork: reopen @path at first use, at this offset */
	struct benchfs_dir *dir;        /* getdents64 stream, opened on first use */
	struct benchfs_dirent *pending; /* an entry read but not yet returned by getdents64 */
	uint64_t dir_pos;               /* entries returned by getdents64 so far */
	char path[];                    /* BenchFS path */
};

/** bfsp_file_get - the entry of descriptor @fd, or NULL (not a BenchFS descriptor). Cheap. */
struct bfsp_file *bfsp_file_get(int fd) BFSP_HIDDEN;

/**
 * bfsp_fd_install - reserve a kernel descriptor (the lowest free one, or one >= @minfd when
 * @minfd >= 0, close-on-exec when @cloexec) for entry @f and install it. Return the number or
 * -errno (-EMFILE).
 */
int bfsp_fd_install(struct bfsp_file *f, int minfd, int cloexec) BFSP_HIDDEN;

/** bfsp_fd_install_at - install @f at number @fd (dup2/dup3: @fd is made a reserved
 *  descriptor, closing whatever it was, BenchFS or not). Return @fd or -errno. */
int bfsp_fd_install_at(struct bfsp_file *f, int fd, int cloexec) BFSP_HIDDEN;

/** bfsp_fd_remove - take @fd out of the table and close its kernel descriptor (unless
 *  @close_kernel is 0: dup2 over it does that); the entry is released when it was the last
 *  descriptor. Return 0, -EBADF, or the BenchFS close error. */
int bfsp_fd_remove(int fd, int close_kernel) BFSP_HIDDEN;

/** bfsp_fd_next - the lowest BenchFS descriptor >= @from (its entry in *@f), or -1. */
int bfsp_fd_next(int from, struct bfsp_file **f) BFSP_HIDDEN;

/** bfsp_fd_adopt - install @f at @fd, a kernel descriptor reserved already (one an exec passed
 *  on). Return @fd or -EBADF. */
int bfsp_fd_adopt(int fd, struct bfsp_file *f) BFSP_HIDDEN;

/** bfsp_exec_adopt - at start: take over the BenchFS descriptors the program that executed this
 *  one passed on (BENCHFS_POSIX_FDS, exec.c). */
void bfsp_exec_adopt(void) BFSP_HIDDEN;

/** bfsp_file_new - a new entry for BenchFS path @p (refs 0). NULL when out of memory. */
struct bfsp_file *bfsp_file_new(const struct bfsp_path *p, int bfd, int flags,
                                int is_dir) BFSP_HIDDEN;

/** bfsp_file_bfd - the BenchFS descriptor of @f, reopening it after a fork. -errno on error. */
int bfsp_file_bfd(struct bfsp_file *f) BFSP_HIDDEN;

/** pthread_atfork handlers of the table: before the fork every file's offset is noted; in the
 *  child every entry is reopened by path at first use, at that offset. */
void bfsp_fork_prepare(void) BFSP_HIDDEN;
void bfsp_fork_parent(void) BFSP_HIDDEN;
void bfsp_fork_child(void) BFSP_HIDDEN;

/** bfsp_umask - the process's umask (tracked by our umask()). */
mode_t bfsp_umask(void) BFSP_HIDDEN;

/** The BenchFS current directory, "" when the current directory is local. */
extern char bfsp_cwd[BENCHFS_PATH_MAX + 1] BFSP_HIDDEN;

/* ---- shared pieces of the wrappers ---- */

/** bfsp_err - set errno to -@rc and return -1 when @rc < 0, else return @rc. */
static inline long bfsp_err(long rc)
{
	extern int *__errno_location(void);
	if (rc < 0) {
		*__errno_location() = (int)-rc;
		return -1;
	}
	return rc;
}

/**
 * bfsp_open - open BenchFS path @p as open(2) would (following a symlink in the last component
 * unless O_NOFOLLOW; directories with O_DIRECTORY or read-only). Return a descriptor or -errno;
 * a symlink leading out of BenchFS is opened locally (@local set, 0 returned with *@is_local).
 */
int bfsp_open(struct bfsp_path *p, int flags, mode_t mode, int *is_local, char *local) BFSP_HIDDEN;

/** bfsp_stat_path - stat(2)/lstat(2) (@follow 0) of BenchFS path @p, st_dev filled. */
int bfsp_stat_path(struct bfsp_path *p, struct stat *st, int follow) BFSP_HIDDEN;

/** bfsp_fstat - fstat(2) of BenchFS entry @f. */
int bfsp_fstat(struct bfsp_file *f, struct stat *st) BFSP_HIDDEN;

/** The st_dev every BenchFS file reports (so that find -xdev and cp see one file system). */
#define BFSP_DEV ((dev_t)0xbfb0)

/** bfsp_note_once - print "benchfs-posix: <message>" on stderr the first time @key is seen. */
void bfsp_note_once(int key, const char *fmt, ...)
    __attribute__((format(printf, 2, 3))) BFSP_HIDDEN;

enum { BFSP_NOTE_ATTACH, BFSP_NOTE_MMAP, BFSP_NOTE_UNSUPPORTED, BFSP_NOTE_MAX };

/** bfsp_std_attach / bfsp_std_detach - descriptor @fd (0, 1 or 2; others are ignored) now names
 *  a BenchFS file / no longer does: stdin, stdout or stderr is swapped for a stream on it and
 *  back (stdio.c). */
void bfsp_std_attach(int fd) BFSP_HIDDEN;
void bfsp_std_detach(int fd) BFSP_HIDDEN;

/** bfsp_dir_is_ours - whether DIR @d was made by our opendir (a BenchFS directory stream). */
int bfsp_dir_is_ours(DIR *d) BFSP_HIDDEN;

#endif
