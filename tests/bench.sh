#!/bin/bash
# bench - benchmarks/benchfs-bench end to end with small sizes: 2 in-job servers + 2 clients,
# every workload (ior-easy, ior-hard, mdtest-easy, mdtest-hard, latency; stagein of the source
# tree's src/, which runs on benchfs, posix-disk and posix-tmpfs) on every target
# (BenchFS native, BenchFS through MPI-IO when adio/libbenchfs-romio.so was built, BenchFS
# through libbenchfs-posix.so (posix-preload), POSIX on a local directory and on tmpfs, MPI-IO
# on a local path) plus the raw UCX phase, with --verify and --json. Asserts: exit 0,
# verification passed, and the JSON document holds a result for every workload on every target
# that ran (and raw-ucx figures). Never asserts a speed. Then two command-line errors: one
# line, exit 2, no hang.
. "$(dirname "$0")/common.sh"

prog=$top_builddir/benchmarks/benchfs-bench
[ -x "$prog" ] || fail "$prog not built"

bfs_tmpdir
trap 'rm -rf "$BFS_TMP"' EXIT
json=$BFS_TMP/bench.json
tmpfs=$BFS_TMP/tmpfs
[ -d /dev/shm ] && [ -w /dev/shm ] && tmpfs=$(mktemp -d /dev/shm/bfstest.XXXXXX)
trap 'rm -rf "$BFS_TMP" "$tmpfs"' EXIT
mkdir -p "$tmpfs"

echo "=== benchfs-bench --quick --verify, 2 servers + 2 clients"
timeout -k 5 "$BFS_TEST_TIMEOUT" mpirun "${MPIRUN_OPTS[@]}" -n 4 "$prog" --servers 2 \
	--data-dir "$BFS_TMP/data" --local-dir "$BFS_TMP/local" --tmpfs-dir "$tmpfs" \
	--quick --verify --json "$json" --workloads all --targets all --stagein-src "$top_srcdir/src"
rc=$?
case $rc in
0) ;;
124 | 137) fail "benchfs-bench killed after ${BFS_TEST_TIMEOUT}s (hang)" ;;
*) fail "benchfs-bench exited $rc" ;;
esac
[ -s "$json" ] || fail "no JSON document"

# one line per figure and per target (as benchfs-bench writes it): checked with grep, so the
# test needs no JSON parser; the syntax is checked too when python3 is there
if command -v python3 >/dev/null; then
	python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$json" || fail "JSON syntax"
fi
for k in '"hostname"' '"cores"' '"kernel"' '"date"' '"command_line"' '"parameters"' '"ratios"'; do
	grep -q "$k" "$json" || fail "JSON: no $k"
done
grep -q '"verification": {"enabled": true, "mismatched_bytes": 0, "io_errors": 0, "passed": true}' \
	"$json" || fail "JSON: verification did not pass: $(grep '"verification"' "$json")"
ran=()
for t in benchfs benchfs-mpiio posix-preload posix-disk posix-tmpfs mpiio-local; do
	if grep -q "{\"name\": \"$t\", \"api\": \"[a-z]*\", \"enabled\": true" "$json"; then
		ran+=("$t")
	elif [ "$t" = benchfs-mpiio ] && [ ! -f "$top_builddir/adio/libbenchfs-romio.so" ]; then
		echo "note: benchfs-mpiio skipped (adio/libbenchfs-romio.so not built)"
	else
		fail "JSON: target $t did not run: $(grep "\"name\": \"$t\"" "$json")"
	fi
done
for w in ior-easy ior-hard mdtest-easy mdtest-hard latency; do
	for t in "${ran[@]}"; do
		grep -q "{\"workload\": \"$w\", \"target\": \"$t\", \"api\": \"[a-z-]*\", \"metric\": \"[^\"]*\", \"unit\": \"[^\"]*\", \"median\": [0-9]" \
			"$json" || fail "JSON: no figure for $w on $t"
	done
done
for t in benchfs posix-disk posix-tmpfs; do
	grep -q "{\"workload\": \"stagein\", \"target\": \"$t\", \"api\": \"[a-z-]*\", \"metric\": \"copy-warm\", \"unit\": \"s\", \"median\": [0-9]" \
		"$json" || fail "JSON: no stagein copy-warm figure on $t"
done
for m in am-bw am-bw-1 am-bw-mem am-bw-1-ring; do
	grep -q "{\"workload\": \"raw-ucx\", \"target\": \"raw-ucx\", \"api\": \"ucx-am\", \"metric\": \"$m\", \"unit\": \"MiB/s\", \"median\": [0-9]" "$json" ||
		fail "JSON: no raw-ucx bandwidth $m"
done
echo "JSON: $(grep -c '"workload"' "$json") figures; targets run: ${ran[*]}"

# command-line errors: one line naming the cause, exit 2, never a hang
for args in "--servers 1 --reps 0" "--servers 1 --workloads nosuch" "--servers 1 -w stagein"; do
	out=$(timeout -k 5 60 mpirun "${MPIRUN_OPTS[@]}" -n 2 "$prog" $args 2>&1)
	rc=$?
	[ $rc -ne 124 ] && [ $rc -ne 137 ] || fail "benchfs-bench $args hung"
	echo "$out" | grep -q "^benchfs-bench: " || fail "benchfs-bench $args: no message: $out"
	[ $rc -ne 0 ] || fail "benchfs-bench $args exited 0"
done
echo "PASS"
exit 0
