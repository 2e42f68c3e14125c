/*
 * benchfs_stats.h - the metrics BenchFS servers keep, as the client library fetches them
 * (benchfs_server_stats()), subtracts, summarizes and prints them. Included by benchfs.h; may
 * also be included alone (it needs no other BenchFS header). The conventions of benchfs.h
 * apply: errors are negative errno values, errno is never set; calls that talk to a server
 * need an attached process (benchfs_init() or benchfs_mpi_start()).
 */
#ifndef BENCHFS_STATS_H
#define BENCHFS_STATS_H

#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------
 * Server metrics
 *
 * Every server counts, per operation of the wire protocol (docs/DESIGN.md, "Wire protocol"),
 * the requests it answered, the payload bytes they moved, the errors it answered, and two
 * latency histograms: queue time (arrival of the active message to the start of the operation:
 * the pull of a rendezvous payload) and service time (start of the operation to the reply
 * handed to UCX: the metadata store, the storage I/O, or a byte-range lock's wait). Histogram
 * bucket b counts latencies in [2^b, 2^(b+1)) ns (bucket 0 also counts 0). Counting costs two clock
 * reads per request; env BENCHFS_STATS=0 on the servers turns it off (every figure then stays 0
 * except uptime_ns, cpu_ns and the gauges).
 */

/** Operation slots of struct benchfs_server_stats (index = wire operation code). */
#define BENCHFS_STATS_OPS 40
/** Latency histogram buckets (log2 of nanoseconds). */
#define BENCHFS_STATS_BUCKETS 40
/** benchfs_server_stats() flag: zero the counters and histograms after reading them. */
#define BENCHFS_STATS_RESET 0x1

/** What one server counted for one operation since it started (or was last reset). */
struct benchfs_op_stats {
	uint64_t requests;   /* answered */
	uint64_t errors;     /* answered with a negative status */
	uint64_t bytes;      /* payload bytes received (writes) and sent (reads, listings) */
	uint64_t queue_ns;   /* sum of queue times, ns */
	uint64_t service_ns; /* sum of service times, ns */
	uint64_t queue_hist[BENCHFS_STATS_BUCKETS];
	uint64_t service_hist[BENCHFS_STATS_BUCKETS];
};

/** One server's metrics (plain data: copy, subtract, keep). cpu_ns / since_ns is the share of
 *  a core the server used; (cpu_ns difference) / (GiB moved) its cost per GiB. */
struct benchfs_server_stats {
	uint32_t server;      /* index of the server, 0 ... benchfs_server_count() - 1 */
	uint32_t enabled;     /* 1: counting is on (BENCHFS_STATS not 0) */
	uint64_t uptime_ns;   /* since the server started */
	uint64_t cpu_ns;      /* CPU time of the server process, user + system, ns */
	uint64_t since_ns;    /* since the counters were last reset (or the start) */
	uint64_t am_eager;    /* requests whose payload came eagerly (in the message) */
	uint64_t am_rndv;     /* requests whose payload was pulled by rendezvous */
	uint64_t bytes_eager; /* payload bytes of those */
	uint64_t bytes_rndv;
	uint64_t rep_eager;          /* replies sent eagerly */
	uint64_t rep_rndv;           /* replies sent by rendezvous */
	uint64_t io_inline;          /* small reads and writes done at once, without io_uring */
	uint64_t io_writebacks;      /* writebacks started early (write-behind, data dir on disk) */
	uint64_t uring_sqes;         /* operations queued to io_uring */
	uint64_t uring_submits;      /* io_uring_submit calls (sqes / submits = batching) */
	uint64_t uring_cqes;         /* completions reaped */
	uint64_t uring_inflight;     /* gauge: operations in io_uring now */
	uint64_t uring_inflight_max; /* most operations in io_uring at once */
	uint64_t requests_active;    /* gauge: requests between arrival and reply now */
	uint64_t clients;            /* gauge: clients introduced (HELLO) */
	uint64_t sleeps;             /* times the event loop slept on its file descriptors */
	struct benchfs_op_stats op[BENCHFS_STATS_OPS];
};

/**
 * benchfs_server_stats - fetch the metrics of server @server (one STATS request).
 * @server: 0 ... benchfs_server_count() - 1.
 * @st:     out: the server's metrics.
 * @flags:  0, or BENCHFS_STATS_RESET to zero the counters after they were read (gauges stay).
 * Return: 0; -EINVAL (@server out of range, @st NULL, unknown flags); -ENOTCONN (not attached);
 *   -EPROTO (the server answered another metrics layout); -ETIMEDOUT, -EIO (server failure).
 * Thread-safety: as every call (serialized inside the library).
 */
int benchfs_server_stats(int server, struct benchfs_server_stats *st, int flags);

/**
 * benchfs_server_stats_diff - the metrics of an interval: @d = @a - @b for every counter and
 * histogram bucket of two samples of one server (@b the earlier, taken without a reset in
 * between); gauges and maxima (uptime_ns, uring_inflight, uring_inflight_max, requests_active,
 * clients) are @a's. @d may be @a or @b. Thread-safe.
 */
void benchfs_server_stats_diff(struct benchfs_server_stats *d, const struct benchfs_server_stats *a,
                               const struct benchfs_server_stats *b);

/**
 * benchfs_stats_op_name - name of wire operation @op ("write", "lookup", ...), or NULL for a
 * slot no operation uses. Thread-safe.
 */
const char *benchfs_stats_op_name(int op);

/**
 * benchfs_stats_percentile - the latency (ns) below which a fraction @p (0 < @p <= 1) of the
 * counts of histogram @hist fall, taken as the upper edge of the bucket that crosses @p; 0 for
 * an empty histogram. Thread-safe.
 */
uint64_t benchfs_stats_percentile(const uint64_t hist[BENCHFS_STATS_BUCKETS], double p);

/**
 * benchfs_server_stats_json - write @st as one JSON object (no trailing newline) to @f: the
 * scalar fields by name, "ops" with one object per operation that saw a request (requests,
 * errors, bytes, mean and p50/p99 queue and service times in ns, and both histograms as
 * arrays). The same form servers write to DATA_DIR/stats.json when they stop.
 * Return: 0, or -EIO when writing failed. Thread-safe.
 */
int benchfs_server_stats_json(FILE *f, const struct benchfs_server_stats *st);

#ifdef __cplusplus
}
#endif
#endif /* BENCHFS_STATS_H */
