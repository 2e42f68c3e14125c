#!/bin/bash
# sanitizers.sh TEST [ARGS...] - how `make check` runs each test in a build configured
# --enable-sanitizers (LOG_COMPILER and SH_LOG_COMPILER, Makefile.am and tests/local.mk): TEST
# runs with every AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer report of every
# process it starts written into a directory of its own (log_path), and fails (exit 1) when any
# report is there, which it then prints. So a finding fails the test even in a process whose
# exit status the test does not see or expects to be non-zero (a benchfsd in the background, a
# client that must fail, a server killed on purpose).
#
# Options (tests/README.md, "Sanitized build"): ASAN_OPTIONS and UBSAN_OPTIONS as given, else
# the defaults below; log_path is always added.
#   halt_on_error=1, exitcode=1  the first finding ends the process with status 1 (UBSan
#                                findings abort anyway: -fno-sanitize-recover=undefined)
#   detect_leaks=1               leaks are findings, in the processes the tests start directly:
#                                unit tests, attach_client, malformed_request, benchfs-shutdown;
#                                third-party leaks suppressed in tests/lsan.supp (LSAN_OPTIONS).
#                                tests/common.sh turns leak checking off (detect_leaks=0) in the
#                                processes mpirun starts: Open MPI leaks at exit by design, and
#                                its leaks cannot be suppressed by name (see there)
#   print_stacktrace=1           UBSan reports with their stacks
#   log_exe_name=1               report files named after the program: asan.benchfsd.PID
# Environment from make check: top_srcdir (tests/lsan.supp).
set -u
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
[ $# -gt 0 ] || { echo "usage: sanitizers.sh TEST [ARGS...]" >&2; exit 99; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/bfs-san.XXXXXX") || exit 99
: "${ASAN_OPTIONS=halt_on_error=1:exitcode=1:detect_leaks=1}"
: "${UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1}"
: "${LSAN_OPTIONS=suppressions=$top_srcdir/tests/lsan.supp:print_suppressions=0}"
export LSAN_OPTIONS
export ASAN_OPTIONS="$ASAN_OPTIONS:log_path=$dir/asan:log_exe_name=1"
export UBSAN_OPTIONS="$UBSAN_OPTIONS:log_path=$dir/ubsan:log_exe_name=1"

"$@"
rc=$?

reports=$(find "$dir" -type f -size +0 | sort)
if [ -n "$reports" ]; then
	n=$(echo "$reports" | wc -l)
	echo "sanitizers.sh: $n sanitizer report(s) from processes of $(basename "$1") (exit $rc):"
	for f in $reports; do
		echo "==== sanitizer report: $(basename "$f")"
		cat "$f"
	done
	rc=1
fi
rm -rf "$dir"
exit $rc
