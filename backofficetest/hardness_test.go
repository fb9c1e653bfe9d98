package backofficetest_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The options that make the fake as hard as the real gateway.

func TestBookingLatencyDelaysTheAnswerUntilTheBookingLands(t *testing.T) {
	t.Parallel()
	const latency = 80 * time.Millisecond
	g := newGateway(t, backofficetest.WithBookingLatency(latency))
	db := g.srv.Debit(dec("50.00"), "EUR")
	start := time.Now()
	r := g.operate(db, "RF", "10.00", "EUR", "merchantTransactionId", "late-1")
	assert.GreaterOrEqual(t, time.Since(start), latency, "the answer waits for the booking")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Len(t, g.srv.Entries(db, backoffice.PaymentTypeRefund), 1)
}

func TestProxyTimeoutAnswersAtOnceAndTheBookingLandsLater(t *testing.T) {
	t.Parallel()
	const latency = 500 * time.Millisecond
	g := newGateway(t, backofficetest.WithBookingLatency(latency))
	db := g.srv.Debit(dec("50.00"), "EUR")
	g.srv.InjectFault(backofficetest.OpRefund, 1, backofficetest.Fault{Kind: backofficetest.FaultProxyTimeout})
	start := time.Now()
	r := g.operate(db, "RF", "10.00", "EUR", "merchantTransactionId", "late-2")
	assert.Equal(t, http.StatusGatewayTimeout, r.status)
	assert.False(t, r.jsonOK, "a proxy's page, not a gateway result")
	// Looked up at once, the refund is not there yet: a "not found" here
	// proves nothing. Judged once the look-up has returned: it arrived
	// before then, and the booking cannot land before start+latency.
	q := g.get("/v1/query", url.Values{"merchantTransactionId": {"late-2"}})
	if time.Since(start) < latency {
		assert.Equal(t, "700.400.580", q.p.Result.Code)
	} else {
		t.Logf("the look-up returned %v after the refund was sent: too late to see it missing", time.Since(start))
	}
	g.srv.AwaitBookings()
	refunds := g.srv.Entries(db, backoffice.PaymentTypeRefund)
	require.Len(t, refunds, 1, "the gateway booked what the proxy gave up on")
	q = g.get("/v1/query", url.Values{"merchantTransactionId": {"late-2"}})
	assert.Equal(t, http.StatusOK, q.status)
	require.Len(t, q.p.Payments, 1)
	assert.Equal(t, refunds[0].ID, q.p.Payments[0].ID)
}

func TestLookupThrottlePerID(t *testing.T) {
	t.Parallel()
	const window = 300 * time.Millisecond
	g := newGateway(t, backofficetest.WithLookupThrottle(2, window))
	db := g.srv.Debit(dec("50.00"), "EUR")
	other := g.srv.Debit(dec("50.00"), "EUR")
	start := time.Now()
	codes := func(id string, n int) []string {
		var out []string
		for range n {
			out = append(out, g.get("/v1/query/"+id, url.Values{}).p.Result.Code)
		}
		return out
	}
	first := codes(db, 3)
	if time.Since(start) >= window {
		t.Skip("the machine is too slow to make three look-ups inside the window")
	}
	assert.Equal(t, []string{"000.100.110", "000.100.110", "800.120.100"}, first, "the third look-up of one id in the window is throttled")
	assert.Equal(t, "000.100.110", codes(other, 1)[0], "another id has its own budget")
	byMTID := g.get("/v1/query", url.Values{"merchantTransactionId": {"nobody"}})
	assert.Equal(t, "700.400.580", byMTID.p.Result.Code, "a merchantTransactionId has its own budget too")
	time.Sleep(window)
	assert.Equal(t, "000.100.110", codes(db, 1)[0], "allowed again once the window has passed")
}

func TestDuplicateDetection(t *testing.T) {
	t.Parallel()
	g := newGateway(t, backofficetest.WithDuplicateDetection(), backofficetest.WithBookingLatency(100*time.Millisecond))
	db := g.srv.Debit(dec("50.00"), "EUR")

	// The first attempt is in flight behind a proxy's 504.
	g.srv.InjectFault(backofficetest.OpRefund, 1, backofficetest.Fault{Kind: backofficetest.FaultProxyTimeout})
	r := g.operate(db, "RF", "10.00", "EUR", "merchantTransactionId", "dup-1")
	require.Equal(t, http.StatusGatewayTimeout, r.status)
	r = g.operate(db, "RF", "10.00", "EUR", "merchantTransactionId", "dup-1")
	assert.Equal(t, "800.700.100", r.p.Result.Code, "a resend of an attempt still in flight")

	g.srv.AwaitBookings()
	r = g.operate(db, "RF", "10.00", "EUR", "merchantTransactionId", "dup-1")
	assert.Equal(t, "800.110.100", r.p.Result.Code, "a resend of a booked attempt")
	assert.Len(t, g.srv.Entries(db, backoffice.PaymentTypeRefund), 1, "refusals book nothing")

	r = g.operate(db, "RF", "10.00", "EUR", "merchantTransactionId", "dup-2")
	assert.Equal(t, http.StatusOK, r.status, "another merchantTransactionId is another refund")
}

func TestRedirectFaults(t *testing.T) {
	t.Parallel()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tc := range []struct {
		status int
		booked bool
	}{{http.StatusSeeOther, true}, {http.StatusTemporaryRedirect, false}, {http.StatusPermanentRedirect, false}} {
		g := newGateway(t)
		db := g.srv.Debit(dec("50.00"), "EUR")
		g.srv.InjectFault(backofficetest.OpRefund, 1, backofficetest.Fault{Kind: backofficetest.FaultRedirect, StatusCode: tc.status})
		f := form("paymentType", "RF", "amount", "10.00", "currency", "EUR", "entityId", g.srv.BearerCredentials().EntityID)
		resp, err := noFollow.Do(g.postRequest("/v1/payments/"+db, f))
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, tc.status, resp.StatusCode)
		assert.NotEmpty(t, resp.Header.Get("Location"))
		g.srv.AwaitBookings()
		assert.Len(t, g.srv.Entries(db, backoffice.PaymentTypeRefund), map[bool]int{true: 1, false: 0}[tc.booked], "HTTP %d", tc.status)
	}
}

func TestMisroutedAnswerBelongsToAnotherRequest(t *testing.T) {
	t.Parallel()
	for _, booked := range []bool{false, true} {
		g := newGateway(t)
		db := g.srv.Debit(dec("50.00"), "EUR")
		g.srv.InjectFault(backofficetest.OpRefund, 1, backofficetest.Fault{Kind: backofficetest.FaultMisrouted, Booked: booked})
		r := g.operate(db, "RF", "10.00", "EUR", "merchantTransactionId", "mine")
		require.Equal(t, http.StatusOK, r.status)
		assert.NotEqual(t, "mine", r.p.MerchantTransactionID)
		assert.NotEqual(t, "10.00", r.p.Amount)
		refunds := g.srv.Entries(db, backoffice.PaymentTypeRefund)
		if booked {
			require.Len(t, refunds, 1)
			assert.NotEqual(t, refunds[0].ID, r.p.ID, "the answer is not the booking's")
		} else {
			assert.Empty(t, refunds)
		}
	}
}

func TestAnswerNextWithAChosenCode(t *testing.T) {
	t.Parallel()
	g := newGateway(t)
	db := g.srv.Debit(dec("50.00"), "EUR")

	g.srv.AnswerNext(backofficetest.OpRefund, "000.200.000") // pending
	r := g.operate(db, "RF", "10.00", "EUR")
	assert.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, "000.200.000", r.p.Result.Code)
	refunds := g.srv.Entries(db, backoffice.PaymentTypeRefund)
	require.Len(t, refunds, 1, "a pending refund is booked")
	assert.Equal(t, backoffice.ResultCode("000.200.000"), refunds[0].Code)

	g.srv.AnswerNext(backofficetest.OpRefund, "800.100.151") // a decline
	r = g.operate(db, "RF", "10.00", "EUR")
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, "800.100.151", r.p.Result.Code)
	assert.Len(t, g.srv.Entries(db, backoffice.PaymentTypeRefund), 1, "a declined refund books nothing")

	r = g.operate(db, "RF", "10.00", "EUR")
	assert.Equal(t, "000.100.110", r.p.Result.Code, "one request only")

	g.srv.AnswerNext(backofficetest.OpRefund, "000.400.000") // review, but the rules refuse it
	r = g.operate(db, "RF", "40.00", "EUR")
	assert.Equal(t, "700.400.200", r.p.Result.Code, "the money rules still win")

	assert.Panics(t, func() { g.srv.AnswerNext(backofficetest.OpRefund, "nonsense") })
}

// Every code the fake answers with is in the SDK's catalogue, so its
// answers carry the gateway's published wording.
func TestEveryCodeOfTheFakeHasItsPublishedDescription(t *testing.T) {
	t.Parallel()
	for _, code := range []backoffice.ResultCode{"000.100.110", "000.000.100", "200.300.404", "800.900.300", "700.400.580",
		"700.100.100", "100.550.310", "700.100.200", "700.100.300", "700.100.400", "700.100.500", "700.400.100",
		"700.400.200", "700.400.300", "700.400.400", "700.400.402", "700.300.500", "700.300.600", "700.400.510",
		"700.400.520", "700.400.530", "700.400.540", "100.100.101", "100.100.303", "100.150.101", "100.150.200",
		"800.120.100", "800.700.100", "800.110.100", "900.100.300"} {
		assert.NotEmpty(t, code.Description(), "%s", code)
	}
}
