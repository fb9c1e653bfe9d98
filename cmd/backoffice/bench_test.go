//go:build unix

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/shopspring/decimal"
)

// benchFake is "backoffice fake" in a process of its own, so that the
// heap measured is the client's alone, not the fake's growing ledger.
type benchFake struct {
	url, token, entity string
	cmd                *exec.Cmd
}

func startBenchFake(b *testing.B) *benchFake {
	b.Helper()
	cmd := exec.Command(builtCommand(b), "fake")
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatal(err)
	}
	var info struct{ URL, AccessToken, EntityID string }
	json.Unmarshal([]byte(line), &info)
	return &benchFake{url: info.URL, token: info.AccessToken, entity: info.EntityID, cmd: cmd}
}

// debits seeds n debits of 10.00 EUR over HTTP, 32 at a time.
func (f *benchFake) debits(b *testing.B, n int) []string {
	ids := make([]string, n)
	var wg sync.WaitGroup
	var next atomic.Int64
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				form := url.Values{"entityId": {f.entity}, "amount": {"10.00"}, "currency": {"EUR"}, "paymentType": {"DB"}}
				req, _ := http.NewRequest(http.MethodPost, f.url+"/v1/payments", strings.NewReader(form.Encode()))
				req.Header.Set("Authorization", "Bearer "+f.token)
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				var p struct{ ID string }
				json.NewDecoder(resp.Body).Decode(&p)
				resp.Body.Close()
				ids[i] = p.ID
			}
		}()
	}
	wg.Wait()
	return ids
}

func (f *benchFake) client(b *testing.B) *backoffice.Client {
	c, err := backoffice.NewClient(backoffice.BearerCredentials{AccessToken: f.token, EntityID: f.entity}, backoffice.WithBaseURL(f.url))
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// liveHeap is the heap left after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// heapSampler records the peak live heap while a run lasts.
type heapSampler struct {
	stop chan struct{}
	done chan struct{}
	peak uint64
	// first is the heap once a tenth of the rows are done.
	first atomic.Uint64
}

func sampleHeap(progress func() float64) *heapSampler {
	h := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-h.stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&ms)
				h.peak = max(h.peak, ms.HeapAlloc)
				if h.first.Load() == 0 && progress() >= 0.1 {
					h.first.Store(ms.HeapAlloc)
				}
			}
		}
	}()
	return h
}

func (h *heapSampler) end(b *testing.B) {
	close(h.stop)
	<-h.done
	b.ReportMetric(float64(h.peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(h.first.Load())/(1<<20), "heap-at-10%-MB")
}

const benchConcurrency = 32

// BenchmarkJob runs 10,000 refunds through the command's job (journal,
// group-committed fsyncs, progress bookkeeping) at concurrency 32 against
// "backoffice fake"; BenchmarkBareSDK makes the same refunds with the SDK
// alone, 32 goroutines. The difference is the command's per-row overhead.
func BenchmarkJob(b *testing.B) {
	for _, n := range []int{2_000, 10_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			f := startBenchFake(b)
			client := f.client(b)
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				ids := f.debits(b, n)
				var csv strings.Builder
				csv.WriteString("operation,payment_id,amount,currency\n")
				for _, id := range ids {
					fmt.Fprintf(&csv, "RF,%s,1.00,EUR\n", id)
				}
				data := []byte(csv.String())
				rows, hash, err := parseInput(data)
				if err != nil {
					b.Fatal(err)
				}
				jpath := filepath.Join(b.TempDir(), "job.journal")
				check, _ := offlineClient(nil)
				if err := planJob(jpath, "bench.csv", hash, rows, check); err != nil {
					b.Fatal(err)
				}
				j, err := openJob(jpath)
				if err != nil {
					b.Fatal(err)
				}
				j.client = client
				j.cfg = Config{Concurrency: benchConcurrency, CallTimeout: time.Minute, ResolveTimeout: time.Minute}
				before := liveHeap()
				h := sampleHeap(func() float64 { j.mu.Lock(); defer j.mu.Unlock(); return float64(j.done) / float64(n) })
				start := time.Now()
				b.StartTimer()
				if err := j.Process(context.Background(), false); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				el := time.Since(start)
				h.end(b)
				b.ReportMetric(float64(liveHeap()-before)/float64(n), "live-B/row-after")
				if c := j.counts[stateBooked]; c != n {
					b.Fatalf("%d of %d booked", c, n)
				}
				fi, _ := os.Stat(jpath)
				j.Close()
				b.ReportMetric(float64(n)/el.Seconds(), "rows/s")
				b.ReportMetric(float64(el.Microseconds())/float64(n), "µs/row")
				b.ReportMetric(float64(fi.Size())/float64(n), "journal-B/row")
				b.StartTimer()
			}
		})
	}
}

func BenchmarkBareSDK(b *testing.B) {
	for _, n := range []int{2_000, 10_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			f := startBenchFake(b)
			client := f.client(b)
			amount := decimal.RequireFromString("1.00")
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				ids := f.debits(b, n)
				var done atomic.Int64
				runtime.GC()
				h := sampleHeap(func() float64 { return float64(done.Load()) / float64(n) })
				start := time.Now()
				b.StartTimer()
				var wg sync.WaitGroup
				var next atomic.Int64
				for range benchConcurrency {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for k := int(next.Add(1) - 1); k < n; k = int(next.Add(1) - 1) {
							if _, err := client.Refund(context.Background(), ids[k], backoffice.RefundRequest{
								Amount: amount, Currency: "EUR", MerchantTransactionID: backoffice.NewMerchantTransactionID()}); err != nil {
								b.Error(err)
							}
							done.Add(1)
						}
					}()
				}
				wg.Wait()
				b.StopTimer()
				el := time.Since(start)
				h.end(b)
				b.ReportMetric(float64(n)/el.Seconds(), "rows/s")
				b.ReportMetric(float64(el.Microseconds())/float64(n), "µs/row")
				b.StartTimer()
			}
		})
	}
}
