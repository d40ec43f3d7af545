#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sync-ksrc.sh TOP DEST DIR...: mirror the kernel sources (Kbuild and the
# .c/.h files of DIRs) into DEST, keeping timestamps so Kbuild rebuilds only
# what changed, and removing sources that no longer exist (the Kbuild globs
# would otherwise still build them).
set -eu
top=$1 dst=$2
shift 2
mkdir -p "$dst"
cp -p "$top/Kbuild" "$dst/"
for d in "$@"; do
	mkdir -p "$dst/$d"
	(cd "$top" && find "$d" -type f \( -name '*.c' -o -name '*.h' -o -name '*.sh' \)) |
		while read -r f; do
			mkdir -p "$dst/$(dirname "$f")"
			[ "$top/$f" -nt "$dst/$f" ] || [ ! -e "$dst/$f" ] &&
				cp -p "$top/$f" "$dst/$f"
			true
		done
	(cd "$dst" && find "$d" -type f \( -name '*.c' -o -name '*.h' -o -name '*.sh' \)) |
		while read -r f; do
			[ -e "$top/$f" ] || rm -f "$dst/$f" "$dst/${f%.c}.o"
		done
done
