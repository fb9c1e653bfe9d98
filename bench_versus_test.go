package backoffice_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkVersus measures the careful client, the minimal client and the
// SDK (its own transport) interleaved in one process: the b.N calls of
// each are made in rounds of blocks, every round running one block of each
// client in turn (the order rotating from round to round), so that a change
// in the machine's load falls on all three alike. It reports, per client,
// wall time, CPU time (user+sys of the whole process) and allocations per
// call, and the SDK's time as a fraction of each hand-written client's:
//
//	sdk/careful, sdk/minimal       wall time ratios (the targets):
//	                               the median over the rounds of the ratio
//	                               of the SDK's block to the other's block
//	                               in the same round (paired, so a burst
//	                               of load on one round moves one sample)
//	sdk/careful-pooled             total SDK time over total careful time
//	sdk-cpu/careful-cpu            CPU time ratio (totals)
//	sdk-allocs/careful-allocs      allocation ratio (totals)
//
// Allocations and CPU are the whole process's, the in-process server's
// included, as in BenchmarkCapture. The ns/op the testing package prints
// is the time of one call of each client together; read the metrics.
func BenchmarkVersus(b *testing.B) {
	srv := captureServer(b)
	all := impls(b, srv.Server)[:3] // careful, minimal, sdk
	for _, n := range benchConcurrency {
		b.Run(fmt.Sprintf("conc=%d", n), func(b *testing.B) {
			fs := make([]captureFunc, len(all))
			for i, impl := range all {
				fs[i] = impl.new()
				warm(b, n, fs[i])
			}
			stats := versus(b, n, fs)
			for i, impl := range all {
				st := stats[i]
				b.ReportMetric(st.ns(), impl.name+"-ns/op")
				b.ReportMetric(st.cpu(), impl.name+"-cpu-ns/op")
				b.ReportMetric(st.allocs(), impl.name+"-allocs/op")
			}
			careful, minimal, sdk := stats[0], stats[1], stats[2]
			b.ReportMetric(pairedRatio(sdk, careful), "sdk/careful")
			b.ReportMetric(pairedRatio(sdk, minimal), "sdk/minimal")
			b.ReportMetric(sdk.ns()/careful.ns(), "sdk/careful-pooled")
			b.ReportMetric(sdk.cpu()/careful.cpu(), "sdk-cpu/careful-cpu")
			b.ReportMetric(sdk.allocs()/careful.allocs(), "sdk-allocs/careful-allocs")
			for _, f := range fs {
				f.close()
			}
		})
	}
}

// versusRounds is the number of rounds b.N calls per client are split into.
const versusRounds = 16

type clientStats struct {
	calls, wall, cpuNs int64
	mallocs            uint64
	rounds             []float64 // wall ns per call of each round's block
}

// pairedRatio is the median over the rounds of a's block time over b's.
func pairedRatio(a, b clientStats) float64 {
	r := make([]float64, len(a.rounds))
	for i := range r {
		r[i] = a.rounds[i] / b.rounds[i]
	}
	slices.Sort(r)
	n := len(r)
	if n%2 == 1 {
		return r[n/2]
	}
	return (r[n/2-1] + r[n/2]) / 2
}

func (s clientStats) ns() float64     { return float64(s.wall) / float64(s.calls) }
func (s clientStats) cpu() float64    { return float64(s.cpuNs) / float64(s.calls) }
func (s clientStats) allocs() float64 { return float64(s.mallocs) / float64(s.calls) }

// versus makes b.N calls of each of fs from n goroutines, interleaved in
// rounds, and returns what each cost.
func versus(b *testing.B, n int, fs []captureFunc) []clientStats {
	stats := make([]clientStats, len(fs))
	per := max(1, b.N/versusRounds)
	var ms runtime.MemStats
	b.ResetTimer()
	for round := 0; round < versusRounds; round++ {
		for k := range fs {
			i := (round + k) % len(fs)
			// Garbage is charged to the client that made it: the block
			// starts on a collected, swept heap, and ends with a
			// collection of what it left, timed with it. Without this, a
			// block paid for the sweeping and the collection cycles of the
			// garbage the block before it left, which pulled every ratio
			// towards 1 (with 16 rounds, sdk/careful read 0.97 where 2
			// rounds of the same calls read 0.92).
			runtime.GC()
			runtime.ReadMemStats(&ms)
			mallocs := ms.Mallocs
			cpu, _ := processCPU()
			start := time.Now()
			block(b, n, per, fs[i])
			runtime.GC()
			took := time.Since(start)
			stats[i].wall += int64(took)
			stats[i].rounds = append(stats[i].rounds, float64(took)/float64(per))
			end, _ := processCPU()
			runtime.ReadMemStats(&ms)
			stats[i].cpuNs += end - cpu
			stats[i].mallocs += ms.Mallocs - mallocs
			stats[i].calls += int64(per)
		}
	}
	return stats
}

// block makes calls captures through f from n goroutines.
func block(b *testing.B, n, calls int, f captureFunc) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(calls) {
				if err := f.do(context.Background()); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
