/*
 * addrfile_test.c - unit tests of src/net/addrfile.c: what bfs_addrfile_write writes parses
 * back, and malformed files are -EINVAL (among them a server line without a space before its
 * address, which crashed benchfs_init(): found by tests/fuzz/fuzz_addrfile).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/ring.h"
#include "net/addrfile.h"

/* parse_text - bfs_addrfile_parse of @text. */
static int parse_text(const char *text, struct bfs_addrfile *af)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	assert_non_null(f);
	rc = bfs_addrfile_parse(f, af);
	fclose(f);
	return rc;
}

static void test_roundtrip(void **state)
{
	uint8_t a0[20], a1[3] = {0, 0xff, 0x10};
	void *addrs[2] = {a0, a1};
	size_t lens[2] = {sizeof(a0), sizeof(a1)};
	char path[] = "/tmp/addrfile_test.XXXXXX";
	struct bfs_addrfile af;
	int fd = mkstemp(path);
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	for (size_t i = 0; i < sizeof(a0); i++)
		a0[i] = (uint8_t)(i * 13);
	assert_int_equal(bfs_addrfile_write(path, 0xfedcba9876543210ull, 2, addrs, lens,
	                                    BFS_RING_VNODES_DEFAULT, BFS_RING_SEED_DEFAULT),
	                 0);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(bfs_addrfile_parse(f, &af), 0);
	fclose(f);
	unlink(path);
	assert_int_equal(af.secret, 0xfedcba9876543210ull);
	assert_int_equal(af.nservers, 2);
	assert_int_equal(af.vnodes, BFS_RING_VNODES_DEFAULT);
	assert_int_equal(af.seed, BFS_RING_SEED_DEFAULT);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(af.lens[i], lens[i]);
		assert_memory_equal(af.addrs[i], addrs[i], lens[i]);
	}
	bfs_addrfile_free(&af);
	assert_null(af.addrs);
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
	    "",
	    "benchfs-addr 1\nsecret 1\nservers 1\nvnodes 1\nseed 1\nserver 0 00\n",
	    "benchfs-addr 2\nsecret 1\nservers 0\nvnodes 1\nseed 1\n",
	    "benchfs-addr 2\nsecret 1\nservers 2\nvnodes 1\nseed 1\nserver 0 00\n",
	    "benchfs-addr 2\nsecret 1\nservers 2\nvnodes 1\nseed 1\nserver 0 00\nserver 2 00\n",
	    "benchfs-addr 2\nsecret 1\nservers 1\nvnodes 1\nseed 1\nserver 0 abc\n",
	    "benchfs-addr 2\nsecret 1\nservers 1\nvnodes 1\nseed 1\nserver 0 0g\n",
	    "benchfs-addr 2\nsecret 1\nservers 1\nvnodes 1\nseed 1\nserver0\n",
	    "benchfs-addr 2\nsecret 1\nservers 1\nvnodes 1\nseed 1\nserver\t0\t00\n",
	};
	struct bfs_addrfile af;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse_text(bad[i], &af), -EINVAL);
		assert_null(af.addrs);
	}
	assert_int_equal(
	    parse_text("benchfs-addr 2 secret 1 servers 1 vnodes 1 seed 1\nserver 0 0a\n", &af), 0);
	assert_int_equal(af.lens[0], 1);
	bfs_addrfile_free(&af);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roundtrip),
	    cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
