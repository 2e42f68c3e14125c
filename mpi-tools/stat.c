/*
 * benchfs-stat - print the servers' metrics: requests, bytes, errors and latencies per
 * operation, the transport and io_uring counters, CPU time.
 *
 *	mpirun -n 1 benchfs-stat --attach ADDRFILE [--json] [--interval SECS [--count N]]
 *	mpirun -n 3 benchfs-run --servers 2 -- benchfs-stat
 *
 * Only client rank 0 asks the servers (one STATS request each); the other ranks wait. With
 * --interval the table shows what happened in each interval (differences of the counters).
 */
#include "tool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct tool_desc stat_desc = {
    .name = "benchfs-stat",
    .synopsis = "[--json] [--interval SECS [--count N]] [--reset]",
    .about = "Print every server's metrics: per operation the requests, bytes, errors and the\n"
             "p50/p99 service and mean queue times; per server the transport (eager and\n"
             "rendezvous messages), io_uring and CPU figures. With --interval, the rates of\n"
             "each interval instead of the totals since the servers started.",
    .options = "      --json            one JSON document: {\"servers\": [...]} (totals)\n"
               "  -i, --interval SECS   print the activity of every SECS seconds\n"
               "  -c, --count N         stop after N intervals (default: until killed)\n"
               "      --reset           zero the servers' counters after reading them\n",
};

enum { OPT_JSON = 0x2000, OPT_RESET };

struct stat_run {
	struct tool t;
	int json, reset;
	double interval;
	long count;
};

static void parse_args(struct stat_run *r, int argc, char **argv)
{
	static const struct option longopts[] = {
	    TOOL_COMMON_OPTIONS,
	    {"json", no_argument, NULL, OPT_JSON},
	    {"reset", no_argument, NULL, OPT_RESET},
	    {"interval", required_argument, NULL, 'i'},
	    {"count", required_argument, NULL, 'c'},
	    {NULL, 0, NULL, 0},
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, ":hi:c:", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			r->json = 1;
			break;
		case OPT_RESET:
			r->reset = 1;
			break;
		case 'i':
			r->interval = strtod(optarg, &end);
			if (*end || !(r->interval > 0) || r->interval > 86400)
				tool_usage_error(
				    &r->t, "--interval %s: not a number of seconds > 0", optarg);
			break;
		case 'c':
			r->count = strtol(optarg, &end, 10);
			if (*end || r->count < 1)
				tool_usage_error(&r->t, "--count %s: not a positive number",
				                 optarg);
			break;
		default:
			tool_option(&r->t, c, argv);
		}
	}
	if (optind < argc)
		tool_usage_error(&r->t, "unexpected argument '%s'", argv[optind]);
	if (r->count && !r->interval)
		tool_usage_error(&r->t, "--count needs --interval");
	if (r->json && r->interval)
		tool_usage_error(&r->t, "--json prints totals: it excludes --interval");
}

/* One server's table: per operation, then the server's own figures. */
static void print_table(const struct benchfs_server_stats *st, double secs)
{
	double cpu = (double)st->cpu_ns / 1e9;

	printf("server %u: %s %.1f s, CPU %.2f s (%.1f %% of a core), %llu clients, %llu requests "
	       "in flight%s\n",
	       st->server, secs > 0 ? "interval" : "up", secs > 0 ? secs : st->uptime_ns / 1e9, cpu,
	       100.0 * cpu / ((double)st->since_ns / 1e9 + 1e-9), (unsigned long long)st->clients,
	       (unsigned long long)st->requests_active,
	       st->enabled ? "" : " (counting off: BENCHFS_STATS=0)");
	printf("  %-9s %10s %10s %7s %10s %10s %10s\n", "op", "requests", "MiB", "errors", "p50 us",
	       "p99 us", "queue us");
	for (int o = 0; o < BENCHFS_STATS_OPS; o++) {
		const struct benchfs_op_stats *s = &st->op[o];
		const char *name = benchfs_stats_op_name(o);

		if (!s->requests)
			continue;
		printf("  %-9s %10llu %10.1f %7llu %10.1f %10.1f %10.1f\n", name ? name : "other",
		       (unsigned long long)s->requests, (double)s->bytes / 1048576.0,
		       (unsigned long long)s->errors,
		       (double)benchfs_stats_percentile(s->service_hist, 0.5) / 1e3,
		       (double)benchfs_stats_percentile(s->service_hist, 0.99) / 1e3,
		       (double)s->queue_ns / (double)s->requests / 1e3);
	}
	printf("  messages in: %llu eager (%.1f MiB), %llu rendezvous (%.1f MiB); replies: %llu "
	       "eager, %llu rendezvous\n",
	       (unsigned long long)st->am_eager, (double)st->bytes_eager / 1048576.0,
	       (unsigned long long)st->am_rndv, (double)st->bytes_rndv / 1048576.0,
	       (unsigned long long)st->rep_eager, (unsigned long long)st->rep_rndv);
	printf("  storage: %llu done at once, %llu writebacks started, %llu io_uring ops in %llu "
	       "submits, %llu in flight (max %llu); %llu sleeps\n",
	       (unsigned long long)st->io_inline, (unsigned long long)st->io_writebacks,
	       (unsigned long long)st->uring_sqes, (unsigned long long)st->uring_submits,
	       (unsigned long long)st->uring_inflight, (unsigned long long)st->uring_inflight_max,
	       (unsigned long long)st->sleeps);
}

/* Fetch every server's metrics into @st (n entries); on error, report it and return it. */
static int fetch_all(struct stat_run *r, struct benchfs_server_stats *st, int n)
{
	for (int i = 0; i < n; i++) {
		int rc = benchfs_server_stats(i, &st[i], r->reset ? BENCHFS_STATS_RESET : 0);
		if (rc < 0) {
			char what[64];
			snprintf(what, sizeof(what), "server %d", i);
			tool_error(&r->t, what, rc);
			return rc;
		}
	}
	return 0;
}

static int run(struct stat_run *r)
{
	int n = r->t.nfs_servers;
	struct benchfs_server_stats *cur = calloc((size_t)n, sizeof(*cur));
	struct benchfs_server_stats *prev = calloc((size_t)n, sizeof(*prev));
	struct benchfs_server_stats d;
	int status = 1;

	if (!cur || !prev) {
		tool_error(&r->t, "metrics", -ENOMEM);
		goto out;
	}
	if (fetch_all(r, cur, n))
		goto out;
	if (r->json) {
		printf("{\"servers\": [");
		for (int i = 0; i < n; i++) {
			if (i)
				printf(", ");
			benchfs_server_stats_json(stdout, &cur[i]);
		}
		printf("]}\n");
		status = ferror(stdout) ? 1 : 0;
		goto out;
	}
	if (!r->interval) {
		for (int i = 0; i < n; i++)
			print_table(&cur[i], 0);
		status = 0;
		goto out;
	}
	for (long k = 0; !r->count || k < r->count; k++) {
		struct benchfs_server_stats *t = prev;
		struct timespec ts = {(time_t)r->interval,
		                      (long)((r->interval - (double)(time_t)r->interval) * 1e9)};
		prev = cur;
		cur = t;
		nanosleep(&ts, NULL);
		if (fetch_all(r, cur, n))
			goto out;
		for (int i = 0; i < n; i++) {
			if (r->reset)
				d = cur[i]; /* the counters were zeroed at the last read */
			else
				benchfs_server_stats_diff(&d, &cur[i], &prev[i]);
			print_table(&d, r->interval);
		}
		fflush(stdout);
	}
	status = 0;
out:
	free(cur);
	free(prev);
	return status;
}

int main(int argc, char **argv)
{
	struct stat_run r = {0};
	int status = 0;

	tool_init(&r.t, &stat_desc, &argc, &argv);
	parse_args(&r, argc, argv);
	tool_start(&r.t);
	if (r.t.rank == 0)
		status = run(&r);
	return tool_finish(&r.t, status);
}
