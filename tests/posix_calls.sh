#!/usr/bin/env bash
# posix_calls: tests/posix_calls (a plain POSIX program) with libbenchfs-posix.so preloaded,
# attached to standalone servers: the same errno as a local file system for every error a user
# can cause, and local and BenchFS descriptors, streams and directories mixed in one process
# (see posix_calls.c). Then the same program under benchfs-run with in-job servers.
set -uo pipefail
. "$(dirname "$0")/common.sh"
B=$top_builddir
LIB=$B/.libs/libbenchfs-posix.so
[ -f "$LIB" ] || fail "$LIB not built"
[ -x "$B/tests/posix_calls" ] || fail "tests/posix_calls not built"
bfs_tmpdir
W=$BFS_TMP
trap 'bfs_daemon_stop; rm -rf "$W"' EXIT
failed=0

bfs_daemon_start "$W/data" "$W/addr" "$W/daemon.log" 2 || fail "benchfsd did not start"
mkdir -p "$W/local"
# (UCX_MEM_EVENTS=no: UCX's memory hooks would send mmap around the library; benchfs-run sets it)
BENCHFS_ADDR=$W/addr UCX_MEM_EVENTS=no LD_PRELOAD=$(bfs_preload "$LIB") timeout 120 \
	"$B/tests/posix_calls" "$W/local" /benchfs/calls benchfs:/calls >"$W/out" 2>&1
rc=$?
cat "$W/out"
[ $rc = 0 ] || bad "posix_calls attached (exit $rc)"
"$B/benchfs-shutdown" --attach "$W/addr" >/dev/null 2>&1
bfs_daemon_stop

mkdir -p "$W/local2"
timeout 120 mpirun "${MPIRUN_OPTS[@]}" -n 3 "$B/benchfs-run" --servers 2 --data-dir "$W/data2" \
	-- "$B/tests/posix_calls" "$W/local2" /benchfs/calls benchfs:/calls >"$W/out2" 2>&1
rc=$?
tail -3 "$W/out2"
[ $rc = 0 ] || { cat "$W/out2"; bad "posix_calls in the job (exit $rc)"; }
[ "$failed" = 0 ] || fail "$failed runs failed"
exit 0
