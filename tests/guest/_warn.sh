#!/bin/bash
# tbib-test: topology=single timeout=90
#
# Harness self-test: loads a module that WARNs and exits 0.  The harness
# must still report a failure (tests/vm/selftest.sh checks that it does).
. /tests/lib.sh
load_mod tbib_warnmod
log "tbib_warnmod loaded; exiting 0"
