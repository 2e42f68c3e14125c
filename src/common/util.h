/*
 * util.h - small helpers shared by every layer: clocks, environment settings, messages.
 */
#ifndef BFS_UTIL_H
#define BFS_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define BFS_NSEC 1000000000LL

/** bfs_now_ns - CLOCK_REALTIME in ns since the epoch (file times). */
int64_t bfs_now_ns(void);
/** bfs_mono_ns - CLOCK_MONOTONIC in ns (timeouts, durations). */
int64_t bfs_mono_ns(void);

static inline int64_t bfs_ts_to_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * BFS_NSEC + ts->tv_nsec;
}

static inline struct timespec bfs_ns_to_ts(int64_t ns)
{
	struct timespec ts;
	ts.tv_sec = ns / BFS_NSEC;
	ts.tv_nsec = ns % BFS_NSEC;
	if (ts.tv_nsec < 0) {
		ts.tv_nsec += BFS_NSEC;
		ts.tv_sec -= 1;
	}
	return ts;
}

/**
 * bfs_env_u64 - unsigned value of environment variable @name, with an optional k/K, m/M, g/G
 * suffix (powers of 1024); @def when unset. An unparsable value prints a warning on stderr and
 * gives @def.
 */
uint64_t bfs_env_u64(const char *name, uint64_t def);

/** bfs_warn - "benchfs: <message>\n" on stderr (printf format). */
void bfs_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** bfs_mkdir_p - create directory @path and its missing parents (mode 0700). 0 or -errno. */
int bfs_mkdir_p(const char *path);

#define BFS_MIN(a, b)     ((a) < (b) ? (a) : (b))
#define BFS_MAX(a, b)     ((a) > (b) ? (a) : (b))
#define BFS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/** BFS_API - marks a function of the public API (the library is built -fvisibility=hidden). */
#define BFS_API __attribute__((visibility("default")))

#endif
