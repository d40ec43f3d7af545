#!/bin/bash
# tbib-test: topology=single timeout=120
# Harness self-test: a clean test that must pass.
. /tests/lib.sh
log "kernel $(uname -r), $(nproc) cpus"
check ip link add tbv0 type veth peer name tbv1
check ip link del tbv0
log "ok"
