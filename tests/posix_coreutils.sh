#!/usr/bin/env bash
# posix_coreutils: unmodified coreutils, findutils and bash on BenchFS through
# libbenchfs-posix.so, both ways of running it:
#  1. attached: standalone benchfsd servers, BENCHFS_ADDR and LD_PRELOAD in the environment of
#     ordinary (non-MPI) commands, mount prefix /benchfs;
#  2. in the job: mpirun -n 3 benchfs-run --servers 2 --mount DIR -- bash checks.sh (DIR a
#     directory that does not exist, below one that does)
#     (a program that is no MPI program; its children reach the same servers).
# What a user relies on: cp -a in and out gives diff -r clean trees with modes, mtimes and
# symlinks kept; ls -l, ls -R, find with predicates, stat, du -s give what they give on a local
# copy (ls -l and du compare names/sizes/modes only where the local file system's own
# allocation shows); mv, rm -rf, mkdir -p, touch, ln -s, dd bs=1M conv=fsync, head, tail,
# sort, shell redirections (>, >>, <, of builtins and of executed commands), cd into the
# prefix, df.
set -uo pipefail
. "$(dirname "$0")/common.sh"
B=$top_builddir
LIB=$B/.libs/libbenchfs-posix.so
[ -f "$LIB" ] || fail "$LIB not built"
bfs_tmpdir
W=$BFS_TMP
trap 'bfs_daemon_stop; [ -n "${BFS_KEEP:-}" ] || rm -rf "$W"' EXIT
failed=0
check() { if eval "$2"; then echo "ok: $1"; else bad "$1"; fi; }

# a source tree: the repository's docs and headers, a symlink, an empty dir, a sparse-ish file
SRC=$W/src
mkdir -p "$SRC/sub/deeper" "$SRC/empty"
cp "$top_srcdir"/include/*.h "$SRC/"
cp "$top_srcdir"/docs/*.md "$SRC/sub/"
cp "$top_srcdir"/README.md "$SRC/sub/deeper/"
head -c 3000000 /dev/urandom >"$SRC/sub/big.bin"
printf 'x' >"$SRC/one"
ln -s sub/deeper/README.md "$SRC/link"
ln -s /nonexistent "$SRC/dangling"
chmod 0750 "$SRC/sub/deeper"
chmod 0600 "$SRC/one"
touch -d '2020-01-02 03:04:05' "$SRC/one" "$SRC/sub/big.bin"

# the checks, as one bash script run with the library preloaded; $M is the mount prefix,
# $L a local directory of the same test
cat >"$W/checks.sh" <<'EOF'
set -u
M=$1 L=$2 SRC=$3
r=0
say() { echo "$1: $2"; [ "$2" = ok ] || r=1; }
t() { local name=$1; shift; if "$@"; then say "$name" ok; else say "$name" FAIL; fi; }

t "mkdir -p" mkdir -p "$M/t/a/b/c"
t "cp -a in" cp -a "$SRC" "$M/t/tree"
t "diff -r in" diff -r --no-dereference "$SRC" "$M/t/tree"
t "cp -a out" cp -a "$M/t/tree" "$L/out"
t "diff -r out" diff -r --no-dereference "$SRC" "$L/out"
meta() { (cd "$1" && find . -printf '%p %y %m %TY%Tm%Td%TH%TM %l\n' | sort); }
t "modes, mtimes, links kept" diff <(meta "$SRC") <(meta "$L/out")
sizes() { (cd "$1" && find . ! -type d -printf '%p %s\n' | sort); }
t "sizes" diff <(sizes "$SRC") <(sizes "$M/t/tree")
t "cat" cmp <(cat "$M/t/tree/sub/big.bin") "$SRC/sub/big.bin"
# (a directory's size is its file system's own: 0 in BenchFS)
lsl() { ls -l --time-style=+%Y%m%d%H%M "$1" | grep -v '^total' |
	awk '{ if ($1 ~ /^d/) $5 = "-"; print $1, $5, $6, $7, $8, $9, $10 }'; }
t "ls -l" diff <(lsl "$SRC") <(lsl "$M/t/tree")
t "ls -R" diff <(cd "$SRC" && ls -R) <(cd "$M/t/tree" && ls -R)
for pred in "-type f" "-type d" "-type l" "-name *.md" "-size +10k" "-newer $SRC/one" \
	"-type f -perm 0600" "-empty" "-maxdepth 1" "-path */deeper/*"; do
	set -f
	# shellcheck disable=SC2086
	t "find $pred" diff <(cd "$SRC" && find . $pred | sort) <(cd "$M/t/tree" && find . $pred | sort)
	set +f
done
t "find -type f | wc" test "$(find "$M/t/tree" -type f | wc -l)" = "$(find "$SRC" -type f | wc -l)"
t "du -s" test "$(du -s "$M/t/tree" | cut -f1)" -gt 2900
t "du -sb" test "$(du -sb --apparent-size "$M/t/tree/sub/big.bin" | cut -f1)" = 3000000
t "df" df "$M" >/dev/null
t "df shows the mount" sh -c "df -P '$M' | tail -1 | grep -q ' $M\$'"
t "stat" test "$(stat -c '%s %a %F' "$M/t/tree/one")" = "1 600 regular file"
t "stat -L link" test "$(stat -L -c %s "$M/t/tree/link")" = "$(stat -c %s "$SRC/sub/deeper/README.md")"
t "readlink" test "$(readlink "$M/t/tree/link")" = "sub/deeper/README.md"
t "cat through link" cmp "$M/t/tree/link" "$SRC/sub/deeper/README.md"
t "mv" mv "$M/t/tree/one" "$M/t/tree/two"
t "mv: gone" test ! -e "$M/t/tree/one"
t "mv: there" test "$(cat "$M/t/tree/two")" = x
t "mv across the prefix" mv "$M/t/tree/two" "$L/two"
t "mv across: local copy" test "$(cat "$L/two")" = x
t "mv across: gone" test ! -e "$M/t/tree/two"
t "touch" touch "$M/t/new"
t "touch: empty file" test -f "$M/t/new" -a ! -s "$M/t/new"
t "touch -d" touch -d '2001-02-03 04:05:06' "$M/t/new"
t "touch -d: mtime" test "$(stat -c %Y "$M/t/new")" = "$(date -d '2001-02-03 04:05:06' +%s)"
t "ln -s" ln -s new "$M/t/lnk"
t "ln -s: target" test "$(readlink "$M/t/lnk")" = new
t "dd bs=1M conv=fsync" dd if="$SRC/sub/big.bin" of="$M/t/dd.bin" bs=1M conv=fsync status=none
t "dd: bytes" cmp "$M/t/dd.bin" "$SRC/sub/big.bin"
t "dd skip/seek" dd if="$M/t/dd.bin" of="$L/part" bs=4096 skip=10 count=3 status=none
t "dd skip/seek: bytes" cmp "$L/part" <(tail -c +40961 "$SRC/sub/big.bin" | head -c 12288)
t "head" test "$(head -n 3 "$M/t/tree/sub/deeper/README.md")" = "$(head -n 3 "$SRC/sub/deeper/README.md")"
t "tail" test "$(tail -n 3 "$M/t/tree/sub/deeper/README.md")" = "$(tail -n 3 "$SRC/sub/deeper/README.md")"
t "tail -c" cmp <(tail -c 1000 "$M/t/dd.bin") <(tail -c 1000 "$SRC/sub/big.bin")
seq 1 2000 | shuf --random-source=<(yes) >"$L/nums"
t "cp to prefix" cp "$L/nums" "$M/t/nums"
t "sort" cmp <(sort -n "$M/t/nums") <(sort -n "$L/nums")
t "sort -o into the prefix" sort -n -o "$M/t/sorted" "$M/t/nums"
t "sort -o: bytes" cmp "$M/t/sorted" <(seq 1 2000)
t "sed -i (a temporary file, then rename)" sed -i 's/^1$/one/' "$M/t/sorted"
t "sed -i: bytes" cmp "$M/t/sorted" <(seq 1 2000 | sed 's/^1$/one/')
# shell redirections: builtins (stdio of this shell) and executed commands (descriptors passed
# across exec)
echo first >"$M/t/redir"
echo second >>"$M/t/redir"
printf '%s\n' third >>"$M/t/redir"
t "> and >> of builtins" test "$(cat "$M/t/redir")" = "$(printf 'first\nsecond\nthird')"
cat "$SRC/sub/big.bin" >"$M/t/catout"
t "> of a command" cmp "$M/t/catout" "$SRC/sub/big.bin"
t "< into a command" cmp <(cat <"$M/t/catout") "$SRC/sub/big.bin"
n=0
while read -r line; do n=$((n + 1)); done <"$M/t/nums"
t "read < in a loop" test "$n" = 2000
t "cd into the prefix" cd "$M/t/tree/sub"
t "pwd" test "$(pwd)" = "$M/t/tree/sub"
t "relative cat" cmp deeper/README.md "$SRC/sub/deeper/README.md"
t "relative ls in a child" test "$(ls deeper)" = README.md
t "relative .. out of the prefix" test "$(cd "$M" && ls ..)" = "$(ls "$(dirname "$M")")"
cd "$L" || r=1
t "rm -rf" rm -rf "$M/t/tree"
t "rm -rf: gone" test ! -e "$M/t/tree"
t "rm -rf of the rest" rm -rf "$M/t"
t "nothing left" test -z "$(ls -A "$M")"
exit $r
EOF

# ---- 1. attached ----
bfs_daemon_start "$W/data1" "$W/addr" "$W/daemon.log" 2 || fail "benchfsd did not start"
mkdir -p "$W/local1"
if BENCHFS_ADDR=$W/addr LD_PRELOAD=$(bfs_preload "$LIB") timeout 300 \
	bash "$W/checks.sh" /benchfs "$W/local1" "$SRC" >"$W/out1" 2>&1; then
	echo "ok: attached: every check"
else
	grep -v ': ok$' "$W/out1" | head -30
	bad "attached: checks failed"
fi
grep -c ': ok$' "$W/out1" | sed 's/^/attached: checks passed: /'
"$B/benchfs-shutdown" --attach "$W/addr" >/dev/null 2>&1
bfs_daemon_stop

# ---- 2. in the job, another prefix (mkdir -p and fts reach it from the local parent), servers started for a program that is no MPI program ----
mkdir -p "$W/local2"
if timeout 300 mpirun "${MPIRUN_OPTS[@]}" -n 3 "$B/benchfs-run" --servers 2 \
	--data-dir "$W/data2" --mount "$W/bfs" -- bash "$W/checks.sh" "$W/bfs" "$W/local2" \
	"$SRC" >"$W/out2" 2>&1; then
	echo "ok: in the job: every check"
else
	grep -v ': ok$' "$W/out2" | head -30
	bad "in the job: checks failed"
fi
grep -c ': ok$' "$W/out2" | sed 's/^/in the job: checks passed: /'
check "in the job: nothing was made locally at the prefix" '[ ! -e "$W/bfs" ]'
# the exit status of the program is the job's
timeout 120 mpirun "${MPIRUN_OPTS[@]}" -n 3 "$B/benchfs-run" --servers 2 --data-dir "$W/data2" \
	-- bash -c 'exit 7' >/dev/null 2>&1
st=$?
check "in the job: exit status 7 of the program is mpirun's ($st)" '[ $st = 7 ]'
[ "$failed" = 0 ] || fail "$failed checks failed"
exit 0
