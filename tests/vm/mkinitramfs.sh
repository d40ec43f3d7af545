#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Assemble the guest initramfs for one installed Debian kernel from the
# packages of this host: busybox, bash, kmod, iproute2, rdma-core + librxe,
# perftest, the in-tree modules of tests/vm/modules.list (with their
# dependencies), tbib.ko / tbibctl when built, the self-test module and
# tests/guest/.  The image is cached in build/<KVER>/initramfs.cpio and
# rebuilt only when one of its inputs changed.
#
#   mkinitramfs.sh -k KVER [-f]      prints the path of the image
#
# Uncompressed cpio on purpose: under TCG the guest spends seconds
# decompressing, the host spends nothing reading a few more megabytes.
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
MODDIR=/lib/modules/$KVER
[ -d "$MODDIR/kernel" ] || { echo "mkinitramfs: no modules in $MODDIR" >&2; exit 2; }

OUTDIR=$TOP/build/$KVER
OUT=$OUTDIR/initramfs.cpio
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
need ldconfig libc-bin

# Serialise builders of the same kernel's image (overlapping test runs).
exec 9>"$OUTDIR/.initramfs.lock"
flock 9

# ---- self-test module, built for this kernel when its headers exist ----
WARNSRC=$VM/warnmod
WARNDIR=$OUTDIR/warnmod
WARNKO=$WARNDIR/tbib_warnmod.ko
if [ -f "$MODDIR/build/Makefile" ]; then
	stale=0
	[ -f "$WARNKO" ] || stale=1
	for f in "$WARNSRC"/*; do
		[ "$f" -nt "$WARNKO" ] && stale=1
	done
	if [ $stale = 1 ]; then
		mkdir -p "$WARNDIR"
		cp -p "$WARNSRC"/* "$WARNDIR"/
		if ! make -s -C "$MODDIR/build" M="$WARNDIR" modules \
				>"$WARNDIR/build.log" 2>&1; then
			echo "mkinitramfs: building warnmod for $KVER failed:" >&2
			tail -n 20 "$WARNDIR/build.log" >&2
			exit 2
		fi
	fi
fi

# ---- inputs and their stamp ----
TBIBKO=$OUTDIR/tbib.ko
TBIBCTL=$TOP/tbibctl/tbibctl
TOOLS=$OUTDIR/guest-tools
inputs() {
	stat -c '%n %s %Y' "$0" "$VM/init" "$VM/modules.list" \
		"$MODDIR/modules.dep" /var/lib/dpkg/status "$(command -v busybox)"
	for f in "$TBIBKO" "$TBIBCTL" "$WARNKO" "$TOOLS"/*; do
		[ -f "$f" ] && stat -c '%n %s %Y' "$f"
	done
	# guest scripts by content: editors and git touch mtimes freely
	(cd "$TOP/tests/guest" && find . -type f | LC_ALL=C sort | xargs -r sha256sum)
	true
}
stamp=$(inputs | sha256sum | cut -d' ' -f1)
if [ $force = 0 ] && [ -f "$OUT" ] && [ "$(cat "$OUT.stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "$OUT"
	exit 0
fi

S=$(mktemp -d "$OUTDIR/initramfs.XXXXXX")
trap 'rm -rf "$S"' EXIT

# Mirror Debian's merged /usr so that paths printed by ldd work as is.
mkdir -p "$S"/usr/bin "$S"/usr/sbin "$S"/usr/lib "$S"/usr/lib64 "$S"/usr/local/bin \
	"$S"/etc "$S"/proc "$S"/sys "$S"/dev "$S"/tmp "$S"/run "$S"/root "$S"/mnt \
	"$S"/var/tmp "$S"/tests
ln -s usr/bin "$S/bin"
ln -s usr/sbin "$S/sbin"
ln -s usr/lib "$S/lib"
ln -s usr/lib64 "$S/lib64"

declare -A copied=()
# copy FILE to the same path in the image, following symlinks
put() {
	local f=$1 d
	[ -n "${copied[$f]:-}" ] && return 0
	copied[$f]=1
	d=$S$f
	mkdir -p "$(dirname "$d")"
	cp -L "$f" "$d"
}
is_elf() {
	[ "$(head -c 4 "$1" | tail -c 3)" = ELF ]
}
# copy the shared libraries an ELF file needs
put_libs() {
	local lib
	for lib in $(ldd "$1" 2>/dev/null | awk '/=> \//{print $3} /^\t\/lib/{print $1}'); do
		put "$lib"
	done
}
# copy an ELF file and every shared library it needs
put_elf() {
	put "$1"
	put_libs "$1"
}

# bash is /bin/sh: busybox sh runs its own applets (ip, tc, modprobe...)
# before looking at PATH, which would shadow the real tools.
put_elf /usr/bin/bash
ln -s bash "$S/usr/bin/sh"

# kmod, iproute2, rdma-core, perftest
put_elf /usr/bin/kmod
for t in modprobe insmod rmmod lsmod modinfo depmod; do
	ln -sf ../bin/kmod "$S/usr/sbin/$t"
done
put_elf /usr/bin/ip
put_elf /usr/sbin/tc
put_elf /usr/bin/rdma
[ -e "$S/usr/sbin/ip" ] || ln -s ../bin/ip "$S/usr/sbin/ip"
cp -a /etc/iproute2 "$S/etc/"
for f in /usr/lib/x86_64-linux-gnu/tc/*; do
	put_elf "$f"
done
for f in $(dpkg -L perftest ibverbs-utils | grep -E '^/usr/bin/(ib|ibv)_'); do
	[ -f "$f" ] && is_elf "$f" && put_elf "$f"
done
for p in rxe siw; do
	put /etc/libibverbs.d/$p.driver
	put_elf /usr/lib/x86_64-linux-gnu/libibverbs/lib$p-rdmav34.so
done
# dlopened, so ldd does not list them
for f in /usr/lib/x86_64-linux-gnu/libnss_files.so.2 /usr/lib/x86_64-linux-gnu/libgcc_s.so.1; do
	[ -f "$f" ] && put_elf "$f"
done

# busybox for everything else; never for a name a real tool already has
put /usr/bin/busybox
for a in $(busybox --list); do
	case $a in
	busybox|sh|ash|ip|ipneigh|tc|modprobe|insmod|rmmod|lsmod|modinfo|depmod) continue ;;
	esac
	[ -e "$S/usr/bin/$a" ] || [ -e "$S/usr/sbin/$a" ] && continue
	ln -s busybox "$S/usr/bin/$a"
done

# ---- project binaries ----
if [ -f "$TBIBCTL" ] && is_elf "$TBIBCTL"; then
	cp "$TBIBCTL" "$S/usr/local/bin/tbibctl"
	put_libs "$TBIBCTL"
fi
for f in "$TOOLS"/*; do
	[ -f "$f" ] || continue
	cp -p "$f" "$S/usr/local/bin/"
	is_elf "$f" && put_libs "$f"
done
cp -pR "$TOP"/tests/guest/. "$S/tests/"
cp -p "$VM/init" "$S/init"
chmod 0755 "$S/init"

# ---- kernel modules ----
MS=$S/lib/modules/$KVER
mkdir -p "$MS"
cp -p "$MODDIR"/modules.order "$MODDIR"/modules.builtin "$MS"/
[ -f "$MODDIR/modules.builtin.modinfo" ] && cp -p "$MODDIR/modules.builtin.modinfo" "$MS"/
# copy one module file uncompressed (the guest would spend seconds in xz)
put_ko() {
	local src=$1 rel dst
	rel=${src#"$MODDIR"/}
	dst=$MS/${rel%.xz}
	dst=${dst%.zst}
	[ -f "$dst" ] && return 0
	mkdir -p "$(dirname "$dst")"
	case $src in
	*.xz) xz -dc "$src" >"$dst" ;;
	*.zst) zstd -qdc "$src" >"$dst" ;;
	*) cp "$src" "$dst" ;;
	esac
}
add_mod() {
	local line
	while read -r line; do
		case $line in
		insmod\ *) line=${line#insmod }; put_ko "${line%% *}" ;;
		esac
	done < <(modprobe -S "$KVER" -D "$1" 2>/dev/null || true)
}
while read -r m; do
	m=${m%%#*}
	m=${m//[[:space:]]/}
	[ -n "$m" ] && add_mod "$m"
done <"$VM/modules.list"
# out-of-tree modules: their in-tree dependencies too
extra_ko() {
	local ko=$1 dep
	mkdir -p "$MS/updates"
	cp "$ko" "$MS/updates/"
	for dep in $(modinfo -F depends "$ko" | tr ',' ' '); do
		add_mod "$dep"
	done
}
[ -f "$TBIBKO" ] && extra_ko "$TBIBKO"
[ -f "$WARNKO" ] && extra_ko "$WARNKO"
depmod -b "$S" "$KVER"

# ---- config ----
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$S/etc/passwd"
printf 'root:x:0:\n' >"$S/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files\n' >"$S/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n169.254.0.1 vm0\n169.254.0.2 vm1\n' >"$S/etc/hosts"
echo "$KVER" >"$S/etc/tbib-kver"
ldconfig -r "$S" 2>/dev/null || true
if [ "$(id -u)" = 0 ]; then
	mknod -m 600 "$S/dev/console" c 5 1
	mknod -m 666 "$S/dev/null" c 1 3
fi

(cd "$S" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$OUT.tmp"
mv -f "$OUT.tmp" "$OUT"
echo "$stamp" >"$OUT.stamp"
echo "$OUT"
