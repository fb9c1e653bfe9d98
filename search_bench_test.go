package backoffice_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/c81406b6/backoffice"
)

// BenchmarkSearch100k iterates 100,000 records (200 pages of 500) served
// by a raw server that builds each page on demand, and reports per record
// the bytes and allocations, and the most heap in use seen while iterating
// above what was in use before (sampled ten times a run). The heap figure
// stays flat from 10,000 to 100,000 records: Search holds one page at a
// time. The allocations counted include the in-process server's few per
// request.
//
//	go test -run '^$' -bench BenchmarkSearch -benchtime 3x .
func BenchmarkSearch(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) { benchmarkSearch(b, n) })
	}
}

func benchmarkSearch(b *testing.B, records int) {
	const size = backoffice.MaxSearchPageSize
	// Every page is the same full page, built once, so that the figures
	// are the client's: records is a multiple of size.
	body := []byte(benchPage(records/size, size))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	c, err := backoffice.NewClient(bearerCreds, backoffice.WithBaseURL(srv.URL))
	if err != nil {
		b.Fatal(err)
	}
	req := wholeDay()
	req.PageSize = size

	var ms runtime.MemStats
	var peak uint64
	runtime.ReadMemStats(&ms)
	mallocs, total := ms.Mallocs, ms.TotalAlloc
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		base := ms.HeapInuse
		n := 0
		for _, err := range c.Search(context.Background(), req) {
			if err != nil {
				b.Fatal(err)
			}
			if n++; n%(records/10) == 0 { // ten samples a run
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > base {
					peak = max(peak, ms.HeapInuse-base)
				}
			}
		}
		if n != records {
			b.Fatalf("%d records, want %d", n, records)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms)
	perRecord := float64(b.N * records)
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(ms.Mallocs-mallocs)/perRecord, "allocs/record")
	b.ReportMetric(float64(ms.TotalAlloc-total)/perRecord, "B/record")
}

var benchRecord = `{"id":"8ac7a4a178a6ec6e0178b0b1f6fb%04x","referencedId":"8ac7a4a1845f7e19018461a00b366a74","paymentType":"RF",` +
	`"paymentBrand":"VISA","amount":"92.00","currency":"EUR","descriptor":"5256.4385.1634 OPP_Channel",` +
	`"merchantTransactionId":"test123","result":{"code":"000.100.110","description":"Request successfully processed in 'Merchant in Integrator Test Mode'"},` +
	`"resultDetails":{"clearingInstituteName":"Elavon-euroconex_UK_Test"},` +
	`"card":{"bin":"420000","last4Digits":"0000","holder":"Jane Jones","expiryMonth":"05","expiryYear":"2034"},` +
	`"buildNumber":"9a7f25e2679d81630133ac842b2597f4a8f41935@2022-08-25 09:15:46 +0000","timestamp":"2021-04-08 08:55:56.575+0000",` +
	`"ndc":"8a8294174b7ecb28014b9699220015ca_a8efc35bca764fcf8fb4f6711f928c0c"}`

func benchPage(pages, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `{"result":{"code":"000.000.100","description":"successful request"},"pages":%d,"records":[`, pages)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, benchRecord, i)
	}
	b.WriteString("]}")
	return b.String()
}
