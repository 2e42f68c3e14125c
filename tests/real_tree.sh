#!/usr/bin/env bash
# real_tree: a real system tree goes into BenchFS with benchfs-stagein and comes back out with
# benchfs-stageout, in separate MPI jobs (2 in-job servers, 2 clients each), byte-identical
# (diff -r, symlinks compared as links), with modes and mtimes kept; benchfs-find counts equal
# GNU find's on the source for several predicates; benchfs-find -delete leaves what GNU find
# -delete leaves of the copied-out tree (files by name, non-empty directories refused with exit
# status 1 as GNU's, the whole tree at last). Both copies show their progress line
# (--progress), whose reductions must end in step on every rank.
set -uo pipefail
set -f # predicates hold globs for find, not for the shell
. "$(dirname "$0")/common.sh"
B=$top_builddir
SRC=${BFS_REAL_TREE:-/usr/share/doc}
[ -d "$SRC" ] || { echo "SKIP: no $SRC"; exit 77; }
bfs_tmpdir
W=$BFS_TMP
trap 'rm -rf "$W"' EXIT
MPI=(timeout 300 mpirun "${MPIRUN_OPTS[@]}" -n 4)
T=(--servers 2 --data-dir "$W/data")
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }

"${MPI[@]}" "$B/benchfs-stagein" --progress "${T[@]}" "$SRC" /tree || { echo "FAIL: stagein"; exit 1; }
# (-size on files and links: a directory's size is its file system's own, 0 in BenchFS)
for pred in "-type f" "-type d" "-type l" "-name *.gz" "-type f -size +10k" "-type f -size -2" \
	"-type l -size 1" "-name README*" "-type f -name *.html -size +1M"; do
	# shellcheck disable=SC2086
	want=$(find "$SRC" $pred | wc -l)
	# shellcheck disable=SC2086
	got=$("${MPI[@]}" "$B/benchfs-find" "${T[@]}" /tree $pred -count)
	check "find /tree $pred -count: $got, GNU find: $want" '[ "$got" = "$want" ]'
done
"${MPI[@]}" "$B/benchfs-stageout" --progress "${T[@]}" /tree "$W/out" || { echo "FAIL: stageout"; exit 1; }
check "diff -r --no-dereference $SRC out" 'diff -r --no-dereference "$SRC" "$W/out" >"$W/diff" 2>&1'
[ -s "$W/diff" ] && head -20 "$W/diff"
# modes, types, sizes, mtimes (seconds) and link targets of every entry
# a directory's size is its file system's business (ext4 grows it by entry order): left out
meta() {
	(cd "$1" && {
		find . ! -type d -printf '%p %y %m %s %TY%Tm%Td%TH%TM%TS %l\n'
		find . -type d -printf '%p %y %m - %TY%Tm%Td%TH%TM%TS %l\n'
	} | sed 's/\.[0-9]* / /' | sort)
}
check "modes, sizes, mtimes and link targets kept" 'diff <(meta "$SRC") <(meta "$W/out") >"$W/mdiff"'
[ -s "$W/mdiff" ] && head -10 "$W/mdiff"

# -delete: what is left, and the exit status, as GNU find -delete on the copy
list() { "${MPI[@]}" "$B/benchfs-find" "${T[@]}" /tree 2>/dev/null | sed 's|^/tree||' | sort; }
glist() { find "$W/out" | sed "s|^$W/out||" | sort; }
for pred in "-name *.gz" "-type d -name html" "-type l"; do
	# shellcheck disable=SC2086
	"${MPI[@]}" "$B/benchfs-find" "${T[@]}" /tree $pred -delete 2>"$W/err"
	rc=$?
	# shellcheck disable=SC2086
	find "$W/out" $pred -delete 2>/dev/null
	grc=$?
	check "find /tree $pred -delete: exit $rc, GNU find: $grc" '[ "$rc" = "$grc" ]'
	check "find /tree $pred -delete: the same entries left" 'diff <(list) <(glist) >"$W/ldiff"'
	[ -s "$W/ldiff" ] && head -5 "$W/ldiff"
	if [ "$grc" != 0 ]; then
		check "its errors name the directory and the cause" \
			'grep -q "/html: Directory not empty" "$W/err"'
	fi
done
"${MPI[@]}" "$B/benchfs-find" "${T[@]}" /tree -delete
rc=$?
check "find /tree -delete: exit $rc" '[ "$rc" = 0 ]'
got=$("${MPI[@]}" "$B/benchfs-find" "${T[@]}" / -count)
check "nothing left but the root: $got" '[ "$got" = 1 ]'
exit $fail
