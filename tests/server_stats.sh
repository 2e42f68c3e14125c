#!/bin/bash
# server_stats - the servers' metrics: tests/server_stats (see its header comment) with 1, 2
# and 3 servers; then, against benchfsd, benchfs-stat prints a table naming the operations and
# a JSON document, --interval/--count print that many intervals, bad options fail with a
# one-line message, and the servers leave DATA_DIR/server-K/stats.json when they stop.
. "$(dirname "$0")/common.sh"
bash "$(dirname "$0")/run-mpi.sh" "$0" || exit 1

bfs_tmpdir
trap 'bfs_daemon_stop; rm -rf "$BFS_TMP"' EXIT
addr=$BFS_TMP/addr
stat=$top_builddir/benchfs-stat
bfs_daemon_start "$BFS_TMP/data" "$addr" "$BFS_TMP/daemon.log" 2 || fail "benchfsd did not start"
timeout 60 "$top_builddir/tests/attach_client" -a "$addr" write /s 300000 5 65536 >/dev/null ||
	fail "write"
out=$(timeout 60 mpirun "${MPIRUN_OPTS[@]}" -n 1 "$stat" --attach "$addr") || fail "benchfs-stat: $out"
echo "$out"
echo "$out" | grep -q "^server 1:" || fail "benchfs-stat: no line for server 1"
echo "$out" | grep -q "^  write " || fail "benchfs-stat: no write row"
json=$(timeout 60 mpirun "${MPIRUN_OPTS[@]}" -n 1 "$stat" --attach "$addr" --json) || fail "--json"
case $json in
'{"servers": [{"server": 0,'*'}]}') ;;
*) fail "--json: not the documented document: ${json:0:80}" ;;
esac
if command -v python3 >/dev/null; then
	echo "$json" | python3 -m json.tool >/dev/null || fail "--json: not valid JSON"
fi
n=$(timeout 60 mpirun "${MPIRUN_OPTS[@]}" -n 1 "$stat" --attach "$addr" -i 0.2 -c 2 | grep -c "^server 0: interval") ||
	fail "--interval"
[ "$n" = 2 ] || fail "--interval 0.2 --count 2: $n intervals"
err=$(mpirun "${MPIRUN_OPTS[@]}" -n 1 "$stat" --attach "$addr" --count 3 2>&1) && fail "--count alone accepted"
echo "$err" | grep -q "benchfs-stat: --count needs --interval" || fail "--count alone: $err"
timeout 60 "$top_builddir/benchfs-shutdown" --attach "$addr" || fail "shutdown"
wait "$BFS_DAEMON_PID"
BFS_DAEMON_PID=
for k in 0 1; do
	f=$BFS_TMP/data/server-$k/stats.json
	[ -s "$f" ] || fail "no $f after shutdown"
	grep -q "\"server\": $k," "$f" || fail "$f: not server $k's metrics"
done
echo PASS
