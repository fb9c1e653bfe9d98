package backoffice_test

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// BenchmarkRefunds10k pushes 10,000 refunds of 0.01 EUR through one Client
// from 64 goroutines against backofficetest, each goroutine refunding a
// debit of its own. One op is the 10,000 refunds; run it with
// -benchtime=1x.
//
// It reports the throughput (refunds/s) and the heap in use after GC:
// heap-before-B before the fake gateway and the Client exist, heap-after-B
// after the refunds with the Client still alive but the fake closed. The
// fake keeps every request and booking it receives (tests assert on them),
// so its heap grows with every refund; fake-B/refund is that growth while
// it is open, for scale. A Client that held anything per call would show
// in heap-after-B minus heap-before-B. A first, untimed run of 640 refunds
// leaves out what the process initialises once (encoding/json's type
// cache, net/http's pools, ...).
func BenchmarkRefunds10k(b *testing.B) {
	const refunds, workers = 10_000, 64
	warmup := refundRun{refunds: 640, workers: workers}
	warmup.run(b)
	var rate, before, after, fake float64
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := refundRun{refunds: refunds, workers: workers}
		r.run(b)
		rate += refunds / r.elapsed.Seconds()
		before += float64(r.heapBefore)
		after += float64(r.heapAfter)
		fake += (float64(r.fakeAfter) - float64(r.fakeBefore)) / refunds
	}
	n := float64(b.N)
	b.ReportMetric(rate/n, "refunds/s")
	b.ReportMetric(before/n, "heap-before-B")
	b.ReportMetric(after/n, "heap-after-B")
	b.ReportMetric(fake/n, "fake-B/refund")
}

// refundRun is one run of BenchmarkRefunds10k and what it measured.
type refundRun struct {
	refunds, workers int

	elapsed               time.Duration
	heapBefore, heapAfter uint64 // without the fake
	fakeBefore, fakeAfter uint64 // with it, around the refunds
}

// run starts a fake gateway and a Client, times the refunds (only they run
// with the benchmark timer on), then closes the fake.
func (r *refundRun) run(b *testing.B) {
	b.StopTimer()
	goroutines := runtime.NumGoroutine()
	r.heapBefore = heapInUse()
	srv := backofficetest.NewServer()
	debits := make([]string, r.workers)
	for w := range debits {
		debits[w] = srv.Debit(decimal.RequireFromString("1000.00"), "EUR")
	}
	c, err := backoffice.NewClient(srv.BearerCredentials(), backoffice.WithBaseURL(srv.URL))
	require.NoError(b, err)
	refund := backoffice.RefundRequest{Amount: decimal.RequireFromString("0.01"), Currency: "EUR"}
	r.fakeBefore = heapInUse()
	b.StartTimer()

	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range r.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(r.refunds) {
				if _, err := c.Refund(context.Background(), debits[w], refund); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	r.elapsed = time.Since(start)

	b.StopTimer()
	r.fakeAfter = heapInUse()
	require.Len(b, srv.Ledger(), r.workers+r.refunds)
	srv.Close()
	srv = nil // the fake's ledger and request log may go now,
	// once the goroutines of its connections, and of the Client's, end.
	waitGoroutines(b, goroutines)
	r.heapAfter = heapInUse()
	runtime.KeepAlive(c)
	b.StartTimer()
}

// waitGoroutines waits up to 10s for the number of goroutines to fall to n.
func waitGoroutines(b *testing.B, n int) {
	for deadline := time.Now().Add(10 * time.Second); runtime.NumGoroutine() > n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatalf("%d goroutines still running, %d before", runtime.NumGoroutine(), n)
		}
	}
}

// heapInUse returns the bytes of live heap objects after two collections:
// what sync.Pools hold survives the first.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
