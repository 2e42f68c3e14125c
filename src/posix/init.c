/*
 * init.c - libbenchfs-posix.so's start, the re-entrancy guard, path resolution and attaching
 * (see posix.h).
 *
 * Environment: BENCHFS_MOUNT (the mount prefix, default /benchfs), BENCHFS_ADDR (address file
 * of the servers to attach to when the process is not attached already), BENCHFS_POSIX_CWD
 * (a BenchFS directory that is the current directory, passed on to programs this one executes).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/path.h"
#include "common/util.h"
#include "posix/posix.h"

__thread int bfsp_inside __attribute__((tls_model("initial-exec")));
int bfsp_started;

static char mount_prefix[PATH_MAX] = "/benchfs";
static size_t mount_len = 8;

char bfsp_cwd[BENCHFS_PATH_MAX + 1];
static mode_t cur_umask = 022;

mode_t bfsp_umask(void)
{
	return __atomic_load_n(&cur_umask, __ATOMIC_RELAXED);
}

BFSP_EXPORT mode_t umask(mode_t mask)
{
	BFSP_REAL(umask);
	mode_t old = real_umask(mask);

	__atomic_store_n(&cur_umask, mask & 0777, __ATOMIC_RELAXED);
	return old;
}

void *bfsp_dlsym(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	if (!f) {
		static const char msg[] = "benchfs-posix: a libc function is missing: ";
		/* no stdio: we may be inside it */
		if (write(2, msg, sizeof(msg) - 1) < 0 || write(2, name, strlen(name)) < 0 ||
		    write(2, "\n", 1) < 0)
			_exit(127);
		abort();
	}
	return f;
}

const char *bfsp_mount(size_t *len)
{
	*len = mount_len;
	return mount_prefix;
}

void bfsp_note_once(int key, const char *fmt, ...)
{
	static int said[BFSP_NOTE_MAX];
	char line[512];
	va_list ap;
	int n;

	if (key < 0 || key >= BFSP_NOTE_MAX || __atomic_exchange_n(&said[key], 1, __ATOMIC_RELAXED))
		return;
	n = snprintf(line, sizeof(line), "benchfs-posix: ");
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	bfsp_inside++;
	if (write(2, line, (size_t)n) < 0)
		n = 0;
	bfsp_inside--;
}

/* ---- path resolution ---- */

/* @n is a normal local path: the BenchFS path it names under the prefix, if any */
static int under_mount(const char *n, size_t len, struct bfsp_path *out)
{
	if (len < mount_len || memcmp(n, mount_prefix, mount_len) != 0)
		return 0;
	if (len == mount_len) {
		strcpy(out->p, "/");
		out->len = 1;
		return 1;
	}
	if (n[mount_len] != '/')
		return 0;
	out->len = (int)(len - mount_len);
	memcpy(out->p, n + mount_len, (size_t)out->len + 1);
	return 1;
}

/* join @dir (a BenchFS directory) and relative @rel into @out: 1 and the BenchFS path, or 2
 * and a local absolute path when ".." climbs out of the prefix */
static int join(const char *dir, const char *rel, struct bfsp_path *out)
{
	char buf[PATH_MAX + BENCHFS_PATH_MAX + 2], norm[PATH_MAX];
	size_t dl = strlen(dir), rl = strlen(rel);
	int n;

	if (mount_len + dl + rl + 2 > sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, mount_prefix, mount_len);
	memcpy(buf + mount_len, dir, dl);
	buf[mount_len + dl] = '/';
	memcpy(buf + mount_len + dl + 1, rel, rl + 1);
	n = bfs_path_normalize(buf, norm, sizeof(norm));
	if (n < 0)
		return n;
	if (under_mount(norm, (size_t)n, out))
		return out->len > BENCHFS_PATH_MAX ? -ENAMETOOLONG : 1;
	memcpy(out->p, norm, (size_t)n + 1);
	out->len = n;
	return 2;
}

/*
 * Relative paths from local directories. A local current directory (or directory descriptor)
 * above the prefix reaches into it with a relative path ("bfs/x" from /scratch, for the prefix
 * /scratch/bfs; mkdir -p and fts work that way), and any local directory does with "..". The
 * local current directory is known (getcwd at start and after every chdir); a directory
 * descriptor is compared (fstat) with the local ancestors of the prefix, found at start.
 */
static char local_cwd[PATH_MAX];
static struct ancestor {
	dev_t dev;
	ino_t ino;
	char path[PATH_MAX];
} anc[16];
static int nanc;

/* @rel's first component is one of the prefix's, or it climbs: it may reach the prefix */
static int may_reach(const char *rel)
{
	size_t n = strcspn(rel, "/");

	if (strstr(rel, ".."))
		return 1;
	for (const char *m = mount_prefix + 1; *m; m += strcspn(m, "/"), m += *m == '/') {
		size_t c = strcspn(m, "/");
		if (c == n && memcmp(m, rel, n) == 0)
			return 1;
	}
	return 0;
}

/* relative @rel from local directory @dir (absolute): 1 when it lands under the prefix */
static int local_relative(const char *dir, const char *rel, struct bfsp_path *out)
{
	char buf[2 * PATH_MAX], norm[PATH_MAX];
	int n;

	if (!dir[0] || !may_reach(rel))
		return 0;
	if ((size_t)snprintf(buf, sizeof(buf), "%s/%s", dir, rel) >= sizeof(buf))
		return 0;
	n = bfs_path_normalize(buf, norm, sizeof(norm));
	if (n < 0 || !under_mount(norm, (size_t)n, out))
		return 0;
	return out->len > BENCHFS_PATH_MAX ? -ENAMETOOLONG : 1;
}

static int local_dirfd(int dirfd, const char *rel, struct bfsp_path *out)
{
	BFSP_REAL(fstat);
	struct stat st;

	if (!may_reach(rel) || real_fstat(dirfd, &st) < 0)
		return 0;
	for (int i = 0; i < nanc; i++)
		if (anc[i].dev == st.st_dev && anc[i].ino == st.st_ino)
			return local_relative(anc[i].path, rel, out);
	if (strstr(rel, "..")) { /* any directory: where is it? */
		char link[64], dir[PATH_MAX];
		ssize_t l;

		snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
		l = readlink(link, dir, sizeof(dir) - 1);
		if (l <= 0)
			return 0;
		dir[l] = '\0';
		return local_relative(dir, rel, out);
	}
	return 0;
}

void bfsp_local_cwd_changed(void)
{
	BFSP_REAL(getcwd);

	if (!real_getcwd(local_cwd, sizeof(local_cwd)))
		local_cwd[0] = '\0';
}

/* the local directories above the prefix that exist (at start) */
static void find_ancestors(void)
{
	BFSP_REAL(stat);
	char p[PATH_MAX];
	struct stat st;

	nanc = 0;
	for (size_t i = 1; i <= mount_len && nanc < (int)BFS_ARRAY_SIZE(anc); i++) {
		if (i < mount_len && mount_prefix[i] != '/')
			continue;
		/* "/", then each of the prefix's parents */
		memcpy(p, mount_prefix, i == mount_len ? 1 : i);
		p[i == mount_len ? 1 : i] = '\0';
		if (real_stat(p, &st) == 0) {
			anc[nanc].dev = st.st_dev;
			anc[nanc].ino = st.st_ino;
			strcpy(anc[nanc].path, p);
			nanc++;
		}
	}
}

int bfsp_resolve(int dirfd, const char *path, struct bfsp_path *out)
{
	if (!path || bfsp_inside)
		return 0;
	if (path[0] == '/') {
		char norm[PATH_MAX];
		int n;

		/* the common case: clearly not under the prefix */
		if (strncmp(path, mount_prefix, mount_len) != 0 && !strstr(path, "/..") &&
		    path[1] != '/')
			return 0;
		if (!strstr(path, "/.") && !strstr(path, "//")) {
			size_t l = strlen(path);
			while (l > 1 && path[l - 1] == '/')
				l--;
			if (l >= sizeof(norm))
				return 0;
			memcpy(norm, path, l);
			norm[l] = '\0';
			n = (int)l;
		} else {
			n = bfs_path_normalize(path, norm, sizeof(norm));
			if (n < 0)
				return 0; /* not a path BenchFS could hold: libc's */
		}
		if (!under_mount(norm, (size_t)n, out))
			return 0;
		if (out->len > BENCHFS_PATH_MAX)
			return -ENAMETOOLONG;
		return 1;
	}
	if (strncmp(path, "benchfs:", 8) == 0) {
		const char *rest = path + 8;
		int n;

		char buf[BENCHFS_PATH_MAX + 2];

		if (!*rest)
			return -ENOENT;
		if (snprintf(buf, sizeof(buf), "/%s", rest) >= (int)sizeof(buf))
			return -ENAMETOOLONG;
		n = bfs_path_normalize(buf, out->p, sizeof(out->p));
		if (n < 0)
			return n;
		out->len = n;
		return 1;
	}
	if (!path[0])
		return 0; /* "": ENOENT from libc, or AT_EMPTY_PATH (the callers' concern) */
	if (dirfd == AT_FDCWD) {
		if (bfsp_cwd[0])
			return join(bfsp_cwd, path, out);
		return local_relative(local_cwd, path, out);
	}
	struct bfsp_file *f = bfsp_file_get(dirfd);
	if (!f)
		return local_dirfd(dirfd, path, out);
	if (!f->is_dir)
		return -ENOTDIR;
	return join(f->path, path, out);
}

int bfsp_follow(struct bfsp_path *p, char *local)
{
	for (int hops = 0; hops < 40; hops++) {
		char target[BENCHFS_PATH_MAX + 1];
		struct stat st;
		ssize_t n;
		int rc;

		bfsp_inside++;
		rc = benchfs_lstat(p->p, &st);
		bfsp_inside--;
		if (rc < 0 || !S_ISLNK(st.st_mode))
			return 1; /* the caller's call reports what is wrong */
		bfsp_inside++;
		n = benchfs_readlink(p->p, target, sizeof(target) - 1);
		bfsp_inside--;
		if (n < 0)
			return (int)n;
		target[n] = '\0';
		if (target[0] == '/' || strncmp(target, "benchfs:", 8) == 0) {
			struct bfsp_path q;
			int r = bfsp_resolve(AT_FDCWD, target, &q);

			if (r < 0)
				return r;
			if (r == 0) {
				if ((size_t)n >= PATH_MAX)
					return -ENAMETOOLONG;
				memcpy(local, target, (size_t)n + 1);
				return 0;
			}
			*p = q;
		} else {
			char dir[BENCHFS_PATH_MAX + 1];
			size_t dl = bfs_path_parent(p->p, (size_t)p->len);
			int r;

			memcpy(dir, p->p, dl);
			dir[dl] = '\0';
			r = join(dir, target, p);
			if (r < 0)
				return r;
			if (r == 2) { /* climbed out of the prefix */
				memcpy(local, p->p, (size_t)p->len + 1);
				return 0;
			}
		}
	}
	return -ELOOP;
}

/* ---- attaching ---- */

static pthread_mutex_t attach_lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t attached_pid; /* the process that attached (a fork child must attach again) */
static int attached;       /* attached_pid is this process */
static int we_attached;    /* attached by benchfs_init() here: detach at exit */

int bfsp_attach(void)
{
	const char *addr;
	int rc = 0;

	if (__atomic_load_n(&attached, __ATOMIC_ACQUIRE)) /* (a fork child clears it) */
		return 0;
	pthread_mutex_lock(&attach_lock);
	bfsp_inside++;
	if (attached_pid == getpid())
		goto out;
	if (benchfs_server_count() > 0) { /* in the job: benchfs_mpi_start() attached us */
		attached_pid = getpid();
		__atomic_store_n(&attached, 1, __ATOMIC_RELEASE);
		goto out;
	}
	addr = getenv("BENCHFS_ADDR");
	if (!addr || !*addr) {
		bfsp_note_once(BFSP_NOTE_ATTACH,
		               "%s: no BenchFS to reach: set BENCHFS_ADDR to the address file of "
		               "benchfsd, or run under benchfs-run --servers N (in an MPI program, "
		               "BenchFS starts in MPI_Init)",
		               mount_prefix);
		rc = -ENXIO;
		goto out;
	}
	rc = benchfs_init(addr);
	if (rc == -EALREADY)
		rc = 0;
	if (rc < 0) {
		bfsp_note_once(BFSP_NOTE_ATTACH, "cannot attach to the servers of %s: %s", addr,
		               benchfs_strerror(rc));
		/* the address file's trouble is not the path's: "no such device" */
		if (rc != -EIO && rc != -ENOMEM)
			rc = -ENXIO;
		goto out;
	}
	we_attached = 1;
	attached_pid = getpid();
	__atomic_store_n(&attached, 1, __ATOMIC_RELEASE);
out:
	bfsp_inside--;
	pthread_mutex_unlock(&attach_lock);
	return rc;
}

static void fork_child(void)
{
	pthread_mutex_init(&attach_lock, NULL);
	attached = 0;
	if (attached_pid) {
		benchfs_atfork_child();
		attached_pid = 0;
		we_attached = 0;
	}
	bfsp_fork_child();
}

__attribute__((constructor)) static void bfsp_start(void)
{
	const char *m = getenv("BENCHFS_MOUNT");
	const char *cwd = getenv("BENCHFS_POSIX_CWD");

	bfsp_inside++;
	if (m && *m) {
		int n =
		    m[0] == '/' ? bfs_path_normalize(m, mount_prefix, sizeof(mount_prefix)) : -1;

		if (n <= 1) {
			fprintf(
			    stderr,
			    "benchfs-posix: BENCHFS_MOUNT=%s is not an absolute directory other "
			    "than /; using /benchfs\n",
			    m);
			strcpy(mount_prefix, "/benchfs");
			n = 8;
		}
		mount_len = (size_t)n;
	}
	if (cwd && cwd[0] == '/' && strlen(cwd) <= BENCHFS_PATH_MAX)
		strcpy(bfsp_cwd, cwd);
	{
		BFSP_REAL(umask);
		mode_t u = real_umask(022);
		real_umask(u);
		cur_umask = u;
	}
	find_ancestors();
	bfsp_local_cwd_changed();
	bfsp_exec_adopt();
	pthread_atfork(bfsp_fork_prepare, bfsp_fork_parent, fork_child);
	bfsp_inside--;
	bfsp_started = 1;
}

__attribute__((destructor)) static void bfsp_stop(void)
{
	/* attached here: publish the sizes of files left open and say goodbye */
	if (we_attached && attached_pid == getpid()) {
		bfsp_inside++;
		benchfs_term();
		we_attached = 0;
		attached_pid = 0;
		attached = 0;
		bfsp_inside--;
	}
}
