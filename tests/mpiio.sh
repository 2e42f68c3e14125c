#!/bin/bash
# mpiio - what MPI-IO programs rely on, through ROMIO and the BenchFS driver: the plain MPI
# program tests/mpiio (no BenchFS headers or libraries) runs with
# LD_PRELOAD=adio/libbenchfs-romio.so on benchfs: names, served by 2 standalone benchfsd servers
# found through BENCHFS_ADDR. Every section (contiguous, collective, strided views and memory
# types, non-blocking, sizes, delete, error classes, hints) runs with 1, 2, 3 and 4 ranks. Then
# two jobs read each other's output: 3 ranks write a file, jobs of 2 and 4 ranks read it back;
# 1 rank writes another that 3 ranks read. The same program first runs once on a ufs: file (a
# local directory, ROMIO's own driver) with 3 ranks: the reference its expectations are taken
# from. Skipped (77) when adio/libbenchfs-romio.so was not built (configure --with-romio).
#
# Environment: MPIIO_RANKS (default "1 2 3 4"), MPIIO_SECTIONS (comma-separated, default: all),
# BFS_TEST_TIMEOUT (seconds per mpirun).
. "$(dirname "$0")/common.sh"

lib=$top_builddir/adio/libbenchfs-romio.so
prog=$top_builddir/tests/mpiio
[ -f "$lib" ] || { echo "SKIP: $lib not built (configure --with-romio)"; exit 77; }
[ -x "$prog" ] || fail "$prog not built"

bfs_tmpdir
trap 'bfs_daemon_stop; rm -rf "$BFS_TMP"' EXIT
addr=$BFS_TMP/addr
mkdir -p "$BFS_TMP/ufs"
sections=()
[ -n "${MPIIO_SECTIONS:-}" ] && sections=(-s "$MPIIO_SECTIONS")
failed=0

# run WHAT NRANKS ARGS...: one job of tests/mpiio with ROMIO preloaded; counts a failure.
run() {
	local what=$1 n=$2 rc
	shift 2
	echo "=== $what: mpirun -n $n mpiio $*"
	timeout -k 5 "$BFS_TEST_TIMEOUT" mpirun "${MPIRUN_OPTS[@]}" -n "$n" \
		-x LD_PRELOAD="$(bfs_preload "$lib")" -x BENCHFS_ADDR="$addr" "$prog" "$@"
	rc=$?
	case $rc in
	0) ;;
	124 | 137) echo "=== $what: FAIL: killed after ${BFS_TEST_TIMEOUT}s (hang)"; failed=$((failed + 1)) ;;
	*) echo "=== $what: FAIL (exit $rc)"; failed=$((failed + 1)) ;;
	esac
}

mkdir -p "$BFS_TMP/ufs/adir" "$BFS_TMP/empty"
run "ufs: reference" 3 -f "ufs:$BFS_TMP/ufs/ref" -D "ufs:$BFS_TMP/ufs/adir" "${sections[@]}"

bfs_daemon_start "$BFS_TMP/data" "$addr" "$BFS_TMP/daemon.log" 2 || fail "benchfsd did not start"
# a directory for the errors section's collective open of one
timeout 60 mpirun "${MPIRUN_OPTS[@]}" -n 1 "$top_builddir/benchfs-stagein" -q --attach "$addr" \
	"$BFS_TMP/empty" /adir || fail "making /adir"
for n in ${MPIIO_RANKS:-1 2 3 4}; do
	run "benchfs:, $n ranks" "$n" -f "benchfs:/mpiio-$n" -D benchfs:/adir "${sections[@]}"
done

# two jobs: the reader has another rank count than the writer
run "cross-job write, 3 ranks" 3 -f benchfs:/cross3 -w
run "cross-job read, 2 ranks" 2 -f benchfs:/cross3 -r 3
run "cross-job read, 4 ranks" 4 -f benchfs:/cross3 -r 3
run "cross-job write, 1 rank" 1 -f benchfs:/cross1 -w
run "cross-job read, 3 ranks" 3 -f benchfs:/cross1 -r 1

timeout 60 "$top_builddir/benchfs-shutdown" --attach "$addr" || fail "benchfs-shutdown failed"
wait "$BFS_DAEMON_PID"
rc=$?
BFS_DAEMON_PID=
[ $rc -eq 0 ] || { cat "$BFS_TMP/daemon.log"; fail "benchfsd exited $rc after benchfs-shutdown"; }
[ $failed -eq 0 ] || fail "$failed mpiio runs failed"
echo "PASS"
exit 0
