#!/bin/bash
# Runs tests/ns_async (see its header comment) with 1, 2 and 3 servers.
exec bash "$(dirname "$0")/run-mpi.sh" "$0" "$@"
