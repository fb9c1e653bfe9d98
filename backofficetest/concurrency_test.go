package backofficetest_test

import (
	"math/rand"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hammer runs fn from n goroutines at once and waits for them.
func hammer(n int, fn func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			fn(i)
		}()
	}
	close(start)
	wg.Wait()
}

func TestConcurrentRefundsNeverExceedTheDebit(t *testing.T) {
	t.Parallel()
	g := newGateway(t)
	debit := debit50(g)
	var ok, refused atomic.Int32

	hammer(64, func(int) {
		r := g.send(g.refundRequest(debit, ""))
		switch {
		case r.status == http.StatusOK && r.p.Result.Code == booked:
			ok.Add(1)
		case r.status == http.StatusBadRequest && r.p.Result.Code == "700.400.200":
			refused.Add(1)
		}
		_ = g.srv.Ledger() // inspection while requests fly
	})

	assert.EqualValues(t, 50, ok.Load())
	assert.EqualValues(t, 14, refused.Load())
	refunds := g.srv.Entries(debit, backoffice.PaymentTypeRefund)
	assert.Len(t, refunds, 50)
	assert.True(t, sum(refunds).Equal(dec("50.00")), "refunded %s", sum(refunds))
	assert.Len(t, g.srv.Attempts(), 14)
	assert.Len(t, g.srv.Requests(), 64)
}

func TestConcurrentRefundsThroughBothVariants(t *testing.T) {
	t.Parallel()
	g := newGateway(t)
	debit := debit50(g)
	var ok atomic.Int32

	hammer(64, func(i int) {
		if i%2 == 0 {
			if g.send(g.refundRequest(debit, "")).p.Result.Code == booked {
				ok.Add(1)
			}
			return
		}
		if _, c := g.checksum(g.srv.TrackingID(debit), "RF", "1.00"); c.Result.Code == "00005" {
			ok.Add(1)
		}
	})

	assert.EqualValues(t, 50, ok.Load())
	assert.True(t, sum(g.srv.Entries(debit, backoffice.PaymentTypeRefund)).Equal(dec("50.00")))
}

func TestConcurrentCaptures(t *testing.T) {
	t.Parallel()
	g := newGateway(t, backofficetest.WithMultipleCaptures(true))
	auth := g.srv.Preauthorize(dec("10.00"), "EUR")
	var ok atomic.Int32

	hammer(64, func(int) {
		if g.operate(auth, "CP", "0.25", "EUR").status == http.StatusOK {
			ok.Add(1)
		}
	})

	assert.EqualValues(t, 40, ok.Load())
	assert.True(t, sum(g.srv.Entries(auth, backoffice.PaymentTypeCapture)).Equal(dec("10.00")))
}

// TestChaos refunds concurrently under seeded random faults: whatever the
// answers, the ledger never holds more than the debit, and every answer
// that said "booked" is in it.
func TestChaos(t *testing.T) {
	t.Parallel()
	g := newGateway(t)
	debit := debit50(g)
	kinds := []backofficetest.FaultKind{
		backofficetest.FaultNone, backofficetest.FaultServerError, backofficetest.FaultThrottle,
		backofficetest.FaultSessionBusy, backofficetest.FaultDropBeforeBooking, backofficetest.FaultDropAfterBooking,
		backofficetest.FaultMalformedJSON, backofficetest.FaultTruncatedJSON, backofficetest.FaultUncertain,
	}
	rnd := rand.New(rand.NewSource(1)) // calls to the func are serialized
	var faulted atomic.Int32
	g.srv.InjectFaultFunc(func(backofficetest.Op, int) (backofficetest.Fault, bool) {
		f := backofficetest.Fault{Kind: kinds[rnd.Intn(len(kinds))], Booked: rnd.Intn(2) == 0}
		if f.Kind != backofficetest.FaultNone {
			faulted.Add(1)
		}
		return f, true
	})
	var confirmed sync.Map

	hammer(64, func(int) {
		r, err := g.try(g.refundRequest(debit, ""))
		if err == nil && r.status == http.StatusOK && r.jsonOK && r.p.Result.Code == booked {
			confirmed.Store(r.p.ID, true)
		}
	})

	refunds := g.srv.Entries(debit, backoffice.PaymentTypeRefund)
	require.LessOrEqual(t, len(refunds), 50)
	assert.True(t, sum(refunds).Equal(decimal.NewFromInt(int64(len(refunds)))), "refunds of 1.00 each")
	inLedger := map[string]bool{}
	for _, e := range refunds {
		inLedger[e.ID] = true
	}
	confirmed.Range(func(id, _ any) bool {
		assert.True(t, inLedger[id.(string)], "confirmed refund %s is booked", id)
		return true
	})
	assert.EqualValues(t, faulted.Load(), g.srv.FaultsInjected())
	assert.Len(t, g.srv.Requests(), 64)
}
