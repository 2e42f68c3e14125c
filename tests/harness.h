/*
 * harness.h - shared pieces of the BenchFS integration tests (MPI programs).
 *
 * A test program calls bt_start(), which turns some ranks into in-job servers (they never
 * return from it) and returns on the clients with bt_comm, bt_rank and bt_size set. Checks are
 * made with the CHECK* macros; every failed check prints
 *
 *	rank R: FAIL file:line: expr (got X, want Y)
 *
 * and is counted. bt_finish() takes the collective verdict over the clients (MPI_Allreduce, so
 * every rank exits with the same code), stops the servers and returns the exit code:
 * 0 pass, 77 skip, 1 fail.
 *
 * Number of servers: argv[1], else env BFS_TEST_SERVERS, else 1.
 * Data directory: env BFS_TEST_DATA_DIR (the wrapper makes a fresh one per run).
 */
#ifndef BFS_TEST_HARNESS_H
#define BFS_TEST_HARNESS_H

#include <errno.h>
#include <inttypes.h>
#include <mpi.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "benchfs.h"
#include "benchfs_mpi.h"

#define BT_PASS 0
#define BT_SKIP 77
#define BT_FAIL 1

extern MPI_Comm bt_comm;         /* the clients */
extern int bt_rank;              /* this client's rank in bt_comm */
extern int bt_size;              /* number of clients */
extern int bt_nservers;          /* number of servers */
extern long bt_failures;         /* failed checks of this rank */
extern const char *bt_test_name; /* program name, for bt_note() */

/* Start the servers; returns on client ranks only. Server ranks and start errors exit. */
void bt_start(int *argc, char ***argv);
/* Collective verdict, stop the servers, MPI_Finalize. Returns the process exit code. */
int bt_finish(void);
/* Mark the whole test as skipped (unless something fails); @why is printed. */
void bt_skip(const char *why);
/* Record a failure with a printf-style message (prefixed by "rank R: FAIL file:line: "). */
void bt_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Print a line prefixed by the test name, from client rank 0 only. */
void bt_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "ENOENT" etc. for a negative errno value, "OK" for 0, the number otherwise. */
const char *bt_errname(long long v);
/* Agree over the clients whether every rank's @ok is true (collective). */
int bt_all(int ok);
/* Monotonic clock, seconds. */
double bt_now(void);

/* Pattern: byte at file offset @off of a file filled with seed @seed. */
uint8_t bt_byte(uint64_t off, uint64_t seed);
void bt_fill(void *buf, size_t len, uint64_t off, uint64_t seed);
/* Offset in the buffer of the first byte differing from the pattern, or -1. */
long long bt_verify(const void *buf, size_t len, uint64_t off, uint64_t seed);
/* First offset where @buf differs from @want, or -1. */
long long bt_cmp(const void *buf, const void *want, size_t len);
/* Small deterministic PRNG (xorshift64*) for random offsets and lengths. */
uint64_t bt_rand(uint64_t *state);

#define CHECK(expr)                                                                                \
	do {                                                                                       \
		if (!(expr))                                                                       \
			bt_fail(__FILE__, __LINE__, "%s", #expr);                                  \
	} while (0)

/* Integer equality; prints both values. */
#define CHECK_EQ(got_, want_)                                                                      \
	do {                                                                                       \
		long long g_ = (long long)(got_), w_ = (long long)(want_);                         \
		if (g_ != w_)                                                                      \
			bt_fail(__FILE__, __LINE__, "%s (got %lld, want %lld)", #got_, g_, w_);    \
	} while (0)

/* A call's return value (0, a count, or a negative errno): prints errno names. */
#define CHECK_RC(got_, want_)                                                                      \
	do {                                                                                       \
		long long g_ = (long long)(got_), w_ = (long long)(want_);                         \
		if (g_ != w_)                                                                      \
			bt_fail(__FILE__, __LINE__, "%s (got %lld %s, want %lld %s)", #got_, g_,   \
			        bt_errname(g_), w_, bt_errname(w_));                               \
	} while (0)

/* A call that must succeed (return >= 0); evaluates to the value. */
#define CHECK_OK(call_)                                                                            \
	({                                                                                         \
		long long v_ = (long long)(call_);                                                 \
		if (v_ < 0)                                                                        \
			bt_fail(__FILE__, __LINE__, "%s (got %lld %s, want >= 0)", #call_, v_,     \
			        bt_errname(v_));                                                   \
		v_;                                                                                \
	})

/* @len bytes of @buf equal the pattern at file offset @off. */
#define CHECK_PATTERN(buf_, len_, off_, seed_)                                                     \
	do {                                                                                       \
		long long b_ = bt_verify((buf_), (len_), (off_), (seed_));                         \
		if (b_ >= 0)                                                                       \
			bt_fail(__FILE__, __LINE__,                                                \
			        "%s: byte at file offset %lld (got 0x%02x, want 0x%02x)", #buf_,   \
			        (long long)(off_) + b_, ((const uint8_t *)(buf_))[b_],             \
			        bt_byte((uint64_t)(off_) + (uint64_t)b_, (seed_)));                \
	} while (0)

/* @len bytes of @buf equal @want (a reference buffer); @off is the file offset of @buf[0]. */
#define CHECK_BYTES(buf_, want_, len_, off_)                                                       \
	do {                                                                                       \
		long long b_ = bt_cmp((buf_), (want_), (len_));                                    \
		if (b_ >= 0)                                                                       \
			bt_fail(__FILE__, __LINE__,                                                \
			        "%s: byte at file offset %lld (got 0x%02x, want 0x%02x)", #buf_,   \
			        (long long)(off_) + b_, ((const uint8_t *)(buf_))[b_],             \
			        ((const uint8_t *)(want_))[b_]);                                   \
	} while (0)

#endif /* BFS_TEST_HARNESS_H */
