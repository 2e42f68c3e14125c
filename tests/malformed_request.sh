#!/bin/bash
# malformed_request - a live server (benchfsd) answers truncated, oversized, wrong-magic,
# wrong-version, unknown-op, bad-string, wrong-length and wrong-secret requests with an error
# reply (request id echoed) and keeps serving: a valid request afterwards succeeds, and a real
# client still writes and reads.
. "$(dirname "$0")/common.sh"
bfs_tmpdir
trap 'bfs_daemon_stop; rm -rf "$BFS_TMP"' EXIT
addr=$BFS_TMP/addr
bfs_daemon_start "$BFS_TMP/data" "$addr" "$BFS_TMP/daemon.log" 1 || fail "benchfsd did not start"
timeout 60 "$top_builddir/tests/malformed_request" "$addr" || fail "malformed requests"
timeout 60 "$top_builddir/tests/attach_client" -a "$addr" write /after 100000 3 4096 ||
	fail "write after the malformed requests"
timeout 60 "$top_builddir/tests/attach_client" -a "$addr" verify /after 100000 3 ||
	fail "read after the malformed requests"
timeout 60 "$top_builddir/benchfs-shutdown" --attach "$addr" || fail "shutdown"
echo PASS
