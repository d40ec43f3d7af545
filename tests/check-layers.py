#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that every kernel source file includes only headers of its own
layer and of the layers below it:

    rail/  <-  bond/  <-  kmod/  <-  netlink/

netlink/uapi/ is the user ABI, shared by every layer and by tbibctl.  The
portable striping core (PORTABLE below) includes no kernel header and no
kernel-only project header: bond/portable.h is its one door to the kernel.

There are no exceptions: news travels up through the ops tables each
layer registers (DESIGN.md section 2), never through an include.

Prints "PASS: layers" or "FAIL: layers" and the offending lines.
"""
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RANK = {"rail": 0, "bond": 1, "kmod": 2, "netlink": 3}
SHARED = ("netlink/uapi/",)
PORTABLE = {
    "bond/bits.h", "bond/portable.h", "bond/psn.h",
    "bond/wire.h", "bond/wire.c", "bond/hellowire.h", "bond/hellowire.c",
    "bond/rxwin.h", "bond/rxwin.c",
    "bond/txtrack.h", "bond/txtrack.c", "bond/sched.h", "bond/sched.c",
}
# the only portable file that may include kernel headers (under TBIB_KERNEL)
PORTABLE_DOOR = "bond/portable.h"
INCLUDE = re.compile(r'^\s*#\s*include\s+([<"])([^">]+)[">]')


def sources():
    for layer in RANK:
        for root, _, files in os.walk(os.path.join(TOP, layer)):
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(root, f), TOP)


def violations():
    out = []
    for path in sources():
        layer = path.split("/")[0]
        with open(os.path.join(TOP, path), encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                kind, inc = m.groups()
                if path in PORTABLE:
                    if kind == "<" and path != PORTABLE_DOOR:
                        out.append((path, inc, n, "kernel header in the portable core"))
                    elif kind == '"' and inc not in PORTABLE:
                        out.append((path, inc, n, "kernel-only header in the portable core"))
                    continue
                if kind == "<" or inc.startswith(SHARED):
                    continue
                top = inc.split("/")[0]
                if top not in RANK:
                    out.append((path, inc, n, "not included by its path from the root"))
                elif RANK[top] > RANK[layer]:
                    out.append((path, inc, n, f"{top}/ is above {layer}/"))
    return out


def main():
    bad = violations()
    for f, inc, n, why in bad:
        print(f"{f}:{n}: includes {inc}: {why}")
    print(("PASS" if not bad else "FAIL") + ": layers")
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
