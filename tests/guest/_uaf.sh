#!/bin/bash
# tbib-test: topology=single timeout=90
#
# Harness self-test: loads a module that writes to freed slab memory and
# exits 0.  The guests boot with slub_debug, so the kernel reports the
# corruption and the harness must report a failure (tests/vm/selftest.sh).
. /tests/lib.sh
modprobe tbib_warnmod bug=uaf || fail "modprobe tbib_warnmod bug=uaf failed"
log "tbib_warnmod bug=uaf loaded; exiting 0"
