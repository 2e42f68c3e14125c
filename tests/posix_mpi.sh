#!/usr/bin/env bash
# posix_mpi: an MPI program doing plain POSIX I/O on shared and per-rank files (posix_mpi.c)
# under mpirun -n 5 benchfs-run --servers 2 (3 client ranks; libbenchfs-posix.so joins the MPI
# interposer: the program sees 3 ranks), then a second job reads what the first left and the
# files are the same after the servers' restart.
set -uo pipefail
. "$(dirname "$0")/common.sh"
B=$top_builddir
bfs_need_run
[ -x "$B/tests/posix_mpi" ] || fail "tests/posix_mpi not built"
bfs_tmpdir
W=$BFS_TMP
trap 'rm -rf "$W"' EXIT
job "$W/out" 5 "$B/benchfs-run" --servers 2 --data-dir "$W/data" -- "$B/tests/posix_mpi" \
	/benchfs/mpi
cat "$W/out"
[ $rc = 0 ] || { head -20 "$W/out.err"; fail "posix_mpi (exit $rc)"; }
grep -q '^posix_mpi: 3 ranks ok$' "$W/out" || fail "posix_mpi did not see 3 ranks"
# the files are still there in the next job, read by a program that is no MPI program
job "$W/out2" 3 "$B/benchfs-run" --servers 2 --data-dir "$W/data" -- \
	bash -c 'stat -c "%n %s" /benchfs/mpi/shared /benchfs/mpi/rank-2; cat /benchfs/mpi/line-1'
cat "$W/out2"
[ $rc = 0 ] || { head -20 "$W/out2.err"; fail "second job (exit $rc)"; }
grep -q '^/benchfs/mpi/shared 3145728$' "$W/out2" || fail "shared file size after restart"
grep -q '^/benchfs/mpi/rank-2 3145728$' "$W/out2" || fail "rank-2 size after restart"
grep -q '^rank 1 of 3$' "$W/out2" || fail "line-1 after restart"
echo "ok: posix_mpi"
