#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Assemble the guest initramfs for one Debian kernel (installed on this
# host or in a build root, scripts/kernels.sh) from the packages of this
# host: the guests run Debian 12's userspace on every kernel.  Two cpio archives, concatenated (the kernel
# unpacks them in order, later files replacing earlier ones):
#
#   base     busybox, bash, kmod, iproute2, rdma-core + librxe, perftest,
#            ibverbs-utils, UCX (ucx_info, ucx_perftest and its transport
#            modules), the in-tree modules of tests/vm/modules.list
#            with their dependencies.  Changes only with the packages.
#   overlay  /init, tests/guest/ and bench/guest/ (both in /tests), tbib.ko,
#            tbibctl, build/<KVER>/guest-tools,
#            the self-test module, and modules.dep regenerated with them.
#            Changes all the time during development; built in a second.
#
#   mkinitramfs.sh -k KVER [-f]      prints the path of the image
#
# Results in build/<KVER>/: initramfs.cpio (+ .stamp), initramfs-base.d/ and
# initramfs-base.cpio.  Uncompressed on purpose: under TCG the guest would
# spend seconds decompressing.
set -eu
shopt -s nullglob

VM=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$VM/../.." && pwd)
KVER=
force=0
while getopts "k:f" o; do
	case $o in
	k) KVER=$OPTARG ;;
	f) force=1 ;;
	*) echo "usage: $0 -k KVER [-f]" >&2; exit 2 ;;
	esac
done
[ -n "$KVER" ] || { echo "usage: $0 -k KVER [-f]" >&2; exit 2; }
KERNELS=$TOP/scripts/kernels.sh
# a kernel of a build root: its modules there, its module builds in there
KROOT=$("$KERNELS" root "$KVER") || exit 2
MODDIR=$KROOT/lib/modules/$KVER
[ -d "$MODDIR/kernel" ] || { echo "mkinitramfs: no modules in $MODDIR" >&2; exit 2; }

OUTDIR=$TOP/build/$KVER
OUT=$OUTDIR/initramfs.cpio
BASE=$OUTDIR/initramfs-base.d
BASECPIO=$OUTDIR/initramfs-base.cpio
mkdir -p "$OUTDIR"

need() {
	command -v "$1" >/dev/null && return
	echo "mkinitramfs: '$1' missing: run 'make deps' (package $2)" >&2
	exit 2
}
need busybox busybox-static
need cpio cpio
need modprobe kmod
need depmod kmod
need ib_write_bw perftest
need ibv_rc_pingpong ibverbs-utils
need rdma iproute2
need xz xz-utils
need ucx_perftest ucx-utils

# Serialise builders of the same kernel's image (overlapping test runs).
exec 9>"$OUTDIR/.initramfs.lock"
flock 9

# ---- test modules (tests/vm/warnmod, tests/kverbs), built for this kernel ----
# build_testmod SRCDIR KO: builds SRCDIR's module into KO's folder when a
# source is newer than KO.
build_testmod() {
	local src=$1 ko=$2 stale=0 f
	local dir=${ko%/*} name=${ko##*/}
	[ -f "$MODDIR/build/Makefile" ] || return 0
	[ -f "$ko" ] || stale=1
	for f in "$src"/*; do
		[ "$f" -nt "$ko" ] && stale=1
	done
	if [ $stale = 1 ]; then
		mkdir -p "$dir"
		cp -p "$src"/* "$dir"/
		if ! "$KERNELS" run "$KVER" make -s -C "/lib/modules/$KVER/build" \
				M="$dir" modules >"$dir/build.log" 2>&1; then
			# only the tests that load it fail, with their own message
			echo "mkinitramfs: building $name for $KVER failed:" >&2
			tail -n 20 "$dir/build.log" >&2
			rm -f "$ko"
		fi
	fi
}
WARNKO=$OUTDIR/warnmod/tbib_warnmod.ko
KVERBSKO=$OUTDIR/kverbs/tbib_kverbs.ko
build_testmod "$VM/warnmod" "$WARNKO"
build_testmod "$TOP/tests/kverbs" "$KVERBSKO"

TBIBKO=$OUTDIR/tbib.ko
TBIBCTL=$TOP/tbibctl/tbibctl
TOOLS=$OUTDIR/guest-tools

# ---- stamps ----
base_inputs() {
	stat -c '%n %s %Y' "$0" "$VM/modules.list" "$MODDIR/modules.dep" \
		/var/lib/dpkg/status "$(command -v busybox)"
}
overlay_inputs() {
	echo "base $1"
	stat -c '%n %s %Y' "$VM/init"
	for f in "$TBIBKO" "$TBIBCTL" "$WARNKO" "$KVERBSKO" "$TOOLS"/*; do
		[ -f "$f" ] && stat -c '%n %s %Y' "$f"
	done
	# guest scripts by content: editors and git touch mtimes freely
	(cd "$TOP" && find tests/guest bench/guest -type f | LC_ALL=C sort | xargs -r sha256sum)
	true
}
base_stamp=$(base_inputs | sha256sum | cut -d' ' -f1)
stamp=$(overlay_inputs "$base_stamp" | sha256sum | cut -d' ' -f1)
if [ $force = 0 ] && [ -f "$OUT" ] && [ "$(cat "$OUT.stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "$OUT"
	exit 0
fi

TMPS=()
trap 'rm -rf "${TMPS[@]}"' EXIT

is_elf() {
	[ "$(head -c 4 "$1" | tail -c 3)" = ELF ]
}
# Files are placed under their canonical directory (/lib/x -> /usr/lib/x):
# the base keeps Debian's merged-/usr symlinks (bin -> usr/bin ...), and an
# overlay entry for "lib" would replace the symlink with a directory.
canon() {
	echo "$(readlink -f "$(dirname "$1")")/$(basename "$1")"
}
# put ROOT FILE [DEST]: copy FILE (following symlinks) into ROOT at its
# canonical path, or at DEST; skipped if already in $SKIP (the base)
put() {
	local r=$1 d
	d=${3:-$(canon "$2")}
	[ -e "$r$d" ] && return 0
	[ -n "$SKIP" ] && [ -e "$SKIP$d" ] && return 0
	mkdir -p "$(dirname "$r$d")"
	cp -L "$2" "$r$d"
}
# put_libs ROOT FILE: the shared libraries an ELF file needs
put_libs() {
	local lib
	for lib in $(ldd "$2" 2>/dev/null | awk '/=> \//{print $3} /^\t\/lib/{print $1}'); do
		put "$1" "$lib"
	done
}
put_elf() {
	put "$1" "$2"
	put_libs "$1" "$2"
}
# put_ko ROOT SRC: one module file, uncompressed (the guest would spend
# seconds in xz), at the same place under /usr/lib/modules/KVER
put_ko() {
	local src=$2 dst
	dst=$1/usr/lib/modules/$KVER/${src#"$MODDIR"/}
	dst=${dst%.xz}
	dst=${dst%.zst}
	[ -f "$dst" ] && return 0
	[ -n "$SKIP" ] && [ -f "$SKIP${dst#"$1"}" ] && return 0
	mkdir -p "$(dirname "$dst")"
	case $src in
	*.xz) xz -dc "$src" >"$dst" ;;
	*.zst) zstd -qdc "$src" >"$dst" ;;
	*) cp "$src" "$dst" ;;
	esac
}
# add_mod ROOT NAME: an in-tree module and its dependencies
add_mod() {
	local line
	while read -r line; do
		case $line in
		insmod\ *) line=${line#insmod }; put_ko "$1" "${line%% *}" ;;
		esac
	done < <(modprobe ${KROOT:+-d "$KROOT"} -S "$KVER" -D "$2" 2>/dev/null || true)
}
mkcpio() { # DIR OUT
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$2"
}

# ---- base ----
build_base() {
	local S a p f m
	S=$(mktemp -d "$OUTDIR/initramfs-base.XXXXXX")
	TMPS+=("$S")
	SKIP=
	mkdir -p "$S"/usr/bin "$S"/usr/sbin "$S"/usr/lib "$S"/usr/lib64 \
		"$S"/usr/local/bin "$S"/etc "$S"/proc "$S"/sys "$S"/dev "$S"/tmp \
		"$S"/run "$S"/root "$S"/mnt "$S"/var/tmp "$S"/tests
	ln -s usr/bin "$S/bin"
	ln -s usr/sbin "$S/sbin"
	ln -s usr/lib "$S/lib"
	ln -s usr/lib64 "$S/lib64"

	# bash is /bin/sh: busybox sh runs its own applets (ip, tc,
	# modprobe...) before looking at PATH, shadowing the real tools.
	put_elf "$S" /usr/bin/bash
	ln -s bash "$S/usr/bin/sh"
	put_elf "$S" /usr/bin/kmod
	for a in modprobe insmod rmmod lsmod modinfo depmod; do
		ln -s ../bin/kmod "$S/usr/sbin/$a"
	done
	put_elf "$S" /usr/bin/ip
	ln -s ../bin/ip "$S/usr/sbin/ip"
	put_elf "$S" /usr/sbin/tc
	put_elf "$S" /usr/bin/rdma
	cp -a /etc/iproute2 "$S/etc/"
	for f in /usr/lib/x86_64-linux-gnu/tc/*; do
		put_elf "$S" "$f"
	done
	for f in $(dpkg -L perftest ibverbs-utils | grep -E '^/usr/bin/(ib|ibv)_'); do
		[ -f "$f" ] && is_elf "$f" && put_elf "$S" "$f"
	done
	for p in rxe siw; do
		put "$S" /etc/libibverbs.d/$p.driver
		put_elf "$S" /usr/lib/x86_64-linux-gnu/libibverbs/lib$p-rdmav34.so
	done
	# UCX: the tools, and its transports, which libucs dlopens from the
	# "ucx" folder next to itself (so ldd does not list them)
	put_elf "$S" /usr/bin/ucx_info
	put_elf "$S" /usr/bin/ucx_perftest
	for f in /usr/lib/x86_64-linux-gnu/ucx/*.so.0; do
		put_elf "$S" "$f"
	done
	# dlopened, so ldd does not list them
	for f in /usr/lib/x86_64-linux-gnu/libnss_files.so.2 /usr/lib/x86_64-linux-gnu/libgcc_s.so.1; do
		[ -f "$f" ] && put_elf "$S" "$f"
	done
	# busybox for the rest, never for a name a real tool already has
	put "$S" "$(command -v busybox)" /usr/bin/busybox
	for a in $(busybox --list); do
		case $a in
		busybox | sh | ash | ip | ipneigh | tc | modprobe | insmod | rmmod | lsmod | modinfo | depmod) continue ;;
		esac
		[ -e "$S/usr/bin/$a" ] || [ -e "$S/usr/sbin/$a" ] || ln -s busybox "$S/usr/bin/$a"
	done

	local MS=$S/usr/lib/modules/$KVER
	mkdir -p "$MS"
	cp -p "$MODDIR"/modules.order "$MODDIR"/modules.builtin "$MS"/
	[ -f "$MODDIR/modules.builtin.modinfo" ] && cp -p "$MODDIR/modules.builtin.modinfo" "$MS"/
	while read -r m; do
		m=${m%%#*}
		m=${m//[[:space:]]/}
		[ -n "$m" ] && add_mod "$S" "$m"
	done <"$VM/modules.list"
	depmod -b "$S" "$KVER"

	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$S/etc/passwd"
	printf 'root:x:0:\n' >"$S/etc/group"
	printf 'passwd: files\ngroup: files\nhosts: files\n' >"$S/etc/nsswitch.conf"
	printf '127.0.0.1 localhost\n169.254.0.1 vm0\n169.254.0.2 vm1\n' >"$S/etc/hosts"
	if [ "$(id -u)" = 0 ]; then
		mknod -m 600 "$S/dev/console" c 5 1
		mknod -m 666 "$S/dev/null" c 1 3
	fi
	mkcpio "$S" "$BASECPIO.tmp"
	rm -rf "$BASE"
	mv "$S" "$BASE"
	mv -f "$BASECPIO.tmp" "$BASECPIO"
	echo "$base_stamp" >"$BASECPIO.stamp"
}
if [ $force = 1 ] || [ ! -f "$BASECPIO" ] || [ ! -d "$BASE" ] ||
   [ "$(cat "$BASECPIO.stamp" 2>/dev/null)" != "$base_stamp" ]; then
	build_base
fi

# ---- overlay ----
SKIP=$BASE # what the base has is not repeated
O=$(mktemp -d "$OUTDIR/initramfs-overlay.XXXXXX")
TMPS+=("$O")
mkdir -p "$O/usr/local/bin" "$O/tests"
cp -p "$VM/init" "$O/init"
chmod 0755 "$O/init"
cp -pR "$TOP"/tests/guest/. "$O/tests/"
cp -pR "$TOP"/bench/guest/. "$O/tests/"
if [ -f "$TBIBCTL" ] && is_elf "$TBIBCTL"; then
	cp "$TBIBCTL" "$O/usr/local/bin/tbibctl"
	put_libs "$O" "$TBIBCTL"
fi
for f in "$TOOLS"/*; do
	[ -f "$f" ] || continue
	cp -p "$f" "$O/usr/local/bin/"
	is_elf "$f" && put_libs "$O" "$f"
done
# out-of-tree modules go to updates/, their in-tree dependencies too, and
# modules.dep is regenerated over base + overlay
kos=()
[ -f "$TBIBKO" ] && kos+=("$TBIBKO")
[ -f "$WARNKO" ] && kos+=("$WARNKO")
[ -f "$KVERBSKO" ] && kos+=("$KVERBSKO")
if [ ${#kos[@]} -gt 0 ]; then
	OM=$O/usr/lib/modules/$KVER
	mkdir -p "$OM/updates"
	for ko in "${kos[@]}"; do
		# debug info is most of a W=1 -g module and the guest never uses
		# it (stack traces come from kallsyms)
		strip -g -o "$OM/updates/${ko##*/}" "$ko" 2>/dev/null ||
			cp "$ko" "$OM/updates/"
		for dep in $(modinfo -F depends "$ko" | tr ',' ' '); do
			add_mod "$O" "$dep"
		done
	done
	M=$(mktemp -d "$OUTDIR/initramfs-depmod.XXXXXX")
	TMPS+=("$M")
	mkdir -p "$M/usr/lib/modules"
	ln -s usr/lib "$M/lib"
	cp -al "$BASE/usr/lib/modules/$KVER" "$M/usr/lib/modules/"
	# depmod rewrites these: never through a hard link into the base
	for f in "$M/usr/lib/modules/$KVER"/modules.*; do
		cp --remove-destination "$BASE/usr/lib/modules/$KVER/${f##*/}" "$f"
	done
	cp -a "$OM/." "$M/usr/lib/modules/$KVER/"
	depmod -b "$M" "$KVER"
	cp -p "$M/usr/lib/modules/$KVER"/modules.* "$OM/"
fi
mkcpio "$O" "$OUT.overlay"
cat "$BASECPIO" "$OUT.overlay" >"$OUT.tmp"
rm -f "$OUT.overlay"
mv -f "$OUT.tmp" "$OUT"
echo "$stamp" >"$OUT.stamp"
echo "$OUT"
