/*
 * malformed_request - a live server answers malformed, truncated and unauthenticated requests
 * with an error reply (the request id echoed when it can be read) and goes on serving.
 *
 * usage: malformed_request ADDRFILE    (servers started by benchfsd; talks raw UCX AM to
 * server 0, as a broken or hostile client would)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "net/ucx.h"
#include "net/wire.h"

static struct bfs_ucx ucx;
static ucp_ep_h ep;
static int got_reply;
static struct bfs_rep reply;
static int failures;

static ucs_status_t on_reply(void *arg, const void *header, size_t hlen, void *data, size_t len,
                             const ucp_am_recv_param_t *param)
{
	(void)arg, (void)data, (void)len, (void)param;
	got_reply = bfs_wire_decode_rep(header, hlen, &reply) == 0 ? 1 : -1;
	return UCS_OK;
}

static void ep_error(void *arg, ucp_ep_h e, ucs_status_t st)
{
	(void)arg, (void)e;
	fprintf(stderr, "endpoint failed: %s\n", ucs_status_string(st));
	exit(1);
}

/* Send one AM request (raw header bytes + payload) and wait up to 10 s for the reply. */
static int roundtrip(const void *hdr, size_t hlen, const void *payload, size_t plen)
{
	ucp_request_param_t p = {0};
	ucs_status_ptr_t sp;
	int64_t deadline = bfs_mono_ns() + 10 * BFS_NSEC;

	got_reply = 0;
	p.op_attr_mask = UCP_OP_ATTR_FIELD_FLAGS;
	p.flags = UCP_AM_SEND_FLAG_REPLY | UCP_AM_SEND_FLAG_EAGER;
	sp = ucp_am_send_nbx(ep, BFS_AM_REQ, hdr, hlen, payload, plen, &p);
	if (UCS_PTR_IS_ERR(sp))
		return -EIO;
	while (!got_reply && bfs_mono_ns() < deadline) {
		if (UCS_PTR_IS_PTR(sp) && ucp_request_check_status(sp) != UCS_INPROGRESS) {
			ucp_request_free(sp);
			sp = NULL;
		}
		ucp_worker_progress(ucx.worker);
	}
	if (UCS_PTR_IS_PTR(sp))
		ucp_request_free(sp);
	return got_reply == 1 ? 0 : -ETIMEDOUT;
}

static void expect(const char *what, int rc, int64_t status, uint64_t want_id)
{
	int ok = rc == 0 && reply.status == status && reply.reqid == want_id;

	printf("%s: %s (reply status %d, want %lld; reqid %llu, want %llu)\n", ok ? "ok" : "FAIL",
	       what, rc ? rc : reply.status, (long long)status, (unsigned long long)reply.reqid,
	       (unsigned long long)want_id);
	failures += !ok;
}

int main(int argc, char **argv)
{
	unsigned long long secret;
	unsigned n, vnodes, idx;
	char line[65536], hex[65536];
	uint8_t addr[32768], hdr[BFS_WIRE_REQ_SIZE + 64];
	struct bfs_req q;
	FILE *f;
	uint32_t pid;
	int alen, rc;

	if (argc != 2 || !(f = fopen(argv[1], "r"))) {
		fprintf(stderr, "usage: malformed_request ADDRFILE\n");
		return 1;
	}
	if (fscanf(f, "benchfs-addr 2 secret %llx servers %u vnodes %u seed %*x ", &secret, &n,
	           &vnodes) != 3 ||
	    !fgets(line, sizeof(line), f) || sscanf(line, "server %u %65535s", &idx, hex) != 2) {
		fprintf(stderr, "%s: not an address file\n", argv[1]);
		return 1;
	}
	fclose(f);
	alen = bfs_hex_decode(hex, addr, sizeof(addr));
	if (alen <= 0 || bfs_ucx_init(&ucx) || bfs_ucx_set_am(&ucx, BFS_AM_REP, on_reply, NULL) ||
	    bfs_ucx_connect(&ucx, addr, (size_t)alen, &ep, ep_error, NULL, &pid))
		return 1;

	memset(&q, 0, sizeof(q));
	q.op = BFS_OP_LOOKUP;
	q.reqid = 1001;
	q.secret = secret;
	q.len[0] = 2;
	bfs_wire_encode_req(&q, hdr);
	rc = roundtrip(hdr, 64, "/a", 2);
	expect("truncated header (64 of 128 bytes)", rc, -EBADMSG, 1001);
	rc = roundtrip(hdr, 0, NULL, 0);
	expect("no header at all", rc, -EBADMSG, 0);
	memset(hdr + BFS_WIRE_REQ_SIZE, 0, 64);
	rc = roundtrip(hdr, BFS_WIRE_REQ_SIZE + 64, "/a", 2);
	expect("oversized header", rc, -EBADMSG, 1001);

	bfs_wire_encode_req(&q, hdr);
	hdr[0] ^= 0xff;
	rc = roundtrip(hdr, BFS_WIRE_REQ_SIZE, "/a", 2);
	expect("bad magic", rc, -EBADMSG, 1001);

	bfs_wire_encode_req(&q, hdr);
	hdr[4] = BFS_WIRE_VERSION + 1;
	rc = roundtrip(hdr, BFS_WIRE_REQ_SIZE, "/a", 2);
	expect("other protocol version", rc, -EPROTO, 1001);

	bfs_wire_encode_req(&q, hdr);
	hdr[5] = 99;
	rc = roundtrip(hdr, BFS_WIRE_REQ_SIZE, "/a", 2);
	expect("unknown operation", rc, -EBADMSG, 1001);

	bfs_wire_encode_req(&q, hdr);
	hdr[120] = 1;
	rc = roundtrip(hdr, BFS_WIRE_REQ_SIZE, "/a", 2);
	expect("reserved bytes set", rc, -EBADMSG, 1001);

	q.reqid = 1002;
	q.len[0] = 10; /* says 10 bytes of path, carries 2 */
	bfs_wire_encode_req(&q, hdr);
	rc = roundtrip(hdr, BFS_WIRE_REQ_SIZE, "/a", 2);
	expect("string lengths beyond the payload", rc, -EBADMSG, 1002);

	q.len[0] = 3;
	bfs_wire_encode_req(&q, hdr);
	rc = roundtrip(hdr, BFS_WIRE_REQ_SIZE, "abc", 3);
	expect("relative path", rc, -EBADMSG, 1002);

	rc = roundtrip(hdr, BFS_WIRE_REQ_SIZE, "/a\0", 3);
	expect("NUL inside a path", rc, -EBADMSG, 1002);

	q.len[0] = 5;
	bfs_wire_encode_req(&q, hdr);
	rc = roundtrip(hdr, BFS_WIRE_REQ_SIZE, "/a//b", 5);
	expect("path not in normal form", rc, -EINVAL, 1002);

	/* data requests are answered later, on the endpoint HELLO makes: first without one */
	memset(&q, 0, sizeof(q));
	q.op = BFS_OP_READ;
	q.reqid = 1005;
	q.secret = secret;
	q.ino = 12345;
	q.length = 10;
	q.client = 77;
	bfs_wire_encode_req(&q, hdr);
	rc = roundtrip(hdr, BFS_WIRE_REQ_SIZE, NULL, 0);
	expect("data request from a client that never said HELLO", rc, -ENOTCONN, 1005);
	{
		void *me;
		size_t melen;
		if (bfs_ucx_address(&ucx, &me, &melen))
			return 1;
		q.op = BFS_OP_HELLO;
		q.length = 0;
		q.ino = 0;
		bfs_wire_encode_req(&q, hdr);
		rc = roundtrip(hdr, BFS_WIRE_REQ_SIZE, me, melen);
		expect("HELLO", rc, 0, 1005);
		free(me);
	}
	memset(&q, 0, sizeof(q));
	q.client = reply.count;
	q.op = BFS_OP_WRITE;
	q.reqid = 1003;
	q.secret = secret;
	q.ino = 12345;
	q.length = 100; /* carries 4 */
	bfs_wire_encode_req(&q, hdr);
	rc = roundtrip(hdr, BFS_WIRE_REQ_SIZE, "data", 4);
	expect("write length not the payload's", rc, -EBADMSG, 1003);

	q.op = BFS_OP_READ;
	q.length = 1ull << 40;
	bfs_wire_encode_req(&q, hdr);
	rc = roundtrip(hdr, BFS_WIRE_REQ_SIZE, NULL, 0);
	expect("read of 1 TiB in one request", rc, -EINVAL, 1003);

	q.op = BFS_OP_PING;
	q.length = 0;
	q.secret = secret ^ 1;
	bfs_wire_encode_req(&q, hdr);
	rc = roundtrip(hdr, BFS_WIRE_REQ_SIZE, NULL, 0);
	expect("wrong secret", rc, -EACCES, 1003);

	/* and the server still serves */
	q.secret = secret;
	q.reqid = 1004;
	bfs_wire_encode_req(&q, hdr);
	rc = roundtrip(hdr, BFS_WIRE_REQ_SIZE, NULL, 0);
	expect("valid PING afterwards", rc, 0, 1004);

	bfs_ucx_close_ep(&ucx, ep, 0);
	bfs_ucx_fini(&ucx);
	printf("%s\n", failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
