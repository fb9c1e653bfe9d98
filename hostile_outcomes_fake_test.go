package backoffice_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/stretchr/testify/require"
)

// hoOp is one bearer money-moving operation against the fake: prepare books
// what it needs and returns the referenced id ("" for a credit) and the call.
type hoOp struct {
	name    string
	typ     backoffice.PaymentType
	op      backofficetest.Op
	prepare func(t *testing.T, srv *backofficetest.Server, c *backoffice.Client) (ref string, call func(ctx context.Context, c *backoffice.Client) (*backoffice.Payment, error))
}

var hoCard = backoffice.Card{Number: "4200000000000000", Holder: "Jane Jones", ExpiryMonth: "12", ExpiryYear: "2031", CVV: "737"}

// hoOps are the bearer money-moving operations of the catalogue, each on
// a fresh target bearing 10.00 EUR.
func hoOps() []hoOp {
	var out []hoOp
	for _, o := range opsWhere(func(op testOp, v variant) bool {
		return v == bearerVariant && op.on(v) == supported && op.movesMoney()
	}) {
		out = append(out, hoOp{o.name, o.paymentType, o.fakeOp(), func(_ *testing.T, srv *backofficetest.Server, _ *backoffice.Client) (string, func(context.Context, *backoffice.Client) (*backoffice.Payment, error)) {
			target := o.target.book(srv)
			a := o.ledgerArgs(target, "")
			if o.target == targetNone {
				card := hoCard
				a.card = &card
			}
			ref := target
			if o.target == targetRegistration {
				ref = "" // a credit references no payment: found by its type
			}
			return ref, func(ctx context.Context, c *backoffice.Client) (*backoffice.Payment, error) {
				p, _, err := o.call(ctx, c, a)
				return p, err
			}
		}})
	}
	return out
}

// hoFault is a way for the first attempt to go wrong. attemptTimeout means
// no fault: the client gives up on the answer while the late booking lands.
type hoFault struct {
	name           string
	fault          backofficetest.Fault
	attemptTimeout bool
}

func hoFaults() []hoFault {
	return []hoFault{
		{name: "proxy 504", fault: backofficetest.Fault{Kind: backofficetest.FaultProxyTimeout}},
		{name: "proxy 504 after 20ms", fault: backofficetest.Fault{Kind: backofficetest.FaultProxyTimeout, Latency: 20 * time.Millisecond}},
		{name: "dropped after booking", fault: backofficetest.Fault{Kind: backofficetest.FaultDropAfterBooking}},
		{name: "dropped before booking", fault: backofficetest.Fault{Kind: backofficetest.FaultDropBeforeBooking}},
		{name: "uncertain booked", fault: backofficetest.Fault{Kind: backofficetest.FaultUncertain, Booked: true}},
		{name: "uncertain unbooked", fault: backofficetest.Fault{Kind: backofficetest.FaultUncertain}},
		{name: "malformed booked", fault: backofficetest.Fault{Kind: backofficetest.FaultMalformedJSON, Booked: true}},
		{name: "truncated booked", fault: backofficetest.Fault{Kind: backofficetest.FaultTruncatedJSON, Booked: true}},
		{name: "misrouted booked", fault: backofficetest.Fault{Kind: backofficetest.FaultMisrouted, Booked: true}},
		{name: "misrouted unbooked", fault: backofficetest.Fault{Kind: backofficetest.FaultMisrouted}},
		{name: "redirect 303", fault: backofficetest.Fault{Kind: backofficetest.FaultRedirect, StatusCode: 303}},
		{name: "redirect 307", fault: backofficetest.Fault{Kind: backofficetest.FaultRedirect, StatusCode: 307}},
		{name: "redirect 308", fault: backofficetest.Fault{Kind: backofficetest.FaultRedirect, StatusCode: 308}},
		{name: "html 502", fault: backofficetest.Fault{Kind: backofficetest.FaultServerError, StatusCode: 502}},
		{name: "html 503", fault: backofficetest.Fault{Kind: backofficetest.FaultServerError, StatusCode: 503}},
		{name: "attempt timeout", attemptTimeout: true},
	}
}

// hoEnv is the gateway's mood besides the fault.
type hoEnv struct {
	name string
	opts []backofficetest.Option
	// lostLookup makes the first look-up's answer get lost too.
	lostLookup bool
}

func hoEnvs(latency time.Duration) []hoEnv {
	lat := []backofficetest.Option{}
	if latency > 0 {
		lat = append(lat, backofficetest.WithBookingLatency(latency))
	}
	with := func(o ...backofficetest.Option) []backofficetest.Option {
		return append(append([]backofficetest.Option{}, lat...), o...)
	}
	return []hoEnv{
		{name: "plain", opts: with()},
		{name: "duplicate detection", opts: with(backofficetest.WithDuplicateDetection())},
		{name: "look-up throttle 1 per 60ms", opts: with(backofficetest.WithLookupThrottle(1, 60*time.Millisecond))},
		{name: "first look-up lost", opts: with(backofficetest.WithDuplicateDetection()), lostLookup: true},
	}
}

// Every fault on the first attempt of every bearer money-moving operation,
// with bookings instant and late (landing well inside the settle time, and
// after the client's first look-up could have come), with duplicate
// detection, a per-id look-up throttle, and a look-up whose answer is lost:
// never two bookings, never "not booked" for a booking, never a booking
// reported that is not the ledger's, and every Unknown resolved from JSON
// by a fresh client to the ledger's truth.
func TestHostileOutcomeLateBookingMatrix(t *testing.T) {
	t.Parallel()
	for _, latency := range []time.Duration{0, 30 * time.Millisecond} {
		for _, env := range hoEnvs(latency) {
			for _, op := range hoOps() {
				for _, f := range hoFaults() {
					if f.attemptTimeout && latency == 0 {
						continue
					}
					name := fmt.Sprintf("latency=%v/%s/%s/%s", latency, env.name, op.name, f.name)
					t.Run(name, func(t *testing.T) {
						t.Parallel()
						srv := hoFake(t, env.opts...)
						mk := func() *backoffice.Client { return hoClient(t, srv) }
						c := mk()
						if f.attemptTimeout {
							c = hoClient(t, srv, backoffice.WithAttemptTimeout(10*time.Millisecond))
						}
						ref, call := op.prepare(t, srv, mk())
						if f.attemptTimeout {
							// no fault: the answer waits for the booking, the client does not
						} else {
							srv.InjectFault(op.op, 1, f.fault)
						}
						if env.lostLookup {
							srv.InjectFault(backofficetest.OpQuery, 1, backofficetest.Fault{Kind: backofficetest.FaultDropAfterBooking})
						}
						p, err := call(hoCtx(t, 5*time.Second), c)
						hoSettle(t, srv, mk, ref, op.typ, p, err)
					})
				}
			}
		}
	}
}

// A fault on every attempt, not just the first: a gateway whose proxy
// answers 504 to every refund while each one lands late. Resending after a
// "not found" that raced the first booking books twice.
func TestHostileOutcomeEveryAttemptProxyTimeoutLateBooking(t *testing.T) {
	t.Parallel()
	for _, kind := range []backofficetest.FaultKind{backofficetest.FaultProxyTimeout, backofficetest.FaultDropAfterBooking, backofficetest.FaultMisrouted} {
		t.Run(kind.String(), func(t *testing.T) {
			t.Parallel()
			srv := hoFake(t, backofficetest.WithBookingLatency(40*time.Millisecond))
			srv.InjectFaultFunc(func(op backofficetest.Op, _ int) (backofficetest.Fault, bool) {
				if op == backofficetest.OpRefund {
					return backofficetest.Fault{Kind: kind, Booked: true}, true
				}
				return backofficetest.Fault{}, false
			})
			mk := func() *backoffice.Client { return hoClient(t, srv) }
			db := srv.Debit(dec("50.00"), "EUR")
			p, err := mk().Refund(hoCtx(t, 5*time.Second), db, backoffice.RefundRequest{Amount: dec("5.00"), Currency: "EUR"})
			srv.ClearFaults()
			hoSettle(t, srv, mk, db, backoffice.PaymentTypeRefund, p, err)
		})
	}
}

// The caller's context ends long before the settle time: the call must come
// back by then (not block until SentAt+SettleTime), and as Unknown. The
// context is 2 s, so that the refund reaches the gateway on a loaded
// machine, and still far from the 30 s settle time.
func TestHostileOutcomeCallNeverBlocksPastContext(t *testing.T) {
	t.Parallel()
	srv := hoFake(t, backofficetest.WithBookingLatency(20*time.Millisecond))
	policy := hoPolicy
	policy.SettleTime = 30 * time.Second
	c, err := backoffice.NewClient(srv.BearerCredentials(), backoffice.WithBaseURL(srv.URL), backoffice.WithRetryPolicy(policy))
	require.NoError(t, err)
	db := srv.Debit(dec("50.00"), "EUR")
	srv.InjectFault(backofficetest.OpRefund, 1, backofficetest.Fault{Kind: backofficetest.FaultProxyTimeout})
	const deadline = 2 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	p, err := c.Refund(ctx, db, backoffice.RefundRequest{Amount: dec("5.00"), Currency: "EUR"})
	elapsed := time.Since(start)
	require.Less(t, elapsed, deadline+3*time.Second, "the call blocked far past its context")
	srv.AwaitBookings()
	require.Len(t, srv.Entries(db, backoffice.PaymentTypeRefund), 1)
	if err == nil {
		require.Equal(t, srv.Entries(db, backoffice.PaymentTypeRefund)[0].ID, p.ID)
		return
	}
	hoCheckUncertain(t, err, srv.BearerCredentials().AccessToken)
}

// Many refunds of one debit at once on one client, each with its own
// merchantTransactionId, while the gateway books late, throttles look-ups
// per id, detects duplicates and mangles a third of the answers: each call's
// answer agrees with the ledger for its own id, and no id is booked twice.
func TestHostileOutcomeConcurrentRefundsOneClient(t *testing.T) {
	t.Parallel()
	srv := hoFake(t, backofficetest.WithBookingLatency(25*time.Millisecond), backofficetest.WithLookupThrottle(2, 50*time.Millisecond), backofficetest.WithDuplicateDetection())
	kinds := []backofficetest.FaultKind{backofficetest.FaultProxyTimeout, backofficetest.FaultDropAfterBooking, backofficetest.FaultMisrouted, backofficetest.FaultUncertain, backofficetest.FaultTruncatedJSON}
	srv.InjectFaultFunc(func(op backofficetest.Op, n int) (backofficetest.Fault, bool) {
		if op != backofficetest.OpRefund || n%3 != 0 {
			return backofficetest.Fault{}, false
		}
		return backofficetest.Fault{Kind: kinds[(n/3)%len(kinds)], Booked: true}, true
	})
	c := hoClient(t, srv)
	db := srv.Debit(dec("1000.00"), "EUR")
	const n = 30
	type result struct {
		p   *backoffice.Payment
		err error
	}
	results := make([]result, n)
	done := make(chan int)
	for i := range n {
		go func() {
			p, err := c.Refund(hoCtx(t, 5*time.Second), db, backoffice.RefundRequest{Amount: dec("1.00"), Currency: "EUR", MerchantTransactionID: fmt.Sprintf("conc-%02d", i)})
			results[i] = result{p, err}
			done <- i
		}()
	}
	for range n {
		<-done
	}
	srv.ClearFaults()
	srv.AwaitBookings()
	byID := map[string][]backofficetest.Entry{}
	for _, e := range srv.Entries(db, backoffice.PaymentTypeRefund) {
		byID[e.MerchantTransactionID] = append(byID[e.MerchantTransactionID], e)
	}
	for i, r := range results {
		id := fmt.Sprintf("conc-%02d", i)
		booked := byID[id]
		require.LessOrEqual(t, len(booked), 1, "%s booked twice", id)
		switch backoffice.OutcomeOf(r.err) {
		case backoffice.Booked:
			require.Len(t, booked, 1, "%s reported booked", id)
			require.Equal(t, booked[0].ID, r.p.ID, "%s", id)
		case backoffice.NotBooked:
			require.Empty(t, booked, "%s reported not booked: %v", id, r.err)
		case backoffice.Unknown:
			hoCheckUncertain(t, r.err)
		}
	}
}
