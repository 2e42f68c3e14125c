/*
 * ident.c - data directory identity and lock (see ident.h).
 */
#include "server/ident.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"

#define ID_FILE   "benchfs.id"
#define LOCK_FILE "benchfs.lock"
#define PATH_CAP  4400

/* @dir/@name into @out (capacity PATH_CAP). */
static void join(char *out, const char *dir, const char *name)
{
	snprintf(out, PATH_CAP, "%s/%s", dir, name);
}

static int exists(const char *dir, const char *name)
{
	char path[PATH_CAP];
	struct stat st;

	join(path, dir, name);
	return lstat(path, &st) == 0;
}

/* ---- the lock ------------------------------------------------------------------------------ */

/* Say who holds the lock of @dir (the lock file's "host pid" line), on stderr. */
static void report_holder(const char *dir, int fd)
{
	char buf[512] = {0}, host[256] = "?";
	long pid = 0;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n > 0 && sscanf(buf, "%255s %ld", host, &pid) == 2)
		fprintf(stderr,
		        "benchfs: %s: in use by another BenchFS server (pid %ld on host %s); "
		        "refusing to serve it twice\n",
		        dir, pid, host);
	else
		fprintf(
		    stderr,
		    "benchfs: %s: in use by another BenchFS server; refusing to serve it twice\n",
		    dir);
}

/* Take the lock of existing directory @dir: the lock file's descriptor, or -errno (reported). */
static int take_lock(const char *dir)
{
	char path[PATH_CAP], line[320], host[256] = {0};
	int fd, n;

	join(path, dir, LOCK_FILE);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		int e = errno;
		fprintf(stderr, "benchfs: %s: cannot open: %s\n", path, strerror(e));
		return -e;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int e = errno;
		if (e == EWOULDBLOCK)
			report_holder(dir, fd);
		else
			fprintf(stderr, "benchfs: %s: cannot lock: %s\n", path, strerror(e));
		close(fd);
		return e == EWOULDBLOCK ? -EBUSY : -e;
	}
	gethostname(host, sizeof(host) - 1);
	n = snprintf(line, sizeof(line), "%s %ld\n", host, (long)getpid());
	/* a failure here only costs the message of a refused second server its detail */
	if (ftruncate(fd, 0) == 0 && pwrite(fd, line, (size_t)n, 0) != n)
		bfs_warn("%s: cannot record the lock's holder", path);
	return fd;
}

/* ---- the identity file ----------------------------------------------------------------------- */

/* Parse identity file @f into @id. 0, or -EINVAL when it is not one. */
static int parse_id(FILE *f, struct bfs_ident *id)
{
	unsigned version, idx, cnt, vn;
	unsigned long long seed, fsid = 0;

	if (fscanf(f, "benchfs-data %u ", &version) != 1 || (version != 1 && version != 2))
		return -EINVAL;
	if (version == 2 && fscanf(f, "fsid %llx ", &fsid) != 1)
		return -EINVAL;
	if (fscanf(f, "server %u servers %u vnodes %u seed %llx", &idx, &cnt, &vn, &seed) != 4 ||
	    (version == 2 && fsid == 0))
		return -EINVAL;
	id->index = idx;
	id->count = cnt;
	id->vnodes = vn;
	id->seed = seed;
	id->fsid = fsid;
	return 0;
}

void bfs_ident_probe(const char *dir, struct bfs_ident *id, int *lock_fd)
{
	char path[PATH_CAP];
	struct stat st;
	FILE *f;

	memset(id, 0, sizeof(*id));
	*lock_fd = -1;
	id->state = BFS_IDENT_MISSING;
	if (stat(dir, &st)) {
		if (errno == ENOENT)
			return;
		id->err = -errno;
		fprintf(stderr, "benchfs: %s: %s\n", dir, strerror(errno));
		id->state = BFS_IDENT_BAD;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		id->err = -ENOTDIR;
		fprintf(stderr, "benchfs: %s: not a directory\n", dir);
		id->state = BFS_IDENT_BAD;
		return;
	}
	*lock_fd = take_lock(dir);
	if (*lock_fd < 0) {
		id->err = *lock_fd;
		id->state = BFS_IDENT_BAD;
		*lock_fd = -1;
		return;
	}
	join(path, dir, ID_FILE);
	f = fopen(path, "r");
	if (!f && errno == ENOENT) {
		if (!exists(dir, "meta") && !exists(dir, "obj"))
			return; /* an empty directory, or one with other files only */
		id->err = -ENOENT;
		fprintf(stderr,
		        "benchfs: %s: holds BenchFS data but no identity file (%s); refusing to "
		        "use it (a new file system, --new-fs, erases it)\n",
		        dir, ID_FILE);
	} else if (!f) {
		id->err = -errno;
		fprintf(stderr, "benchfs: %s: %s\n", path, strerror(errno));
	} else {
		id->err = parse_id(f, id);
		fclose(f);
		if (id->err == 0) {
			id->state = BFS_IDENT_PRESENT;
			return;
		}
		fprintf(stderr,
		        "benchfs: %s: not a BenchFS identity file; refusing to use %s (a new file "
		        "system, --new-fs, erases it)\n",
		        path, dir);
	}
	id->state = BFS_IDENT_BAD;
}

/* ---- the decision -------------------------------------------------------------------------- */

/* The fsid most present directories hold (ties: the one of the lowest server index). */
static uint64_t common_fsid(const struct bfs_ident *all, uint32_t n, uint32_t *holders)
{
	uint64_t best = 0;
	uint32_t best_n = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t k = 0;
		if (all[i].state != BFS_IDENT_PRESENT)
			continue;
		for (uint32_t j = 0; j < n; j++)
			k += all[j].state == BFS_IDENT_PRESENT && all[j].fsid == all[i].fsid;
		if (k > best_n) {
			best = all[i].fsid;
			best_n = k;
		}
	}
	*holders = best_n;
	return best;
}

/* The refusals' messages, each about the directory of the server that prints it (one fprintf
 * each, so lines of several servers do not mix). */
static void say_layout(const char *dir, const struct bfs_ident *id, int me, uint32_t n,
                       uint32_t vnodes, uint64_t seed)
{
	fprintf(stderr,
	        "benchfs: %s: holds server %u of %u (ring %u vnodes, seed %" PRIx64 "), "
	        "but this job asks for server %d of %u (ring %u vnodes, seed %" PRIx64 "); "
	        "refusing to remap its data: start with %u servers, or use another data "
	        "directory, or make a new file system (--new-fs)\n",
	        dir, id->index, id->count, id->vnodes, id->seed, me, n, vnodes, seed, id->count);
}

static void say_other_fs(const char *dir, uint64_t fsid, uint64_t ref, uint32_t holders, uint32_t n)
{
	fprintf(stderr,
	        "benchfs: %s: belongs to file system %016" PRIx64 ", "
	        "but %u of the %u server directories to file system %016" PRIx64 "; "
	        "refusing to mix them: put that file system's directory back, "
	        "or make a new file system (--new-fs)\n",
	        dir, fsid, holders, n, ref);
}

static void say_missing(const char *dir, uint64_t ref, uint32_t present, uint32_t n)
{
	fprintf(stderr,
	        "benchfs: %s: no BenchFS data here (missing or empty), "
	        "while file system %016" PRIx64 " is in %u of the %u server directories; "
	        "refusing to serve part of it: put this directory back "
	        "(the job may have landed on other nodes), or make a new file system (--new-fs)\n",
	        dir, ref, present, n);
}

static int layout_ok(const struct bfs_ident *id, uint32_t i, uint32_t n, uint32_t vnodes,
                     uint64_t seed)
{
	return id->index == i && id->count == n && id->vnodes == vnodes && id->seed == seed;
}

enum bfs_ident_verdict bfs_ident_decide(const struct bfs_ident *all, uint32_t n, uint32_t vnodes,
                                        uint64_t seed, int new_fs, int me, const char *dir,
                                        uint64_t *fsid, int *err)
{
	const struct bfs_ident *mine = me >= 0 && (uint32_t)me < n ? &all[me] : NULL;
	uint32_t present = 0, holders, i;
	int layout_bad = 0, fsid_bad = 0;
	uint64_t ref;

	*err = 0;
	for (i = 0; i < n; i++) /* a directory in use is never taken, even for a new one */
		if (all[i].state == BFS_IDENT_BAD && (all[i].err == -EBUSY || !new_fs)) {
			*err = all[i].err ? all[i].err : -EIO;
			return BFS_IDENT_REFUSE; /* its server said why */
		}
	if (new_fs)
		return BFS_IDENT_CREATE;
	for (i = 0; i < n; i++)
		present += all[i].state == BFS_IDENT_PRESENT;
	if (present == 0)
		return BFS_IDENT_CREATE; /* a first start */
	ref = common_fsid(all, n, &holders);
	for (i = 0; i < n; i++) {
		if (all[i].state != BFS_IDENT_PRESENT)
			continue;
		layout_bad |= !layout_ok(&all[i], i, n, vnodes, seed);
		fsid_bad |= all[i].fsid != ref;
	}
	if (layout_bad) {
		*err = -ESTALE;
		if (mine && mine->state == BFS_IDENT_PRESENT &&
		    !layout_ok(mine, (uint32_t)me, n, vnodes, seed))
			say_layout(dir, mine, me, n, vnodes, seed);
		return BFS_IDENT_REFUSE;
	}
	if (fsid_bad) {
		*err = -ESTALE;
		if (mine && mine->state == BFS_IDENT_PRESENT && mine->fsid != ref)
			say_other_fs(dir, mine->fsid, ref, holders, n);
		return BFS_IDENT_REFUSE;
	}
	if (present < n) {
		*err = -ENOENT;
		if (mine && mine->state == BFS_IDENT_MISSING)
			say_missing(dir, ref, present, n);
		return BFS_IDENT_REFUSE;
	}
	if (ref == 0)
		return BFS_IDENT_ADOPT; /* written before file-system ids: give it one */
	*fsid = ref;
	return BFS_IDENT_SERVE;
}

/* ---- making a directory ---------------------------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if ((flag == FTW_DP ? rmdir(path) : unlink(path)) && errno != ENOENT)
		return errno;
	return 0;
}

/* Remove @dir/@name and, for a directory, everything below it. 0 or -errno. */
static int rm_tree(const char *dir, const char *name)
{
	char path[PATH_CAP];
	int rc;

	join(path, dir, name);
	if (!exists(dir, name))
		return 0;
	rc = nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return rc > 0 ? -rc : rc < 0 ? -errno : 0;
}

static int write_id(const char *dir, uint64_t fsid, uint32_t index, uint32_t count, uint32_t vnodes,
                    uint64_t seed)
{
	char path[PATH_CAP], tmp[PATH_CAP];
	FILE *f;
	int rc = 0;

	join(path, dir, ID_FILE);
	join(tmp, dir, ID_FILE ".tmp");
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f,
	        "benchfs-data 2\nfsid %016" PRIx64
	        "\nserver %u\nservers %u\nvnodes %u\nseed %" PRIx64 "\n",
	        fsid, index, count, vnodes, seed);
	if (fflush(f) || fsync(fileno(f)))
		rc = -errno;
	if (fclose(f) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

int bfs_ident_make(const char *dir, uint64_t fsid, uint32_t index, uint32_t count, uint32_t vnodes,
                   uint64_t seed, int erase, int *lock_fd)
{
	static const char *const ours[] = {"meta", "obj", ID_FILE, "stats.json"};
	int rc = bfs_mkdir_p(dir);

	if (rc) {
		fprintf(stderr, "benchfs: %s: cannot create data directory: %s\n", dir,
		        strerror(-rc));
		return rc;
	}
	if (*lock_fd < 0) {
		rc = take_lock(dir);
		if (rc < 0)
			return rc;
		*lock_fd = rc;
	}
	for (size_t i = 0; erase && i < BFS_ARRAY_SIZE(ours); i++) {
		rc = rm_tree(dir, ours[i]);
		if (rc) {
			fprintf(stderr, "benchfs: %s/%s: cannot remove: %s\n", dir, ours[i],
			        strerror(-rc));
			return rc;
		}
	}
	rc = write_id(dir, fsid, index, count, vnodes, seed);
	if (rc)
		fprintf(stderr, "benchfs: %s/%s: cannot write: %s\n", dir, ID_FILE, strerror(-rc));
	return rc;
}
