#!/bin/sh
# find-mpi-h.sh CC - print the path of the mpi.h that the MPI compiler CC compiles with.
# Open MPI's wrapper says where its headers are (-showme:incdirs); for any other compiler, a
# probe is preprocessed and the header's path read from the line markers. POSIX sh.
set -e
[ $# -eq 1 ] || { echo "usage: $0 CC" >&2; exit 2; }
for d in $($1 -showme:incdirs 2>/dev/null); do
	[ -f "$d/mpi.h" ] && { echo "$d/mpi.h"; exit 0; }
done
h=$(printf '#include <mpi.h>\n' | $1 -E -x c - 2>/dev/null |
	sed -n 's/^# *[0-9][0-9]* "\(.*\/mpi\.h\)".*/\1/p' | head -n 1)
[ -n "$h" ] && [ -f "$h" ] && { echo "$h"; exit 0; }
echo "find-mpi-h.sh: cannot find the mpi.h that $1 uses" >&2
exit 1
