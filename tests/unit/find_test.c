/*
 * find_test.c - unit tests of benchfs_find_match() and benchfs_strerror() (src/common/find.c):
 * the same answers as GNU find's -name, -type, -size and -newer.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "benchfs.h"

#define KiB 1024ull
#define MiB (1024ull * 1024)

static const struct timespec t0 = {1000, 500};

/* match_size - whether a regular file of @size bytes passes "-size <cmp><n><unit>". */
static int match_size(int cmp, uint64_t n, uint64_t unit, uint64_t size)
{
	struct benchfs_find_filter f = {0};

	f.size_cmp = cmp;
	f.size_units = n;
	f.size_unit = unit;
	return benchfs_find_match(&f, "f", S_IFREG | 0644, size, &t0);
}

/* test_empty_filter - no predicate (or no filter) passes everything. */
static void test_empty_filter(void **state)
{
	struct benchfs_find_filter f = {0};

	(void)state;
	assert_int_equal(benchfs_find_match(&f, "x", S_IFREG | 0600, 0, &t0), 1);
	assert_int_equal(benchfs_find_match(&f, "d", S_IFDIR | 0755, 4096, &t0), 1);
	assert_int_equal(benchfs_find_match(NULL, "x", S_IFLNK | 0777, 3, &t0), 1);
}

/* test_name - fnmatch(3) globs without flags on the last component. */
static void test_name(void **state)
{
	struct benchfs_find_filter f = {0};
	const mode_t m = S_IFREG | 0644;

	(void)state;
	f.name = "*.txt";
	assert_int_equal(benchfs_find_match(&f, "a.txt", m, 0, &t0), 1);
	assert_int_equal(benchfs_find_match(&f, ".txt", m, 0, &t0), 1);
	assert_int_equal(benchfs_find_match(&f, "a.txt.gz", m, 0, &t0), 0);
	assert_int_equal(benchfs_find_match(&f, "A.TXT", m, 0, &t0), 0);
	f.name = "*";
	assert_int_equal(benchfs_find_match(&f, ".hidden", m, 0, &t0), 1); /* no FNM_PERIOD */
	f.name = "file?";
	assert_int_equal(benchfs_find_match(&f, "file1", m, 0, &t0), 1);
	assert_int_equal(benchfs_find_match(&f, "file10", m, 0, &t0), 0);
	f.name = "[ab]*[0-9]";
	assert_int_equal(benchfs_find_match(&f, "b_7", m, 0, &t0), 1);
	assert_int_equal(benchfs_find_match(&f, "c_7", m, 0, &t0), 0);
	f.name = "exact";
	assert_int_equal(benchfs_find_match(&f, "exact", m, 0, &t0), 1);
	assert_int_equal(benchfs_find_match(&f, "exact2", m, 0, &t0), 0);
	f.name = "\\*";
	assert_int_equal(benchfs_find_match(&f, "*", m, 0, &t0), 1);
	assert_int_equal(benchfs_find_match(&f, "a", m, 0, &t0), 0);
}

/* test_type - -type f, d, l compare the file type bits only. */
static void test_type(void **state)
{
	struct benchfs_find_filter f = {0};

	(void)state;
	f.type = S_IFREG;
	assert_int_equal(benchfs_find_match(&f, "x", S_IFREG | 0777, 0, &t0), 1);
	assert_int_equal(benchfs_find_match(&f, "x", S_IFDIR | 0755, 0, &t0), 0);
	assert_int_equal(benchfs_find_match(&f, "x", S_IFLNK | 0777, 0, &t0), 0);
	f.type = S_IFDIR;
	assert_int_equal(benchfs_find_match(&f, "x", S_IFDIR | 01777, 0, &t0), 1);
	assert_int_equal(benchfs_find_match(&f, "x", S_IFREG | 0644, 0, &t0), 0);
	f.type = S_IFLNK;
	assert_int_equal(benchfs_find_match(&f, "x", S_IFLNK | 0777, 0, &t0), 1);
	assert_int_equal(benchfs_find_match(&f, "x", S_IFREG | 0777, 0, &t0), 0);
}

/* test_size_rounding - sizes are rounded up to whole units before comparing (GNU find). */
static void test_size_rounding(void **state)
{
	(void)state;
	/* -size 1M: 1 byte .. 1 MiB */
	assert_int_equal(match_size(2, 1, MiB, 0), 0);
	assert_int_equal(match_size(2, 1, MiB, 1), 1);
	assert_int_equal(match_size(2, 1, MiB, MiB), 1);
	assert_int_equal(match_size(2, 1, MiB, MiB + 1), 0);
	/* -size -1M: only empty files (the classic GNU find surprise) */
	assert_int_equal(match_size(-1, 1, MiB, 0), 1);
	assert_int_equal(match_size(-1, 1, MiB, 1), 0);
	assert_int_equal(match_size(-1, 1, MiB, 1000), 0);
	/* -size +1M: more than 1 MiB */
	assert_int_equal(match_size(1, 1, MiB, MiB), 0);
	assert_int_equal(match_size(1, 1, MiB, MiB + 1), 1);
	/* -size -2k: up to 1 KiB */
	assert_int_equal(match_size(-1, 2, KiB, KiB), 1);
	assert_int_equal(match_size(-1, 2, KiB, KiB + 1), 0);
	/* -size 1 (512-byte blocks, the default unit) */
	assert_int_equal(match_size(2, 1, 512, 512), 1);
	assert_int_equal(match_size(2, 1, 512, 513), 0);
	assert_int_equal(match_size(2, 0, 512, 0), 1);
	/* -size 1G */
	assert_int_equal(match_size(2, 1, 1ull << 30, 1ull << 30), 1);
	assert_int_equal(match_size(1, 1, 1ull << 30, (1ull << 30) + 1), 1);
}

/* test_size_bytes - with unit c (bytes) sizes compare exactly. */
static void test_size_bytes(void **state)
{
	(void)state;
	assert_int_equal(match_size(2, 100, 1, 100), 1);
	assert_int_equal(match_size(2, 100, 1, 101), 0);
	assert_int_equal(match_size(-1, 100, 1, 99), 1);
	assert_int_equal(match_size(-1, 100, 1, 100), 0);
	assert_int_equal(match_size(1, 100, 1, 101), 1);
	assert_int_equal(match_size(1, 100, 1, 100), 0);
	assert_int_equal(match_size(1, 0, 1, UINT64_MAX), 1);
	assert_int_equal(match_size(2, UINT64_MAX / MiB + 1, MiB, UINT64_MAX), 1);
}

/* test_newer - only mtimes strictly later than the reference pass, to the nanosecond. */
static void test_newer(void **state)
{
	struct benchfs_find_filter f = {0};
	struct timespec t;

	(void)state;
	f.newer = 1;
	f.newer_than = t0;
	t = t0;
	assert_int_equal(benchfs_find_match(&f, "x", S_IFREG, 0, &t), 0);
	t.tv_nsec = t0.tv_nsec + 1;
	assert_int_equal(benchfs_find_match(&f, "x", S_IFREG, 0, &t), 1);
	t.tv_nsec = t0.tv_nsec - 1;
	assert_int_equal(benchfs_find_match(&f, "x", S_IFREG, 0, &t), 0);
	t.tv_sec = t0.tv_sec + 1;
	t.tv_nsec = 0;
	assert_int_equal(benchfs_find_match(&f, "x", S_IFREG, 0, &t), 1);
	t.tv_sec = t0.tv_sec - 1;
	t.tv_nsec = 999999999;
	assert_int_equal(benchfs_find_match(&f, "x", S_IFREG, 0, &t), 0);
}

/* test_combined - all set predicates must pass. */
static void test_combined(void **state)
{
	struct benchfs_find_filter f = {0};
	struct timespec late = {2000, 0};

	(void)state;
	f.name = "*.dat";
	f.type = S_IFREG;
	f.size_cmp = 1;
	f.size_units = 1;
	f.size_unit = KiB;
	f.newer = 1;
	f.newer_than = t0;
	assert_int_equal(benchfs_find_match(&f, "a.dat", S_IFREG | 0644, 4096, &late), 1);
	assert_int_equal(benchfs_find_match(&f, "a.txt", S_IFREG | 0644, 4096, &late), 0);
	assert_int_equal(benchfs_find_match(&f, "a.dat", S_IFDIR | 0755, 4096, &late), 0);
	assert_int_equal(benchfs_find_match(&f, "a.dat", S_IFREG | 0644, 1024, &late), 0);
	assert_int_equal(benchfs_find_match(&f, "a.dat", S_IFREG | 0644, 4096, &t0), 0);
}

/* test_strerror - the text of a negative errno, and "Success" for 0. */
static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(benchfs_strerror(0), "Success");
	assert_string_equal(benchfs_strerror(-ENOENT), strerror(ENOENT));
	assert_string_equal(benchfs_strerror(-ETIMEDOUT), strerror(ETIMEDOUT));
	assert_string_equal(benchfs_strerror(-ENAMETOOLONG), strerror(ENAMETOOLONG));
	assert_non_null(benchfs_strerror(-99999));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_filter), cmocka_unit_test(test_name),
	    cmocka_unit_test(test_type),         cmocka_unit_test(test_size_rounding),
	    cmocka_unit_test(test_size_bytes),   cmocka_unit_test(test_newer),
	    cmocka_unit_test(test_combined),     cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
