/*
 * attach_client - a plain (non-MPI) client of standalone servers, used by the script tests.
 *
 *   attach_client [-a ADDRFILE] COMMAND ARGS...     (no -a: benchfs_init(NULL), $BENCHFS_ADDR)
 *
 * Commands (exit 0 when every check passed, 1 otherwise):
 *   servers N               benchfs_server_count() is N; a second benchfs_init: -EALREADY
 *   write PATH SIZE SEED CHUNK   create PATH (truncating it) and fill it with the pattern
 *   verify PATH SIZE SEED   PATH has size SIZE and holds the pattern
 *   init-fails ERRNO        benchfs_init fails with -ERRNO (a name such as ENOENT)
 *   denied                  every call that reaches a server fails with -EACCES, quickly
 *   dead SERVER ERRNO,...   calls that need server SERVER (its find scan, a write striped over
 *                           every server) fail with one of the errnos, each within
 *                           $BENCHFS_RPC_TIMEOUT + 5 seconds; the other servers' scans work
 *   stalled SERVER SECS     a call that needs server SERVER (stopped) fails with ETIMEDOUT
 *                           after SECS to SECS + 2 seconds (the RPC timeout in force)
 *   clients N               every server counts N clients connected (benchfs_server_stats)
 *   cycle N                 detach and attach again N times, with a call to every server each
 *                           time; then every server counts this one client, not N + 1
 *   fill-meta DIR N         mkdir DIR, then DIR/dK for K = 0.. until a call fails: it must be
 *                           ENOSPC before N; every directory made before is there (stat), and
 *                           one can still be removed (room to free space)
 *   fill-data PATH          write PATH in 1 MiB pieces until a write fails: it must be ENOSPC;
 *                           every byte written before reads back; after PATH is removed a new
 *                           small file can be written and read
 *   has-dirs DIR N          DIR/d0 .. DIR/d(N-1) exist (after fill-meta and a restart)
 *   fill-small DIR N        mkdir DIR, then write small files DIR/fK (3 000 bytes each: inline,
 *                           in the metadata store) until a call fails: it must be ENOSPC
 *                           before N; every file written before reads back whole, the one
 *                           that failed holds none of its bytes, and after removing one file
 *                           a new one can be written
 *   kill-write PID ERRNO,...  start a 64 MiB write striped over every server (1 MiB chunks:
 *                           rendezvous pieces), kill -9 process PID (a server) while the pieces
 *                           are in flight: the write, and a later write and read of the file,
 *                           fail with one of the errnos within 1 s each
 */
#include <signal.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static int errno_of(const char *name)
{
	for (int e = 1; e < 200; e++)
		if (strcmp(bt_errname(-e), name) == 0)
			return e;
	return 0;
}

static int write_file(const char *path, uint64_t size, uint64_t seed, size_t chunk)
{
	uint8_t *buf = malloc(1 << 20);
	int fd = (int)CHECK_OK(benchfs_create(path, O_WRONLY | O_CREAT | O_TRUNC, 0644, chunk));

	if (fd < 0)
		return 1;
	for (uint64_t off = 0; off < size; off += 1 << 20) {
		uint64_t n = size - off < (1 << 20) ? size - off : (1 << 20);
		bt_fill(buf, n, off, seed);
		CHECK_RC(benchfs_pwrite(fd, buf, n, (off_t)off), (long long)n);
	}
	CHECK_RC(benchfs_close(fd), 0);
	free(buf);
	printf("attach_client: wrote %s (%llu bytes)\n", path, (unsigned long long)size);
	return 0;
}

static int verify_file(const char *path, uint64_t size, uint64_t seed)
{
	uint8_t *buf = malloc(1 << 20);
	struct stat sb;
	int fd;

	CHECK_RC(benchfs_stat(path, &sb), 0);
	CHECK_EQ(sb.st_size, size);
	fd = (int)CHECK_OK(benchfs_open(path, O_RDONLY, 0));
	if (fd < 0)
		return 1;
	for (uint64_t off = 0; off < size; off += 1 << 20) {
		uint64_t n = size - off < (1 << 20) ? size - off : (1 << 20);
		CHECK_RC(benchfs_pread(fd, buf, n, (off_t)off), (long long)n);
		CHECK_PATTERN(buf, n, off, seed);
	}
	CHECK_RC(benchfs_pread(fd, buf, 1, (off_t)size), 0);
	CHECK_RC(benchfs_close(fd), 0);
	free(buf);
	printf("attach_client: %s has its %llu bytes\n", path, (unsigned long long)size);
	return 0;
}

static int found_cb(const struct benchfs_find_entry *e, void *arg)
{
	(void)e;
	(void)arg;
	return 0;
}

#define NSTRIPED 8 /* the script writes /striped-0 .. /striped-7 */

/* Files /striped-N found: bit N of *@arg. */
static int pick_cb(const struct benchfs_find_entry *e, void *arg)
{
	int n;

	if (sscanf(e->path, "/striped-%d", &n) == 1 && n >= 0 && n < NSTRIPED)
		*(unsigned *)arg |= 1u << n;
	return 0;
}

/* Every call with a wrong secret: -EACCES, and no waiting for a timeout. */
static void denied(void)
{
	const struct timespec ts[2] = {{1, 0}, {1, 0}};
	struct benchfs_find_filter flt = {0};
	benchfs_dir_t *d = NULL;
	struct stat sb;
	char buf[64];
	double t0 = bt_now();

#define DENIED(call) CHECK_RC(call, -EACCES)
	DENIED(benchfs_stat("/f1", &sb));
	DENIED(benchfs_lstat("/f1", &sb));
	DENIED(benchfs_open("/f1", O_RDONLY, 0));
	DENIED(benchfs_open("/new", O_RDWR | O_CREAT, 0644));
	DENIED(benchfs_create("/new2", O_RDWR, 0644, 4096));
	DENIED(benchfs_mkdir("/newdir", 0755));
	DENIED(benchfs_rmdir("/newdir"));
	DENIED(benchfs_unlink("/f1"));
	DENIED(benchfs_rename("/f1", "/f3"));
	DENIED(benchfs_symlink("/f1", "/ln"));
	DENIED(benchfs_readlink("/ln", buf, sizeof(buf)));
	DENIED(benchfs_truncate("/f1", 0));
	DENIED(benchfs_chmod("/f1", 0600));
	DENIED(benchfs_utimens("/f1", ts));
	int rc = benchfs_opendir("/", &d);
	if (rc == 0) { /* the stream may fetch lazily: then reading it is refused */
		struct benchfs_dirent *e;
		DENIED(benchfs_readdir(d, &e));
		benchfs_closedir(d);
	} else {
		DENIED(rc);
	}
	for (int s = 0; s < benchfs_server_count(); s++)
		DENIED(benchfs_find(s, "/", &flt, found_cb, NULL));
	DENIED(benchfs_shutdown_servers());
#undef DENIED
	double secs = bt_now() - t0;
	if (secs > 5)
		bt_fail(__FILE__, __LINE__, "the refused calls took %.1f s (waiting for timeouts?)",
		        secs);
	printf("attach_client: every call refused with EACCES (%.2f s)\n", secs);
}

/* Calls needing a failed server: one of the allowed errors, within the timeout + slack. */
static void dead(int server, const char *errs)
{
	const char *env = getenv("BENCHFS_RPC_TIMEOUT");
	double limit = (env ? atof(env) : 30) + 5, t0, secs;
	struct benchfs_find_filter flt = {0};
	uint8_t *buf = calloc(1, 1 << 20);
	long long rc;
	int fd;

#define ALLOWED(v) ((v) < 0 && strstr(errs, bt_errname(v)))
#define TIMED(what, call)                                                                          \
	do {                                                                                       \
		t0 = bt_now();                                                                     \
		rc = (call);                                                                       \
		secs = bt_now() - t0;                                                              \
		printf("attach_client: %s: %s after %.2f s\n", what, bt_errname(rc), secs);        \
		if (secs > limit)                                                                  \
			bt_fail(__FILE__, __LINE__, "%s took %.1f s (limit %.0f s)", #call, secs,  \
			        limit);                                                            \
	} while (0)

	TIMED("find on the failed server", benchfs_find(server, "/", &flt, found_cb, NULL));
	if (!ALLOWED(rc))
		bt_fail(__FILE__, __LINE__, "find on server %d: got %s, want one of %s", server,
		        bt_errname(rc), errs);
	/* the other servers still answer; which files' metadata do they hold? */
	unsigned live = 0;
	char path[64];
	flt.name = "striped-*";
	for (int s = 0; s < benchfs_server_count(); s++) {
		if (s == server)
			continue;
		TIMED("find on a live server", benchfs_find(s, "/", &flt, pick_cb, &live));
		CHECK_RC(rc, 0);
	}
	/* a file whose metadata is on the failed server cannot be opened */
	for (int i = 0; i < NSTRIPED; i++)
		if (!(live & (1u << i))) {
			snprintf(path, sizeof(path), "/striped-%d", i);
			TIMED("open of a file held by the failed server",
			      benchfs_open(path, O_RDWR, 0));
			if (!ALLOWED(rc))
				bt_fail(__FILE__, __LINE__, "open %s: got %s, want one of %s", path,
				        bt_errname(rc), errs);
			break;
		}
	/* a file held by a live server opens; 1 MiB of 4 KiB chunks reaches every server */
	int pick = -1;
	for (int i = NSTRIPED - 1; i >= 0; i--)
		if (live & (1u << i))
			pick = i;
	if (pick < 0) {
		printf("attach_client: no /striped-N file is held by a live server\n");
		goto out;
	}
	snprintf(path, sizeof(path), "/striped-%d", pick);
	TIMED("open of a file held by a live server", benchfs_open(path, O_RDWR, 0));
	CHECK_OK(rc);
	fd = (int)rc;
	if (fd >= 0) {
		TIMED("pwrite over every server", benchfs_pwrite(fd, buf, 1 << 20, 0));
		if (!ALLOWED(rc))
			bt_fail(__FILE__, __LINE__, "pwrite: got %s, want one of %s",
			        bt_errname(rc), errs);
		TIMED("pread over every server", benchfs_pread(fd, buf, 1 << 20, 0));
		if (!ALLOWED(rc))
			bt_fail(__FILE__, __LINE__, "pread: got %s, want one of %s", bt_errname(rc),
			        errs);
		TIMED("close", benchfs_close(fd));
		if (rc != 0 && !ALLOWED(rc))
			bt_fail(__FILE__, __LINE__, "close: got %s", bt_errname(rc));
	}
out:
	TIMED("rmdir (asks every server)", benchfs_rmdir("/no-such-dir-xyz"));
	if (rc != -ENOENT && !ALLOWED(rc))
		bt_fail(__FILE__, __LINE__, "rmdir: got %s", bt_errname(rc));
	free(buf);
#undef TIMED
#undef ALLOWED
}

/* Directories until the store is full: ENOSPC, and nothing made before is lost. */
static void fill_meta(const char *dir, long max)
{
	char path[256];
	struct stat sb;
	long n;
	int rc = 0;

	CHECK_RC(benchfs_mkdir(dir, 0755), 0);
	for (n = 0; n < max; n++) {
		snprintf(path, sizeof(path), "%s/d%ld-a-name-long-enough-to-fill-the-store-sooner",
		         dir, n);
		rc = benchfs_mkdir(path, 0755);
		if (rc)
			break;
	}
	printf("attach_client: %ld directories made, then %s\n", n, bt_errname(rc));
	if (rc != -ENOSPC)
		bt_fail(__FILE__, __LINE__, "mkdir %ld: got %s, want ENOSPC", n, bt_errname(rc));
	for (long k = 0; k < n; k++) {
		snprintf(path, sizeof(path), "%s/d%ld-a-name-long-enough-to-fill-the-store-sooner",
		         dir, k);
		rc = benchfs_stat(path, &sb);
		if (rc || !S_ISDIR(sb.st_mode)) {
			bt_fail(__FILE__, __LINE__, "%s after ENOSPC: %s", path, bt_errname(rc));
			break;
		}
	}
	if (n > 0) { /* the last one goes: a full store can still free space */
		snprintf(path, sizeof(path), "%s/d%ld-a-name-long-enough-to-fill-the-store-sooner",
		         dir, n - 1);
		CHECK_RC(benchfs_rmdir(path), 0);
	}
	printf("attach_client: the %ld directories are there; removing one works\n", n);
}

#define SMALL_FILE 3000

/* Write DIR/fK of SMALL_FILE pattern bytes (seed K): 0 or the first error. */
static int small_write(const char *dir, long k)
{
	static uint8_t b[SMALL_FILE];
	char path[256];
	ssize_t w;
	int fd, rc;

	snprintf(path, sizeof(path), "%s/f%ld", dir, k);
	fd = benchfs_open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		return fd;
	bt_fill(b, sizeof(b), 0, (uint64_t)k);
	w = benchfs_pwrite(fd, b, sizeof(b), 0);
	rc = benchfs_close(fd);
	return w < 0 ? (int)w : w != (ssize_t)sizeof(b) ? -EIO : rc;
}

static void fill_small(const char *dir, long max)
{
	static uint8_t b[SMALL_FILE + 1];
	char path[256];
	struct stat sb;
	long n;
	int rc = 0, fd;

	CHECK_RC(benchfs_mkdir(dir, 0755), 0);
	for (n = 0; n < max && !(rc = small_write(dir, n)); n++)
		;
	printf("attach_client: %ld small files written, then %s\n", n, bt_errname(rc));
	if (rc != -ENOSPC)
		bt_fail(__FILE__, __LINE__, "file %ld: got %s, want ENOSPC", n, bt_errname(rc));
	for (long k = 0; k < n; k++) {
		snprintf(path, sizeof(path), "%s/f%ld", dir, k);
		fd = benchfs_open(path, O_RDONLY, 0);
		if (fd < 0 || benchfs_pread(fd, b, sizeof(b), 0) != SMALL_FILE ||
		    bt_verify(b, SMALL_FILE, 0, (uint64_t)k) >= 0) {
			bt_fail(__FILE__, __LINE__, "%s after ENOSPC: not its %d bytes", path,
			        SMALL_FILE);
			break;
		}
		benchfs_close(fd);
	}
	snprintf(path, sizeof(path), "%s/f%ld", dir, n);
	rc = benchfs_stat(path, &sb);
	if (rc == 0)
		CHECK_EQ(sb.st_size, 0); /* created, then its write failed: none of its bytes */
	else
		CHECK_RC(rc, -ENOENT);
	if (n > 0) { /* room comes back with a removed file */
		snprintf(path, sizeof(path), "%s/f%ld", dir, n - 1);
		CHECK_RC(benchfs_unlink(path), 0);
		if (rc == 0) {
			snprintf(path, sizeof(path), "%s/f%ld", dir, n);
			CHECK_RC(benchfs_unlink(path), 0);
		}
		CHECK_RC(small_write(dir, n - 1), 0);
	}
	printf("attach_client: the %ld small files are there; after a remove one more fits\n", n);
}

static void has_dirs(const char *dir, long n)
{
	char path[256];
	struct stat sb;

	for (long k = 0; k < n; k++) {
		snprintf(path, sizeof(path), "%s/d%ld-a-name-long-enough-to-fill-the-store-sooner",
		         dir, k);
		int rc = benchfs_stat(path, &sb);
		if (rc) {
			bt_fail(__FILE__, __LINE__, "%s: %s", path, bt_errname(rc));
			return;
		}
	}
	printf("attach_client: %s/d0 .. d%ld are there\n", dir, n - 1);
}

/* Data until the store is full: ENOSPC, the bytes before it intact, space back after unlink. */
static void fill_data(const char *path)
{
	const size_t piece = 1 << 20;
	uint8_t *buf = malloc(piece);
	uint64_t off = 0;
	ssize_t w = 0;
	int fd;

	if (!buf)
		return;
	fd = (int)CHECK_OK(benchfs_create(path, O_RDWR | O_CREAT | O_TRUNC, 0644, 1 << 20));
	if (fd < 0)
		goto out;
	for (;;) {
		bt_fill(buf, piece, off, 3);
		w = benchfs_pwrite(fd, buf, piece, (off_t)off);
		if (w != (ssize_t)piece)
			break;
		off += piece;
	}
	printf("attach_client: %llu bytes written, then %s\n", (unsigned long long)off,
	       bt_errname(w));
	if (w != -ENOSPC)
		bt_fail(__FILE__, __LINE__, "pwrite at %llu: got %s, want ENOSPC",
		        (unsigned long long)off, bt_errname(w));
	for (uint64_t o = 0; o < off; o += piece) {
		CHECK_RC(benchfs_pread(fd, buf, piece, (off_t)o), (long long)piece);
		CHECK_PATTERN(buf, piece, o, 3);
	}
	CHECK_RC(benchfs_close(fd), 0);
	CHECK_RC(benchfs_unlink(path), 0);
	fd = (int)CHECK_OK(benchfs_create(path, O_RDWR | O_CREAT | O_TRUNC, 0644, 1 << 20));
	if (fd >= 0) {
		bt_fill(buf, 4096, 0, 4);
		CHECK_RC(benchfs_pwrite(fd, buf, 4096, 0), 4096);
		memset(buf, 0, 4096);
		CHECK_RC(benchfs_pread(fd, buf, 4096, 0), 4096);
		CHECK_PATTERN(buf, 4096, 0, 4);
		CHECK_RC(benchfs_close(fd), 0);
	}
	printf("attach_client: the bytes before ENOSPC read back; space is back after unlink\n");
out:
	free(buf);
}

/* A stopped server: ETIMEDOUT after the RPC timeout, not earlier, not much later. */
static void stalled(int server, double secs)
{
	struct benchfs_find_filter flt = {0};
	double t0 = bt_now(), took;
	int rc = benchfs_find(server, "/", &flt, found_cb, NULL);

	took = bt_now() - t0;
	printf("attach_client: find on the stopped server: %s after %.2f s\n", bt_errname(rc),
	       took);
	if (rc != -ETIMEDOUT)
		bt_fail(__FILE__, __LINE__, "got %s, want ETIMEDOUT", bt_errname(rc));
	if (took < secs || took > secs + 2)
		bt_fail(__FILE__, __LINE__, "ETIMEDOUT after %.2f s, want %.0f to %.0f s", took,
		        secs, secs + 2);
}

/* Every server counts @n clients connected now. */
static void live_clients(uint64_t n)
{
	struct benchfs_server_stats st;

	for (int s = 0; s < benchfs_server_count(); s++) {
		CHECK_RC(benchfs_server_stats(s, &st, 0), 0);
		if (st.clients != n)
			bt_fail(__FILE__, __LINE__, "server %d counts %llu clients, want %llu", s,
			        (unsigned long long)st.clients, (unsigned long long)n);
	}
	printf("attach_client: every server counts %llu clients\n", (unsigned long long)n);
}

/* Attach @n more times in this process: the servers forget each earlier attachment. */
static void cycle(const char *addr, int n)
{
	struct benchfs_find_filter flt = {0};

	for (int i = 0; i < n; i++) {
		for (int s = 0; s < benchfs_server_count(); s++)
			CHECK_RC(benchfs_find(s, "/", &flt, found_cb, NULL), 0);
		CHECK_RC(benchfs_term(), 0);
		int rc = benchfs_init(addr);
		CHECK_RC(rc, 0);
		if (rc)
			return;
	}
	live_clients(1);
}

/* A server killed while a large write is in flight to it: every call ends within 1 s. */
static void kill_write(pid_t pid, const char *errs)
{
	const size_t len = 64u << 20;
	uint8_t *buf = malloc(len);
	struct benchfs_ioseg seg = {.buf = buf, .offset = 0, .length = len};
	benchfs_request_t *req;
	double t0, secs;
	ssize_t rc;
	int fd;

	if (!buf)
		return;
	bt_fill(buf, len, 0, 7);
	fd =
	    (int)CHECK_OK(benchfs_create("/kill-write", O_RDWR | O_CREAT | O_TRUNC, 0644, 1 << 20));
	if (fd < 0)
		goto out;
	CHECK_RC(benchfs_ipwritel(fd, &seg, 1, &req), 0);
	for (int i = 0; i < 50; i++) /* the pieces are on their way, some to @pid */
		benchfs_progress();
	if (kill(pid, SIGKILL)) {
		bt_fail(__FILE__, __LINE__, "kill %d: %s", (int)pid, strerror(errno));
		goto out;
	}
	t0 = bt_now();
	rc = benchfs_wait(req);
	secs = bt_now() - t0;
	printf("attach_client: write in flight to the killed server: %s after %.2f s\n",
	       bt_errname(rc), secs);
	if (rc >= 0 || !strstr(errs, bt_errname(rc)))
		bt_fail(__FILE__, __LINE__, "write: got %s, want one of %s", bt_errname(rc), errs);
	if (secs > 1.0)
		bt_fail(__FILE__, __LINE__, "the write failed only after %.2f s (limit 1 s)", secs);
	for (int i = 0; i < 2; i++) {
		t0 = bt_now();
		rc = i == 0 ? benchfs_pwrite(fd, buf, len, 0) : benchfs_pread(fd, buf, len, 0);
		secs = bt_now() - t0;
		printf("attach_client: later %s: %s after %.2f s\n", i ? "read" : "write",
		       bt_errname(rc), secs);
		if (rc >= 0 || !strstr(errs, bt_errname(rc)))
			bt_fail(__FILE__, __LINE__, "%s: got %s, want one of %s",
			        i ? "read" : "write", bt_errname(rc), errs);
		if (secs > 1.0)
			bt_fail(__FILE__, __LINE__, "failed only after %.2f s (limit 1 s)", secs);
	}
	benchfs_close(fd);
out:
	free(buf);
}

int main(int argc, char **argv)
{
	const char *addr = NULL;
	int rc, i = 1;

	bt_test_name = "attach_client";
	if (argc > 2 && strcmp(argv[1], "-a") == 0) {
		addr = argv[2];
		i = 3;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: attach_client [-a ADDRFILE] COMMAND ARGS...\n");
		return 2;
	}
	const char *cmd = argv[i];
	char **arg = argv + i + 1;
	int nargs = argc - i - 1;

	rc = benchfs_init(addr);
	if (strcmp(cmd, "init-fails") == 0 && nargs == 1) {
		CHECK_RC(rc, -errno_of(arg[0]));
		if (rc == 0)
			benchfs_term();
		printf("attach_client: benchfs_init: %s\n", bt_errname(rc));
		return bt_failures ? 1 : 0;
	}
	if (rc) {
		printf("attach_client: FAIL benchfs_init(%s): %s\n", addr ? addr : "$BENCHFS_ADDR",
		       bt_errname(rc));
		return 1;
	}
	if (strcmp(cmd, "servers") == 0 && nargs == 1) {
		CHECK_EQ(benchfs_server_count(), atoi(arg[0]));
		CHECK_RC(benchfs_init(addr), -EALREADY);
	} else if (strcmp(cmd, "write") == 0 && nargs == 4)
		write_file(arg[0], strtoull(arg[1], NULL, 0), strtoull(arg[2], NULL, 0),
		           strtoull(arg[3], NULL, 0));
	else if (strcmp(cmd, "verify") == 0 && nargs == 3)
		verify_file(arg[0], strtoull(arg[1], NULL, 0), strtoull(arg[2], NULL, 0));
	else if (strcmp(cmd, "denied") == 0 && nargs == 0)
		denied();
	else if (strcmp(cmd, "dead") == 0 && nargs == 2)
		dead(atoi(arg[0]), arg[1]);
	else if (strcmp(cmd, "stalled") == 0 && nargs == 2)
		stalled(atoi(arg[0]), atof(arg[1]));
	else if (strcmp(cmd, "clients") == 0 && nargs == 1)
		live_clients(strtoull(arg[0], NULL, 0));
	else if (strcmp(cmd, "cycle") == 0 && nargs == 1)
		cycle(addr, atoi(arg[0]));
	else if (strcmp(cmd, "fill-meta") == 0 && nargs == 2)
		fill_meta(arg[0], atol(arg[1]));
	else if (strcmp(cmd, "has-dirs") == 0 && nargs == 2)
		has_dirs(arg[0], atol(arg[1]));
	else if (strcmp(cmd, "fill-small") == 0 && nargs == 2)
		fill_small(arg[0], atol(arg[1]));
	else if (strcmp(cmd, "fill-data") == 0 && nargs == 1)
		fill_data(arg[0]);
	else if (strcmp(cmd, "kill-write") == 0 && nargs == 2)
		kill_write((pid_t)atoi(arg[0]), arg[1]);
	else {
		fprintf(stderr, "attach_client: bad command or arguments: %s\n", cmd);
		benchfs_term();
		return 2;
	}
	rc = benchfs_term();
	if (rc && strcmp(cmd, "dead") != 0 && strcmp(cmd, "denied") != 0 &&
	    strcmp(cmd, "kill-write") != 0 && strcmp(cmd, "stalled") != 0)
		CHECK_RC(rc, 0);
	if (bt_failures)
		printf("attach_client: %s: %ld failed checks\n", cmd, bt_failures);
	return bt_failures ? 1 : 0;
}
