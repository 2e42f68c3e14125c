#!/usr/bin/env bash
# build-romio.sh - build ROMIO (MPICH's MPI-IO layer) with the BenchFS ADIO driver into one
# shared library, libbenchfs-romio.so, that programs built against the host MPI (Open MPI) load
# with LD_PRELOAD. Run by `make` (adio/local.mk) when configured --with-romio. Incremental: the
# steps whose inputs did not change are skipped (stamp files), so a second `make` only copies
# changed driver sources and runs ROMIO's own make.
#
#   build-romio.sh --srcdir DIR --builddir DIR --incdir DIR --libdir DIR
#                  [--romio DIR] [--output FILE]
#
#   --srcdir    the BenchFS source tree (adio/: driver, ROMIO patch, Open MPI compatibility files)
#   --builddir  work directory (created): downloads, pristine and patched ROMIO, ROMIO's build
#   --incdir    the directory of benchfs.h
#   --libdir    the directory of libbenchfs.so (libtool's .libs in the build tree)
#   --romio     a ROMIO source tree: the src/mpi/romio directory of an MPICH source, or the MPICH
#               top directory. Absent or empty: Debian's mpich source package (apt-get source,
#               needs a deb-src entry and dpkg-dev)
#   --output    the library to write (default: BUILDDIR/../libbenchfs-romio.so). Its run path is
#               $ORIGIN: libbenchfs.so.0 is looked up next to it, where `make install` puts both;
#               in the build tree a symbolic link libbenchfs.so.0 is made next to it.
#   --cflags    CFLAGS for ROMIO and the driver (default: ROMIO's own, -g -O2); the sanitized
#               build (configure --enable-sanitizers) gives its -fsanitize flags here, and then
#               configure's and make's test programs run without leak checking
#
# Environment: ROMIO_JOBS (make -j, default 2), BENCHFS_ADIO_DRIVER_DIR (driver sources, default
# SRCDIR/adio/ad_benchfs), MPICC (default mpicc), V=1 (show the output of every step).
set -euo pipefail

srcdir= builddir= incdir= libdir= romio= output= cflags=
while [ $# -gt 0 ]; do
	case $1 in
	--srcdir) srcdir=$2 ;;
	--builddir) builddir=$2 ;;
	--incdir) incdir=$2 ;;
	--libdir) libdir=$2 ;;
	--romio) romio=$2 ;;
	--output) output=$2 ;;
	--cflags) cflags=$2 ;;
	*) echo "build-romio.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift 2
done
die() {
	echo "build-romio.sh: error: $*" >&2
	exit 1
}
[ -n "$srcdir" ] && [ -n "$builddir" ] && [ -n "$incdir" ] && [ -n "$libdir" ] ||
	die "usage: build-romio.sh --srcdir DIR --builddir DIR --incdir DIR --libdir DIR [--romio DIR] [--output FILE]"

abspath() { (cd "$1" && pwd -P); }
srcdir=$(abspath "$srcdir")
mkdir -p "$builddir"
B=$(abspath "$builddir")
incdir=$(abspath "$incdir")
libdir=$(abspath "$libdir")
: "${output:=$B/../libbenchfs-romio.so}"
mkdir -p "$(dirname "$output")"
output=$(abspath "$(dirname "$output")")/$(basename "$output")
driver=${BENCHFS_ADIO_DRIVER_DIR:-$srcdir/adio/ad_benchfs}
patchfile=$srcdir/adio/romio-4.0.patch
compat_h=$srcdir/adio/romio_ompi.h
compat_c=$srcdir/adio/romio_ompi.c
jobs=${ROMIO_JOBS:-2}
MPICC=${MPICC:-mpicc}
mkdir -p "$B/log"

say() { echo "  ROMIO    $*"; }
# run LOGNAME CMD...: run a step with its output in $B/log/LOGNAME.log; on failure show its end.
run() {
	local log=$B/log/$1.log
	shift
	if [ "${V:-0}" = 1 ]; then
		"$@" 2>&1 | tee "$log"
		[ "${PIPESTATUS[0]}" -eq 0 ] && return 0
	elif "$@" >"$log" 2>&1; then
		return 0
	fi
	tail -n 40 "$log" >&2
	die "'$*' failed (in $PWD; whole output: $log)"
}
need() { command -v "$1" >/dev/null || die "$1 not found: $2"; }
hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# ---- inputs present? -------------------------------------------------------------------------
need "$MPICC" "install libopenmpi-dev (or set MPICC)"
need patch "apt-get install patch"
need autoreconf "apt-get install autoconf automake libtool"
for f in "$patchfile" "$compat_h" "$compat_c" "$incdir/benchfs.h"; do
	[ -f "$f" ] || die "missing $f"
done
ls "$libdir"/libbenchfs.so >/dev/null 2>&1 || die "no libbenchfs.so in $libdir: build libbenchfs first"
[ -f "$driver/Makefile.mk" ] || die "no ADIO driver in $driver (Makefile.mk missing)"
driver_files=$(grep -o 'adio/ad_benchfs/[A-Za-z0-9_.-]*\.[ch]\b' "$driver/Makefile.mk" | sed 's|.*/||' |
	sort -u | grep -vx 'romio_ompi\.[ch]' || true)
for f in $driver_files; do
	[ -f "$driver/$f" ] || die "the driver's Makefile.mk lists $f, missing in $driver"
done

# ---- 1. pristine ROMIO sources ---------------------------------------------------------------
if [ -n "$romio" ]; then
	[ -d "$romio" ] || die "--with-romio=$romio: no such directory"
	romio=$(abspath "$romio")
	if [ -f "$romio/src/mpi/romio/configure.ac" ]; then
		romio=$romio/src/mpi/romio
	fi
	[ -f "$romio/configure.ac" ] && [ -d "$romio/adio/common" ] ||
		die "--with-romio=$romio is neither a ROMIO tree (configure.ac, adio/) nor an MPICH tree (src/mpi/romio)"
	[ ! -f "$romio/config.status" ] ||
		die "$romio was configured in place (config.status): give a clean source tree"
	origin="dir:$romio"
	romio_desc=$romio
else
	origin="apt:mpich"
	romio_desc="Debian's mpich source package"
fi
if [ "$(cat "$B/stamp-pristine" 2>/dev/null)" != "$origin" ] || [ ! -d "$B/romio.pristine" ]; then
	rm -rf "$B/romio.pristine" "$B/stamp-pristine"
	if [ -n "$romio" ]; then
		say "copying ROMIO from $romio"
		cp -a "$romio" "$B/romio.pristine"
	else
		need apt-get "not a Debian system: configure --with-romio=DIR with an MPICH source tree"
		need dpkg-source "apt-get install dpkg-dev"
		mkdir -p "$B/download"
		cd "$B/download"
		if ! ls mpich_*.dsc >/dev/null 2>&1; then
			say "apt-get source mpich"
			if ! apt-get source --download-only mpich >"$B/log/apt-get-source.log" 2>&1; then
				cat "$B/log/apt-get-source.log" >&2
				if grep -q "deb-src" "$B/log/apt-get-source.log"; then
					die "deb-src lines missing: apt-get source needs a deb-src entry for Debian's archive in /etc/apt/sources.list.d/ (scripts/install-deps.sh adds one, then runs apt-get update); or configure --with-romio=DIR with an MPICH source tree"
				fi
				die "apt-get source mpich failed (run apt-get update after adding deb-src entries; or configure --with-romio=DIR)"
			fi
		fi
		dsc=$(ls mpich_*.dsc | tail -n 1)
		say "unpacking $dsc"
		rm -rf mpich
		run dpkg-source dpkg-source -x "$dsc" mpich
		[ -d mpich/src/mpi/romio ] || die "$dsc has no src/mpi/romio"
		cp -a mpich/src/mpi/romio "$B/romio.pristine"
		rm -rf mpich # 400 MB; the downloaded files stay for the next unpacking
	fi
	echo "$origin" >"$B/stamp-pristine"
fi

# ---- 2. patched copy (autoreconf'd after step 3) --------------------------------------------
S=$B/romio
source_key="$origin $(hash_of "$patchfile")"
if [ "$(cat "$B/stamp-source" 2>/dev/null)" != "$source_key" ] || [ ! -d "$S" ]; then
	rm -rf "$S" "$B/stamp-source" "$B/stamp-configure"
	cp -a "$B/romio.pristine" "$S"
	cd "$S"
	version=$(sed -n 's/^m4_define(\[MPICH_VERSION_m4\],\[\(.*\)\])dnl$/\1/p' version.m4 2>/dev/null || true)
	say "patching the ROMIO of MPICH ${version:-(version unknown)} with $(basename "$patchfile")"
	if ! patch -p1 --forward --batch --no-backup-if-mismatch -r - <"$patchfile" >"$B/log/patch.log" 2>&1; then
		cat "$B/log/patch.log" >&2
		die "$(basename "$patchfile") (written for ROMIO 4.0.2, MPICH 4.0.2) does not apply to the ROMIO of $romio_desc: failed hunks above"
	fi
	fresh=1
fi

# ---- 3. driver sources: copied when changed, so that ROMIO's make rebuilds just them -----------
copy_if_changed() {
	if ! cmp -s "$1" "$2"; then
		cp "$1" "$2"
		say "updated adio/ad_benchfs/$(basename "$2")"
	fi
}
mkdir -p "$S/adio/ad_benchfs"
for f in Makefile.mk $driver_files; do
	copy_if_changed "$driver/$f" "$S/adio/ad_benchfs/$f"
done
copy_if_changed "$compat_h" "$S/adio/ad_benchfs/romio_ompi.h"
copy_if_changed "$compat_c" "$S/adio/ad_benchfs/romio_ompi.c"
if [ -n "${fresh:-}" ]; then
	cd "$S"
	say "autoreconf (log: $B/log/autoreconf.log)"
	run autoreconf autoreconf -if -I confdb
	echo "$source_key" >"$B/stamp-source"
fi

# ---- 4. configure ------------------------------------------------------------------------------
# Open MPI: force-include the compatibility header and define what must precede mpi.h (MPI_File
# is ROMIO's struct ADIOI_FileD) or what configure cannot find out against Open MPI.
cppflags="-I$incdir"
if printf '#include <mpi.h>\nOPEN_MPI\n' | "$MPICC" -E -P -x c - 2>/dev/null | grep -qx '1'; then
	host_mpi="Open MPI"
	cppflags="-include $S/adio/ad_benchfs/romio_ompi.h -Dompi_file_t=ADIOI_FileD -DMPI_FILE_DEFINED"
	cppflags+=" -DMPIIMPL_HAVE_MPI_COMBINER_DUP -DMPIIMPL_HAVE_MPI_COMBINER_SUBARRAY"
	cppflags+=" -DMPIIMPL_HAVE_MPI_COMBINER_DARRAY -DHAVE_MPI_STATUS_SET_ELEMENTS_X=1"
	cppflags+=" -DHAVE_STATUS_SET_BYTES=1 -DHAVE_MPI_TYPE_SIZE_X=1 -I$incdir"
else
	host_mpi="not Open MPI (untested)"
fi
conf_args=(CC="$MPICC" --with-mpi-impl=generic --with-file-system=ufs+testfs+benchfs
	--disable-f77 --disable-f90 --disable-static --disable-aio --prefix="$B/unused-prefix"
	CPPFLAGS="$cppflags")
if [ -n "$cflags" ]; then
	conf_args+=(CFLAGS="$cflags")
	case $cflags in *-fsanitize=*address*) export ASAN_OPTIONS=detect_leaks=0 ;; esac
fi
conf_key="$source_key $(command -v "$MPICC") $("$MPICC" --version 2>&1 | head -n 1) ${conf_args[*]}"
O=$B/build
if [ "$(cat "$B/stamp-configure" 2>/dev/null)" != "$conf_key" ] || [ ! -f "$O/Makefile" ]; then
	rm -rf "$O" "$B/stamp-configure"
	mkdir -p "$O"
	cd "$O"
	say "configure for $host_mpi (half a minute or more; log: $B/log/configure.log)"
	t0=$(date +%s)
	run configure "$S/configure" "${conf_args[@]}"
	say "configure took $(($(date +%s) - t0)) s"
	echo "$conf_key" >"$B/stamp-configure"
fi

# ---- 5. make -----------------------------------------------------------------------------------
# libbenchfs and the library's run path are given to make only, for libromio only: configure's
# test programs must not depend on libbenchfs.so, and make would take $ORIGIN for one of its own
# variables. ROMIO's make is independent of an enclosing make (its jobs, its variables).
# libbenchfs is linked from a directory of its own: given libtool's .libs, libtool would take
# libbenchfs.la from there and write the build tree into the library's run path.
soname=$(readelf -d "$libdir/libbenchfs.so" 2>/dev/null | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
soname=${soname:-libbenchfs.so.0}
mkdir -p "$B/link"
copy_if_changed "$libdir/$soname" "$B/link/libbenchfs.so" >/dev/null
cd "$O"
t0=$(date +%s)
run make env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -j"$jobs" V=1 \
	'libromio_la_LIBADD=$(external_libs) -L'"$B/link"' -lbenchfs -ldl' \
	'libromio_la_LDFLAGS=$(external_ldflags) -Wl,-rpath,\$$ORIGIN -Wl,-z,defs'
dt=$(($(date +%s) - t0))
if [ $dt -ge 5 ]; then say "make took $dt s"; fi
lib=$(ls "$O"/.libs/libromio.so.*.*.* 2>/dev/null | head -n 1 || true)
[ -n "$lib" ] || die "ROMIO's make produced no .libs/libromio.so.X.Y.Z in $O"

# ---- 6. the library, and libbenchfs.so.0 next to it in the build tree -------------------------
if ! cmp -s "$lib" "$output"; then
	cp "$lib" "$output.tmp"
	mv -f "$output.tmp" "$output"
	say "wrote $output"
fi
outdir=$(dirname "$output")
if [ "$(abspath "$libdir")" != "$outdir" ]; then
	ln -sfn "$(realpath --relative-to="$outdir" "$libdir/$soname")" "$outdir/$soname"
fi
