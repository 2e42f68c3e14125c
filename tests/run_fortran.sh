#!/bin/bash
# run_fortran - benchfs-run: an unmodified Fortran MPI program sees a world without the servers.
# tests/run_fortran (`use mpi`), tests/run_fortran_f08 (`use mpi_f08`) and
# tests/run_fortran_mpifh (`include 'mpif.h'`), one source tests/run_fortran.f90 (world size, rank and name, a dup compared with the world, allreduce,
# bcast and a ring exchange on MPI_COMM_WORLD, MPI_Comm_split, the MPI_TAG_UB attribute, MPI-IO
# with MPI_File_open / write_at_all / read_at_all / close), run natively with M ranks and under
# `benchfs-run --servers N` with N+M ranks; the sorted outputs must be equal. MPI-IO goes to a
# local file natively and to "benchfs:/..." under benchfs-run (only when adio/libbenchfs-romio.so
# was built; otherwise both runs leave MPI-IO out).
#
# Skips (77) when configure found no working MPI Fortran compiler (mpifort without gfortran);
# a program that configure could not build (no mpi_f08 module, no mpif.h) is left out, with a
# NOTE.
#
# Environment: RUN_FORTRAN_LAYOUTS ("SERVERS:CLIENTS ...", default "1:2 2:3"),
# BFS_TEST_TIMEOUT (seconds per mpirun).
. "$(dirname "$0")/common.sh"

progs=()
for p in run_fortran run_fortran_f08 run_fortran_mpifh; do
	if [ -x "$top_builddir/tests/$p" ]; then
		progs+=("$top_builddir/tests/$p")
	else
		echo "NOTE: tests/$p not built (see configure's MPI Fortran checks)"
	fi
done
if [ ${#progs[@]} = 0 ]; then
	echo "SKIP: no Fortran test programs: configure found no MPI Fortran compiler that builds" \
		"programs with the mpi module (Open MPI's mpifort needs gfortran: apt-get install" \
		"gfortran, then configure again)"
	exit 77
fi
bfs_need_run

bfs_tmpdir
trap 'rm -rf "$BFS_TMP"' EXIT
failed=0

for prog in "${progs[@]}"; do
	name=${prog##*/}
	for layout in ${RUN_FORTRAN_LAYOUTS:-1:2 2:3}; do
		ns=${layout%%:*}
		nc=${layout##*:}
		nat=() bfs=()
		if [ $have_romio = 1 ]; then
			nat=("$BFS_TMP/native-$name-$layout.dat")
			bfs=("benchfs:/$name-$nc")
		fi
		echo "=== $name: $ns servers, $nc clients"
		job "$BFS_TMP/native" "$nc" "$prog" "${nat[@]}"
		if [ $rc != 0 ]; then
			cat "$BFS_TMP/native" "$BFS_TMP/native.err"
			bad "$name native, $nc ranks: exit $rc"
			continue
		fi
		data=$BFS_TMP/data-$name-$ns-$nc
		job "$BFS_TMP/bfs" $((ns + nc)) "$run" --servers "$ns" --data-dir "$data" -- \
			"$prog" "${bfs[@]}"
		if [ $rc != 0 ]; then
			cat "$BFS_TMP/bfs" "$BFS_TMP/bfs.err"
			bad "$name under benchfs-run --servers $ns, $((ns + nc)) ranks: exit $rc"
			continue
		fi
		if ! diff <(sort "$BFS_TMP/native") <(sort "$BFS_TMP/bfs"); then
			bad "$name, $ns servers, $nc clients: output differs from the native run" \
				"(< native, > benchfs-run)"
			continue
		fi
		for ((i = 0; i < ns; i++)); do
			[ -d "$data/server-$i" ] || bad "$name, $ns servers: no $data/server-$i"
		done
		# one world line per client rank: the program ran to its checks
		[ "$(grep -c ": world name=MPI_COMM_WORLD" "$BFS_TMP/bfs")" = "$nc" ] ||
			bad "$name: not $nc world lines"
		# every client rank wrote and read back its part of the file
		if [ $have_romio = 1 ] && [ "$(grep -c "mpiio PASS" "$BFS_TMP/bfs")" != "$nc" ]; then
			bad "$name: not $nc MPI-IO PASS lines"
		fi
		echo "=== $name: $ns servers, $nc clients: same $(wc -l <"$BFS_TMP/bfs") lines as" \
			"$nc native ranks"
	done
done

[ $failed = 0 ] || fail "$failed checks failed"
echo "PASS"
exit 0
