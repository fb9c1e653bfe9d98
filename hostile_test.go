package backoffice_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Hostile responses (issue 4): whatever the gateway (or something in front
// of it) sends back, the SDK returns a clear error naming the HTTP status,
// never panics, never reads without bound, and leaks neither goroutines nor
// connections. Money-moving calls answered with such a body are reconciled,
// never blindly resent.

const mib = 1 << 20

// hostileBody is one kind of answer.
type hostileBody struct {
	name        string
	status      int
	contentType string
	body        string
	stream      int64 // > 0: stream this many bytes after a JSON prefix, never closing the string
	setLength   bool  // send a Content-Length
	// What a read (Inquire) must give back.
	refusal  bool // a genuine gateway refusal: *ResultError
	ok       bool // a valid answer: no error
	tooLarge bool // the error must say the body was cut off
	html     bool // the error must not be a JSON syntax error
}

// paddedSuccess is a valid success answer of exactly n bytes.
func paddedSuccess(n int) string {
	head := `{"id":"big1","paymentType":"RF","result":{"code":"000.000.000","description":"ok"},"pad":"`
	tail := `"}`
	return head + strings.Repeat("a", n-len(head)-len(tail)) + tail
}

func hugeParameterErrors() string {
	var b strings.Builder
	b.WriteString(`{"result":{"code":"200.300.404","description":"invalid or missing parameter","parameterErrors":[`)
	for i := 0; i < 15000; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"name":"customParameters[p%05d]","value":"v","message":"invalid"}`, i)
	}
	b.WriteString(`]}}`)
	return b.String()
}

const streamPrefix = `{"id":"x","result":{"code":"000.000.000","description":"`

func hostileBodies() []hostileBody {
	const js = "application/json;charset=UTF-8"
	nested := strings.Repeat("[", 100000)
	return []hostileBody{
		{name: "exactly 1 MiB, with length", status: 200, contentType: js, body: paddedSuccess(mib), setLength: true, ok: true},
		{name: "exactly 1 MiB, chunked", status: 200, contentType: js, body: paddedSuccess(mib), ok: true},
		{name: "1 MiB + 1 byte, with length", status: 200, contentType: js, body: paddedSuccess(mib + 1), setLength: true, tooLarge: true},
		{name: "1 MiB + 1 byte, chunked", status: 200, contentType: js, body: paddedSuccess(mib + 1), tooLarge: true},
		{name: "2 MiB valid JSON, with length", status: 200, contentType: js, body: paddedSuccess(2 * mib), setLength: true, tooLarge: true},
		{name: "endless body, with length", status: 200, contentType: js, stream: 64 * mib, setLength: true, tooLarge: true},
		{name: "endless body, chunked", status: 200, contentType: js, stream: 64 * mib, tooLarge: true},
		{name: "endless body on 502", status: 502, contentType: "text/plain", stream: 64 * mib, tooLarge: true},
		{name: "plain text", status: 200, contentType: "text/plain", body: "hello, world"},
		{name: "HTML page labelled JSON", status: 200, contentType: js, body: "<html><body>Invalid key</body></html>", html: true},
		{name: "HTML page", status: 200, contentType: "text/html", body: "<html><body>Invalid key</body></html>", html: true},
		{name: "deeply nested arrays", status: 200, contentType: js, body: nested},
		{name: "deeply nested beside a result", status: 200, contentType: js,
			body: `{"result":{"code":"000.000.000","description":"ok"},"x":` + nested + strings.Repeat("]", 100000) + `}`},
		{name: "invalid UTF-8 in strings", status: 200, contentType: js, body: "{\"id\":\"x\xff\xfe\",\"result\":{\"code\":\"000.000.000\",\"description\":\"ok \xc3\x28\"}}"},
		{name: "huge parameterErrors", status: 400, contentType: js, body: hugeParameterErrors(), refusal: true},
		{name: "JSON labelled text/html", status: 200, contentType: "text/html", body: `{"id":"x","result":{"code":"000.000.000","description":"ok"}}`},
		{name: "XML", status: 200, contentType: "application/xml", body: `<?xml version="1.0"?><result><code>000.000.000</code></result>`},
		{name: "empty body", status: 200, contentType: js, body: ""},
		{name: "empty body, no content type", status: 502, body: ""},
		{name: "truncated JSON", status: 200, contentType: js, body: `{"id":"x","result":{"code":"000.000.0`},
		{name: "JSON null", status: 200, contentType: js, body: "null"},
		{name: "JSON array", status: 200, contentType: js, body: `[{"id":"x","result":{"code":"000.000.000","description":"ok"}}]`},
		{name: "JSON empty array", status: 200, contentType: js, body: `[]`},
		{name: "JSON string", status: 200, contentType: js, body: `"ok"`},
		{name: "JSON number", status: 200, contentType: js, body: `42`},
		{name: "JSON true", status: 200, contentType: js, body: `true`},
		{name: "JSON result not an object", status: 200, contentType: js, body: `{"id":"x","result":[{"code":"000.000.000"}]}`},
		{name: "JSON without result", status: 200, contentType: js, body: `{"id":"x","paymentType":"RF","amount":"5.00"}`},
		{name: "JSON then garbage", status: 200, contentType: js, body: `{"id":"x","result":{"code":"000.000.000","description":"ok"}}<html>`},
		{name: "HTML on 500", status: 500, contentType: "text/html", body: "<html><body>Internal Server Error</body></html>", html: true},
	}
}

// write sends the answer, giving up after a generous deadline so that a
// client that stops reading cannot hang the server.
func (b hostileBody) write(w http.ResponseWriter, _ *http.Request, written *atomic.Int64) {
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(10 * time.Second))
	if b.contentType != "" {
		w.Header().Set("Content-Type", b.contentType)
	}
	if b.stream > 0 {
		if b.setLength {
			w.Header().Set("Content-Length", strconv.FormatInt(b.stream, 10))
		}
		w.WriteHeader(b.status)
		n, err := io.WriteString(w, streamPrefix)
		written.Add(int64(n))
		chunk := bytes.Repeat([]byte("a"), 32<<10)
		for left := b.stream - int64(n); left > 0 && err == nil; left -= int64(n) {
			n, err = w.Write(chunk[:min(int64(len(chunk)), left)])
			written.Add(int64(n))
		}
		return
	}
	if b.setLength {
		w.Header().Set("Content-Length", strconv.Itoa(len(b.body)))
	}
	w.WriteHeader(b.status)
	if f, ok := w.(http.Flusher); ok && !b.setLength {
		f.Flush() // headers out first: no Content-Length is computed
	}
	n, _ := io.WriteString(w, b.body)
	written.Add(int64(n))
}

// hostileServer counts server-side connections by state and the requests
// it answered.
type hostileServer struct {
	*httptest.Server
	written atomic.Int64
	mu      sync.Mutex
	states  map[net.Conn]http.ConnState
	posts   int
	gets    []*url.URL
}

func newHostileServer(t *testing.T, post, get func(w http.ResponseWriter, r *http.Request, written *atomic.Int64)) *hostileServer {
	t.Helper()
	s := &hostileServer{states: map[net.Conn]http.ConnState{}}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		s.mu.Lock()
		h := post
		if r.Method == http.MethodGet {
			s.gets = append(s.gets, r.URL)
			h = get
		} else {
			s.posts++
		}
		s.mu.Unlock()
		if h == nil {
			http.Error(w, "unexpected", http.StatusTeapot)
			return
		}
		h(w, r, &s.written)
	}))
	s.Config.ConnState = func(c net.Conn, st http.ConnState) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.states[c] = st
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// conns counts server-side connections that are still open, and those of
// them in the middle of a request.
func (s *hostileServer) conns() (open, active int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.states {
		switch st {
		case http.StateClosed, http.StateHijacked:
		case http.StateActive:
			open++
			active++
		default:
			open++
		}
	}
	return open, active
}

// dialCounter wraps the client's dialer to count client-side connections
// that were never closed.
type dialCounter struct{ open atomic.Int32 }

type countedConn struct {
	net.Conn
	once sync.Once
	d    *dialCounter
}

func (c *countedConn) Close() error {
	c.once.Do(func() { c.d.open.Add(-1) })
	return c.Conn.Close()
}

func (d *dialCounter) transport() *http.Transport {
	return &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		d.open.Add(1)
		return &countedConn{Conn: c, d: d}, nil
	}}
}

// eventually polls cond until it holds or a generous deadline passes.
func eventually(cond func() bool) bool {
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

// callNoPanic turns a panic in the SDK into a test failure with the value.
func callNoPanic(t *testing.T, call func() error) (err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			assert.Failf(t, "the SDK panicked", "%v\n%s", r, debug.Stack())
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return call()
}

// namesStatus reports whether msg names the HTTP status as a number of its own.
func namesStatus(msg string, status int) bool {
	return regexp.MustCompile(`(^|[^0-9])` + strconv.Itoa(status) + `([^0-9]|$)`).MatchString(msg)
}

// checkReadAnswer asserts what Inquire must return for b.
func checkReadAnswer(t *testing.T, b hostileBody, p *backoffice.Payment, err error) {
	t.Helper()
	switch {
	case b.ok:
		require.NoError(t, err)
		assert.Equal(t, "big1", p.ID)
		return
	case b.refusal:
		var re *backoffice.ResultError
		require.ErrorAs(t, err, &re, "got %T: %.300v", err, err)
		assert.Equal(t, b.status, re.StatusCode)
		assert.Less(t, len(err.Error()), 64<<10, "an error message is for people: %d bytes", len(err.Error()))
		return
	}
	require.Error(t, err, "a body that is not a gateway result must be an error")
	msg := err.Error()
	assert.True(t, namesStatus(msg, b.status), "the error names HTTP %d: %.300q", b.status, msg)
	assert.Less(t, len(msg), 64<<10, "an error message is for people: %d bytes", len(msg))
	var he *backoffice.HTTPError
	if assert.ErrorAs(t, err, &he, "an answer that is not a gateway result is an *HTTPError, got %T: %.300v", err, err) {
		assert.Equal(t, b.status, he.StatusCode)
	}
	var re *backoffice.ResultError
	assert.False(t, errors.As(err, &re), "not a gateway refusal: %.300v", err)
	if b.tooLarge {
		lower := strings.ToLower(msg)
		assert.True(t, strings.Contains(lower, "limit") || strings.Contains(lower, "too large") || strings.Contains(lower, "exceed") ||
			strings.Contains(lower, "mib") || strings.Contains(lower, "1048576"), "the error says the body was cut off: %.300q", msg)
	}
	if b.html {
		assert.NotContains(t, msg, "invalid character", "an HTML page is reported as such, not as a JSON syntax error")
	}
}

// TestHostileResponsesToReads runs each hostile answer against Inquire of
// both variants, one attempt, and checks for leaks after each.
//
// Not parallel on purpose: it counts the process's goroutines, which only
// means something while no other test runs (parallel tests are paused
// until all sequential ones have finished).
func TestHostileResponsesToReads(t *testing.T) {
	// Warm up whatever the SDK and net/http start once per process.
	warm := newRecorder(t)
	_, err := newTestClient(t, warm.URL, bearerCreds).Inquire(context.Background(), "w1")
	require.NoError(t, err)
	warm.Close()

	for _, v := range variants {
		for _, b := range hostileBodies() {
			if v == checksumVariant && b.refusal {
				continue // a bearer-shaped refusal
			}
			if v == checksumVariant && b.ok {
				continue // a bearer-shaped success
			}
			t.Run(v.String()+"/"+b.name, func(t *testing.T) {
				before := runtime.NumGoroutine()
				srv := newHostileServer(t, b.write, b.write)
				var dc dialCounter
				tr := dc.transport()
				c := newTestClient(t, srv.URL, v.creds(),
					backoffice.WithHTTPClient(&http.Client{Transport: tr}),
					backoffice.WithRetryPolicy(backoffice.RetryPolicy{MaxAttempts: 1}))

				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				start := time.Now()
				var p *backoffice.Payment
				err := callNoPanic(t, func() (err error) {
					p, err = c.Inquire(ctx, "54289")
					return err
				})
				assert.Less(t, time.Since(start), 20*time.Second, "answered in reasonable time")
				checkReadAnswer(t, b, p, err)
				if b.stream > 0 {
					assert.Less(t, srv.written.Load(), int64(32*mib), "the body was read far past the limit instead of cut off")
				}

				// No connection is left in the middle of a request, and once
				// idle ones are closed, none is left open on either side.
				assert.True(t, eventually(func() bool { _, active := srv.conns(); return active == 0 }),
					"a server-side connection is still busy: the response body was not closed")
				tr.CloseIdleConnections()
				assert.True(t, eventually(func() bool { return dc.open.Load() == 0 }),
					"%d client connection(s) still open after CloseIdleConnections: a response body was not closed", dc.open.Load())
				srv.Close()
				assert.True(t, eventually(func() bool { open, _ := srv.conns(); return open == 0 }), "server connections left open")
				assert.True(t, eventually(func() bool { return runtime.NumGoroutine() <= before }),
					"goroutine leak: %d before, %d after", before, runtime.NumGoroutine())
			})
		}
	}
}

// A money-moving call answered 200 with a hostile body is ambiguous: the SDK
// looks the merchantTransactionId up and, when the payment is found,
// returns it without sending the POST again.
func TestHostileResponsesToRefundAreReconciledNotResent(t *testing.T) {
	t.Parallel()
	for _, b := range hostileBodies() {
		if b.ok {
			continue
		}
		if !b.refusal && b.status != 200 {
			continue // the 5xx rows are the reliability tests' business
		}
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			get := func(w http.ResponseWriter, _ *http.Request, _ *atomic.Int64) {
				writeJSON(w, 200, `{"result":{"code":"000.000.100","description":"successful request"},"payments":[`+refundOK+`]}`)
			}
			srv := newHostileServer(t, b.write, get)
			var dc dialCounter
			tr := dc.transport()
			c, err := backoffice.NewClient(bearerCreds, backoffice.WithBaseURL(srv.URL),
				backoffice.WithHTTPClient(&http.Client{Transport: tr}), backoffice.WithRetryPolicy(fastRetries))
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var p *backoffice.Payment
			err = callNoPanic(t, func() (err error) {
				p, err = c.Refund(ctx, "db1", backoffice.RefundRequest{Amount: dec("5"), Currency: "EUR", MerchantTransactionID: "mtid-1"})
				return err
			})

			srv.mu.Lock()
			posts, gets := srv.posts, append([]*url.URL(nil), srv.gets...)
			srv.mu.Unlock()
			assert.Equal(t, 1, posts, "a refund whose outcome is unknown is never sent again")
			if b.refusal {
				var re *backoffice.ResultError
				require.ErrorAs(t, err, &re, "got %T: %.300v", err, err)
				assert.Empty(t, gets, "a refusal is final: nothing to look up")
			} else {
				require.NoError(t, err, "the look-up found the refund")
				assert.Equal(t, "rf1", p.ID, "what the gateway recorded")
				if assert.NotEmpty(t, gets, "the merchantTransactionId is looked up") {
					assert.Equal(t, "/v1/query", gets[0].Path)
					assert.Equal(t, "mtid-1", gets[0].Query().Get("merchantTransactionId"))
					assert.Equal(t, bearerCreds.EntityID, gets[0].Query().Get("entityId"))
				}
			}
			if b.stream > 0 {
				assert.Less(t, srv.written.Load(), int64(32*mib), "the body was read far past the limit instead of cut off")
			}
			tr.CloseIdleConnections()
			assert.True(t, eventually(func() bool { return dc.open.Load() == 0 }),
				"%d client connection(s) still open after CloseIdleConnections", dc.open.Load())
		})
	}
}
