package backofficetest_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// refundRequest is a bearer refund of 1.00 on debit tagged with mtid.
func (g *gateway) refundRequest(debit, mtid string) *http.Request {
	f := form("paymentType", "RF", "amount", "1.00", "currency", "EUR", "merchantTransactionId", mtid,
		"entityId", g.srv.BearerCredentials().EntityID)
	return g.postRequest("/v1/payments/"+debit, f)
}

// TestFaultKinds sends three refunds with a query between each; a fault
// aimed at the second refund must leave the first and third alone.
func TestFaultKinds(t *testing.T) {
	t.Parallel()
	notJSON := func(t *testing.T, r reply) { assert.False(t, r.jsonOK, "%s", r.body) }
	cases := []struct {
		name   string
		fault  backofficetest.Fault
		booked bool
		check  func(t *testing.T, g *gateway, r reply, err error)
	}{
		{"server error", backofficetest.Fault{Kind: backofficetest.FaultServerError}, false, func(t *testing.T, _ *gateway, r reply, err error) {
			require.NoError(t, err)
			assert.Equal(t, http.StatusServiceUnavailable, r.status)
			assert.Equal(t, "text/html;charset=UTF-8", r.header.Get("Content-Type"))
			assert.Contains(t, string(r.body), "Service Unavailable")
			assert.Empty(t, r.header.Get("Retry-After"))
			notJSON(t, r)
		}},
		{"server error with status and Retry-After", backofficetest.Fault{Kind: backofficetest.FaultServerError, StatusCode: 502, RetryAfter: 1500 * time.Millisecond}, false, func(t *testing.T, _ *gateway, r reply, err error) {
			require.NoError(t, err)
			assert.Equal(t, http.StatusBadGateway, r.status)
			assert.Equal(t, "2", r.header.Get("Retry-After"), "whole seconds, rounded up")
		}},
		{"throttle", backofficetest.Fault{Kind: backofficetest.FaultThrottle}, false, func(t *testing.T, _ *gateway, r reply, err error) {
			require.NoError(t, err)
			assert.Equal(t, http.StatusBadRequest, r.status)
			assert.Equal(t, "800.120.100", r.p.Result.Code)
			assert.Equal(t, "Rejected by Throttling.", r.p.Result.Description)
			assert.Empty(t, r.p.ID)
			assert.Empty(t, r.header.Get("Retry-After"))
		}},
		{"throttle with Retry-After", backofficetest.Fault{Kind: backofficetest.FaultThrottle, RetryAfter: 3 * time.Second}, false, func(t *testing.T, _ *gateway, r reply, err error) {
			require.NoError(t, err)
			assert.Equal(t, "800.120.100", r.p.Result.Code)
			assert.Equal(t, "3", r.header.Get("Retry-After"))
		}},
		{"session busy", backofficetest.Fault{Kind: backofficetest.FaultSessionBusy, RetryAfter: time.Nanosecond}, false, func(t *testing.T, _ *gateway, r reply, err error) {
			require.NoError(t, err)
			assert.Equal(t, http.StatusBadRequest, r.status)
			assert.Equal(t, "800.700.100", r.p.Result.Code)
			assert.Equal(t, "1", r.header.Get("Retry-After"))
		}},
		{"drop before booking", backofficetest.Fault{Kind: backofficetest.FaultDropBeforeBooking}, false, func(t *testing.T, _ *gateway, _ reply, err error) {
			assert.Error(t, err)
		}},
		{"drop after booking", backofficetest.Fault{Kind: backofficetest.FaultDropAfterBooking}, true, func(t *testing.T, _ *gateway, _ reply, err error) {
			assert.Error(t, err)
		}},
		{"malformed JSON, not booked", backofficetest.Fault{Kind: backofficetest.FaultMalformedJSON}, false, func(t *testing.T, _ *gateway, r reply, err error) {
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, r.status)
			notJSON(t, r)
			assert.True(t, strings.HasPrefix(string(r.body), `{"id":"`))
		}},
		{"malformed JSON, booked", backofficetest.Fault{Kind: backofficetest.FaultMalformedJSON, Booked: true}, true, func(t *testing.T, _ *gateway, r reply, err error) {
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, r.status)
			notJSON(t, r)
		}},
		{"truncated JSON, not booked", backofficetest.Fault{Kind: backofficetest.FaultTruncatedJSON}, false, func(t *testing.T, _ *gateway, r reply, err error) {
			require.NoError(t, err, "Content-Length matches the cut body")
			assert.Equal(t, http.StatusOK, r.status, "the status of the answer it would have been")
			assert.Equal(t, strconv.Itoa(len(r.body)), r.header.Get("Content-Length"))
			notJSON(t, r)
			assert.True(t, strings.HasPrefix(string(r.body), `{"id":"`), "%s", r.body)
		}},
		{"truncated JSON, booked", backofficetest.Fault{Kind: backofficetest.FaultTruncatedJSON, Booked: true}, true, func(t *testing.T, g *gateway, r reply, err error) {
			require.NoError(t, err)
			notJSON(t, r)
			q := g.get("/v1/query", url.Values{"merchantTransactionId": {"rf-2"}})
			require.Len(t, q.p.Payments, 1)
			stored := queryRaw(t, g, q.p.Payments[0].ID)
			assert.Len(t, r.body, len(stored)/2)
			assert.True(t, strings.HasPrefix(stored, string(r.body)), "the first half of the real answer")
		}},
		{"uncertain, not booked", backofficetest.Fault{Kind: backofficetest.FaultUncertain}, false, func(t *testing.T, g *gateway, r reply, err error) {
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, r.status)
			assert.Equal(t, "900.100.300", r.p.Result.Code)
			assert.Equal(t, "timeout, uncertain result", r.p.Result.Description)
			q := g.get("/v1/query", url.Values{"merchantTransactionId": {"rf-2"}})
			assert.Equal(t, "700.400.580", q.p.Result.Code, "provably absent")
		}},
		{"uncertain, booked", backofficetest.Fault{Kind: backofficetest.FaultUncertain, Booked: true}, true, func(t *testing.T, g *gateway, r reply, err error) {
			require.NoError(t, err)
			assert.Equal(t, "900.100.300", r.p.Result.Code)
			q := g.get("/v1/query", url.Values{"merchantTransactionId": {"rf-2"}})
			require.Len(t, q.p.Payments, 1)
			assert.Equal(t, booked, q.p.Payments[0].Result.Code, "found by its merchantTransactionId")
		}},
		{"latency", backofficetest.Fault{Kind: backofficetest.FaultLatency, Latency: 50 * time.Millisecond}, true, func(t *testing.T, _ *gateway, r reply, err error) {
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, r.status)
			assert.Equal(t, booked, r.p.Result.Code)
		}},
		{"latency before another kind", backofficetest.Fault{Kind: backofficetest.FaultServerError, Latency: 50 * time.Millisecond}, false, func(t *testing.T, _ *gateway, r reply, err error) {
			require.NoError(t, err)
			assert.Equal(t, http.StatusServiceUnavailable, r.status)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newGateway(t)
			debit := debit50(g)
			g.srv.InjectFault(backofficetest.OpRefund, 2, tc.fault)
			query := func() { g.get("/v1/query/"+debit, url.Values{}) }

			first := g.send(g.refundRequest(debit, "rf-1"))
			query()
			start := time.Now()
			second, err := g.try(g.refundRequest(debit, "rf-2"))
			took := time.Since(start)
			query()
			third := g.send(g.refundRequest(debit, "rf-3"))
			received := len(g.srv.Requests())

			assert.Equal(t, 5, received, "faulted requests are recorded too")
			assert.Equal(t, booked, first.p.Result.Code, "the 1st refund is not faulted")
			assert.Equal(t, booked, third.p.Result.Code, "the 3rd refund is not faulted")
			tc.check(t, g, second, err)
			assert.GreaterOrEqual(t, took, tc.fault.Latency)
			refunds := g.srv.Entries(debit, backoffice.PaymentTypeRefund)
			var mtids []string
			for _, e := range refunds {
				mtids = append(mtids, e.MerchantTransactionID)
			}
			if tc.booked {
				assert.Equal(t, []string{"rf-1", "rf-2", "rf-3"}, mtids)
			} else {
				assert.Equal(t, []string{"rf-1", "rf-3"}, mtids)
			}
			assert.Empty(t, g.srv.Attempts())
			assert.Equal(t, 1, g.srv.FaultsInjected())
		})
	}
}

// queryRaw returns the body of GET /v1/query/{id}.
func queryRaw(t *testing.T, g *gateway, id string) string {
	t.Helper()
	return string(g.get("/v1/query/"+id, url.Values{}).body)
}

func TestLatencyEndsWithTheRequestContext(t *testing.T) {
	t.Parallel()
	srv := backofficetest.NewServer()
	g := &gateway{t: t, srv: srv}
	debit := debit50(g)
	srv.InjectFault(backofficetest.OpRefund, 1, backofficetest.Fault{Kind: backofficetest.FaultLatency, Latency: time.Minute})

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := g.try(g.refundRequest(debit, "rf-1").WithContext(ctx))
	require.Error(t, err)
	start := time.Now()
	srv.Close() // waits for the handler: it must give up its minute when the client does

	assert.Less(t, time.Since(start), 30*time.Second)
	assert.Len(t, srv.Ledger(), 1, "an abandoned request books nothing")
	assert.Empty(t, srv.Attempts())
}

func TestFaultCounting(t *testing.T) {
	t.Parallel()
	serverError := backofficetest.Fault{Kind: backofficetest.FaultServerError}

	t.Run("only requests of the op count", func(t *testing.T) {
		t.Parallel()
		g := newGateway(t, backofficetest.WithMultipleCaptures(true))
		auth, debit := g.srv.Preauthorize(dec("10.00"), "EUR"), debit50(g)
		g.srv.InjectFault(backofficetest.OpCapture, 2, serverError)

		statuses := []int{
			g.operate(debit, "RF", "1.00", "EUR").status,
			g.operate(auth, "CP", "1.00", "EUR").status,
			g.operate(debit, "RF", "1.00", "EUR").status,
			g.operate(auth, "CP", "1.00", "EUR").status,
			g.operate(auth, "CP", "1.00", "EUR").status,
		}

		assert.Equal(t, []int{200, 200, 200, 503, 200}, statuses)
	})
	t.Run("counted from the call", func(t *testing.T) {
		t.Parallel()
		g := newGateway(t)
		debit := debit50(g)
		g.operate(debit, "RF", "1.00", "EUR")
		g.operate(debit, "RF", "1.00", "EUR")
		g.srv.InjectFault(backofficetest.OpRefund, 1, serverError)

		assert.Equal(t, 503, g.operate(debit, "RF", "1.00", "EUR").status)
		assert.Equal(t, 200, g.operate(debit, "RF", "1.00", "EUR").status, "an injection fires once")
	})
	t.Run("OpAny counts every request", func(t *testing.T) {
		t.Parallel()
		g := newGateway(t)
		debit := debit50(g)
		g.srv.InjectFault(backofficetest.OpAny, 3, serverError)

		statuses := []int{
			g.get("/v1/query/"+debit, url.Values{}).status,
			g.operate(debit, "RF", "1.00", "EUR").status,
			g.get("/v1/query", url.Values{"merchantTransactionId": {"x"}}).status,
			g.operate(debit, "RF", "1.00", "EUR").status,
		}

		assert.Equal(t, []int{200, 200, 503, 200}, statuses)
	})
	t.Run("both variants count as one op", func(t *testing.T) {
		t.Parallel()
		g := newGateway(t, backofficetest.WithMultipleCaptures(true))
		auth := g.srv.Preauthorize(dec("10.00"), "EUR")
		g.srv.InjectFault(backofficetest.OpCapture, 2, backofficetest.Fault{Kind: backofficetest.FaultThrottle, RetryAfter: time.Second})

		first := g.operate(auth, "CP", "1.00", "EUR")
		tid := g.srv.TrackingID(auth)
		req := g.checksumRequest("payments/"+tid, form("paymentType", "CP", "amount", "1.00"), tid, "1.00")
		r := g.send(req)
		_, second := g.decodeChecksum(r)

		assert.Equal(t, booked, first.p.Result.Code)
		assert.Equal(t, http.StatusOK, r.status)
		assert.Equal(t, "800.120.100", second.Result.Code, "throttled, in the checksum platform's envelope")
		assert.Equal(t, tid, second.PaymentID)
		assert.Equal(t, "1", r.header.Get("Retry-After"))
		assert.Len(t, g.srv.Entries(auth), 1)
	})
	t.Run("several injections", func(t *testing.T) {
		t.Parallel()
		g := newGateway(t)
		debit := debit50(g)
		g.srv.InjectFault(backofficetest.OpRefund, 3, serverError)
		g.srv.InjectFault(backofficetest.OpRefund, 1, backofficetest.Fault{Kind: backofficetest.FaultSessionBusy})
		g.srv.InjectFault(backofficetest.OpRefund, 1, serverError) // same request: the earlier injection wins

		codes := []int{
			g.operate(debit, "RF", "1.00", "EUR").status,
			g.operate(debit, "RF", "1.00", "EUR").status,
			g.operate(debit, "RF", "1.00", "EUR").status,
		}

		assert.Equal(t, []int{400, 200, 503}, codes)
		assert.Equal(t, 2, g.srv.FaultsInjected())
	})
	t.Run("ClearFaults", func(t *testing.T) {
		t.Parallel()
		g := newGateway(t)
		debit := debit50(g)
		g.srv.InjectFault(backofficetest.OpRefund, 2, serverError)
		g.srv.InjectFaultFunc(func(backofficetest.Op, int) (backofficetest.Fault, bool) { return serverError, true })
		assert.Equal(t, 503, g.operate(debit, "RF", "1.00", "EUR").status)

		g.srv.ClearFaults()

		assert.Equal(t, 200, g.operate(debit, "RF", "1.00", "EUR").status)
		assert.Equal(t, 200, g.operate(debit, "RF", "1.00", "EUR").status)
		assert.Equal(t, 1, g.srv.FaultsInjected(), "the count survives ClearFaults")
	})
}

func TestInjectFaultPanicsOnMisuse(t *testing.T) {
	t.Parallel()
	g := newGateway(t)
	assert.Panics(t, func() { g.srv.InjectFault(backofficetest.OpRefund, 0, backofficetest.Fault{}) })
	assert.Panics(t, func() { g.srv.InjectFault("refund", 1, backofficetest.Fault{}) })
	assert.Panics(t, func() { g.srv.InjectFault("", 1, backofficetest.Fault{}) })
	assert.Panics(t, func() { g.srv.InjectFault(backofficetest.OpRefund, 1, backofficetest.Fault{Kind: 42}) })
}

func TestInjectFaultFunc(t *testing.T) {
	t.Parallel()
	g := newGateway(t)
	debit := debit50(g)
	g.operate(debit, "RF", "1.00", "EUR") // before the call: not counted
	type call struct {
		op backofficetest.Op
		n  int
	}
	var calls []call
	g.srv.InjectFaultFunc(func(op backofficetest.Op, n int) (backofficetest.Fault, bool) {
		calls = append(calls, call{op, n}) // serialized by the server
		if op == backofficetest.OpRefund && n == 2 {
			return backofficetest.Fault{Kind: backofficetest.FaultServerError}, true
		}
		return backofficetest.Fault{}, true // FaultNone: answered normally, not counted
	})
	g.srv.InjectFault(backofficetest.OpQuery, 2, backofficetest.Fault{Kind: backofficetest.FaultSessionBusy})

	statuses := []int{
		g.operate(debit, "RF", "1.00", "EUR").status,
		g.get("/v1/query/"+debit, url.Values{}).status,
		g.operate(debit, "RF", "1.00", "EUR").status,
		g.get("/v1/query/"+debit, url.Values{}).status, // claimed by InjectFault: fn not consulted
		g.operate(debit, "RF", "1.00", "EUR").status,
	}

	assert.Equal(t, []int{200, 200, 503, 400, 200}, statuses)
	assert.Equal(t, []call{{"RF", 1}, {"QUERY", 1}, {"RF", 2}, {"RF", 3}}, calls)
	assert.Equal(t, 2, g.srv.FaultsInjected())

	g.srv.InjectFaultFunc(nil)
	assert.Equal(t, 200, g.operate(debit, "RF", "1.00", "EUR").status)
}

func TestInjectFaultFuncIsSerialized(t *testing.T) {
	t.Parallel()
	g := newGateway(t)
	debit := g.srv.Debit(dec("1000.00"), "EUR")
	var seen []int // unguarded on purpose: -race proves the calls are serialized
	g.srv.InjectFaultFunc(func(op backofficetest.Op, n int) (backofficetest.Fault, bool) {
		seen = append(seen, n)
		return backofficetest.Fault{}, false
	})

	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g.send(g.refundRequest(debit, ""))
		}()
	}
	wg.Wait()

	want := make([]int, 32)
	for i := range want {
		want[i] = i + 1
	}
	assert.Equal(t, want, seen, "one call per request, in arrival order")
}

func TestFaultsApplyToRequestsRefusedAnyway(t *testing.T) {
	t.Parallel()
	g := newGateway(t)
	debit := debit50(g)
	g.srv.InjectFault(backofficetest.OpRefund, 1, backofficetest.Fault{Kind: backofficetest.FaultServerError})
	g.srv.InjectFault(backofficetest.OpRefund, 2, backofficetest.Fault{Kind: backofficetest.FaultDropAfterBooking})
	g.srv.InjectFault(backofficetest.OpRefund, 3, backofficetest.Fault{Kind: backofficetest.FaultUncertain, Booked: true})
	g.srv.InjectFault(backofficetest.OpRefund, 4, backofficetest.Fault{Kind: backofficetest.FaultMalformedJSON, Booked: true})

	badAuth := g.refundRequest(debit, "rf-1")
	badAuth.Header.Set("Authorization", "Bearer nope")
	assert.Equal(t, 503, g.send(badAuth).status, "the fault wins over the authentication failure")

	badAuth = g.refundRequest(debit, "rf-2")
	badAuth.Header.Set("Authorization", "Bearer nope")
	_, err := g.try(badAuth)
	assert.Error(t, err)

	badParams := g.operate(debit, "RF", "1.0", "EUR")
	assert.Equal(t, "900.100.300", badParams.p.Result.Code)

	refused := g.operate(debit, "RF", "50.01", "EUR", "merchantTransactionId", "rf-4")
	assert.Equal(t, 200, refused.status)
	assert.False(t, refused.jsonOK)

	assert.Len(t, g.srv.Ledger(), 1, "a booked fault books only what the rules allow")
	require.Len(t, g.srv.Attempts(), 1, "the refused refund was processed, so it is recorded")
	assert.Equal(t, "rf-4", g.srv.Attempts()[0].MerchantTransactionID)
}

func TestChecksumFaults(t *testing.T) {
	t.Parallel()
	cases := []struct {
		kind backofficetest.FaultKind
		code string
	}{
		{backofficetest.FaultThrottle, "800.120.100"},
		{backofficetest.FaultSessionBusy, "800.700.100"},
		{backofficetest.FaultUncertain, "900.100.300"},
	}
	for _, tc := range cases {
		t.Run(tc.kind.String(), func(t *testing.T) {
			t.Parallel()
			g := newGateway(t)
			auth := auth10(g)
			tid := g.srv.TrackingID(auth)
			g.srv.InjectFault(backofficetest.OpReversal, 1, backofficetest.Fault{Kind: tc.kind})
			g.srv.InjectFault(backofficetest.OpTransactionList, 1, backofficetest.Fault{Kind: tc.kind})

			status, c := g.checksum(tid, "RV", "")
			listStatus, list := g.transactionList("01/01/2000", "01/01/2100", "")

			assert.Equal(t, http.StatusOK, status)
			assert.Equal(t, tc.code, c.Result.Code)
			assert.Empty(t, c.TransactionStatus, "the platform's CP/RF/RV answers carry no status")
			assert.Equal(t, tid, c.PaymentID)
			assert.Equal(t, http.StatusOK, listStatus)
			assert.Equal(t, tc.code, list.Result.Code)
			assert.Empty(t, list.rows(t))
			assert.Empty(t, g.srv.Entries(auth))
		})
	}
}

func TestFaultKindString(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "FaultNone", backofficetest.FaultNone.String())
	assert.Equal(t, "FaultUncertain", backofficetest.FaultUncertain.String())
	assert.Equal(t, "FaultKind(42)", backofficetest.FaultKind(42).String())
}

func TestRequests(t *testing.T) {
	t.Parallel()
	clock, _ := fixedClock(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC))
	g := newGateway(t, backofficetest.WithClock(clock))
	auth, debit := g.srv.Preauthorize(dec("10.00"), "EUR"), debit50(g)
	c := g.srv.BearerCredentials()

	steps := []struct {
		op   backofficetest.Op
		send func()
	}{
		{backofficetest.OpPreauthorize, func() { g.post("/v1/payments", form("paymentType", "PA", "amount", "1.00", "currency", "EUR")) }},
		{backofficetest.OpDebit, func() { g.post("/v1/payments", form("paymentType", "DB", "amount", "1.00", "currency", "EUR")) }},
		{backofficetest.OpCredit, func() { g.post("/v1/payments", creditForm("")) }},
		{backofficetest.OpCredit, func() {
			g.post("/v1/registrations/"+g.srv.AddRegistration()+"/payments", form("paymentType", "CD", "amount", "1.00", "currency", "EUR"))
		}},
		{backofficetest.OpCapture, func() { g.operate(auth, "CP", "1.00", "EUR") }},
		{backofficetest.OpRefund, func() { g.operate(debit, "RF", "1.00", "EUR") }},
		{backofficetest.OpRebill, func() { g.operate(debit, "RB", "1.00", "EUR") }},
		{backofficetest.OpChargeback, func() { g.operate(debit, "CB", "1.00", "EUR") }},
		{backofficetest.OpChargebackReversal, func() { g.operate(debit, "CR", "1.00", "EUR") }},
		{backofficetest.OpReversal, func() { g.operate(debit, "RV", "", "") }},
		{backofficetest.OpQuery, func() { g.get("/v1/query/"+debit, url.Values{}) }},
		{backofficetest.OpQuery, func() { g.get("/v1/query", url.Values{"merchantTransactionId": {"m"}}) }},
		{backofficetest.OpAuthToken, func() { g.authToken() }},
		{backofficetest.OpCapture, func() { g.checksum(auth, "CP", "1.00") }},
		{backofficetest.OpRefund, func() { g.checksum(debit, "RF", "1.00") }},
		{backofficetest.OpReversal, func() { g.checksum(auth, "RV", "") }},
		{backofficetest.OpInquiry, func() { g.checksum(auth, "IN", "") }},
		{backofficetest.OpTransactionList, func() { g.transactionList("01/01/2024", "01/01/2025", "") }},
		{"", func() { g.operate(debit, "XX", "1.00", "EUR") }},
	}
	for _, s := range steps {
		s.send()
	}

	reqs := g.srv.Requests()
	require.Len(t, reqs, len(steps))
	for i, s := range steps {
		assert.Equal(t, s.op, reqs[i].Op, "request %d: %s %s", i, reqs[i].Method, reqs[i].Path)
	}
	refund := reqs[5]
	assert.Equal(t, http.MethodPost, refund.Method)
	assert.Equal(t, "/v1/payments/"+debit, refund.Path)
	assert.Equal(t, "Bearer "+c.AccessToken, refund.Header.Get("Authorization"))
	sent, err := url.ParseQuery(string(refund.Body))
	require.NoError(t, err)
	assert.Equal(t, "1.00", sent.Get("amount"))
	assert.Equal(t, time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), refund.At)
	query := reqs[10]
	assert.Equal(t, http.MethodGet, query.Method)
	assert.Equal(t, "entityId="+c.EntityID, query.RawQuery)
	assert.Empty(t, query.Body)

	reqs[5].Body[0] = 'X'
	reqs[5].Header.Set("Authorization", "changed")
	again := g.srv.Requests()[5]
	assert.Equal(t, byte('a'), again.Body[0], "Requests returns copies")
	assert.Equal(t, "Bearer "+c.AccessToken, again.Header.Get("Authorization"))
}
