#!/usr/bin/env bash
# Install BenchFS's build and run-time dependencies from Debian's archive (needs root or sudo).
set -euo pipefail
pkgs=(build-essential autoconf automake libtool pkg-config
      libopenmpi-dev openmpi-bin libucx-dev liburing-dev libhwloc-dev libibverbs-dev
      liblmdb-dev libxxhash-dev libcmocka-dev
      procps) # pgrep, for the tests
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#pkgs[@]} packages present"
	exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
