/*
 * path_test.c - unit tests of path normalization and metadata keys (src/common/path.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "benchfs.h"
#include "common/path.h"

struct norm_case {
	const char *in;
	const char *out; /* NULL: an error is expected */
	int err;
};

/* test_normalize_table - the normal form of common inputs, and the errors of bad ones. */
static void test_normalize_table(void **state)
{
	static const struct norm_case cases[] = {
	    {"/", "/", 0},
	    {"//", "/", 0},
	    {"/a", "/a", 0},
	    {"/a/", "/a", 0},
	    {"/a/b/", "/a/b", 0},
	    {"//a///b/", "/a/b", 0},
	    {"/a/./b", "/a/b", 0},
	    {"/./a/.", "/a", 0},
	    {"/.", "/", 0},
	    {"/a/../b", "/b", 0},
	    {"/a/b/../../c", "/c", 0},
	    {"/a/b/c/..", "/a/b", 0},
	    {"/a/..", "/", 0},
	    {"/..", "/", 0},
	    {"/../..", "/", 0},
	    {"/../a", "/a", 0},
	    {"/a/../../b/", "/b", 0},
	    {"/...", "/...", 0},
	    {"/..a/.b/a..", "/..a/.b/a..", 0},
	    {"/a b/c", "/a b/c", 0},
	    {"", NULL, -EINVAL},
	    {"relative", NULL, -EINVAL},
	    {"a/b", NULL, -EINVAL},
	    {"./a", NULL, -EINVAL},
	    {"../a", NULL, -EINVAL},
	};
	char out[BENCHFS_PATH_MAX + 1];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = bfs_path_normalize(cases[i].in, out, sizeof(out));

		if (!cases[i].out) {
			assert_int_equal(r, cases[i].err);
			continue;
		}
		assert_int_equal(r, (int)strlen(cases[i].out));
		assert_string_equal(out, cases[i].out);
	}
	assert_int_equal(bfs_path_normalize(NULL, out, sizeof(out)), -EINVAL);
}

/* test_normalize_idempotent - normalizing a normal path gives it back unchanged. */
static void test_normalize_idempotent(void **state)
{
	static const char *const in[] = {"//x/./y/../z//", "/", "/a/b/c", "/../q/"};
	char a[64], b[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		int la = bfs_path_normalize(in[i], a, sizeof(a));
		int lb = bfs_path_normalize(a, b, sizeof(b));

		assert_true(la > 0);
		assert_int_equal(la, lb);
		assert_string_equal(a, b);
	}
}

/* test_name_too_long - a 255-byte component passes, a 256-byte one gives -ENAMETOOLONG. */
static void test_name_too_long(void **state)
{
	char in[BENCHFS_NAME_MAX + 16], out[BENCHFS_NAME_MAX + 16];

	(void)state;
	in[0] = '/';
	memset(in + 1, 'n', BENCHFS_NAME_MAX);
	in[1 + BENCHFS_NAME_MAX] = '\0';
	assert_int_equal(bfs_path_normalize(in, out, sizeof(out)), BENCHFS_NAME_MAX + 1);
	assert_string_equal(in, out);

	in[1 + BENCHFS_NAME_MAX] = 'n';
	in[2 + BENCHFS_NAME_MAX] = '\0';
	assert_int_equal(bfs_path_normalize(in, out, sizeof(out)), -ENAMETOOLONG);

	/* also when the over-long component is a parent removed again by ".." */
	strcpy(in + 2 + BENCHFS_NAME_MAX, "/..");
	assert_int_equal(bfs_path_normalize(in, out, sizeof(out)), -ENAMETOOLONG);
}

/* fill_path - a path of @len bytes made of 9-byte components "/dddddddd" plus a tail. */
static void fill_path(char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = i % 9 == 0 ? '/' : 'd';
	if (p[len - 1] == '/')
		p[len - 1] = 'e';
	p[len] = '\0';
}

/* test_path_too_long - a 4095-byte path passes, a 4096-byte one gives -ENAMETOOLONG. */
static void test_path_too_long(void **state)
{
	char *in = malloc(2 * BENCHFS_PATH_MAX);
	char *out = malloc(2 * BENCHFS_PATH_MAX);

	(void)state;
	assert_non_null(in);
	assert_non_null(out);
	fill_path(in, BENCHFS_PATH_MAX);
	assert_int_equal(bfs_path_normalize(in, out, 2 * BENCHFS_PATH_MAX), BENCHFS_PATH_MAX);
	assert_string_equal(in, out);

	fill_path(in, BENCHFS_PATH_MAX + 1);
	assert_int_equal(bfs_path_normalize(in, out, 2 * BENCHFS_PATH_MAX), -ENAMETOOLONG);

	/* a long input whose normal form is short is fine: only the result counts */
	memset(in, '/', BENCHFS_PATH_MAX + 100);
	strcpy(in + BENCHFS_PATH_MAX + 100, "x");
	assert_int_equal(bfs_path_normalize(in, out, 2 * BENCHFS_PATH_MAX), 2);
	assert_string_equal(out, "/x");
	free(in);
	free(out);
}

/* test_normalize_cap - the output buffer must hold the result and its NUL. */
static void test_normalize_cap(void **state)
{
	char out[8];

	(void)state;
	assert_int_equal(bfs_path_normalize("/abc", out, 5), 4);
	assert_string_equal(out, "/abc");
	assert_int_equal(bfs_path_normalize("/abc", out, 4), -ENAMETOOLONG);
	assert_int_equal(bfs_path_normalize("/", out, 1), -ENAMETOOLONG);
	assert_int_equal(bfs_path_normalize("/", out, 2), 1);
	/* intermediate components longer than @cap do not matter */
	assert_int_equal(bfs_path_normalize("/verylongname/../b", out, 3), 2);
	assert_string_equal(out, "/b");
}

/* test_key_format - the key is parent '\0' basename. */
static void test_key_format(void **state)
{
	char key[64];

	(void)state;
	assert_int_equal(bfs_path_key("/a", 2, key, sizeof(key)), 3);
	assert_memory_equal(key, "/\0a", 3);
	assert_int_equal(bfs_path_key("/a/b", 4, key, sizeof(key)), 4);
	assert_memory_equal(key, "/a\0b", 4);
	assert_int_equal(bfs_path_key("/a/b/c", 6, key, sizeof(key)), 6);
	assert_memory_equal(key, "/a/b\0c", 6);
	assert_int_equal(bfs_path_key("/dir/file.txt", 13, key, sizeof(key)), 13);
	assert_memory_equal(key, "/dir\0file.txt", 13);

	assert_int_equal(bfs_path_key("/", 1, key, sizeof(key)), -EINVAL);
	assert_int_equal(bfs_path_key("/a", 2, key, 2), -ENAMETOOLONG);
	assert_int_equal(bfs_path_key("/a/b", 4, key, 3), -ENAMETOOLONG);
	assert_int_equal(bfs_path_key("/a/b", 4, key, 4), 4);
}

/* test_key_round_trip - bfs_path_from_key() inverts bfs_path_key(). */
static void test_key_round_trip(void **state)
{
	static const char *const paths[] = {"/a", "/a/b", "/a/b/c", "/x.y/z z/..w", "/0/1/2/3/4/5"};
	char key[64], out[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		size_t len = strlen(paths[i]);
		int kl = bfs_path_key(paths[i], len, key, sizeof(key));

		assert_true(kl > 0);
		assert_non_null(memchr(key, '\0', (size_t)kl));
		assert_int_equal(bfs_path_from_key(key, (size_t)kl, out, sizeof(out)), (int)len);
		assert_string_equal(out, paths[i]);
	}
	assert_int_equal(bfs_path_from_key("/ab", 3, out, sizeof(out)), -EINVAL);
	assert_int_equal(bfs_path_from_key("/a\0b", 4, out, 4), -ENAMETOOLONG);
	assert_int_equal(bfs_path_from_key("/a\0b", 4, out, 5), 4);
	assert_string_equal(out, "/a/b");
	assert_int_equal(bfs_path_from_key("/\0b", 3, out, 3), 2);
	assert_string_equal(out, "/b");
}

/* test_key_order - children of a directory are contiguous and prefixed by dir '\0'. */
static void test_key_order(void **state)
{
	char k1[64], k2[64], k3[64];
	int l1, l2, l3;

	(void)state;
	/* "/a/b" (child of /a) and "/a/b/c" (grandchild) both start with the prefix of /a's
	 * subtree, but only the child starts with "/a\0" */
	l1 = bfs_path_key("/a/b", 4, k1, sizeof(k1));
	l2 = bfs_path_key("/a/b/c", 6, k2, sizeof(k2));
	l3 = bfs_path_key("/ab/c", 5, k3, sizeof(k3));
	assert_true(l1 > 0 && l2 > 0 && l3 > 0);
	assert_memory_equal(k1, "/a\0", 3);
	assert_memory_equal(k2, "/a/", 3);
	assert_memory_not_equal(k2, "/a\0", 3);
	assert_memory_equal(k3, "/ab\0", 4);
}

/* test_parent - length of the parent prefix. */
static void test_parent(void **state)
{
	(void)state;
	assert_int_equal(bfs_path_parent("/a/b", 4), 2);
	assert_int_equal(bfs_path_parent("/a", 2), 1);
	assert_int_equal(bfs_path_parent("/abc/de/f", 9), 7);
	assert_int_equal(bfs_path_parent("/", 1), 0);
}

/* test_base - the last component. */
static void test_base(void **state)
{
	const char *p = "/a/bc";

	(void)state;
	assert_ptr_equal(bfs_path_base(p, 5), p + 3);
	assert_string_equal(bfs_path_base("/a", 2), "a");
	assert_string_equal(bfs_path_base("/x/y/zzz", 8), "zzz");
	assert_string_equal(bfs_path_base("/", 1), "");
}

/* test_is_below - strict descendants only, on component boundaries. */
static void test_is_below(void **state)
{
	(void)state;
	assert_true(bfs_path_is_below("/a/b", 4, "/a", 2));
	assert_true(bfs_path_is_below("/a/b/c", 6, "/a", 2));
	assert_true(bfs_path_is_below("/a/b/c", 6, "/a/b", 4));
	assert_true(bfs_path_is_below("/a", 2, "/", 1));
	assert_true(bfs_path_is_below("/a/b", 4, "/", 1));
	assert_false(bfs_path_is_below("/ab", 3, "/a", 2));
	assert_false(bfs_path_is_below("/ab/c", 5, "/a", 2));
	assert_false(bfs_path_is_below("/a", 2, "/a", 2));
	assert_false(bfs_path_is_below("/", 1, "/", 1));
	assert_false(bfs_path_is_below("/a", 2, "/a/b", 4));
	assert_false(bfs_path_is_below("/b/a", 4, "/a", 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_normalize_table), cmocka_unit_test(test_normalize_idempotent),
	    cmocka_unit_test(test_name_too_long),   cmocka_unit_test(test_path_too_long),
	    cmocka_unit_test(test_normalize_cap),   cmocka_unit_test(test_key_format),
	    cmocka_unit_test(test_key_round_trip),  cmocka_unit_test(test_key_order),
	    cmocka_unit_test(test_parent),          cmocka_unit_test(test_base),
	    cmocka_unit_test(test_is_below),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
