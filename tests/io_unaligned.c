/*
 * io_unaligned - unaligned and cross-chunk reads and writes with small chunk sizes (4 KiB and
 * 64 KiB) agree byte for byte with a local reference buffer: edge cases around chunk
 * boundaries first, then random offsets and lengths. Each client then reads back another
 * client's file after its close. With a 1 GiB chunk, transfers of many MiB inside one chunk.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define NRANDOM 150

struct op {
	uint64_t off, len;
};

/* The writes made to the file of client @who with chunk size @chunk, in order. */
static size_t make_ops(int who, size_t chunk, struct op *ops, uint64_t maxsize)
{
	uint64_t st = 0x1234567ULL * (uint64_t)(who + 1) + chunk;
	size_t n = 0;
	const struct op edges[] = {
	    {0, 1},                      /* first byte */
	    {chunk - 1, 2},              /* straddles the first boundary */
	    {chunk, chunk},              /* exactly chunk 1 */
	    {2 * chunk - 3, chunk + 7},  /* end of chunk 1 to beyond the start of chunk 3 */
	    {5 * chunk + 17, 3 * chunk}, /* unaligned, over 4 chunks, leaves a hole */
	    {chunk / 2, 4 * chunk},      /* overwrites across 5 chunks */
	};

	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		ops[n++] = edges[i];
	for (int i = 0; i < NRANDOM; i++) {
		uint64_t off = bt_rand(&st) % (maxsize - 1);
		uint64_t len = 1 + bt_rand(&st) % (3 * chunk);
		if (off + len > maxsize)
			len = maxsize - off;
		ops[n++] = (struct op){off, len};
	}
	return n;
}

/* Bytes written by op @i of client @who (a seed per op). */
static uint64_t op_seed(int who, size_t chunk, size_t i)
{
	return ((uint64_t)who << 40) ^ ((uint64_t)chunk << 8) ^ i;
}

/* Apply ops to a reference buffer; returns the size of the file. */
static uint64_t build_ref(int who, size_t chunk, uint8_t *ref, uint64_t maxsize, struct op *ops,
                          size_t n)
{
	uint64_t size = 0;

	memset(ref, 0, maxsize);
	for (size_t i = 0; i < n; i++) {
		bt_fill(ref + ops[i].off, ops[i].len, ops[i].off, op_seed(who, chunk, i));
		if (ops[i].off + ops[i].len > size)
			size = ops[i].off + ops[i].len;
	}
	return size;
}

static void test_chunk(size_t chunk)
{
	uint64_t maxsize = 12 * chunk + 1234, size = 0, st = 99 + (uint64_t)bt_rank;
	struct op *ops = calloc(NRANDOM + 16, sizeof(*ops));
	uint8_t *ref = calloc(1, maxsize), *buf = malloc(maxsize + 100), *tmp = malloc(maxsize);
	char path[64];
	size_t n;
	int fd, other = (bt_rank + 1) % bt_size;
	struct stat sb;

	snprintf(path, sizeof(path), "/unaligned-%zu-%d", chunk, bt_rank);
	n = make_ops(bt_rank, chunk, ops, maxsize);
	fd = (int)CHECK_OK(benchfs_create(path, O_RDWR | O_CREAT | O_EXCL, 0644, chunk));
	if (fd < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		bt_fill(tmp, ops[i].len, ops[i].off, op_seed(bt_rank, chunk, i));
		CHECK_RC(benchfs_pwrite(fd, tmp, ops[i].len, (off_t)ops[i].off),
		         (long long)ops[i].len);
		memcpy(ref + ops[i].off, tmp, ops[i].len);
		if (ops[i].off + ops[i].len > size)
			size = ops[i].off + ops[i].len;
		/* a random read after every write, including ranges reaching past the end */
		uint64_t roff = bt_rand(&st) % (maxsize + 50);
		uint64_t rlen = 1 + bt_rand(&st) % (3 * chunk);
		long long want =
		    roff >= size ? 0 : (long long)(rlen < size - roff ? rlen : size - roff);
		ssize_t got = benchfs_pread(fd, buf, rlen, (off_t)roff);
		CHECK_RC(got, want);
		if (got == want && want > 0)
			CHECK_BYTES(buf, ref + roff, (size_t)want, roff);
	}
	/* the whole file at once, and in unaligned pieces of odd sizes */
	CHECK_RC(benchfs_pread(fd, buf, maxsize + 100, 0), (long long)size);
	CHECK_BYTES(buf, ref, size, 0);
	memset(buf, 0xee, size);
	for (uint64_t off = 0, step = chunk / 3 + 5; off < size; off += step)
		CHECK_RC(benchfs_pread(fd, buf + off, step, (off_t)off),
		         (long long)(size - off < step ? size - off : step));
	CHECK_BYTES(buf, ref, size, 0);
	CHECK_OK(benchfs_fstat(fd, &sb));
	CHECK_EQ(sb.st_size, size);
	CHECK_EQ(sb.st_blksize, chunk);
	CHECK_RC(benchfs_close(fd), 0);
	MPI_Barrier(bt_comm);

	/* another client's file, after its close: its size and every byte */
	snprintf(path, sizeof(path), "/unaligned-%zu-%d", chunk, other);
	n = make_ops(other, chunk, ops, maxsize);
	size = build_ref(other, chunk, ref, maxsize, ops, n);
	fd = (int)CHECK_OK(benchfs_open(path, O_RDONLY, 0));
	if (fd >= 0) {
		CHECK_OK(benchfs_fstat(fd, &sb));
		CHECK_EQ(sb.st_size, size);
		memset(buf, 0xee, maxsize);
		CHECK_RC(benchfs_pread(fd, buf, maxsize + 100, 0), (long long)size);
		CHECK_BYTES(buf, ref, size, 0);
		CHECK_RC(benchfs_close(fd), 0);
	}
	bt_note("chunk %zu: %zu writes and reads at unaligned offsets match the reference", chunk,
	        n);
out:
	free(ops);
	free(ref);
	free(buf);
	free(tmp);
}

/* A 1 GiB chunk: transfers larger than one request (8 MiB) inside a single chunk. */
static void test_huge_chunk(void)
{
	const uint64_t off = (8 << 20) - 5, len = (20 << 20) + 3;
	uint8_t *buf = malloc(len + 100);
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/hugechunk-%d", bt_rank);
	fd = (int)CHECK_OK(benchfs_create(path, O_RDWR | O_CREAT | O_EXCL, 0644, 1 << 30));
	bt_fill(buf, len, off, 5);
	CHECK_RC(benchfs_pwrite(fd, buf, len, (off_t)off), (long long)len);
	memset(buf, 0, len);
	CHECK_RC(benchfs_pread(fd, buf, len + 100, (off_t)off), (long long)len);
	CHECK_PATTERN(buf, len, off, 5);
	CHECK_RC(benchfs_pread(fd, buf, (16 << 20) + 1, (off_t)(off + 7)), (16 << 20) + 1);
	CHECK_PATTERN(buf, (16 << 20) + 1, off + 7, 5);
	CHECK_RC(benchfs_close(fd), 0);
	free(buf);
	bt_note("chunk 1 GiB: a 20 MiB unaligned write and reads inside one chunk match");
}

int main(int argc, char **argv)
{
	bt_start(&argc, &argv);
	test_chunk(4096);
	test_chunk(65536);
	test_huge_chunk();
	return bt_finish();
}
