#!/bin/bash
# style - one style and one layering over the project's C files:
#  - layering: no file includes a header of a higher layer (docs/DESIGN.md, "Layers and
#    folders"). From low to high: include/ (public headers: system headers and other include/
#    headers only), src/common, src/net, src/server and src/client (one level: neither includes
#    the other), src/mpi, src/run and src/posix (one level, the same), src/benchfsd.c and
#    src/benchfs-shutdown.c. A file may include headers of its own folder and of lower layers.
#  - clang-format: every C source and header follows .clang-format.
# Skipped when the tree is not a git checkout; the clang-format half is skipped when clang-format
# is not installed.
. "$(dirname "$0")/common.sh"
cd "$top_srcdir" && git rev-parse --git-dir >/dev/null 2>&1 || { echo "SKIP: not a git checkout"; exit 77; }
[ -n "$(git ls-files '*.c' '*.h')" ] ||
	{ echo "SKIP: no C file tracked in $top_srcdir (a copy of the sources, as the sanitized build's)"; exit 77; }
bad=0

# layer_of FILE - the layer of a tracked file, by its folder ("" outside include/ and src/)
layer_of() {
	case $1 in
	include/*) echo include ;;
	src/common/*) echo common ;;
	src/net/*) echo net ;;
	src/server/*) echo server ;;
	src/client/*) echo client ;;
	src/mpi/*) echo mpi ;;
	src/run/*) echo run ;;
	src/posix/*) echo posix ;;
	src/benchfsd.c | src/benchfs-shutdown.c) echo top ;;
	*) echo "" ;;
	esac
}
# rank_of LAYER - its height; layers of one height may not include each other
rank_of() {
	case $1 in
	include) echo 0 ;; common) echo 1 ;; net) echo 2 ;; server | client) echo 3 ;; mpi) echo 4 ;;
	run | posix) echo 5 ;; top) echo 6 ;;
	esac
}
nlayer=0
for f in $(git ls-files 'include/*.h' 'src/*.c' 'src/*.h'); do
	own=$(layer_of "$f")
	if [ -z "$own" ]; then
		echo "FAIL: $f is in no layer (add its folder to layer_of in tests/style.sh and docs/DESIGN.md)"
		bad=1
		continue
	fi
	nlayer=$((nlayer + 1))
	# "#include "x/y.h"" and "#include <x/y.h>": line number, delimiter, header
	while IFS=' ' read -r line delim h; do
		case $h in
		common/* | net/* | server/* | client/* | mpi/* | run/* | posix/*) to=${h%%/*} ;;
		*)
			if [ -f "include/$h" ]; then
				to=include
			elif [ "$delim" = '<' ]; then
				continue # a system header
			elif [ "$own" != include ] && [ -f "$(dirname "$f")/$h" ]; then
				to=$own # a header beside the file
			else
				echo "FAIL: $f:$line includes \"$h\", which is no header of include/ or src/"
				bad=1
				continue
			fi
			;;
		esac
		[ "$to" = "$own" ] && continue
		if [ "$(rank_of "$to")" -ge "$(rank_of "$own")" ]; then
			echo "FAIL: $f:$line includes $h: $own/ may not include $to/ headers (a layer not below it)"
			bad=1
		fi
	done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' "$f" |
		sed -E 's/^([0-9]+):[[:space:]]*#[[:space:]]*include[[:space:]]*([<"])([^>"]+)[>"].*/\1 \2 \3/')
done
[ $bad = 0 ] && echo "PASS: $nlayer files include no header of a higher layer"

if ! command -v clang-format >/dev/null; then
	[ $bad = 0 ] || exit 1
	echo "SKIP: no clang-format"
	exit 77
fi
fmt_bad=0
for f in $(git ls-files '*.c' '*.h'); do
	if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "FAIL: $f is not clang-formatted (clang-format -i $f)"
		fmt_bad=1
	fi
done
[ $fmt_bad = 0 ] && echo "PASS: $(git ls-files '*.c' '*.h' | wc -l) files follow .clang-format"
[ $bad = 0 ] && [ $fmt_bad = 0 ]
