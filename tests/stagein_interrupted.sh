#!/bin/bash
# stagein_interrupted - nothing a stage-in leaves half-written looks whole, and a stage-in whose
# file system goes away stops and says so:
#  - a finished stage-in leaves no file marked incomplete (benchfs-find -incomplete is empty);
#  - a file created marked incomplete and never completed (what a stage-in killed between
#    creating a split file at its full size and copying its ranges leaves): benchfs-find
#    -incomplete lists it, benchfs-ls -l marks it, benchfs-stageout refuses it (naming it,
#    exit 1, a FAILED summary) and copies everything else; a rename keeps the mark;
#  - a stage-in killed (SIGKILL, servers and all) part-way through a tree with large split
#    files: in the next job every file not marked incomplete equals its source byte for byte;
#  - a stage-in attached to benchfsd whose servers are killed meanwhile: it stops with one
#    error line per rank or so (not one per remaining file), exits non-zero, and its summary
#    says FAILED.
. "$(dirname "$0")/common.sh"
bfs_tmpdir
trap 'bfs_daemon_stop; [ -n "${job:-}" ] && kill -KILL "$job" 2>/dev/null; rm -rf "$BFS_TMP"' EXIT
B=$top_builddir
W=$BFS_TMP
failed=0
MPI=(timeout "$BFS_TEST_TIMEOUT" mpirun "${MPIRUN_OPTS[@]}")
T=(--servers 2 --data-dir "$W/data")

mkdir -p "$W/src/sub"
head -c 20000000 /dev/urandom >"$W/src/big"
for i in $(seq 30); do head -c $((i * 1001)) /dev/urandom >"$W/src/sub/f$i"; done

echo "=== a finished stage-in leaves nothing marked"
"${MPI[@]}" -n 4 "$B/benchfs-stagein" "${T[@]}" "$W/src" /done >"$W/out" 2>&1 ||
	{ cat "$W/out"; fail "stage-in"; }
"${MPI[@]}" -n 4 "$B/benchfs-find" "${T[@]}" /done -incomplete >"$W/inc" 2>&1 || fail "find -incomplete"
[ -s "$W/inc" ] && { cat "$W/inc"; bad "a finished stage-in left files marked incomplete"; }

echo "=== a file left incomplete"
"${MPI[@]}" -n 3 -x BFS_TEST_DATA_DIR="$W/data" "$top_builddir/tests/incomplete_file" 2 /done/half 20000000 ||
	fail "making an incomplete file"
"${MPI[@]}" -n 4 "$B/benchfs-find" "${T[@]}" /done -incomplete >"$W/inc" 2>&1 || fail "find"
[ "$(cat "$W/inc")" = /done/half ] || { cat "$W/inc"; bad "find -incomplete lists '$(cat "$W/inc")', want /done/half"; }
"${MPI[@]}" -n 3 "$B/benchfs-ls" "${T[@]}" -l /done >"$W/ls" 2>&1 || fail "ls"
grep -q " half  (incomplete)$" "$W/ls" || { cat "$W/ls"; bad "ls -l does not mark /done/half"; }
[ "$(grep -c "(incomplete)" "$W/ls")" = 1 ] || bad "ls -l marks other entries"
"${MPI[@]}" -n 4 "$B/benchfs-stageout" "${T[@]}" /done "$W/back" >"$W/so" 2>"$W/so.err"
rc=$?
cat "$W/so" "$W/so.err"
[ $rc -ne 0 ] || bad "stage-out of a tree with an incomplete file exited 0"
grep -q "benchfs-stageout: /done/half: incomplete" "$W/so.err" || bad "stage-out did not name /done/half"
grep -q "FAILED" "$W/so" || bad "the stage-out summary does not say FAILED"
[ -e "$W/back/half" ] && bad "stage-out copied the incomplete file"
diff -r "$W/src" "$W/back" >/dev/null || bad "stage-out did not copy the complete files exactly"
"${MPI[@]}" -n 3 -x BFS_TEST_DATA_DIR="$W/data" "$top_builddir/tests/incomplete_file" 2 -r /done/half /done/moved ||
	bad "renamed incomplete file"

echo "=== a stage-in killed part-way"
mkdir -p "$W/src2"
for i in 1 2 3; do head -c 40000000 /dev/urandom >"$W/src2/big$i"; done
for i in $(seq 400); do echo "small $i" >"$W/src2/s$i"; done
T2=(--servers 2 --data-dir "$W/data2")
mpirun "${MPIRUN_OPTS[@]}" -n 4 "$B/benchfs-stagein" "${T2[@]}" "$W/src2" /killed >"$W/k.out" 2>&1 &
job=$!
for _ in $(seq 1000); do # until the ranges of the large files are being copied (30 of 120 MB)
	kb=$(du -sk "$W/data2" 2>/dev/null | cut -f1)
	[ "${kb:-0}" -gt 30000 ] && break
	sleep 0.01
done
pkill -KILL -P "$job" # its ranks (the servers among them), then mpirun itself
kill -KILL "$job"
wait "$job" 2>/dev/null
job=
grep -q "^benchfs-stagein: .* files" "$W/k.out" && echo "NOTE: the stage-in finished before the kill"
"${MPI[@]}" -n 4 "$B/benchfs-stageout" "${T2[@]}" /killed "$W/back2" >"$W/so2" 2>"$W/so2.err"
cat "$W/so2" "$W/so2.err" | head -20
ncopied=0
for f in "$W"/back2/*; do
	[ -e "$f" ] || continue
	cmp -s "$f" "$W/src2/$(basename "$f")" || bad "$(basename "$f") is not marked incomplete but differs from its source"
	ncopied=$((ncopied + 1))
done
nmarked=$(grep -c ": incomplete (" "$W/so2.err")
echo "after the kill: $ncopied files whole, $nmarked marked incomplete"
[ $((ncopied + nmarked)) -gt 0 ] || bad "the stage-in was killed before it made its directory"

echo "=== the file system goes away during a stage-in"
data=$W/d3
addr=$W/addr3
# (files chunked, BENCHFS_INLINE_MAX=0: the count of object files is how the test sees progress)
BENCHFS_INLINE_MAX=0 bfs_daemon_start "$data" "$addr" "$W/d3.log" 2 --enable-recovery \
	-x BENCHFS_INLINE_MAX || fail "benchfsd did not start"
mkdir -p "$W/src3"
for i in $(seq 3000); do echo "file $i" >"$W/src3/f$i"; done
mpirun "${MPIRUN_OPTS[@]}" -n 3 "$B/benchfs-stagein" --attach "$addr" "$W/src3" /gone \
	>"$W/g.out" 2>"$W/g.err" &
job=$!
for _ in $(seq 200); do
	[ "$(find "$data" -path '*/obj/*' -type f 2>/dev/null | wc -l)" -gt 50 ] && break
	sleep 0.05
done
p0=$(bfs_server_pid "$data" 0) && p1=$(bfs_server_pid "$data" 1) || fail "no server pids"
kill -KILL "$p0" "$p1"
timeout 120 tail --pid="$job" -f /dev/null || bad "the stage-in did not end after its servers died"
wait "$job"
rc=$?
job=
cat "$W/g.out"
head -20 "$W/g.err"
[ $rc -ne 0 ] || bad "the stage-in exited 0 after its servers died"
lines=$(grep -c "^benchfs-stagein: " "$W/g.err")
[ "$lines" -le 6 ] || bad "the stage-in printed $lines error lines after its servers died (one per file?)"
grep -q "^benchfs-stagein: FAILED" "$W/g.out" || bad "its summary does not say FAILED"
bfs_daemon_stop

[ $failed -gt 0 ] && fail "$failed checks failed"
echo "PASS"
exit 0
