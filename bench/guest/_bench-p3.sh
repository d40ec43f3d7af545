#!/bin/bash
# tbib-test: topology=pair links=4 timeout=900 mem=768
#
# make bench (bench/run -g p3): part 3 (failover) alone, five runs.
# Not a test (the underscore keeps it out of tests/run).
. /tests/_bench-parts.sh
bench_main
