#!/usr/bin/env bash
# The whole test suite: install dependencies, build, run `make check` (unit tests and MPI
# integration tests on localhost) and `make fuzz-check` (bounded libFuzzer runs, tests/fuzz);
# then build again with AddressSanitizer and UndefinedBehaviorSanitizer (scripts/build-asan.sh:
# build-asan/) and run `make check` there, where any sanitizer finding fails its test
# (tests/sanitizers.sh). Prints each part's summary with its time, then one line for all:
# "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh || exit 1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1

pass=0 fail=0 skip=0
summaries=()
# check NAME DIR T0 BUILD_RC: `make check` in build DIR (unless its build failed), the logs of
# failed tests, and the counts; adds them to the totals. T0: $SECONDS when the build began.
check() {
	local name=$1 dir=$2 t0=$3 rc=$4 log p f s
	if [ "$rc" -eq 0 ]; then
		(cd "$dir" && make -j1 check)
		rc=$?
	fi
	for log in "$dir"/tests/unit/*.log "$dir"/tests/*.log; do
		case "$log" in *test-suite.log) continue ;; esac
		[ -f "$log" ] && grep -q "^:test-result: \(FAIL\|ERROR\|XPASS\)" "${log%.log}.trs" 2>/dev/null ||
			continue
		echo "==== $name: $log"
		# a sanitizer's reports (tests/sanitizers.sh prints them last) whole, else the end
		if grep -q "^sanitizers.sh: " "$log"; then
			sed '/^sanitizers.sh: /,$d' "$log" | tail -20
			sed -n '/^sanitizers.sh: /,$p' "$log" | head -400
		else
			tail -40 "$log"
		fi
	done
	count() { cat "$dir"/tests/unit/*.trs "$dir"/tests/*.trs 2>/dev/null | grep -c "^:test-result: $1"; }
	p=$(count PASS)
	f=$(($(count FAIL) + $(count ERROR) + $(count XPASS)))
	s=$(count SKIP)
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1 # make itself failed (build of a test, ...)
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	summaries+=("$name: $p passed, $f failed, $s skipped; build and check $((SECONDS - t0)) s")
}

t0=$SECONDS
bash scripts/build.sh || exit 1
check "normal build" . "$t0" 0

# each libFuzzer harness for a bounded time (BFS_FUZZ_SECONDS, default 30 s): one result each
# in tests/fuzz/*.trs; skipped when configure found no clang with libFuzzer
t0=$SECONDS
rm -f tests/fuzz/*.trs
make fuzz-check
frc=$?
for log in tests/fuzz/*.log; do
	[ -f "$log" ] && grep -q "^:test-result: FAIL" "${log%.log}.trs" 2>/dev/null &&
		{ echo "==== fuzzing: $log"; tail -40 "$log"; }
done
fcount() { cat tests/fuzz/*.trs 2>/dev/null | grep -c "^:test-result: $1"; }
p=$(fcount PASS) f=$(($(fcount FAIL) + $(fcount ERROR))) s=$(fcount SKIP)
[ "$frc" -ne 0 ] && [ "$f" -eq 0 ] && f=1 # a harness did not build
pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
summaries+=("fuzzing: $p passed, $f failed, $s skipped; $((SECONDS - t0)) s")

t0=$SECONDS
bash scripts/build-asan.sh
check "sanitized build (build-asan/build)" build-asan/build "$t0" $?

printf '%s\n' "${summaries[@]}"
echo "tests: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
