#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install, idempotently, every Debian package that the build, the tests,
# the demo and the benchmarks need, then the build root of the newest
# kernel (scripts/kroot.sh).  apt-get update runs only when a package is
# missing and the package lists are empty or an install fails.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)

pkgs=(
	# build
	gcc make libc6-dev pkg-config sparse bc flex bison
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	# the newest kernel's build root (Debian 13 + trixie-backports)
	mmdebstrap
	libnl-3-dev libnl-genl-3-dev libibverbs-dev
	# host unit tests, sanitizers, fuzzers; the netlink code generator
	# (tools/net/ynl of the kernel source) and its check
	python3 python3-yaml python3-jsonschema linux-source-6.12
	clang llvm libclang-rt-14-dev
	# VM harness
	qemu-system-x86 busybox-static cpio kmod iproute2 zstd xz-utils
	rdma-core ibverbs-providers ibverbs-utils perftest
	ucx-utils libucx0
	# benchmarks
	gnuplot-nox
)

missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exec "$top/scripts/kroot.sh"
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "tbib: missing packages: ${missing[*]}" >&2
	echo "tbib: run 'make deps' as root (it uses apt-get)" >&2
	exit 1
fi

echo "tbib: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
install() {
	apt-get install -y -q --no-install-recommends "${missing[@]}"
}
if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then
	apt-get update -q
	install
elif ! install; then
	apt-get update -q
	install
fi
"$top/scripts/kroot.sh"
