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
// a timer per attempt.

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
	// A caller's deadline that comes first bounds the attempt by itself.
	actx, cancel := ctx, context.CancelCauseFunc(nil)
	if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > t.watch.timeout {
		actx, cancel = context.WithCancelCause(ctx)
		defer cancel(nil)
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(actx, &ex.trace), r.Method, r.URL, nil)
	if err != nil {
		ex.Err = err
		return false, nil
	}
	req.Header = r.Header // the SDK's own transport never writes to it
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
	if cancel != nil {
		t.watch.add(ex, cancel)
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
	retry = t.decide(ctx, ex, resp, err) // reads the body, still under the watchdog
	if cancel != nil {
		t.watch.remove(ex)
	}
	return retry, resp
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

// watchdog ends attempts that outlive the timeout. Every attempt of a
// Transport has the same timeout, so attempts reach their deadlines in the
// order they started: they wait in a list in that order, linked through
// the Exchanges themselves, and one timer, armed for the oldest attempt's
// deadline, is all the watchdog needs. The timer is armed when an attempt
// starts while it is idle and re-armed by itself while attempts are under
// way, so a steady stream of calls touches it about once per timeout
// period, not once per call. No goroutine runs between firings.
//
// An attempt is ended at its deadline or later, never sooner; how much
// later is the runtime's timer precision plus the time to cancel the
// attempts before it in the list, microseconds in practice and far under
// one second.
type watchdog struct {
	timeout time.Duration

	mu         sync.Mutex
	head, tail *Exchange // attempts under way, oldest first
	timer      *time.Timer
	armed      bool
}

// watchEntry is an Exchange's place in the watchdog's list.
type watchEntry struct {
	prev, next *Exchange
	deadline   time.Time
	cancel     context.CancelCauseFunc
	listed     bool
}

func (w *watchdog) add(ex *Exchange, cancel context.CancelCauseFunc) {
	w.mu.Lock()
	e := &ex.watch
	e.deadline, e.cancel, e.listed = time.Now().Add(w.timeout), cancel, true
	e.prev, e.next = w.tail, nil
	if w.tail != nil {
		w.tail.watch.next = ex
	} else {
		w.head = ex
	}
	w.tail = ex
	if !w.armed {
		w.armed = true
		if w.timer == nil {
			w.timer = time.AfterFunc(w.timeout, w.fire)
		} else {
			w.timer.Reset(w.timeout)
		}
	}
	w.mu.Unlock()
}

func (w *watchdog) remove(ex *Exchange) {
	w.mu.Lock()
	w.unlink(ex)
	w.mu.Unlock()
}

// unlink takes ex out of the list, if it is in it; w.mu is held.
func (w *watchdog) unlink(ex *Exchange) {
	e := &ex.watch
	if !e.listed {
		return
	}
	if e.prev != nil {
		e.prev.watch.next = e.next
	} else {
		w.head = e.next
	}
	if e.next != nil {
		e.next.watch.prev = e.prev
	} else {
		w.tail = e.prev
	}
	e.prev, e.next, e.cancel, e.listed = nil, nil, nil, false
}

// fire ends every attempt past its deadline, then sleeps until the next
// one's, or goes idle when none is under way.
func (w *watchdog) fire() {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := time.Now()
	for w.head != nil && !now.Before(w.head.watch.deadline) {
		ex := w.head
		cancel := ex.watch.cancel
		w.unlink(ex)
		cancel(&AttemptTimeoutError{After: w.timeout})
	}
	if w.head == nil {
		w.armed = false
		return
	}
	w.timer.Reset(w.head.watch.deadline.Sub(now))
}
