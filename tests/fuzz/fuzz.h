/*
 * fuzz.h - what the libFuzzer harnesses of tests/fuzz share (header only): the check that
 * turns a broken invariant into a finding, and a reader of the fuzzer's input that never runs
 * out (an exhausted input reads as zeros).
 */
#ifndef BFS_FUZZ_H
#define BFS_FUZZ_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* fuzz_fail - report a broken invariant and abort (libFuzzer saves the input as a crash). */
static inline __attribute__((noreturn, format(printf, 4, 5))) void
fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz: %s:%d: check failed: %s: ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/** FUZZ_CHECK(cond, fmt, ...) - an invariant that must hold whatever the input. */
#define FUZZ_CHECK(cond, ...) ((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__))

/* A cursor over the fuzzer's input. */
struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

/* fuzz_bytes - the next @n bytes into @out (zeros past the end); how many were real input. */
static inline size_t fuzz_bytes(struct fuzz_in *in, void *out, size_t n)
{
	size_t k = n < in->left ? n : in->left;

	if (k)
		memcpy(out, in->p, k);
	memset((uint8_t *)out + k, 0, n - k);
	in->p += k;
	in->left -= k;
	return k;
}

/* fuzz_u8 .. fuzz_u64 - the next little-endian integer of the input. */
static inline uint64_t fuzz_uint(struct fuzz_in *in, unsigned bytes)
{
	uint8_t b[8];
	uint64_t v = 0;

	fuzz_bytes(in, b, bytes);
	for (unsigned i = bytes; i-- > 0;)
		v = v << 8 | b[i];
	return v;
}

static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
	return (uint8_t)fuzz_uint(in, 1);
}

static inline uint16_t fuzz_u16(struct fuzz_in *in)
{
	return (uint16_t)fuzz_uint(in, 2);
}

static inline uint32_t fuzz_u32(struct fuzz_in *in)
{
	return (uint32_t)fuzz_uint(in, 4);
}

static inline uint64_t fuzz_u64(struct fuzz_in *in)
{
	return fuzz_uint(in, 8);
}

#endif
