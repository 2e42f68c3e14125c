#!/bin/bash
# style - every C source and header of the project follows .clang-format (one style). Skipped
# when clang-format is not installed or the tree is not a git checkout.
. "$(dirname "$0")/common.sh"
command -v clang-format >/dev/null || { echo "SKIP: no clang-format"; exit 77; }
cd "$top_srcdir" && git rev-parse --git-dir >/dev/null 2>&1 || { echo "SKIP: not a git checkout"; exit 77; }
[ -n "$(git ls-files '*.c' '*.h')" ] ||
	{ echo "SKIP: no C file tracked in $top_srcdir (a copy of the sources, as the sanitized build's)"; exit 77; }
bad=0
for f in $(git ls-files '*.c' '*.h'); do
	if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "FAIL: $f is not clang-formatted (clang-format -i $f)"
		bad=1
	fi
done
[ $bad = 0 ] && echo "PASS: $(git ls-files '*.c' '*.h' | wc -l) files follow .clang-format"
exit $bad
