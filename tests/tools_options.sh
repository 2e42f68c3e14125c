#!/usr/bin/env bash
# tools_options - every installed program speaks one command line. For each of benchfsd,
# benchfs-shutdown, benchfs-run, the five MPI tools and benchfs-bench: --version prints
# "PROGRAM (BenchFS) VERSION" and exits 0; --help exits 0; the options its --help lists are
# exactly those of its man page's OPTIONS section (long and short); the file-system options are
# spelled alike (--servers N, --data-dir DIR, --attach ADDRFILE, --sync, --new-fs, no short
# letters, no --addr, the same --new-fs text) and each program has the set the convention gives
# it; a bad option exits 2 with one line naming it (one, under mpirun with 2 ranks) and the usage
# line; --sync and --new-fs without --servers are usage errors. The man pages render without
# groff warnings and carry the programs' version. Then against a real benchfsd started with the
# new options (--data-dir, --attach, --sync, --new-fs): a tool attaches with --attach, and
# benchfs-shutdown --attach stops it (exit 0, address file removed, benchfsd exits 0); and
# benchfs-run exports what --sync, --new-fs and --attach ask for to the program it runs.
set -uo pipefail
. "$(dirname "$0")/common.sh"
B=$top_builddir
bfs_tmpdir
W=$BFS_TMP
trap 'bfs_daemon_stop; rm -rf "$W"' EXIT
failed=0
unset BENCHFS_ADDR BENCHFS_SYNC BENCHFS_NEW_FS

progs=(benchfsd benchfs-shutdown benchfs-run benchfs-stagein benchfs-stageout benchfs-find
	benchfs-ls benchfs-stat benchfs-bench)
mpi_progs=(benchfsd benchfs-stagein benchfs-stageout benchfs-find benchfs-ls benchfs-stat
	benchfs-bench)
tools=(benchfs-stagein benchfs-stageout benchfs-find benchfs-ls benchfs-stat benchfs-bench)
# the options the convention gives each program ("=" exactly these, "+" at least these)
declare -A want=(
	[benchfsd]="= --attach --data-dir --help --new-fs --sync --version"
	[benchfs-shutdown]="= --attach --help --version"
	[benchfs-run]="= --attach --data-dir --help --mount --new-fs --no-posix --servers --sync --version"
)
for t in "${tools[@]}"; do
	want[$t]="+ --attach --data-dir --help --new-fs --servers --sync --version"
done
new_fs_text="--new-fs make a new, empty file system in the data directories, erasing the BenchFS data an earlier run left there"
version=$(sed -n 's/^#define BENCHFS_VERSION "\(.*\)"$/\1/p' "$top_srcdir/include/benchfs.h")
[ -n "$version" ] || fail "no BENCHFS_VERSION in include/benchfs.h"

path_of() {
	case $1 in
	benchfs-bench) echo "$B/benchmarks/benchfs-bench" ;;
	*) echo "$B/$1" ;;
	esac
}
# run OUT PROG ARGS...: PROG (MPI programs as a singleton: rank 0 of a world of 1) under a
# timeout, stdout to OUT, stderr to OUT.err; sets rc
run() {
	local out=$1 prog=$2
	shift 2
	timeout -k 5 60 "$(path_of "$prog")" "$@" >"$out" 2>"$out.err"
	rc=$?
}
# the long and the short options named in text on stdin
longs() { grep -oE -- '--[a-z][a-z0-9-]*' | sort -u | tr '\n' ' '; }
shorts() { grep -oE '^ +-[A-Za-z0-9]([, ]|$)' | grep -oE -- '-[A-Za-z0-9]' | sort -u | tr '\n' ' '; }
# man_options PAGE: the OPTIONS section of PAGE, roff escapes of dashes and fonts removed, its
# option tags indented as in --help
man_options() {
	sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$1" | sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' \
		-e 's/\\&//g' -e 's/^\.B[IR]* \(-[A-Za-z0-9]\)\([ ,"]\|$\)/  \1\2/'
}

for p in "${progs[@]}"; do
	page=$top_srcdir/man/$p.1
	[ -x "$(path_of "$p")" ] || { bad "$p: not built"; continue; }

	# --version: one line, the project's version, exit 0
	run "$W/v" "$p" --version
	if [ $rc != 0 ] || [ "$(cat "$W/v")" != "$p (BenchFS) $version" ]; then
		bad "$p --version: exit $rc, printed '$(cat "$W/v")', want '$p (BenchFS) $version'"
	fi

	# --help: exit 0, a usage line naming the program
	run "$W/h" "$p" --help
	[ $rc = 0 ] || bad "$p --help: exit $rc"
	grep -q "^Usage: .*$p" "$W/h" || bad "$p --help: no usage line"
	help_long=$(longs <"$W/h")
	help_short=$(shorts <"$W/h")

	# the man page lists exactly the options of --help
	if [ ! -f "$page" ]; then
		bad "$p: no man page $page"
	else
		man_long=$(man_options "$page" | longs)
		man_short=$(man_options "$page" | shorts)
		[ "$help_long" = "$man_long" ] ||
			bad "$p: long options: --help lists '$help_long', man page '$man_long'"
		[ "$help_short" = "$man_short" ] ||
			bad "$p: short options: --help lists '$help_short', man page '$man_short'"
		grep -q "^\.TH .* \"BenchFS $version\"" "$page" || bad "$p: man page not of version $version"
	fi

	# the common options: the set of the convention, one spelling, no short letters
	read -r how list <<<"${want[$p]}"
	for o in $list; do
		case " $help_long" in *" $o "*) ;; *) bad "$p --help: no $o" ;; esac
	done
	if [ "$how" = "=" ] && [ "$help_long" != "$list " ]; then
		bad "$p --help: options '$help_long', want exactly '$list'"
	fi
	grep -qE -- '--addr([^a-z-]|$)' "$W/h" && bad "$p --help: lists --addr"
	if grep -qiE 'ADDRFILE|address file' "$W/h" && ! grep -q -- '--attach ADDRFILE' "$W/h"; then
		bad "$p --help: an address file, but not as --attach ADDRFILE"
	fi
	grep -E -- '-[A-Za-z0-9], --(servers|data-dir|attach|sync|new-fs)([^a-z-]|$)' "$W/h" &&
		bad "$p --help: a short letter for a file-system option"
	for o in "--servers N" "--data-dir DIR"; do
		if grep -q -- "${o% *}" "$W/h" && ! grep -q -- "$o" "$W/h"; then
			bad "$p --help: ${o% *} without its argument ${o#* }"
		fi
	done
	if grep -q -- "--new-fs" "$W/h" && ! tr -s ' \n' '  ' <"$W/h" | grep -qF -- "$new_fs_text"; then
		bad "$p --help: --new-fs is not described as everywhere else"
	fi

	# a bad option: exit 2, one line naming it, the usage line (under mpirun: once for 2 ranks)
	if [[ " ${mpi_progs[*]} " = *" $p "* ]]; then
		timeout -k 5 60 mpirun "${MPIRUN_OPTS[@]}" -n 2 "$(path_of "$p")" --no-such-option \
			>"$W/bad" 2>"$W/bad.err"
		rc=$?
	else
		run "$W/bad" "$p" --no-such-option
	fi
	n=$(grep -c "^$p: .*--no-such-option" "$W/bad.err")
	u=$(grep -c "^Usage: " "$W/bad.err")
	if [ $rc != 2 ] || [ "$n" != 1 ] || [ "$u" != 1 ]; then
		bad "$p --no-such-option: exit $rc, $n lines naming it, $u usage lines:"
		cat "$W/bad.err"
	fi
	echo "ok: $p: --version, --help, man page, common options, bad option"
done

# the man pages render without warnings
if command -v groff >/dev/null; then
	for page in "$top_srcdir"/man/*.[17]; do
		warn=$(groff -man -ww -z "$page" 2>&1)
		[ -z "$warn" ] || bad "$(basename "$page"): groff warnings: $warn"
	done
	echo "ok: $(ls "$top_srcdir"/man/*.[17] | wc -l) man pages render without warnings"
else
	echo "NOTE: no groff: the man pages' rendering is not checked"
fi

# --sync and --new-fs need --servers: usage errors before anything starts
mkdir -p "$W/src"
declare -A operands=([benchfs-stagein]="$W/src /in" [benchfs-stageout]="/in $W/out"
	[benchfs-find]=/ [benchfs-ls]=/ [benchfs-stat]="" [benchfs-bench]="")
for p in "${tools[@]}"; do
	for o in --sync --new-fs; do
		# shellcheck disable=SC2086
		run "$W/s" "$p" $o ${operands[$p]}
		if [ $rc != 2 ] || [ "$(grep -c -- "^$p: $o needs --servers" "$W/s.err")" != 1 ]; then
			bad "$p $o without --servers: exit $rc, want 2 and one line:"
			cat "$W/s.err"
		fi
	done
done
for o in --sync --new-fs; do
	run "$W/s" benchfs-run "$o" -- true
	[ $rc = 2 ] && grep -q -- "^benchfs-run: $o needs --servers" "$W/s.err" ||
		bad "benchfs-run $o without --servers: exit $rc"
done
echo "ok: --sync and --new-fs without --servers are usage errors"

# ... and are taken with --servers
job "$W/ls" 2 "$B/benchfs-ls" --servers 1 --data-dir "$W/data-ls" --sync --new-fs /
[ $rc = 0 ] || { cat "$W/ls.err"; bad "benchfs-ls --servers 1 --sync --new-fs: exit $rc"; }
job "$W/env" 2 "$B/benchfs-run" --servers 1 --data-dir "$W/data-env" --sync --new-fs -- env
grep -qx BENCHFS_SYNC=1 "$W/env" && grep -qx BENCHFS_NEW_FS=1 "$W/env" ||
	bad "benchfs-run --sync --new-fs: BENCHFS_SYNC=1 and BENCHFS_NEW_FS=1 not exported"
run "$W/env" benchfs-run --attach "$W/some.addr" -- env
grep -qx "BENCHFS_ADDR=$W/some.addr" "$W/env" || bad "benchfs-run --attach: BENCHFS_ADDR not set"
echo "ok: --sync, --new-fs and --attach take effect"

# a real benchfsd: a tool attaches with --attach, benchfs-shutdown --attach stops it
addr=$W/bfs.addr
if BFS_DAEMON_ARGS="--sync --new-fs" bfs_daemon_start "$W/data" "$addr" "$W/daemon.log" 2; then
	job "$W/ls" 1 "$B/benchfs-ls" --attach "$addr" /
	[ $rc = 0 ] || { cat "$W/ls.err"; bad "benchfs-ls --attach: exit $rc"; }
	run "$W/stop" benchfs-shutdown --attach "$addr"
	[ $rc = 0 ] && grep -q "servers stopped" "$W/stop" ||
		{ cat "$W/stop.err"; bad "benchfs-shutdown --attach: exit $rc"; }
	wait "$BFS_DAEMON_PID"
	rc=$?
	BFS_DAEMON_PID=
	[ $rc = 0 ] || { cat "$W/daemon.log"; bad "benchfsd exited $rc after benchfs-shutdown"; }
	[ -e "$addr" ] && bad "benchfsd left its address file after benchfs-shutdown"
	echo "ok: benchfsd --data-dir --attach --sync --new-fs; benchfs-shutdown --attach"
else
	bad "benchfsd --data-dir DIR --attach ADDRFILE --sync --new-fs did not start"
fi

[ $failed = 0 ] || fail "$failed checks failed"
echo "PASS"
exit 0
