package backoffice_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// Credentials used by tests that talk to a recording server. The access
// token is the seed's.
var (
	bearerCreds   = backoffice.BearerCredentials{AccessToken: "OGE4Mjk0MTcyODFiOGVlMzAxMjgyOTkwNjZmNTBjZGJ8ZGVtbw==", EntityID: "8a8294174e918ca6014e9c6f5ae12a9c"}
	checksumCreds = backoffice.ChecksumCredentials{MemberID: "10537", SecureKey: "s3cr3t-Key-9f1c"}
)

// fastRetries keeps retry tests quick.
// Its settle time and look-up interval are short, so that a look-up after
// the settle time comes quickly.
var fastRetries = backoffice.RetryPolicy{MaxAttempts: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond,
	SettleTime: 30 * time.Millisecond, LookupInterval: 10 * time.Millisecond}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// recorded is one request a recorder received.
type recorded struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   []byte
}

// recorder is an httptest server that records requests and answers each
// with the next of its canned answers (repeating the last).
type recorder struct {
	*httptest.Server
	mu       sync.Mutex
	requests []recorded
	answers  []answer
}

type answer struct {
	status      int
	contentType string
	body        string
}

func jsonAnswer(status int, body string) answer {
	return answer{status: status, contentType: "application/json;charset=UTF-8", body: body}
}

func newRecorder(t *testing.T, answers ...answer) *recorder {
	t.Helper()
	r := &recorder{answers: answers}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.requests = append(r.requests, recorded{req.Method, req.URL.Path, req.URL.RawQuery, req.Header.Clone(), body})
		a := answer{status: 200, contentType: "application/json", body: `{"result":{"code":"000.100.110","description":"ok"}}`}
		if n := len(r.requests); len(r.answers) > 0 {
			a = r.answers[min(n, len(r.answers))-1]
		}
		r.mu.Unlock()
		w.Header().Set("Content-Type", a.contentType)
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *recorder) Requests() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.requests...)
}

// variant is one of the gateway's two dialects.
type variant int

const (
	bearerVariant variant = iota
	checksumVariant
)

// variants are both, in the order subtests run them.
var variants = []variant{bearerVariant, checksumVariant}

func (v variant) String() string {
	if v == checksumVariant {
		return "checksum"
	}
	return "bearer"
}

// creds are the credentials of v that the tests use against a recorder.
func (v variant) creds() backoffice.Credentials {
	if v == checksumVariant {
		return checksumCreds
	}
	return bearerCreds
}

// fakeCreds are the credentials of v that srv accepts.
func (v variant) fakeCreds(srv *backofficetest.Server) backoffice.Credentials {
	if v == checksumVariant {
		return srv.ChecksumCredentials()
	}
	return srv.BearerCredentials()
}

// forEachVariant runs f as a subtest per variant, named after it, as
// net/http's run(t, f) runs a test per protocol. f calls t.Parallel if it
// may run in parallel.
func forEachVariant(t *testing.T, f func(t *testing.T, v variant)) {
	t.Helper()
	for _, v := range variants {
		t.Run(v.String(), func(t *testing.T) { f(t, v) })
	}
}

// newTestClient is how the tests build a Client (the Examples aside, which
// read as user code): the variant of creds, talking to base, retrying
// with fastRetries; opts come last, so they override.
func newTestClient(t testing.TB, base string, creds backoffice.Credentials, opts ...backoffice.Option) *backoffice.Client {
	t.Helper()
	c, err := backoffice.NewClient(creds, append([]backoffice.Option{backoffice.WithBaseURL(base), backoffice.WithRetryPolicy(fastRetries)}, opts...)...)
	require.NoError(t, err)
	return c
}

// refusedURL is the base URL of a gateway that is down: a fake that
// refuses connections, closed at cleanup. On Unix systems its address stays
// bound while it refuses (a socket bound, not listening), so a dial is
// refused every time; a port freed by closing a listener is given to
// another program's listen on port 0 a few thousand listens later, and the
// tests of other packages listen beside these.
func refusedURL(t testing.TB) string {
	t.Helper()
	srv := backofficetest.NewServer()
	t.Cleanup(srv.Close)
	srv.RefuseConnections()
	return srv.URL
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(b)
}
