#!/bin/bash
# run.sh NAME... - bounded libFuzzer runs of the harnesses tests/fuzz/fuzz_NAME (`make
# fuzz-check`). Each runs for BFS_FUZZ_SECONDS (default 30) on a copy of its seed corpus
# tests/fuzz/corpus/NAME (the committed one is never changed), and passes when libFuzzer ends
# without a finding: a crash, a sanitizer report, a leak, a timeout of one input (25 s) or an
# out-of-memory are failures, and the reproducer libFuzzer saved is named. Per harness it writes
# tests/fuzz/fuzz_NAME.log (libFuzzer's output) and tests/fuzz/fuzz_NAME.trs (automake's result
# format, counted by scripts/test.sh). Work files: tests/fuzz/run/ (corpus copies, findings).
# BFS_FUZZ_SKIP=REASON: record every harness as skipped (no working clang with libFuzzer).
# BFS_FUZZ_ARGS: more libFuzzer options for every run. Exit 1 when a harness failed.
set -u
src=${top_srcdir:-.}
build=${top_builddir:-.}
secs=${BFS_FUZZ_SECONDS:-30}
work=$build/tests/fuzz/run
failed=0

# result NAME RESULT TEXT - print "RESULT: fuzz_NAME: TEXT" and write fuzz_NAME.trs
result() {
	echo "$2: fuzz_$1${3:+: $3}"
	printf ':test-result: %s\n:global-test-result: %s\n:recheck: %s\n:copy-in-global-log: %s\n' \
		"$2" "$2" "$([ "$2" = FAIL ] && echo yes || echo no)" \
		"$([ "$2" = FAIL ] && echo yes || echo no)" >"$build/tests/fuzz/fuzz_$1.trs"
}

mkdir -p "$build/tests/fuzz"
if [ -n "${BFS_FUZZ_SKIP:-}" ]; then
	for name; do
		echo "SKIP: $BFS_FUZZ_SKIP" >"$build/tests/fuzz/fuzz_$name.log"
		result "$name" SKIP "$BFS_FUZZ_SKIP"
	done
	exit 0
fi
rm -rf "$work"
mkdir -p "$work/corpus" "$work/findings"
for name; do
	prog=$build/tests/fuzz/fuzz_$name
	log=$build/tests/fuzz/fuzz_$name.log
	corpus=$work/corpus/$name
	if [ -d "$src/tests/fuzz/corpus/$name" ]; then
		cp -R "$src/tests/fuzz/corpus/$name" "$corpus"
	else
		mkdir -p "$corpus"
	fi
	seeds=$(find "$corpus" -type f | wc -l)
	# shellcheck disable=SC2086 # BFS_FUZZ_ARGS: several options
	timeout $((secs + 300)) "$prog" -max_total_time="$secs" -timeout=25 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$work/findings/$name-" ${BFS_FUZZ_ARGS:-} \
		"$corpus" >"$log" 2>&1
	rc=$?
	found=$(find "$work/findings" -name "$name-*" -type f | head -1)
	if [ $rc -eq 0 ] && [ -z "$found" ]; then
		done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
		execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log" | tail -1)
		rate=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+)/\1/p' "$log" | tail -1)
		cov=$(sed -nE 's/.*cov: ([0-9]+) ft: ([0-9]+) corp: ([0-9]+\/[^ ]+).*/cov \1 ft \2 corpus \3/p' \
			<<<"$done_line")
		result "$name" PASS "${secs} s, ${execs:-?} execs (${rate:-?}/s), ${cov:-no DONE line}, $seeds seeds"
		continue
	fi
	failed=1
	echo "---- fuzz_$name: libFuzzer's report (all of it in $log)"
	grep -E 'ERROR:|SUMMARY:|fuzz: .*check failed|^    #[0-9]+ ' "$log" |
		grep -v 'fuzzer::\|libc_start\| in _start \| in main ' | head -30
	if [ -n "$found" ]; then
		[ "$(stat -c %s "$found")" -le 4096 ] && echo "reproducer (base64): $(base64 -w0 "$found")"
		result "$name" FAIL "finding; reproducer: $found (run: $prog $found)"
	else
		result "$name" FAIL "libFuzzer exited with $rc and saved no input (see $log)"
	fi
done
exit $failed
