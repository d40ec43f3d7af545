#!/bin/bash
# tbib-test: topology=pair links=4 timeout=900 mem=768
#
# make bench (bench/run -g p3): the re-run without tbib after a tbib crash
# took the VMs down (part 3 has no rxe cells: its rows say why they are
# missing).  Not a test (the underscore keeps it out of tests/run).
. /tests/_bench-parts.sh
bench_main
