#!/bin/bash
# full_store - a full data directory gives ENOSPC, never a dead server, and loses nothing:
#  - metadata on a full file system (benchfsd on a 4 MiB tmpfs; the default write-mapped LMDB,
#    which died of SIGBUS in mdb_txn_commit before, and BENCHFS_SYNC=1): mkdir gets ENOSPC,
#    every directory made before is there, one can still be removed, the server goes on serving
#    and, restarted on the still full file system, still holds them all;
#  - the LMDB map itself full (BENCHFS_META_MAP=512K on a roomy disk): ENOSPC likewise, for
#    directories and for small (inline) files, whose bytes live in that map; and with three
#    writers at once, whose creates the server commits in groups: each gets ENOSPC, and every
#    directory it was told made is there after a restart;
#  - file data on a full file system (16 MiB tmpfs): ENOSPC, the bytes written before read
#    back, and space comes back when the file is removed.
# Needs root (mount -t tmpfs); skipped otherwise.
. "$(dirname "$0")/common.sh"
bfs_tmpdir
mnt=$BFS_TMP/mnt
mounted=
cleanup() {
	bfs_daemon_stop
	[ -n "$mounted" ] && umount "$mnt"
	rm -rf "$BFS_TMP"
}
trap cleanup EXIT
cl=$top_builddir/tests/attach_client
export BENCHFS_RPC_TIMEOUT=30
mkdir -p "$mnt"
mount -t tmpfs -o size=4m tmpfs "$mnt" 2>/dev/null || { echo "SKIP: cannot mount a tmpfs (not root?)"; exit 77; }
mounted=1

# full_meta NAME MPIRUN-OPTION...: fill the metadata store of a benchfsd on $mnt/NAME, restart
full_meta() {
	local name=$1 data=$mnt/$1 addr=$BFS_TMP/addr-$1 n
	shift
	echo "=== metadata on a full file system ($name)"
	bfs_daemon_start "$data" "$addr" "$BFS_TMP/$name.log" 1 "$@" || fail "benchfsd did not start"
	timeout 120 "$cl" -a "$addr" fill-meta /full 1000000 >"$BFS_TMP/fill.out" ||
		{ cat "$BFS_TMP/fill.out"; fail "$name: filling the metadata store"; }
	cat "$BFS_TMP/fill.out"
	n=$(sed -n 's/^attach_client: \([0-9]*\) directories made.*/\1/p' "$BFS_TMP/fill.out")
	[ -n "$n" ] && [ "$n" -gt 100 ] || fail "$name: only '$n' directories before ENOSPC"
	timeout 60 "$cl" -a "$addr" has-dirs /full $((n - 1)) || fail "$name: the server lost entries"
	timeout 60 "$top_builddir/benchfs-shutdown" --attach "$addr" >/dev/null || fail "$name: shutdown"
	wait "$BFS_DAEMON_PID"
	BFS_DAEMON_PID=
	grep -q "Bus error\|signal" "$BFS_TMP/$name.log" && { cat "$BFS_TMP/$name.log"; fail "$name: the server died"; }
	bfs_daemon_start "$data" "$addr" "$BFS_TMP/$name-2.log" 1 "$@" ||
		fail "$name: benchfsd did not restart on the full file system"
	timeout 60 "$cl" -a "$addr" has-dirs /full $((n - 1)) || fail "$name: entries lost across a restart"
	timeout 60 "$top_builddir/benchfs-shutdown" --attach "$addr" >/dev/null || fail "$name: shutdown"
	wait "$BFS_DAEMON_PID"
	BFS_DAEMON_PID=
	rm -rf "$data"
}

full_meta mapped
BENCHFS_SYNC=1 full_meta synced -x BENCHFS_SYNC

echo "=== the LMDB map full"
data=$BFS_TMP/data-map
addr=$BFS_TMP/addr-map
BENCHFS_META_MAP=512K bfs_daemon_start "$data" "$addr" "$BFS_TMP/map.log" 1 -x BENCHFS_META_MAP ||
	fail "benchfsd did not start"
timeout 120 "$cl" -a "$addr" fill-meta /full 1000000 || fail "filling the LMDB map"
timeout 60 "$top_builddir/benchfs-shutdown" --attach "$addr" >/dev/null || fail "shutdown"
wait "$BFS_DAEMON_PID"
BFS_DAEMON_PID=

echo "=== the LMDB map full of small files"
data=$BFS_TMP/data-small
addr=$BFS_TMP/addr-small
BENCHFS_META_MAP=512K bfs_daemon_start "$data" "$addr" "$BFS_TMP/small.log" 1 -x BENCHFS_META_MAP ||
	fail "benchfsd did not start"
timeout 120 "$cl" -a "$addr" fill-small /small 1000000 || fail "filling the LMDB map with small files"
timeout 60 "$top_builddir/benchfs-shutdown" --attach "$addr" >/dev/null || fail "shutdown"
wait "$BFS_DAEMON_PID"
BFS_DAEMON_PID=

echo "=== the LMDB map full under three writers at once (their writes share commits)"
data=$BFS_TMP/data-group
addr=$BFS_TMP/addr-group
BENCHFS_META_MAP=4M bfs_daemon_start "$data" "$addr" "$BFS_TMP/group.log" 1 -x BENCHFS_META_MAP ||
	fail "benchfsd did not start"
pids=()
for w in 1 2 3; do
	timeout 120 "$cl" -a "$addr" fill-meta /w$w 1000000 >"$BFS_TMP/w$w.out" 2>&1 &
	pids+=($!)
done
for w in 1 2 3; do
	wait "${pids[w - 1]}" || { cat "$BFS_TMP/w$w.out"; fail "writer $w: filling the LMDB map"; }
	cat "$BFS_TMP/w$w.out"
done
timeout 60 "$top_builddir/benchfs-shutdown" --attach "$addr" >/dev/null || fail "shutdown"
wait "$BFS_DAEMON_PID"
BFS_DAEMON_PID=
BENCHFS_META_MAP=4M bfs_daemon_start "$data" "$addr" "$BFS_TMP/group-2.log" 1 -x BENCHFS_META_MAP ||
	fail "benchfsd did not restart"
for w in 1 2 3; do
	n=$(sed -n 's/^attach_client: \([0-9]*\) directories made.*/\1/p' "$BFS_TMP/w$w.out")
	timeout 60 "$cl" -a "$addr" has-dirs /w$w $((n - 1)) || fail "writer $w: entries lost across a restart"
done
timeout 60 "$top_builddir/benchfs-shutdown" --attach "$addr" >/dev/null || fail "shutdown"
wait "$BFS_DAEMON_PID"
BFS_DAEMON_PID=

echo "=== file data on a full file system"
umount "$mnt" && mount -t tmpfs -o size=16m tmpfs "$mnt" || fail "remount"
data=$mnt/data
addr=$BFS_TMP/addr-data
bfs_daemon_start "$data" "$addr" "$BFS_TMP/data.log" 1 || fail "benchfsd did not start"
timeout 120 "$cl" -a "$addr" fill-data /big || fail "filling the chunk store"
timeout 60 "$cl" -a "$addr" fill-data /big || fail "filling the chunk store again"
timeout 60 "$top_builddir/benchfs-shutdown" --attach "$addr" >/dev/null || fail "shutdown"
wait "$BFS_DAEMON_PID"
rc=$?
BFS_DAEMON_PID=
[ $rc -eq 0 ] || fail "benchfsd exited $rc"
echo "PASS"
exit 0
