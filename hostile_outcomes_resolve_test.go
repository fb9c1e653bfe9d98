package backoffice_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Resolve with nothing to resolve answers a *ValidationError, without
// panicking and without sending anything.
func TestHostileOutcomeResolveNilAndMalformed(t *testing.T) {
	t.Parallel()
	s := newHoWire(t, hoResent, func(_ int, w http.ResponseWriter, _ *http.Request) { hoFoundList(w, hoOurs) })
	c := s.client(t)
	cases := map[string]*backoffice.UncertainError{
		"nil":                nil,
		"zero":               {},
		"no id":              {Operation: backoffice.PaymentTypeRefund, PaymentID: "db1", Amount: dec("5"), Currency: "EUR", SentAt: time.Now()},
		"no operation":       {MerchantTransactionID: "mtid-1", PaymentID: "db1", Amount: dec("5"), Currency: "EUR", SentAt: time.Now()},
		"unknown operation":  {MerchantTransactionID: "mtid-1", Operation: "XX", PaymentID: "db1", Amount: dec("5"), Currency: "EUR", SentAt: time.Now()},
		"refund, no payment": {MerchantTransactionID: "mtid-1", Operation: backoffice.PaymentTypeRefund, Amount: dec("5"), Currency: "EUR", SentAt: time.Now()},
		"negative amount":    {MerchantTransactionID: "mtid-1", Operation: backoffice.PaymentTypeRefund, PaymentID: "db1", Amount: dec("-5"), Currency: "EUR", SentAt: time.Now()},
	}
	for name, u := range cases {
		t.Run(name, func(t *testing.T) {
			var p *backoffice.Payment
			var err error
			require.NotPanics(t, func() { p, err = c.Resolve(hoCtx(t, time.Second), u) })
			assert.Nil(t, p)
			var ve *backoffice.ValidationError
			assert.ErrorAs(t, err, &ve, "Resolve of %s", name)
		})
	}
	posts, _ := s.times()
	assert.Empty(t, posts, "Resolve sent a money-moving request")
}

// A job stores the uncertain error as JSON and resolves it after a restart
// with a fresh client: the booking the ledger has, found without a resend,
// for a full reversal (whose record carries the reversed amount although the
// call sent none) and for a credit (no payment id).
func TestHostileOutcomeResolveFromJSONOnFreshClient(t *testing.T) {
	t.Parallel()
	for _, op := range hoOps() {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			srv := hoFake(t, backofficetest.WithBookingLatency(30*time.Millisecond), backofficetest.WithDuplicateDetection())
			policy := hoPolicy
			policy.MaxAttempts = 1
			mk := func() *backoffice.Client {
				c, err := backoffice.NewClient(srv.BearerCredentials(), backoffice.WithBaseURL(srv.URL), backoffice.WithRetryPolicy(policy))
				require.NoError(t, err)
				return c
			}
			ref, call := op.prepare(t, srv, mk())
			// Every look-up the first client makes is throttled, so it has to give up as Unknown:
			// a call stops looking after its second look-up past the settle time. The context
			// only bounds a hang; a short one could end before the request is even written,
			// and the call would rightly be not sent.
			srv.InjectFaultFunc(func(o backofficetest.Op, _ int) (backofficetest.Fault, bool) {
				return backofficetest.Fault{Kind: backofficetest.FaultThrottle}, o == backofficetest.OpQuery
			})
			srv.InjectFault(op.op, 1, backofficetest.Fault{Kind: backofficetest.FaultProxyTimeout})
			_, err := call(hoCtx(t, 5*time.Second), mk())
			u := hoCheckUncertain(t, err, srv.BearerCredentials().AccessToken, hoCard.Number, hoCard.CVV)
			srv.ClearFaults()
			stored, jerr := json.Marshal(u)
			require.NoError(t, jerr)

			var back backoffice.UncertainError
			require.NoError(t, json.Unmarshal(stored, &back))
			before := len(srv.Requests())
			p, rerr := mk().Resolve(hoCtx(t, 5*time.Second), &back)
			require.NoError(t, rerr, "Resolve of %s", stored)
			srv.AwaitBookings()
			var booked []backofficetest.Entry
			if ref == "" {
				for _, e := range srv.Ledger() {
					if e.Type == op.typ {
						booked = append(booked, e)
					}
				}
			} else {
				booked = srv.Entries(ref, op.typ)
			}
			require.Len(t, booked, 1)
			assert.Equal(t, booked[0].ID, p.ID)
			for _, r := range srv.Requests()[before:] {
				assert.Equal(t, http.MethodGet, r.Method, "Resolve sent %s %s", r.Method, r.Path)
			}
		})
	}
}

// Resolve proves absence only after SentAt+SettleTime: a SentAt in the
// future (a clock skew between the job that stored it and the one resolving)
// must not give ErrNotBooked early, and never a resend.
func TestHostileOutcomeResolveBeforeSettleTimeNeverProvesAbsence(t *testing.T) {
	t.Parallel()
	// Each SentAt is taken when its subtest runs: parallel subtests may
	// start long after the loop.
	for name, sentAtFn := range map[string]func() time.Time{
		"just now":         time.Now,
		"in the future":    func() time.Time { return time.Now().Add(time.Hour) },
		"zero (means now)": func() time.Time { return time.Time{} },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sentAt := sentAtFn()
			s := newHoWire(t, hoResent, func(_ int, w http.ResponseWriter, _ *http.Request) { notFound(w) })
			policy := hoPolicy
			policy.SettleTime = 10 * time.Second
			c := s.client(t, backoffice.WithRetryPolicy(policy))
			u := &backoffice.UncertainError{MerchantTransactionID: "mtid-1", Operation: backoffice.PaymentTypeRefund, PaymentID: "db1", Amount: dec("5"), Currency: "EUR", SentAt: sentAt}
			p, err := c.Resolve(hoCtx(t, 200*time.Millisecond), u)
			assert.Nil(t, p)
			assert.False(t, errors.Is(err, backoffice.ErrNotBooked), "absence proven before the settle time")
			hoCheckUncertainResolve(t, err)
			posts, _ := s.times()
			assert.Empty(t, posts)
		})
	}
}

// hoCheckUncertainResolve is hoCheckUncertain for an error Resolve returns
// (whose SentAt may be zero when the caller gave none).
func hoCheckUncertainResolve(t *testing.T, err error) {
	t.Helper()
	var u *backoffice.UncertainError
	require.ErrorAs(t, err, &u)
	assert.Equal(t, backoffice.Unknown, backoffice.OutcomeOf(err))
	var re *backoffice.ResultError
	var he *backoffice.HTTPError
	var ne *backoffice.NotSentError
	assert.False(t, errors.As(err, &re) || errors.As(err, &he) || errors.As(err, &ne), "uncertain chain holds a 'nothing booked' error: %v", err)
}

// Long after the settle time, one "not found" settles it: ErrNotBooked. A
// look-up that is throttled every time leaves it Unknown when ctx ends.
func TestHostileOutcomeResolveOldCall(t *testing.T) {
	t.Parallel()
	old := &backoffice.UncertainError{MerchantTransactionID: "mtid-1", Operation: backoffice.PaymentTypeRefund, PaymentID: "db1", Amount: dec("5"), Currency: "EUR", SentAt: time.Now().Add(-time.Hour)}
	t.Run("not found", func(t *testing.T) {
		t.Parallel()
		s := newHoWire(t, hoResent, func(_ int, w http.ResponseWriter, _ *http.Request) { notFound(w) })
		_, err := s.client(t).Resolve(hoCtx(t, 2*time.Second), old)
		assert.ErrorIs(t, err, backoffice.ErrNotBooked)
		assert.Equal(t, backoffice.NotBooked, backoffice.OutcomeOf(err))
	})
	t.Run("throttled", func(t *testing.T) {
		t.Parallel()
		s := newHoWire(t, hoResent, func(_ int, w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, 400, `{"result":{"code":"800.120.100","description":"Rejected by Throttling."}}`)
		})
		_, err := s.client(t).Resolve(hoCtx(t, 200*time.Millisecond), old)
		hoCheckUncertainResolve(t, err)
	})
	t.Run("near miss only", func(t *testing.T) {
		t.Parallel()
		s := newHoWire(t, hoResent, func(_ int, w http.ResponseWriter, _ *http.Request) {
			hoFoundList(w, hoRecord("rf-x", "db1", "RF", "6.00", "EUR", "mtid-1", "000.100.110"))
		})
		p, err := s.client(t).Resolve(hoCtx(t, 300*time.Millisecond), old)
		assert.Error(t, err, "claimed another amount's record as this call's booking: %+v", p)
	})
}

// A merchantTransactionId with query syntax in it is looked up as itself.
func TestHostileOutcomeResolveEncodesMerchantTransactionID(t *testing.T) {
	t.Parallel()
	id := "a&entityId=evil#x y+z%2F"
	s := newHoWire(t, hoResent, func(_ int, w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("merchantTransactionId") == id {
			hoFoundList(w, hoRecord("rf-odd", "db1", "RF", "5.00", "EUR", id, "000.100.110"))
			return
		}
		notFound(w)
	})
	u := &backoffice.UncertainError{MerchantTransactionID: id, Operation: backoffice.PaymentTypeRefund, PaymentID: "db1", Amount: dec("5"), Currency: "EUR", SentAt: time.Now().Add(-time.Hour)}
	p, err := s.client(t).Resolve(hoCtx(t, 2*time.Second), u)
	if err != nil {
		var ve *backoffice.ValidationError
		require.ErrorAs(t, err, &ve, "neither found nor refused as input: %v", err)
		return
	}
	assert.Equal(t, "rf-odd", p.ID)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, q := range s.gets {
		v, _ := url.ParseQuery(q)
		assert.Len(t, v["entityId"], 1, "the id injected a parameter: %s", q)
	}
}

// Resolve spaces its look-ups of one id by LookupInterval, also when two
// Resolves of the same id run at once on one client. The times are the
// look-ups' arrivals at the gateway, each some time after its turn (how
// late depends on the machine's load), so two arrivals may be closer than
// their turns were; only bounds that hold however late each one is are
// asserted: the k-th look-up to arrive came at least k intervals after the
// start (its turn was at least the k-th), and no more look-ups came than
// turns an interval apart fit between the start and the end.
func TestHostileOutcomeResolveSpacesLookups(t *testing.T) {
	t.Parallel()
	s := newHoWire(t, hoResent, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 400, `{"result":{"code":"800.120.100","description":"Rejected by Throttling."}}`)
	})
	policy := hoPolicy
	policy.LookupInterval = 100 * time.Millisecond
	c := s.client(t, backoffice.WithRetryPolicy(policy))
	u := &backoffice.UncertainError{MerchantTransactionID: "mtid-1", Operation: backoffice.PaymentTypeRefund, PaymentID: "db1", Amount: dec("5"), Currency: "EUR", SentAt: time.Now().Add(-time.Hour)}
	done := make(chan struct{})
	start := time.Now()
	for range 2 {
		go func() {
			defer func() { done <- struct{}{} }()
			c.Resolve(hoCtx(t, 600*time.Millisecond), u)
		}()
	}
	<-done
	<-done
	end := time.Now()
	_, gets := s.times()
	require.NotEmpty(t, gets)
	sort.Slice(gets, func(i, j int) bool { return gets[i].Before(gets[j]) })
	for k := 1; k < len(gets); k++ {
		if !assert.GreaterOrEqual(t, gets[k].Sub(start), time.Duration(k)*policy.LookupInterval,
			"look-up %d came before %d intervals had passed: look-ups of one id are not spaced", k+1, k) {
			break
		}
	}
	assert.LessOrEqual(t, len(gets), int(end.Sub(start)/policy.LookupInterval)+1,
		"more look-ups than turns %v apart fit in %v", policy.LookupInterval, end.Sub(start))
}
