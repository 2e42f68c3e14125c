/*
 * ident_test.c - unit tests of src/server/ident.c: a server directory's identity file and lock,
 * and the start decision over every server's findings. A missing directory is found missing and
 * nothing is created by looking; a made directory reads back with its file-system id and layout;
 * BenchFS data without an identity file, a garbage identity file and a directory locked by
 * another holder are refused (the lock names its holder); a version-1 identity reads as fsid 0;
 * erasing for a new file system removes BenchFS's files only; the decision creates on a first
 * start or when asked, serves one file system, and refuses a partial start, two file systems
 * mixed, another layout and a directory in use.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "server/ident.h"
#include "unit_tmp.h"

#define VN   1024
#define SEED 0x1234u
#define FSID 0xabcdef0123456789ull

struct fixture {
	char base[64]; /* mkdtemp directory, removed at teardown */
	char dir[96];  /* base/server-0 (not created by setup) */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->base, "/tmp/ident_test.XXXXXX");
	if (!mkdtemp(f->base))
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/server-0", f->base);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	unit_rmtree(f->base);
	free(f);
	return 0;
}

static int path_exists(const char *dir, const char *name)
{
	char p[256];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return lstat(p, &st) == 0;
}

static void put_file(const char *dir, const char *name, const char *text)
{
	char p[256];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void missing_dir_is_missing_and_untouched(void **state)
{
	struct fixture *f = *state;
	struct bfs_ident id;
	struct stat st;
	int fd;

	bfs_ident_probe(f->dir, &id, &fd);
	assert_int_equal(id.state, BFS_IDENT_MISSING);
	assert_int_equal(fd, -1);
	assert_int_not_equal(stat(f->dir, &st), 0); /* looking created nothing */
}

static void made_dir_reads_back(void **state)
{
	struct fixture *f = *state;
	struct bfs_ident id;
	int fd = -1, fd2;

	assert_int_equal(bfs_ident_make(f->dir, FSID, 3, 5, VN, SEED, 0, &fd), 0);
	assert_true(fd >= 0);
	close(fd); /* the lock goes with the descriptor */
	bfs_ident_probe(f->dir, &id, &fd2);
	assert_int_equal(id.state, BFS_IDENT_PRESENT);
	assert_true(id.fsid == FSID);
	assert_int_equal(id.index, 3);
	assert_int_equal(id.count, 5);
	assert_int_equal(id.vnodes, VN);
	assert_true(id.seed == SEED);
	assert_true(fd2 >= 0);
	close(fd2);
}

static void lock_refuses_second_holder(void **state)
{
	struct fixture *f = *state;
	struct bfs_ident id;
	char line[128] = {0}, host[64] = {0};
	int fd = -1, fd2, lfd;
	long pid = 0;

	assert_int_equal(bfs_ident_make(f->dir, FSID, 0, 1, VN, SEED, 0, &fd), 0);
	bfs_ident_probe(f->dir, &id, &fd2); /* a second open file description: refused */
	assert_int_equal(id.state, BFS_IDENT_BAD);
	assert_int_equal(id.err, -EBUSY);
	assert_int_equal(fd2, -1);
	assert_int_equal(bfs_ident_make(f->dir, FSID, 0, 1, VN, SEED, 0, &fd2), -EBUSY);
	/* the lock file names the holder: this host, this process */
	snprintf(line, sizeof(line), "%s/benchfs.lock", f->dir);
	lfd = open(line, O_RDONLY);
	assert_true(lfd >= 0);
	memset(line, 0, sizeof(line));
	assert_true(read(lfd, line, sizeof(line) - 1) > 0);
	close(lfd);
	assert_int_equal(sscanf(line, "%63s %ld", host, &pid), 2);
	assert_int_equal(pid, (long)getpid());
	close(fd);
	bfs_ident_probe(f->dir, &id, &fd2); /* released: free again */
	assert_int_equal(id.state, BFS_IDENT_PRESENT);
	close(fd2);
}

static void data_without_identity_is_refused(void **state)
{
	struct fixture *f = *state;
	struct bfs_ident id;
	char p[128];
	int fd;

	snprintf(p, sizeof(p), "%s/meta", f->dir);
	assert_int_equal(mkdir(f->dir, 0700), 0);
	assert_int_equal(mkdir(p, 0700), 0);
	bfs_ident_probe(f->dir, &id, &fd);
	assert_int_equal(id.state, BFS_IDENT_BAD);
	assert_int_equal(id.err, -ENOENT);
	close(fd);
	put_file(f->dir, "benchfs.id", "something else\n");
	bfs_ident_probe(f->dir, &id, &fd);
	assert_int_equal(id.state, BFS_IDENT_BAD);
	assert_int_equal(id.err, -EINVAL);
	close(fd);
	put_file(f->dir, "benchfs.id",
	         "benchfs-data 2\nfsid 0\nserver 0\nservers 1\nvnodes 1\nseed 1\n");
	bfs_ident_probe(f->dir, &id, &fd); /* version 2 needs a file-system id */
	assert_int_equal(id.state, BFS_IDENT_BAD);
	close(fd);
}

static void empty_dir_is_missing(void **state)
{
	struct fixture *f = *state;
	struct bfs_ident id;
	int fd;

	assert_int_equal(mkdir(f->dir, 0700), 0);
	put_file(f->dir, "notes.txt", "a user's file\n");
	bfs_ident_probe(f->dir, &id, &fd);
	assert_int_equal(id.state, BFS_IDENT_MISSING);
	close(fd);
}

static void version1_reads_as_fsid_zero(void **state)
{
	struct fixture *f = *state;
	struct bfs_ident id;
	int fd;

	assert_int_equal(mkdir(f->dir, 0700), 0);
	put_file(f->dir, "benchfs.id",
	         "benchfs-data 1\nserver 2\nservers 4\nvnodes 1024\nseed 1234\n");
	bfs_ident_probe(f->dir, &id, &fd);
	assert_int_equal(id.state, BFS_IDENT_PRESENT);
	assert_true(id.fsid == 0);
	assert_int_equal(id.index, 2);
	assert_int_equal(id.count, 4);
	close(fd);
}

static void erase_removes_only_ours(void **state)
{
	struct fixture *f = *state;
	char p[128];
	int fd = -1;

	assert_int_equal(bfs_ident_make(f->dir, FSID, 0, 1, VN, SEED, 0, &fd), 0);
	snprintf(p, sizeof(p), "%s/obj", f->dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/obj/07", f->dir);
	assert_int_equal(mkdir(p, 0700), 0);
	put_file(p, "0000000000000007", "chunk bytes");
	snprintf(p, sizeof(p), "%s/meta", f->dir);
	assert_int_equal(mkdir(p, 0700), 0);
	put_file(p, "data.mdb", "x");
	put_file(f->dir, "stats.json", "{}");
	put_file(f->dir, "notes.txt", "a user's file\n");
	assert_int_equal(bfs_ident_make(f->dir, FSID + 1, 0, 1, VN, SEED, 1, &fd), 0);
	assert_false(path_exists(f->dir, "obj"));
	assert_false(path_exists(f->dir, "meta"));
	assert_false(path_exists(f->dir, "stats.json"));
	assert_true(path_exists(f->dir, "notes.txt"));
	assert_true(path_exists(f->dir, "benchfs.id"));
	close(fd);
}

/* ---- the decision ------------------------------------------------------------------------ */

static struct bfs_ident present(uint32_t index, uint32_t count, uint64_t fsid)
{
	return (struct bfs_ident){.state = BFS_IDENT_PRESENT,
	                          .index = index,
	                          .count = count,
	                          .vnodes = VN,
	                          .seed = SEED,
	                          .fsid = fsid};
}

static const struct bfs_ident missing = {.state = BFS_IDENT_MISSING};

static enum bfs_ident_verdict decide(const struct bfs_ident *all, uint32_t n, int new_fs,
                                     uint64_t *fsid, int *err)
{
	*fsid = 42; /* the caller's fresh id */
	return bfs_ident_decide(all, n, VN, SEED, new_fs, -1, NULL, fsid, err);
}

static void decide_first_start_creates(void **state)
{
	struct bfs_ident all[3] = {missing, missing, missing};
	uint64_t fsid;
	int err;

	(void)state;
	assert_int_equal(decide(all, 3, 0, &fsid, &err), BFS_IDENT_CREATE);
	assert_true(fsid == 42);
}

static void decide_serves_one_file_system(void **state)
{
	struct bfs_ident all[3] = {present(0, 3, FSID), present(1, 3, FSID), present(2, 3, FSID)};
	uint64_t fsid;
	int err;

	(void)state;
	assert_int_equal(decide(all, 3, 0, &fsid, &err), BFS_IDENT_SERVE);
	assert_true(fsid == FSID);
	assert_int_equal(decide(all, 3, 1, &fsid, &err), BFS_IDENT_CREATE); /* asked for */
	assert_true(fsid == 42);
}

static void decide_refuses_partial(void **state)
{
	struct bfs_ident all[3] = {present(0, 3, FSID), missing, present(2, 3, FSID)};
	uint64_t fsid;
	int err;

	(void)state;
	assert_int_equal(decide(all, 3, 0, &fsid, &err), BFS_IDENT_REFUSE);
	assert_int_equal(err, -ENOENT);
	assert_int_equal(decide(all, 3, 1, &fsid, &err), BFS_IDENT_CREATE);
}

static void decide_refuses_mixed_file_systems(void **state)
{
	struct bfs_ident all[3] = {present(0, 3, FSID), present(1, 3, FSID + 1),
	                           present(2, 3, FSID)};
	uint64_t fsid;
	int err;

	(void)state;
	assert_int_equal(decide(all, 3, 0, &fsid, &err), BFS_IDENT_REFUSE);
	assert_int_equal(err, -ESTALE);
}

static void decide_refuses_other_layout(void **state)
{
	struct bfs_ident two[3] = {present(0, 2, FSID), present(1, 2, FSID), missing};
	struct bfs_ident swapped[2] = {present(1, 2, FSID), present(0, 2, FSID)};
	struct bfs_ident ring[2] = {present(0, 2, FSID), present(1, 2, FSID)};
	uint64_t fsid;
	int err;

	(void)state;
	assert_int_equal(decide(two, 3, 0, &fsid, &err), BFS_IDENT_REFUSE); /* 2 -> 3 servers */
	assert_int_equal(err, -ESTALE);
	assert_int_equal(decide(two, 1, 0, &fsid, &err), BFS_IDENT_REFUSE); /* 2 -> 1 */
	assert_int_equal(err, -ESTALE);
	assert_int_equal(decide(swapped, 2, 0, &fsid, &err), BFS_IDENT_REFUSE);
	assert_int_equal(err, -ESTALE);
	ring[1].vnodes = VN / 2;
	assert_int_equal(decide(ring, 2, 0, &fsid, &err), BFS_IDENT_REFUSE);
	assert_int_equal(err, -ESTALE);
}

static void decide_never_takes_a_busy_dir(void **state)
{
	struct bfs_ident all[2] = {present(0, 2, FSID), {.state = BFS_IDENT_BAD, .err = -EBUSY}};
	uint64_t fsid;
	int err;

	(void)state;
	assert_int_equal(decide(all, 2, 0, &fsid, &err), BFS_IDENT_REFUSE);
	assert_int_equal(err, -EBUSY);
	assert_int_equal(decide(all, 2, 1, &fsid, &err), BFS_IDENT_REFUSE);
	assert_int_equal(err, -EBUSY);
	all[1].err = -EINVAL; /* a broken directory: a new file system may erase it */
	assert_int_equal(decide(all, 2, 0, &fsid, &err), BFS_IDENT_REFUSE);
	assert_int_equal(err, -EINVAL);
	assert_int_equal(decide(all, 2, 1, &fsid, &err), BFS_IDENT_CREATE);
}

static void decide_adopts_version1(void **state)
{
	struct bfs_ident all[2] = {present(0, 2, 0), present(1, 2, 0)};
	uint64_t fsid;
	int err;

	(void)state;
	assert_int_equal(decide(all, 2, 0, &fsid, &err), BFS_IDENT_ADOPT);
	assert_true(fsid == 42);
	all[1].fsid = FSID; /* one of each: two file systems */
	assert_int_equal(decide(all, 2, 0, &fsid, &err), BFS_IDENT_REFUSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(missing_dir_is_missing_and_untouched, setup, teardown),
	    cmocka_unit_test_setup_teardown(made_dir_reads_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(lock_refuses_second_holder, setup, teardown),
	    cmocka_unit_test_setup_teardown(data_without_identity_is_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(empty_dir_is_missing, setup, teardown),
	    cmocka_unit_test_setup_teardown(version1_reads_as_fsid_zero, setup, teardown),
	    cmocka_unit_test_setup_teardown(erase_removes_only_ours, setup, teardown),
	    cmocka_unit_test(decide_first_start_creates),
	    cmocka_unit_test(decide_serves_one_file_system),
	    cmocka_unit_test(decide_refuses_partial),
	    cmocka_unit_test(decide_refuses_mixed_file_systems),
	    cmocka_unit_test(decide_refuses_other_layout),
	    cmocka_unit_test(decide_never_takes_a_busy_dir),
	    cmocka_unit_test(decide_adopts_version1),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
