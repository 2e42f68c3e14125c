/*
 * multinode_client - a client that keeps calling one server while tests/multinode.sh fails
 * that server's node (kill -9 of the server, or the node's link down), and reports when and how
 * its calls failed.
 *
 *   multinode_client -a ADDRFILE busy SERVER MAXSECS [OPTIONS]   plain client of benchfsd
 *   multinode_client NSERVERS busy SERVER MAXSECS [OPTIONS]      MPI job, NSERVERS in-job
 *                                                                servers (BFS_TEST_DATA_DIR)
 * Options:
 *   --hosts H1,H2   only clients on these hosts (gethostname) call; the others wait (in-job)
 *   --ops OP,...    the calls of the loop (default find,eager,rndv,read)
 *   --ops-for HOST OP,...  the calls of the loop on HOST (in-job: several of these)
 *   --name NAME     the name in the lines printed (default: the host name)
 *   --again         after the first error, call the failed server once more with each
 *                   operation (find, eager write, rendezvous write) and time those calls
 *   --recover SECS  after the first error, retry the failed server (a find every 0.2 s) until
 *                   it answers, for at most SECS, then read back this client's files
 *
 * Both files are written once first. The calls, in a loop until one fails (1 ms pause per
 * round), each needing server SERVER:
 *   find   benchfs_find on SERVER (one small request and reply)
 *   eager  256 KiB pwrite to a file of 4 KiB chunks: 64 eager pieces over every server
 *   rndv   2 MiB pwrite to a file of 64 KiB chunks: 32 rendezvous pieces over every server
 *   read   pread of the 2 MiB back, checked against the pattern
 * Every write puts the same pattern at the same offset, so a write cut short changes no byte.
 *
 * Lines printed (stdout, line by line; times: AT is CLOCK_REALTIME in seconds, comparable with
 * `date +%s.%N` on the same machine, TOOK the call's duration):
 *   mn: NAME ready                             one full round passed: the script may strike
 *   mn: NAME error OP ERRNAME at AT took TOOK  the first failed call
 *   mn: NAME again OP ERRNAME took TOOK        (--again)
 *   mn: NAME live S OK|ERRNAME took TOOK       a find on every other server after the error
 *   mn: NAME recovered after SECS at AT        (--recover) SERVER answers again
 *   mn: NAME data OK                           (--recover) both files hold their pattern
 *   mn: NAME baddata ...                       a pread returned success with wrong bytes
 * ERRNAME is an errno name, SHORT (fewer bytes than asked, no error) or BADDATA (a pread
 * returned every byte, not all of them the ones written).
 * Exit 0 when the protocol ran and every check that is this program's own passed (data before
 * and after, the other servers answering, recovery within SECS); 1 otherwise. Whether the
 * errors came fast enough, and which errno they had, is the script's to judge.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define RNDV_CHUNK  (64 << 10)
#define RNDV_SIZE   (2 << 20)
#define EAGER_CHUNK 4096
#define EAGER_SIZE  (256 << 10)
#define SEED        7
#define FILL        0xEE /* read buffers are filled with this before a read */

static char host[256];
static const char *name; /* in the lines printed */
static int server;
static uint8_t *wbuf, *rbuf;
static int fd_eager = -1, fd_rndv = -1;
static char path_eager[300], path_rndv[300];

static double realtime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int none_cb(const struct benchfs_find_entry *e, void *arg)
{
	(void)e;
	(void)arg;
	return 0;
}

enum op { OP_FIND, OP_EAGER, OP_RNDV, OP_READ, NOPS };
static const char *const op_name[NOPS] = {"find", "eager", "rndv", "read"};

/* "find,rndv" -> a bit per operation; 0 when a name is unknown */
static unsigned parse_ops(const char *list)
{
	unsigned ops = 0;
	char buf[256], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int op;
		for (op = 0; op < NOPS && strcmp(tok, op_name[op]) != 0; op++)
			;
		if (op == NOPS)
			return 0;
		ops |= 1u << op;
	}
	return ops;
}

/* results of call() that are no errno: a call that "succeeded" with the wrong outcome */
#define RC_SHORT   (-100000) /* a write or read that moved fewer bytes than asked */
#define RC_BADDATA (-100001) /* a read that returned every byte, not all of them right */

static const char *rc_name(long long rc)
{
	return rc == RC_SHORT ? "SHORT" : rc == RC_BADDATA ? "BADDATA" : bt_errname(rc);
}

/* Which bytes of a read were wrong: count, first offset, the 64 KiB chunks they are in. */
static void report_baddata(void)
{
	char chunks[1024] = "";
	size_t bad = 0, zeros = 0, fill = 0, first = 0, len = 0;

	for (size_t c = 0; c < RNDV_SIZE / RNDV_CHUNK; c++) {
		size_t in_chunk = 0;
		for (size_t i = c * RNDV_CHUNK; i < (c + 1) * RNDV_CHUNK; i++)
			if (rbuf[i] != bt_byte(i, SEED)) {
				if (!bad++)
					first = i;
				in_chunk++;
				zeros += rbuf[i] == 0;
				fill += rbuf[i] == FILL;
			}
		if (in_chunk && len < sizeof(chunks) - 16)
			len += (size_t)snprintf(chunks + len, sizeof(chunks) - len, " %zu(%zu)", c,
			                        in_chunk);
	}
	printf("mn: %s baddata %s: %zu of %d bytes wrong (%zu of them 0, %zu still the buffer's "
	       "fill 0x%02x), first at %zu; 64 KiB chunks (wrong bytes):%s\n",
	       name, path_rndv, bad, RNDV_SIZE, zeros, fill, FILL, first, chunks);
	fflush(stdout);
}

/* One call of @op on server @s (find) or on the files; 0, a negative errno, or RC_*. */
static long long call(enum op op, int s)
{
	struct benchfs_find_filter flt = {.name = "no-such-name-*"};
	long long rc;

	switch (op) {
	case OP_FIND:
		return benchfs_find(s, "/", &flt, none_cb, NULL);
	case OP_EAGER:
		rc = benchfs_pwrite(fd_eager, wbuf, EAGER_SIZE, 0);
		return rc < 0 ? rc : rc == EAGER_SIZE ? 0 : RC_SHORT;
	case OP_RNDV:
		rc = benchfs_pwrite(fd_rndv, wbuf, RNDV_SIZE, 0);
		return rc < 0 ? rc : rc == RNDV_SIZE ? 0 : RC_SHORT;
	case OP_READ:
		memset(rbuf, FILL, RNDV_SIZE);
		rc = benchfs_pread(fd_rndv, rbuf, RNDV_SIZE, 0);
		if (rc < 0)
			return rc;
		if (rc != RNDV_SIZE) {
			bt_fail(__FILE__, __LINE__, "%s: read %lld bytes of %s, want %d", name, rc,
			        path_rndv, RNDV_SIZE);
			return RC_SHORT;
		}
		if (bt_verify(rbuf, RNDV_SIZE, 0, SEED) >= 0) {
			bt_fail(__FILE__, __LINE__,
			        "%s: pread of %s returned %lld, not the pattern", name, path_rndv,
			        rc);
			report_baddata();
			return RC_BADDATA;
		}
		return 0;
	default:
		return -EINVAL;
	}
}

static int open_files(void)
{
	snprintf(path_eager, sizeof(path_eager), "/mn-%s-%d-eager", host, (int)getpid());
	snprintf(path_rndv, sizeof(path_rndv), "/mn-%s-%d-rndv", host, (int)getpid());
	fd_eager = benchfs_create(path_eager, O_RDWR | O_CREAT | O_TRUNC, 0644, EAGER_CHUNK);
	fd_rndv = benchfs_create(path_rndv, O_RDWR | O_CREAT | O_TRUNC, 0644, RNDV_CHUNK);
	if (fd_eager < 0 || fd_rndv < 0) {
		bt_fail(__FILE__, __LINE__, "%s: create: %s, %s", name, bt_errname(fd_eager),
		        bt_errname(fd_rndv));
		return -1;
	}
	/* both files hold the pattern before the loop, whatever its calls */
	CHECK_RC(benchfs_pwrite(fd_eager, wbuf, EAGER_SIZE, 0), EAGER_SIZE);
	CHECK_RC(benchfs_pwrite(fd_rndv, wbuf, RNDV_SIZE, 0), RNDV_SIZE);
	return bt_failures ? -1 : 0;
}

/* The whole protocol of one calling client. */
static void busy(unsigned ops, double maxsecs, int again, double recover)
{
	double t0, t1 = 0, start = bt_now();
	long long rc = 0;
	int op = 0, rounds = 0;

	wbuf = malloc(RNDV_SIZE);
	rbuf = malloc(RNDV_SIZE);
	if (!wbuf || !rbuf)
		return;
	bt_fill(wbuf, RNDV_SIZE, 0, SEED);
	if (open_files())
		return;
	for (;;) {
		for (op = 0; op < NOPS; op++) {
			if (!(ops & 1u << op))
				continue;
			t0 = bt_now();
			rc = call((enum op)op, server);
			t1 = bt_now();
			if (rc < 0)
				break;
		}
		if (rc < 0)
			break;
		if (++rounds == 1) {
			printf("mn: %s ready\n", name);
			fflush(stdout);
		}
		if (bt_now() - start > maxsecs) {
			bt_fail(__FILE__, __LINE__, "%s: no call failed in %.0f s (%d rounds)",
			        name, maxsecs, rounds);
			return;
		}
		usleep(1000);
	}
	if (rounds == 0) {
		bt_fail(__FILE__, __LINE__, "%s: %s failed before the fault: %s", name, op_name[op],
		        rc_name(rc));
		return;
	}
	/* the moment the call returned, on the wall clock the script reads with date */
	printf("mn: %s error %s %s at %.6f took %.3f\n", name, op_name[op], rc_name(rc),
	       realtime() - (bt_now() - t1), t1 - t0);
	fflush(stdout);
	if (again)
		for (op = 0; op < OP_READ; op++) {
			t0 = bt_now();
			rc = call((enum op)op, server);
			printf("mn: %s again %s %s took %.3f\n", name, op_name[op], rc_name(rc),
			       bt_now() - t0);
			fflush(stdout);
		}
	for (int s = 0; s < benchfs_server_count(); s++) {
		if (s == server)
			continue;
		t0 = bt_now();
		rc = call(OP_FIND, s);
		printf("mn: %s live %d %s took %.3f\n", name, s, bt_errname(rc), bt_now() - t0);
		fflush(stdout);
		if (rc < 0)
			bt_fail(__FILE__, __LINE__, "%s: find on live server %d: %s", name, s,
			        bt_errname(rc));
	}
	if (recover <= 0)
		return;
	t0 = bt_now();
	while ((rc = call(OP_FIND, server)) < 0 && bt_now() - t0 < recover)
		usleep(200000);
	if (rc < 0) {
		bt_fail(__FILE__, __LINE__, "%s: server %d still failing after %.0f s: %s", name,
		        server, recover, bt_errname(rc));
		return;
	}
	printf("mn: %s recovered after %.2f at %.6f\n", name, bt_now() - t0, realtime());
	fflush(stdout);
	/* the files hold the pattern: rewrite nothing, read both back */
	long before = bt_failures;
	memset(rbuf, FILL, RNDV_SIZE);
	CHECK_RC(benchfs_pread(fd_eager, rbuf, EAGER_SIZE, 0), EAGER_SIZE);
	CHECK_PATTERN(rbuf, EAGER_SIZE, 0, SEED);
	CHECK_RC(call(OP_READ, server), 0);
	CHECK_RC(benchfs_close(fd_eager), 0);
	CHECK_RC(benchfs_close(fd_rndv), 0);
	fd_eager = fd_rndv = -1;
	if (bt_failures == before)
		printf("mn: %s data OK\n", name);
	fflush(stdout);
}

/* In-job clients that do not call: wait for the others without spinning a core. */
static void wait_for_all(void)
{
	MPI_Request req;
	int done = 0;

	MPI_Ibarrier(bt_comm, &req);
	while (!done) {
		MPI_Test(&req, &done, MPI_STATUS_IGNORE);
		if (!done)
			usleep(10000);
	}
}

int main(int argc, char **argv)
{
	const char *addr = NULL, *hosts = NULL;
	double maxsecs, recover = 0;
	int injob = 0, again = 0, i, rc;
	unsigned ops = (1u << NOPS) - 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	gethostname(host, sizeof(host) - 1);
	name = host;
	if (argc > 2 && strcmp(argv[1], "-a") == 0) {
		addr = argv[2];
		i = 3;
	} else if (argc > 1 && atoi(argv[1]) > 0) {
		injob = 1;
		i = 2;
	} else {
		i = argc;
	}
	if (argc - i < 3 || strcmp(argv[i], "busy") != 0) {
		fprintf(stderr, "usage: multinode_client -a ADDRFILE|NSERVERS busy SERVER MAXSECS "
		                "[--hosts H,...] [--ops OP,...] [--ops-for HOST OP,...] [--name "
		                "NAME] [--again] "
		                "[--recover SECS]\n");
		return 2;
	}
	server = atoi(argv[i + 1]);
	maxsecs = atof(argv[i + 2]);
	for (i += 3; i < argc; i++) {
		if (strcmp(argv[i], "--again") == 0)
			again = 1;
		else if (strcmp(argv[i], "--hosts") == 0 && i + 1 < argc)
			hosts = argv[++i];
		else if (strcmp(argv[i], "--recover") == 0 && i + 1 < argc)
			recover = atof(argv[++i]);
		else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (strcmp(argv[i], "--ops") == 0 && i + 1 < argc && parse_ops(argv[i + 1]))
			ops = parse_ops(argv[++i]);
		else if (strcmp(argv[i], "--ops-for") == 0 && i + 2 < argc &&
		         parse_ops(argv[i + 2])) {
			if (strcmp(argv[i + 1], host) == 0)
				ops = parse_ops(argv[i + 2]);
			i += 2;
		} else {
			fprintf(stderr, "multinode_client: bad option %s\n", argv[i]);
			return 2;
		}
	}
	if (injob) {
		bt_start(&argc, &argv); /* server ranks serve and exit in there */
	} else {
		bt_test_name = "multinode_client";
		rc = benchfs_init(addr);
		if (rc) {
			printf("mn: %s FAIL benchfs_init(%s): %s\n", name, addr, bt_errname(rc));
			return 1;
		}
	}
	if (server < 0 || server >= benchfs_server_count()) {
		bt_fail(__FILE__, __LINE__, "server %d of %d", server, benchfs_server_count());
	} else {
		int mine = 1;
		if (hosts) {
			size_t n = strlen(host);
			const char *p = strstr(hosts, host);
			mine = 0;
			for (; p; p = strstr(p + 1, host))
				if ((p == hosts || p[-1] == ',') && (p[n] == ',' || p[n] == 0))
					mine = 1;
		}
		if (mine)
			busy(ops, maxsecs, again, recover);
		else
			printf("mn: %s waits\n", name);
	}
	if (injob) {
		wait_for_all();
		return bt_finish();
	}
	if (fd_eager >= 0)
		benchfs_close(fd_eager);
	if (fd_rndv >= 0)
		benchfs_close(fd_rndv);
	benchfs_term();
	if (bt_failures)
		printf("mn: %s: %ld failed checks\n", name, bt_failures);
	return bt_failures ? 1 : 0;
}
