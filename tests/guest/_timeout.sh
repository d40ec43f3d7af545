#!/bin/bash
# tbib-test: topology=single timeout=10
#
# Harness self-test: never finishes; the harness must report a timeout.
. /tests/lib.sh
log "sleeping past the timeout"
sleep 1000
