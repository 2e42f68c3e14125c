#!/usr/bin/env bash
# The sanitized build (tests/README.md, "Sanitized build"): BenchFS built a second time with
# AddressSanitizer and UndefinedBehaviorSanitizer (configure --enable-sanitizers) in build-asan/
# (git-ignored), beside the in-tree build of scripts/build.sh, which must be there. Idempotent
# and incremental; scripts/test.sh runs it and then `make check` in build-asan/build.
#
#   build-asan/src    the sources, copied by the in-tree build's `make distdir` (only what the
#                     tarball holds; files keep their times, so a rebuild is incremental). A
#                     VPATH build from the source directory itself is impossible while that
#                     directory holds the in-tree build: configure refuses it ("source directory
#                     already configured"), and make would take the in-tree objects and programs,
#                     found through VPATH, for its own.
#   build-asan/build  the VPATH build: ../src/configure --enable-sanitizers --with-romio=..., ROMIO
#                     from the in-tree build's pristine copy (adio/romio-build/romio.pristine), so
#                     Debian's mpich source is not fetched a second time.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
[ -f Makefile ] || { echo "build-asan: no in-tree build: run scripts/build.sh first" >&2; exit 1; }
mkdir -p build-asan
make -s distdir distdir=build-asan/src >/dev/null
mkdir -p build-asan/build
cd build-asan/build
if [ ! -f Makefile ]; then
	romio=--with-romio
	[ -d "$top/adio/romio-build/romio.pristine" ] && romio=--with-romio=$top/adio/romio-build/romio.pristine
	../src/configure -q --enable-sanitizers "$romio"
fi
make -j"$(nproc)" >/dev/null
echo "build-asan: ok"
