package backoffice_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestChaosChecksum is TestChaos for the checksum platform: captures,
// refunds and reversals, each on a payment of its own (the platform records
// no merchantTransactionId for them, so the ledger is read by payment),
// against late bookings, with over 25% of all requests faulted, look-ups
// included. Nothing is booked twice, no answer contradicts the ledger, and
// every Unknown is settled by Resolve, from its JSON on a fresh client, to
// the ledger's truth.
func TestChaosChecksum(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("chaos test skipped in -short mode")
	}
	const workers, opsPerWorker = 8, 40
	srv := backofficetest.NewServer(backofficetest.WithBookingLatency(bookingLatency))
	defer srv.Close()
	chaosOps := opsWhere(func(op testOp, v variant) bool {
		return v == checksumVariant && op.on(v) == supported && op.movesMoney()
	})
	moving := map[backofficetest.Op]bool{}
	for _, op := range chaosOps {
		moving[op.fakeOp()] = true
	}
	rng := rand.New(rand.NewPCG(chaosSeed, 1))
	var requests int
	srv.InjectFaultFunc(func(op backofficetest.Op, _ int) (backofficetest.Fault, bool) {
		requests++
		if rng.Float64() >= 0.3 {
			return backofficetest.Fault{}, false
		}
		if moving[op] {
			return faultKinds[rng.IntN(len(faultKinds))], true
		}
		return lookupFaults[rng.IntN(len(lookupFaults))], true
	})

	type result struct {
		typ    backoffice.PaymentType
		target string // the fake's id; the platform's is srv.TrackingID(target)
		p      *backoffice.Payment
		err    error
	}
	results := make([][]result, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newTestClient(t, srv.URL, srv.ChecksumCredentials(), withMatrixPolicy)
			r := rand.New(rand.NewPCG(chaosSeed, uint64(w)+100))
			for range opsPerWorker {
				op := chaosOps[r.IntN(len(chaosOps))]
				o := result{typ: op.paymentType, target: op.target.book(srv)}
				o.p, _, o.err = op.do(c, op.ledgerArgs(srv.TrackingID(o.target), ""))
				results[w] = append(results[w], o)
			}
		}()
	}
	wg.Wait()
	srv.ClearFaults()
	srv.AwaitBookings()

	counts := map[backoffice.Outcome]int{}
	var ops, contradictions int
	for _, rs := range results {
		for _, o := range rs {
			ops++
			booked := srv.Entries(o.target, o.typ)
			outcome := backoffice.OutcomeOf(o.err)
			counts[outcome]++
			problem := ""
			switch {
			case len(booked) > 1:
				problem = fmt.Sprintf("%s on %s booked %d times", o.typ, o.target, len(booked))
			case outcome == backoffice.Booked && len(booked) != 1:
				problem = fmt.Sprintf("%s on %s: SDK said booked, ledger has %d", o.typ, o.target, len(booked))
			case outcome == backoffice.NotBooked && len(booked) != 0:
				problem = fmt.Sprintf("%s on %s: SDK said not booked (%v), ledger booked it", o.typ, o.target, o.err)
			case outcome == backoffice.Unknown:
				var ue *backoffice.UncertainError
				if !errors.As(o.err, &ue) {
					problem = fmt.Sprintf("unknown outcome without an *UncertainError: %v", o.err)
					break
				}
				problem = resolvesTo(t, srv, checksumVariant, ue, booked)
			}
			if problem != "" {
				contradictions++
				t.Error(problem)
			}
		}
	}
	faulted := srv.FaultsInjected()
	t.Logf("checksum chaos (seed %d): %d operations, %d requests, %d faulted (%.1f%%); outcomes: %d booked, %d not booked, %d unknown, all resolved to the ledger; %d contradictions",
		chaosSeed, ops, requests, faulted, 100*float64(faulted)/float64(requests),
		counts[backoffice.Booked], counts[backoffice.NotBooked], counts[backoffice.Unknown], contradictions)
	require.Equal(t, workers*opsPerWorker, ops)
	assert.GreaterOrEqual(t, float64(faulted), 0.25*float64(requests))
	assert.Zero(t, contradictions)
}
