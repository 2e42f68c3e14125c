#!/bin/bash
# Runs tests/inline_file (see its header comment) with 1, 2 and 3 servers: once as the servers
# come (small files inline), once with BENCHFS_INLINE_MAX=0 (nothing inline: same bytes back).
here=$(dirname "$0")
bash "$here/run-mpi.sh" "$0" "$@" || exit $?
BENCHFS_INLINE_MAX=0 exec bash "$here/run-mpi.sh" "$0" "$@"
