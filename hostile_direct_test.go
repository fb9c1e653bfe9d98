package backoffice_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Hostile tests of the direct attempt path: the SDK's own HTTP client
// (neither WithHTTPClient nor WithRoundTripper) sends each first attempt
// straight to its *http.Transport and bounds it with a watchdog instead of
// http.Client.Timeout. Every client below is built without WithHTTPClient
// and WithRoundTripper unless its test says otherwise, so that the direct
// path is the one under attack. The assertions come from the public
// contract (README.md, doc.go), not from the implementation.

// hdSlack is how much later than its timeout (or its context's end) a call
// may end in these tests. It is a bound against a hang, not the contract's
// "at most about 1 s after it": these tests run beside others on a loaded
// machine, whose scheduling delays of hundreds of milliseconds come on top
// of the watchdog's window, and that design bound is checked exactly by
// internal/transport's TestWatchdogWindows. It stays well below hdStallFor,
// so that an attempt left to run until the gateway stops stalling is
// still caught.
const hdSlack = 3 * time.Second

// hdOwn is a bearer client on the SDK's own HTTP client (the direct path),
// with the hostile outcome tests' quick policy.
func hdOwn(t *testing.T, base string, creds backoffice.Credentials, opts ...backoffice.Option) *backoffice.Client {
	t.Helper()
	return newTestClient(t, base, creds, append([]backoffice.Option{backoffice.WithRetryPolicy(hoPolicy)}, opts...)...)
}

// hdReq is one request a hdGateway received.
type hdReq struct {
	Method, Path, Query string
	Header              http.Header
	Body                []byte
	At                  time.Time // arrival, after the body was read
	Ended               time.Time // when its connection or stream went away (zero if not seen)
}

// hdGateway is a scripted gateway: post and get answer POSTs and GETs
// (n counts each kind from 1). It records every request, and when the
// client abandoned it (the request's context ended while the handler
// still ran). done is closed at cleanup, before the server is closed, so
// that a stalling handler never holds the test up.
type hdGateway struct {
	*httptest.Server
	done chan struct{}
	mu   sync.Mutex
	reqs []*hdReq
	nPost,
	nGet int
	post, get func(n int, w http.ResponseWriter, r *http.Request, g *hdGateway)
	arrived   chan *hdReq // every request, when it arrives (buffered; dropped when full)
}

func newHDGateway(t *testing.T, post, get func(n int, w http.ResponseWriter, r *http.Request, g *hdGateway)) *hdGateway {
	t.Helper()
	g := &hdGateway{done: make(chan struct{}), post: post, get: get, arrived: make(chan *hdReq, 1024)}
	g.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec := &hdReq{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body, At: time.Now()}
		g.mu.Lock()
		g.reqs = append(g.reqs, rec)
		h, n := g.get, 0
		if r.Method == http.MethodGet {
			g.nGet++
			n = g.nGet
		} else {
			g.nPost++
			n, h = g.nPost, g.post
		}
		g.mu.Unlock()
		select {
		case g.arrived <- rec:
		default:
		}
		stop := context.AfterFunc(r.Context(), func() {
			g.mu.Lock()
			if rec.Ended.IsZero() {
				rec.Ended = time.Now()
			}
			g.mu.Unlock()
		})
		defer stop()
		if h == nil {
			http.Error(w, "unexpected", http.StatusTeapot)
			return
		}
		h(n, w, r.WithContext(context.WithValue(r.Context(), hdRecKey{}, rec)), g)
	}))
	g.Config.ErrorLog = log.New(io.Discard, "", 0)
	g.Start()
	t.Cleanup(g.Close)
	t.Cleanup(func() { close(g.done) })
	return g
}

type hdRecKey struct{}

// ended records that r's client went away, for handlers that hijack the
// connection (the server no longer watches it then).
func (g *hdGateway) ended(r *http.Request) {
	if rec, ok := r.Context().Value(hdRecKey{}).(*hdReq); ok {
		g.mu.Lock()
		if rec.Ended.IsZero() {
			rec.Ended = time.Now()
		}
		g.mu.Unlock()
	}
}

func (g *hdGateway) requests() []hdReq {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]hdReq, len(g.reqs))
	for i, r := range g.reqs {
		out[i] = *r
	}
	return out
}

func (g *hdGateway) byMethod(m string) []hdReq {
	var out []hdReq
	for _, r := range g.requests() {
		if r.Method == m {
			out = append(out, r)
		}
	}
	return out
}

// stall waits until the client goes away, the test ends, or d passes.
func (g *hdGateway) stall(r *http.Request, d time.Duration) {
	select {
	case <-r.Context().Done():
	case <-g.done:
	case <-time.After(d):
	}
}

// hdStall is a way for a gateway to stop answering half-way.
type hdStall struct {
	name string
	// serve answers r badly; it returns when the client went away (or after
	// a few seconds).
	serve func(w http.ResponseWriter, r *http.Request, g *hdGateway)
}

// hdStallFor is how long a stalling gateway stalls at most: far longer
// than any timeout plus hdSlack below (a client that waits for the stall to
// end fails their bounds). Stalls end as soon as the client goes away, so
// a correct client never waits for it.
const hdStallFor = 10 * time.Second

func hdStalls() []hdStall {
	const js = "application/json;charset=UTF-8"
	body := `{"id":"rf1","referencedId":"db1","paymentType":"RF","amount":"5.00","currency":"EUR","merchantTransactionId":"mtid-1","result":{"code":"000.100.110","description":"ok"}}`
	drip := func(w http.ResponseWriter, r *http.Request, g *hdGateway, b []byte) {
		rc := http.NewResponseController(w)
		for i, end := 0, time.Now().Add(hdStallFor); time.Now().Before(end); i++ {
			if _, err := w.Write(b[i%len(b) : i%len(b)+1]); err != nil {
				return
			}
			if rc.Flush() != nil {
				return
			}
			select {
			case <-r.Context().Done():
				return
			case <-g.done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	return []hdStall{
		{"before headers", func(w http.ResponseWriter, r *http.Request, g *hdGateway) { g.stall(r, hdStallFor) }},
		{"after headers, with length", func(w http.ResponseWriter, r *http.Request, g *hdGateway) {
			w.Header().Set("Content-Type", js)
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(200)
			http.NewResponseController(w).Flush()
			g.stall(r, hdStallFor)
		}},
		{"after headers, chunked", func(w http.ResponseWriter, r *http.Request, g *hdGateway) {
			w.Header().Set("Content-Type", js)
			w.WriteHeader(200)
			http.NewResponseController(w).Flush()
			g.stall(r, hdStallFor)
		}},
		{"mid body, with length", func(w http.ResponseWriter, r *http.Request, g *hdGateway) {
			w.Header().Set("Content-Type", js)
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(200)
			io.WriteString(w, body[:len(body)/2])
			http.NewResponseController(w).Flush()
			g.stall(r, hdStallFor)
		}},
		{"mid body, chunked", func(w http.ResponseWriter, r *http.Request, g *hdGateway) {
			w.Header().Set("Content-Type", js)
			w.WriteHeader(200)
			io.WriteString(w, body[:len(body)/2])
			http.NewResponseController(w).Flush()
			g.stall(r, hdStallFor)
		}},
		// Never silent for more than 20 ms: a watchdog that only notices
		// an idle connection never fires.
		{"dripping body, with length", func(w http.ResponseWriter, r *http.Request, g *hdGateway) {
			w.Header().Set("Content-Type", js)
			w.Header().Set("Content-Length", "1000000")
			w.WriteHeader(200)
			drip(w, r, g, []byte(body))
		}},
		{"dripping body, chunked", func(w http.ResponseWriter, r *http.Request, g *hdGateway) {
			w.Header().Set("Content-Type", js)
			w.WriteHeader(200)
			drip(w, r, g, []byte(body))
		}},
		{"dripping headers", func(w http.ResponseWriter, r *http.Request, g *hdGateway) {
			conn, brw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				return
			}
			defer conn.Close()
			brw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
			brw.Flush()
			for end := time.Now().Add(hdStallFor); time.Now().Before(end); {
				if _, err := conn.Write([]byte("X-Drip: a\r\n")); err != nil {
					g.ended(r)
					return
				}
				select {
				case <-g.done:
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		}},
	}
}

// hdFound answers a look-up with refundOK.
func hdFound(_ int, w http.ResponseWriter, _ *http.Request, _ *hdGateway) {
	writeJSON(w, 200, `{"result":{"code":"000.000.100","description":"successful request"},"payments":[`+refundOK+`]}`)
}

// Each attempt is bounded by the attempt timeout, whatever phase the
// gateway stalls in: before its headers, after them, in the middle of the
// body (with a length or chunked), or dripping bytes so that the connection
// is never idle. A read with one attempt ends no sooner than the timeout and
// not long after it (hdSlack), and once the gateway has seen its request it
// is not reported as "not sent". (On a loaded machine the timeout may come
// before the request is even written; the call is then rightly not sent,
// and the run is logged.)
//
// Not parallel at the top: the timing bounds are measured while no other
// test's load runs (its subtests run in parallel with each other only).
func TestHostileDirectAttemptTimeoutBoundsEveryStallPhaseOfARead(t *testing.T) {
	const timeout = 300 * time.Millisecond
	for _, st := range hdStalls() {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			g := newHDGateway(t, nil, func(_ int, w http.ResponseWriter, r *http.Request, g *hdGateway) { st.serve(w, r, g) })
			var logs syncBuffer
			c := hdOwn(t, g.URL, bearerCreds, backoffice.WithAttemptTimeout(timeout),
				backoffice.WithRetryPolicy(backoffice.RetryPolicy{MaxAttempts: 1}),
				backoffice.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			ctx := hoCtx(t, 10*time.Second)
			start := time.Now()
			err := callNoPanic(t, func() error { _, err := c.Inquire(ctx, "pay1"); return err })
			el := time.Since(start)
			require.Error(t, err, "a stalled answer cannot be a success")
			assert.GreaterOrEqual(t, el, timeout, "the attempt ended before its timeout: %v", err)
			assert.LessOrEqual(t, el, timeout+hdSlack, "the attempt outlived its timeout by far: %v", err)
			var ns *backoffice.NotSentError
			reqs := g.requests()
			if len(reqs) > 0 {
				assert.False(t, errors.As(err, &ns), "a request the gateway received was reported as not sent: %v", err)
			} else {
				t.Logf("the timeout came before the gateway saw the request (%v): %v", el, err)
			}
			assert.NotErrorIs(t, err, context.Canceled, "the caller cancelled nothing: %v", err)
			hoAssertNoSecret(t, "error", err.Error(), bearerCreds.AccessToken)
			hoAssertNoSecret(t, "logs", logs.String(), bearerCreds.AccessToken)
			assert.LessOrEqual(t, len(reqs), 1, "one attempt allowed")
		})
	}
}

// A refund whose answer stalls is ambiguous, not "the caller's context
// ended": when the attempt timeout fires, the call looks the
// merchantTransactionId up (and finds the refund booked) instead of giving
// up, and never sends the refund a second time. The refund's request ends,
// and the look-up comes, no sooner than the timeout after the call began
// (the attempt began after that), and the look-up not long after the
// refund arrived (hdSlack).
func TestHostileDirectAttemptTimeoutOfARefundIsReconciledNotResent(t *testing.T) {
	const timeout = 300 * time.Millisecond
	for _, st := range hdStalls() {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			g := newHDGateway(t, func(_ int, w http.ResponseWriter, r *http.Request, g *hdGateway) { st.serve(w, r, g) }, hdFound)
			c := hdOwn(t, g.URL, bearerCreds, backoffice.WithAttemptTimeout(timeout))
			var p *backoffice.Payment
			callStart := time.Now()
			err := callNoPanic(t, func() (err error) { p, err = refund(c); return err })
			require.NoError(t, err, "the look-up after the timed-out attempt finds the refund")
			assert.Equal(t, "rf1", p.ID)
			posts, gets := g.byMethod(http.MethodPost), g.byMethod(http.MethodGet)
			require.Len(t, posts, 1, "a refund whose outcome was unknown was sent again")
			require.NotEmpty(t, gets)
			assert.GreaterOrEqual(t, gets[0].At.Sub(callStart), timeout, "looked up before the attempt's timeout")
			if !posts[0].Ended.IsZero() { // zero when the gateway did not see the client go away (yet)
				assert.GreaterOrEqual(t, posts[0].Ended.Sub(callStart), timeout, "the attempt was abandoned before its timeout")
			}
			assert.LessOrEqual(t, gets[0].At.Sub(posts[0].At), timeout+hdSlack, "the attempt outlived its timeout by far")
		})
	}
}

// A read whose first attempt times out is tried again (reads are retried on
// any ambiguous failure): the direct path's timeout must not pass for the
// end of the caller's context. The gateway stalls on the first request
// only; the timeout leaves a retry time to dial again and be answered on a
// loaded machine (were it cut short too, a third attempt would be made,
// which is no failure of the SDK).
func TestHostileDirectTimedOutReadIsRetried(t *testing.T) {
	t.Parallel()
	const timeout = time.Second
	g := newHDGateway(t, nil, func(n int, w http.ResponseWriter, r *http.Request, g *hdGateway) {
		if n == 1 {
			g.stall(r, hdStallFor)
			return
		}
		writeJSON(w, 200, refundOK)
	})
	c := hdOwn(t, g.URL, bearerCreds, backoffice.WithAttemptTimeout(timeout))
	start := time.Now()
	p, err := c.Inquire(hoCtx(t, 10*time.Second), "rf1")
	require.NoError(t, err, "a later attempt was answered")
	assert.Equal(t, "rf1", p.ID)
	assert.GreaterOrEqual(t, time.Since(start), timeout, "answered before the stalled first attempt timed out")
	reqs := g.requests()
	require.GreaterOrEqual(t, len(reqs), 2, "the timed-out read was not tried again")
	assert.LessOrEqual(t, len(reqs), hoPolicy.MaxAttempts)
	assert.True(t, eventually(func() bool { return !g.requests()[0].Ended.IsZero() }), "the stalled first attempt was never abandoned")
}

// The attempt timeout must never fire early: a gateway that answers in
// 60 % of the timeout is answered, on first attempts and on resends, call
// after call (a watchdog that reuses a stale deadline, or rounds it down to
// its tick, fires early on some of them).
//
// Every sign that a call's attempt was abandoned is held against the time
// taken before that call began, which comes before its attempt began: the
// gateway seeing the client go away, and the look-up that follows an
// abandoned attempt, must both come at least the timeout after it. On a
// loaded machine an answer may still come after the timeout; that call is
// then looked up (and found), which is logged, and only most calls have to
// be answered.
func TestHostileDirectAttemptTimeoutNeverFiresEarly(t *testing.T) {
	const timeout = time.Second
	const latency = 600 * time.Millisecond
	const calls = 6
	g := newHDGateway(t, func(_ int, w http.ResponseWriter, _ *http.Request, _ *hdGateway) {
		time.Sleep(latency)
		writeJSON(w, 200, refundOK)
	}, hdFound)
	c := hdOwn(t, g.URL, bearerCreds, backoffice.WithAttemptTimeout(timeout),
		backoffice.WithRetryPolicy(backoffice.RetryPolicy{MaxAttempts: 1, SettleTime: time.Millisecond, LookupInterval: time.Millisecond}))
	starts := make([]time.Time, calls) // taken before each call
	for i := range calls {
		starts[i] = time.Now()
		_, err := refund(c)
		require.NoError(t, err, "call %d: the answer, or the look-up after a late one, found the refund", i)
		time.Sleep(time.Duration(i) * 47 * time.Millisecond) // vary the phase against the watchdog's windows (a quarter of the timeout)
	}
	// Calls run one after another, one attempt each: the i-th POST is call
	// i's, and a look-up arriving between two calls' starts is the first's.
	posts, gets := g.byMethod(http.MethodPost), g.byMethod(http.MethodGet)
	require.Len(t, posts, calls, "one attempt per call")
	abandoned := make([]bool, calls)
	for i, r := range posts {
		if !r.Ended.IsZero() {
			abandoned[i] = true
			assert.GreaterOrEqual(t, r.Ended.Sub(starts[i]), timeout, "call %d's request was abandoned before its timeout", i)
		}
	}
	for _, r := range gets {
		i := 0
		for i+1 < calls && !r.At.Before(starts[i+1]) {
			i++
		}
		abandoned[i] = true
		assert.GreaterOrEqual(t, r.At.Sub(starts[i]), timeout, "call %d was looked up before its attempt's timeout", i)
	}
	answered := 0
	for i, a := range abandoned {
		if a {
			t.Logf("call %d: the answer came after the timeout, and the refund was looked up", i)
		} else {
			answered++
		}
	}
	assert.Greater(t, answered, calls/2, "most answers in %v came within the %v timeout", latency, timeout)
}

// The caller's context: one that ended before the call sends nothing and
// is *NotSentError; one that ends while the answer is awaited ends the
// call at once (not at the 60 s attempt timeout) as *UncertainError
// wrapping the context's error, and the refund is not sent again. The
// deadline leaves a fresh client time to dial and send on a loaded machine
// (ended before that, the call is rightly not sent); the gateway never
// answers, so it always ends while the answer is awaited.
func TestHostileDirectCallerContext(t *testing.T) {
	t.Parallel()
	t.Run("cancelled before", func(t *testing.T) {
		t.Parallel()
		g := newHDGateway(t, func(_ int, w http.ResponseWriter, _ *http.Request, _ *hdGateway) { writeJSON(w, 200, refundOK) }, hdFound)
		c := hdOwn(t, g.URL, bearerCreds)
		for _, mk := range []func() (context.Context, context.CancelFunc){
			func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				return ctx, cancel
			},
			func() (context.Context, context.CancelFunc) {
				return context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
			},
		} {
			ctx, cancel := mk()
			_, err := c.Refund(ctx, "db1", backoffice.RefundRequest{Amount: dec("5"), Currency: "EUR", MerchantTransactionID: "mtid-1"})
			cancel()
			var ns *backoffice.NotSentError
			assert.ErrorAs(t, err, &ns, "a context that had ended sends nothing")
			assert.Equal(t, backoffice.NotBooked, backoffice.OutcomeOf(err))
			assert.ErrorIs(t, err, ctx.Err())
			_, err = c.Inquire(ctx, "rf1")
			assert.ErrorIs(t, err, ctx.Err())
		}
		assert.Empty(t, g.requests(), "a request left with an ended context")
	})
	for _, how := range []string{"cancel", "deadline"} {
		t.Run(how+" while waiting for the answer", func(t *testing.T) {
			t.Parallel()
			g := newHDGateway(t, func(_ int, w http.ResponseWriter, r *http.Request, g *hdGateway) { g.stall(r, hdStallFor) }, hdFound)
			c := hdOwn(t, g.URL, bearerCreds) // the default 60 s attempt timeout
			const deadline = 2 * time.Second
			ctx, cancel := context.WithCancel(context.Background())
			want := context.Canceled
			if how == "deadline" {
				ctx, cancel = context.WithTimeout(context.Background(), deadline)
				want = context.DeadlineExceeded
			}
			defer cancel()
			if how == "cancel" {
				go func() {
					select {
					case <-g.arrived:
						time.Sleep(100 * time.Millisecond)
						cancel()
					case <-g.done:
					}
				}()
			}
			start := time.Now()
			_, err := c.Refund(ctx, "db1", backoffice.RefundRequest{Amount: dec("5"), Currency: "EUR", MerchantTransactionID: "mtid-1"})
			el := time.Since(start)
			hoCheckUncertain(t, err, bearerCreds.AccessToken)
			assert.ErrorIs(t, err, want)
			assert.Less(t, el, deadline+hdSlack, "the call outlived its context")
			assert.Len(t, g.byMethod(http.MethodPost), 1)
		})
	}
}

// A gateway that reads the whole refund and hangs up without a word (or
// after half an answer): the refund may be booked, so it is never sent
// again until a look-up made after the settle time proved it absent.
func TestHostileDirectHangUpAfterReadingIsNeverResentBlindly(t *testing.T) {
	t.Parallel()
	hangUps := map[string]func(w http.ResponseWriter, r *http.Request){
		"close": func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
		},
		"reset": func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				if tc, ok := conn.(*net.TCPConn); ok {
					tc.SetLinger(0)
				}
				conn.Close()
			}
		},
		"half a status line": func(w http.ResponseWriter, r *http.Request) {
			conn, brw, err := http.NewResponseController(w).Hijack()
			if err == nil {
				brw.WriteString("HTTP/1.1 20")
				brw.Flush()
				conn.Close()
			}
		},
		"headers then close": func(w http.ResponseWriter, r *http.Request) {
			conn, brw, err := http.NewResponseController(w).Hijack()
			if err == nil {
				brw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"id\":")
				brw.Flush()
				conn.Close()
			}
		},
	}
	for name, hangUp := range hangUps {
		for _, foundIt := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/booked %v", name, foundIt), func(t *testing.T) {
				t.Parallel()
				g := newHDGateway(t, func(_ int, w http.ResponseWriter, r *http.Request, _ *hdGateway) { hangUp(w, r) },
					func(n int, w http.ResponseWriter, r *http.Request, g *hdGateway) {
						if foundIt {
							hdFound(n, w, r, g)
							return
						}
						notFound(w)
					})
				c := hdOwn(t, g.URL, bearerCreds)
				p, err := refund(c)
				posts, gets := g.byMethod(http.MethodPost), g.byMethod(http.MethodGet)
				if foundIt {
					require.NoError(t, err)
					assert.Equal(t, "rf1", p.ID)
					assert.Len(t, posts, 1, "a refund the look-up found was sent again")
				} else {
					assert.Equal(t, backoffice.NotBooked, backoffice.OutcomeOf(err), "every attempt was proven absent: %v", err)
					var ns *backoffice.NotSentError
					assert.False(t, errors.As(err, &ns), "every attempt reached the gateway, none was 'not sent': %v", err)
				}
				// Every resend is preceded by a look-up made after the
				// previous attempt's arrival plus the settle time.
				for i := 1; i < len(posts); i++ {
					proven := false
					for _, get := range gets {
						if get.At.After(posts[i-1].At.Add(hoPolicy.SettleTime)) && get.At.Before(posts[i].At) {
							proven = true
						}
					}
					assert.True(t, proven, "attempt %d was sent without a look-up after the settle time proving attempt %d absent", i+1, i)
				}
				for i := range posts {
					assert.Equal(t, posts[0].Body, posts[i].Body, "attempt %d's body differs", i+1)
				}
			})
		}
	}
}

// hdMTIDs counts the bookings of each merchantTransactionId.
func hdMTIDs(srv *backofficetest.Server) map[string]int {
	n := map[string]int{}
	for _, e := range srv.Ledger() {
		if e.MerchantTransactionID != "" {
			n[e.MerchantTransactionID]++
		}
	}
	return n
}

// hdReceived reports the merchantTransactionIds the fake received a
// request for.
func hdReceived(srv *backofficetest.Server) map[string]bool {
	got := map[string]bool{}
	for _, r := range srv.Requests() {
		if r.Method != http.MethodPost {
			continue
		}
		if form, err := url.ParseQuery(string(r.Body)); err == nil {
			got[form.Get("merchantTransactionId")] = true
		}
	}
	return got
}

// hdOutcomes holds each call's answer against the fake's ledger, once every
// request has been handled: Booked is one booking, NotBooked none, Unknown
// at most one; a *NotSentError's request never reached the gateway at all.
func hdOutcomes(t *testing.T, srv *backofficetest.Server, mtids []string, errs []error) (counts map[backoffice.Outcome]int) {
	t.Helper()
	srv.AwaitBookings()
	booked, received := hdMTIDs(srv), hdReceived(srv)
	counts = map[backoffice.Outcome]int{}
	for i, err := range errs {
		m := mtids[i]
		o := backoffice.OutcomeOf(err)
		counts[o]++
		assert.LessOrEqual(t, booked[m], 1, "%s booked %d times (err %v)", m, booked[m], err)
		switch o {
		case backoffice.Booked:
			assert.Equal(t, 1, booked[m], "%s reported booked, ledger has %d", m, booked[m])
		case backoffice.NotBooked:
			assert.Zero(t, booked[m], "%s reported not booked (%v), the ledger has it", m, err)
			var ns *backoffice.NotSentError
			if errors.As(err, &ns) && received[m] {
				t.Errorf("%s reported not sent (%v), the gateway received it:\n%s", m, err, hdHistory(srv, m))
			}
		case backoffice.Unknown:
			hoCheckUncertain(t, err, srv.BearerCredentials().AccessToken)
		}
	}
	return counts
}

// hdHistory tells what the fake received of mtid: its attempts and look-ups.
func hdHistory(srv *backofficetest.Server, mtid string) string {
	var b strings.Builder
	var t0 time.Time
	for _, r := range srv.Requests() {
		form, _ := url.ParseQuery(string(r.Body))
		q, _ := url.ParseQuery(r.RawQuery)
		if form.Get("merchantTransactionId") != mtid && q.Get("merchantTransactionId") != mtid {
			continue
		}
		if t0.IsZero() {
			t0 = r.At
		}
		fmt.Fprintf(&b, "  +%v %s %s\n", r.At.Sub(t0).Round(time.Millisecond), r.Method, r.Path)
	}
	return b.String()
}

// hdServe serves the fake's handler on a server of the test's own, so that
// the test can watch and cut its connections, and close it (waiting for
// every request in flight) before reading the ledger.
func hdServe(t *testing.T, srv *backofficetest.Server, connState func(net.Conn, http.ConnState)) *httptest.Server {
	t.Helper()
	hs := httptest.NewUnstartedServer(srv.Handler())
	hs.Config.ErrorLog = log.New(io.Discard, "", 0)
	hs.Config.ConnState = connState
	hs.Start()
	t.Cleanup(hs.Close)
	return hs
}

// A gateway that closes its keep-alive connections a moment after each
// answer, so that the next request often races the close on a stale
// connection (net/http may resend on its own what it wrote nothing of): no
// refund is booked twice, none reported not booked or not sent is booked,
// and no call reports a request the gateway received as not sent.
func TestHostileDirectStaleKeepAliveConnections(t *testing.T) {
	t.Parallel()
	srv := hoFake(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(seed, 1))
	hs := hdServe(t, srv, func(c net.Conn, st http.ConnState) {
		if st != http.StateIdle {
			return
		}
		mu.Lock()
		d := time.Duration(rng.IntN(3000)) * time.Microsecond
		mu.Unlock()
		time.AfterFunc(d, func() { c.Close() })
	})
	c := hdOwn(t, hs.URL, srv.BearerCredentials())
	db := srv.Debit(dec("1000.00"), "EUR")
	const workers, each = 4, 30
	mtids := make([]string, workers*each)
	errs := make([]error, workers*each)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				k := w*each + i
				mtids[k] = fmt.Sprintf("stale-%d-%d", w, i)
				_, errs[k] = c.Refund(hoCtx(t, 5*time.Second), db, backoffice.RefundRequest{Amount: dec("1.00"), Currency: "EUR", MerchantTransactionID: mtids[k]})
				time.Sleep(time.Duration(i%4) * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	hs.Close()
	counts := hdOutcomes(t, srv, mtids, errs)
	t.Logf("outcomes: %v", counts)
	assert.Greater(t, counts[backoffice.Booked], workers*each/2, "a healthy gateway that only closes idle connections books most calls")
}

// Callers that cancel their context at random moments, 64 at a time: no
// panic, no call lost, no double booking, nothing reported not sent that
// reached the gateway.
func TestHostileDirectRandomCancellationsUnderConcurrency(t *testing.T) {
	t.Parallel()
	srv := hoFake(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 2))
	srv.InjectFaultFunc(func(op backofficetest.Op, n int) (backofficetest.Fault, bool) {
		if op == backofficetest.OpRefund && n%3 == 0 {
			return backofficetest.Fault{Kind: backofficetest.FaultLatency, Latency: 20 * time.Millisecond}, true
		}
		return backofficetest.Fault{}, false
	})
	hs := hdServe(t, srv, nil)
	c := hdOwn(t, hs.URL, srv.BearerCredentials(), backoffice.WithAttemptTimeout(150*time.Millisecond))
	db := srv.Debit(dec("1000.00"), "EUR")
	const n = 64
	mtids := make([]string, n)
	errs := make([]error, n)
	delays := make([]time.Duration, n)
	for i := range n {
		delays[i] = time.Duration(rng.IntN(40000)) * time.Microsecond
		mtids[i] = fmt.Sprintf("cancel-%d", i)
	}
	var wg sync.WaitGroup
	var returned atomic.Int32
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			time.AfterFunc(delays[i], cancel)
			errs[i] = callNoPanic(t, func() error {
				_, err := c.Refund(ctx, db, backoffice.RefundRequest{Amount: dec("1.00"), Currency: "EUR", MerchantTransactionID: mtids[i]})
				return err
			})
			returned.Add(1)
		}()
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(10 * time.Second):
		t.Fatalf("only %d of %d cancelled calls returned within 10 s", returned.Load(), n)
	}
	hs.Close()
	t.Logf("outcomes: %v", hdOutcomes(t, srv, mtids, errs))
}

// 128 concurrent reads against a gateway slower than the attempt timeout
// for half of them (and twice the SDK's 64 connections per host): every
// call ends within its timeout and a second, none panics, none is lost.
// The gateway answers the other half at once, so that some answers come in
// time even on a loaded machine (with latencies spread over 0-2 timeouts
// of 250 ms, two test suites at once once left none in time).
func TestHostileDirectManyCallersShortTimeouts(t *testing.T) {
	const timeout = time.Second
	srv := hoFake(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 3))
	srv.InjectFaultFunc(func(op backofficetest.Op, n int) (backofficetest.Fault, bool) {
		if rng.IntN(2) == 0 {
			return backofficetest.Fault{}, false
		}
		return backofficetest.Fault{Kind: backofficetest.FaultLatency, Latency: timeout + time.Duration(rng.IntN(1000))*time.Millisecond}, true
	})
	c := hdOwn(t, srv.URL, srv.BearerCredentials(), backoffice.WithAttemptTimeout(timeout),
		backoffice.WithRetryPolicy(backoffice.RetryPolicy{MaxAttempts: 1}))
	db := srv.Debit(dec("10.00"), "EUR")
	const n = 128
	var wg sync.WaitGroup
	els := make([]time.Duration, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			errs[i] = callNoPanic(t, func() error { _, err := c.Inquire(hoCtx(t, 10*time.Second), db); return err })
			els[i] = time.Since(start)
		}()
	}
	wg.Wait()
	ok := 0
	for i := range n {
		assert.LessOrEqual(t, els[i], timeout+hdSlack, "call %d took %v (err %v)", i, els[i], errs[i])
		if errs[i] == nil {
			ok++
		} else {
			assert.GreaterOrEqual(t, els[i], timeout, "call %d failed before its timeout: %v", i, errs[i])
		}
	}
	assert.Positive(t, ok, "some answers came in time")
	assert.Less(t, ok, n, "some answers came too late")
}

// 96 concurrent refunds against a gateway slower than the attempt timeout
// for some (the fake books nothing when the client hangs up first): the
// ledger agrees with every answer, nothing is booked twice, and every call
// returns within its context.
func TestHostileDirectManyRefundsShortTimeouts(t *testing.T) {
	t.Parallel()
	srv := hoFake(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 4))
	srv.InjectFaultFunc(func(op backofficetest.Op, n int) (backofficetest.Fault, bool) {
		if op != backofficetest.OpRefund {
			return backofficetest.Fault{}, false
		}
		return backofficetest.Fault{Kind: backofficetest.FaultLatency, Latency: time.Duration(rng.IntN(400)) * time.Millisecond}, true
	})
	hs := hdServe(t, srv, nil)
	c := hdOwn(t, hs.URL, srv.BearerCredentials(), backoffice.WithAttemptTimeout(200*time.Millisecond))
	db := srv.Debit(dec("1000.00"), "EUR")
	const n = 96
	mtids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		mtids[i] = fmt.Sprintf("slow-%d", i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			start := time.Now()
			errs[i] = callNoPanic(t, func() error {
				_, err := c.Refund(ctx, db, backoffice.RefundRequest{Amount: dec("1.00"), Currency: "EUR", MerchantTransactionID: mtids[i]})
				return err
			})
			assert.Less(t, time.Since(start), 3*time.Second+hdSlack, "call %d outlived its context", i)
		}()
	}
	wg.Wait()
	hs.Close()
	t.Logf("outcomes: %v", hdOutcomes(t, srv, mtids, errs))
}

// An attempt timeout of 1 ms: nearly every attempt times out somewhere
// between dialling and reading. Whatever the moment, a call reported not
// sent reached nothing, and nothing is booked twice.
func TestHostileDirectOneMillisecondAttemptTimeout(t *testing.T) {
	t.Parallel()
	srv := hoFake(t)
	hs := hdServe(t, srv, nil)
	c := hdOwn(t, hs.URL, srv.BearerCredentials(), backoffice.WithAttemptTimeout(time.Millisecond))
	db := srv.Debit(dec("1000.00"), "EUR")
	const n = 32
	mtids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		mtids[i] = fmt.Sprintf("tiny-%d", i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			errs[i] = callNoPanic(t, func() error {
				_, err := c.Refund(ctx, db, backoffice.RefundRequest{Amount: dec("1.00"), Currency: "EUR", MerchantTransactionID: mtids[i]})
				return err
			})
		}()
	}
	wg.Wait()
	_, err := c.Inquire(hoCtx(t, time.Second), db)
	t.Logf("a read with 1 ms attempts: %v", err)
	hs.Close()
	t.Logf("outcomes: %v", hdOutcomes(t, srv, mtids, errs))
}

// Every attempt (the direct first one, retries through go-retryablehttp,
// resends after a look-up proved the first absent) carries exactly one
// Authorization, Content-Type and User-Agent (no Accept: bearer), the same on each, and
// the same body bytes, also with 48 concurrent calls sharing the client.
func TestHostileDirectHeadersAndBodyOnEveryAttempt(t *testing.T) {
	t.Parallel()
	srv := hoFake(t)
	c := hdOwn(t, srv.URL, srv.BearerCredentials(), backoffice.WithUserAgent("hostile/1"))
	db := srv.Debit(dec("1000.00"), "EUR")
	// One call: throttled twice (retried inside the transport), then booked.
	srv.InjectFault(backofficetest.OpRefund, 1, backofficetest.Fault{Kind: backofficetest.FaultThrottle})
	srv.InjectFault(backofficetest.OpRefund, 2, backofficetest.Fault{Kind: backofficetest.FaultThrottle})
	_, err := c.Refund(hoCtx(t, 5*time.Second), db, backoffice.RefundRequest{Amount: dec("1.00"), Currency: "EUR", MerchantTransactionID: "hdr-1"})
	require.NoError(t, err)
	// One call: dropped unbooked, looked up, resent.
	srv.InjectFault(backofficetest.OpRefund, 1, backofficetest.Fault{Kind: backofficetest.FaultDropBeforeBooking})
	_, err = c.Refund(hoCtx(t, 5*time.Second), db, backoffice.RefundRequest{Amount: dec("1.00"), Currency: "EUR", MerchantTransactionID: "hdr-2"})
	require.NoError(t, err)
	// Many at once, some throttled.
	srv.InjectFaultFunc(func(op backofficetest.Op, n int) (backofficetest.Fault, bool) {
		return backofficetest.Fault{Kind: backofficetest.FaultThrottle}, op == backofficetest.OpRefund && n%4 == 1
	})
	var wg sync.WaitGroup
	for i := range 48 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Refund(hoCtx(t, 5*time.Second), db, backoffice.RefundRequest{Amount: dec("1.00"), Currency: "EUR", MerchantTransactionID: fmt.Sprintf("hdr-c%d", i)})
			var re *backoffice.ResultError
			if err != nil && !(errors.As(err, &re) && re.Result.Code == backoffice.CodeThrottled) {
				t.Errorf("call %d: %v", i, err) // throttled on every attempt allowed is a fair end
			}
		}()
	}
	wg.Wait()

	bodies := map[string][]byte{}
	attempts := map[string]int{}
	var want http.Header
	for _, r := range srv.Requests() {
		if r.Method != http.MethodPost {
			continue
		}
		form, err := url.ParseQuery(string(r.Body))
		require.NoError(t, err)
		m := form.Get("merchantTransactionId")
		attempts[m]++
		if b, ok := bodies[m]; ok {
			assert.Equal(t, string(b), string(r.Body), "%s: attempt %d's body differs", m, attempts[m])
		} else {
			bodies[m] = r.Body
		}
		for _, k := range []string{"Authorization", "Content-Type", "User-Agent"} {
			assert.Len(t, r.Header.Values(k), 1, "%s attempt %d: %s is %q", m, attempts[m], k, r.Header.Values(k))
		}
		assert.Equal(t, "Bearer "+srv.BearerCredentials().AccessToken, r.Header.Get("Authorization"))
		assert.Equal(t, "application/x-www-form-urlencoded", r.Header.Get("Content-Type"))
		assert.Contains(t, r.Header.Get("User-Agent"), "hostile/1")
		assert.Empty(t, r.Header.Values("Cookie"))
		assert.Empty(t, r.Header.Values("Accept"), "the bearer gateway answers JSON whatever Accept says")
		if want == nil {
			want = http.Header{}
			for _, k := range []string{"Authorization", "Content-Type", "User-Agent"} {
				want[k] = r.Header.Values(k)
			}
		}
		for k, v := range want {
			assert.Equal(t, v, r.Header.Values(k), "%s attempt %d: %s changed between attempts", m, attempts[m], k)
		}
	}
	assert.Equal(t, 3, attempts["hdr-1"], "throttled twice, then booked")
	assert.Equal(t, 2, attempts["hdr-2"], "dropped, proven absent, resent")
	for m, n := range hdMTIDs(srv) {
		assert.Equal(t, 1, n, "%s booked %d times", m, n)
	}
}

// A 307 or 308 to another payment is judged, never followed: nothing is
// booked on either payment and the call is not booked; a 303 (the POST was
// processed) is never "not booked".
func TestHostileDirectRedirectsAreJudgedNotFollowed(t *testing.T) {
	t.Parallel()
	for _, status := range []int{303, 307, 308} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			srv := hoFake(t, backofficetest.WithBookingLatency(10*time.Millisecond))
			other := srv.Debit(dec("80.00"), "EUR")
			db := srv.Debit(dec("50.00"), "EUR")
			srv.InjectFault(backofficetest.OpRefund, 1, backofficetest.Fault{Kind: backofficetest.FaultRedirect, StatusCode: status,
				Location: srv.URL + "/v1/payments/" + other})
			c := hdOwn(t, srv.URL, srv.BearerCredentials())
			p, err := c.Refund(hoCtx(t, 5*time.Second), db, backoffice.RefundRequest{Amount: dec("5.00"), Currency: "EUR"})
			if status == 303 {
				assert.NotEqual(t, backoffice.NotBooked, backoffice.OutcomeOf(err), "303 is processed: %v", err)
			} else {
				assert.Equal(t, backoffice.NotBooked, backoffice.OutcomeOf(err), "a 307/308 processes nothing: %v", err)
			}
			hoSettle(t, srv, func() *backoffice.Client { return hdOwn(t, srv.URL, srv.BearerCredentials()) }, db, backoffice.PaymentTypeRefund, p, err)
			assert.Empty(t, srv.Entries(other), "a redirect re-sent the refund to another payment")
			posts := 0
			for _, r := range srv.Requests() {
				if r.Method == http.MethodPost {
					posts++
					assert.NotContains(t, r.Path, other, "the redirect was followed")
				}
			}
			if status != 303 {
				assert.Equal(t, 1, posts)
			}
		})
	}
}

// WithRateLimit on the SDK's own client: a context that ends while the call
// waits for the limiter sends nothing, and says so with *NotSentError. The
// limiter's next token comes 10 s after the burst: long after both contexts
// end, however slowly the machine runs, and after hdSlack, so that a call
// that waited for it fails the time bound too.
func TestHostileDirectRateLimitWaitCutShort(t *testing.T) {
	t.Parallel()
	srv := hoFake(t)
	c := hdOwn(t, srv.URL, srv.BearerCredentials(), backoffice.WithRateLimit(0.1, 1))
	db := srv.Debit(dec("50.00"), "EUR")
	_, err := c.Refund(hoCtx(t, 5*time.Second), db, backoffice.RefundRequest{Amount: dec("1.00"), Currency: "EUR"})
	require.NoError(t, err, "the burst")
	for _, how := range []string{"deadline", "cancel"} {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		if how == "cancel" {
			ctx, cancel = context.WithCancel(context.Background())
			time.AfterFunc(200*time.Millisecond, cancel)
		}
		start := time.Now()
		_, err = c.Refund(ctx, db, backoffice.RefundRequest{Amount: dec("1.00"), Currency: "EUR"})
		cancel()
		var ns *backoffice.NotSentError
		assert.ErrorAs(t, err, &ns, "%s: a call that never got past the limiter was not sent", how)
		assert.Less(t, time.Since(start), 300*time.Millisecond+hdSlack, "%s: the call outlived its context", how)
	}
	srv.AwaitBookings()
	assert.Len(t, srv.Entries(db, backoffice.PaymentTypeRefund), 1)
	posts := 0
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost {
			posts++
		}
	}
	assert.Equal(t, 1, posts, "a call the limiter held back reached the gateway")
}

// With a caller's http.Client the direct path does not apply: the
// client's Timeout (not WithAttemptTimeout), its Jar and its Transport
// still rule every attempt. The Timeout leaves the first call, which must
// be answered to set the cookie, time to dial and be answered on a loaded
// machine; the second stalls, and the Timeout ends it long before the
// context, the stall or the attempt timeout would.
func TestHostileDirectCallersClientKeepsItsSemantics(t *testing.T) {
	t.Parallel()
	g := newHDGateway(t, nil, func(n int, w http.ResponseWriter, r *http.Request, g *hdGateway) {
		http.SetCookie(w, &http.Cookie{Name: "lb", Value: "node7", Path: "/"})
		if n == 2 {
			g.stall(r, hdStallFor)
			return
		}
		writeJSON(w, 200, refundOK)
	})
	jar := newHDJar()
	var trips atomic.Int32
	const timeout = time.Second
	hc := &http.Client{Timeout: timeout, Jar: jar, Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		trips.Add(1)
		return http.DefaultTransport.RoundTrip(r)
	})}
	c := hdOwn(t, g.URL, bearerCreds, backoffice.WithHTTPClient(hc), backoffice.WithAttemptTimeout(20*time.Second),
		backoffice.WithRetryPolicy(backoffice.RetryPolicy{MaxAttempts: 1}))
	_, err := c.Inquire(hoCtx(t, 8*time.Second), "rf1")
	require.NoError(t, err)
	start := time.Now()
	_, err = c.Inquire(hoCtx(t, 8*time.Second), "rf1")
	el := time.Since(start)
	require.Error(t, err)
	assert.GreaterOrEqual(t, el, timeout)
	assert.Less(t, el, timeout+hdSlack, "the caller's client Timeout no longer bounds the attempt")
	assert.Equal(t, int32(2), trips.Load(), "every attempt goes through the caller's Transport")
	reqs := g.requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, "lb=node7", reqs[1].Header.Get("Cookie"), "the caller's Jar no longer applies")
}

type hdJar struct {
	mu sync.Mutex
	c  []*http.Cookie
}

func newHDJar() *hdJar { return &hdJar{} }

func (j *hdJar) SetCookies(_ *url.URL, cs []*http.Cookie) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.c = cs
}

func (j *hdJar) Cookies(*url.URL) []*http.Cookie {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.c
}

// sdkGoroutines lists the goroutines running code of the SDK itself (its
// root package or internal packages), not the test's or the fake's.
func sdkGoroutines() []string {
	buf := make([]byte, 8<<20)
	buf = buf[:runtime.Stack(buf, true)]
	sdk := regexp.MustCompile(`github\.com/c81406b6/backoffice(/internal/[a-z]+)?\.`)
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if sdk.MatchString(g) && !strings.Contains(g, "sdkGoroutines") {
			out = append(out, g)
		}
	}
	return out
}

// No goroutine of the SDK is left once calls have ended, whatever ended
// them: answers, attempt timeouts (stalls before and in the middle of the
// answer), cancelled contexts, refused connections; over many Clients
// created and dropped, and over one Client that lives on.
// (A finalizer cannot tell whether dropped Clients are collected: a Client
// is in a reference cycle with its transport.)
//
// Not parallel: it counts the process's goroutines.
func TestHostileDirectNoGoroutineOrClientLeft(t *testing.T) {
	g := newHDGateway(t, func(n int, w http.ResponseWriter, r *http.Request, g *hdGateway) {
		switch n % 3 {
		case 0:
			g.stall(r, hdStallFor)
		case 1:
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "400")
			w.WriteHeader(200)
			io.WriteString(w, `{"id":`)
			http.NewResponseController(w).Flush()
			g.stall(r, hdStallFor)
		default:
			writeJSON(w, 200, refundOK)
		}
	}, hdFound)
	refused := refusedURL(t) // a gateway that is down
	before := len(sdkGoroutines())

	const clients = 12
	live := hdOwn(t, g.URL, bearerCreds, backoffice.WithAttemptTimeout(100*time.Millisecond))
	for i := range clients {
		func() {
			c := hdOwn(t, g.URL, bearerCreds, backoffice.WithAttemptTimeout(100*time.Millisecond))
			var wg sync.WaitGroup
			for j := range 6 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()
					if j == 5 {
						time.AfterFunc(30*time.Millisecond, cancel)
					}
					_, _ = c.Refund(ctx, "db1", backoffice.RefundRequest{Amount: dec("5"), Currency: "EUR", MerchantTransactionID: "mtid-1"})
					_, _ = live.Inquire(ctx, "rf1")
				}()
			}
			wg.Wait()
			if i%4 == 0 {
				r := hdOwn(t, refused, bearerCreds)
				_, err := r.Refund(context.Background(), "db1", backoffice.RefundRequest{Amount: dec("5"), Currency: "EUR"})
				var ns *backoffice.NotSentError
				assert.ErrorAs(t, err, &ns)
			}
		}()
	}
	ok := eventually(func() bool { return len(sdkGoroutines()) <= before })
	if !ok {
		left := sdkGoroutines()
		t.Errorf("%d SDK goroutine(s) still running after every call ended (%d before); first:\n%s", len(left), before, left[0])
	}
	runtime.KeepAlive(live)
}
