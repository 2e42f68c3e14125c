/*
 * posix_calls - a plain POSIX program (no BenchFS header or library) run by
 * tests/posix_calls.sh with libbenchfs-posix.so preloaded:
 *
 *	posix_calls LOCAL_DIR BENCHFS_DIR [benchfs:/DIR]
 *
 * 1. errno: every error a user can cause, done in LOCAL_DIR (a local file system) and in
 *    BENCHFS_DIR (under the mount prefix): the same errno must come back (ENOENT, EEXIST,
 *    ENOTDIR, EISDIR, ENOTEMPTY, EBADF, EINVAL, ELOOP, EXDEV across the prefix, ...).
 * 2. mixing: local and BenchFS descriptors, streams and directories open at once in one process,
 *    interleaved; their numbers never collide, closing or dup2'ing one leaves the others alone,
 *    bytes end up where they were written; stdio (fopen/fprintf/fgets/fseeko/ftello/fread),
 *    fdopen, readdir/scandir/getdents64 through a BenchFS directory, openat/fstatat with
 *    directory descriptors of both kinds, mmap of a BenchFS file (MAP_PRIVATE read; MAP_SHARED
 *    gives ENODEV), copy_file_range and sendfile between the kinds, statfs, fork (the child
 *    reconnects and writes), record locks (fcntl F_SETLK) and flock.
 * Prints one line per failed check and "N checks, N failed"; exit status 1 when any failed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static int checks, failures;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		checks++;                                                                          \
		if (!(cond)) {                                                                     \
			failures++;                                                                \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);                                \
			printf(__VA_ARGS__);                                                       \
			printf("\n");                                                              \
		}                                                                                  \
	} while (0)

static char L[4096], M[4096], S[4096];

/* @path under @base */
static const char *at(const char *base, const char *path)
{
	static char buf[4][8192];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", base, path);
	return buf[i];
}

/* ---- 1. errno: the same on both ---- */

/* the errno of a call returning -1 (0 when it succeeded) */
#define ERR(call) ((call) < 0 ? errno : 0)

static void setup(const char *b)
{
	int fd;

	mkdir(at(b, "d"), 0755);
	mkdir(at(b, "full"), 0755);
	fd = open(at(b, "full/f"), O_WRONLY | O_CREAT, 0644);
	if (fd >= 0) {
		if (write(fd, "hello", 5) != 5)
			perror("write");
		close(fd);
	}
	fd = open(at(b, "file"), O_WRONLY | O_CREAT, 0644);
	if (fd >= 0)
		close(fd);
	symlink("file", at(b, "link"));
	symlink("nowhere", at(b, "dangling"));
}

struct probe {
	const char *what;
	int (*fn)(const char *base);
};

static int p_open_missing(const char *b)
{
	return ERR(open(at(b, "nope"), O_RDONLY));
}
static int p_open_missing_dir(const char *b)
{
	return ERR(open(at(b, "nope/x"), O_RDONLY));
}
static int p_creat_excl(const char *b)
{
	return ERR(open(at(b, "file"), O_WRONLY | O_CREAT | O_EXCL, 0644));
}
static int p_open_notdir(const char *b)
{
	return ERR(open(at(b, "file/x"), O_RDONLY));
}
static int p_open_dir_write(const char *b)
{
	return ERR(open(at(b, "d"), O_WRONLY));
}
static int p_open_directory_file(const char *b)
{
	return ERR(open(at(b, "file"), O_RDONLY | O_DIRECTORY));
}
static int p_open_nofollow(const char *b)
{
	return ERR(open(at(b, "link"), O_RDONLY | O_NOFOLLOW));
}
static int p_open_dangling(const char *b)
{
	return ERR(open(at(b, "dangling"), O_RDONLY));
}
static int p_mkdir_exists(const char *b)
{
	return ERR(mkdir(at(b, "d"), 0755));
}
static int p_mkdir_file(const char *b)
{
	return ERR(mkdir(at(b, "file"), 0755));
}
static int p_mkdir_noparent(const char *b)
{
	return ERR(mkdir(at(b, "nope/d"), 0755));
}
static int p_mkdir_underfile(const char *b)
{
	return ERR(mkdir(at(b, "file/d"), 0755));
}
static int p_rmdir_notempty(const char *b)
{
	return ERR(rmdir(at(b, "full")));
}
static int p_rmdir_file(const char *b)
{
	return ERR(rmdir(at(b, "file")));
}
static int p_rmdir_missing(const char *b)
{
	return ERR(rmdir(at(b, "nope")));
}
static int p_unlink_missing(const char *b)
{
	return ERR(unlink(at(b, "nope")));
}
static int p_unlink_dir(const char *b)
{
	return ERR(unlink(at(b, "d")));
}
static int p_unlinkat_removedir_file(const char *b)
{
	return ERR(unlinkat(AT_FDCWD, at(b, "file"), AT_REMOVEDIR));
}
static int p_rename_missing(const char *b)
{
	return ERR(rename(at(b, "nope"), at(b, "x")));
}
static int p_rename_file_over_dir(const char *b)
{
	return ERR(rename(at(b, "file"), at(b, "d")));
}
static int p_rename_noparent(const char *b)
{
	return ERR(rename(at(b, "file"), at(b, "nope/x")));
}
static int p_stat_missing(const char *b)
{
	struct stat st;
	return ERR(stat(at(b, "nope"), &st));
}
static int p_stat_notdir(const char *b)
{
	struct stat st;
	return ERR(stat(at(b, "file/x"), &st));
}
static int p_stat_dangling(const char *b)
{
	struct stat st;
	return ERR(stat(at(b, "dangling"), &st));
}
static int p_readlink_file(const char *b)
{
	char buf[64];
	return ERR(readlink(at(b, "file"), buf, sizeof(buf)));
}
static int p_readlink_missing(const char *b)
{
	char buf[64];
	return ERR(readlink(at(b, "nope"), buf, sizeof(buf)));
}
static int p_symlink_exists(const char *b)
{
	return ERR(symlink("x", at(b, "file")));
}
static int p_opendir_file(const char *b)
{
	DIR *d = opendir(at(b, "file"));
	if (d)
		closedir(d);
	return d ? 0 : errno;
}
static int p_opendir_missing(const char *b)
{
	DIR *d = opendir(at(b, "nope"));
	if (d)
		closedir(d);
	return d ? 0 : errno;
}
static int p_chdir_file(const char *b)
{
	return ERR(chdir(at(b, "file")));
}
static int p_access_missing(const char *b)
{
	return ERR(access(at(b, "nope"), F_OK));
}
static int p_truncate_dir(const char *b)
{
	return ERR(truncate(at(b, "d"), 0));
}
static int p_truncate_neg(const char *b)
{
	return ERR(truncate(at(b, "file"), -1));
}
static int p_read_dir(const char *b)
{
	char c;
	int fd = open(at(b, "d"), O_RDONLY), e;
	if (fd < 0)
		return -1;
	e = ERR(read(fd, &c, 1));
	close(fd);
	return e;
}
static int p_write_rdonly(const char *b)
{
	int fd = open(at(b, "file"), O_RDONLY), e;
	if (fd < 0)
		return -1;
	e = ERR(write(fd, "x", 1));
	close(fd);
	return e;
}
static int p_read_wronly(const char *b)
{
	char c;
	int fd = open(at(b, "file"), O_WRONLY), e;
	if (fd < 0)
		return -1;
	e = ERR(read(fd, &c, 1));
	close(fd);
	return e;
}
static int p_ftruncate_rdonly(const char *b)
{
	int fd = open(at(b, "file"), O_RDONLY), e;
	if (fd < 0)
		return -1;
	e = ERR(ftruncate(fd, 0));
	close(fd);
	return e;
}
static int p_lseek_neg(const char *b)
{
	int fd = open(at(b, "file"), O_RDONLY), e;
	if (fd < 0)
		return -1;
	e = ERR(lseek(fd, -10, SEEK_SET));
	close(fd);
	return e;
}
static int p_pread_neg(const char *b)
{
	char c;
	int fd = open(at(b, "file"), O_RDONLY), e;
	if (fd < 0)
		return -1;
	e = ERR(pread(fd, &c, 1, -1));
	close(fd);
	return e;
}
static int p_close_twice(const char *b)
{
	int fd = open(at(b, "file"), O_RDONLY);
	if (fd < 0)
		return -1;
	close(fd);
	return ERR(close(fd));
}
static int p_read_closed(const char *b)
{
	char c;
	int fd = open(at(b, "file"), O_RDONLY);
	if (fd < 0)
		return -1;
	close(fd);
	return ERR(read(fd, &c, 1));
}
static int p_fstat_closed(const char *b)
{
	struct stat st;
	int fd = open(at(b, "file"), O_RDONLY);
	if (fd < 0)
		return -1;
	close(fd);
	return ERR(fstat(fd, &st));
}
static int p_openat_rel_file(const char *b)
{
	int dfd = open(at(b, "file"), O_RDONLY), e;
	if (dfd < 0)
		return -1;
	e = ERR(openat(dfd, "x", O_RDONLY));
	close(dfd);
	return e;
}
static int p_fstatat_missing(const char *b)
{
	struct stat st;
	int dfd = open(b, O_RDONLY | O_DIRECTORY), e;
	if (dfd < 0)
		return -1;
	e = ERR(fstatat(dfd, "nope", &st, 0));
	close(dfd);
	return e;
}
static int p_getdents_file(const char *b)
{
	char buf[1024];
	int fd = open(at(b, "file"), O_RDONLY), e;
	if (fd < 0)
		return -1;
	e = ERR(getdents64(fd, buf, sizeof(buf)));
	close(fd);
	return e;
}

static const struct probe probes[] = {
    {"open missing", p_open_missing},
    {"open in missing dir", p_open_missing_dir},
    {"O_CREAT|O_EXCL existing", p_creat_excl},
    {"open below a file", p_open_notdir},
    {"open dir O_WRONLY", p_open_dir_write},
    {"open file O_DIRECTORY", p_open_directory_file},
    {"open symlink O_NOFOLLOW", p_open_nofollow},
    {"open dangling symlink", p_open_dangling},
    {"mkdir existing", p_mkdir_exists},
    {"mkdir over file", p_mkdir_file},
    {"mkdir without parent", p_mkdir_noparent},
    {"mkdir below a file", p_mkdir_underfile},
    {"rmdir not empty", p_rmdir_notempty},
    {"rmdir file", p_rmdir_file},
    {"rmdir missing", p_rmdir_missing},
    {"unlink missing", p_unlink_missing},
    {"unlink dir", p_unlink_dir},
    {"unlinkat AT_REMOVEDIR file", p_unlinkat_removedir_file},
    {"rename missing", p_rename_missing},
    {"rename file over dir", p_rename_file_over_dir},
    {"rename to missing parent", p_rename_noparent},
    {"stat missing", p_stat_missing},
    {"stat below a file", p_stat_notdir},
    {"stat dangling symlink", p_stat_dangling},
    {"readlink of a file", p_readlink_file},
    {"readlink missing", p_readlink_missing},
    {"symlink over existing", p_symlink_exists},
    {"opendir file", p_opendir_file},
    {"opendir missing", p_opendir_missing},
    {"chdir file", p_chdir_file},
    {"access missing", p_access_missing},
    {"truncate dir", p_truncate_dir},
    {"truncate negative", p_truncate_neg},
    {"read dir", p_read_dir},
    {"write O_RDONLY", p_write_rdonly},
    {"read O_WRONLY", p_read_wronly},
    {"ftruncate O_RDONLY", p_ftruncate_rdonly},
    {"lseek negative", p_lseek_neg},
    {"pread negative", p_pread_neg},
    {"close twice", p_close_twice},
    {"read closed", p_read_closed},
    {"fstat closed", p_fstat_closed},
    {"openat relative to a file", p_openat_rel_file},
    {"fstatat missing", p_fstatat_missing},
    {"getdents64 on a file", p_getdents_file},
};

static void errnos(void)
{
	char cwd[4096];

	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "/");
	setup(L);
	setup(M);
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		int el = probes[i].fn(L), em = probes[i].fn(M);

		CHECK(el == em, "%s: local %s (%d), BenchFS %s (%d)", probes[i].what, strerror(el),
		      el, strerror(em), em);
		CHECK(el != 0, "%s: no error locally", probes[i].what);
	}
	if (chdir(cwd) < 0)
		perror("chdir back");
	/* across the prefix: EXDEV */
	CHECK(ERR(rename(at(M, "file"), at(L, "moved"))) == EXDEV, "rename BenchFS -> local");
	CHECK(ERR(rename(at(L, "file"), at(M, "moved"))) == EXDEV, "rename local -> BenchFS");
	CHECK(ERR(link(at(M, "file"), at(L, "hard"))) == EXDEV, "link across");
	/* ENOTEMPTY through rmdir of a tree root via the BenchFS path spelled benchfs: */
}

/* ---- 2. mixing ---- */

static void fill(char *buf, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)(seed * 31 + i * 7 + (i >> 9));
}

static void mixing(void)
{
	static char a[1 << 20], b[1 << 20], c[1 << 20];
	int lfd, mfd, mfd2, d, st;
	struct stat sl, sm;
	struct dirent *e;
	DIR *dir;
	FILE *f;
	char line[256];
	pid_t pid;

	fill(a, sizeof(a), 1);
	fill(b, sizeof(b), 2);
	lfd = open(at(L, "mix"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	mfd = open(at(M, "mix"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(lfd >= 0 && mfd >= 0 && lfd != mfd, "two descriptors: %d %d", lfd, mfd);
	/* interleaved writes */
	for (int i = 0; i < 16; i++) {
		CHECK(write(lfd, a + i * 65536, 65536) == 65536, "local write %d", i);
		CHECK(write(mfd, b + i * 65536, 65536) == 65536, "BenchFS write %d", i);
	}
	CHECK(fstat(lfd, &sl) == 0 && fstat(mfd, &sm) == 0 && sl.st_size == sm.st_size &&
	          sm.st_size == (off_t)sizeof(b),
	      "sizes %lld %lld", (long long)sl.st_size, (long long)sm.st_size);
	CHECK(sl.st_dev != sm.st_dev, "BenchFS files have a device of their own");
	CHECK(pread(mfd, c, sizeof(c), 0) == (ssize_t)sizeof(c) && !memcmp(c, b, sizeof(b)),
	      "BenchFS bytes");
	CHECK(pread(lfd, c, sizeof(c), 0) == (ssize_t)sizeof(c) && !memcmp(c, a, sizeof(a)),
	      "local bytes");
	/* dup of a BenchFS descriptor shares the offset; closing it leaves the other */
	mfd2 = dup(mfd);
	CHECK(mfd2 >= 0 && mfd2 != lfd && mfd2 != mfd, "dup %d", mfd2);
	CHECK(lseek(mfd2, 100, SEEK_SET) == 100 && lseek(mfd, 0, SEEK_CUR) == 100, "shared offset");
	close(mfd2);
	CHECK(read(mfd, c, 10) == 10 && !memcmp(c, b + 100, 10), "read after closing the dup");
	/* dup2 of a local descriptor over a BenchFS one, and back */
	mfd2 = dup(mfd);
	CHECK(dup2(lfd, mfd2) == mfd2, "dup2 local over BenchFS");
	CHECK(pread(mfd2, c, 10, 0) == 10 && !memcmp(c, a, 10), "now local");
	CHECK(dup2(mfd, mfd2) == mfd2, "dup2 BenchFS over local");
	CHECK(pread(mfd2, c, 10, 0) == 10 && !memcmp(c, b, 10), "now BenchFS");
	CHECK(pread(lfd, c, 10, 0) == 10 && !memcmp(c, a, 10), "the local one is untouched");
	close(mfd2);
	/* readv/writev/preadv/pwritev */
	{
		struct iovec iov[3] = {{a, 1000}, {a + 5000, 3000}, {a + 9000, 1}};
		CHECK(pwritev(mfd, iov, 3, 200000) == 4001, "pwritev");
		CHECK(pread(mfd, c, 4001, 200000) == 4001 && !memcmp(c, a, 1000) &&
		          !memcmp(c + 1000, a + 5000, 3000) && c[4000] == a[9000],
		      "pwritev bytes");
		struct iovec rv[2] = {{c, 10}, {c + 10, 20}};
		CHECK(preadv(mfd, rv, 2, 0) == 30 && !memcmp(c, b, 30), "preadv");
	}
	/* mmap */
	{
		char *m = mmap(NULL, 65536, PROT_READ, MAP_PRIVATE, mfd, 65536);
		CHECK(m != MAP_FAILED && !memcmp(m, b + 65536, 65536), "mmap MAP_PRIVATE bytes");
		if (m != MAP_FAILED)
			munmap(m, 65536);
		errno = 0;
		m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
		CHECK(m == MAP_FAILED && errno == ENODEV, "mmap MAP_SHARED: ENODEV (%s)",
		      strerror(errno));
	}
	/* copy_file_range and sendfile across the kinds */
	{
		int t = open(at(L, "copy"), O_RDWR | O_CREAT | O_TRUNC, 0644);
		off_t in = 0;
		CHECK(copy_file_range(mfd, &in, t, NULL, sizeof(b), 0) == (ssize_t)sizeof(b),
		      "copy_file_range BenchFS -> local");
		CHECK(pread(t, c, sizeof(c), 0) == (ssize_t)sizeof(c) && !memcmp(c, b, 200000) &&
		          !memcmp(c + 200000, a, 1000) && !memcmp(c + 209001, b + 209001, 100000),
		      "copied bytes");
		int u = open(at(M, "sent"), O_RDWR | O_CREAT | O_TRUNC, 0644);
		in = 0;
		CHECK(sendfile(u, t, &in, 300000) == 300000 && in == 300000,
		      "sendfile local -> BenchFS");
		CHECK(pread(u, c, 300000, 0) == 300000 && !memcmp(c, b, 200000), "sent bytes");
		close(u);
		close(t);
	}
	/* stdio: fopen, fprintf, fgets, fseeko, ftello, fread; fdopen; fileno */
	f = fopen(at(M, "stdio.txt"), "w+");
	CHECK(f != NULL, "fopen w+ (%s)", strerror(errno));
	if (f) {
		for (int i = 0; i < 1000; i++)
			fprintf(f, "line %d\n", i);
		CHECK(fflush(f) == 0, "fflush");
		CHECK(fileno(f) >= 0 && fstat(fileno(f), &sm) == 0 && sm.st_size == 8890,
		      "fileno/fstat of the stream: %lld", (long long)sm.st_size);
		CHECK(fseeko(f, 7, SEEK_SET) == 0 && ftello(f) == 7, "fseeko/ftello");
		CHECK(fgets(line, sizeof(line), f) && !strcmp(line, "line 1\n"), "fgets: %s", line);
		CHECK(fgets(line, sizeof(line), f) && !strcmp(line, "line 2\n"), "fgets 2: %s",
		      line);
		rewind(f);
		CHECK(fread(line, 1, 14, f) == 14 && !memcmp(line, "line 0\nline 1\n", 14),
		      "fread");
		CHECK(fclose(f) == 0, "fclose");
	}
	f = fopen(at(M, "stdio.txt"), "a");
	CHECK(f && fputs("tail\n", f) >= 0 && fclose(f) == 0, "fopen a");
	CHECK(stat(at(M, "stdio.txt"), &sm) == 0 && sm.st_size == 8895, "append size %lld",
	      (long long)sm.st_size);
	d = open(at(M, "stdio.txt"), O_RDONLY);
	f = fdopen(d, "r");
	CHECK(f && fgets(line, sizeof(line), f) && !strcmp(line, "line 0\n"), "fdopen");
	if (f)
		fclose(f);
	CHECK(fcntl(d, F_GETFD) < 0 && errno == EBADF, "fclose closed the fdopen'd descriptor");
	/* directories: readdir, getdents64, openat/fstatat relative to both kinds */
	dir = opendir(M);
	int seen = 0, dots = 0;
	while (dir && (e = readdir(dir))) {
		seen += !strcmp(e->d_name, "mix") && e->d_type == DT_REG;
		dots += !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	}
	CHECK(dir && seen == 1 && dots == 2, "readdir: mix %d, dots %d", seen, dots);
	if (dir) {
		CHECK(dirfd(dir) >= 0, "dirfd");
		d = openat(dirfd(dir), "mix", O_RDONLY);
		CHECK(d >= 0 && pread(d, c, 10, 0) == 10 && !memcmp(c, b, 10), "openat on dirfd");
		close(d);
		CHECK(fstatat(dirfd(dir), "mix", &sm, 0) == 0 && sm.st_size == (off_t)sizeof(b),
		      "fstatat on dirfd");
		rewinddir(dir);
		CHECK((e = readdir(dir)) && !strcmp(e->d_name, "."), "rewinddir");
		closedir(dir);
	}
	{
		struct dirent **list;
		int n = scandir(M, &list, NULL, alphasort), found = 0;
		for (int i = 0; i < n; i++) {
			found += !strcmp(list[i]->d_name, "mix");
			free(list[i]);
		}
		if (n > 0)
			free(list);
		CHECK(n > 3 && found == 1, "scandir: %d entries", n);
	}
	{
		char buf[4096];
		int dfd = open(M, O_RDONLY | O_DIRECTORY), found = 0;
		long n;
		while (dfd >= 0 && (n = getdents64(dfd, buf, sizeof(buf))) > 0)
			for (long off = 0; off < n;) {
				struct dirent64 *x = (struct dirent64 *)(buf + off);
				found += !strcmp(x->d_name, "mix");
				off += x->d_reclen;
			}
		CHECK(found == 1, "getdents64");
		close(dfd);
	}
	d = open(L, O_RDONLY | O_DIRECTORY);
	CHECK(fstatat(d, "mix", &sl, 0) == 0 && sl.st_size == (off_t)sizeof(a),
	      "fstatat on a local dirfd");
	close(d);
	/* statfs */
	{
		struct statfs sf;
		struct statvfs sv;
		CHECK(statfs(M, &sf) == 0 && sf.f_blocks > 0 && sf.f_bavail <= sf.f_blocks,
		      "statfs");
		CHECK(statvfs(at(M, "mix"), &sv) == 0 && sv.f_blocks > 0, "statvfs");
	}
	/* record locks and flock */
	{
		struct flock fl = {
		    .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
		CHECK(fcntl(mfd, F_SETLK, &fl) == 0, "F_SETLK (%s)", strerror(errno));
		fl.l_type = F_UNLCK;
		CHECK(fcntl(mfd, F_SETLK, &fl) == 0, "F_UNLCK");
		CHECK(flock(mfd, LOCK_EX) == 0 && flock(mfd, LOCK_UN) == 0, "flock");
	}
	/* fork: the child reaches BenchFS on its own and its write is seen */
	pid = fork();
	if (pid == 0) {
		int x = open(at(M, "child"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
		ssize_t w = x >= 0 ? write(x, "from the child", 14) : -1;
		ssize_t r = pread(mfd, c, 10, 0); /* the parent's descriptor, reopened */
		_exit(x >= 0 && w == 14 && close(x) == 0 && r == 10 && !memcmp(c, b, 10) ? 0 : 3);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "fork child");
	d = open(at(M, "child"), O_RDONLY);
	CHECK(d >= 0 && read(d, line, 100) == 14 && !memcmp(line, "from the child", 14),
	      "the child's write");
	close(d);
	/* glibc functions that would go around the wrappers: glob, mkstemp, mkdtemp, pathconf */
	{
		glob_t g;
		char t[4200], dt[4200];
		int tfd;

		CHECK(glob(at(M, "mi*"), 0, NULL, &g) == 0 && g.gl_pathc == 1 &&
		          !strcmp(g.gl_pathv[0], at(M, "mix")),
		      "glob %s", at(M, "mi*"));
		globfree(&g);
		snprintf(t, sizeof(t), "%s/tmpXXXXXX", M);
		tfd = mkstemp(t);
		CHECK(tfd >= 0 && write(tfd, "t", 1) == 1 && fstat(tfd, &sm) == 0 &&
		          sm.st_size == 1 && sm.st_dev != sl.st_dev,
		      "mkstemp in BenchFS: %s", t);
		close(tfd);
		CHECK(unlink(t) == 0, "unlink the mkstemp file");
		snprintf(dt, sizeof(dt), "%s/dirXXXXXX", M);
		CHECK(mkdtemp(dt) && stat(dt, &sm) == 0 && S_ISDIR(sm.st_mode) && rmdir(dt) == 0,
		      "mkdtemp in BenchFS: %s", dt);
		CHECK(pathconf(M, _PC_NAME_MAX) == 255, "pathconf _PC_NAME_MAX");
	}
	/* the benchfs: spelling of the same file (what PnetCDF hands to open) */
	if (S[0]) {
		d = open(at(S, "mix"), O_RDONLY);
		CHECK(d >= 0 && pread(d, c, 10, 0) == 10 && !memcmp(c, b, 10), "open %s",
		      at(S, "mix"));
		close(d);
		CHECK(stat(at(S, "mix"), &sm) == 0 && sm.st_size == (off_t)sizeof(b), "stat %s",
		      at(S, "mix"));
	}
	CHECK(close(lfd) == 0 && close(mfd) == 0, "close both");
	CHECK(ERR(close(mfd)) == EBADF, "closed: EBADF");
}

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: posix_calls LOCAL_DIR BENCHFS_DIR [benchfs:/DIR]\n");
		return 2;
	}
	snprintf(L, sizeof(L), "%s", argv[1]);
	snprintf(M, sizeof(M), "%s", argv[2]);
	if (argc == 4)
		snprintf(S, sizeof(S), "%s", argv[3]);
	mkdir(L, 0755);
	mkdir(M, 0755);
	errnos();
	mixing();
	printf("%d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
