package backoffice

import (
	"os"
	"testing"

	"github.com/c81406b6/backoffice/internal/wire"
)

// BenchmarkDecodePayment measures what turns an answer's bytes into a
// Payment: the wire decode and the mapping, without the HTTP exchange.
func BenchmarkDecodePayment(b *testing.B) {
	body, err := os.ReadFile("testdata/responses/bearer_capture.json")
	if err != nil {
		b.Fatal(err)
	}
	c := fuzzClients(b)[0]
	cl := &call{name: "capture", op: PaymentTypeCapture, target: "8a8294496242ba5301625069d1b27e3d", mtid: "Order Number 123"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w, err := wire.Decode(body)
		if err != nil {
			b.Fatal(err)
		}
		if p := c.payment(w, body, cl); p.Timestamp.IsZero() || p.Amount.IsZero() {
			b.Fatal("amount or timestamp not parsed")
		}
	}
}
