#!/usr/bin/env bash
# Configure and build BenchFS in the source tree (idempotent), with ROMIO and the BenchFS ADIO
# driver (adio/libbenchfs-romio.so; the first build fetches Debian's mpich source package).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure -q --with-romio
make -j"$(nproc)" >/dev/null
echo "build: ok"
