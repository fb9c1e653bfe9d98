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
// It reports the throughput (refunds/s) and the heap in use after a GC:
// heap-before-B before the fake gateway and the Client exist, heap-after-B
// after the refunds with the Client still alive but the fake closed. The
// fake keeps every request and booking it receives (tests assert on them),
// so its heap grows with every refund; fake-B/refund is that growth while
// it is open, for scale. A Client that held anything per call would show
// in heap-after-B minus heap-before-B.
func BenchmarkRefunds10k(b *testing.B) {
	const refunds, workers = 10_000, 64
	refund := backoffice.RefundRequest{Amount: decimal.RequireFromString("0.01"), Currency: "EUR"}
	var rate, before, after, fake float64
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		goroutines := runtime.NumGoroutine()
		heapBefore := heapInUse()
		srv := backofficetest.NewServer()
		debits := make([]string, workers)
		for w := range debits {
			debits[w] = srv.Debit(decimal.RequireFromString("1000.00"), "EUR")
		}
		c, err := backoffice.NewClient(srv.BearerCredentials(), backoffice.WithBaseURL(srv.URL))
		require.NoError(b, err)
		fakeBefore := heapInUse()
		b.StartTimer()

		start := time.Now()
		var next atomic.Int64
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for next.Add(1) <= refunds {
					if _, err := c.Refund(context.Background(), debits[w], refund); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		elapsed := time.Since(start)

		b.StopTimer()
		fakeAfter := heapInUse()
		require.Len(b, srv.Ledger(), workers+refunds)
		srv.Close()
		srv = nil // the fake's ledger and request log may go now,
		// once the goroutines of its connections, and of the Client's, end.
		waitGoroutines(b, goroutines)
		heapAfter := heapInUse()
		runtime.KeepAlive(c)
		b.StartTimer()

		rate += refunds / elapsed.Seconds()
		before += float64(heapBefore)
		after += float64(heapAfter)
		fake += (float64(fakeAfter) - float64(fakeBefore)) / refunds
	}
	n := float64(b.N)
	b.ReportMetric(rate/n, "refunds/s")
	b.ReportMetric(before/n, "heap-before-B")
	b.ReportMetric(after/n, "heap-after-B")
	b.ReportMetric(fake/n, "fake-B/refund")
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
