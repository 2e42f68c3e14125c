/*
 * testutil.c - the parts of the test harness that need no MPI: checks and failure reports,
 * errno names, data patterns, a PRNG and a clock. Used by the MPI tests (with harness.c) and by
 * the plain attach helper.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

MPI_Comm bt_comm = MPI_COMM_NULL;
int bt_rank;
int bt_size = 1;
int bt_nservers;
long bt_failures;
const char *bt_test_name = "test";

/* Only the first failures are printed: a broken file gives one line, not a million. */
#define BT_MAX_PRINTED 25

void bt_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (++bt_failures > BT_MAX_PRINTED) {
		if (bt_failures == BT_MAX_PRINTED + 1)
			printf("rank %d: (further failures not printed)\n", bt_rank);
		return;
	}
	printf("rank %d: FAIL %s:%d: ", bt_rank, file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

void bt_note(const char *fmt, ...)
{
	va_list ap;

	if (bt_rank != 0)
		return;
	printf("%s: ", bt_test_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

const char *bt_errname(long long v)
{
	static const struct {
		int e;
		const char *name;
	} names[] = {
	    {ENOENT, "ENOENT"},       {EEXIST, "EEXIST"},
	    {ENOTDIR, "ENOTDIR"},     {EISDIR, "EISDIR"},
	    {ENOTEMPTY, "ENOTEMPTY"}, {EBADF, "EBADF"},
	    {EINVAL, "EINVAL"},       {ENAMETOOLONG, "ENAMETOOLONG"},
	    {EFBIG, "EFBIG"},         {ELOOP, "ELOOP"},
	    {EXDEV, "EXDEV"},         {EBUSY, "EBUSY"},
	    {EMFILE, "EMFILE"},       {EIO, "EIO"},
	    {ETIMEDOUT, "ETIMEDOUT"}, {EACCES, "EACCES"},
	    {ENOTCONN, "ENOTCONN"},   {EALREADY, "EALREADY"},
	    {ENOSPC, "ENOSPC"},       {ENOMEM, "ENOMEM"},
	    {ESTALE, "ESTALE"},       {EPROTO, "EPROTO"},
	    {EPERM, "EPERM"},         {ENOSYS, "ENOSYS"},
	};

	if (v == 0)
		return "OK";
	if (v > 0)
		return "(count)";
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (-v == names[i].e)
			return names[i].name;
	return "(unknown errno)";
}

double bt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

uint8_t bt_byte(uint64_t off, uint64_t seed)
{
	return (uint8_t)(mix64((off >> 3) ^ (seed * 0xd6e8feb86659fd93ULL)) >> (8 * (off & 7)));
}

void bt_fill(void *buf, size_t len, uint64_t off, uint64_t seed)
{
	uint8_t *p = buf;
	size_t i = 0;

	for (; i < len && ((off + i) & 7); i++)
		p[i] = bt_byte(off + i, seed);
	for (; i + 8 <= len; i += 8) {
		uint64_t w = mix64(((off + i) >> 3) ^ (seed * 0xd6e8feb86659fd93ULL));
		for (int k = 0; k < 8; k++)
			p[i + (size_t)k] = (uint8_t)(w >> (8 * k));
	}
	for (; i < len; i++)
		p[i] = bt_byte(off + i, seed);
}

long long bt_verify(const void *buf, size_t len, uint64_t off, uint64_t seed)
{
	const uint8_t *p = buf;
	uint8_t want[4096];

	for (size_t i = 0; i < len; i += sizeof(want)) {
		size_t n = len - i < sizeof(want) ? len - i : sizeof(want);
		long long d;

		bt_fill(want, n, off + i, seed);
		d = bt_cmp(p + i, want, n);
		if (d >= 0)
			return (long long)i + d;
	}
	return -1;
}

long long bt_cmp(const void *buf, const void *want, size_t len)
{
	const uint8_t *a = buf, *b = want;

	if (memcmp(a, b, len) == 0)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (a[i] != b[i])
			return (long long)i;
	return -1;
}

uint64_t bt_rand(uint64_t *state)
{
	uint64_t x = *state ? *state : 0x2545f4914f6cdd1dULL;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}
