#!/bin/bash
# killed_client - clients killed with SIGKILL in the middle of large writes (requests still in
# the servers' io_uring, replies pending) do not take a server down: the servers drop those
# replies, a new client then writes and reads back its bytes, and benchfs-shutdown stops them.
. "$(dirname "$0")/common.sh"
bfs_tmpdir
trap 'bfs_daemon_stop; rm -rf "$BFS_TMP"' EXIT
addr=$BFS_TMP/addr
cl=$top_builddir/tests/attach_client
bfs_daemon_start "$BFS_TMP/data" "$addr" "$BFS_TMP/daemon.log" 2 || fail "benchfsd did not start"
for i in 1 2 3 4; do
	"$cl" -a "$addr" write "/big$i" 400000000 7 4194304 >/dev/null 2>&1 &
	pid=$!
	sleep "0.$((2 + 2 * i))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
done
timeout 60 "$cl" -a "$addr" write /after 5000000 3 65536 || fail "write after the killed clients"
timeout 60 "$cl" -a "$addr" verify /after 5000000 3 || fail "read after the killed clients"
timeout 60 "$top_builddir/benchfs-shutdown" --attach "$addr" || fail "shutdown after the killed clients"
grep -q backtrace "$BFS_TMP/daemon.log" && { cat "$BFS_TMP/daemon.log"; fail "a server crashed"; }
echo PASS
