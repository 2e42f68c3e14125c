#!/usr/bin/env bash
# Configure and build BenchFS in the source tree (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure -q
make -j"$(nproc)" >/dev/null
echo "build: ok"
