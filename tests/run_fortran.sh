#!/bin/bash
# run_fortran - benchfs-run with unmodified Fortran MPI programs: tests/run_fortran (the `mpi`
# module) and tests/run_fortran08 (`mpi_f08`) print the world's size and name, an allreduce, a
# split, the world compared with its duplicate, MPI_TAG_UB, and whether the integers every rank
# wrote collectively with MPI-IO read back right. Their sorted output natively with M ranks (a
# local file) must equal their output under `benchfs-run --servers N` with N+M ranks (a
# `benchfs:` file; without adio/libbenchfs-romio.so both runs leave MPI-IO out). Open MPI's
# Fortran bindings call the C layer through PMPI_ names, which libbenchfs-run.so and the ROMIO
# driver both provide. Skipped without a working mpifort (apt-get install gfortran).
#
# Environment: RUN_FORTRAN_LAYOUTS ("SERVERS:CLIENTS ...", default "1:2 2:3").
. "$(dirname "$0")/common.sh"

run=$top_builddir/benchfs-run
romio=$top_builddir/adio/libbenchfs-romio.so
progs=()
for p in run_fortran run_fortran08; do
	[ -x "$top_builddir/tests/$p" ] && progs+=("$top_builddir/tests/$p")
done
if [ ${#progs[@]} = 0 ]; then
	echo "SKIP: no Fortran test programs (configure found no working mpifort; apt-get install gfortran)"
	exit 77
fi
[ -x "$run" ] || fail "$run not built"
have_romio=0
[ -f "$romio" ] && have_romio=1

bfs_tmpdir
trap 'rm -rf "$BFS_TMP"' EXIT
failed=0
bad() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}
job() {
	local out=$1 n=$2
	shift 2
	timeout -k 10 "$BFS_TEST_TIMEOUT" mpirun "${MPIRUN_OPTS[@]}" -n "$n" "$@" >"$out" 2>"$out.err"
	rc=$?
}

for prog in "${progs[@]}"; do
	name=${prog##*/}
	for layout in ${RUN_FORTRAN_LAYOUTS:-1:2 2:3}; do
		ns=${layout%%:*}
		nc=${layout##*:}
		nat=() bfs=()
		if [ $have_romio = 1 ]; then
			nat=("$BFS_TMP/$name-$layout.dat")
			bfs=("benchfs:/$name-$nc")
		fi
		job "$BFS_TMP/native" "$nc" "$prog" "${nat[@]}"
		[ $rc = 0 ] || { cat "$BFS_TMP/native" "$BFS_TMP/native.err"; bad "$name native, $nc ranks: exit $rc"; continue; }
		job "$BFS_TMP/bfs" $((ns + nc)) "$run" --servers "$ns" --data-dir "$BFS_TMP/data-$name-$layout" -- "$prog" "${bfs[@]}"
		[ $rc = 0 ] || { cat "$BFS_TMP/bfs" "$BFS_TMP/bfs.err"; bad "$name under benchfs-run --servers $ns, $((ns + nc)) ranks: exit $rc"; continue; }
		if ! diff <(sort "$BFS_TMP/native") <(sort "$BFS_TMP/bfs"); then
			bad "$name, $ns servers, $nc clients: output differs from the native run (< native, > benchfs-run)"
			continue
		fi
		[ "$(wc -l <"$BFS_TMP/bfs")" = "$nc" ] || bad "$name: $nc lines expected"
		if [ $have_romio = 1 ] && grep -qv "mpiio=1$" "$BFS_TMP/bfs"; then
			bad "$name: MPI-IO on benchfs: did not read back what was written"
		fi
		echo "=== $name, $ns servers, $nc clients: same output as $nc native ranks"
	done
done
[ $failed = 0 ] || fail "$failed checks failed"
echo PASS
