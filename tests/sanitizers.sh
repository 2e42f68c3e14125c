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
# the defaults below; include_if_exists and log_path are always added.
#   halt_on_error=1, exitcode=1  the first finding ends the process with status 1 (UBSan
#                                findings abort anyway: -fno-sanitize-recover=undefined)
#   detect_leaks=0, and =1 for the unit test itself and the programs in $leak_checked below
#                                (include_if_exists=DIR/%b: an options file per program name).
#                                Those never start MPI. The others do (or are bash, mpirun,
#                                ...): Open MPI leaks at exit by design, some 30 leaks per
#                                process, and no suppression can name them: most were allocated
#                                in its components, which MPI_Finalize has unloaded by then
#                                ("<unknown module>" frames), and the fast unwinder ends their
#                                stacks after a frame or two (Open MPI is built without frame
#                                pointers); the full unwinder (fast_unwind_on_malloc=0) would
#                                slow every malloc. Third-party leaks in the checked programs:
#                                tests/lsan.supp (LSAN_OPTIONS)
#   print_stacktrace=1           UBSan reports with their stacks
#   log_exe_name=1               report files named after the program: asan.benchfsd.PID
# Environment from make check: top_srcdir (tests/lsan.supp).
set -u
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
[ $# -gt 0 ] || { echo "usage: sanitizers.sh TEST [ARGS...]" >&2; exit 99; }

# the programs that never start MPI, checked for leaks (a unit test is, too)
leak_checked="attach_client malformed_request benchfs-shutdown benchfs-run"

dir=$(mktemp -d "${TMPDIR:-/tmp}/bfs-san.XXXXXX") || exit 99
mkdir "$dir/reports" "$dir/options" || exit 99
[ "$1" = bash ] || leak_checked="$leak_checked $(basename "$1")"
for p in $leak_checked; do
	echo "detect_leaks=1" >"$dir/options/$p"
done
: "${ASAN_OPTIONS=halt_on_error=1:exitcode=1:detect_leaks=0}"
: "${UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1}"
: "${LSAN_OPTIONS=suppressions=$top_srcdir/tests/lsan.supp:print_suppressions=0}"
export LSAN_OPTIONS
export ASAN_OPTIONS="$ASAN_OPTIONS:include_if_exists=$dir/options/%b:log_path=$dir/reports/asan:log_exe_name=1"
export UBSAN_OPTIONS="$UBSAN_OPTIONS:log_path=$dir/reports/ubsan:log_exe_name=1"

"$@"
rc=$?

reports=$(find "$dir/reports" -type f -size +0 | sort)
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
