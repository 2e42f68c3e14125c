/*
 * fuzz_rep.c - libFuzzer harness of reply decoding, as the client does it: the reply header
 * (bfs_wire_decode_rep, with the inode record it carries) and inode records on their own
 * (bfs_wire_decode_inode, as the metadata store reads its values).
 *
 * Input: a reply header (the first BFS_WIRE_REP_SIZE bytes), then an inode record of any
 * length (the rest). The header decoder also runs on the whole input (length check).
 *
 * Asserts: a header of any other length is -EBADMSG; the decoders answer only 0, -EBADMSG or
 * -EPROTO; a decoded header is of this version and encodes back to the very same bytes; a
 * record shorter than BFS_WIRE_INODE_SIZE is -EBADMSG, a longer one decodes and encodes back
 * to its first bytes (all but the reserved word, which the decoder ignores).
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "net/wire.h"

/* the reserved word at the end of an inode record */
#define INODE_RESERVED 60

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t again[BFS_WIRE_REP_SIZE];
	struct bfs_inode ino;
	struct bfs_rep rep;
	size_t rest;
	int rc;

	if (size != BFS_WIRE_REP_SIZE) {
		rc = bfs_wire_decode_rep(data, size, &rep);
		FUZZ_CHECK(rc == -EBADMSG, "header of %zu bytes: %d", size, rc);
	}
	if (size < BFS_WIRE_REP_SIZE)
		return 0;
	rc = bfs_wire_decode_rep(data, BFS_WIRE_REP_SIZE, &rep);
	FUZZ_CHECK(rc == 0 || rc == -EBADMSG || rc == -EPROTO, "decode: %d", rc);
	if (rc == 0) {
		FUZZ_CHECK(rep.version == BFS_WIRE_VERSION, "version %u", rep.version);
		bfs_wire_encode_rep(&rep, again);
		FUZZ_CHECK(memcmp(again, data, sizeof(again)) == 0, "op %u: encodes to other bytes",
		           rep.op);
	}

	rest = size - BFS_WIRE_REP_SIZE;
	rc = bfs_wire_decode_inode(rest ? data + BFS_WIRE_REP_SIZE : NULL, rest, &ino);
	if (rest < BFS_WIRE_INODE_SIZE) {
		FUZZ_CHECK(rc == -EBADMSG, "record of %zu bytes: %d", rest, rc);
		return 0;
	}
	FUZZ_CHECK(rc == 0, "record of %zu bytes: %d", rest, rc);
	bfs_wire_encode_inode(&ino, again);
	FUZZ_CHECK(memcmp(again, data + BFS_WIRE_REP_SIZE, INODE_RESERVED) == 0,
	           "record encodes to other bytes");
	return 0;
}
