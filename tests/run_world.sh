#!/bin/bash
# run_world - benchfs-run: an unmodified MPI program sees a world without the servers. The plain
# MPI program tests/run_world (world size and ranks, point-to-point with MPI_ANY_SOURCE,
# collectives on the world and on split communicators, a cartesian topology, predefined
# attributes, an intercommunicator between the world's halves, MPI_ERRORS_RETURN on the world,
# groups, one-sided, MPI-IO) runs natively with M ranks and under
# `benchfs-run --servers N` with N+M ranks; the sorted outputs must be equal. MPI-IO goes to a
# local file natively and to "benchfs:/..." under benchfs-run (only when adio/libbenchfs-romio.so
# was built; otherwise both runs leave MPI-IO out). Then: MPI_Comm_spawn over the world (the
# child, a plain MPI process, exchanges values with its parents; one note on stderr says it runs
# without BenchFS); failing applications (MPI_Abort, exit without MPI_Finalize, non-zero exit
# after it) end the job with a non-zero code instead of hanging; the launcher's errors; and
# without --servers, attaching to benchfsd by BENCHFS_ADDR.
#
# Environment: RUN_WORLD_LAYOUTS ("SERVERS:CLIENTS ...", default "1:2 1:4 2:3 2:6"),
# BFS_TEST_TIMEOUT (seconds per mpirun).
. "$(dirname "$0")/common.sh"

prog=$top_builddir/tests/run_world
[ -x "$prog" ] || fail "$prog not built"
bfs_need_run

bfs_tmpdir
trap 'bfs_daemon_stop; rm -rf "$BFS_TMP"' EXIT
failed=0

# ---- the same output with and without servers ----
for layout in ${RUN_WORLD_LAYOUTS:-1:2 1:4 2:3 2:6}; do
	ns=${layout%%:*}
	nc=${layout##*:}
	nat=() bfs=()
	if [ $have_romio = 1 ]; then
		nat=(-f "$BFS_TMP/native-$layout.dat")
		bfs=(-f "benchfs:/world-$nc")
	fi
	echo "=== $ns servers, $nc clients"
	job "$BFS_TMP/native" "$nc" "$prog" "${nat[@]}"
	[ $rc = 0 ] || { cat "$BFS_TMP/native" "$BFS_TMP/native.err"; bad "native run, $nc ranks: exit $rc"; continue; }
	data=$BFS_TMP/data-$ns-$nc
	job "$BFS_TMP/bfs" $((ns + nc)) "$run" --servers "$ns" --data-dir "$data" -- "$prog" "${bfs[@]}"
	[ $rc = 0 ] || { cat "$BFS_TMP/bfs" "$BFS_TMP/bfs.err"; bad "benchfs-run --servers $ns, $((ns + nc)) ranks: exit $rc"; continue; }
	if ! diff <(sort "$BFS_TMP/native") <(sort "$BFS_TMP/bfs"); then
		bad "$ns servers, $nc clients: output differs from the native run (< native, > benchfs-run)"
		continue
	fi
	for ((i = 0; i < ns; i++)); do
		[ -d "$data/server-$i" ] || bad "$ns servers: no $data/server-$i (did the servers run?)"
	done
	[ $have_romio = 0 ] || grep -q "mpiio PASS" "$BFS_TMP/bfs" || bad "no MPI-IO PASS line"
	echo "=== $ns servers, $nc clients: same $(wc -l <"$BFS_TMP/bfs") lines as $nc native ranks"
done

# ---- MPI_Comm_spawn over the world: works, the child is a plain MPI process (a note says so) ----
job "$BFS_TMP/native" 2 "$prog" -s
if [ $rc != 0 ]; then
	cat "$BFS_TMP/native" "$BFS_TMP/native.err"
	bad "native run with -s (spawn): exit $rc"
else
	job "$BFS_TMP/bfs" 3 "$run" --servers 1 --data-dir "$BFS_TMP/data-spawn" -- "$prog" -s
	if [ $rc != 0 ]; then
		cat "$BFS_TMP/bfs" "$BFS_TMP/bfs.err"
		bad "benchfs-run with -s (spawn): exit $rc"
	elif ! diff <(sort "$BFS_TMP/native") <(sort "$BFS_TMP/bfs"); then
		bad "-s (spawn): output differs from the native run (< native, > benchfs-run)"
	elif ! grep -q "spawned 0/1: parents=2" "$BFS_TMP/bfs"; then
		bad "-s (spawn): no line from the spawned child"
	elif [ "$(grep -c "benchfs-run: note: MPI_Comm_spawn" "$BFS_TMP/bfs.err")" != 1 ]; then
		cat "$BFS_TMP/bfs.err"
		bad "-s (spawn): not one note about the spawned processes on stderr"
	else
		echo "=== spawn: same output as native, and the note: $(grep -m1 "note:" "$BFS_TMP/bfs.err")"
	fi
fi

# ---- failing applications end the job ----
for mode in abort exit exit-after-finalize; do
	start=$(date +%s)
	job "$BFS_TMP/fail" 5 "$run" --servers 2 --data-dir "$BFS_TMP/data-fail" -- "$prog" -m "$mode"
	secs=$(($(date +%s) - start))
	case $rc in
	0) bad "-m $mode: exit 0, expected a failure" ;;
	124 | 137) bad "-m $mode: hung (killed after ${BFS_TEST_TIMEOUT}s)" ;;
	*) echo "=== -m $mode: job ended with exit $rc in ${secs}s" ;;
	esac
done

# ---- launcher and start-up errors: one line naming the cause, non-zero exit ----
# expect_error WHAT PATTERN COMMAND...: COMMAND fails (not by timeout) and its stderr matches
expect_error() {
	local what=$1 pat=$2
	shift 2
	timeout -k 5 60 "$@" >"$BFS_TMP/err.out" 2>"$BFS_TMP/err"
	rc=$?
	if [ $rc = 0 ] || [ $rc = 124 ] || [ $rc = 137 ] || ! grep -q -- "$pat" "$BFS_TMP/err"; then
		cat "$BFS_TMP/err"
		bad "$what: exit $rc, expected a failure with \"$pat\""
	else
		echo "=== $what: exit $rc: $(grep -m1 -- "$pat" "$BFS_TMP/err")"
	fi
}
expect_error "no program" "benchfs-run: no program" "$run" --servers 1
expect_error "--servers 0" "benchfs-run: --servers 0: not a number" "$run" --servers 0 -- true
expect_error "--data-dir alone" "needs --servers" "$run" --data-dir /tmp -- true
expect_error "no servers, no BENCHFS_ADDR" "BENCHFS_ADDR is not set" \
	env -u BENCHFS_ADDR "$run" -- true
expect_error "missing program" "benchfs-run: $BFS_TMP/nonexistent: No such file" \
	"$run" --servers 1 -- "$BFS_TMP/nonexistent"
expect_error "too few ranks" "benchfs-run: --servers 2 needs more than 2 ranks" \
	mpirun "${MPIRUN_OPTS[@]}" -n 2 "$run" --servers 2 --data-dir "$BFS_TMP/data-few" -- "$prog"

# ---- without --servers: attach to standalone servers through BENCHFS_ADDR ----
if [ $have_romio = 1 ]; then
	addr=$BFS_TMP/addr
	if bfs_daemon_start "$BFS_TMP/data-daemon" "$addr" "$BFS_TMP/daemon.log" 1; then
		job "$BFS_TMP/native" 2 "$prog" -f "$BFS_TMP/native-attach.dat"
		job "$BFS_TMP/attach" 2 -x BENCHFS_ADDR="$addr" "$run" -- "$prog" -f benchfs:/attached
		if [ $rc != 0 ]; then
			cat "$BFS_TMP/attach" "$BFS_TMP/attach.err"
			bad "benchfs-run without --servers (BENCHFS_ADDR): exit $rc"
		elif ! diff <(sort "$BFS_TMP/native") <(sort "$BFS_TMP/attach"); then
			bad "benchfs-run without --servers: output differs from the native run"
		else
			echo "=== attached to benchfsd by BENCHFS_ADDR: same output as native"
		fi
		timeout 60 "$top_builddir/benchfs-shutdown" --attach "$addr" || bad "benchfs-shutdown failed"
		wait "$BFS_DAEMON_PID"
		BFS_DAEMON_PID=
	else
		bad "benchfsd did not start"
	fi
fi

[ $failed = 0 ] || fail "$failed checks failed"
echo "PASS"
exit 0
