#!/bin/sh
# gen-table.sh MPI_H > functions.tsv (benchfs-run: src/run/local.mk)
# List every MPI_* C function declared in MPI_H that takes a communicator, one per line:
#   ret <TAB> name <TAB> params <TAB> comm_in <TAB> comm_ptr <TAB> comm_array <TAB> flags
# params:     the parameter list as declared, whitespace squeezed ("void" if none)
# comm_in:    by-value MPI_Comm parameters (to be mapped), comma separated, "-" if none
# comm_ptr:   MPI_Comm * parameters (outputs, or in/out for *_free / *_disconnect), "-" if none
# comm_array: MPI_Comm name[] parameters, "-" if none
# flags:      "removed" for declarations inside an MPI-1 compatibility #if block,
#             "ret-comm" when the function returns an MPI_Comm, else "-"
# POSIX sh + awk only. Works on the raw header (no preprocessing).
set -e
[ $# -eq 1 ] || { echo "usage: $0 path/to/mpi.h" >&2; exit 2; }
exec awk '
function trim(s) { gsub(/[ \t]+/, " ", s); sub(/^ /, "", s); sub(/ $/, "", s); return s }
# name of a parameter: last identifier, after dropping array brackets
function pname(p,   q) {
	q = p; gsub(/\[[^]]*\]/, "", q); sub(/[ \t*]+$/, "", q)
	if (match(q, /[A-Za-z_][A-Za-z0-9_]*$/)) return substr(q, RSTART, RLENGTH)
	return ""
}
function flush(   decl, head, ret, name, plist, n, i, c, depth, cur, params, np, p, cin, cptr, carr, flags, nm) {
	decl = acc; acc = ""; collecting = 0
	# head = everything before the first "("
	i = index(decl, "("); head = substr(decl, 1, i - 1); rest = substr(decl, i + 1)
	# the matching ")" of the parameter list
	depth = 1; plist = ""
	for (c = 1; c <= length(rest); c++) {
		ch = substr(rest, c, 1)
		if (ch == "(") depth++
		else if (ch == ")") { depth--; if (depth == 0) break }
		plist = plist ch
	}
	head = trim(head); sub(/^OMPI_DECLSPEC /, "", head); sub(/^extern /, "", head)
	if (!match(head, /MPI_[A-Za-z0-9_]+$/)) return
	name = substr(head, RSTART, RLENGTH); ret = trim(substr(head, 1, RSTART - 1))
	if (name in seen) return
	plist = trim(plist)
	# split parameters on commas at paren depth 0
	np = 0; cur = ""; depth = 0
	for (c = 1; c <= length(plist); c++) {
		ch = substr(plist, c, 1)
		if (ch == "(") depth++
		if (ch == ")") depth--
		if (ch == "," && depth == 0) { params[++np] = trim(cur); cur = ""; continue }
		cur = cur ch
	}
	if (trim(cur) != "") params[++np] = trim(cur)
	cin = ""; cptr = ""; carr = ""
	for (i = 1; i <= np; i++) {
		p = params[i]
		if (p !~ /(^|[^A-Za-z0-9_])MPI_Comm([^A-Za-z0-9_]|$)/) continue
		if (p ~ /\(/) continue                      # function pointer: not a communicator
		nm = pname(p)
		if (p ~ /\[/) carr = carr (carr == "" ? "" : ",") nm
		else if (p ~ /\*/) cptr = cptr (cptr == "" ? "" : ",") nm
		else cin = cin (cin == "" ? "" : ",") nm
	}
	flags = ""
	if (compat_depth > 0) flags = "removed"
	if (ret == "MPI_Comm") flags = flags (flags == "" ? "" : ",") "ret-comm"
	if (cin == "" && cptr == "" && carr == "" && ret != "MPI_Comm") return
	seen[name] = 1
	printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", ret, name, plist, \
	       cin == "" ? "-" : cin, cptr == "" ? "-" : cptr, carr == "" ? "-" : carr, \
	       flags == "" ? "-" : flags
}
# preprocessor conditionals: remember whether we are inside an MPI-1 compat block
/^[ \t]*#[ \t]*if/ {
	lvl++; iscompat[lvl] = ($0 ~ /MPI1_COMPAT/)
	if (iscompat[lvl]) compat_depth++
	next
}
/^[ \t]*#[ \t]*endif/ { if (iscompat[lvl]) compat_depth--; lvl--; next }
/^[ \t]*#/ { next }
collecting {
	acc = acc " " $0
	if (acc ~ /;/) flush()
	next
}
# a declaration of an MPI_ (not PMPI_) function starts on this line
/^[ \t]*(OMPI_DECLSPEC[ \t]+)?(extern[ \t]+)?[A-Za-z_][A-Za-z0-9_ ]*[ \t*]+MPI_[A-Z][A-Za-z0-9_]*[ \t]*\(/ {
	if ($0 ~ /typedef/) next
	acc = $0; collecting = 1
	if (acc ~ /;/) flush()
	next
}
' "$1"
