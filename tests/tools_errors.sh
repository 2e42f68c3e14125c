#!/usr/bin/env bash
# tools_errors: bad input to the MPI tools gives one line naming the path and the cause, a
# non-zero exit, no hang, and loses nothing already in BenchFS.
set -uo pipefail
. "$(dirname "$0")/common.sh"
B=$top_builddir
bfs_tmpdir
W=$BFS_TMP
trap 'rm -rf "$W"' EXIT
MPI=(timeout "$BFS_TEST_TIMEOUT" mpirun "${MPIRUN_OPTS[@]}" -n 3)
T=(--servers 1 --data-dir "$W/data")
fail=0
# expect NAME STATUS REGEX CMD...: exit status STATUS (or any non-zero for "nz") and stderr
# matching REGEX in exactly one line
expect() {
	local name=$1 want=$2 re=$3; shift 3
	"$@" >"$W/out" 2>"$W/err"; local rc=$?
	local lines; lines=$(grep -c "$re" "$W/err")
	if { [ "$want" = nz ] && [ $rc -ne 0 ] && [ $rc -ne 124 ]; } || [ "$rc" = "$want" ]; then
		if [ "$lines" = 1 ]; then echo "ok: $name (exit $rc)"; return; fi
	fi
	echo "FAIL: $name: exit $rc, $lines matching lines; stderr:"; cat "$W/err"; fail=1
}
mkdir -p "$W/src/sub" && echo hello >"$W/src/sub/a" && echo x >"$W/src/b"
"${MPI[@]}" "$B/benchfs-stagein" "${T[@]}" "$W/src" /in >/dev/null 2>&1 || { echo "FAIL: setup"; exit 1; }

expect "stagein: missing source" nz "benchfs-stagein: $W/nonexistent: No such file or directory" \
	"${MPI[@]}" "$B/benchfs-stagein" "${T[@]}" "$W/nonexistent" /x
expect "stagein: existing destination" nz "benchfs-stagein: /in: File exists" \
	"${MPI[@]}" "$B/benchfs-stagein" "${T[@]}" "$W/src" /in
expect "stagein: missing destination parent" nz "benchfs-stagein: /no/such: No such file or directory" \
	"${MPI[@]}" "$B/benchfs-stagein" "${T[@]}" "$W/src" /no/such
expect "stagein: bad option" 2 "benchfs-stagein: .*--bogus" \
	"${MPI[@]}" "$B/benchfs-stagein" "${T[@]}" --bogus "$W/src" /y
expect "stageout: missing source" nz "benchfs-stageout: /nothing: No such file or directory" \
	"${MPI[@]}" "$B/benchfs-stageout" "${T[@]}" /nothing "$W/o1"
mkdir "$W/exists"
expect "stageout: existing destination" nz "benchfs-stageout: $W/exists: File exists" \
	"${MPI[@]}" "$B/benchfs-stageout" "${T[@]}" /in "$W/exists"
expect "find: missing path" nz "benchfs-find: /nothing: No such file or directory" \
	"${MPI[@]}" "$B/benchfs-find" "${T[@]}" /nothing
expect "find: bad predicate" 2 "benchfs-find: .*-bogus" \
	"${MPI[@]}" "$B/benchfs-find" "${T[@]}" /in -bogus
expect "ls: missing path" 2 "benchfs-ls: cannot access '/nothing': No such file or directory" \
	"${MPI[@]}" "$B/benchfs-ls" "${T[@]}" /nothing
expect "attach: missing address file" nz "$W/no.addr" \
	"${MPI[@]}" "$B/benchfs-ls" --attach "$W/no.addr" /
expect "in-job: more servers than ranks" nz "benchfs-ls: --servers 3 needs at least 4 MPI ranks" \
	"${MPI[@]}" "$B/benchfs-ls" --servers 3 --data-dir "$W/data" /
# nothing was lost by the failed runs
"${MPI[@]}" "$B/benchfs-stageout" "${T[@]}" /in "$W/back" >/dev/null 2>&1
if diff -r "$W/src" "$W/back" >/dev/null; then echo "ok: data intact after the failures"; else
	echo "FAIL: data changed by failed runs"; fail=1; fi
exit $fail
