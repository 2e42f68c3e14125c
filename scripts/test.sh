#!/usr/bin/env bash
# The whole test suite: install dependencies, build, run `make check` (unit tests and MPI
# integration tests on localhost) and `make fuzz-check` (bounded libFuzzer runs), and print one
# summary line "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh || exit 1
bash scripts/build.sh || exit 1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
make -j1 check
rc=$?
# then each libFuzzer harness for a bounded time (BFS_FUZZ_SECONDS, default 30 s; tests/fuzz):
# one result each in tests/fuzz/*.trs, skips when configure found no clang with libFuzzer
rm -f tests/fuzz/*.trs
make fuzz-check
frc=$?
for log in tests/unit/*.log tests/*.log tests/fuzz/*.log; do
	case "$log" in *test-suite.log) continue ;; esac
	[ -f "$log" ] && grep -q "^FAIL\|^ERROR" "${log%.log}.trs" 2>/dev/null && { echo "==== $log"; tail -40 "$log"; }
done
count() { grep -h "^:test-result: $1" $2 2>/dev/null | wc -l; }
fails() { echo $(( $(count FAIL "$1") + $(count ERROR "$1") + $(count XPASS "$1") )); }
trs="tests/unit/*.trs tests/*.trs tests/fuzz/*.trs"
pass=$(count PASS "$trs"); fail=$(fails "$trs"); skip=$(count SKIP "$trs")
[ "$rc" -ne 0 ] && [ "$(fails "tests/unit/*.trs tests/*.trs")" -eq 0 ] && fail=$((fail + 1)) # make itself failed (build of a test, ...)
[ "$frc" -ne 0 ] && [ "$(fails "tests/fuzz/*.trs")" -eq 0 ] && fail=$((fail + 1)) # a harness did not build
echo "tests: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
