#!/bin/bash
# Runs tests/io_listio (see its header comment) with 1, 2 and 3 servers.
exec bash "$(dirname "$0")/run-mpi.sh" "$0" "$@"
