#!/usr/bin/env bash
# Install BenchFS's build and run-time dependencies from Debian's archive (needs root or sudo).
# The ROMIO build (configure --with-romio, see adio/build-romio.sh) unpacks Debian's mpich source
# package: when apt has no deb-src entry, one is added for each Debian archive entry (same URIs,
# suites and components) in /etc/apt/sources.list.d/benchfs-deb-src.{sources,list}.
set -euo pipefail
pkgs=(build-essential autoconf automake libtool pkg-config
      libopenmpi-dev openmpi-bin libucx-dev liburing-dev libhwloc-dev libibverbs-dev
      liblmdb-dev libxxhash-dev libcmocka-dev
      dpkg-dev patch xz-utils # apt-get source mpich, unpack and patch ROMIO
      procps        # pgrep, for the tests
      fio           # tests/posix_fio.sh: fio through libbenchfs-posix.so
      gnuplot-nox   # benchfs-bench --plot
      clang-format  # the style test (skipped without it)
      groff-base    # the man pages' rendering check (tests/tools_options.sh)
      clang libclang-rt-14-dev # libFuzzer harnesses, make fuzz-check (skipped without them)
      gfortran)     # Fortran programs of the benchfs-run test (skipped without it)
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
update=no

# ---- deb-src entries for Debian's archive --------------------------------------------------
apt_lists=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list)
apt_deb822=(/etc/apt/sources.list.d/*.sources)
if ! grep -qsE '^[[:space:]]*deb-src[[:space:]]|^Types:.*[[:space:]]deb-src([[:space:]]|$)' \
	"${apt_lists[@]}" "${apt_deb822[@]}"; then
	# deb822 stanzas (Types: deb, a Debian URI, not disabled) again with Types: deb-src
	stanzas=$(awk 'BEGIN { RS = ""; FS = "\n"; OFS = "\n" }
	{
		types = uris = off = 0
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^Types:/ && $i ~ /[[:space:]]deb([[:space:]]|$)/) types = i
			if ($i ~ /^URIs:/ && tolower($i) ~ /debian/) uris = 1
			if (tolower($i) ~ /^enabled:[[:space:]]*no/) off = 1
		}
		if (!types || !uris || off) next
		$types = "Types: deb-src"
		print $0 "\n"
	}' "${apt_deb822[@]}" 2>/dev/null || true)
	# one-line entries: "deb [options] URI suite components" of a Debian URI
	lines=$(sed -nE 's/^[[:space:]]*deb([[:space:]]+(\[[^]]*\][[:space:]]+)?[^[:space:]]*debian[^[:space:]]*[[:space:]].*)$/deb-src\1/p' \
		"${apt_lists[@]}" 2>/dev/null || true)
	if [ -n "$stanzas" ]; then
		echo "install-deps: adding deb-src entries: /etc/apt/sources.list.d/benchfs-deb-src.sources"
		printf '%s\n' "$stanzas" | $SUDO tee /etc/apt/sources.list.d/benchfs-deb-src.sources >/dev/null
		update=yes
	fi
	if [ -n "$lines" ]; then
		echo "install-deps: adding deb-src entries: /etc/apt/sources.list.d/benchfs-deb-src.list"
		printf '%s\n' "$lines" | $SUDO tee /etc/apt/sources.list.d/benchfs-deb-src.list >/dev/null
		update=yes
	fi
	[ $update = yes ] ||
		echo "install-deps: warning: no Debian archive entry in apt's sources to add deb-src for; the ROMIO build will need one (or configure --with-romio=DIR)"
elif ! apt-get source --print-uris -qq mpich >/dev/null 2>&1; then
	update=yes # deb-src entries without their package lists yet
fi

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ] && [ $update = no ]; then
	echo "install-deps: all ${#pkgs[@]} packages present"
	exit 0
fi
$SUDO apt-get update -q
if [ ${#missing[@]} -gt 0 ]; then
	echo "install-deps: installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi
