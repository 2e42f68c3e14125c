/*
 * wire_test.c - unit tests of src/net/wire.c: header and inode round trips, rejection of
 * malformed headers, payload strings, READDIR/FIND entries, and a random-input fuzz loop.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>

#include <cmocka.h>

#include "benchfs.h"
#include "net/wire.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* every op the protocol knows */
static const uint8_t known_ops[] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 16,
                                    17, 18, 19, 20, 21, 22, 32, 33, 34, 35, 36, 37};

/* is_known - 1 when @op is listed in known_ops. */
static int is_known(unsigned op)
{
	for (size_t i = 0; i < sizeof(known_ops); i++)
		if (known_ops[i] == op)
			return 1;
	return 0;
}

/* sample_req - a request whose every field holds a distinct, byte-order revealing value. */
static struct bfs_req sample_req(void)
{
	struct bfs_req r;

	memset(&r, 0, sizeof(r));
	r.op = BFS_OP_FIND;
	r.flags = 0xa55a;
	r.reqid = 0x0102030405060708ull;
	r.secret = 0xfedcba9876543210ull;
	r.ino = 0x1112131415161718ull;
	r.offset = 0x2122232425262728ull;
	r.length = 0x3132333435363738ull;
	r.mode = 0x41424344u;
	r.uid = 0x51525354u;
	r.gid = 0x61626364u;
	r.chunk_size = 0x71727374u;
	r.size = 0x8182838485868788ull;
	r.atime_ns = 0x1234567890abcdefll;
	r.mtime_ns = 0x0fedcba987654321ll;
	r.len[0] = 0x91929394u;
	r.len[1] = 0xa1a2a3a4u;
	r.len[2] = 0xb1b2b3b4u;
	r.max = 0xc1c2c3c4u;
	r.client = 0xd1d2d3d4u;
	return r;
}

/* sample_inode - an inode record with distinct field values. */
static struct bfs_inode sample_inode(void)
{
	struct bfs_inode i;

	memset(&i, 0, sizeof(i));
	i.ino = 0x0001000000000abcull;
	i.mode = S_IFREG | 0644;
	i.uid = 1000;
	i.gid = 0x80000001u;
	i.chunk_size = 1 << 20;
	i.size = 0xffffffffffffff00ull;
	i.atime_ns = 1700000000123456789ll;
	i.mtime_ns = 1600000000987654321ll;
	i.ctime_ns = 1500000000000000001ll;
	i.target_len = 4095;
	return i;
}

/* sample_rep - a reply with distinct field values. */
static struct bfs_rep sample_rep(void)
{
	struct bfs_rep r;

	memset(&r, 0, sizeof(r));
	r.version = BFS_WIRE_VERSION;
	r.op = BFS_OP_LOOKUP;
	r.flags = BFS_F_MORE | 0x0003;
	r.reqid = 0xdeadbeefcafef00dull;
	r.status = 0x7ffffff0;
	r.count = 0x01020304u;
	r.length = 0x1122334455667788ull;
	r.inode = sample_inode();
	return r;
}

/* assert_req_equal - compare every field of two requests. */
static void assert_req_equal(const struct bfs_req *a, const struct bfs_req *b)
{
	assert_int_equal(a->op, b->op);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->reqid, b->reqid);
	assert_int_equal(a->secret, b->secret);
	assert_int_equal(a->ino, b->ino);
	assert_int_equal(a->offset, b->offset);
	assert_int_equal(a->length, b->length);
	assert_int_equal(a->mode, b->mode);
	assert_int_equal(a->uid, b->uid);
	assert_int_equal(a->gid, b->gid);
	assert_int_equal(a->chunk_size, b->chunk_size);
	assert_int_equal(a->size, b->size);
	assert_true(a->atime_ns == b->atime_ns);
	assert_true(a->mtime_ns == b->mtime_ns);
	for (int i = 0; i < BFS_WIRE_NSTR; i++)
		assert_int_equal(a->len[i], b->len[i]);
	assert_int_equal(a->max, b->max);
	assert_int_equal(a->client, b->client);
}

/* assert_inode_equal - compare every field of two inode records. */
static void assert_inode_equal(const struct bfs_inode *a, const struct bfs_inode *b)
{
	assert_int_equal(a->ino, b->ino);
	assert_int_equal(a->mode, b->mode);
	assert_int_equal(a->uid, b->uid);
	assert_int_equal(a->gid, b->gid);
	assert_int_equal(a->chunk_size, b->chunk_size);
	assert_int_equal(a->size, b->size);
	assert_true(a->atime_ns == b->atime_ns);
	assert_true(a->mtime_ns == b->mtime_ns);
	assert_true(a->ctime_ns == b->ctime_ns);
	assert_int_equal(a->target_len, b->target_len);
}

/* assert_rep_equal - compare every field of two replies. */
static void assert_rep_equal(const struct bfs_rep *a, const struct bfs_rep *b)
{
	assert_int_equal(a->op, b->op);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->reqid, b->reqid);
	assert_true(a->status == b->status);
	assert_int_equal(a->count, b->count);
	assert_int_equal(a->length, b->length);
	assert_inode_equal(&a->inode, &b->inode);
}

/* le_at - little-endian value of @n bytes at @p, to check the layout independently. */
static uint64_t le_at(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* test_req_roundtrip - every request field survives encode/decode, at its documented offset. */
static void test_req_roundtrip(void **state)
{
	struct bfs_req r = sample_req(), d;
	uint8_t buf[BFS_WIRE_REQ_SIZE];

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	bfs_wire_encode_req(&r, buf);
	assert_int_equal(le_at(buf, 4), BFS_WIRE_MAGIC);
	assert_memory_equal(buf, "BFS1", 4);
	assert_int_equal(buf[4], BFS_WIRE_VERSION);
	assert_int_equal(buf[5], BFS_OP_FIND);
	assert_int_equal(le_at(buf + 6, 2), r.flags);
	assert_int_equal(le_at(buf + 8, 8), r.reqid);
	assert_int_equal(le_at(buf + 16, 8), r.secret);
	assert_int_equal(le_at(buf + 24, 8), r.ino);
	assert_int_equal(le_at(buf + 32, 8), r.offset);
	assert_int_equal(le_at(buf + 40, 8), r.length);
	assert_int_equal(le_at(buf + 48, 4), r.mode);
	assert_int_equal(le_at(buf + 52, 4), r.uid);
	assert_int_equal(le_at(buf + 56, 4), r.gid);
	assert_int_equal(le_at(buf + 60, 4), r.chunk_size);
	assert_int_equal(le_at(buf + 64, 8), r.size);
	assert_int_equal(le_at(buf + 72, 8), (uint64_t)r.atime_ns);
	assert_int_equal(le_at(buf + 80, 8), (uint64_t)r.mtime_ns);
	assert_int_equal(le_at(buf + 88, 4), r.len[0]);
	assert_int_equal(le_at(buf + 92, 4), r.len[1]);
	assert_int_equal(le_at(buf + 96, 4), r.len[2]);
	assert_int_equal(le_at(buf + 100, 4), r.max);
	assert_int_equal(le_at(buf + 104, 4), r.client);
	for (int i = 108; i < BFS_WIRE_REQ_SIZE; i++)
		assert_int_equal(buf[i], 0);

	memset(&d, 0x5a, sizeof(d));
	assert_int_equal(bfs_wire_decode_req(buf, sizeof(buf), &d), 0);
	assert_int_equal(d.version, BFS_WIRE_VERSION);
	assert_req_equal(&r, &d);

	/* every known op round-trips */
	for (size_t i = 0; i < sizeof(known_ops); i++) {
		r.op = known_ops[i];
		bfs_wire_encode_req(&r, buf);
		assert_int_equal(bfs_wire_decode_req(buf, sizeof(buf), &d), 0);
		assert_int_equal(d.op, known_ops[i]);
	}
}

/* test_rep_roundtrip - every reply field and the embedded inode survive encode/decode. */
static void test_rep_roundtrip(void **state)
{
	struct bfs_rep r = sample_rep(), d;
	uint8_t buf[BFS_WIRE_REP_SIZE];

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	bfs_wire_encode_rep(&r, buf);
	assert_int_equal(le_at(buf, 4), BFS_WIRE_MAGIC);
	assert_int_equal(buf[4], BFS_WIRE_VERSION);
	assert_int_equal(buf[5], BFS_OP_LOOKUP);
	assert_int_equal(le_at(buf + 6, 2), r.flags);
	assert_int_equal(le_at(buf + 8, 8), r.reqid);
	assert_int_equal(le_at(buf + 16, 4), (uint32_t)r.status);
	assert_int_equal(le_at(buf + 20, 4), r.count);
	assert_int_equal(le_at(buf + 24, 8), r.length);
	assert_int_equal(le_at(buf + 32, 8), r.inode.ino);
	assert_int_equal(le_at(buf + 40, 4), r.inode.mode);
	assert_int_equal(le_at(buf + 88, 4), r.inode.target_len);
	for (int i = 92; i < BFS_WIRE_REP_SIZE; i++)
		assert_int_equal(buf[i], 0);

	memset(&d, 0x5a, sizeof(d));
	assert_int_equal(bfs_wire_decode_rep(buf, sizeof(buf), &d), 0);
	assert_int_equal(d.version, BFS_WIRE_VERSION);
	assert_rep_equal(&r, &d);
}

/* test_inode_roundtrip - inode records: layout, round trip, short buffers, extra bytes. */
static void test_inode_roundtrip(void **state)
{
	struct bfs_inode i = sample_inode(), d;
	uint8_t buf[BFS_WIRE_INODE_SIZE + 10];

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	bfs_wire_encode_inode(&i, buf);
	assert_int_equal(le_at(buf, 8), i.ino);
	assert_int_equal(le_at(buf + 8, 4), i.mode);
	assert_int_equal(le_at(buf + 12, 4), i.uid);
	assert_int_equal(le_at(buf + 16, 4), i.gid);
	assert_int_equal(le_at(buf + 20, 4), i.chunk_size);
	assert_int_equal(le_at(buf + 24, 8), i.size);
	assert_int_equal(le_at(buf + 32, 8), (uint64_t)i.atime_ns);
	assert_int_equal(le_at(buf + 40, 8), (uint64_t)i.mtime_ns);
	assert_int_equal(le_at(buf + 48, 8), (uint64_t)i.ctime_ns);
	assert_int_equal(le_at(buf + 56, 4), i.target_len);
	assert_int_equal(le_at(buf + 60, 4), 0);
	assert_int_equal(buf[BFS_WIRE_INODE_SIZE], 0xee); /* nothing written past the record */

	assert_int_equal(bfs_wire_decode_inode(buf, BFS_WIRE_INODE_SIZE, &d), 0);
	assert_inode_equal(&i, &d);
	assert_int_equal(bfs_wire_decode_inode(buf, sizeof(buf), &d), 0); /* followed by target */
	assert_inode_equal(&i, &d);
	for (size_t n = 0; n < BFS_WIRE_INODE_SIZE; n++)
		assert_int_equal(bfs_wire_decode_inode(buf, n, &d), -EBADMSG);
}

/* test_negative_values - negative times and status, and extreme values, keep their sign. */
static void test_negative_values(void **state)
{
	static const int64_t times[] = {-1,        -2, INT64_MIN,     INT64_MIN + 1,
	                                INT64_MAX, 0,  -1000000000ll, -1234567890123456789ll};
	static const int32_t statuses[] = {-EIO, -ENOENT, -1, INT32_MIN, INT32_MAX, 0, 1};
	uint8_t buf[BFS_WIRE_REQ_SIZE];

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(times); i++) {
		struct bfs_req r = sample_req(), d;
		struct bfs_inode n = sample_inode(), dn;
		struct bfs_rep p = sample_rep(), dp;

		r.atime_ns = times[i];
		r.mtime_ns = times[(i + 1) % ARRAY_LEN(times)];
		bfs_wire_encode_req(&r, buf);
		assert_int_equal(bfs_wire_decode_req(buf, sizeof(buf), &d), 0);
		assert_true(d.atime_ns == r.atime_ns && d.mtime_ns == r.mtime_ns);

		n.atime_ns = times[i];
		n.mtime_ns = -times[i] - 1;
		n.ctime_ns = times[(i + 3) % ARRAY_LEN(times)];
		bfs_wire_encode_inode(&n, buf);
		assert_int_equal(bfs_wire_decode_inode(buf, BFS_WIRE_INODE_SIZE, &dn), 0);
		assert_inode_equal(&n, &dn);

		p.inode = n;
		p.status = statuses[i % ARRAY_LEN(statuses)];
		bfs_wire_encode_rep(&p, buf);
		assert_int_equal(bfs_wire_decode_rep(buf, sizeof(buf), &dp), 0);
		assert_rep_equal(&p, &dp);
	}
}

/* test_bad_length - every length other than 128 is rejected, for requests and replies. */
static void test_bad_length(void **state)
{
	struct bfs_req r = sample_req(), d;
	struct bfs_rep p = sample_rep(), dp;
	uint8_t big[BFS_WIRE_REQ_SIZE * 2];
	uint8_t *buf;

	(void)state;
	memset(big, 0, sizeof(big));
	bfs_wire_encode_req(&r, big);
	assert_int_equal(bfs_wire_decode_req(big, BFS_WIRE_REQ_SIZE + 1, &d), -EBADMSG);
	assert_int_equal(bfs_wire_decode_req(big, sizeof(big), &d), -EBADMSG);
	bfs_wire_encode_rep(&p, big);
	assert_int_equal(bfs_wire_decode_rep(big, BFS_WIRE_REP_SIZE + 1, &dp), -EBADMSG);
	assert_int_equal(bfs_wire_decode_rep(big, sizeof(big), &dp), -EBADMSG);

	/* truncated headers in exact-size heap buffers, so an over-read would be caught by
	 * sanitizers */
	for (size_t n = 0; n < BFS_WIRE_REQ_SIZE; n++) {
		buf = malloc(n ? n : 1);
		assert_non_null(buf);
		bfs_wire_encode_req(&r, big);
		memcpy(buf, big, n);
		assert_int_equal(bfs_wire_decode_req(buf, n, &d), -EBADMSG);
		bfs_wire_encode_rep(&p, big);
		memcpy(buf, big, n);
		assert_int_equal(bfs_wire_decode_rep(buf, n, &dp), -EBADMSG);
		free(buf);
	}
	assert_int_equal(bfs_wire_decode_req(NULL, 0, &d), -EBADMSG);
	assert_int_equal(bfs_wire_decode_rep(NULL, 0, &dp), -EBADMSG);
}

/* test_bad_magic - any change of a magic byte gives -EBADMSG. */
static void test_bad_magic(void **state)
{
	struct bfs_req r = sample_req(), d;
	struct bfs_rep p = sample_rep(), dp;
	uint8_t buf[BFS_WIRE_REQ_SIZE];

	(void)state;
	for (int i = 0; i < 4; i++) {
		for (int bit = 0; bit < 8; bit++) {
			bfs_wire_encode_req(&r, buf);
			buf[i] ^= (uint8_t)(1 << bit);
			assert_int_equal(bfs_wire_decode_req(buf, sizeof(buf), &d), -EBADMSG);
			bfs_wire_encode_rep(&p, buf);
			buf[i] ^= (uint8_t)(1 << bit);
			assert_int_equal(bfs_wire_decode_rep(buf, sizeof(buf), &dp), -EBADMSG);
		}
	}
	/* big-endian magic is not accepted */
	bfs_wire_encode_req(&r, buf);
	memcpy(buf, "1SFB", 4);
	assert_int_equal(bfs_wire_decode_req(buf, sizeof(buf), &d), -EBADMSG);
}

/* test_bad_version - every other version gives -EPROTO. */
static void test_bad_version(void **state)
{
	struct bfs_req r = sample_req(), d;
	struct bfs_rep p = sample_rep(), dp;
	uint8_t buf[BFS_WIRE_REQ_SIZE];

	(void)state;
	for (int v = 0; v < 256; v++) {
		if (v == BFS_WIRE_VERSION)
			continue;
		bfs_wire_encode_req(&r, buf);
		buf[4] = (uint8_t)v;
		assert_int_equal(bfs_wire_decode_req(buf, sizeof(buf), &d), -EPROTO);
		bfs_wire_encode_rep(&p, buf);
		buf[4] = (uint8_t)v;
		assert_int_equal(bfs_wire_decode_rep(buf, sizeof(buf), &dp), -EPROTO);
	}
}

/* test_unknown_op - ops outside 1..8, 16..20, 32..34 give -EBADMSG; known ones decode. A
 * reply may also carry op 0 (BFS_OP_NONE): the answer to a request that did not decode. */
static void test_unknown_op(void **state)
{
	struct bfs_req r = sample_req(), d;
	struct bfs_rep p = sample_rep(), dp;
	uint8_t buf[BFS_WIRE_REQ_SIZE];
	int nknown = 0;

	(void)state;
	for (int op = 0; op < 256; op++) {
		int want = is_known((unsigned)op) ? 0 : -EBADMSG;

		nknown += want == 0;
		r.op = (uint8_t)op;
		bfs_wire_encode_req(&r, buf);
		assert_int_equal(bfs_wire_decode_req(buf, sizeof(buf), &d), want);
		p.op = (uint8_t)op;
		bfs_wire_encode_rep(&p, buf);
		assert_int_equal(bfs_wire_decode_rep(buf, sizeof(buf), &dp),
		                 op == BFS_OP_NONE ? 0 : want);
		if (want == 0)
			assert_string_not_equal(bfs_wire_op_name((unsigned)op), "?");
		else
			assert_string_equal(bfs_wire_op_name((unsigned)op), "?");
	}
	assert_int_equal(nknown, 24);
	assert_string_equal(bfs_wire_op_name(BFS_OP_WRITE), "write");
	assert_string_equal(bfs_wire_op_name(1000), "?");
}

/* test_statfs - a STATFS payload decodes to what was encoded, little-endian on the wire. */
static void test_statfs(void **state)
{
	struct bfs_statfs a = {.total = 1ull << 40,
	                       .free = 123456789,
	                       .avail = 1,
	                       .files = 7,
	                       .key = 0x0102030405060708ull},
	                  b;
	uint8_t buf[BFS_WIRE_STATFS_SIZE];

	(void)state;
	bfs_wire_encode_statfs(&a, buf);
	assert_int_equal(buf[32], 0x08); /* key, lowest byte first */
	assert_int_equal(buf[39], 0x01);
	bfs_wire_decode_statfs(buf, &b);
	assert_memory_equal(&a, &b, sizeof(a));
}

/* test_reserved - a non-zero byte anywhere in the reserved areas, or an inode flag this version
 * does not know, gives -EBADMSG; the known flags pass. */
static void test_reserved(void **state)
{
	struct bfs_req r = sample_req(), d;
	struct bfs_rep p = sample_rep(), dp;
	uint8_t buf[BFS_WIRE_REQ_SIZE];

	(void)state;
	for (int i = 108; i < BFS_WIRE_REQ_SIZE; i++) {
		bfs_wire_encode_req(&r, buf);
		buf[i] = 0x80;
		assert_int_equal(bfs_wire_decode_req(buf, sizeof(buf), &d), -EBADMSG);
	}
	for (int i = 96; i < BFS_WIRE_REP_SIZE; i++) {
		bfs_wire_encode_rep(&p, buf);
		buf[i] = 1;
		assert_int_equal(bfs_wire_decode_rep(buf, sizeof(buf), &dp), -EBADMSG);
	}
	for (uint32_t bit = 1; bit; bit <<= 1) { /* inode flags, bytes 92..95 */
		p.inode.flags = bit;
		bfs_wire_encode_rep(&p, buf);
		assert_int_equal(bfs_wire_decode_rep(buf, sizeof(buf), &dp),
		                 (bit & BFS_INODE_FLAGS) ? 0 : -EBADMSG);
		if (bit & BFS_INODE_FLAGS)
			assert_int_equal(dp.inode.flags, bit);
	}
}

/* str_req - request @op with the given string lengths. */
static struct bfs_req str_req(uint8_t op, uint32_t l0, uint32_t l1, uint32_t l2)
{
	struct bfs_req r = sample_req();

	r.op = op;
	r.length = 0; /* IWRITE: no bytes after the strings */
	r.len[0] = l0;
	r.len[1] = l1;
	r.len[2] = l2;
	return r;
}

/* test_inline_tail - an IWRITE's bytes follow its path: any bytes (NUL too), counted by
 * length, and the whole must add up. */
static void test_inline_tail(void **state)
{
	const char *str[BFS_WIRE_NSTR];
	size_t slen[BFS_WIRE_NSTR];
	static const char pl[] = "/a/bc\0x\0y";
	struct bfs_req r;

	(void)state;
	r = str_req(BFS_OP_IWRITE, 5, 0, 0);
	r.length = 4;
	assert_int_equal(bfs_wire_tail(&r), 4);
	assert_int_equal(bfs_wire_strings(&r, pl, 9, str, slen), 0);
	assert_int_equal(slen[0], 5);
	assert_memory_equal(str[0], "/a/bc", 5);
	assert_int_equal(bfs_wire_strings(&r, pl, 8, str, slen), -EBADMSG);
	r.length = 10; /* more than the payload */
	assert_int_equal(bfs_wire_strings(&r, pl, 9, str, slen), -EBADMSG);
	r.length = UINT64_MAX;
	assert_int_equal(bfs_wire_strings(&r, pl, 9, str, slen), -EBADMSG);
	/* only IWRITE has a tail: elsewhere length is not payload */
	r = str_req(BFS_OP_IREAD, 5, 0, 0);
	r.length = 4;
	assert_int_equal(bfs_wire_tail(&r), 0);
	assert_int_equal(bfs_wire_strings(&r, pl, 5, str, slen), 0);
	assert_int_equal(bfs_wire_strings(&r, pl, 9, str, slen), -EBADMSG);
}

/* test_strings - splitting payload strings and rejecting malformed ones. */
static void test_strings(void **state)
{
	const char *str[BFS_WIRE_NSTR];
	size_t slen[BFS_WIRE_NSTR];
	static const char pl[] = "/dir/fileafter*.c";
	size_t n = strlen(pl);
	struct bfs_req r;

	(void)state;
	r = str_req(BFS_OP_FIND, 9, 5, 3);
	assert_int_equal(bfs_wire_strings(&r, pl, n, str, slen), 0);
	assert_int_equal(slen[0], 9);
	assert_int_equal(slen[1], 5);
	assert_int_equal(slen[2], 3);
	assert_memory_equal(str[0], "/dir/file", 9);
	assert_memory_equal(str[1], "after", 5);
	assert_memory_equal(str[2], "*.c", 3);
	assert_ptr_equal(str[0], pl);

	/* lengths must add up exactly */
	r = str_req(BFS_OP_FIND, 9, 5, 2);
	assert_int_equal(bfs_wire_strings(&r, pl, n, str, slen), -EBADMSG);
	r = str_req(BFS_OP_FIND, 9, 5, 4);
	assert_int_equal(bfs_wire_strings(&r, pl, n, str, slen), -EBADMSG);
	/* lengths whose 32-bit sum would wrap to the payload length */
	r = str_req(BFS_OP_FIND, 9, 0x80000000u, 0x80000000u + 8);
	assert_int_equal(bfs_wire_strings(&r, pl, n, str, slen), -EBADMSG);
	r = str_req(BFS_OP_LOOKUP, 0xffffffffu, 0xffffffffu, 0xffffffffu);
	assert_int_equal(bfs_wire_strings(&r, pl, n, str, slen), -EBADMSG);
	r = str_req(BFS_OP_LOOKUP, 1, 0, 0);
	assert_int_equal(bfs_wire_strings(&r, NULL, 1, str, slen), -EBADMSG);

	/* embedded NUL in any string */
	for (int s = 0; s < BFS_WIRE_NSTR; s++) {
		char buf[] = "/abc/def/ghi";
		size_t at = (size_t)s * 4 + 2;

		buf[at] = '\0';
		r = str_req(BFS_OP_FIND, 4, 4, 4);
		assert_int_equal(bfs_wire_strings(&r, buf, 12, str, slen), -EBADMSG);
		buf[at] = 'x';
		assert_int_equal(bfs_wire_strings(&r, buf, 12, str, slen), 0);
	}

	/* namespace ops need an absolute, non-empty path */
	for (uint8_t op = BFS_OP_CREATE; op <= BFS_OP_MIGRATE; op++) {
		r = str_req(op, 5, 0, 0);
		assert_int_equal(bfs_wire_strings(&r, "/a/bc", 5, str, slen), 0);
		assert_int_equal(bfs_wire_strings(&r, "a/b/c", 5, str, slen), -EBADMSG);
		r = str_req(op, 0, 5, 0);
		assert_int_equal(bfs_wire_strings(&r, "/a/bc", 5, str, slen), -EBADMSG);
		r = str_req(op, 0, 0, 0);
		assert_int_equal(bfs_wire_strings(&r, NULL, 0, str, slen), -EBADMSG);
	}
	/* other ops carry no path: empty and arbitrary strings are fine */
	r = str_req(BFS_OP_WRITE, 0, 0, 0);
	assert_int_equal(bfs_wire_strings(&r, NULL, 0, str, slen), 0);
	assert_int_equal(slen[0] + slen[1] + slen[2], 0);
	r = str_req(BFS_OP_PING, 3, 0, 0);
	assert_int_equal(bfs_wire_strings(&r, "abc", 3, str, slen), 0);
	/* symlink target and empty strings */
	r = str_req(BFS_OP_CREATE, 2, 6, 0);
	assert_int_equal(bfs_wire_strings(&r, "/l../tgt", 8, str, slen), 0);
	assert_memory_equal(str[1], "../tgt", 6);
	assert_int_equal(slen[2], 0);
}

/* test_dirent_rec - READDIR entries with inode records (BFS_F_ATTRS): round trip, capacity,
 * truncation, an inode number that disagrees with the record's. */
static void test_dirent_rec(void **state)
{
	uint8_t buf[512];
	struct bfs_inode in = {.ino = 42,
	                       .mode = S_IFREG | 0640,
	                       .uid = 7,
	                       .gid = 8,
	                       .size = 3901,
	                       .chunk_size = 1 << 20,
	                       .mtime_ns = 1234567890123,
	                       .flags = 0},
	                 out;
	const char *name;
	size_t pos = 0, nl, end;
	uint8_t type;

	(void)state;
	assert_int_equal(bfs_wire_put_dirent_rec(buf, sizeof(buf), &pos, &in, DT_REG, "f1", 2), 0);
	in.ino = 43;
	in.mode = S_IFDIR | 0755;
	assert_int_equal(bfs_wire_put_dirent_rec(buf, sizeof(buf), &pos, &in, DT_DIR, "dir", 3), 0);
	end = pos;
	assert_int_equal(end, 2 * (BFS_WIRE_DIRENT_FIXED + BFS_WIRE_INODE_SIZE) + 5);
	pos = 0;
	assert_int_equal(bfs_wire_get_dirent_rec(buf, end, &pos, &out, &type, &name, &nl), 0);
	assert_int_equal(out.ino, 42);
	assert_int_equal(out.size, 3901);
	assert_int_equal(out.uid, 7);
	assert_int_equal(out.mtime_ns, 1234567890123);
	assert_int_equal(type, DT_REG);
	assert_int_equal(nl, 2);
	assert_memory_equal(name, "f1", 2);
	assert_int_equal(bfs_wire_get_dirent_rec(buf, end, &pos, &out, &type, &name, &nl), 0);
	assert_int_equal(out.ino, 43);
	assert_true(S_ISDIR(out.mode));
	assert_int_equal(pos, end);
	/* no room for the record: ENOSPC, nothing written */
	pos = 0;
	assert_int_equal(
	    bfs_wire_put_dirent_rec(buf, BFS_WIRE_DIRENT_FIXED + 2, &pos, &in, DT_REG, "f1", 2),
	    -ENOSPC);
	assert_int_equal(pos, 0);
	assert_int_equal(bfs_wire_put_dirent_rec(buf, sizeof(buf), &pos, &in, DT_REG, "", 0),
	                 -EINVAL);
	/* every truncation of the first entry is rejected, the position unmoved */
	for (size_t len = 0; len < BFS_WIRE_DIRENT_FIXED + 2 + BFS_WIRE_INODE_SIZE; len++) {
		pos = 0;
		assert_int_equal(bfs_wire_get_dirent_rec(buf, len, &pos, &out, &type, &name, &nl),
		                 -EBADMSG);
		assert_int_equal(pos, 0);
	}
	/* the entry's inode number must be the record's */
	buf[0] ^= 1;
	pos = 0;
	assert_int_equal(bfs_wire_get_dirent_rec(buf, end, &pos, &out, &type, &name, &nl),
	                 -EBADMSG);
}

/* test_dirent - READDIR entries: round trip, capacity, truncation. */
static void test_dirent(void **state)
{
	static const char *const names[] = {"a", "hello.txt", "dir with space", "x"};
	uint8_t buf[256], *cut;
	size_t pos = 0, total, n;
	char longname[BENCHFS_NAME_MAX + 2];

	(void)state;
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(bfs_wire_put_dirent(buf, sizeof(buf), &pos,
		                                     0xabc0000000000000ull + i,
		                                     (uint8_t)(i % 2 ? DT_DIR : DT_REG), names[i],
		                                     strlen(names[i])),
		                 0);
	total = pos;
	n = 0;
	for (pos = 0; pos < total; n++) {
		uint64_t ino;
		uint8_t type;
		const char *name;
		size_t nl;

		assert_int_equal(bfs_wire_get_dirent(buf, total, &pos, &ino, &type, &name, &nl), 0);
		assert_int_equal(ino, 0xabc0000000000000ull + n);
		assert_int_equal(type, n % 2 ? DT_DIR : DT_REG);
		assert_int_equal(nl, strlen(names[n]));
		assert_memory_equal(name, names[n], nl);
	}
	assert_int_equal(n, 4);
	assert_int_equal(pos, total);

	/* no room: nothing written, pos unchanged */
	pos = 0;
	assert_int_equal(bfs_wire_put_dirent(buf, 11, &pos, 1, DT_REG, "a", 1), -ENOSPC);
	assert_int_equal(pos, 0);
	assert_int_equal(bfs_wire_put_dirent(buf, 12, &pos, 1, DT_REG, "a", 1), 0);
	assert_int_equal(pos, 12);
	assert_int_equal(bfs_wire_put_dirent(buf, 12, &pos, 1, DT_REG, "a", 1), -ENOSPC);
	pos = 100;
	assert_int_equal(bfs_wire_put_dirent(buf, 50, &pos, 1, DT_REG, "a", 1), -ENOSPC);
	/* bad names */
	pos = 0;
	memset(longname, 'n', sizeof(longname));
	assert_int_equal(bfs_wire_put_dirent(buf, sizeof(buf), &pos, 1, DT_REG, "", 0), -EINVAL);
	assert_int_equal(
	    bfs_wire_put_dirent(buf, sizeof(buf), &pos, 1, DT_REG, longname, BENCHFS_NAME_MAX + 1),
	    -EINVAL);
	assert_int_equal(
	    bfs_wire_put_dirent(buf, sizeof(buf), &pos, 1, DT_REG, longname, BENCHFS_NAME_MAX),
	    -ENOSPC);

	/* every truncation of a one-entry payload is rejected, within an exact-size buffer */
	pos = 0;
	assert_int_equal(bfs_wire_put_dirent(buf, sizeof(buf), &pos, 7, DT_LNK, "name", 4), 0);
	for (size_t len = 0; len < pos; len++) {
		size_t p = 0;
		uint64_t ino;
		uint8_t type;
		const char *name;
		size_t nl;

		cut = malloc(len ? len : 1);
		assert_non_null(cut);
		memcpy(cut, buf, len);
		assert_int_equal(bfs_wire_get_dirent(cut, len, &p, &ino, &type, &name, &nl),
		                 -EBADMSG);
		assert_int_equal(p, 0);
		free(cut);
	}
	/* a position past the end, a zero-length name, an oversized name */
	{
		size_t p = 1000, nl;
		uint64_t ino;
		uint8_t type;
		const char *name;

		assert_int_equal(bfs_wire_get_dirent(buf, pos, &p, &ino, &type, &name, &nl),
		                 -EBADMSG);
		buf[9] = 0;
		buf[10] = 0;
		p = 0;
		assert_int_equal(bfs_wire_get_dirent(buf, pos, &p, &ino, &type, &name, &nl),
		                 -EBADMSG);
		buf[9] = (BENCHFS_NAME_MAX + 1) & 0xff;
		buf[10] = (BENCHFS_NAME_MAX + 1) >> 8;
		assert_int_equal(bfs_wire_get_dirent(buf, sizeof(buf), &p, &ino, &type, &name, &nl),
		                 -EBADMSG);
	}
}

/* test_findent - FIND entries: round trip (keys with NUL), capacity, truncation. */
static void test_findent(void **state)
{
	static const char k0[] = "/\0a", k1[] = "/a/b\0file.c", k2[] = "/a\0b";
	const char *keys[] = {k0, k1, k2};
	size_t klen[] = {sizeof(k0) - 1, sizeof(k1) - 1, sizeof(k2) - 1};
	int64_t mt[] = {-5, 0, INT64_MAX};
	uint8_t buf[200], *cut;
	size_t pos = 0, total;

	(void)state;
	for (int i = 0; i < 3; i++)
		assert_int_equal(bfs_wire_put_findent(buf, sizeof(buf), &pos,
		                                      (uint32_t)(S_IFREG | 0600 | (unsigned)i),
		                                      0x100000000ull * (uint64_t)i + 3, mt[i],
		                                      keys[i], klen[i]),
		                 0);
	total = pos;
	pos = 0;
	for (int i = 0; i < 3; i++) {
		uint32_t mode;
		uint64_t size;
		int64_t m;
		const char *key;
		size_t kl;

		assert_int_equal(
		    bfs_wire_get_findent(buf, total, &pos, &mode, &size, &m, &key, &kl), 0);
		assert_int_equal(mode, S_IFREG | 0600 | (unsigned)i);
		assert_int_equal(size, 0x100000000ull * (uint64_t)i + 3);
		assert_true(m == mt[i]);
		assert_int_equal(kl, klen[i]);
		assert_memory_equal(key, keys[i], kl);
	}
	assert_int_equal(pos, total);

	pos = 0;
	assert_int_equal(bfs_wire_put_findent(buf, 24, &pos, 0, 0, 0, "/\0ab", 4), -ENOSPC);
	assert_int_equal(pos, 0);
	assert_int_equal(bfs_wire_put_findent(buf, 26, &pos, 0, 0, 0, "/\0ab", 4), 0);
	assert_int_equal(pos, 26);
	assert_int_equal(bfs_wire_put_findent(buf, sizeof(buf), &pos, 0, 0, 0, "", 0), -EINVAL);

	for (size_t len = 0; len < 26; len++) {
		size_t p = 0, kl;
		uint32_t mode;
		uint64_t size;
		int64_t m;
		const char *key;

		cut = malloc(len ? len : 1);
		assert_non_null(cut);
		memcpy(cut, buf, len);
		assert_int_equal(bfs_wire_get_findent(cut, len, &p, &mode, &size, &m, &key, &kl),
		                 -EBADMSG);
		assert_int_equal(p, 0);
		free(cut);
	}
}

/* fuzz_rand - xorshift64* pseudo random numbers (reproducible, no global state of libc). */
static uint64_t fuzz_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* header_valid - independent check of whether a 128-byte header should decode. */
static int header_valid(const uint8_t *b, int reply)
{
	if (memcmp(b, "BFS1", 4) != 0)
		return -EBADMSG;
	if (b[4] != BFS_WIRE_VERSION)
		return -EPROTO;
	if (!is_known(b[5]) && !(reply && b[5] == BFS_OP_NONE))
		return -EBADMSG;
	/* a reply's inode flags (bytes 92..95): only the flags this version knows */
	if (reply && ((b[92] & ~BFS_INODE_FLAGS) || b[93] || b[94] || b[95]))
		return -EBADMSG;
	for (int i = reply ? 96 : 108; i < 128; i++)
		if (b[i])
			return -EBADMSG;
	return 0;
}

/* test_fuzz - 100 000 random (and mostly-valid, mutated) buffers: decoders never crash, never
 * read past the buffer, accept exactly the valid ones, and re-encode them bit for bit. */
static void test_fuzz(void **state)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	int accepted = 0;

	(void)state;
	for (int it = 0; it < 100000; it++) {
		size_t len = fuzz_rand(&seed) % 4 == 0 ? fuzz_rand(&seed) % 300 : 128;
		uint8_t *b = malloc(len ? len : 1), re[128];
		struct bfs_req r;
		struct bfs_rep p;
		int reply = it & 1, ret;

		assert_non_null(b);
		for (size_t i = 0; i < len; i++)
			b[i] = (uint8_t)fuzz_rand(&seed);
		if (len == 128 && fuzz_rand(&seed) % 2) {
			/* a plausible header with a few random mutations */
			memcpy(b, "BFS1", 4);
			b[4] = BFS_WIRE_VERSION;
			b[5] = known_ops[fuzz_rand(&seed) % sizeof(known_ops)];
			memset(b + (reply ? 92 : 108), 0, reply ? 36 : 20);
			for (uint64_t k = fuzz_rand(&seed) % 3; k > 0; k--)
				b[fuzz_rand(&seed) % 128] = (uint8_t)fuzz_rand(&seed);
		}
		if (reply)
			ret = bfs_wire_decode_rep(b, len, &p);
		else
			ret = bfs_wire_decode_req(b, len, &r);
		if (len != 128) {
			assert_int_equal(ret, -EBADMSG);
		} else {
			assert_int_equal(ret, header_valid(b, reply));
		}
		if (ret == 0) {
			accepted++;
			if (reply)
				bfs_wire_encode_rep(&p, re);
			else
				bfs_wire_encode_req(&r, re);
			assert_memory_equal(re, b, 128);
		}

		/* entries: parse until an error; every entry lies inside the buffer */
		for (int kind = 0; kind < 2; kind++) {
			size_t pos = 0, prev;

			do {
				uint64_t ino, size;
				uint8_t type;
				uint32_t mode;
				int64_t mt;
				const char *s;
				size_t sl;

				prev = pos;
				if (kind == 0)
					ret =
					    bfs_wire_get_dirent(b, len, &pos, &ino, &type, &s, &sl);
				else
					ret = bfs_wire_get_findent(b, len, &pos, &mode, &size, &mt,
					                           &s, &sl);
				if (ret == 0) {
					assert_true(pos > prev && pos <= len);
					assert_true(s >= (const char *)b &&
					            s + sl <= (const char *)b + len);
				} else {
					assert_int_equal(pos, prev);
				}
			} while (ret == 0);
		}

		/* payload strings with random lengths */
		{
			const char *str[BFS_WIRE_NSTR];
			size_t slen[BFS_WIRE_NSTR];

			memset(&r, 0, sizeof(r));
			r.op = (uint8_t)(fuzz_rand(&seed) % 40);
			for (int i = 0; i < BFS_WIRE_NSTR; i++)
				r.len[i] = fuzz_rand(&seed) % 2 ? (uint32_t)(fuzz_rand(&seed) % 100)
				                                : (uint32_t)fuzz_rand(&seed);
			if (bfs_wire_strings(&r, b, len, str, slen) == 0) {
				assert_int_equal(slen[0] + slen[1] + slen[2], len);
				for (int i = 0; i < BFS_WIRE_NSTR; i++)
					assert_null(memchr(str[i], 0, slen[i]));
			}
		}
		free(b);
	}
	assert_true(accepted > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_req_roundtrip),   cmocka_unit_test(test_rep_roundtrip),
	    cmocka_unit_test(test_inode_roundtrip), cmocka_unit_test(test_negative_values),
	    cmocka_unit_test(test_bad_length),      cmocka_unit_test(test_bad_magic),
	    cmocka_unit_test(test_bad_version),     cmocka_unit_test(test_unknown_op),
	    cmocka_unit_test(test_reserved),        cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_inline_tail),     cmocka_unit_test(test_dirent),
	    cmocka_unit_test(test_dirent_rec),      cmocka_unit_test(test_findent),
	    cmocka_unit_test(test_statfs),          cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
