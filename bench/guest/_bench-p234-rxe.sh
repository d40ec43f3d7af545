#!/bin/bash
# tbib-test: topology=pair links=4 timeout=1200 mem=768
#
# make bench (bench/run): parts 2-4, rxe only (re-run after tbib took the VMs down).
# Not a test (the underscore keeps it out of tests/run).
. /tests/_bench-parts.sh
bench_main
