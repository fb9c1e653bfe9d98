package backofficetest_test

// Hostile lifecycle tests: the fake is used inside merchants' own test
// suites, usually under -race, so every public method must be safe to call
// concurrently with requests in flight and with each other, must not panic
// on odd input it can answer with an error, and Close must end everything
// (no goroutine left behind, no listener left open). Run with
// go test -race -run Hostile ./backofficetest.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/c81406b6/backoffice/webhook"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hlPolicy is fastPolicy with a settle time short enough for lifecycle
// storms.
var hlPolicy = backoffice.RetryPolicy{MaxAttempts: 2, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond,
	SettleTime: 20 * time.Millisecond, LookupInterval: 5 * time.Millisecond}

// hlClients returns a bearer and a checksum SDK client for srv, sharing a
// transport of the test's own so that its idle connections can be closed
// before goroutines are counted.
func hlClients(t *testing.T, srv *backofficetest.Server) (bearer, checksum *backoffice.Client, tr *http.Transport) {
	t.Helper()
	tr = &http.Transport{MaxIdleConnsPerHost: 16}
	t.Cleanup(tr.CloseIdleConnections)
	hc := &http.Client{Transport: tr}
	var err error
	bearer, err = backoffice.NewClient(srv.BearerCredentials(), backoffice.WithBaseURL(srv.URL),
		backoffice.WithRetryPolicy(hlPolicy), backoffice.WithHTTPClient(hc))
	require.NoError(t, err)
	checksum, err = backoffice.NewClient(srv.ChecksumCredentials(), backoffice.WithBaseURL(srv.URL),
		backoffice.WithRetryPolicy(hlPolicy), backoffice.WithHTTPClient(hc))
	require.NoError(t, err)
	return bearer, checksum, tr
}

// hlGoroutines is the goroutine count once the test's previous goroutines
// had a moment to end.
func hlGoroutines() int {
	runtime.GC()
	time.Sleep(20 * time.Millisecond)
	return runtime.NumGoroutine()
}

// hlNoLeak waits up to 5 s for the goroutine count to fall back to before,
// and fails with every goroutine's stack otherwise.
func hlNoLeak(t *testing.T, before int, closers ...func()) {
	t.Helper()
	for _, c := range closers {
		c()
	}
	deadline := time.Now().Add(5 * time.Second)
	n := runtime.NumGoroutine()
	for n > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		for _, c := range closers {
			c()
		}
		n = runtime.NumGoroutine()
	}
	if n > before {
		var buf bytes.Buffer
		_ = pprof.Lookup("goroutine").WriteTo(&buf, 1)
		t.Errorf("goroutine leak: %d before, %d 5 s after Close\n%s", before, n, hlInteresting(buf.String()))
	}
}

// hlInteresting keeps the goroutine profile records that mention the fake
// or the SDK, which is where a leak would come from.
func hlInteresting(profile string) string {
	var out []string
	for _, rec := range strings.Split(profile, "\n\n") {
		if strings.Contains(rec, "backofficetest.") && !strings.Contains(rec, "hostile_lifecycle_test.go") ||
			strings.Contains(rec, "net/http.(*persistConn)") || strings.Contains(rec, "net/http.(*conn).serve") {
			out = append(out, rec)
		}
	}
	if len(out) == 0 {
		return profile
	}
	return strings.Join(out, "\n\n")
}

// hlGo is sync.WaitGroup.Go for the module's go 1.23.
func hlGo(wg *sync.WaitGroup, fn func()) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		fn()
	}()
}

// hlMoneyWorkers starts n goroutines making money calls with hlMoney, each
// bounded by 2 s, until stop is closed, counting them in calls.
func hlMoneyWorkers(wg *sync.WaitGroup, stop <-chan struct{}, calls *atomic.Int64, n int,
	srv *backofficetest.Server, bearer, checksum *backoffice.Client, debit, auth string) {
	for w := range n {
		hlGo(wg, func() {
			for i := w; ; i += n {
				select {
				case <-stop:
					return
				default:
				}
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				hlMoney(ctx, srv, bearer, checksum, debit, auth, i)
				cancel()
				calls.Add(1)
			}
		})
	}
}

// hlNoPanic runs fn and returns what it panicked with, if anything.
func hlNoPanic(fn func()) (p any) {
	defer func() { p = recover() }()
	fn()
	return nil
}

// hlMoney drives one random money call or read of either variant against
// the payments; errors are expected (refusals, faults, refused
// connections, a closed server) and ignored: only races, panics, hangs and
// leaks matter here.
func hlMoney(ctx context.Context, srv *backofficetest.Server, bearer, checksum *backoffice.Client, debit, auth string, i int) {
	one := decimal.RequireFromString("0.01")
	switch i % 10 {
	case 0:
		_, _ = bearer.Refund(ctx, debit, backoffice.RefundRequest{Amount: one, Currency: "EUR"})
	case 1:
		_, _ = bearer.Capture(ctx, auth, backoffice.CaptureRequest{Amount: one, Currency: "EUR"})
	case 2:
		_, _ = bearer.Rebill(ctx, debit, backoffice.RebillRequest{Amount: one, Currency: "EUR"})
	case 3:
		_, _ = bearer.Inquire(ctx, debit)
	case 4:
		for _, err := range bearer.Search(ctx, backoffice.SearchRequest{From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Hour), PageSize: 5}) {
			if err != nil {
				break
			}
		}
	case 5:
		_, _ = checksum.Refund(ctx, srv.TrackingID(debit), backoffice.RefundRequest{Amount: one, Currency: "EUR"})
	case 6:
		_, _ = checksum.Capture(ctx, srv.TrackingID(auth), backoffice.CaptureRequest{Amount: one, Currency: "EUR"})
	case 7:
		_, _ = checksum.Inquire(ctx, srv.TrackingID(debit))
	case 8:
		_, _ = checksum.TransactionList(ctx, backoffice.TransactionListRequest{PageSize: 5})
	case 9:
		_, _ = bearer.Reverse(ctx, auth, backoffice.ReversalRequest{Amount: one, Currency: "EUR"})
	}
}

// hlPoke calls public Server method number i; with a server that may be
// closed concurrently, the results are not checked, only that nothing
// races, panics or hangs.
func hlPoke(srv *backofficetest.Server, debit, auth string, i int) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	switch i % 26 {
	case 0:
		_ = srv.Ledger()
	case 1:
		_ = srv.Entries(debit)
	case 2:
		_ = srv.Attempts()
	case 3:
		_, _ = srv.Lookup(debit)
	case 4:
		for _, r := range srv.Requests() { // the caller's to modify
			r.Header.Set("X-Hostile", "mutated")
			if len(r.Body) > 0 {
				r.Body[0] = 'X'
			}
		}
	case 5:
		_ = srv.Debit(dec("1.00"), "EUR")
	case 6:
		_ = srv.Preauthorize(dec("1.00"), "EUR")
	case 7:
		p := srv.DebitPending(dec("1.00"), "EUR")
		_, _ = srv.SettlePending(p, "000.100.110")
	case 8:
		_, _ = srv.BankChargeback(srv.Debit(dec("2.00"), "EUR"), decimal.Zero, "000.100.220")
	case 9:
		srv.InjectFault(backofficetest.OpAny, 3, backofficetest.Fault{Kind: backofficetest.FaultThrottle})
	case 10:
		srv.InjectFaultFunc(func(_ backofficetest.Op, n int) (backofficetest.Fault, bool) {
			return backofficetest.Fault{Kind: backofficetest.FaultServerError}, n%7 == 0
		})
	case 11:
		srv.ClearFaults()
	case 12:
		_ = srv.FaultsInjected()
	case 13:
		srv.AnswerNext(backofficetest.OpRefund, "000.200.000")
	case 14:
		srv.ThrottleSearch(backofficetest.SearchThrottle{N: 3, Window: 50 * time.Millisecond})
	case 15:
		srv.ThrottleSearch(backofficetest.SearchThrottle{})
	case 16:
		_ = srv.FlushWebhooks(ctx)
	case 17:
		_ = srv.WebhookDeliveries()
	case 18:
		srv.AwaitBookings()
	case 19:
		_ = srv.Handler()
	case 20:
		_ = srv.Client()
	case 21:
		_ = srv.AddRegistration()
	case 22:
		_, _ = srv.Seed(backofficetest.SeedPayment{Type: backoffice.PaymentTypeDebit, Amount: dec("3.00"), Currency: "EUR"})
	case 23:
		_ = srv.AuthTokensIssued()
	case 24:
		_ = srv.ShortID(debit) + srv.TrackingID(auth)
	case 25:
		_ = srv.BearerCredentials().AccessToken + srv.ChecksumCredentials().MemberID
	}
}

// hlMerchant is a webhook endpoint that accepts everything, fast.
func hlMerchant(t *testing.T) string {
	t.Helper()
	ts := httptest.NewServer(webhook.Handler(webhookSecret, func(context.Context, *webhook.Notification) error { return nil }))
	t.Cleanup(ts.Close)
	return ts.URL
}

// Every public method at once, from many goroutines, while SDK clients of
// both variants hammer the fake with money calls and searches, bookings
// land late and webhooks are delivered; then Close in the middle of it.
// Nothing may race, panic or hang, and nothing of the fake may outlive
// Close.
func TestHostileEverythingAtOnceThenClose(t *testing.T) {
	hook := hlMerchant(t)
	before := hlGoroutines()
	srv := backofficetest.NewServer(
		backofficetest.WithBookingLatency(5*time.Millisecond),
		backofficetest.WithWebhook(hook, webhookSecret),
		backofficetest.WithWebhookPolicy(backofficetest.WebhookPolicy{Attempts: 2, Timeout: time.Second}),
		backofficetest.WithMultipleCaptures(true),
		backofficetest.WithLookupThrottle(1000, time.Second),
		backofficetest.WithDuplicateDetection(),
	)
	bearer, checksum, tr := hlClients(t, srv)
	debit := srv.Debit(dec("1000.00"), "EUR")
	auth := srv.Preauthorize(dec("1000.00"), "EUR")

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var calls atomic.Int64
	hlMoneyWorkers(&wg, stop, &calls, 8, srv, bearer, checksum, debit, auth)
	for w := range 4 {
		hlGo(&wg, func() {
			for i := w; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				hlPoke(srv, debit, auth, i)
			}
		})
	}
	hlGo(&wg, func() { // the connection switch, flipped while everything runs
		for {
			select {
			case <-stop:
				srv.AcceptConnections()
				return
			default:
			}
			srv.RefuseConnections()
			time.Sleep(2 * time.Millisecond)
			srv.AcceptConnections()
			time.Sleep(20 * time.Millisecond)
		}
	})

	time.Sleep(1500 * time.Millisecond)
	if !hlWithin(8*time.Second, srv.Close) {
		close(stop)
		t.Fatal("Close did not return within 8 s with clients and every method in flight")
	}
	time.Sleep(100 * time.Millisecond) // the methods, after Close
	close(stop)
	wg.Wait()
	t.Logf("%d client calls", calls.Load())
	require.Positive(t, calls.Load())

	_, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	assert.Error(t, err, "a closed fake must not listen")
	hlNoLeak(t, before, tr.CloseIdleConnections)
}

// Close twice, from many goroutines at once, and every method after Close:
// none may panic or hang.
func TestHostileCloseConcurrentlyAndMethodsAfterClose(t *testing.T) {
	hook := hlMerchant(t)
	before := hlGoroutines()
	srv := backofficetest.NewServer(backofficetest.WithWebhook(hook, webhookSecret),
		backofficetest.WithBookingLatency(10*time.Millisecond))
	debit := srv.Debit(dec("50.00"), "EUR")
	auth := srv.Preauthorize(dec("50.00"), "EUR")

	done := make(chan struct{})
	go func() {
		hammer(8, func(int) { srv.Close() })
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("concurrent Close calls did not all return")
	}
	srv.Close()

	for i := range 26 {
		finished := make(chan any, 1)
		go func() { finished <- hlNoPanic(func() { hlPoke(srv, debit, auth, i) }) }()
		select {
		case p := <-finished:
			assert.Nil(t, p, "method %d after Close panicked", i)
		case <-time.After(3 * time.Second):
			t.Errorf("method %d after Close hangs", i)
		}
	}
	assert.Nil(t, hlNoPanic(func() { srv.RefuseConnections(); srv.AcceptConnections() }), "Refuse/Accept after Close")
	_, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	assert.Error(t, err, "AcceptConnections after Close must not listen again")
	srv.Close()
	hlNoLeak(t, before)
}

// RefuseConnections and AcceptConnections in a tight loop, from two
// goroutines, while clients send and while Close runs: once Close and
// the loops have returned the address must be dead and nothing of the
// fake may be left running (a listener opened by an AcceptConnections
// that overlapped Close would keep a serving goroutine alive forever).
func TestHostileRefuseAcceptRacingClose(t *testing.T) {
	for round := range 3 {
		t.Run(fmt.Sprint(round), func(t *testing.T) {
			before := hlGoroutines()
			srv := backofficetest.NewServer()
			bearer, checksum, tr := hlClients(t, srv)
			debit := srv.Debit(dec("100.00"), "EUR")
			auth := srv.Preauthorize(dec("100.00"), "EUR")
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for w := range 2 {
				hlGo(&wg, func() {
					for {
						select {
						case <-stop:
							return
						default:
						}
						if w == 0 {
							srv.RefuseConnections()
						} else {
							srv.AcceptConnections()
						}
					}
				})
			}
			for w := range 4 {
				hlGo(&wg, func() {
					for i := w; ; i += 4 {
						select {
						case <-stop:
							return
						default:
						}
						ctx, cancel := context.WithTimeout(context.Background(), time.Second)
						hlMoney(ctx, srv, bearer, checksum, debit, auth, i)
						cancel()
					}
				})
			}
			time.Sleep(time.Duration(100+100*round) * time.Millisecond)
			if !hlWithin(8*time.Second, srv.Close) {
				close(stop)
				t.Fatal("Close hangs while Refuse/Accept loop")
			}
			time.Sleep(50 * time.Millisecond) // the loops go on after Close
			close(stop)
			wg.Wait()
			_, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
			assert.Error(t, err, "the address must be dead after Close, whatever AcceptConnections did meanwhile")
			hlNoLeak(t, before, tr.CloseIdleConnections)
		})
	}
}

// Close while bookings with latency are in flight, their clients having
// given up: Close waits for them (documented) and returns once they have
// landed; they are in the ledger, and nothing is left running.
func TestHostileCloseWithLateBookingsInFlight(t *testing.T) {
	before := hlGoroutines()
	srv := backofficetest.NewServer(backofficetest.WithBookingLatency(400 * time.Millisecond))
	bearer, checksum, tr := hlClients(t, srv)
	debit := srv.Debit(dec("100.00"), "EUR")
	auth := srv.Preauthorize(dec("100.00"), "EUR")

	// The clients give up once the fake has their eight refunds, whose
	// answers wait for their bookings. (A 50 ms bound each, as before, left
	// a checksum refund, which reads the payment first, unsent under load.)
	ctx, giveUp := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i := range 8 {
		hlGo(&wg, func() {
			if i%2 == 0 {
				_, _ = bearer.Refund(ctx, debit, backoffice.RefundRequest{Amount: dec("1.00"), Currency: "EUR"})
			} else {
				_, _ = checksum.Refund(ctx, srv.TrackingID(debit), backoffice.RefundRequest{Amount: dec("1.00"), Currency: "EUR"})
			}
		})
	}
	require.Eventually(t, func() bool {
		n := 0
		for _, r := range srv.Requests() {
			if r.Op == backofficetest.OpRefund {
				n++
			}
		}
		return n == 8
	}, 20*time.Second, time.Millisecond, "the fake never had the eight refunds")
	giveUp()
	wg.Wait()
	_ = auth
	t.Logf("%d of 8 bookings landed before Close", len(srv.Entries(debit, backoffice.PaymentTypeRefund)))
	start := time.Now()
	srv.Close()
	took := time.Since(start)
	assert.Less(t, took, 3*time.Second, "Close took %s with 400 ms bookings in flight", took)
	assert.Len(t, srv.Entries(debit, backoffice.PaymentTypeRefund), 8, "Close waits for the late bookings: all eight landed")
	// AwaitBookings after Close returns at once.
	done := make(chan struct{})
	go func() { srv.AwaitBookings(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Error("AwaitBookings after Close hangs")
	}
	hlNoLeak(t, before, tr.CloseIdleConnections)
}

// AwaitBookings called in a loop from several goroutines while bookings
// with latency start all the time: a WaitGroup whose Add races its Wait
// is a data race under -race (and a panic when reused).
func TestHostileAwaitBookingsWhileBooking(t *testing.T) {
	srv := backofficetest.NewServer(backofficetest.WithBookingLatency(2 * time.Millisecond))
	t.Cleanup(srv.Close)
	bearer, checksum, _ := hlClients(t, srv)
	debit := srv.Debit(dec("1000.00"), "EUR")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 3 {
		hlGo(&wg, func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				srv.AwaitBookings()
			}
		})
	}
	var booked atomic.Int64
	hammer(6, func(i int) {
		for range 8 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			var err error
			if i%2 == 0 {
				_, err = bearer.Refund(ctx, debit, backoffice.RefundRequest{Amount: dec("0.01"), Currency: "EUR"})
			} else {
				_, err = checksum.Refund(ctx, srv.TrackingID(debit), backoffice.RefundRequest{Amount: dec("0.01"), Currency: "EUR"})
			}
			cancel()
			if err == nil {
				booked.Add(1)
			}
		}
	})
	close(stop)
	wg.Wait()
	srv.AwaitBookings()
	assert.EqualValues(t, booked.Load(), len(srv.Entries(debit, backoffice.PaymentTypeRefund)))
}

// A merchant webhook endpoint that hangs: Close must not leave the
// fake's delivery goroutines behind, nor wait for the whole retry budget
// (Attempts x Timeout) before returning.
func TestHostileCloseWithWebhookEndpointHanging(t *testing.T) {
	release := make(chan struct{})
	var got atomic.Int32
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		_, _ = io.Copy(io.Discard, r.Body) // so that net/http notices the fake hanging up
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(hang.Close)
	t.Cleanup(func() { close(release) })
	before := hlGoroutines()
	srv := backofficetest.NewServer(backofficetest.WithWebhook(hang.URL, webhookSecret),
		backofficetest.WithWebhookPolicy(backofficetest.WebhookPolicy{Attempts: 3, Timeout: 30 * time.Second}))
	for range 5 {
		srv.Debit(dec("1.00"), "EUR")
	}
	require.Eventually(t, func() bool { return got.Load() > 0 }, 3*time.Second, 5*time.Millisecond, "a delivery started")

	start := time.Now()
	if !hlWithin(20*time.Second, srv.Close) {
		t.Fatal("Close hangs behind a hanging webhook endpoint")
	}
	t.Logf("Close took %s", time.Since(start))
	assert.Less(t, time.Since(start), 10*time.Second, "Close waited for the webhook retry budget (3 x 30 s)")

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	fstart := time.Now()
	err := srv.FlushWebhooks(ctx)
	t.Logf("FlushWebhooks after Close: %v after %s", err, time.Since(fstart))
	hlNoLeak(t, before)
}

// FlushWebhooks from many goroutines at once while records keep being
// made and while Close runs.
func TestHostileFlushWebhooksConcurrently(t *testing.T) {
	hook := hlMerchant(t)
	before := hlGoroutines()
	for _, policy := range []backofficetest.WebhookPolicy{{}, {OutOfOrder: true, Duplicate: true}} {
		srv := backofficetest.NewServer(backofficetest.WithWebhook(hook, webhookSecret), backofficetest.WithWebhookPolicy(policy))
		var wg sync.WaitGroup
		for w := range 4 {
			hlGo(&wg, func() {
				for range 10 {
					if w%2 == 0 {
						srv.Debit(dec("1.00"), "EUR")
					}
					ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
					err := srv.FlushWebhooks(ctx)
					cancel()
					if w%2 == 0 {
						assert.NoError(t, err, "FlushWebhooks before Close")
					}
					_ = srv.WebhookDeliveries()
				}
			})
		}
		wg.Wait()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		require.NoError(t, srv.FlushWebhooks(ctx))
		cancel()
		ok := 0
		for _, d := range srv.WebhookDeliveries() {
			if d.Status == http.StatusOK && !d.Duplicate {
				ok++
			}
		}
		assert.Equal(t, 20, ok, "every debit notified once (policy %+v)", policy)
		srv.Close()
	}
	hlNoLeak(t, before)
}

// The fake served through Handler() on a server of the test's own, with
// late bookings and webhooks, while the fake is closed: the handler keeps
// being reached after Close (the test's server is still up). It must not
// panic (a WaitGroup reused after Close, a send on a closed channel) and
// must not start goroutines that outlive everything.
func TestHostileHandlerServedElsewhereAcrossClose(t *testing.T) {
	hook := hlMerchant(t)
	before := hlGoroutines()
	srv := backofficetest.NewServer(backofficetest.WithBookingLatency(3*time.Millisecond),
		backofficetest.WithWebhook(hook, webhookSecret))
	var panics atomic.Int32
	var firstPanic atomic.Value
	h := srv.Handler()
	own := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler { //nolint:errorlint // the sentinel itself
					panic(p)
				}
				panics.Add(1)
				firstPanic.CompareAndSwap(nil, fmt.Sprint(p))
				panic(p)
			}
		}()
		h.ServeHTTP(w, r)
	}))
	tr := &http.Transport{}
	hc := &http.Client{Transport: tr}
	bearer, err := backoffice.NewClient(srv.BearerCredentials(), backoffice.WithBaseURL(own.URL),
		backoffice.WithRetryPolicy(hlPolicy), backoffice.WithHTTPClient(hc))
	require.NoError(t, err)
	checksum, err := backoffice.NewClient(srv.ChecksumCredentials(), backoffice.WithBaseURL(own.URL),
		backoffice.WithRetryPolicy(hlPolicy), backoffice.WithHTTPClient(hc))
	require.NoError(t, err)
	debit := srv.Debit(dec("1000.00"), "EUR")
	auth := srv.Preauthorize(dec("1000.00"), "EUR")

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var calls atomic.Int64
	hlMoneyWorkers(&wg, stop, &calls, 6, srv, bearer, checksum, debit, auth)
	time.Sleep(400 * time.Millisecond)
	if !hlWithin(8*time.Second, srv.Close) {
		close(stop)
		t.Fatal("Close hangs while its handler is served elsewhere")
	}
	time.Sleep(400 * time.Millisecond) // requests through the handler after Close
	close(stop)
	wg.Wait()
	t.Logf("%d calls", calls.Load())
	assert.Zero(t, panics.Load(), "the handler panicked: %v", firstPanic.Load())
	srv.AwaitBookings()
	own.Close()
	hlNoLeak(t, before, tr.CloseIdleConnections)
}

// hlServer starts a fake that the test closes itself, with a bound: a
// fake that deadlocked must fail the test, not hang the binary until the
// 10-minute go test timeout (a hung Close is leaked on purpose).
func hlServer(t *testing.T, opts ...backofficetest.Option) *gateway {
	t.Helper()
	srv := backofficetest.NewServer(opts...)
	t.Cleanup(func() {
		if !hlWithin(10*time.Second, srv.Close) {
			t.Error("Close hangs (deadlocked fake; its goroutines are leaked)")
		}
	})
	return &gateway{t: t, srv: srv}
}

// hlWithin runs fn in a goroutine and reports whether it returned within d.
func hlWithin(d time.Duration, fn func()) bool {
	done := make(chan struct{})
	go func() { defer close(done); fn() }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// A merchant's InjectFaultFunc that panics (a bug in the merchant's test,
// say an index out of range) costs its request's connection; the fake must
// go on answering the next requests, rather than every later call, and the
// test's cleanup, hanging on a lock the panic left held. Close returns and
// then raises the panic, so the merchant's test fails naming it instead
// of passing or hanging.
func TestHostileInjectFaultFuncPanics(t *testing.T) {
	g := &gateway{t: t, srv: backofficetest.NewServer()}
	debit := g.srv.Debit(dec("10.00"), "EUR")
	var once atomic.Bool
	g.srv.InjectFaultFunc(func(backofficetest.Op, int) (backofficetest.Fault, bool) {
		if once.CompareAndSwap(false, true) {
			var s []int
			_ = s[3] // index out of range
		}
		return backofficetest.Fault{}, false
	})
	_, err := g.try(g.refundRequest(debit, ""))
	require.Error(t, err, "the request whose fault func panicked gets no answer")

	var r reply
	if !hlWithin(10*time.Second, func() { r, _ = g.try(g.refundRequest(debit, "")) }) {
		t.Error("after a panicking InjectFaultFunc the fake answers no request any more (a lock left held)")
		return // the cleanup's Close hangs too, and says so
	}
	assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.True(t, hlWithin(10*time.Second, func() { g.srv.ClearFaults() }),
		"after a panicking InjectFaultFunc, ClearFaults hangs")
	var raised any
	require.True(t, hlWithin(10*time.Second, func() {
		defer func() { raised = recover() }()
		g.srv.Close()
	}), "after a panicking InjectFaultFunc, Close hangs")
	require.NotNil(t, raised, "Close must raise the function's panic")
	assert.Contains(t, fmt.Sprint(raised), "index out of range")
	assert.Contains(t, fmt.Sprint(raised), "hostile_lifecycle_test.go", "with the function's stack")
}

// A WithClock function that panics once: same as above, for the clock.
func TestHostileClockPanicsOnce(t *testing.T) {
	var armed atomic.Bool
	g := hlServer(t, backofficetest.WithClock(func() time.Time {
		if armed.CompareAndSwap(true, false) {
			panic("merchant clock bug")
		}
		return time.Now()
	}))
	debit := g.srv.Debit(dec("10.00"), "EUR")
	armed.Store(true)
	_, _ = g.try(g.refundRequest(debit, ""))
	armed.Store(false)
	var r reply
	if !hlWithin(3*time.Second, func() { r, _ = g.try(g.refundRequest(debit, "")) }) {
		t.Error("after a panicking clock the fake answers no request any more (a lock left held)")
	} else {
		assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
	}
	assert.True(t, hlWithin(3*time.Second, func() { _ = g.srv.Ledger() }), "after a panicking clock, Ledger hangs")
}

// Requests' result is documented as the caller's to modify: changing a
// returned Body or Header must neither race with other callers nor change
// what the fake keeps.
func TestHostileRequestsResultIsTheCallers(t *testing.T) {
	g := newGateway(t)
	debit := g.srv.Debit(dec("10.00"), "EUR")
	g.send(g.refundRequest(debit, ""))
	orig := g.srv.Requests()
	require.Len(t, orig, 1)
	wantBody := string(orig[0].Body)
	wantAuth := orig[0].Header.Get("Authorization")

	hammer(8, func(int) {
		for range 50 {
			rs := g.srv.Requests()
			rs[0].Body[0] ^= 0xff
			rs[0].Header.Set("Authorization", "mutated")
			rs[0].Header["X-Hostile"] = append(rs[0].Header["X-Hostile"], "x")
		}
	})
	again := g.srv.Requests()
	assert.Equal(t, wantBody, string(again[0].Body))
	assert.Equal(t, wantAuth, again[0].Header.Get("Authorization"))
	assert.Empty(t, again[0].Header.Values("X-Hostile"))
}

// Odd inputs to methods that return errors, or have nothing to say, must
// not panic: a panic in the fake aborts the merchant's whole test binary.
// The methods documented to panic (Debit, Preauthorize, DebitPending on
// what Seed refuses; InjectFault with nth < 1 or an unknown op or kind;
// AnswerNext with an unknown op or malformed code) are left out.
func TestHostileOddInputsDoNotPanic(t *testing.T) {
	srv := backofficetest.NewServer()
	t.Cleanup(srv.Close)
	debit := srv.Debit(dec("10.00"), "EUR")
	auth := srv.Preauthorize(dec("10.00"), "EUR")
	var zero decimal.Decimal
	seed := func(p backofficetest.SeedPayment) func() error {
		return func() error { _, err := srv.Seed(p); return err }
	}
	cases := []struct {
		name    string
		call    func() error // nil error when the call has no error to return
		wantErr bool
	}{
		{"Entries empty id", func() error { _ = srv.Entries(""); return nil }, false},
		{"Entries unknown type", func() error { _ = srv.Entries(debit, "ZZ"); return nil }, false},
		{"Lookup empty id", func() error { _, _ = srv.Lookup(""); return nil }, false},
		{"TrackingID empty", func() error { _ = srv.TrackingID(""); return nil }, false},
		{"TrackingID unknown", func() error { _ = srv.TrackingID("nope"); return nil }, false},
		{"ShortID empty", func() error { _ = srv.ShortID(""); return nil }, false},
		{"ShortID short", func() error { _ = srv.ShortID("ab"); return nil }, false},
		{"ShortID non-hex", func() error { _ = srv.ShortID(strings.Repeat("z", 32)); return nil }, false},
		{"ShortID unicode", func() error { _ = srv.ShortID("ééééééééééééé"); return nil }, false},
		{"Seed zero value", seed(backofficetest.SeedPayment{}), true},
		{"Seed zero decimal", seed(backofficetest.SeedPayment{Type: backoffice.PaymentTypeDebit, Amount: zero, Currency: "EUR"}), true},
		{"Seed negative", seed(backofficetest.SeedPayment{Type: backoffice.PaymentTypeDebit, Amount: dec("-1.00"), Currency: "EUR"}), true},
		{"Seed three decimals", seed(backofficetest.SeedPayment{Type: backoffice.PaymentTypeDebit, Amount: dec("1.001"), Currency: "EUR"}), true},
		{"Seed huge", seed(backofficetest.SeedPayment{Type: backoffice.PaymentTypeDebit, Amount: dec("1e30"), Currency: "EUR"}), true},
		{"Seed refund type", seed(backofficetest.SeedPayment{Type: backoffice.PaymentTypeRefund, Amount: dec("1.00"), Currency: "EUR"}), true},
		{"Seed lower-case currency", seed(backofficetest.SeedPayment{Type: backoffice.PaymentTypeDebit, Amount: dec("1.00"), Currency: "eur"}), true},
		{"Seed far future", seed(backofficetest.SeedPayment{Type: backoffice.PaymentTypeDebit, Amount: dec("1.00"), Currency: "EUR", At: time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)}), false},
		{"BankChargeback empty", func() error { _, err := srv.BankChargeback("", zero, ""); return err }, true},
		{"BankChargeback unknown", func() error { _, err := srv.BankChargeback("nope", dec("1.00"), "000.100.220"); return err }, true},
		{"BankChargeback on PA", func() error { _, err := srv.BankChargeback(auth, zero, "000.100.220"); return err }, true},
		{"BankChargeback negative", func() error { _, err := srv.BankChargeback(debit, dec("-1.00"), "000.100.220"); return err }, true},
		{"BankChargeback too much", func() error { _, err := srv.BankChargeback(debit, dec("10.01"), "000.100.220"); return err }, true},
		{"BankChargeback garbage reason", func() error { _, err := srv.BankChargeback(srv.Debit(dec("1.00"), "EUR"), zero, "garbage"); return err }, true},
		{"BankChargeback empty reason", func() error { _, err := srv.BankChargeback(srv.Debit(dec("1.00"), "EUR"), zero, ""); return err }, true},
		{"SettlePending empty", func() error { _, err := srv.SettlePending("", ""); return err }, true},
		{"SettlePending booked debit", func() error { _, err := srv.SettlePending(debit, "000.100.110"); return err }, true},
		{"SettlePending pending code", func() error {
			_, err := srv.SettlePending(srv.DebitPending(dec("1.00"), "EUR"), "000.200.000")
			return err
		}, true},
		{"SettlePending garbage code", func() error {
			_, err := srv.SettlePending(srv.DebitPending(dec("1.00"), "EUR"), "garbage")
			return err
		}, false},
		{"SettlePending twice", func() error {
			p := srv.DebitPending(dec("1.00"), "EUR")
			if _, err := srv.SettlePending(p, "000.100.110"); err != nil {
				return fmt.Errorf("first settle: %w", err)
			}
			_, err := srv.SettlePending(p, "000.100.110")
			if err == nil {
				return errors.New("settled twice")
			}
			return nil
		}, false},
		{"ThrottleSearch negative", func() error {
			srv.ThrottleSearch(backofficetest.SearchThrottle{N: -1, Window: -time.Second})
			return nil
		}, false},
		{"ThrottleSearch zero window", func() error {
			srv.ThrottleSearch(backofficetest.SearchThrottle{N: 1, Window: 0})
			return nil
		}, false},
		{"InjectFaultFunc nil", func() error { srv.InjectFaultFunc(nil); return nil }, false},
		{"FlushWebhooks nil-free ctx without webhook", func() error { return srv.FlushWebhooks(context.Background()) }, false},
	}
	for _, c := range cases {
		var err error
		p := hlNoPanic(func() { err = c.call() })
		if !assert.Nil(t, p, "%s panicked", c.name) {
			continue
		}
		if c.wantErr {
			assert.Error(t, err, c.name)
		} else {
			assert.NoError(t, err, c.name)
		}
	}
	// The server still answers after all that, searches included under the
	// odd throttle last set.
	bearer, _, _ := hlClients(t, srv)
	_, err := bearer.Inquire(context.Background(), debit)
	assert.NoError(t, err)
	for _, err := range bearer.Search(context.Background(), backoffice.SearchRequest{From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Hour)}) {
		if err != nil {
			var re *backoffice.ResultError
			assert.True(t, errors.As(err, &re), "search under a zero-window throttle: %v", err)
			break
		}
	}
}

// Options with odd values: a fake built with them must still answer
// requests, not panic inside a handler (which net/http turns into a
// dropped connection the client sees as a transport error).
func TestHostileOddOptionsStillServe(t *testing.T) {
	opts := map[string][]backofficetest.Option{
		"negative booking latency":  {backofficetest.WithBookingLatency(-time.Second)},
		"zero token lifetime":       {backofficetest.WithAuthTokenLifetime(0)},
		"negative token lifetime":   {backofficetest.WithAuthTokenLifetime(-time.Hour)},
		"zero lookup throttle":      {backofficetest.WithLookupThrottle(0, 0)},
		"negative lookup throttle":  {backofficetest.WithLookupThrottle(-1, -time.Second)},
		"nil clock":                 {backofficetest.WithClock(nil)},
		"negative webhook policy":   {backofficetest.WithWebhook("http://127.0.0.1:1/", webhookSecret), backofficetest.WithWebhookPolicy(backofficetest.WebhookPolicy{Attempts: -1, Backoff: -1, Timeout: -1})},
		"webhook url garbage":       {backofficetest.WithWebhook("::not a url", webhookSecret)},
		"webhook secret refused":    {backofficetest.WithWebhook("http://127.0.0.1:1/", "short")},
		"webhook empty url":         {backofficetest.WithWebhook("", "")},
		"multiple captures and dup": {backofficetest.WithMultipleCaptures(true), backofficetest.WithDuplicateDetection()},
	}
	for name, o := range opts {
		t.Run(name, func(t *testing.T) {
			var srv *backofficetest.Server
			if p := hlNoPanic(func() { srv = backofficetest.NewServer(o...) }); p != nil {
				t.Fatalf("NewServer panicked: %v", p)
			}
			defer srv.Close()
			debit := srv.Debit(dec("10.00"), "EUR")
			bearer, checksum, _ := hlClients(t, srv)
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			_, err := bearer.Refund(ctx, debit, backoffice.RefundRequest{Amount: dec("1.00"), Currency: "EUR"})
			assert.NotEqual(t, backoffice.Unknown, backoffice.OutcomeOf(err), "bearer refund: %v", err)
			_, err = bearer.Inquire(ctx, debit)
			var re *backoffice.ResultError
			assert.True(t, err == nil || errors.As(err, &re), "bearer inquire: %v", err)
			_, err = checksum.Refund(ctx, srv.TrackingID(debit), backoffice.RefundRequest{Amount: dec("1.00"), Currency: "EUR"})
			assert.NotEqual(t, backoffice.Unknown, backoffice.OutcomeOf(err), "checksum refund: %v", err)
			fctx, fcancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer fcancel()
			_ = srv.FlushWebhooks(fctx)
		})
	}
}

// Faults with odd fields: a StatusCode net/http refuses to write, a
// negative latency, a redirect with a success status. The request may be
// answered oddly, but the next request must be answered normally and
// nothing may hang.
func TestHostileOddFaultFields(t *testing.T) {
	faults := map[string]backofficetest.Fault{
		"server error status 42":   {Kind: backofficetest.FaultServerError, StatusCode: 42},
		"server error status 1000": {Kind: backofficetest.FaultServerError, StatusCode: 1000},
		"server error status 200":  {Kind: backofficetest.FaultServerError, StatusCode: 200},
		"redirect status 200":      {Kind: backofficetest.FaultRedirect, StatusCode: 200},
		"redirect status 42":       {Kind: backofficetest.FaultRedirect, StatusCode: 42},
		"negative latency":         {Kind: backofficetest.FaultLatency, Latency: -time.Second},
		"negative retry after":     {Kind: backofficetest.FaultThrottle, RetryAfter: -time.Second},
		"huge retry after":         {Kind: backofficetest.FaultSessionBusy, RetryAfter: 1 << 62},
		"redirect bad location":    {Kind: backofficetest.FaultRedirect, Location: "\x00\r\nX-Injected: 1"},
	}
	for name, f := range faults {
		t.Run(name, func(t *testing.T) {
			g := newGateway(t)
			debit := g.srv.Debit(dec("10.00"), "EUR")
			g.srv.InjectFault(backofficetest.OpRefund, 1, f)
			done := make(chan error, 1)
			go func() { _, err := g.try(g.refundRequest(debit, "")); done <- err }()
			select {
			case err := <-done:
				t.Logf("faulted request: %v", err)
			case <-time.After(3 * time.Second):
				t.Fatal("faulted request hangs")
			}
			r := g.send(g.refundRequest(debit, ""))
			assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
		})
	}
}

// hlHangingEndpoint is a webhook endpoint that reads each POST and then
// never answers until the test ends (or the fake hangs up).
func hlHangingEndpoint(t *testing.T) (url string, got *atomic.Int32) {
	t.Helper()
	release := make(chan struct{})
	got = new(atomic.Int32)
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(hang.Close)
	t.Cleanup(func() { close(release) })
	return hang.URL, got
}

// Payments recorded after Close (the in-process helpers, and the handler
// served elsewhere) must not start webhook deliveries that outlive Close:
// nothing would ever end them.
func TestHostileWebhookRecordedAfterClose(t *testing.T) {
	hook, got := hlHangingEndpoint(t)
	before := hlGoroutines()
	srv := backofficetest.NewServer(backofficetest.WithWebhook(hook, webhookSecret),
		backofficetest.WithWebhookPolicy(backofficetest.WebhookPolicy{Attempts: 3, Timeout: 3 * time.Second}))
	h := srv.Handler()
	own := httptest.NewServer(h)
	defer own.Close()
	srv.Close()

	debit := srv.Debit(dec("10.00"), "EUR")
	_, err := srv.BankChargeback(srv.Debit(dec("5.00"), "EUR"), decimal.Zero, "000.100.220")
	require.NoError(t, err)
	g := &gateway{t: t, srv: srv}
	req := g.refundRequest(debit, "")
	req.URL.Host = strings.TrimPrefix(own.URL, "http://")
	req.Host = req.URL.Host
	tr := &http.Transport{}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "the handler served elsewhere still books after Close (documented)")
	time.Sleep(100 * time.Millisecond)
	t.Logf("deliveries POSTed after Close: %d", got.Load())
	own.Close()
	hlNoLeak(t, before, tr.CloseIdleConnections)
}

// A merchant's webhook endpoint that asks the fake about the payment it
// was notified of (the natural assertion inside a handler) must get an
// answer: a delivery holding the fake's lock while it POSTs would
// deadlock until the delivery times out.
func TestHostileWebhookHandlerCallsBackIntoFake(t *testing.T) {
	var srv atomic.Pointer[backofficetest.Server]
	var slow atomic.Int32
	ts := httptest.NewServer(webhook.Handler(webhookSecret, func(_ context.Context, n *webhook.Notification) error {
		s := srv.Load()
		start := time.Now()
		_, _ = s.Lookup(n.Payment.ID)
		_ = s.Ledger()
		_ = s.Entries(n.Payment.ID)
		_ = s.WebhookDeliveries()
		_ = s.Attempts()
		_ = s.Requests()
		if time.Since(start) > 10*time.Second {
			slow.Add(1)
		}
		return nil
	}))
	defer ts.Close()
	s := backofficetest.NewServer(backofficetest.WithWebhook(ts.URL, webhookSecret),
		backofficetest.WithWebhookPolicy(backofficetest.WebhookPolicy{Attempts: 1, Timeout: 30 * time.Second}))
	srv.Store(s)
	defer s.Close()
	for range 3 {
		s.Debit(dec("1.00"), "EUR")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	require.NoError(t, s.FlushWebhooks(ctx))
	assert.Zero(t, slow.Load(), "a handler's calls into the fake waited for the delivery")
	for _, d := range s.WebhookDeliveries() {
		assert.Equal(t, http.StatusOK, d.Status, "%+v", d)
	}
}

// A merchant's webhook endpoint that closes the fake (a test that ends as
// soon as it was notified) must not deadlock Close against the delivery
// waiting for the endpoint's answer.
func TestHostileCloseFromWebhookHandler(t *testing.T) {
	var srv atomic.Pointer[backofficetest.Server]
	closed := make(chan struct{}, 1)
	ts := httptest.NewServer(webhook.Handler(webhookSecret, func(context.Context, *webhook.Notification) error {
		srv.Load().Close()
		closed <- struct{}{}
		return nil
	}))
	defer ts.Close()
	s := backofficetest.NewServer(backofficetest.WithWebhook(ts.URL, webhookSecret),
		backofficetest.WithWebhookPolicy(backofficetest.WebhookPolicy{Attempts: 1, Timeout: 20 * time.Second}))
	srv.Store(s)
	s.Debit(dec("1.00"), "EUR")
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close called from the webhook endpoint hangs (it waits for the delivery that waits for it)")
	}
}

// Close while a request sits in a FaultLatency wait and its client set no
// deadline: Close "blocks until every outstanding request has finished";
// this measures how long that is. FaultLatency ends early only when the
// request's context ends, so unless Close cuts the connection (as
// RefuseConnections does) it waits the whole latency.
func TestHostileCloseDuringLatencyFault(t *testing.T) {
	g := hlServer(t)
	debit := g.srv.Debit(dec("10.00"), "EUR")
	g.srv.InjectFault(backofficetest.OpRefund, 1, backofficetest.Fault{Kind: backofficetest.FaultLatency, Latency: 60 * time.Second})
	sent := make(chan error, 1)
	go func() { _, err := g.try(g.refundRequest(debit, "")); sent <- err }()
	require.Eventually(t, func() bool { return len(g.srv.Requests()) == 1 }, 3*time.Second, 5*time.Millisecond)
	start := time.Now()
	ok := hlWithin(10*time.Second, g.srv.Close)
	if !ok {
		t.Errorf("Close blocked more than 10 s behind a 60 s FaultLatency request whose client has no deadline")
		return
	}
	t.Logf("Close took %s; the request: %v", time.Since(start), <-sent)
	assert.Empty(t, g.srv.Entries(debit), "a latency request cut by Close books nothing")
}

// RefuseConnections cuts a request in a FaultLatency wait: it must book
// nothing, return promptly, and Close afterwards must not wait for it.
func TestHostileRefuseDuringLatencyFault(t *testing.T) {
	g := hlServer(t)
	debit := g.srv.Debit(dec("10.00"), "EUR")
	g.srv.InjectFault(backofficetest.OpRefund, 1, backofficetest.Fault{Kind: backofficetest.FaultLatency, Latency: 20 * time.Second})
	sent := make(chan error, 1)
	go func() { _, err := g.try(g.refundRequest(debit, "")); sent <- err }()
	require.Eventually(t, func() bool { return len(g.srv.Requests()) == 1 }, 3*time.Second, 5*time.Millisecond)
	require.True(t, hlWithin(4*time.Second, g.srv.RefuseConnections), "RefuseConnections hangs behind a latency request")
	select {
	case err := <-sent:
		assert.Error(t, err, "the cut request gets no answer")
	case <-time.After(3 * time.Second):
		t.Fatal("the request RefuseConnections cut is still waiting")
	}
	require.True(t, hlWithin(4*time.Second, g.srv.Close), "Close after Refuse hangs behind the cut latency request")
	assert.Empty(t, g.srv.Entries(debit))
}

// SettlePending and BankChargeback on one payment from many goroutines at
// once: the money rules hold under concurrency (one settlement, one
// standing chargeback).
func TestHostileConcurrentSettleAndChargeback(t *testing.T) {
	srv := backofficetest.NewServer()
	t.Cleanup(srv.Close)
	pending := srv.DebitPending(dec("10.00"), "EUR")
	debit := srv.Debit(dec("10.00"), "EUR")
	var settled, charged atomic.Int32
	hammer(16, func(i int) {
		if i%2 == 0 {
			if _, err := srv.SettlePending(pending, "000.100.110"); err == nil {
				settled.Add(1)
			}
			return
		}
		if _, err := srv.BankChargeback(debit, dec("1.00"), "000.100.220"); err == nil {
			charged.Add(1)
		}
	})
	assert.EqualValues(t, 1, settled.Load(), "one settlement of a pending debit")
	assert.EqualValues(t, 1, charged.Load(), "one standing chargeback at a time")
	assert.Len(t, srv.Entries(debit, backoffice.PaymentTypeChargeback), 1)
	e, ok := srv.Lookup(pending)
	require.True(t, ok)
	assert.Equal(t, backoffice.ResultCode("000.100.110"), e.Code)
}

// InjectFault from many goroutines while requests arrive: whichever
// request each injection lands on (they are counted from their own call,
// and the earliest of several aimed at one request wins), every fault
// FaultsInjected counts is a throttled answer a client saw, and every
// other request was booked.
func TestHostileInjectFaultConcurrently(t *testing.T) {
	g := newGateway(t)
	debit := g.srv.Debit(dec("1000.00"), "EUR")
	var wg sync.WaitGroup
	hlGo(&wg, func() {
		hammer(4, func(i int) {
			for n := range 10 {
				g.srv.InjectFault(backofficetest.OpRefund, 1+(i+n)%3, backofficetest.Fault{Kind: backofficetest.FaultThrottle})
				time.Sleep(time.Millisecond)
			}
		})
	})
	var throttled, ok atomic.Int32
	hammer(4, func(int) {
		for range 15 {
			r, err := g.try(g.refundRequest(debit, ""))
			require.NoError(t, err)
			switch r.p.Result.Code {
			case "800.120.100":
				throttled.Add(1)
			case booked:
				ok.Add(1)
			}
		}
	})
	wg.Wait()
	assert.Positive(t, throttled.Load())
	assert.EqualValues(t, throttled.Load(), g.srv.FaultsInjected())
	assert.EqualValues(t, 60, throttled.Load()+ok.Load())
	assert.Len(t, g.srv.Entries(debit, backoffice.PaymentTypeRefund), int(ok.Load()))
}
