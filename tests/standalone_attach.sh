#!/bin/bash
# standalone_attach - benchfsd (2 ranks) serves plain processes: the address file is mode 0600;
# a non-MPI client writes and reads through -a ADDRFILE and through BENCHFS_ADDR; an address
# file with a wrong secret gets -EACCES from every call without hanging; a missing or garbage
# address file fails benchfs_init (-ENOENT, -EINVAL); benchfs-shutdown stops the servers and
# benchfsd exits 0; benchfsd restarted on the same directory serves the same bytes; clients
# that detached (20 times in one process, 10 short processes) are no longer counted.
. "$(dirname "$0")/common.sh"
bfs_tmpdir
trap 'bfs_daemon_stop; rm -rf "$BFS_TMP"' EXIT
cl=$top_builddir/tests/attach_client
data=$BFS_TMP/data
addr=$BFS_TMP/addr
export BENCHFS_RPC_TIMEOUT=10

echo "=== start benchfsd (2 ranks)"
bfs_daemon_start "$data" "$addr" "$BFS_TMP/daemon.log" 2 || fail "benchfsd did not start"
mode=$(stat -c %a "$addr")
[ "$mode" = 600 ] || fail "address file mode is $mode, want 600"
echo "address file mode 600"

timeout 60 "$cl" -a "$addr" servers 2 || fail "server count"
timeout 60 "$cl" -a "$addr" write /f1 3000001 1 65536 || fail "write via -a"
BENCHFS_ADDR=$addr timeout 60 "$cl" verify /f1 3000001 1 || fail "read via BENCHFS_ADDR"
BENCHFS_ADDR=$addr timeout 60 "$cl" write /f2 1048576 2 0 || fail "write via BENCHFS_ADDR"
timeout 60 "$cl" -a "$addr" verify /f2 1048576 2 || fail "read via -a"

echo "=== clients that left are forgotten (a long-running server does not grow)"
timeout 60 "$cl" -a "$addr" cycle 20 || fail "re-attaching in one process"
for i in $(seq 10); do
	timeout 60 "$cl" -a "$addr" servers 2 >/dev/null || fail "short client $i"
done
timeout 60 "$cl" -a "$addr" clients 1 || fail "servers still count clients that left"

echo "=== wrong secret, missing and garbage address files"
sed 's/^secret .*/secret 0123456789abcdef/' "$addr" >"$BFS_TMP/bad"
grep -q '^secret 0123456789abcdef$' "$BFS_TMP/bad" || fail "could not make a wrong-secret copy"
cmp -s "$addr" "$BFS_TMP/bad" && fail "the wrong-secret copy equals the address file"
chmod 600 "$BFS_TMP/bad"
timeout 60 "$cl" -a "$BFS_TMP/bad" denied
rc=$?
[ $rc -eq 124 ] && fail "calls with a wrong secret hung"
[ $rc -eq 0 ] || fail "calls with a wrong secret were not all refused with EACCES"
timeout 60 "$cl" -a "$BFS_TMP/nonexistent" init-fails ENOENT || fail "missing address file"
echo "not an address file" >"$BFS_TMP/garbage"
timeout 60 "$cl" -a "$BFS_TMP/garbage" init-fails EINVAL || fail "garbage address file"
env -u BENCHFS_ADDR timeout 60 "$cl" init-fails EINVAL || fail "no address file, no BENCHFS_ADDR"
timeout 60 "$cl" -a "$addr" verify /f1 3000001 1 || fail "data after the refused calls"

echo "=== benchfs-shutdown"
timeout 60 "$top_builddir/benchfs-shutdown" --attach "$addr" || fail "benchfs-shutdown failed"
for _ in $(seq 300); do
	kill -0 "$BFS_DAEMON_PID" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$BFS_DAEMON_PID" 2>/dev/null && fail "benchfsd still running 30 s after benchfs-shutdown"
wait "$BFS_DAEMON_PID"
rc=$?
BFS_DAEMON_PID=
cat "$BFS_TMP/daemon.log"
[ $rc -eq 0 ] || fail "benchfsd exited $rc after benchfs-shutdown, want 0"
echo "benchfsd exited 0"

echo "=== restart on the same data directory"
bfs_daemon_start "$data" "$addr" "$BFS_TMP/daemon2.log" 2 || fail "benchfsd did not restart"
timeout 60 "$cl" -a "$addr" verify /f1 3000001 1 || fail "/f1 after restart"
timeout 60 "$cl" -a "$addr" verify /f2 1048576 2 || fail "/f2 after restart"
timeout 60 "$top_builddir/benchfs-shutdown" --attach "$addr" || fail "second benchfs-shutdown failed"
wait "$BFS_DAEMON_PID"
rc=$?
BFS_DAEMON_PID=
[ $rc -eq 0 ] || fail "restarted benchfsd exited $rc, want 0"
echo "PASS"
exit 0
