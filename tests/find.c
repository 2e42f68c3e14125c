/*
 * find - benchfs_find over every server (each client scanning some servers, as benchfs-find
 * does) lists exactly the entries strictly below the start path (the start itself, a sibling
 * with the same prefix and entries elsewhere excluded), each once, with the filters: name glob,
 * type, size (-N, +N, exactly N, in units of c, k and M rounded up as GNU find), newer; the
 * entry fields (mode, size, mtime) are right; a callback's stop value is returned.
 */
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* The tree: /ft/dK (K = client rank) and /ft/dK0 (a prefix trap), each holding files
 * "f<size>.dat" of NSIZES sizes, "n<i>.txt" files of 0 bytes with an old mtime, a
 * subdirectory "sub" with a file "deep.dat" (3000 bytes), and a symlink "ln". */
static const uint64_t sizes[] = {0,    1,    511,  512,  513,     1023,
                                 1024, 1025, 2048, 2049, 1048576, 1048577};
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))
#define NOLD   5
#define OLD_MT 1000000

struct count {
	long n, bad;
	const char *prefix;
	int check_fields;
};

static int count_cb(const struct benchfs_find_entry *e, void *arg)
{
	struct count *c = arg;
	size_t pl = strcmp(c->prefix, "/") == 0 ? 0 : strlen(c->prefix);

	c->n++;
	if (strncmp(e->path, c->prefix, pl) != 0 || e->path[pl] != '/' || !e->path[pl + 1]) {
		if (c->bad++ < 5)
			bt_fail(__FILE__, __LINE__, "found %s, not below %s", e->path, c->prefix);
		return 0;
	}
	if (c->check_fields) {
		const char *name = strrchr(e->path, '/') + 1;
		unsigned long long sz;
		if (sscanf(name, "f%llu.dat", &sz) == 1) {
			if ((e->size != sz || e->mode != (S_IFREG | 0644)) && c->bad++ < 5)
				bt_fail(__FILE__, __LINE__, "%s: size %llu mode %o", e->path,
				        (unsigned long long)e->size, (unsigned)e->mode);
		} else if (strcmp(name, "ln") == 0) {
			if ((!S_ISLNK(e->mode) || e->size != 4) && c->bad++ < 5)
				bt_fail(__FILE__, __LINE__, "%s: size %llu mode %o", e->path,
				        (unsigned long long)e->size, (unsigned)e->mode);
		} else if (strcmp(name, "sub") == 0) {
			if (e->mode != (S_IFDIR | 0755) && c->bad++ < 5)
				bt_fail(__FILE__, __LINE__, "%s: mode %o", e->path,
				        (unsigned)e->mode);
		} else if (name[0] == 'n') {
			if (e->mtime.tv_sec != OLD_MT && c->bad++ < 5)
				bt_fail(__FILE__, __LINE__, "%s: mtime %lld", e->path,
				        (long long)e->mtime.tv_sec);
		}
	}
	return 0;
}

/* Entries found below @path by all servers, the scan spread over the clients (collective). */
static long find_all(const char *path, const struct benchfs_find_filter *flt, int fields)
{
	struct count c = {0, 0, path, fields};
	long total = 0;

	for (int s = bt_rank; s < bt_nservers; s += bt_size)
		CHECK_RC(benchfs_find(s, path, flt, count_cb, &c), 0);
	MPI_Allreduce(&c.n, &total, 1, MPI_LONG, MPI_SUM, bt_comm);
	return total;
}

static void make_dir(const char *d)
{
	char p[128];
	const struct timespec old[2] = {{OLD_MT, 0}, {OLD_MT, 0}};
	char *buf = calloc(1, 1048577);
	int fd;

	CHECK_RC(benchfs_mkdir(d, 0755), 0);
	for (size_t i = 0; i < NSIZES; i++) {
		snprintf(p, sizeof(p), "%s/f%llu.dat", d, (unsigned long long)sizes[i]);
		fd = (int)CHECK_OK(benchfs_open(p, O_WRONLY | O_CREAT | O_EXCL, 0644));
		CHECK_RC(benchfs_pwrite(fd, buf, sizes[i], 0), (long long)sizes[i]);
		CHECK_RC(benchfs_close(fd), 0);
	}
	for (int i = 0; i < NOLD; i++) {
		snprintf(p, sizeof(p), "%s/n%d.txt", d, i);
		fd = (int)CHECK_OK(benchfs_open(p, O_WRONLY | O_CREAT | O_EXCL, 0644));
		CHECK_RC(benchfs_close(fd), 0);
		CHECK_RC(benchfs_utimens(p, old), 0);
	}
	snprintf(p, sizeof(p), "%s/sub", d);
	CHECK_RC(benchfs_mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/sub/deep.dat", d);
	fd = (int)CHECK_OK(benchfs_open(p, O_WRONLY | O_CREAT | O_EXCL, 0644));
	CHECK_RC(benchfs_pwrite(fd, buf, 3000, 0), 3000);
	CHECK_RC(benchfs_close(fd), 0);
	snprintf(p, sizeof(p), "%s/ln", d);
	CHECK_RC(benchfs_symlink("/xyz", p), 0);
	free(buf);
}

/* How many of the sizes pass a GNU find -size test. */
static long sizes_matching(int cmp, uint64_t units, uint64_t unit)
{
	long n = 0;

	for (size_t i = 0; i < NSIZES; i++) {
		uint64_t u = (sizes[i] + unit - 1) / unit;
		n += cmp == -1 ? u < units : cmp == 1 ? u > units : u == units;
	}
	return n;
}

static int stop_cb(const struct benchfs_find_entry *e, void *arg)
{
	(void)e;
	++*(int *)arg;
	return 42;
}

int main(int argc, char **argv)
{
	char d[32], d0[32];
	long per_dir = (long)NSIZES + NOLD + 3; /* files, old files, sub, sub/deep.dat, ln */
	struct benchfs_find_filter flt;
	long n;

	bt_start(&argc, &argv);
	if (bt_rank == 0)
		CHECK_RC(benchfs_mkdir("/ft", 0755), 0);
	MPI_Barrier(bt_comm);
	snprintf(d, sizeof(d), "/ft/d%d", bt_rank);
	snprintf(d0, sizeof(d0), "/ft/d%d0", bt_rank);
	make_dir(d);
	make_dir(d0);
	if (bt_rank == 0) { /* outside /ft */
		CHECK_RC(benchfs_mkdir("/other", 0755), 0);
		CHECK_RC(benchfs_symlink("/x", "/other/f1.dat"), 0);
	}
	MPI_Barrier(bt_comm);

	long dirs = 2L * bt_size;
	memset(&flt, 0, sizeof(flt));
	CHECK_EQ(find_all("/ft", &flt, 1), dirs * (per_dir + 1));
	CHECK_EQ(find_all("/", &flt, 0), dirs * (per_dir + 1) + 1 + 2);
	CHECK_EQ(find_all("/ft/d0", &flt, 1), per_dir); /* not /ft/d00's entries */
	CHECK_EQ(find_all("/ft/d0/sub", &flt, 1), 1);
	CHECK_EQ(find_all("/ft/d0/sub/deep.dat", &flt, 0), 0);
	bt_note("find lists exactly the entries below the start, once each, right fields");

	flt.name = "*.dat";
	CHECK_EQ(find_all("/ft", &flt, 1), dirs * ((long)NSIZES + 1));
	CHECK_EQ(find_all("/", &flt, 0), dirs * ((long)NSIZES + 1) + 1);
	flt.name = "n?.txt";
	CHECK_EQ(find_all("/ft", &flt, 1), dirs * NOLD);
	flt.name = "d*";
	CHECK_EQ(find_all("/ft", &flt, 0), dirs + dirs); /* dK, dK0 and every deep.dat */
	memset(&flt, 0, sizeof(flt));
	flt.type = S_IFDIR;
	CHECK_EQ(find_all("/ft", &flt, 1), dirs * 2);
	flt.type = S_IFLNK;
	CHECK_EQ(find_all("/ft", &flt, 1), dirs);
	flt.type = S_IFREG;
	CHECK_EQ(find_all("/ft", &flt, 1), dirs * ((long)NSIZES + NOLD + 1));
	flt.name = "*.txt";
	CHECK_EQ(find_all("/ft", &flt, 0), dirs * NOLD);
	bt_note("name and type filters");

	/* size: within the .dat files of the first level (deep.dat is 3000 bytes) */
	static const struct {
		int cmp;
		uint64_t units, unit;
	} sz[] = {{2, 1024, 1},    {1, 1024, 1},    {-1, 1024, 1},  {2, 1, 1024}, {2, 2, 1024},
	          {-1, 1, 1024},   {1, 1, 1024},    {2, 3, 1024},   {2, 1, 512},  {2, 2, 512},
	          {2, 1, 1 << 20}, {2, 2, 1 << 20}, {1, 1, 1 << 20}};
	for (size_t i = 0; i < sizeof(sz) / sizeof(sz[0]); i++) {
		memset(&flt, 0, sizeof(flt));
		flt.type = S_IFREG;
		flt.name = "f*.dat";
		flt.size_cmp = sz[i].cmp;
		flt.size_units = sz[i].units;
		flt.size_unit = sz[i].unit;
		n = find_all("/ft", &flt, 1);
		if (n != dirs * sizes_matching(sz[i].cmp, sz[i].units, sz[i].unit))
			bt_fail(__FILE__, __LINE__, "-size %s%llu (unit %llu): found %ld, want %ld",
			        sz[i].cmp == -1  ? "-"
			        : sz[i].cmp == 1 ? "+"
			                         : "",
			        (unsigned long long)sz[i].units, (unsigned long long)sz[i].unit, n,
			        dirs * sizes_matching(sz[i].cmp, sz[i].units, sz[i].unit));
	}
	bt_note("size filters -N, +N, N with units c, b, k, M (rounded up)");

	memset(&flt, 0, sizeof(flt));
	flt.newer = 1;
	flt.newer_than.tv_sec = OLD_MT + 1;
	flt.type = S_IFREG;
	CHECK_EQ(find_all("/ft", &flt, 1), dirs * ((long)NSIZES + 1));
	flt.newer_than.tv_sec = OLD_MT - 1;
	CHECK_EQ(find_all("/ft", &flt, 1), dirs * ((long)NSIZES + NOLD + 1));
	bt_note("newer filter");

	/* the callback's stop value */
	if (bt_rank == 0) {
		int calls = 0, rc = 0;
		memset(&flt, 0, sizeof(flt));
		for (int s = 0; s < bt_nservers && !calls; s++)
			rc = benchfs_find(s, "/ft", &flt, stop_cb, &calls);
		CHECK_RC(rc, 42);
		CHECK_EQ(calls, 1);
		/* benchfs_find_match agrees on a simple case */
		struct timespec mt = {5, 0};
		flt.name = "*.dat";
		CHECK_EQ(benchfs_find_match(&flt, "x.dat", S_IFREG | 0644, 10, &mt), 1);
		CHECK_EQ(benchfs_find_match(&flt, "x.txt", S_IFREG | 0644, 10, &mt), 0);
	}
	return bt_finish();
}
