#!/bin/bash
# restart_persistence - data survives the end of a job: job 1 (2 in-job servers) writes files,
# directories and symlinks; job 2 with the same data directory and server count reads every
# byte and attribute back; jobs with 3 or 1 servers on that directory fail (-ESTALE, non-zero
# exit, a message naming the data directory on stderr) without damaging it: job 4 (2 servers)
# still reads everything back. Then a server killed with SIGKILL right after its clients' calls
# returned keeps what it acknowledged: a small (inline: in its metadata store) and a large
# (chunked) file, written through a standalone benchfsd, read back whole from a benchfsd
# started again on the same data directory.
. "$(dirname "$0")/common.sh"
bfs_tmpdir
trap 'bfs_daemon_stop; rm -rf "$BFS_TMP"' EXIT
prog=$top_builddir/tests/persist
data=$BFS_TMP/data
run() { # run NSERVERS NCLIENTS MODE
	timeout -k 5 "$BFS_TEST_TIMEOUT" mpirun "${MPIRUN_OPTS[@]}" -n $(($1 + $2)) \
		-x BFS_TEST_DATA_DIR="$data" "$prog" "$1" "$3"
}

echo "=== job 1: 2 servers write"
run 2 2 write || fail "job 1 (write) failed"
echo "=== job 2: 2 servers verify"
run 2 2 verify || fail "job 2 (verify after restart) failed"
for ns in 3 1; do
	echo "=== job 3: $ns servers on a 2-server data directory must be refused"
	run "$ns" 2 verify >"$BFS_TMP/out" 2>"$BFS_TMP/err"
	rc=$?
	cat "$BFS_TMP/out" "$BFS_TMP/err" | grep -v '^\s*$' | head -20
	[ $rc -ne 0 ] || fail "a job with $ns servers on a 2-server data directory succeeded"
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		fail "the job with $ns servers hung"
	fi
	grep -qF "$data" "$BFS_TMP/err" ||
		fail "stderr of the refused job does not name the data directory $data"
	grep -q "benchfs_mpi_start.*ESTALE" "$BFS_TMP/out" ||
		fail "benchfs_mpi_start did not return -ESTALE"
	echo "refused with -ESTALE, exit $rc, stderr names $data"
done
echo "=== job 4: 2 servers verify again"
run 2 2 verify || fail "job 4 (verify after the refused starts) failed"

echo "=== a server killed with SIGKILL keeps what it acknowledged"
cl=$top_builddir/tests/attach_client
kdata=$BFS_TMP/kdata
addr=$BFS_TMP/addr
bfs_daemon_start "$kdata" "$addr" "$BFS_TMP/k1.log" 1 || fail "benchfsd did not start"
"$cl" -a "$addr" write /small 3901 5 1048576 || fail "writing /small"
"$cl" -a "$addr" write /large 3000000 6 1048576 || fail "writing /large"
pid=$(bfs_server_pid "$kdata" 0) || fail "no server pid"
kill -KILL "$pid"
wait "$BFS_DAEMON_PID" 2>/dev/null
BFS_DAEMON_PID=
bfs_daemon_start "$kdata" "$addr" "$BFS_TMP/k2.log" 1 || fail "benchfsd did not start again"
"$cl" -a "$addr" verify /small 3901 5 || fail "/small after the kill"
"$cl" -a "$addr" verify /large 3000000 6 || fail "/large after the kill"
bfs_daemon_stop
echo "PASS"
exit 0
