#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Set up, idempotently, the build root of the newest Debian kernel: a
# minimal Debian 13 (trixie) tree holding that kernel's image, modules and
# headers from trixie-backports, and the compiler they were built with.
# Their build tools need a newer C library than Debian 12's, so the module
# is built inside the root (scripts/kernels.sh run); the VMs boot the
# image.  Nothing is added to the host's own apt sources.
#
#   kroot.sh            set up the root with the tested kernel
#   kroot.sh KVER       ... with KVER instead
#
# When trixie-backports no longer carries the tested kernel (it keeps only
# current versions), the newest one it has is taken, and this says so.
# TBIB_KROOTS (default /var/lib/tbib/kroots) holds the roots.
set -eu

# The newest kernel tbib was last tested on: the one place that names it.
TESTED_KVER=7.3.4+deb13-amd64

SUITE=trixie
MIRROR=http://deb.debian.org/debian
want=${1:-$TESTED_KVER}
kroots=${TBIB_KROOTS:-/var/lib/tbib/kroots}
root=$kroots/$SUITE
# the compiler and make; the kernel's headers
# bring the rest (its gcc version, kbuild tools, pahole)
base_pkgs=make,gcc,libc6-dev

say() { echo "tbib: kroot: $*" >&2; }
inroot() {
	chroot "$root" /usr/bin/env PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"
}

# The tested kernel already there: nothing to do (no network needed).
if [ -f "$root/.tbib-kroot" ] &&
   [ -f "$root/usr/lib/modules/$want/build/Makefile" ] &&
   [ -d "$root/usr/lib/modules/$want/kernel" ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	say "needs root (debootstrap-like setup, chroot)"
	exit 1
fi

command -v mmdebstrap >/dev/null || {
	say "mmdebstrap is missing: apt-get install mmdebstrap (make deps does)"
	exit 1
}

if [ ! -f "$root/.tbib-kroot" ]; then
	say "creating a $SUITE root in $root"
	mkdir -p "$kroots"
	rm -rf "$root.new"
	mmdebstrap --quiet --variant=minbase --include="$base_pkgs" "$SUITE" \
		"$root.new" "deb $MIRROR $SUITE main" \
		"deb $MIRROR $SUITE-backports main"
	touch "$root.new/.tbib-kroot"
	rm -rf "$root"
	mv "$root.new" "$root"
fi

inroot apt-get update -q >/dev/null
kver=$want
if ! inroot apt-cache show "linux-headers-$kver" >/dev/null 2>&1; then
	# linux-headers-amd64 of the backports suite depends on the newest
	kver=$(inroot apt-cache depends -t "$SUITE-backports" linux-headers-amd64 |
		sed -n 's/.*Depends: linux-headers-\([0-9].*-amd64\)$/\1/p' | head -n 1)
	[ -n "$kver" ] || { say "no kernel found in $SUITE-backports"; exit 1; }
	say "linux $want is no longer in $SUITE-backports: taking the newest, $kver"
	say "(tested last on $want; set TESTED_KVER in scripts/kroot.sh once it passes)"
fi
if [ -f "$root/usr/lib/modules/$kver/build/Makefile" ] &&
   [ -d "$root/usr/lib/modules/$kver/kernel" ]; then
	exit 0
fi

say "installing linux $kver into $root"
# one kernel per root: older ones would only take space
old=$(inroot dpkg-query -W -f '${Package}\n' 'linux-headers-*' 'linux-modules-*' \
	'linux-binary-*' 'linux-image-*' 2>/dev/null | grep -vF -- "${kver%-*}" || true)
image=linux-binary-unsigned-$kver
inroot apt-cache show "$image" >/dev/null 2>&1 || image=linux-image-$kver
modules=linux-modules-$kver
inroot apt-cache show "$modules" >/dev/null 2>&1 || modules=
# shellcheck disable=SC2086
inroot apt-get install -y -q --no-install-recommends \
	"linux-headers-$kver" "$image" $modules >"$root/.tbib-install.log" 2>&1 || {
	tail -n 20 "$root/.tbib-install.log" >&2
	exit 1
}
if [ -n "$old" ]; then
	# shellcheck disable=SC2086
	inroot apt-get purge -y -q $old >/dev/null || true
fi
inroot apt-get clean
say "linux $kver ready"
