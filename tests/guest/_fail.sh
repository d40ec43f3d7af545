#!/bin/bash
# tbib-test: topology=single timeout=90
#
# Harness self-test: a clean kernel, but the script fails.
. /tests/lib.sh
check true
check_fails false
assert_eq 1 2 "deliberate failure"
log "not reached"
