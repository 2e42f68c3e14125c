#!/usr/bin/env bash
# The whole test suite: install dependencies, build, run `make check` (unit tests and MPI
# integration tests on localhost), and print one summary line "tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh || exit 1
bash scripts/build.sh || exit 1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
make -j1 check
rc=$?
for log in tests/unit/*.log tests/*.log; do
	case "$log" in *test-suite.log) continue ;; esac
	[ -f "$log" ] && grep -q "^FAIL\|^ERROR" "${log%.log}.trs" 2>/dev/null && { echo "==== $log"; tail -40 "$log"; }
done
count() { grep -h "^:test-result: $1" tests/unit/*.trs tests/*.trs 2>/dev/null | wc -l; }
pass=$(count PASS); fail=$(( $(count FAIL) + $(count ERROR) + $(count XPASS) )); skip=$(count SKIP)
[ "$rc" -ne 0 ] && [ "$fail" -eq 0 ] && fail=1 # make itself failed (build of a test, ...)
echo "tests: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
