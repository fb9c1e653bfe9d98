#!/usr/bin/env bash
# Runs the benchmarks BENCHMARKS.md reports, then benchstat and the chart.
#
# ROUNDS (default 8, at least 6) counts of each benchmark with -benchmem,
# as -count=8 would give, but taken as rounds of -count=1: go test -count
# runs all the counts of one benchmark back to back, so a change in the
# machine's load would land on raw or on the SDK alone; in rounds it lands
# on both. BenchmarkConcurrency, which only feeds the chart (medians), runs
# in the first CHART_ROUNDS (default 3) rounds, at -benchtime 0.5s.
#
# Output: results/*.txt (raw go test output), results/*.benchstat, and
# concurrency.png. Run from anywhere; it takes about 10 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")"

BENCHSTAT=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
ROUNDS=${ROUNDS:-8}
CHART_ROUNDS=${CHART_ROUNDS:-3}

mkdir -p bin results
(cd .. && go test -c -o bench/bin/backoffice.test . &&
	go test -c -o bench/bin/form.test ./internal/form &&
	go test -c -o bench/bin/wire.test ./internal/wire &&
	go test -c -o bench/bin/transport.test ./internal/transport)
{
	go version
	uname -srm
	echo "cores: $(getconf _NPROCESSORS_ONLN)"
	grep -m1 'model name' /proc/cpuinfo 2>/dev/null || true
} > results/machine.txt

# bench DIR BINARY OUT ARGS...: one count, appended to results/OUT.
bench() {
	local dir=$1 bin=$2 out=$3
	shift 3
	(cd "$dir" && "$OLDPWD/bin/$bin" -test.run '^$' -test.benchmem -test.count 1 "$@") >> "results/$out.txt"
}

rm -f results/{versus,capture,micro,refunds,concurrency}.txt
for i in $(seq "$ROUNDS"); do
	echo "round $i of $ROUNDS (${SECONDS}s)" >&2
	bench .. backoffice.test versus -test.bench '^BenchmarkVersus$' -test.benchtime 20000x
	bench .. backoffice.test capture -test.bench '^(BenchmarkCapture|BenchmarkCaptureH2)$'
	bench .. backoffice.test micro -test.bench '^(BenchmarkClassify|BenchmarkCategory|BenchmarkIsSuccessful|BenchmarkChecksum|BenchmarkDecodePayment|BenchmarkWork)$'
	bench ../internal/wire wire.test micro -test.bench '^BenchmarkDecode'
	bench ../internal/form form.test micro -test.bench '^BenchmarkEncode$'
	bench ../internal/transport transport.test micro -test.bench '^(BenchmarkDo|BenchmarkContentTypeProblem)$'
	bench .. backoffice.test refunds -test.bench '^BenchmarkRefunds10k$' -test.benchtime 1x
	if [ "$i" -le "$CHART_ROUNDS" ]; then
		bench .. backoffice.test concurrency -test.bench '^BenchmarkConcurrency$' -test.benchtime 0.5s
	fi
done

go run "$BENCHSTAT" results/versus.txt | tee results/versus.benchstat
go run "$BENCHSTAT" -col /impl results/capture.txt | tee results/capture.benchstat
go run "$BENCHSTAT" results/micro.txt | tee results/micro.benchstat
go run "$BENCHSTAT" results/refunds.txt | tee results/refunds.benchstat
go run "$BENCHSTAT" -col /impl results/concurrency.txt > results/concurrency.benchstat
go run ./cmd/chart -in results/concurrency.txt -o concurrency.png
