package backoffice_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ctxDroppingRT is a caller's RoundTripper that drops the request's context
// (so httptrace never fires), sends the request for real, throws the answer
// away and reports fail: the gateway booked, the SDK saw an error.
type ctxDroppingRT struct {
	base  http.RoundTripper
	fail  error
	fired atomic.Bool
}

func (rt *ctxDroppingRT) RoundTrip(req *http.Request) (*http.Response, error) {
	r2 := req.Clone(context.Background())
	resp, err := rt.base.RoundTrip(r2)
	if err != nil {
		return nil, err
	}
	if req.Method == http.MethodPost && rt.fired.CompareAndSwap(false, true) {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return nil, rt.fail
	}
	return resp, nil
}

// When httptrace cannot tell whether the request was written, a failure is
// not "not sent": the refund was booked, and resending it books twice.
func TestHostileOutcomeContextDroppingRoundTripperFailsAfterWriting(t *testing.T) {
	t.Parallel()
	fails := map[string]error{
		"unexpected EOF":    io.ErrUnexpectedEOF,
		"connection reset":  &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET},
		"broken pipe":       &net.OpError{Op: "write", Net: "tcp", Err: syscall.EPIPE},
		"context canceled":  context.Canceled,
		"deadline exceeded": context.DeadlineExceeded,
		"plain error":       errors.New("http2: server sent GOAWAY and closed the connection"),
		"wrapped canceled":  fmt.Errorf("middleware: %w", context.Canceled),
	}
	for name, fail := range fails {
		for _, timeout := range []time.Duration{0, 2 * time.Second} {
			t.Run(fmt.Sprintf("%s/client timeout %v", name, timeout), func(t *testing.T) {
				t.Parallel()
				srv := hoFake(t, backofficetest.WithBookingLatency(10*time.Millisecond))
				hc := &http.Client{Timeout: timeout, Transport: &ctxDroppingRT{base: &http.Transport{}, fail: fail}}
				c := hoClient(t, srv, backoffice.WithHTTPClient(hc))
				db := srv.Debit(dec("50.00"), "EUR")
				p, err := c.Refund(hoCtx(t, 5*time.Second), db, backoffice.RefundRequest{Amount: dec("5.00"), Currency: "EUR"})
				var ns *backoffice.NotSentError
				assert.False(t, errors.As(err, &ns), "a request the gateway received reported as not sent: %v", err)
				hoSettle(t, srv, func() *backoffice.Client { return hoClient(t, srv) }, db, backoffice.PaymentTypeRefund, p, err)
			})
		}
	}
}

// A caller's http.Client that follows redirects (the default policy) must
// not make the SDK follow one: a 307/308 must not re-POST the refund to
// another payment, nor the credit form (card number, CVV) to another host;
// a 303 (processed) is never NotBooked.
func TestHostileOutcomeRedirectsWithFollowingClient(t *testing.T) {
	t.Parallel()
	for _, status := range []int{303, 307, 308} {
		for _, target := range []string{"other host", "other payment"} {
			t.Run(fmt.Sprintf("%d/%s", status, target), func(t *testing.T) {
				t.Parallel()
				var evilHits atomic.Int32
				evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					evilHits.Add(1)
					writeJSON(w, 200, refundOK)
				}))
				t.Cleanup(evil.Close)
				srv := hoFake(t, backofficetest.WithBookingLatency(10*time.Millisecond))
				other := srv.Debit(dec("80.00"), "EUR")
				loc := evil.URL + "/v1/payments/" + other
				if target == "other payment" {
					loc = srv.URL + "/v1/payments/" + other
				}
				jar, _ := cookiejar.New(nil)
				hc := &http.Client{Jar: jar} // default CheckRedirect: follows
				c := hoClient(t, srv, backoffice.WithHTTPClient(hc))
				mk := func() *backoffice.Client { return hoClient(t, srv) }

				db := srv.Debit(dec("50.00"), "EUR")
				srv.InjectFault(backofficetest.OpRefund, 1, backofficetest.Fault{Kind: backofficetest.FaultRedirect, StatusCode: status, Location: loc})
				p, err := c.Refund(hoCtx(t, 5*time.Second), db, backoffice.RefundRequest{Amount: dec("5.00"), Currency: "EUR"})
				if status == 303 {
					assert.NotEqual(t, backoffice.NotBooked, backoffice.OutcomeOf(err), "303 is processed: %v", err)
				}
				hoSettle(t, srv, mk, db, backoffice.PaymentTypeRefund, p, err)

				card := hoCard
				srv.InjectFault(backofficetest.OpCredit, 1, backofficetest.Fault{Kind: backofficetest.FaultRedirect, StatusCode: status, Location: loc})
				p, err = c.Credit(hoCtx(t, 5*time.Second), backoffice.CreditRequest{Amount: dec("3.00"), Currency: "EUR", PaymentBrand: "VISA", Card: &card, MerchantTransactionID: "credit-redirect"})
				if err != nil {
					hoAssertNoSecret(t, "credit error", err.Error(), hoCard.Number, hoCard.CVV)
				}
				hoSettle(t, srv, mk, "", backoffice.PaymentTypeCredit, p, err)

				srv.AwaitBookings()
				assert.Zero(t, evilHits.Load(), "a redirect was followed to another host")
				assert.Empty(t, srv.Entries(other), "a redirect re-sent the operation to another payment")
			})
		}
	}
}

// setCookieRT adds a Set-Cookie to every answer, as a load balancer's
// stickiness cookie would.
type setCookieRT struct {
	base http.RoundTripper
	n    atomic.Int64
}

func (rt *setCookieRT) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := rt.base.RoundTrip(req)
	if err == nil {
		resp.Header.Add("Set-Cookie", fmt.Sprintf("lb%d=x; Path=/", rt.n.Add(1)%3))
	}
	return resp, err
}

// Each request gets its own header map: a cookie jar and a header-writing
// middleware, under concurrent calls, never grow one request's headers from
// another's, and the race detector sees no shared map.
func TestHostileOutcomeHeadersPerRequestUnderConcurrencyAndCookieJar(t *testing.T) {
	t.Parallel()
	srv := hoFake(t)
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	var seq atomic.Int64
	base := &setCookieRT{base: &http.Transport{}}
	// A middleware that writes into the request's headers, as tracing and
	// auth middlewares do (against the RoundTripper rule, but common).
	mw := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		req.Header.Add("X-Request-Seq", fmt.Sprint(seq.Add(1)))
		req.Header.Set("X-Tenant", "t1")
		return base.RoundTrip(req)
	})
	c := hoClient(t, srv, backoffice.WithHTTPClient(&http.Client{Jar: jar, Transport: mw}))
	db := srv.Debit(dec("500.00"), "EUR")
	const n = 40
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.Refund(hoCtx(t, 10*time.Second), db, backoffice.RefundRequest{Amount: dec("1.00"), Currency: "EUR"})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		assert.NoError(t, err, "call %d", i)
	}
	assert.Len(t, srv.Entries(db, backoffice.PaymentTypeRefund), n)
	seen := map[string]bool{}
	for _, r := range srv.Requests() {
		if r.Method != http.MethodPost {
			continue
		}
		assert.Len(t, r.Header.Values("X-Request-Seq"), 1, "a request carries another's middleware header")
		assert.Len(t, r.Header.Values("X-Tenant"), 1)
		assert.LessOrEqual(t, len(r.Header.Values("Cookie")), 1, "Cookie header repeated: %v", r.Header.Values("Cookie"))
		assert.Len(t, r.Header.Values("Authorization"), 1)
		seq := r.Header.Get("X-Request-Seq")
		assert.False(t, seen[seq], "two requests share header value %s", seq)
		seen[seq] = true
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
