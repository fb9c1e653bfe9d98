package backoffice_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Helpers shared by the hostile_outcomes_* tests. They only use the public
// contract: OutcomeOf, *UncertainError, Resolve, and the fake gateway's
// ledger as the ground truth.

// hoPolicy is fast but keeps the settle time clearly above the fake's
// booking latencies used in these tests, so that a gateway honouring the
// settle time never books after it.
var hoPolicy = backoffice.RetryPolicy{MaxAttempts: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond,
	SettleTime: 80 * time.Millisecond, LookupInterval: 10 * time.Millisecond}

// hoCtx bounds one test step.
func hoCtx(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// hoFake starts a fake gateway closed at cleanup.
func hoFake(t *testing.T, opts ...backofficetest.Option) *backofficetest.Server {
	t.Helper()
	srv := backofficetest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// hoClient is a bearer client for srv with hoPolicy.
func hoClient(t *testing.T, srv *backofficetest.Server, opts ...backoffice.Option) *backoffice.Client {
	t.Helper()
	return newTestClient(t, srv.URL, srv.BearerCredentials(), append([]backoffice.Option{backoffice.WithRetryPolicy(hoPolicy)}, opts...)...)
}

// hoCheckUncertain checks what the contract promises of every
// *UncertainError: no "nothing booked" error in its chain, a message naming
// the operation and the merchantTransactionId, and a JSON round trip that
// keeps every exported field and leaks none of secrets.
func hoCheckUncertain(t *testing.T, err error, secrets ...string) *backoffice.UncertainError {
	t.Helper()
	var u *backoffice.UncertainError
	require.ErrorAs(t, err, &u)
	var re *backoffice.ResultError
	var he *backoffice.HTTPError
	var ne *backoffice.NotSentError
	var ve *backoffice.ValidationError
	assert.False(t, errors.As(err, &re), "uncertain chain holds a *ResultError: %v", err)
	assert.False(t, errors.As(err, &he), "uncertain chain holds an *HTTPError: %v", err)
	assert.False(t, errors.As(err, &ne), "uncertain chain holds a *NotSentError: %v", err)
	assert.False(t, errors.As(err, &ve), "uncertain chain holds a *ValidationError: %v", err)
	assert.False(t, errors.Is(err, backoffice.ErrNotBooked), "uncertain chain holds ErrNotBooked: %v", err)
	assert.Equal(t, backoffice.Unknown, backoffice.OutcomeOf(err))
	assert.NotEmpty(t, u.MerchantTransactionID)
	assert.Contains(t, u.Error(), u.MerchantTransactionID)
	if !strings.Contains(u.Error(), string(u.Operation)) {
		assert.Contains(t, u.Error(), hoOpWords[u.Operation], "the message names no operation")
	}
	assert.False(t, u.SentAt.IsZero(), "an uncertain call was sent, so it has a send time")

	b, jerr := json.Marshal(u)
	require.NoError(t, jerr)
	for _, s := range secrets {
		if s != "" {
			assert.False(t, hoLeaks(string(b), s), "secret %q in the uncertain error's JSON: %s", s, b)
			assert.False(t, hoLeaks(err.Error(), s), "secret %q in the uncertain error's message: %v", s, err)
		}
	}
	var back backoffice.UncertainError
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, u.MerchantTransactionID, back.MerchantTransactionID)
	assert.Equal(t, u.Operation, back.Operation)
	assert.Equal(t, u.PaymentID, back.PaymentID)
	assert.True(t, u.Amount.Equal(back.Amount), "amount %s came back as %s", u.Amount, back.Amount)
	assert.Equal(t, u.Currency, back.Currency)
	assert.True(t, u.SentAt.Equal(back.SentAt), "sentAt %v came back as %v", u.SentAt, back.SentAt)
	return u
}

// hoOpWords is how a message may name an operation instead of its code.
var hoOpWords = map[backoffice.PaymentType]string{
	backoffice.PaymentTypeCapture: "capture", backoffice.PaymentTypeRefund: "refund",
	backoffice.PaymentTypeReversal: "reversal", backoffice.PaymentTypeRebill: "rebill",
	backoffice.PaymentTypeChargeback: "chargeback", backoffice.PaymentTypeChargebackReversal: "chargeback reversal",
	backoffice.PaymentTypeCredit: "credit",
}

// hoRoundTrip returns u as a job would get it back after a restart.
func hoRoundTrip(t *testing.T, u *backoffice.UncertainError) *backoffice.UncertainError {
	t.Helper()
	b, err := json.Marshal(u)
	require.NoError(t, err)
	var back backoffice.UncertainError
	require.NoError(t, json.Unmarshal(b, &back))
	return &back
}

// hoSettle holds a money-moving call's answer against the fake's ledger,
// after every late booking landed: Booked must be the one booking,
// NotBooked must have none, and Unknown must have at most one that a fresh
// client's Resolve (from JSON) then reports exactly.
func hoSettle(t *testing.T, srv *backofficetest.Server, mk func() *backoffice.Client, ref string, typ backoffice.PaymentType, p *backoffice.Payment, err error) {
	t.Helper()
	srv.AwaitBookings()
	var booked []backofficetest.Entry
	if ref == "" {
		for _, e := range srv.Ledger() {
			if e.Type == typ {
				booked = append(booked, e)
			}
		}
	} else {
		booked = srv.Entries(ref, typ)
	}
	require.LessOrEqual(t, len(booked), 1, "double booking: %+v (err %v)", booked, err)
	switch backoffice.OutcomeOf(err) {
	case backoffice.Booked:
		require.NotNil(t, p)
		require.Len(t, booked, 1, "reported booked, ledger has nothing")
		assert.Equal(t, booked[0].ID, p.ID, "reported a booking that is not the ledger's")
	case backoffice.NotBooked:
		assert.Empty(t, booked, "reported not booked (%v), the ledger has the booking", err)
	case backoffice.Unknown:
		u := hoCheckUncertain(t, err)
		rp, rerr := mk().Resolve(hoCtx(t, 5*time.Second), hoRoundTrip(t, u))
		if len(booked) == 1 {
			require.NoError(t, rerr, "Resolve missed the ledger's booking")
			assert.Equal(t, booked[0].ID, rp.ID)
		} else {
			assert.Equal(t, backoffice.NotBooked, backoffice.OutcomeOf(rerr), "Resolve said %v with nothing booked", rerr)
		}
	}
}

// hoAssertNoSecret fails when any of the texts holds any of the secrets.
func hoAssertNoSecret(t *testing.T, where string, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && hoLeaks(text, s) {
			t.Errorf("%s leaks %q: %s", where, s, text)
		}
	}
}

// hoLeaks reports whether text holds secret. A short one (a CVV) counts only
// where it stands alone: "737" inside a random hex id is no leak.
func hoLeaks(text, secret string) bool {
	if len(secret) >= 6 {
		return strings.Contains(text, secret)
	}
	alnum := func(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
	for i := 0; ; {
		j := strings.Index(text[i:], secret)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(secret)
		if (start == 0 || !alnum(text[start-1])) && (end == len(text) || !alnum(text[end])) {
			return true
		}
		i = start + 1
	}
}
