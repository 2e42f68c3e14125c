/*
 * ns.c - libbenchfs-posix.so: calls on paths: the stat family, access, the namespace
 * (mkdir, unlink, rename, links), attributes by path, the current directory, realpath,
 * statfs (see posix.h).
 *
 * Each wrapper resolves its path (bfsp_resolve): 0 gives libc the call unchanged, 2 gives libc
 * the local absolute path a relative path named from a BenchFS directory came to, 1 makes it a
 * BenchFS call. Calls that follow symbolic links (stat, open, chmod, truncate, chdir, ...)
 * follow them in the last component here (bfsp_follow); a link may lead back to a local path.
 */
#undef _FORTIFY_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <linux/stat.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "posix/posix.h"

/* resolve @path against @dirfd; a BenchFS path (1) also attaches. 0, 1, 2 or -errno. */
static int ours(int dirfd, const char *path, struct bfsp_path *p)
{
	int r = bfsp_resolve(dirfd, path, p);

	if (r == 1) {
		int rc = bfsp_attach();
		if (rc < 0)
			return rc;
	}
	return r;
}

/* ---- stat ---- */

int bfsp_stat_path(struct bfsp_path *p, struct stat *st, int follow)
{
	int rc = IN(benchfs_lstat(p->p, st));

	if (rc == 0 && follow && S_ISLNK(st->st_mode)) { /* one request unless it is a link */
		char local[PATH_MAX];

		rc = bfsp_follow(p, local);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			BFSP_REAL(stat);
			return real_stat(local, st) < 0 ? -errno : 0;
		}
		rc = IN(benchfs_lstat(p->p, st));
	}
	if (rc == 0)
		st->st_dev = BFSP_DEV;
	return rc;
}

BFSP_EXPORT int stat(const char *path, struct stat *st)
{
	BFSP_REAL(stat);
	struct bfsp_path p;
	int r = ours(AT_FDCWD, path, &p);

	if (r == 0 || r == 2)
		return real_stat(BFSP_LOCAL(r, path, p), st);
	if (r < 0)
		return (int)bfsp_err(r);
	return (int)bfsp_err(bfsp_stat_path(&p, st, 1));
}

BFSP_EXPORT int lstat(const char *path, struct stat *st)
{
	BFSP_REAL(lstat);
	struct bfsp_path p;
	int r = ours(AT_FDCWD, path, &p);

	if (r == 0 || r == 2)
		return real_lstat(BFSP_LOCAL(r, path, p), st);
	if (r < 0)
		return (int)bfsp_err(r);
	return (int)bfsp_err(bfsp_stat_path(&p, st, 0));
}

BFSP_EXPORT int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	BFSP_REAL(fstatat);
	struct bfsp_path p;
	int r;

	if (path && !path[0] && (flags & AT_EMPTY_PATH)) {
		struct bfsp_file *f = bfsp_file_get(dirfd);
		if (f)
			return (int)bfsp_err(bfsp_fstat(f, st));
		if (dirfd == AT_FDCWD && bfsp_cwd[0])
			path = ".";
	}
	r = ours(dirfd, path, &p);
	if (r == 0)
		return real_fstatat(dirfd, path, st, flags);
	if (r == 2)
		return real_fstatat(AT_FDCWD, p.p, st, flags);
	if (r < 0)
		return (int)bfsp_err(r);
	return (int)bfsp_err(bfsp_stat_path(&p, st, !(flags & AT_SYMLINK_NOFOLLOW)));
}

BFSP_EXPORT int stat64(const char *path, struct stat64 *st)
{
	return stat(path, (struct stat *)st);
}

BFSP_EXPORT int lstat64(const char *path, struct stat64 *st)
{
	return lstat(path, (struct stat *)st);
}

BFSP_EXPORT int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags)
{
	return fstatat(dirfd, path, (struct stat *)st, flags);
}

/* glibc before 2.33 had programs call these (with a version argument) */
#define XSTAT(name, call, type, ...)                                                               \
	BFSP_EXPORT int name(int ver, __VA_ARGS__);                                                \
	BFSP_EXPORT int name(int ver, __VA_ARGS__)                                                 \
	{                                                                                          \
		(void)ver;                                                                         \
		return call;                                                                       \
	}
XSTAT(__xstat, stat(path, st), struct stat, const char *path, struct stat *st)
XSTAT(__xstat64, stat(path, (struct stat *)st), struct stat64, const char *path, struct stat64 *st)
XSTAT(__lxstat, lstat(path, st), struct stat, const char *path, struct stat *st)
XSTAT(__lxstat64, lstat(path, (struct stat *)st), struct stat64, const char *path,
      struct stat64 *st)
XSTAT(__fxstatat, fstatat(dirfd, path, st, flags), struct stat, int dirfd, const char *path,
      struct stat *st, int flags)
XSTAT(__fxstatat64, fstatat(dirfd, path, (struct stat *)st, flags), struct stat64, int dirfd,
      const char *path, struct stat64 *st, int flags)

static void stat_to_statx(const struct stat *st, struct statx *sx)
{
	memset(sx, 0, sizeof(*sx));
	sx->stx_mask = STATX_BASIC_STATS;
	sx->stx_blksize = (uint32_t)st->st_blksize;
	sx->stx_nlink = (uint32_t)st->st_nlink;
	sx->stx_uid = st->st_uid;
	sx->stx_gid = st->st_gid;
	sx->stx_mode = (uint16_t)st->st_mode;
	sx->stx_ino = st->st_ino;
	sx->stx_size = (uint64_t)st->st_size;
	sx->stx_blocks = (uint64_t)st->st_blocks;
	sx->stx_atime.tv_sec = st->st_atim.tv_sec;
	sx->stx_atime.tv_nsec = (uint32_t)st->st_atim.tv_nsec;
	sx->stx_mtime.tv_sec = st->st_mtim.tv_sec;
	sx->stx_mtime.tv_nsec = (uint32_t)st->st_mtim.tv_nsec;
	sx->stx_ctime.tv_sec = st->st_ctim.tv_sec;
	sx->stx_ctime.tv_nsec = (uint32_t)st->st_ctim.tv_nsec;
	sx->stx_dev_major = major(st->st_dev);
	sx->stx_dev_minor = minor(st->st_dev);
}

BFSP_EXPORT int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *sx)
{
	BFSP_REAL(statx);
	struct bfsp_path p;
	struct stat st;
	int r, rc;

	if (path && !path[0] && (flags & AT_EMPTY_PATH)) {
		struct bfsp_file *f = bfsp_file_get(dirfd);
		if (f) {
			rc = bfsp_fstat(f, &st);
			if (rc == 0)
				stat_to_statx(&st, sx);
			return (int)bfsp_err(rc);
		}
		if (dirfd == AT_FDCWD && bfsp_cwd[0])
			path = ".";
	}
	r = ours(dirfd, path, &p);
	if (r == 0)
		return real_statx(dirfd, path, flags, mask, sx);
	if (r == 2)
		return real_statx(AT_FDCWD, p.p, flags, mask, sx);
	if (r < 0)
		return (int)bfsp_err(r);
	rc = bfsp_stat_path(&p, &st, !(flags & AT_SYMLINK_NOFOLLOW));
	if (rc == 0)
		stat_to_statx(&st, sx);
	return (int)bfsp_err(rc);
}

/* ---- access ---- */

static int access_ours(struct bfsp_path *p, int mode, int flags)
{
	struct stat st;
	int rc = bfsp_stat_path(p, &st, !(flags & AT_SYMLINK_NOFOLLOW));
	uid_t uid = (flags & AT_EACCESS) ? geteuid() : getuid();
	gid_t gid = (flags & AT_EACCESS) ? getegid() : getgid();
	mode_t bits;

	if (rc < 0 || mode == F_OK)
		return rc;
	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (uid == 0) /* root: everything but executing a file nobody may execute */
		return (mode & X_OK) && !S_ISDIR(st.st_mode) && !(st.st_mode & 0111) ? -EACCES : 0;
	bits = uid == st.st_uid   ? (st.st_mode >> 6)
	       : gid == st.st_gid ? (st.st_mode >> 3)
	                          : st.st_mode;
	return ((mode_t)mode & ~bits & 7) ? -EACCES : 0;
}

BFSP_EXPORT int access(const char *path, int mode)
{
	BFSP_REAL(access);
	struct bfsp_path p;
	int r = ours(AT_FDCWD, path, &p);

	if (r == 0 || r == 2)
		return real_access(BFSP_LOCAL(r, path, p), mode);
	if (r < 0)
		return (int)bfsp_err(r);
	return (int)bfsp_err(access_ours(&p, mode, 0));
}

BFSP_EXPORT int faccessat(int dirfd, const char *path, int mode, int flags)
{
	BFSP_REAL(faccessat);
	struct bfsp_path p;
	int r = ours(dirfd, path, &p);

	if (r == 0)
		return real_faccessat(dirfd, path, mode, flags);
	if (r == 2)
		return real_faccessat(AT_FDCWD, p.p, mode, flags);
	if (r < 0)
		return (int)bfsp_err(r);
	return (int)bfsp_err(access_ours(&p, mode, flags));
}

BFSP_EXPORT int euidaccess(const char *path, int mode)
{
	return faccessat(AT_FDCWD, path, mode, AT_EACCESS);
}

BFSP_EXPORT int eaccess(const char *path, int mode)
{
	return faccessat(AT_FDCWD, path, mode, AT_EACCESS);
}

/* ---- namespace ---- */

static int mkdirat_any(int dirfd, const char *path, mode_t mode)
{
	BFSP_REAL(mkdirat);
	struct bfsp_path p;
	int r = ours(dirfd, path, &p);

	if (r == 0)
		return real_mkdirat(dirfd, path, mode);
	if (r == 2)
		return real_mkdirat(AT_FDCWD, p.p, mode);
	if (r < 0)
		return (int)bfsp_err(r);
	if (p.len == 1)
		return (int)bfsp_err(-EEXIST);
	return (int)bfsp_err(IN(benchfs_mkdir(p.p, mode & ~bfsp_umask() & 07777)));
}

/* The sanitizer runtimes call mkdir while they start (the directory of log_path), before any
 * instrumented code may run: these two stay uninstrumented and go straight to libc until this
 * library has started. */
BFSP_EXPORT BFSP_EARLY int mkdirat(int dirfd, const char *path, mode_t mode)
{
	static int (*early)(int, const char *, mode_t);

	if (__builtin_expect(!bfsp_started, 0)) {
		if (!early)
			early = (int (*)(int, const char *, mode_t))dlsym(RTLD_NEXT, "mkdirat");
		return early(dirfd, path, mode);
	}
	return mkdirat_any(dirfd, path, mode);
}

BFSP_EXPORT BFSP_EARLY int mkdir(const char *path, mode_t mode)
{
	return mkdirat(AT_FDCWD, path, mode);
}

BFSP_EXPORT int rmdir(const char *path)
{
	BFSP_REAL(rmdir);
	struct bfsp_path p;
	int r = ours(AT_FDCWD, path, &p);

	if (r == 0 || r == 2)
		return real_rmdir(BFSP_LOCAL(r, path, p));
	if (r < 0)
		return (int)bfsp_err(r);
	return (int)bfsp_err(IN(benchfs_rmdir(p.p)));
}

BFSP_EXPORT int unlinkat(int dirfd, const char *path, int flags)
{
	BFSP_REAL(unlinkat);
	struct bfsp_path p;
	int r = ours(dirfd, path, &p);

	if (r == 0)
		return real_unlinkat(dirfd, path, flags);
	if (r == 2)
		return real_unlinkat(AT_FDCWD, p.p, flags);
	if (r < 0)
		return (int)bfsp_err(r);
	if (flags & ~AT_REMOVEDIR)
		return (int)bfsp_err(-EINVAL);
	if (flags & AT_REMOVEDIR)
		return (int)bfsp_err(IN(benchfs_rmdir(p.p)));
	return (int)bfsp_err(IN(benchfs_unlink(p.p)));
}

BFSP_EXPORT int unlink(const char *path)
{
	return unlinkat(AT_FDCWD, path, 0);
}

BFSP_EXPORT int remove(const char *path)
{
	BFSP_REAL(remove);
	struct bfsp_path p;
	int r = ours(AT_FDCWD, path, &p), rc;

	if (r == 0 || r == 2)
		return real_remove(BFSP_LOCAL(r, path, p));
	if (r < 0)
		return (int)bfsp_err(r);
	rc = IN(benchfs_unlink(p.p));
	if (rc == -EISDIR)
		rc = IN(benchfs_rmdir(p.p));
	return (int)bfsp_err(rc);
}

/* The dirfd libc gets with BFSP_LOCAL's path: AT_FDCWD when the resolution made it absolute */
#define LOCAL_DIRFD(r, dirfd) ((r) == 2 ? AT_FDCWD : (dirfd))

/* The two paths of rename and link, resolved (ours) into @o/@ro and @n/@rn: 0 when both are
 * local (libc's call takes them, BFSP_LOCAL and LOCAL_DIRFD), 1 when both are BenchFS's,
 * -EXDEV when they are on either side of the prefix, or a resolution's negative errno. */
static int two_paths(int odirfd, const char *opath, struct bfsp_path *o, int *ro, int ndirfd,
                     const char *npath, struct bfsp_path *n, int *rn)
{
	*ro = ours(odirfd, opath, o);
	*rn = ours(ndirfd, npath, n);
	if (*ro < 0)
		return *ro;
	if (*rn < 0)
		return *rn;
	if (*ro != 1 && *rn != 1)
		return 0;
	return *ro == *rn ? 1 : -EXDEV;
}

BFSP_EXPORT int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
                          unsigned int flags)
{
	BFSP_REAL(renameat2);
	struct bfsp_path o, n;
	struct stat st;
	int ro, rn, r = two_paths(olddirfd, oldpath, &o, &ro, newdirfd, newpath, &n, &rn);

	if (r == 0)
		return real_renameat2(LOCAL_DIRFD(ro, olddirfd), BFSP_LOCAL(ro, oldpath, o),
		                      LOCAL_DIRFD(rn, newdirfd), BFSP_LOCAL(rn, newpath, n), flags);
	if (r < 0)
		return (int)bfsp_err(r); /* EXDEV across the prefix: mv copies then */
	if (flags & ~RENAME_NOREPLACE)
		return (int)bfsp_err(-EINVAL);
	if ((flags & RENAME_NOREPLACE) && IN(benchfs_lstat(n.p, &st)) == 0)
		return (int)bfsp_err(-EEXIST);
	if (o.len == n.len && !strcmp(o.p, n.p)) /* POSIX: nothing to do; it must exist */
		return (int)bfsp_err(IN(benchfs_lstat(o.p, &st)));
	return (int)bfsp_err(IN(benchfs_rename(o.p, n.p)));
}

BFSP_EXPORT int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
	return renameat2(olddirfd, oldpath, newdirfd, newpath, 0);
}

BFSP_EXPORT int rename(const char *oldpath, const char *newpath)
{
	return renameat2(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

BFSP_EXPORT int linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
                       int flags)
{
	BFSP_REAL(linkat);
	struct bfsp_path o, n;
	struct stat st;
	int ro, rn, r = two_paths(olddirfd, oldpath, &o, &ro, newdirfd, newpath, &n, &rn);

	if (r == 0)
		return real_linkat(LOCAL_DIRFD(ro, olddirfd), BFSP_LOCAL(ro, oldpath, o),
		                   LOCAL_DIRFD(rn, newdirfd), BFSP_LOCAL(rn, newpath, n), flags);
	if (r < 0)
		return (int)bfsp_err(r);
	if (IN(benchfs_lstat(o.p, &st)) < 0)
		return (int)bfsp_err(-ENOENT);
	if (IN(benchfs_lstat(n.p, &st)) == 0)
		return (int)bfsp_err(-EEXIST);
	return (int)bfsp_err(-EPERM); /* no hard links in BenchFS (as vfat: EPERM) */
}

BFSP_EXPORT int link(const char *oldpath, const char *newpath)
{
	return linkat(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

BFSP_EXPORT int symlinkat(const char *target, int dirfd, const char *linkpath)
{
	BFSP_REAL(symlinkat);
	struct bfsp_path p;
	int r = ours(dirfd, linkpath, &p);

	if (r == 0)
		return real_symlinkat(target, dirfd, linkpath);
	if (r == 2)
		return real_symlinkat(target, AT_FDCWD, p.p);
	if (r < 0)
		return (int)bfsp_err(r);
	if (!target || !*target)
		return (int)bfsp_err(-ENOENT);
	return (int)bfsp_err(IN(benchfs_symlink(target, p.p)));
}

BFSP_EXPORT int symlink(const char *target, const char *linkpath)
{
	return symlinkat(target, AT_FDCWD, linkpath);
}

BFSP_EXPORT ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t size)
{
	BFSP_REAL(readlinkat);
	struct bfsp_path p;
	int r = ours(dirfd, path, &p);

	if (r == 0)
		return real_readlinkat(dirfd, path, buf, size);
	if (r == 2)
		return real_readlinkat(AT_FDCWD, p.p, buf, size);
	if (r < 0)
		return bfsp_err(r);
	if (!size)
		return bfsp_err(-EINVAL);
	return bfsp_err(IN(benchfs_readlink(p.p, buf, size)));
}

BFSP_EXPORT ssize_t readlink(const char *path, char *buf, size_t size)
{
	return readlinkat(AT_FDCWD, path, buf, size);
}

BFSP_EXPORT ssize_t __readlink_chk(const char *path, char *buf, size_t size, size_t buflen)
{
	if (size > buflen)
		abort();
	return readlinkat(AT_FDCWD, path, buf, size);
}

BFSP_EXPORT ssize_t __readlinkat_chk(int dirfd, const char *path, char *buf, size_t size,
                                     size_t buflen)
{
	if (size > buflen)
		abort();
	return readlinkat(dirfd, path, buf, size);
}

BFSP_EXPORT int mknodat(int dirfd, const char *path, mode_t mode, dev_t dev)
{
	BFSP_REAL(mknodat);
	struct bfsp_path p;
	int r = ours(dirfd, path, &p), fd;

	if (r == 0)
		return real_mknodat(dirfd, path, mode, dev);
	if (r == 2)
		return real_mknodat(AT_FDCWD, p.p, mode, dev);
	if (r < 0)
		return (int)bfsp_err(r);
	if (!S_ISREG(mode) && (mode & S_IFMT))
		return (int)bfsp_err(-EPERM); /* no devices, fifos or sockets in BenchFS */
	fd = IN(benchfs_open(p.p, O_WRONLY | O_CREAT | O_EXCL, mode & ~bfsp_umask() & 07777));
	if (fd >= 0)
		fd = IN(benchfs_close(fd));
	return (int)bfsp_err(fd);
}

BFSP_EXPORT int mknod(const char *path, mode_t mode, dev_t dev)
{
	return mknodat(AT_FDCWD, path, mode, dev);
}

BFSP_EXPORT int mkfifoat(int dirfd, const char *path, mode_t mode)
{
	return mknodat(dirfd, path, S_IFIFO | (mode & 07777), 0);
}

BFSP_EXPORT int mkfifo(const char *path, mode_t mode)
{
	return mknodat(AT_FDCWD, path, S_IFIFO | (mode & 07777), 0);
}

/* ---- attributes by path ---- */

/* follow @p's last component unless @nofollow; 1 BenchFS, 0 local (in @local), -errno */
static int final(struct bfsp_path *p, int nofollow, char *local)
{
	return nofollow ? 1 : bfsp_follow(p, local);
}

BFSP_EXPORT int fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
	BFSP_REAL(fchmodat);
	BFSP_REAL(chmod);
	struct bfsp_path p;
	char local[PATH_MAX];
	int r = ours(dirfd, path, &p);

	if (r == 0)
		return real_fchmodat(dirfd, path, mode, flags);
	if (r == 2)
		return real_fchmodat(AT_FDCWD, p.p, mode, flags);
	if (r < 0)
		return (int)bfsp_err(r);
	r = final(&p, flags & AT_SYMLINK_NOFOLLOW, local);
	if (r == 0)
		return real_chmod(local, mode);
	if (r < 0)
		return (int)bfsp_err(r);
	return (int)bfsp_err(IN(benchfs_chmod(p.p, mode & 07777)));
}

BFSP_EXPORT int chmod(const char *path, mode_t mode)
{
	return fchmodat(AT_FDCWD, path, mode, 0);
}

BFSP_EXPORT int fchownat(int dirfd, const char *path, uid_t uid, gid_t gid, int flags)
{
	BFSP_REAL(fchownat);
	struct bfsp_path p;
	struct stat st;
	int r, rc;

	if (path && !path[0] && (flags & AT_EMPTY_PATH) && bfsp_file_get(dirfd))
		return fchown(dirfd, uid, gid);
	r = ours(dirfd, path, &p);
	if (r == 0)
		return real_fchownat(dirfd, path, uid, gid, flags);
	if (r == 2)
		return real_fchownat(AT_FDCWD, p.p, uid, gid, flags);
	if (r < 0)
		return (int)bfsp_err(r);
	rc = bfsp_stat_path(&p, &st, !(flags & AT_SYMLINK_NOFOLLOW));
	if (rc < 0)
		return (int)bfsp_err(rc);
	/* owners are recorded at creation and cannot change: only a no-op succeeds */
	if ((uid != (uid_t)-1 && uid != st.st_uid) || (gid != (gid_t)-1 && gid != st.st_gid))
		return (int)bfsp_err(-EPERM);
	return 0;
}

BFSP_EXPORT int chown(const char *path, uid_t uid, gid_t gid)
{
	return fchownat(AT_FDCWD, path, uid, gid, 0);
}

BFSP_EXPORT int lchown(const char *path, uid_t uid, gid_t gid)
{
	return fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

BFSP_EXPORT int utimensat(int dirfd, const char *path, const struct timespec times[2], int flags)
{
	BFSP_REAL(utimensat);
	struct bfsp_path p;
	char local[PATH_MAX];
	int r;

	if (!path) /* Linux: the file of @dirfd */
		return bfsp_file_get(dirfd) ? futimens(dirfd, times)
		                            : real_utimensat(dirfd, path, times, flags);
	r = ours(dirfd, path, &p);
	if (r == 0)
		return real_utimensat(dirfd, path, times, flags);
	if (r == 2)
		return real_utimensat(AT_FDCWD, p.p, times, flags);
	if (r < 0)
		return (int)bfsp_err(r);
	r = final(&p, flags & AT_SYMLINK_NOFOLLOW, local);
	if (r == 0)
		return real_utimensat(AT_FDCWD, local, times, 0);
	if (r < 0)
		return (int)bfsp_err(r);
	return (int)bfsp_err(IN(benchfs_utimens(p.p, times)));
}

static const struct timespec *tv_to_ts(const struct timeval tv[2], struct timespec ts[2])
{
	if (!tv)
		return NULL;
	for (int i = 0; i < 2; i++) {
		ts[i].tv_sec = tv[i].tv_sec;
		ts[i].tv_nsec = tv[i].tv_usec * 1000;
	}
	return ts;
}

BFSP_EXPORT int utimes(const char *path, const struct timeval tv[2])
{
	struct timespec ts[2];
	return utimensat(AT_FDCWD, path, tv_to_ts(tv, ts), 0);
}

BFSP_EXPORT int lutimes(const char *path, const struct timeval tv[2])
{
	struct timespec ts[2];
	return utimensat(AT_FDCWD, path, tv_to_ts(tv, ts), AT_SYMLINK_NOFOLLOW);
}

BFSP_EXPORT int futimesat(int dirfd, const char *path, const struct timeval tv[2])
{
	struct timespec ts[2];
	return utimensat(dirfd, path, tv_to_ts(tv, ts), 0);
}

BFSP_EXPORT int futimes(int fd, const struct timeval tv[2])
{
	BFSP_REAL(futimes);
	struct timespec ts[2];

	if (!bfsp_file_get(fd))
		return real_futimes(fd, tv);
	return futimens(fd, tv_to_ts(tv, ts));
}

BFSP_EXPORT int utime(const char *path, const struct utimbuf *t)
{
	struct timespec ts[2];

	if (t) {
		ts[0].tv_sec = t->actime;
		ts[1].tv_sec = t->modtime;
		ts[0].tv_nsec = ts[1].tv_nsec = 0;
	}
	return utimensat(AT_FDCWD, path, t ? ts : NULL, 0);
}

BFSP_EXPORT int truncate(const char *path, off_t len)
{
	BFSP_REAL(truncate);
	struct bfsp_path p;
	char local[PATH_MAX];
	int r = ours(AT_FDCWD, path, &p);

	if (r == 0 || r == 2)
		return real_truncate(BFSP_LOCAL(r, path, p), len);
	if (r < 0)
		return (int)bfsp_err(r);
	r = bfsp_follow(&p, local);
	if (r == 0)
		return real_truncate(local, len);
	if (r < 0)
		return (int)bfsp_err(r);
	return (int)bfsp_err(IN(benchfs_truncate(p.p, len)));
}

BFSP_EXPORT int truncate64(const char *path, off_t len)
{
	return truncate(path, len);
}

/* ---- current directory ---- */

static int set_cwd(const char *bpath)
{
	if (strlen(bpath) > BENCHFS_PATH_MAX)
		return -ENAMETOOLONG;
	strcpy(bfsp_cwd, bpath);
	/* programs this one executes start there too (when they preload this library) */
	bfsp_inside++;
	setenv("BENCHFS_POSIX_CWD", bpath, 1);
	bfsp_inside--;
	return 0;
}

/* the current directory is a local one (again) */
static void left_benchfs(void)
{
	bfsp_local_cwd_changed();
	if (bfsp_cwd[0]) {
		bfsp_cwd[0] = '\0';
		bfsp_inside++;
		unsetenv("BENCHFS_POSIX_CWD");
		bfsp_inside--;
	}
}

BFSP_EXPORT int chdir(const char *path)
{
	BFSP_REAL(chdir);
	struct bfsp_path p;
	char local[PATH_MAX];
	struct stat st;
	int r = ours(AT_FDCWD, path, &p), rc;

	if (r == 0 || r == 2) {
		rc = real_chdir(BFSP_LOCAL(r, path, p));
		if (rc == 0)
			left_benchfs();
		return rc;
	}
	if (r < 0)
		return (int)bfsp_err(r);
	r = bfsp_follow(&p, local);
	if (r == 0)
		return chdir(local);
	if (r < 0)
		return (int)bfsp_err(r);
	rc = IN(benchfs_lstat(p.p, &st));
	if (rc == 0 && !S_ISDIR(st.st_mode))
		rc = -ENOTDIR;
	if (rc == 0)
		rc = set_cwd(p.p);
	return (int)bfsp_err(rc);
}

BFSP_EXPORT int fchdir(int fd)
{
	BFSP_REAL(fchdir);
	struct bfsp_file *f = bfsp_file_get(fd);
	int rc;

	if (!f) {
		rc = real_fchdir(fd);
		if (rc == 0)
			left_benchfs();
		return rc;
	}
	if (!f->is_dir)
		return (int)bfsp_err(-ENOTDIR);
	return (int)bfsp_err(set_cwd(f->path));
}

/* the local spelling of BenchFS path @bp into @buf (@size bytes) */
static int spell(const char *bp, char *buf, size_t size)
{
	size_t ml;
	const char *m = bfsp_mount(&ml);
	size_t bl = strcmp(bp, "/") ? strlen(bp) : 0;

	if (ml + bl + 1 > size)
		return -ERANGE;
	memcpy(buf, m, ml);
	memcpy(buf + ml, bp, bl);
	buf[ml + bl] = '\0';
	return 0;
}

BFSP_EXPORT char *getcwd(char *buf, size_t size)
{
	BFSP_REAL(getcwd);
	char tmp[PATH_MAX + BENCHFS_PATH_MAX];
	int rc;

	if (!bfsp_cwd[0])
		return real_getcwd(buf, size);
	rc = spell(bfsp_cwd, tmp, sizeof(tmp));
	if (rc == 0 && buf && size == 0)
		rc = -EINVAL;
	if (rc == 0 && buf && strlen(tmp) + 1 > size)
		rc = -ERANGE;
	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	if (!buf) {
		if (size && strlen(tmp) + 1 > size) {
			errno = ERANGE;
			return NULL;
		}
		return strdup(tmp);
	}
	strcpy(buf, tmp);
	return buf;
}

BFSP_EXPORT char *__getcwd_chk(char *buf, size_t size, size_t buflen)
{
	if (size > buflen)
		abort();
	return getcwd(buf, size);
}

BFSP_EXPORT char *get_current_dir_name(void)
{
	BFSP_REAL(get_current_dir_name);

	if (!bfsp_cwd[0])
		return real_get_current_dir_name();
	return getcwd(NULL, 0);
}

BFSP_EXPORT char *realpath(const char *path, char *resolved)
{
	BFSP_REAL(realpath);
	struct bfsp_path p;
	char local[PATH_MAX], out[PATH_MAX];
	struct stat st;
	int r = ours(AT_FDCWD, path, &p), rc;

	if (r == 0 || r == 2)
		return real_realpath(BFSP_LOCAL(r, path, p), resolved);
	if (r < 0) {
		errno = -r;
		return NULL;
	}
	r = bfsp_follow(&p, local);
	if (r == 0)
		return real_realpath(local, resolved);
	rc = r < 0 ? r : IN(benchfs_lstat(p.p, &st));
	if (rc == 0)
		rc = spell(p.p, out, sizeof(out));
	if (rc < 0) {
		errno = rc == -ERANGE ? ENAMETOOLONG : -rc;
		return NULL;
	}
	if (!resolved)
		return strdup(out);
	strcpy(resolved, out);
	return resolved;
}

BFSP_EXPORT char *__realpath_chk(const char *path, char *resolved, size_t reslen)
{
	if (resolved && reslen < PATH_MAX)
		abort();
	return realpath(path, resolved);
}

BFSP_EXPORT char *canonicalize_file_name(const char *path)
{
	return realpath(path, NULL);
}

/* ---- statfs ---- */

#define BFSP_FS_MAGIC 0xbe7cf5 /* f_type of BenchFS (no kernel file system uses it) */
#define BFSP_BSIZE    4096

static int fs_info(struct benchfs_statfs *s)
{
	int rc = bfsp_attach();

	return rc < 0 ? rc : IN(benchfs_statfs(s));
}

static void fill_statfs(const struct benchfs_statfs *s, struct statfs *out)
{
	memset(out, 0, sizeof(*out));
	out->f_type = BFSP_FS_MAGIC;
	out->f_bsize = BFSP_BSIZE;
	out->f_frsize = BFSP_BSIZE;
	out->f_blocks = s->bytes_total / BFSP_BSIZE;
	out->f_bfree = s->bytes_free / BFSP_BSIZE;
	out->f_bavail = s->bytes_avail / BFSP_BSIZE;
	/* inodes: records held, and as many free as there are free blocks (one each at least) */
	out->f_files = s->files + out->f_bavail;
	out->f_ffree = out->f_bavail;
	out->f_namelen = BENCHFS_NAME_MAX;
}

static void fill_statvfs(const struct benchfs_statfs *s, struct statvfs *out)
{
	struct statfs t;

	fill_statfs(s, &t);
	memset(out, 0, sizeof(*out));
	out->f_bsize = BFSP_BSIZE;
	out->f_frsize = BFSP_BSIZE;
	out->f_blocks = t.f_blocks;
	out->f_bfree = t.f_bfree;
	out->f_bavail = t.f_bavail;
	out->f_files = t.f_files;
	out->f_ffree = t.f_ffree;
	out->f_favail = t.f_ffree;
	out->f_fsid = BFSP_FS_MAGIC;
	out->f_namemax = BENCHFS_NAME_MAX;
}

/* the capacity of the file system of BenchFS path @p (which must exist) */
static int fs_info_of(struct bfsp_path *p, struct benchfs_statfs *s)
{
	struct stat st;
	int rc = bfsp_stat_path(p, &st, 1);

	return rc < 0 ? rc : fs_info(s);
}

/* statfs/statvfs (@T the struct, @fill its filler) on a path and on a descriptor */
#define STATFS_PAIR(name, fname, T, fill)                                                          \
	BFSP_EXPORT int name(const char *path, struct T *buf)                                      \
	{                                                                                          \
		BFSP_REAL(name);                                                                   \
		struct benchfs_statfs s;                                                           \
		struct bfsp_path p;                                                                \
		int r = ours(AT_FDCWD, path, &p), rc;                                              \
		if (r == 0 || r == 2)                                                              \
			return real_##name(BFSP_LOCAL(r, path, p), buf);                           \
		rc = r < 0 ? r : fs_info_of(&p, &s);                                               \
		if (rc == 0)                                                                       \
			fill(&s, buf);                                                             \
		return (int)bfsp_err(rc);                                                          \
	}                                                                                          \
	BFSP_EXPORT int fname(int fd, struct T *buf)                                               \
	{                                                                                          \
		BFSP_REAL(fname);                                                                  \
		struct benchfs_statfs s;                                                           \
		int rc;                                                                            \
		if (!bfsp_file_get(fd))                                                            \
			return real_##fname(fd, buf);                                              \
		rc = fs_info(&s);                                                                  \
		if (rc == 0)                                                                       \
			fill(&s, buf);                                                             \
		return (int)bfsp_err(rc);                                                          \
	}
STATFS_PAIR(statfs, fstatfs, statfs, fill_statfs)
STATFS_PAIR(statvfs, fstatvfs, statvfs, fill_statvfs)

_Static_assert(sizeof(struct statfs) == sizeof(struct statfs64), "statfs64 differs");
_Static_assert(sizeof(struct statvfs) == sizeof(struct statvfs64), "statvfs64 differs");

BFSP_EXPORT int statfs64(const char *path, struct statfs64 *buf)
{
	return statfs(path, (struct statfs *)buf);
}

BFSP_EXPORT int fstatfs64(int fd, struct statfs64 *buf)
{
	return fstatfs(fd, (struct statfs *)buf);
}

BFSP_EXPORT int statvfs64(const char *path, struct statvfs64 *buf)
{
	return statvfs(path, (struct statvfs *)buf);
}

BFSP_EXPORT int fstatvfs64(int fd, struct statvfs64 *buf)
{
	return fstatvfs(fd, (struct statvfs *)buf);
}

/* ---- extended attributes: BenchFS keeps none (listing gives none, setting is refused) ---- */

/* 1: BenchFS path that exists (or -errno), 0/2: libc's, local path in @p for 2 */
static int xattr_path(const char *path, struct bfsp_path *p, int follow)
{
	struct stat st;
	int r = ours(AT_FDCWD, path, p), rc;

	if (r != 1)
		return r;
	rc = bfsp_stat_path(p, &st, follow);
	return rc < 0 ? rc : 1;
}

#define XATTR_PATH(name, follow, ret, value, libc_call, ...)                                       \
	BFSP_EXPORT ret name(const char *path, __VA_ARGS__)                                        \
	{                                                                                          \
		BFSP_REAL(name);                                                                   \
		struct bfsp_path p;                                                                \
		int r = xattr_path(path, &p, follow);                                              \
		if (r == 0 || r == 2) {                                                            \
			const char *lp = BFSP_LOCAL(r, path, p);                                   \
			return libc_call;                                                          \
		}                                                                                  \
		return (ret)bfsp_err(r < 0 ? r : (value));                                         \
	}

XATTR_PATH(getxattr, 1, ssize_t, -ENODATA, real_getxattr(lp, n, v, s), const char *n, void *v,
           size_t s)
XATTR_PATH(lgetxattr, 0, ssize_t, -ENODATA, real_lgetxattr(lp, n, v, s), const char *n, void *v,
           size_t s)
XATTR_PATH(listxattr, 1, ssize_t, 0, real_listxattr(lp, l, s), char *l, size_t s)
XATTR_PATH(llistxattr, 0, ssize_t, 0, real_llistxattr(lp, l, s), char *l, size_t s)
XATTR_PATH(setxattr, 1, int, -EOPNOTSUPP, real_setxattr(lp, n, v, s, fl), const char *n,
           const void *v, size_t s, int fl)
XATTR_PATH(lsetxattr, 0, int, -EOPNOTSUPP, real_lsetxattr(lp, n, v, s, fl), const char *n,
           const void *v, size_t s, int fl)
XATTR_PATH(removexattr, 1, int, -ENODATA, real_removexattr(lp, n), const char *n)
XATTR_PATH(lremovexattr, 0, int, -ENODATA, real_lremovexattr(lp, n), const char *n)

BFSP_EXPORT ssize_t fgetxattr(int fd, const char *n, void *v, size_t s)
{
	BFSP_REAL(fgetxattr);
	return bfsp_file_get(fd) ? bfsp_err(-ENODATA) : real_fgetxattr(fd, n, v, s);
}

BFSP_EXPORT ssize_t flistxattr(int fd, char *l, size_t s)
{
	BFSP_REAL(flistxattr);
	return bfsp_file_get(fd) ? 0 : real_flistxattr(fd, l, s);
}

BFSP_EXPORT int fsetxattr(int fd, const char *n, const void *v, size_t s, int fl)
{
	BFSP_REAL(fsetxattr);
	return bfsp_file_get(fd) ? (int)bfsp_err(-EOPNOTSUPP) : real_fsetxattr(fd, n, v, s, fl);
}

BFSP_EXPORT int fremovexattr(int fd, const char *n)
{
	BFSP_REAL(fremovexattr);
	return bfsp_file_get(fd) ? (int)bfsp_err(-ENODATA) : real_fremovexattr(fd, n);
}

/* ---- temporary files: glibc's make them with its internal open ---- */

/* the mkstemp family on a BenchFS template: @suffix bytes after the XXXXXX; a directory when
 * @dir (mkdtemp). Return a descriptor, 0 (mkdtemp done), or -errno. */
static int make_temp(char *tmpl, int suffix, int flags, int dir)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t n = strlen(tmpl);
	char *x;
	uint64_t v;

	if (suffix < 0 || n < 6 + (size_t)suffix || memcmp(tmpl + n - suffix - 6, "XXXXXX", 6))
		return -EINVAL;
	x = tmpl + n - suffix - 6;
	for (int tries = 0; tries < 1000; tries++) {
		struct timespec ts;
		int fd;

		clock_gettime(CLOCK_REALTIME, &ts);
		v = ((uint64_t)ts.tv_nsec << 16) ^ (uint64_t)ts.tv_sec ^
		    ((uint64_t)getpid() << 32) ^ (uint64_t)tries * 0x9e3779b97f4a7c15ull;
		for (int i = 0; i < 6; i++, v /= 62)
			x[i] = set[v % 62];
		if (dir) {
			if (mkdir(tmpl, 0700) == 0)
				return 0;
		} else {
			fd = open(tmpl, O_RDWR | O_CREAT | O_EXCL | (flags & ~O_ACCMODE), 0600);
			if (fd >= 0)
				return fd;
		}
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

#define MKSTEMP(name, params, args, suffix, flags)                                                 \
	BFSP_EXPORT int name params                                                                \
	{                                                                                          \
		BFSP_REAL(name);                                                                   \
		struct bfsp_path p;                                                                \
		if (bfsp_resolve(AT_FDCWD, tmpl, &p) != 1)                                         \
			return real_##name args;                                                   \
		return (int)bfsp_err(make_temp(tmpl, suffix, flags, 0));                           \
	}
MKSTEMP(mkstemp, (char *tmpl), (tmpl), 0, 0)
MKSTEMP(mkstemp64, (char *tmpl), (tmpl), 0, 0)
MKSTEMP(mkostemp, (char *tmpl, int flags), (tmpl, flags), 0, flags)
MKSTEMP(mkostemp64, (char *tmpl, int flags), (tmpl, flags), 0, flags)
MKSTEMP(mkstemps, (char *tmpl, int sfx), (tmpl, sfx), sfx, 0)
MKSTEMP(mkstemps64, (char *tmpl, int sfx), (tmpl, sfx), sfx, 0)
MKSTEMP(mkostemps, (char *tmpl, int sfx, int flags), (tmpl, sfx, flags), sfx, flags)
MKSTEMP(mkostemps64, (char *tmpl, int sfx, int flags), (tmpl, sfx, flags), sfx, flags)

BFSP_EXPORT char *mkdtemp(char *tmpl)
{
	BFSP_REAL(mkdtemp);
	struct bfsp_path p;
	int rc;

	if (bfsp_resolve(AT_FDCWD, tmpl, &p) != 1)
		return real_mkdtemp(tmpl);
	rc = make_temp(tmpl, 0, 0, 1);
	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	return tmpl;
}

/* ---- glob: glibc's reads directories with its internal calls; ours through its hooks ---- */

static void *glob_opendir(const char *path)
{
	return opendir(path);
}

static struct dirent *glob_readdir(void *d)
{
	return readdir(d);
}

static void glob_closedir(void *d)
{
	closedir(d);
}

BFSP_EXPORT int glob(const char *pattern, int flags, int (*errfunc)(const char *, int), glob_t *g)
{
	BFSP_REAL(glob);
	struct bfsp_path p;

	if (!pattern || bfsp_resolve(AT_FDCWD, pattern, &p) == 0 || (flags & GLOB_ALTDIRFUNC))
		return real_glob(pattern, flags, errfunc, g);
	g->gl_opendir = glob_opendir;
	g->gl_readdir = glob_readdir;
	g->gl_closedir = glob_closedir;
	g->gl_stat = stat;
	g->gl_lstat = lstat;
	return real_glob(pattern, flags | GLOB_ALTDIRFUNC, errfunc, g);
}

BFSP_EXPORT int glob64(const char *pattern, int flags, int (*errfunc)(const char *, int),
                       glob64_t *g)
{
	return glob(pattern, flags, errfunc, (glob_t *)g);
}

/* ---- pathconf: glibc's asks statfs internally ---- */

static long conf(int name)
{
	switch (name) {
	case _PC_NAME_MAX:
		return BENCHFS_NAME_MAX;
	case _PC_PATH_MAX:
		return BENCHFS_PATH_MAX + 1;
	case _PC_LINK_MAX:
		return 1;
	case _PC_FILESIZEBITS:
		return 45;
	case _PC_SYMLINK_MAX:
		return BENCHFS_PATH_MAX;
	case _PC_NO_TRUNC:
	case _PC_CHOWN_RESTRICTED:
		return 1;
	case _PC_PIPE_BUF:
	case _PC_REC_XFER_ALIGN:
	case _PC_ALLOC_SIZE_MIN:
		return 4096;
	default:
		return -1; /* no limit, errno untouched */
	}
}

BFSP_EXPORT long pathconf(const char *path, int name)
{
	BFSP_REAL(pathconf);
	struct bfsp_path p;
	struct stat st;
	int r = ours(AT_FDCWD, path, &p), rc;

	if (r == 0 || r == 2)
		return real_pathconf(BFSP_LOCAL(r, path, p), name);
	if (r < 0)
		return bfsp_err(r);
	rc = bfsp_stat_path(&p, &st, 1);
	return rc < 0 ? bfsp_err(rc) : conf(name);
}

BFSP_EXPORT long fpathconf(int fd, int name)
{
	BFSP_REAL(fpathconf);

	if (!bfsp_file_get(fd))
		return real_fpathconf(fd, name);
	return conf(name);
}
