#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian kernels a module can be built for and a VM can boot: those
# with an image, modules and headers.  They live either on this host
# (/boot, /lib/modules) or in a build root made by scripts/kroot.sh, for
# kernels whose build tools need a newer C library than the host's.
#
#   kernels.sh [all]        every kernel, oldest first
#   kernels.sh newest       only the newest
#   kernels.sh image KVER   its bootable image (vmlinuz)
#   kernels.sh moddir KVER  its modules folder (lib/modules/KVER)
#   kernels.sh root KVER    its build root, empty for a host kernel
#                           (one with headers in /lib/modules suffices)
#   kernels.sh run KVER CMD...
#                           run CMD where KVER's build tools work: as is
#                           for a host kernel, else chrooted into its
#                           root, with the project tree mounted at the
#                           same path and the working directory kept
#
# TBIB_KROOTS (default /var/lib/tbib/kroots) holds the build roots.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
kroots=${TBIB_KROOTS:-/var/lib/tbib/kroots}

# image ROOT KVER: the image of KVER under ROOT ("" = the host), if any
image() {
	local f
	for f in "$1/boot/vmlinuz-$2" "$1/usr/lib/modules/$2/vmlinuz" \
		 "$1/usr/lib/modules/$2/vmlinuz.unsigned"; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

# complete ROOT KVER: image, modules and headers all there
complete() {
	image "$1" "$2" >/dev/null &&
		[ -d "$1/lib/modules/$2/kernel" ] &&
		[ -f "$1/lib/modules/$2/build/Makefile" ]
}

# lines "KVER ROOT" (ROOT "-" for the host), oldest kernel first
all() {
	local d k r
	for d in /lib/modules/*/; do
		k=$(basename "$d")
		complete "" "$k" && echo "$k -"
	done
	for r in "$kroots"/*/; do
		r=${r%/}
		[ -f "$r/.tbib-kroot" ] || continue
		for d in "$r"/usr/lib/modules/*/; do
			k=$(basename "$d")
			complete "$r" "$k" && echo "$k $r"
		done
	done | sort -V -k1,1 | awk '!seen[$1]++'
}

# the root of KVER: a host kernel needs only its headers here (a real
# host builds for kernels it does not boot in VMs)
root_of() {
	local r
	[ -f "/lib/modules/$1/build/Makefile" ] && return 0
	r=$(all | awk -v k="$1" '$1 == k { print $2 }')
	[ -n "$r" ] || { echo "kernels.sh: no kernel $1 (image, modules and headers)" >&2; exit 1; }
	[ "$r" = - ] || echo "$r"
}

case ${1:-all} in
all)	all | cut -d' ' -f1 ;;
newest)	all | tail -n 1 | cut -d' ' -f1 ;;
image)	image "$(root_of "$2")" "$2" ;;
moddir)	r=$(root_of "$2"); echo "$r/lib/modules/$2" ;;
root)	root_of "$2" ;;
run)
	k=$2
	shift 2
	r=$(root_of "$k")
	[ -n "$r" ] || exec "$@"
	# only the project tree exists in the root
	case $PWD in "$top" | "$top"/*) cwd=$PWD ;; *) cwd=/ ;; esac
	# A private mount namespace: the mounts vanish with the command.
	exec unshare --mount --propagation private -- /bin/bash -c '
		set -e
		r=$1 top=$2 cwd=$3
		shift 3
		mkdir -p "$r$top"
		mount --rbind "$top" "$r$top"
		mount -t proc proc "$r/proc"	# objtool reads /proc
		exec chroot "$r" /usr/bin/env -C "$cwd" \
			PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C "$@"' \
		_ "$r" "$top" "$cwd" "$@"
	;;
*)	echo "usage: kernels.sh [all|newest|image K|moddir K|root K|run K CMD...]" >&2
	exit 2 ;;
esac
