#!/bin/bash
# icount.sh: the translation's instructions per span, a figure that does not
# move with the machine's load (BENCHMARKS.md, Performance 3 second pass).
#
#   cd exporter/mindlyticsexporter && go test -c -o /tmp/pv.test ./pdataview
#   ../../tools/bench/icount.sh /tmp/pv.test
#
# Callgrind counts whole runs of BenchmarkTranslatorLoad at 20 and 80 ops,
# and of BenchmarkTranslatorLoadBatches (the batch building alone) the
# same: the difference of the differences over 60 ops of 1,020 spans is
# the translation's. cpu.rdtscp=off keeps Go from the RDTSCP instruction
# valgrind aborts on; a run that still did not print PASS is run again.
# Needs valgrind (Debian's package).
set -euo pipefail
bin=$1
count() {
	for _ in 1 2 3 4 5 6 7 8; do
		out=$(GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off GOGC=off GOMAXPROCS=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
			"$bin" -test.run '^$' -test.bench "^$1\$" -test.benchtime "$2"x -test.cpu 1 2>&1 || true)
		if grep -q '^PASS' <<<"$out" && ! grep -q 'vex amd64' <<<"$out"; then
			sed -n 's/.*Collected : //p' <<<"$out"
			return
		fi
		echo "icount: $1 at $2 ops did not finish under valgrind; again" >&2
	done
	echo "icount: $1 at $2 ops never finished" >&2
	exit 1
}
a=$(count BenchmarkTranslatorLoad 20)
b=$(count BenchmarkTranslatorLoad 80)
c=$(count BenchmarkTranslatorLoadBatches 20)
d=$(count BenchmarkTranslatorLoadBatches 80)
echo "translation instructions per span: $(((b - a - (d - c)) / 60 / 1020))"
