#!/usr/bin/env bash
# The main job, on a fresh Debian 12 machine: install, build, then move a real directory tree
# (default /usr/share) into BenchFS and back out through the MPI tools, each tool a separate MPI
# job whose 2 server ranks are part of the job (so data and metadata must survive from one
# job to the next), and compare the result byte for byte.
#
#   bash scripts/demo.sh [SRC]        (default SRC=/usr/share)
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=${1:-/usr/share}
bash scripts/install-deps.sh
bash scripts/build.sh

MPIRUN=(mpirun --oversubscribe -n 4)
[ "$(id -u)" -eq 0 ] && MPIRUN+=(--allow-run-as-root)
DATA=${TMPDIR:-/tmp}/benchfs-demo-${USER:-user}   # node-local data of the 2 servers
OUT=$(mktemp -d "${TMPDIR:-/tmp}/benchfs-demo-out.XXXXXX")
rm -rf "$DATA"
trap 'rm -rf "$OUT"' EXIT
run() { echo "+ $*" >&2; "$@"; }

echo "== stage-in: $SRC -> benchfs:/share (job 1: 2 servers + 2 clients)"
run "${MPIRUN[@]}" ./benchfs-stagein --servers 2 --data-dir "$DATA" "$SRC" /share
echo "== find (job 2)"
n_bfs=$(run "${MPIRUN[@]}" ./benchfs-find --servers 2 --data-dir "$DATA" /share -type f -count)
n_gnu=$(find "$SRC" -type f | wc -l)
echo "benchfs-find /share -type f -count: $n_bfs   (GNU find on $SRC: $n_gnu)"
echo "== ls (job 3)"
run "${MPIRUN[@]}" ./benchfs-ls --servers 2 --data-dir "$DATA" -l /share >"$OUT/ls.txt"
head -5 "$OUT/ls.txt"; echo "... ($(wc -l <"$OUT/ls.txt") lines)"
echo "== stage-out: benchfs:/share -> $OUT/share (job 4)"
run "${MPIRUN[@]}" ./benchfs-stageout --servers 2 --data-dir "$DATA" /share "$OUT/share"
echo "== compare"
if diff -r --no-dereference "$SRC" "$OUT/share" >/dev/null && [ "$n_bfs" = "$n_gnu" ]; then
	echo "demo: OK: $SRC and its BenchFS round trip are identical ($n_gnu files)"
else
	diff -r --no-dereference "$SRC" "$OUT/share" | head -20
	echo "demo: FAILED: the round trip differs"
	exit 1
fi
echo "(server data kept in $DATA; remove it with: rm -rf $DATA)"
