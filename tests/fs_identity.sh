#!/bin/bash
# fs_identity - a start never serves part of a file system, two file systems mixed, another
# layout, or a directory another server holds, and a refused start changes nothing:
#  - a copy of a 2-server data directory without server-1: refused, naming DIR/server-1,
#    which is not created;
#  - 3 servers on a 2-server directory: refused, naming the directories, server-2 not created;
#  - server-1 replaced by another file system's server-1: refused, naming it;
#  - BENCHFS_NEW_FS=1 makes a new, empty file system there (one id in every directory);
#  - a directory served by benchfsd: an in-job start on it is refused, naming the holder's pid
#    and host;
#  - directories written before file-system ids (benchfs-data 1) are adopted and rewritten;
#  - after all that the original file system still holds every file, byte for byte.
. "$(dirname "$0")/common.sh"
bfs_tmpdir
trap 'bfs_daemon_stop; rm -rf "$BFS_TMP"' EXIT
B=$top_builddir
W=$BFS_TMP
failed=0
MPI=(timeout "$BFS_TEST_TIMEOUT" mpirun "${MPIRUN_OPTS[@]}" -n 4)

# count DIR NSERVERS: the number of regular files benchfs-find counts (stdout), or fails
count() {
	"${MPI[@]}" "$B/benchfs-find" --servers "$2" --data-dir "$1" / -type f -count 2>"$W/err"
}
# refused NAME REGEX DIR NSERVERS: a start is refused with a line matching REGEX on stderr
refused() {
	local name=$1 re=$2
	if count "$3" "$4" >"$W/out"; then
		bad "$name: the start was not refused (printed $(cat "$W/out"))"
	elif ! grep -q -- "$re" "$W/err"; then
		bad "$name: no line matching '$re'; stderr:"
		cat "$W/err"
	else
		echo "ok: $name: $(grep -- "$re" "$W/err" | head -1)"
	fi
}
fsid_of() { sed -n 's/^fsid //p' "$1/benchfs.id"; }

mkdir -p "$W/src/sub"
for i in $(seq 40); do head -c $((i * 997)) /dev/urandom >"$W/src/sub/f$i"; done
echo hello >"$W/src/a"
"${MPI[@]}" "$B/benchfs-stagein" --servers 2 --data-dir "$W/d" "$W/src" /t >/dev/null ||
	fail "stage-in"
n=$(count "$W/d" 2) || fail "count"
[ "$n" = 41 ] || fail "count $n after the stage-in, want 41"
f0=$(fsid_of "$W/d/server-0")
f1=$(fsid_of "$W/d/server-1")
[ -n "$f0" ] && [ "$f0" = "$f1" ] || fail "the two server directories hold ids '$f0' and '$f1'"
echo "file system $f0 in both server directories"

echo "=== a server directory missing"
cp -a "$W/d" "$W/partial"
rm -rf "$W/partial/server-1"
refused "missing server-1" "$W/partial/server-1: no BenchFS data here" "$W/partial" 2
[ -e "$W/partial/server-1" ] && bad "the refused start created $W/partial/server-1"

echo "=== another server count"
refused "3 servers on 2" "$W/d/server-0: holds server 0 of 2" "$W/d" 3
[ -e "$W/d/server-2" ] && bad "the refused start created $W/d/server-2"

echo "=== another file system's directory"
"${MPI[@]}" "$B/benchfs-stagein" --servers 2 --data-dir "$W/other" "$W/src/sub" /o >/dev/null ||
	fail "second stage-in"
cp -a "$W/d" "$W/mixed"
rm -rf "$W/mixed/server-1"
cp -a "$W/other/server-1" "$W/mixed/server-1"
refused "foreign server-1" "$W/mixed/server-1: belongs to file system $(fsid_of "$W/other/server-1")" \
	"$W/mixed" 2

echo "=== a new file system when asked for"
n=$(BENCHFS_NEW_FS=1 count "$W/partial" 2) || bad "BENCHFS_NEW_FS=1: $(cat "$W/err")"
[ "$n" = 0 ] || bad "the new file system holds $n files, want 0"
p0=$(fsid_of "$W/partial/server-0")
p1=$(fsid_of "$W/partial/server-1")
[ -n "$p0" ] && [ "$p0" = "$p1" ] && [ "$p0" != "$f0" ] ||
	bad "new file system ids: '$p0' '$p1' (old $f0)"
n=$(count "$W/partial" 2) || bad "the new file system does not start again: $(cat "$W/err")"
[ "$n" = 0 ] || bad "the new file system holds $n files after a restart, want 0"

echo "=== a directory in use"
bfs_daemon_start "$W/d" "$W/addr" "$W/daemon.log" 2 || fail "benchfsd did not start"
pid=$(bfs_server_pid "$W/d" 0) || fail "no pid for server 0"
refused "in use" "$W/d/server-0: in use by another BenchFS server (pid $pid on host $(hostname))" \
	"$W/d" 2
timeout 60 "$B/benchfs-shutdown" --attach "$W/addr" >/dev/null || bad "benchfs-shutdown"
wait "$BFS_DAEMON_PID"
BFS_DAEMON_PID=

echo "=== directories from before file-system ids"
cp -a "$W/d" "$W/v1"
for i in 0 1; do
	sed -i -e 's/^benchfs-data 2$/benchfs-data 1/' -e '/^fsid /d' "$W/v1/server-$i/benchfs.id"
done
n=$(count "$W/v1" 2) || bad "version-1 directories: $(cat "$W/err")"
[ "$n" = 41 ] || bad "version-1 directories hold $n files, want 41"
v0=$(fsid_of "$W/v1/server-0")
v1=$(fsid_of "$W/v1/server-1")
[ -n "$v0" ] && [ "$v0" = "$v1" ] || bad "adopted ids '$v0' '$v1'"

echo "=== the original file system is whole"
rm -rf "$W/out"
"${MPI[@]}" "$B/benchfs-stageout" --servers 2 --data-dir "$W/d" /t "$W/back" >/dev/null ||
	bad "stage-out"
diff -r "$W/src" "$W/back" >/dev/null || bad "the tree read back differs from the source"
[ "$(fsid_of "$W/d/server-0")" = "$f0" ] || bad "the file system's id changed"

[ $failed -gt 0 ] && fail "$failed checks failed"
echo "PASS"
exit 0
