#!/bin/bash
# run-mpi.sh TEST - run the MPI test program $top_builddir/tests/TEST (TEST may be given as the
# path of its .sh wrapper) once per server layout, each with a fresh data directory and under
# `timeout`. Layouts: env BFS_TEST_LAYOUTS, "SERVERS:CLIENTS ...", default "1:2 2:2 3:3".
# Exit: 0 if every run passed, 77 if every run skipped, else 1.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

name=$(basename "$1" .sh)
shift
prog=$top_builddir/tests/$name
[ -x "$prog" ] || { echo "run-mpi.sh: $prog not built"; exit 99; }
layouts=${BFS_TEST_LAYOUTS:-"1:2 2:2 3:3"}

bfs_tmpdir
trap 'rm -rf "$BFS_TMP"' EXIT

passed=0 skipped=0 failed=0
for layout in $layouts; do
	ns=${layout%%:*}
	nc=${layout##*:}
	data=$BFS_TMP/data-$ns
	mkdir -p "$data"
	echo "=== $name: $ns servers, $nc clients (mpirun -n $((ns + nc)))"
	start=$(date +%s%N)
	timeout -k 10 "$BFS_TEST_TIMEOUT" mpirun "${MPIRUN_OPTS[@]}" -n $((ns + nc)) \
		-x BFS_TEST_DATA_DIR="$data" "$prog" "$ns" "$@"
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	secs=$((ms / 1000)).$(printf %03d $((ms % 1000)))
	case $rc in
	0) passed=$((passed + 1)); echo "=== $name ($ns servers): PASS (${secs}s)" ;;
	77) skipped=$((skipped + 1)); echo "=== $name ($ns servers): SKIP (${secs}s)" ;;
	124 | 137) failed=$((failed + 1))
		echo "=== $name ($ns servers): FAIL: killed after ${BFS_TEST_TIMEOUT}s (hang)" ;;
	*) failed=$((failed + 1)); echo "=== $name ($ns servers): FAIL (exit $rc, ${secs}s)" ;;
	esac
	rm -rf "$data"
done
[ $failed -gt 0 ] && exit 1
[ $passed -eq 0 ] && [ $skipped -gt 0 ] && exit 77
exit 0
