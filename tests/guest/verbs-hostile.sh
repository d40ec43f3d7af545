#!/bin/bash
# tbib-test: topology=single timeout=300
# SPDX-License-Identifier: GPL-2.0
#
# Hostile rings: tests/tools/hostile-ring scribbles over the SQ, RQ and CQ
# rings of tbib0 (bad opcodes, SGE counts, inline lengths, AH numbers,
# lkeys, producer/consumer indices out of range, random bytes in every
# slot and header) and checks the error completions, QP states, events
# and EINVALs.  Run twice (the second run on a device with dirty history),
# then the device goes and the module unloads.  Any splat fails the test.
. /tests/lib.sh

command -v hostile-ring >/dev/null || fail "hostile-ring is not in the image (make tools)"
load_tbib
check tbibctl dev add tbib0 lid 0x31
check hostile-ring tbib0
check hostile-ring tbib0
check tbibctl dev del tbib0
check rmmod tbib
exit 0
