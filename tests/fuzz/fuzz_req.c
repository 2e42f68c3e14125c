/*
 * fuzz_req.c - libFuzzer harness of request decoding, as a server's request handler does it
 * (src/server/server.c: on_request, then do_namespace).
 *
 * Input: a request header (the first BFS_WIRE_REQ_SIZE bytes) and its payload (the rest).
 * bfs_wire_decode_req() runs on the header and, to exercise the length check, on the whole
 * input; when the header decodes, bfs_wire_strings() splits the payload, and a namespace
 * request's path goes through the server's check (bfs_path_normalize: it must be normal).
 *
 * Asserts: a header of any other length is -EBADMSG; a decoded header is of this version,
 * names a known operation and encodes back to the very same bytes; the decoders answer only
 * 0, -EBADMSG or -EPROTO; split strings lie end to end inside the payload, cover it exactly,
 * hold no NUL, and a namespace request's first string is a non-empty '/'-path; normalizing
 * answers a length or -EINVAL / -ENAMETOOLONG.
 */
#include <errno.h>
#include <string.h>

#include "benchfs.h"
#include "common/path.h"
#include "fuzz.h"
#include "net/wire.h"

/* check_strings - the invariants of a split payload (see above). */
static void check_strings(const struct bfs_req *r, const uint8_t *payload, size_t len,
                          const char *const str[BFS_WIRE_NSTR], const size_t slen[BFS_WIRE_NSTR])
{
	size_t off = 0;

	for (int i = 0; i < BFS_WIRE_NSTR; i++) {
		FUZZ_CHECK(slen[i] == r->len[i], "string %d: %zu bytes, header says %u", i, slen[i],
		           r->len[i]);
		if (slen[i]) {
			FUZZ_CHECK((const uint8_t *)str[i] == payload + off, "string %d at %td", i,
			           (const uint8_t *)str[i] - payload);
			FUZZ_CHECK(!memchr(str[i], '\0', slen[i]), "string %d holds a NUL", i);
		}
		off += slen[i];
	}
	FUZZ_CHECK(off == len, "strings cover %zu of %zu payload bytes", off, len);
	if (r->op >= BFS_OP_CREATE && r->op <= BFS_OP_HASCHILD)
		FUZZ_CHECK(slen[0] > 0 && str[0][0] == '/', "namespace path of %zu bytes", slen[0]);
}

/* server_path - the server's wire_path(): a string that must be a normal path already. */
static void server_path(const char *s, size_t len)
{
	char raw[BENCHFS_PATH_MAX + 1], norm[BENCHFS_PATH_MAX + 1];
	int n;

	if (len > BENCHFS_PATH_MAX)
		return; /* -ENAMETOOLONG before any parsing */
	memcpy(raw, s, len);
	raw[len] = '\0';
	n = bfs_path_normalize(raw, norm, sizeof(norm));
	FUZZ_CHECK(n > 0 || n == -EINVAL || n == -ENAMETOOLONG, "normalize: %d", n);
	if (n > 0)
		FUZZ_CHECK((size_t)n == strlen(norm) && norm[0] == '/', "normal form of %d bytes",
		           n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *str[BFS_WIRE_NSTR];
	size_t slen[BFS_WIRE_NSTR], plen;
	uint8_t again[BFS_WIRE_REQ_SIZE];
	const uint8_t *payload;
	struct bfs_req r;
	int rc;

	if (size != BFS_WIRE_REQ_SIZE) {
		rc = bfs_wire_decode_req(data, size, &r);
		FUZZ_CHECK(rc == -EBADMSG, "header of %zu bytes: %d", size, rc);
	}
	if (size < BFS_WIRE_REQ_SIZE)
		return 0;
	rc = bfs_wire_decode_req(data, BFS_WIRE_REQ_SIZE, &r);
	FUZZ_CHECK(rc == 0 || rc == -EBADMSG || rc == -EPROTO, "decode: %d", rc);
	if (rc)
		return 0;
	FUZZ_CHECK(r.version == BFS_WIRE_VERSION, "version %u", r.version);
	FUZZ_CHECK(strcmp(bfs_wire_op_name(r.op), "?") != 0, "op %u has no name", r.op);
	bfs_wire_encode_req(&r, again);
	FUZZ_CHECK(memcmp(again, data, sizeof(again)) == 0, "op %u: encodes to other bytes", r.op);

	/* the payload as UCX hands it over: NULL when there is none */
	plen = size - BFS_WIRE_REQ_SIZE;
	payload = plen ? data + BFS_WIRE_REQ_SIZE : NULL;
	rc = bfs_wire_strings(&r, payload, plen, str, slen);
	FUZZ_CHECK(rc == 0 || rc == -EBADMSG, "strings: %d", rc);
	if (rc)
		return 0;
	check_strings(&r, payload, plen, str, slen);
	if (r.op >= BFS_OP_CREATE && r.op <= BFS_OP_HASCHILD)
		server_path(str[0], slen[0]);
	if (r.op == BFS_OP_FIND && slen[1])
		server_path(str[1], slen[1]); /* the resume point travels as a path */
	return 0;
}
