#!/bin/bash
# killed_server - calls never hang on a failed server: with benchfsd (2 ranks) and
# BENCHFS_RPC_TIMEOUT=5, after kill -9 of server 1 the calls that need it fail with -EIO or
# -ETIMEDOUT within 5 s + slack while server 0 still answers; a 64 MiB write in flight to a
# server killed meanwhile (rendezvous pieces, same host) fails with -EIO within 1 s, and so do
# the later calls to it; after SIGSTOP of server 1 (in a
# fresh daemon) they fail with -ETIMEDOUT within 5 s + slack, and after SIGCONT the servers
# answer again; without BENCHFS_RPC_TIMEOUT a call to the stopped server times out after the
# documented default, 30 s.
. "$(dirname "$0")/common.sh"
bfs_tmpdir
stopped=
trap '[ -n "$stopped" ] && kill -CONT "$stopped" 2>/dev/null; bfs_daemon_stop; rm -rf "$BFS_TMP"' EXIT
cl=$top_builddir/tests/attach_client
export BENCHFS_RPC_TIMEOUT=5

echo "=== kill -9 of server 1"
data=$BFS_TMP/data-kill
addr=$BFS_TMP/addr-kill
# --enable-recovery: mpirun keeps server 0 running when server 1 dies
bfs_daemon_start "$data" "$addr" "$BFS_TMP/kill.log" 2 --enable-recovery ||
	fail "benchfsd did not start"
for i in 0 1 2 3 4 5 6 7; do
	timeout 60 "$cl" -a "$addr" write /striped-$i 1048576 1 4096 || fail "write before the kill"
done
pid=$(bfs_server_pid "$data" 1) || fail "no pid for server 1"
echo "killing server 1 (pid $pid)"
kill -KILL "$pid"
start=$(date +%s)
timeout 120 "$cl" -a "$addr" dead 1 EIO,ETIMEDOUT
rc=$?
echo "client finished after $(($(date +%s) - start)) s"
[ $rc -eq 124 ] && fail "a call hung after kill -9 of a server"
[ $rc -eq 0 ] || fail "calls after kill -9 of a server did not fail as documented"
bfs_daemon_stop

echo "=== kill -9 of server 1 while a large (rendezvous) write is in flight to it"
data=$BFS_TMP/data-killw
addr=$BFS_TMP/addr-killw
bfs_daemon_start "$data" "$addr" "$BFS_TMP/killw.log" 2 --enable-recovery ||
	fail "benchfsd did not start"
pid=$(bfs_server_pid "$data" 1) || fail "no pid for server 1"
start=$(date +%s%N)
timeout 60 "$cl" -a "$addr" kill-write "$pid" EIO
rc=$?
echo "client finished after $((($(date +%s%N) - start) / 1000000)) ms"
[ $rc -eq 124 ] && fail "a write in flight to a killed server hung"
[ $rc -eq 0 ] || fail "a write in flight to a killed server did not fail within 1 s"
bfs_daemon_stop

echo "=== SIGSTOP of server 1"
data=$BFS_TMP/data-stop
addr=$BFS_TMP/addr-stop
bfs_daemon_start "$data" "$addr" "$BFS_TMP/stop.log" 2 || fail "benchfsd did not start"
for i in 0 1 2 3 4 5 6 7; do
	timeout 60 "$cl" -a "$addr" write /striped-$i 1048576 1 4096 || fail "write before the stop"
done
timeout 60 "$cl" -a "$addr" write /keep 1048576 2 4096 || fail "write before the stop"
pid=$(bfs_server_pid "$data" 1) || fail "no pid for server 1"
echo "stopping server 1 (pid $pid)"
stopped=$pid
kill -STOP "$pid"
timeout 120 "$cl" -a "$addr" dead 1 ETIMEDOUT
rc=$?
[ $rc -eq 124 ] && fail "a call hung on a stopped server"
[ $rc -eq 0 ] || fail "calls to a stopped server did not time out as documented"
echo "=== the default RPC timeout is 30 s"
env -u BENCHFS_RPC_TIMEOUT timeout 120 "$cl" -a "$addr" stalled 1 30 ||
	fail "the default RPC timeout is not 30 s"
kill -CONT "$pid"
stopped=
echo "=== after SIGCONT the servers answer again"
timeout 60 "$cl" -a "$addr" verify /keep 1048576 2 || fail "data after SIGCONT"
timeout 60 "$top_builddir/benchfs-shutdown" --attach "$addr" || fail "benchfs-shutdown after SIGCONT"
wait "$BFS_DAEMON_PID"
rc=$?
BFS_DAEMON_PID=
[ $rc -eq 0 ] || fail "benchfsd exited $rc after SIGCONT and shutdown"
echo "PASS"
exit 0
