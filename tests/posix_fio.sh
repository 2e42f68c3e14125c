#!/usr/bin/env bash
# posix_fio: fio (Debian's package, unmodified) on a BenchFS file through libbenchfs-posix.so,
# attached to standalone servers: the psync, sync and posixaio engines, rw=write, read,
# randwrite and randread, bs 4 KiB and 1 MiB, every write verified with crc32c (fio reads the
# data back and checks every block). The io_uring and libaio engines issue raw system calls the
# library cannot see: fio must fail on them with an error (EBADF: the descriptor BenchFS
# reserved is no file), and nothing may be written to a local file.
set -uo pipefail
. "$(dirname "$0")/common.sh"
B=$top_builddir
LIB=$B/.libs/libbenchfs-posix.so
[ -f "$LIB" ] || fail "$LIB not built"
command -v fio >/dev/null || { echo "SKIP: fio is not installed (apt-get install fio)"; exit 77; }
bfs_tmpdir
W=$BFS_TMP
trap 'bfs_daemon_stop; rm -rf "$W"' EXIT
failed=0

bfs_daemon_start "$W/data" "$W/addr" "$W/daemon.log" 2 || fail "benchfsd did not start"
export BENCHFS_ADDR=$W/addr
pre=$(bfs_preload "$LIB")
LD_PRELOAD=$pre mkdir /benchfs/fio || fail "mkdir /benchfs/fio"
cd "$W" || exit 99
n=0
for eng in psync sync posixaio; do
	for bs in 4k 1m; do
		for rw in write randwrite read randread; do
			size=8m
			[ "$bs" = 1m ] && size=32m
			f=/benchfs/fio/$eng-$bs
			# reads verify what the write of the same file left (--verify_only)
			case $rw in
			*read) extra=(--rw="${rw/read/write}" --verify_only=1) ;;
			*) extra=(--rw="$rw") ;;
			esac
			out=$(LD_PRELOAD=$pre timeout 120 fio --name=t --filename="$f" --ioengine="$eng" \
				"${extra[@]}" --bs="$bs" --size="$size" --verify=crc32c --do_verify=1 \
				--randseed=7 --output-format=terse --terse-version=3 2>&1)
			rc=$?
			err=$(printf '%s\n' "$out" | tail -1 | cut -d';' -f5)
			n=$((n + 1))
			if [ $rc = 0 ] && [ "$err" = 0 ]; then
				echo "ok: fio $eng $rw bs=$bs size=$size verify=crc32c"
			else
				printf '%s\n' "$out" | grep -v '^3;' | head -5
				bad "fio $eng $rw bs=$bs (exit $rc, error ${err:-?})"
			fi
		done
	done
done
# the size fio's layout gave the files
st=$(LD_PRELOAD=$pre stat -c %s /benchfs/fio/psync-1m)
[ "$st" = 33554432 ] && echo "ok: file size $st" || bad "size of psync-1m: $st"
# raw system call engines: an explicit error, no local file
for eng in io_uring libaio; do
	out=$(LD_PRELOAD=$pre timeout 60 fio --name=t --filename=/benchfs/fio/raw-$eng \
		--ioengine=$eng --rw=write --bs=4k --size=1m 2>&1)
	rc=$?
	if printf '%s\n' "$out" | grep -q 'engine not loadable\|failed to load engine\|not compiled'; then
		echo "SKIP part: fio has no $eng engine here"
		continue
	fi
	if [ $rc != 0 ] && printf '%s\n' "$out" | grep -qi 'bad file descriptor'; then
		echo "ok: fio $eng: explicit error ($(printf '%s\n' "$out" | grep -i -m1 'bad file descriptor' | cut -c1-80))"
	else
		printf '%s\n' "$out" | head -5
		bad "fio $eng: expected an EBADF error, exit $rc"
	fi
	[ ! -e "/benchfs/fio/raw-$eng" ] && [ -z "$(find "$W" -name "raw-$eng*" -print -quit)" ] &&
		echo "ok: fio $eng: nothing written locally" || bad "fio $eng wrote a local file"
done
"$B/benchfs-shutdown" --attach "$W/addr" >/dev/null 2>&1
[ "$failed" = 0 ] || fail "$failed of $n fio runs failed"
exit 0
