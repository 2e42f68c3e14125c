#!/bin/bash
# store_memory - the memory chunk store (BENCHFS_STORE=memory): the file store's data tests
# pass on it (bytes read back, holes, sizes, offsets, truncate, shared and per-process files,
# large files, list I/O; 1 and 2 servers), and a later job on the same data directory is
# refused with a message naming it, without a hang: the data of the file records it holds went
# with the earlier job's servers.
. "$(dirname "$0")/common.sh"
export BENCHFS_STORE=memory
failed=0
for t in io_unaligned io_sparse io_offsets io_shared_file io_file_per_process io_large_file \
	io_listio truncate; do
	BFS_TEST_LAYOUTS="1:2 2:2" bash "$(dirname "$0")/run-mpi.sh" "$t" ||
		bad "$t on the memory store"
done

bfs_tmpdir
trap 'rm -rf "$BFS_TMP"' EXIT
data=$BFS_TMP/data
run() { # run MODE
	timeout -k 5 "$BFS_TEST_TIMEOUT" mpirun "${MPIRUN_OPTS[@]}" -n 4 \
		-x BFS_TEST_DATA_DIR="$data" "$top_builddir/tests/persist" 2 "$1"
}
echo "=== job 1: 2 servers with the memory store write"
run write || bad "persist write on the memory store"
echo "=== job 2: the same data directory again must be refused"
run verify >"$BFS_TMP/out" 2>"$BFS_TMP/err"
rc=$?
grep -v '^\s*$' "$BFS_TMP/err" | head -5
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	bad "the second job hung"
elif [ $rc -eq 0 ]; then
	bad "a second job on a memory-store data directory holding records succeeded"
fi
grep -F "$data" "$BFS_TMP/err" | grep -q "memory store" ||
	bad "stderr of the refused job does not name $data and the memory store"
[ $failed -eq 0 ] || fail "$failed check(s) failed"
echo "PASS"
exit 0
