#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# gen.sh [OUTDIR]: generate, from netlink/tbib.yaml, with the kernel's own
# YNL generator (tools/net/ynl/ynl-gen-c.py of Debian's linux-source-6.12):
#
#   OUTDIR/netlink/uapi/tbib.h      the uapi header (--mode uapi)
#   OUTDIR/netlink/tbib-nl-gen.h    policies, op table, handler prototypes
#   OUTDIR/netlink/tbib-nl-gen.c    (--mode kernel --header / --source)
#
# OUTDIR is the source tree by default ("make netlink-gen");
# netlink/check-gen.sh generates into a temporary one and compares.
#
# The generator and the schemas it validates the spec with are extracted
# once into build/ynl/ (installing linux-source-6.12 first if needed).
# ynl-gen-c.py names the spec by its path below the kernel tree, found by
# a MAINTAINERS file, and the schema by the spec's grandparent directory:
# it runs on a copy of the spec in such a scratch tree.  Its kernel files
# include the uapi header as <uapi/HEADER> and their own header by its
# bare name; both are rewritten to paths from the project root, the only
# form that Kbuild's one -I (and tests/check-layers.py) resolve.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(cd "${1:-$top}" && pwd)
pkg=linux-source-6.12
tarball=/usr/src/$pkg.tar.xz
cache=$top/build/ynl

if [ ! -f "$tarball" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "tbib: no $tarball: run 'apt-get install $pkg' as root" >&2
		exit 1
	fi
	echo "tbib: installing $pkg (the kernel's YNL generator)" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "$pkg" python3-yaml python3-jsonschema >&2
fi

# Re-extract when the package changes (a new generator may write other code).
ver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || stat -c %Y "$tarball")
src=$cache/$pkg
if [ "$(cat "$cache/stamp" 2>/dev/null)" != "$ver" ]; then
	rm -rf "$cache"
	mkdir -p "$cache"
	tar -xJf "$tarball" -C "$cache" \
		"$pkg/tools/net/ynl" "$pkg/Documentation/netlink"
	echo "$ver" >"$cache/stamp"
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
touch "$scratch/MAINTAINERS"
mkdir -p "$scratch/netlink"
cp "$top/netlink/tbib.yaml" "$scratch/netlink/"
cp "$src/Documentation/netlink/"genetlink*.yaml "$scratch/"

gen() {
	local file=$1
	shift
	# lone python3: Debian's, with python3-yaml and python3-jsonschema
	/usr/bin/python3 "$src/tools/net/ynl/ynl-gen-c.py" \
		--spec "$scratch/netlink/tbib.yaml" "$@" \
		-o "$scratch/${file##*/}" >&2
	mkdir -p "$(dirname "$out/$file")"
	sed -e 's|^\(/\* YNL-GEN .*\*/\)$|\1\n/* Regenerate: make netlink-gen (netlink/gen.sh, ynl-gen-c.py of '"$pkg"') */|' \
	    -e 's|^#include <uapi/netlink/uapi/tbib.h>$|#include "netlink/uapi/tbib.h"|' \
	    -e 's|^#include "tbib-nl-gen.h"$|#include "netlink/tbib-nl-gen.h"|' \
	    "$scratch/${file##*/}" >"$out/$file"
}

gen netlink/uapi/tbib.h --mode uapi --header
gen netlink/tbib-nl-gen.h --mode kernel --header
gen netlink/tbib-nl-gen.c --mode kernel --source
