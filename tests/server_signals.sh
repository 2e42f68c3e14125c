#!/bin/bash
# server_signals - SIGTERM stops servers in order, as benchfs-shutdown does (flush, metadata
# synced, stats.json written, lock released, benchfsd's address file removed):
#  - benchfsd (2 ranks), SIGTERM to each server process (what Slurm does at the walltime):
#    both print that they stopped, benchfsd exits 0, the address file is gone, both server
#    directories have a fresh stats.json, and a restart serves the file written before;
#  - benchfsd, SIGTERM to mpirun (mpirun passes it on to every rank): the same orderly stop;
#  - SIGTERM to the mpirun of a job with in-job servers (benchfs-stat polling them): every
#    server stops in order and writes its stats.json, and the next job on that data directory
#    starts (the locks went with it).
. "$(dirname "$0")/common.sh"
bfs_tmpdir
trap 'bfs_daemon_stop; rm -rf "$BFS_TMP"' EXIT
cl=$top_builddir/tests/attach_client
B=$top_builddir

# stopped_in_order DATA ADDR LOG: what an orderly stop leaves behind
stopped_in_order() {
	local data=$1 addr=$2 log=$3 i
	[ -e "$addr" ] && fail "the address file $addr is still there"
	for i in 0 1; do
		[ -s "$data/server-$i/stats.json" ] || fail "no stats.json in $data/server-$i (no orderly stop)"
		grep -q "server $i: .*flushing" "$log" || fail "server $i did not say it was stopping"
	done
	echo "both servers stopped in order (stats.json written); the address file is gone"
}

echo "=== SIGTERM to each benchfsd server"
data=$BFS_TMP/data
addr=$BFS_TMP/addr
bfs_daemon_start "$data" "$addr" "$BFS_TMP/d1.log" 2 || fail "benchfsd did not start"
timeout 60 "$cl" -a "$addr" write /f 3000000 5 65536 || fail "write"
p0=$(bfs_server_pid "$data" 0) && p1=$(bfs_server_pid "$data" 1) || fail "no server pids"
kill -TERM "$p0" "$p1"
wait "$BFS_DAEMON_PID"
rc=$?
BFS_DAEMON_PID=
cat "$BFS_TMP/d1.log"
[ $rc -eq 0 ] || fail "benchfsd exited $rc after SIGTERM, want 0"
stopped_in_order "$data" "$addr" "$BFS_TMP/d1.log"
grep -q "benchfsd: server 0 stopped (Terminated)" "$BFS_TMP/d1.log" || fail "no stop message"
bfs_daemon_start "$data" "$addr" "$BFS_TMP/d2.log" 2 || fail "benchfsd did not restart"
timeout 60 "$cl" -a "$addr" verify /f 3000000 5 || fail "the file after the restart"

echo "=== SIGTERM to benchfsd's mpirun"
rm -f "$data"/server-*/stats.json
# mpirun passes a SIGTERM on to every rank (and kills them 1 s later). To mpirun itself, not to
# the timeout(1) around it: timeout follows its SIGTERM with a SIGCONT, after which mpirun
# 4.1 sometimes kills the ranks without passing the SIGTERM on.
mpirun_pid=$(pgrep -P "$BFS_DAEMON_PID") || fail "no mpirun under $BFS_DAEMON_PID"
kill -TERM "$mpirun_pid"
wait "$BFS_DAEMON_PID"
rc=$?
BFS_DAEMON_PID=
cat "$BFS_TMP/d2.log"
stopped_in_order "$data" "$addr" "$BFS_TMP/d2.log"
echo "(mpirun exited $rc)"

echo "=== SIGTERM to a job with in-job servers"
# the job: benchfs-stat asking both servers for their metrics 5 times a second for a minute.
# mpirun passes a SIGTERM on after odls_base_sigkill_timeout seconds (first a SIGCONT) and kills
# the ranks as long after it: 1 s by default, which on these 2 shared cores is not always enough
# for a server to finish what it holds; 3 s here (README: raise it for a real flush)
OMPI_MCA_odls_base_sigkill_timeout=3 mpirun "${MPIRUN_OPTS[@]}" -n 3 "$B/benchfs-stat" --servers 2 \
	--data-dir "$BFS_TMP/injob" --interval 0.2 --count 300 >"$BFS_TMP/j.log" 2>&1 &
job=$!
for _ in $(seq 100); do # until the servers serve
	[ -e "$BFS_TMP/injob/server-1/benchfs.id" ] && break
	sleep 0.1
done
sleep 1
kill -TERM "$job"
timeout 60 tail --pid="$job" -f /dev/null || { kill -KILL "$job"; fail "the job did not end"; }
wait "$job"
rc=$?
grep -v "^$" "$BFS_TMP/j.log" | grep "^benchfs" | head -10
for i in 0 1; do
	grep -q "server $i: .*flushing" "$BFS_TMP/j.log" || fail "in-job server $i did not say it was stopping"
	[ -s "$BFS_TMP/injob/server-$i/stats.json" ] ||
		fail "in-job server $i wrote no stats.json: no orderly stop (job exit $rc)"
done
echo "both in-job servers stopped in order (stats.json written; job exit $rc)"
timeout 120 mpirun "${MPIRUN_OPTS[@]}" -n 4 "$B/benchfs-find" --servers 2 \
	--data-dir "$BFS_TMP/injob" / -count >"$BFS_TMP/f.out" 2>&1 ||
	{ cat "$BFS_TMP/f.out"; fail "the next job on the data directory did not start"; }
echo "the next job starts on the data directory: $(cat "$BFS_TMP/f.out") entries"
echo "PASS"
exit 0
