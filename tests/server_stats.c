/*
 * server_stats - the servers' metrics count what the clients did: after every client wrote
 * WRITES pieces of PIECE bytes to a file of its own and read them back, the write and read
 * requests summed over the servers are at least what was sent and their bytes exactly so; a
 * lookup of a missing path is an error of the lookup operation; BENCHFS_STATS_RESET zeroes
 * the counters; benchfs_server_stats_diff() of two samples around 3 more writes counts exactly
 * those (requests, bytes, service histogram) and keeps the later sample's gauges; the JSON form
 * names the operations; bad arguments give -EINVAL.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "net/wire.h"

#define PIECE  20000 /* bytes of one pwrite (eager below 32 KiB) */
#define WRITES 25

static struct benchfs_server_stats st;

/* CHECK with a message of its own */
#define CHECKF(cond, ...)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			bt_fail(__FILE__, __LINE__, __VA_ARGS__);                                  \
	} while (0)

/* Sum of one counter (at @offset in struct benchfs_op_stats) of operation @op over every
 * server; the last server's metrics stay in st. */
static unsigned long long sum(int op, size_t offset)
{
	unsigned long long s = 0;

	for (int i = 0; i < benchfs_server_count(); i++) {
		CHECK_RC(benchfs_server_stats(i, &st, 0), 0);
		s += *(const uint64_t *)((const char *)&st.op[op] + offset);
	}
	return s;
}
#define SUM(op, field) sum(op, offsetof(struct benchfs_op_stats, field))

static uint8_t buf[PIECE * WRITES];

int main(int argc, char **argv)
{
	unsigned long long writes, wbytes, reads, rbytes, lerr;
	char path[64], *json = NULL;
	size_t jlen = 0;
	struct stat sb;
	FILE *f;
	int fd;

	setenv("BENCHFS_INLINE_MAX", "0", 1); /* chunked files: the data path's WRITE and READ */
	bt_start(&argc, &argv);
	if (bt_rank == 0) /* a fresh start: zero what the set-up counted */
		for (int i = 0; i < benchfs_server_count(); i++)
			CHECK_RC(benchfs_server_stats(i, &st, BENCHFS_STATS_RESET), 0);
	MPI_Barrier(bt_comm);

	snprintf(path, sizeof(path), "/stats%d", bt_rank);
	fd = (int)CHECK_OK(benchfs_open(path, O_RDWR | O_CREAT | O_EXCL, 0644));
	bt_fill(buf, sizeof(buf), 0, 77 + (uint64_t)bt_rank);
	for (int i = 0; i < WRITES; i++)
		CHECK_RC(benchfs_pwrite(fd, buf + i * PIECE, PIECE, (off_t)i * PIECE), PIECE);
	memset(buf, 0, sizeof(buf));
	CHECK_RC(benchfs_pread(fd, buf, sizeof(buf), 0), (long long)sizeof(buf));
	CHECK_PATTERN(buf, sizeof(buf), 0, 77 + (uint64_t)bt_rank);
	CHECK_RC(benchfs_close(fd), 0);
	CHECK_RC(benchfs_stat("/no-such-file-here", &sb), -ENOENT);
	MPI_Barrier(bt_comm);

	if (bt_rank == 0) {
		unsigned long long n = (unsigned long long)bt_size;
		writes = SUM(BFS_OP_WRITE, requests);
		wbytes = SUM(BFS_OP_WRITE, bytes);
		reads = SUM(BFS_OP_READ, requests);
		rbytes = SUM(BFS_OP_READ, bytes);
		lerr = SUM(BFS_OP_LOOKUP, errors);
		bt_note(
		    "%llu clients: %llu writes, %llu bytes; %llu reads, %llu bytes; %llu lookup "
		    "errors",
		    n, writes, wbytes, reads, rbytes, lerr);
		CHECKF(writes >= n * WRITES, "%llu write requests, want >= %llu", writes,
		       n * WRITES);
		CHECKF(wbytes == n * sizeof(buf), "%llu bytes written, want %llu", wbytes,
		       n * (unsigned long long)sizeof(buf));
		CHECKF(reads >= n, "%llu read requests", reads);
		CHECKF(rbytes == n * sizeof(buf), "%llu bytes read, want %llu", rbytes,
		       n * (unsigned long long)sizeof(buf));
		CHECKF(lerr >= n, "%llu lookup errors, want >= %llu", lerr, n);
		CHECKF(st.enabled == 1 && st.uptime_ns > 0 && st.cpu_ns > 0,
		       "enabled %u uptime %llu cpu %llu", st.enabled,
		       (unsigned long long)st.uptime_ns, (unsigned long long)st.cpu_ns);
		{
			unsigned long long h = 0;
			for (int b = 0; b < BENCHFS_STATS_BUCKETS; b++)
				h += st.op[BFS_OP_WRITE].service_hist[b];
			CHECKF(h == st.op[BFS_OP_WRITE].requests, "histogram counts %llu of %llu",
			       h, (unsigned long long)st.op[BFS_OP_WRITE].requests);
		}

		/* JSON names the operations it saw */
		f = open_memstream(&json, &jlen);
		CHECK_RC(benchfs_server_stats_json(f, &st), 0);
		fclose(f);
		CHECKF(json[0] == '{' && json[jlen - 1] == '}', "JSON object: %.40s", json);
		CHECKF(strstr(json, "\"ops\": {") != NULL, "no ops in %.80s", json);
		free(json);

		/* reset */
		for (int i = 0; i < benchfs_server_count(); i++)
			CHECK_RC(benchfs_server_stats(i, &st, BENCHFS_STATS_RESET), 0);
		CHECK_EQ(SUM(BFS_OP_WRITE, requests), 0);
		CHECK_EQ(SUM(BFS_OP_WRITE, bytes), 0);

		/* the interval between two samples */
		{
			int ns = benchfs_server_count();
			struct benchfs_server_stats *a = calloc((size_t)ns, sizeof(*a));
			struct benchfs_server_stats *b = calloc((size_t)ns, sizeof(*b));
			unsigned long long dreq = 0, dbytes = 0, dhist = 0;

			CHECK(a && b);
			for (int i = 0; i < ns; i++)
				CHECK_RC(benchfs_server_stats(i, &b[i], 0), 0);
			fd = (int)CHECK_OK(benchfs_open("/stats-diff", O_RDWR | O_CREAT, 0644));
			for (int i = 0; i < 3; i++)
				CHECK_RC(benchfs_pwrite(fd, buf, PIECE, (off_t)i * PIECE), PIECE);
			for (int i = 0; i < ns; i++) {
				CHECK_RC(benchfs_server_stats(i, &a[i], 0), 0);
				benchfs_server_stats_diff(&a[i], &a[i], &b[i]);
				dreq += a[i].op[BFS_OP_WRITE].requests;
				dbytes += a[i].op[BFS_OP_WRITE].bytes;
				for (int k = 0; k < BENCHFS_STATS_BUCKETS; k++)
					dhist += a[i].op[BFS_OP_WRITE].service_hist[k];
				CHECKF(a[i].clients >= 1 && a[i].uptime_ns >= b[i].uptime_ns,
				       "gauges of the later sample: clients %llu",
				       (unsigned long long)a[i].clients);
			}
			CHECKF(dreq == 3 && dbytes == 3 * PIECE && dhist == 3,
			       "interval: %llu writes, %llu bytes, %llu in the histogram", dreq,
			       dbytes, dhist);
			CHECK_RC(benchfs_close(fd), 0);
			free(a);
			free(b);
		}

		/* arguments */
		CHECK_RC(benchfs_server_stats(-1, &st, 0), -EINVAL);
		CHECK_RC(benchfs_server_stats(benchfs_server_count(), &st, 0), -EINVAL);
		CHECK_RC(benchfs_server_stats(0, NULL, 0), -EINVAL);
		CHECK_RC(benchfs_server_stats(0, &st, 0x100), -EINVAL);
		CHECKF(benchfs_stats_op_name(BFS_OP_WRITE) &&
		           strcmp(benchfs_stats_op_name(BFS_OP_WRITE), "write") == 0,
		       "op name");
		CHECKF(benchfs_stats_op_name(BENCHFS_STATS_OPS) == NULL, "op name out of range");
	}
	return bt_finish();
}
