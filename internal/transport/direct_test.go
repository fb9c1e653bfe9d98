package transport

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The direct path: first attempts straight to the SDK's own transport,
// bounded by the watchdog instead of http.Client.Timeout.

const capture = `{"id":"8a8294496242ba5301625069d1b27e3d","paymentType":"CP","amount":"1.00","currency":"BRL",` +
	`"result":{"code":"000.100.112","description":"Request successfully processed"}}`

// testCodes are the bearer gateway's codes, as the SDK gives them.
var testCodes = Codes{Throttled: "800.120.100", SessionBusy: "800.700.100", Uncertain: "900.100.300"}

// directTransport is a Transport as the SDK builds it for its own client:
// rt under a tracked http.Client, and the same rt as Direct.
func directTransport(rt http.RoundTripper, timeout time.Duration) *Transport {
	hc := &http.Client{Transport: Tracked(rt), Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return New(hc, Policy{MaxAttempts: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond,
		SharedHeader: true, Direct: rt, AttemptTimeout: timeout, Codes: testCodes})
}

func moneyRequest(url string) *Request {
	return &Request{Method: http.MethodPost, URL: url + "/v1/payments/8a8294496242ba5301625069d1b27e3d", Money: true,
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		Body:   []byte("entityId=8a8294174e918ca6014e9c6f5ae12a9c&amount=1.00&currency=BRL&paymentType=CP")}
}

// hangingServer answers "fast" requests at once; for the others it writes
// what stall says, then holds the connection until the test ends.
func hangingServer(t *testing.T, stall func(w http.ResponseWriter)) *httptest.Server {
	t.Helper()
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if r.URL.Query().Get("fast") != "" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, capture)
			return
		}
		stall(w)
		select {
		case <-done:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(done); srv.Close() })
	return srv
}

func TestDirectAttemptTimeout(t *testing.T) {
	t.Parallel()
	const timeout = 500 * time.Millisecond // room to write, and for "answer cut off" to answer, under load
	for name, stall := range map[string]func(http.ResponseWriter){
		"no answer": func(http.ResponseWriter) {},
		"answer cut off": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "500")
			_, _ = io.WriteString(w, `{"result":`)
			w.(http.Flusher).Flush()
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := hangingServer(t, stall)
			tr := directTransport(srv.Client().Transport, timeout)
			var ex Exchange
			start := time.Now()
			tr.Do(context.Background(), moneyRequest(srv.URL), &ex)
			took := time.Since(start)

			assert.GreaterOrEqual(t, took, timeout, "ended before the attempt timeout")
			// Not hung; "at most a second late" is TestWatchdogWindows's,
			// where no scheduler can delay it.
			assert.Less(t, took, timeout+10*time.Second, "ended long after the attempt timeout")
			assert.True(t, ex.Sent, "the request was written: it may have been booked")
			assert.Equal(t, 1, ex.Attempts, "a money request that may have been booked is never sent again here")
			assert.Nil(t, ex.Answer)
			if name == "no answer" {
				var te *AttemptTimeoutError
				require.ErrorAs(t, ex.Err, &te)
				assert.Equal(t, timeout, te.After)
				var ne net.Error
				require.ErrorAs(t, ex.Err, &ne)
				assert.True(t, ne.Timeout())
				assert.Contains(t, ex.Err.Error(), `Post "`+srv.URL, "named as http.Client names a failed request")
			} else {
				require.NoError(t, ex.Err)
				assert.Equal(t, http.StatusOK, ex.Status)
				assert.Contains(t, ex.BadBody, "body cut off")
				assert.Contains(t, ex.BadBody, "attempt timeout")
			}
			assertIdle(t, &tr.watch)
		})
	}
}

// assertIdle checks that the watchdog, once its windows have ended, holds
// none and is no longer armed.
func assertIdle(t *testing.T, w *watchdog) {
	t.Helper()
	assert.Eventually(t, func() bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		return len(w.open) == 0 && !w.armed
	}, 5*time.Second, 5*time.Millisecond, "watchdog still holds windows or is armed")
}

func TestDirectWatchdogNeverEndsAnAttemptEarly(t *testing.T) {
	t.Parallel()
	const timeout = 200 * time.Millisecond
	srv := hangingServer(t, func(http.ResponseWriter) {})
	tr := directTransport(srv.Client().Transport, timeout)
	var wg sync.WaitGroup
	var early, late, failedFast, slowFast atomic.Int64
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Starts spread over more than one timeout, so the list turns
			// over while the timer is armed.
			time.Sleep(time.Duration(i) * 8 * time.Millisecond)
			r := moneyRequest(srv.URL)
			if i%2 == 0 {
				r.URL += "?fast=1"
			}
			var ex Exchange
			start := time.Now()
			tr.Do(context.Background(), r, &ex)
			took := time.Since(start)
			switch {
			case i%2 == 0 && (ex.Answer == nil || ex.Err != nil) && took < timeout:
				// An answered attempt may still time out on a loaded
				// machine, but never before its timeout.
				failedFast.Add(1)
			case i%2 == 0 && (ex.Answer == nil || ex.Err != nil):
				slowFast.Add(1)
			case i%2 == 1 && took < timeout:
				early.Add(1)
			case i%2 == 1 && took > timeout+10*time.Second: // not hung (see TestWatchdogWindows)
				late.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Zero(t, failedFast.Load(), "answered attempts failed before their timeout")
	assert.Less(t, slowFast.Load(), int64(20), "no answer came within its timeout")
	assert.Zero(t, early.Load(), "attempts ended before their timeout")
	assert.Zero(t, late.Load(), "attempts ended long after their timeout")
	assertIdle(t, &tr.watch)
}

// TestDirectCallersEarlierDeadline: a caller's deadline before the attempt
// timeout bounds the attempt by itself, without the watchdog, and the
// error is the caller's.
func TestDirectCallersEarlierDeadline(t *testing.T) {
	t.Parallel()
	srv := hangingServer(t, func(http.ResponseWriter) {})
	tr := directTransport(srv.Client().Transport, time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second) // room to write under load
	defer cancel()
	var ex Exchange
	tr.Do(ctx, moneyRequest(srv.URL), &ex)
	assert.ErrorIs(t, ex.Err, context.DeadlineExceeded)
	assert.True(t, ex.Sent)
	tr.watch.mu.Lock()
	defer tr.watch.mu.Unlock()
	assert.Nil(t, tr.watch.timer, "the watchdog was used")
}

// flaky fails its first n round trips before writing anything, as a dial
// that was refused does, then answers.
type flaky struct {
	n     atomic.Int64
	calls atomic.Int64
}

func (f *flaky) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.calls.Add(1) <= f.n.Load() {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	}
	return answerer{[]byte(capture)}.RoundTrip(r)
}

// TestDirectUnsentAttemptRetried: a first attempt that provably never
// left goes on through go-retryablehttp, with the attempts counted across
// both paths and the same body bytes each time.
func TestDirectUnsentAttemptRetried(t *testing.T) {
	t.Parallel()
	for failures, want := range map[int64]struct {
		attempts int
		answered bool
	}{0: {1, true}, 1: {2, true}, 2: {3, true}, 3: {3, false}} {
		rt := &flaky{}
		rt.n.Store(failures)
		tr := directTransport(rt, time.Minute)
		var ex Exchange
		tr.Do(context.Background(), moneyRequest("http://127.0.0.1:1"), &ex)
		assert.Equal(t, want.attempts, ex.Attempts, "after %d failures", failures)
		assert.Equal(t, want.answered, ex.Answer != nil, "after %d failures", failures)
		assert.Equal(t, int64(want.attempts), rt.calls.Load(), "round trips after %d failures", failures)
		if !want.answered {
			assert.False(t, ex.Sent, "a refused dial never sent anything")
			assert.True(t, Unsent(ex.Err), "%v", ex.Err)
		}
	}
}

// TestDirectContextEndedBeforeSending: nothing reaches the transport.
func TestDirectContextEndedBeforeSending(t *testing.T) {
	t.Parallel()
	rt := &flaky{}
	tr := directTransport(rt, time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var ex Exchange
	tr.Do(ctx, moneyRequest("http://127.0.0.1:1"), &ex)
	assert.Zero(t, rt.calls.Load())
	assert.False(t, ex.Sent)
	assert.ErrorIs(t, ex.Err, context.Canceled)
}

// TestDirectLeavesNoGoroutine: the watchdog is a timer, not a goroutine;
// nothing of a burst of attempts, timed out or answered, keeps running.
func TestDirectLeavesNoGoroutine(t *testing.T) {
	srv := hangingServer(t, func(http.ResponseWriter) {})
	client := srv.Client()
	tr := directTransport(client.Transport, 100*time.Millisecond)
	before := runtime.NumGoroutine()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := moneyRequest(srv.URL)
			if i%2 == 0 {
				r.URL += "?fast=1"
			}
			var ex Exchange
			tr.Do(context.Background(), r, &ex)
		}()
	}
	wg.Wait()
	client.CloseIdleConnections()
	assertIdle(t, &tr.watch)
	// Polled here, not with assert.Eventually, whose own goroutines count.
	now := runtime.NumGoroutine()
	for deadline := time.Now().Add(5 * time.Second); now > before && time.Now().Before(deadline); now = runtime.NumGoroutine() {
		time.Sleep(10 * time.Millisecond)
	}
	assert.LessOrEqual(t, now, before, "goroutines still running")
}

// The attempt ends at the attempt timeout whatever the caller's context:
// context.Background itself (the window's own windowCtx), one that cannot
// end but holds values (a windowCtx per attempt), and one that can end
// (cancel, or a deadline later than the attempt timeout), which takes the
// other branch and still ends the attempt when the caller's context ends
// first.
func TestDirectAttemptTimeoutWithCancellableContext(t *testing.T) {
	t.Parallel()
	const timeout = 500 * time.Millisecond // room to write under load
	srv := hangingServer(t, func(http.ResponseWriter) {})
	tr := directTransport(srv.Client().Transport, timeout)
	for name, mk := range map[string]func() (context.Context, context.CancelFunc){
		"background": func() (context.Context, context.CancelFunc) { return context.Background(), func() {} },
		"values only": func() (context.Context, context.CancelFunc) {
			type key struct{}
			return context.WithValue(context.Background(), key{}, 1), func() {}
		},
		"cancellable": func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) },
		"later deadline": func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), time.Minute)
		},
	} {
		ctx, cancel := mk()
		var ex Exchange
		start := time.Now()
		tr.Do(ctx, moneyRequest(srv.URL), &ex)
		took := time.Since(start)
		cancel()
		var te *AttemptTimeoutError
		assert.ErrorAs(t, ex.Err, &te, name)
		assert.GreaterOrEqual(t, took, timeout, name)
		assert.Less(t, took, timeout+10*time.Second, name) // not hung (see TestWatchdogWindows)
		assert.True(t, ex.Sent, name)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(30*time.Millisecond, cancel)
	var ex Exchange
	tr.Do(ctx, moneyRequest(srv.URL), &ex)
	assert.ErrorIs(t, ex.Err, context.Canceled, "the caller's end comes first")
	assertIdle(t, &tr.watch)
}

// windowCtx is recognised by the context package as a cancellable parent:
// children register with the window instead of each starting a goroutine
// to watch it, and see the caller's values.
func TestWindowContextParentsWithoutGoroutines(t *testing.T) {
	type key struct{}
	w := newWatchdog(time.Hour)
	win := w.current()
	caller := context.WithValue(context.Background(), key{}, "v")
	before := runtime.NumGoroutine()
	var cancels []context.CancelFunc
	var children []context.Context
	for range 100 {
		c, cancel := context.WithCancel(windowCtx{window: win.ctx, values: caller})
		children = append(children, c)
		cancels = append(cancels, cancel)
	}
	assert.LessOrEqual(t, runtime.NumGoroutine(), before+2, "a goroutine per child")
	assert.Equal(t, "v", children[0].Value(key{}))
	win.cancel(&AttemptTimeoutError{After: time.Hour})
	for _, c := range children {
		select {
		case <-c.Done():
		case <-time.After(time.Second):
			t.Fatal("a child outlived its window")
		}
		var te *AttemptTimeoutError
		assert.ErrorAs(t, context.Cause(c), &te)
	}
	for _, cancel := range cancels {
		cancel()
	}
	w.mu.Lock()
	w.timer.Stop()
	w.mu.Unlock()
}

// Windows: an attempt joins the current one until it is a width old; each
// ends a width and the timeout after it opened.
func TestWatchdogWindows(t *testing.T) {
	t.Parallel()
	w := newWatchdog(400 * time.Millisecond)
	assert.Equal(t, 100*time.Millisecond, w.width)
	assert.Equal(t, time.Second, newWatchdog(time.Minute).width, "at most a second late")
	a, b := w.current(), w.current()
	assert.Same(t, a, b)
	assert.Equal(t, a.opened.Add(w.width+w.timeout), a.ends)
	time.Sleep(w.width + 10*time.Millisecond)
	c := w.current()
	assert.NotSame(t, a, c)
	select {
	case <-a.ctx.Done():
		// Only early is wrong: a sleep overrunning by 390 ms under load
		// finds a ended in its time.
		if now := time.Now(); now.Before(a.ends) {
			t.Fatalf("a window ended %v before its time", a.ends.Sub(now))
		}
	default:
	}
	<-c.ctx.Done()
	assert.False(t, time.Now().Before(c.ends), "a window ended before its end")
	assert.Error(t, a.ctx.Err(), "windows end in order")
	assertIdle(t, &w)
}

// newRequest with a Target makes the request http.NewRequestWithContext
// makes of the URL: same URL on the wire, same host, method and protocol.
func TestNewRequestWithTargetIsNewRequest(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{"http://127.0.0.1:8080/v1/payments/8a82944962", "https://eu-test.oppwa.com/v1/payments",
		"https://h.example/prefix/transactionServices/REST/v1/capture", "http://[::1]:9/v1/query", "https://user:pw@h.example/x"} {
		for _, method := range []string{http.MethodPost, http.MethodGet} {
			u, err := url.Parse(raw)
			require.NoError(t, err)
			ctx := context.WithValue(context.Background(), exchangeKey{}, raw)
			hdr := http.Header{"X": {"y"}}
			got, err := newRequest(ctx, &Request{Method: method, URL: raw, Target: u, Header: hdr})
			require.NoError(t, err)
			want, err := http.NewRequestWithContext(ctx, method, raw, nil)
			require.NoError(t, err)
			want.Header = hdr
			assert.Equal(t, want.URL.String(), got.URL.String(), raw)
			assert.Equal(t, want.URL.RequestURI(), got.URL.RequestURI(), raw)
			assert.Equal(t, want.Host, got.Host, raw)
			assert.Equal(t, want.Context(), got.Context(), raw)
			want.URL, got.URL = nil, nil
			assert.Equal(t, *want.WithContext(ctx), *got.WithContext(ctx), "every other field, %s %s", method, raw)
		}
	}
}
