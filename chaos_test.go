package backoffice_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chaosSeed makes a failing run reproducible: the fault plan is drawn from
// it (arrival order still varies with scheduling).
const chaosSeed = 20261130

// lookupFaults are what the chaos test does to look-ups, besides the
// fake's own per-id throttle.
var lookupFaults = []backofficetest.Fault{
	{Kind: backofficetest.FaultThrottle},
	{Kind: backofficetest.FaultServerError, StatusCode: http.StatusTooManyRequests},
	{Kind: backofficetest.FaultServerError},
	{Kind: backofficetest.FaultDropBeforeBooking},
	{Kind: backofficetest.FaultTruncatedJSON},
}

// TestChaos runs 2,016 bearer money-moving operations from 32 goroutines
// against a fake gateway as hard as the real one: bookings land 40 ms
// after the request, look-ups of one id are throttled beyond 2 per 100 ms,
// and a seeded plan faults over 25% of all requests (money-moving ones
// with every fault kind, look-ups with throttling and errors). Afterwards
// every answer is checked against the ledger (see truth): nothing is
// booked twice, no answer contradicts the ledger, and every Unknown is
// resolved by Resolve, from its JSON on a fresh client, to the ledger's
// truth. The checksum platform cannot prove absence (issue 9); its faults
// are covered by TestChecksumFaultsAreAnsweredTruthfully.
func TestChaos(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("chaos test skipped in -short mode")
	}
	const workers, opsPerWorker = 32, 63
	srv := backofficetest.NewServer(backofficetest.WithMultipleCaptures(true),
		backofficetest.WithBookingLatency(bookingLatency), backofficetest.WithLookupThrottle(2, 100*time.Millisecond))
	defer srv.Close()

	rng := rand.New(rand.NewPCG(chaosSeed, 0))
	var requests, lookupsFaulted int
	srv.InjectFaultFunc(func(op backofficetest.Op, _ int) (backofficetest.Fault, bool) {
		requests++ // called one request at a time
		if rng.Float64() >= 0.3 {
			return backofficetest.Fault{}, false
		}
		if op == backofficetest.OpQuery {
			lookupsFaulted++
			return lookupFaults[rng.IntN(len(lookupFaults))], true
		}
		return faultKinds[rng.IntN(len(faultKinds))], true
	})

	type result struct {
		mtid string
		p    *backoffice.Payment
		err  error
	}
	chaosOps := opsWhere(func(op testOp, v variant) bool {
		return v == bearerVariant && op.on(v) == supported && op.movesMoney()
	})
	results := make([][]result, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newTestClient(t, srv.URL, srv.BearerCredentials(), withMatrixPolicy)
			// A worker's captures share one preauthorization and its
			// refunds and rebills one debit; an operation that acts once
			// on its target (a reversal, a chargeback, ...) gets a fresh one.
			shared := map[targetKind]string{
				targetPreauthorization: srv.Preauthorize(dec("1000.00"), "EUR"),
				targetDebit:            srv.Debit(dec("1000.00"), "EUR"),
			}
			r := rand.New(rand.NewPCG(chaosSeed, uint64(w)+1))
			for i := range opsPerWorker {
				mtid := fmt.Sprintf("chaos-%d-%d", w, i)
				op := chaosOps[r.IntN(len(chaosOps))]
				target, ok := shared[op.target]
				if !ok || !op.repeatable {
					target = op.target.book(srv)
				}
				p, _, err := op.do(c, op.ledgerArgs(target, mtid))
				results[w] = append(results[w], result{mtid, p, err})
			}
		}()
	}
	wg.Wait()
	srv.ClearFaults() // Resolve's look-ups below face the throttle, not the plan

	var ops, contradictions, bookingsMade int
	counts := map[backoffice.Outcome]int{}
	why := map[string]int{} // what the NotBooked answers were
	for _, rs := range results {
		for _, o := range rs {
			ops++
			outcome, contradiction := truth(t, srv, o.mtid, o.p, o.err)
			counts[outcome]++
			if outcome == backoffice.NotBooked {
				why[notBookedReason(o.err)]++
			}
			bookingsMade += len(bookings(srv, o.mtid))
			if contradiction != "" {
				contradictions++
				t.Error(contradiction)
			}
		}
	}
	faulted := srv.FaultsInjected()
	t.Logf("chaos (seed %d): %d operations, %d requests, %d faulted (%.1f%%; %d look-ups), %d bookings; outcomes: %d booked, %d not booked, %d unknown, all resolved to the ledger; %d contradictions",
		chaosSeed, ops, requests, faulted, 100*float64(faulted)/float64(requests), lookupsFaulted, bookingsMade,
		counts[backoffice.Booked], counts[backoffice.NotBooked], counts[backoffice.Unknown], contradictions)
	t.Logf("not booked: %v", why)
	require.Equal(t, workers*opsPerWorker, ops)
	assert.GreaterOrEqual(t, float64(faulted), 0.25*float64(requests), "at least 25% of requests faulted")
	assert.Zero(t, contradictions)
}

// notBookedReason names what proved a call unbooked, for the summary.
func notBookedReason(err error) string {
	var (
		re *backoffice.ResultError
		he *backoffice.HTTPError
		ne *backoffice.NotSentError
	)
	switch {
	case errors.As(err, &re):
		return string(re.Result.Code)
	case errors.As(err, &he):
		return fmt.Sprint("HTTP ", he.StatusCode)
	case errors.As(err, &ne):
		return "not sent"
	case errors.Is(err, backoffice.ErrNotBooked):
		return "proven absent"
	}
	return "other"
}
