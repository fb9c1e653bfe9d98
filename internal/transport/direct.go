package transport

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The direct path. When the SDK owns the HTTP client's behaviour (its own
// transport, no cookie jar, redirects refused, no caller's middleware),
// http.Client adds nothing to an attempt but cost: a clone of the header
// map for redirects, a forked request, a runtime timer and a body wrapper
// for its Timeout. The first attempt of every Do then goes straight to the
// transport, and only the rare retries go through go-retryablehttp and
// http.Client. Both paths share the retry decision (decide), so they judge
// an answer alike.
//
// The per-attempt timeout is kept by one watchdog per Transport instead of
// a timer and a context per attempt (see watchdog).

// AttemptTimeoutError is the error of an attempt the watchdog ended: it
// had run AttemptTimeout without its answer read to the end. It is a
// timeout in net.Error's sense.
type AttemptTimeoutError struct{ After time.Duration }

func (e *AttemptTimeoutError) Error() string {
	return fmt.Sprintf("no complete answer within the attempt timeout of %v", e.After)
}

// Timeout reports true, as net.Error's timeouts do.
func (e *AttemptTimeoutError) Timeout() bool { return true }

// Temporary reports true: another attempt may succeed.
func (e *AttemptTimeoutError) Temporary() bool { return true }

// direct makes one attempt of r straight through t.policy.Direct and
// reports whether decide wants it retried; resp is the answer, if any,
// for the wait before that retry (its body already read).
func (t *Transport) direct(ctx context.Context, r *Request, ex *Exchange) (retry bool, resp *http.Response) {
	actx := ctx
	// A caller's deadline that comes first bounds the attempt by itself.
	if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > t.watch.timeout {
		e := t.watch.current()
		switch {
		case ctx == context.Background():
			actx = e.background // the window's own windowCtx for it, made once
		case ctx.Done() == nil:
			// A context that cannot end: the attempt ends with its
			// window's context.
			actx = windowCtx{window: e.ctx, values: ctx}
		default:
			// The attempt ends with the caller's context or its window's,
			// whichever ends first.
			var cancel context.CancelCauseFunc
			actx, cancel = context.WithCancelCause(ctx)
			stop := context.AfterFunc(e.ctx, func() { cancel(context.Cause(e.ctx)) })
			defer stop()
			defer cancel(nil)
		}
	}
	req, err := newRequest(httptrace.WithClientTrace(actx, &ex.trace), r)
	if err != nil {
		ex.Err = err
		return false, nil
	}
	if r.Body != nil {
		ex.bodies = 1
		req.ContentLength = int64(len(r.Body))
		// A plain *bytes.Reader behind io.NopCloser: net/http knows it is
		// in memory and writes headers and body in one go.
		req.Body = io.NopCloser(ex.reader())
		req.GetBody = ex.getBody
	}
	if err := ctx.Err(); err != nil {
		ex.Err, ex.Sent = &unsentError{err: err}, false
		return t.decide(ctx, ex, nil, ex.Err), nil
	}
	ex.handed.Store(true)
	resp, err = t.policy.Direct.RoundTrip(req)
	switch {
	case err != nil:
		resp = nil
		err = &url.Error{Op: urlOp(r.Method), URL: req.URL.Redacted(), Err: err}
	case resp == nil:
		err = &url.Error{Op: urlOp(r.Method), URL: req.URL.Redacted(), Err: errNilResponse}
	case resp.Body == nil:
		resp.Body = http.NoBody
	}
	return t.decide(ctx, ex, resp, err), resp // decide reads the body, still under the watchdog
}

// newRequest is http.NewRequestWithContext for r, its body left to the
// caller; with r.Target it sets the parsed URL instead of parsing r.URL
// again (the only difference). The header is r's own: the SDK's own
// transport never writes to it.
func newRequest(ctx context.Context, r *Request) (*http.Request, error) {
	if r.Target == nil {
		req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, nil)
		if err != nil {
			return nil, err
		}
		req.Header = r.Header
		return req, nil
	}
	// WithContext makes the one allocation NewRequestWithContext would.
	tmpl := http.Request{Method: r.Method, URL: r.Target, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: r.Header, Host: r.Target.Host}
	return tmpl.WithContext(ctx), nil
}

var errNilResponse = fmt.Errorf("RoundTripper returned a nil *Response with a nil error")

// urlOp is the Op of the *url.Error that http.Client would return: "Post"
// for POST.
func urlOp(method string) string {
	return method[:1] + strings.ToLower(method[1:])
}

// getBody is the request's GetBody: net/http asks for a fresh body to
// resend a request that failed on a stale connection before anything of
// it was written.
func (ex *Exchange) getBody() (io.ReadCloser, error) {
	r, err := ex.body()
	if err != nil {
		return nil, err
	}
	return io.NopCloser(r), nil
}

// reader is the first reader of a Do: ex's own unless an earlier attempt's
// write loop may still be reading that one (see body).
func (ex *Exchange) reader() io.Reader {
	r, _ := ex.body()
	return r
}

// sleep waits d, or until ctx ends; it reports whether the whole wait
// passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-tm.C:
		return true
	}
}

// watchdog ends attempts that outlive the timeout without a timer or a
// context of their own. Time is cut into windows (a quarter of the
// timeout, at most a second); every attempt that starts in a window shares
// that window's context, which the watchdog cancels at the window's end
// plus the timeout. So an attempt is ended no sooner than the timeout
// after it started and at most one window later. One AfterFunc timer,
// armed for the oldest window still open, is all the watchdog needs: under
// steady load it fires once per window, not once per call, and no
// goroutine runs between firings.
//
// Sharing matters at high concurrency: net/http derives each request's
// context from the attempt's, and a parent context of its own per attempt
// (a registration under its lock, a Done channel, two allocations) cost
// about 5 % of a capture at 64 goroutines (BENCHMARKS.md).
type watchdog struct {
	timeout time.Duration
	width   time.Duration // of a window

	cur atomic.Pointer[window]

	mu    sync.Mutex
	open  []*window // windows not ended yet, oldest first
	timer *time.Timer
	armed bool
}

// window is the context shared by the attempts that started in it.
type window struct {
	ctx        context.Context
	background context.Context // windowCtx{ctx, context.Background()}, made once
	cancel     context.CancelCauseFunc
	opened     time.Time
	ends       time.Time // opened + width + timeout
}

func newWatchdog(timeout time.Duration) watchdog {
	return watchdog{timeout: timeout, width: min(time.Second, timeout/4)}
}

// current returns the window an attempt starting now joins.
func (w *watchdog) current() *window {
	now := time.Now()
	if cur := w.cur.Load(); cur != nil && now.Sub(cur.opened) < w.width {
		return cur
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if cur := w.cur.Load(); cur != nil && now.Sub(cur.opened) < w.width {
		return cur
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	cur := &window{ctx: ctx, background: windowCtx{window: ctx, values: context.Background()}, cancel: cancel,
		opened: now, ends: now.Add(w.width + w.timeout)}
	w.open = append(w.open, cur)
	w.cur.Store(cur)
	if !w.armed {
		w.armed = true
		if w.timer == nil {
			w.timer = time.AfterFunc(cur.ends.Sub(now), w.fire)
		} else {
			w.timer.Reset(cur.ends.Sub(now))
		}
	}
	return cur
}

// fire ends every window past its end, then sleeps until the next one's,
// or goes idle when none is open.
func (w *watchdog) fire() {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := time.Now()
	n := 0
	for n < len(w.open) && !now.Before(w.open[n].ends) {
		w.open[n].cancel(&AttemptTimeoutError{After: w.timeout})
		n++
	}
	clear(w.open[:n])
	w.open = w.open[n:]
	if len(w.open) == 0 {
		w.open = nil
		w.armed = false
		return
	}
	w.timer.Reset(w.open[0].ends.Sub(now))
}

// windowCtx is an attempt's context when the caller's cannot end: the
// window's cancellation, the caller's values. It answers the context
// package's own look-up of a cancellable parent with the window's context,
// so that net/http's per-request context registers with the window
// directly rather than starting a goroutine to watch it.
type windowCtx struct {
	window context.Context
	values context.Context
}

func (c windowCtx) Deadline() (time.Time, bool) { return c.window.Deadline() }
func (c windowCtx) Done() <-chan struct{}       { return c.window.Done() }
func (c windowCtx) Err() error                  { return c.window.Err() }

// Value is the window's for the context package's own keys (the window
// holds no other values), the caller's otherwise.
func (c windowCtx) Value(key any) any {
	if v := c.window.Value(key); v != nil {
		return v
	}
	return c.values.Value(key)
}
