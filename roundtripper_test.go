package backoffice_test

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/c81406b6/backoffice"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingTransport is what an observability wrapper does: it sees every
// request and passes it on, context included.
type countingTransport struct {
	next http.RoundTripper
	n    atomic.Int32
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

func TestWithRoundTripperWrapsTheTunedTransport(t *testing.T) {
	t.Parallel()
	s := newScript(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			htmlError(w, 502) // ambiguous: a look-up follows, through the wrapper too
			return
		}
		writeJSON(w, 200, refundOK)
	}, found(refundOK))
	var wrapped *countingTransport
	var underneath http.RoundTripper
	c := s.client(t, backoffice.WithRoundTripper(func(next http.RoundTripper) http.RoundTripper {
		underneath = next
		wrapped = &countingTransport{next: next}
		return wrapped
	}))
	p, err := refund(c)
	require.NoError(t, err)
	assert.Equal(t, "rf1", p.ID)
	posts, gets := s.counts()
	assert.Equal(t, int32(posts+gets), wrapped.n.Load(), "every attempt and look-up went through the wrapper")
	tr, ok := underneath.(*http.Transport)
	require.True(t, ok, "the SDK's own transport is underneath, got %T", underneath)
	assert.Equal(t, 64, tr.MaxConnsPerHost, "with its tuning")
}

func TestWithRoundTripperRefusesNil(t *testing.T) {
	t.Parallel()
	_, err := backoffice.NewClient(bearerCreds, backoffice.WithRoundTripper(nil))
	var ve *backoffice.ValidationError
	require.ErrorAs(t, err, &ve)
	_, err = backoffice.NewClient(bearerCreds, backoffice.WithRoundTripper(func(http.RoundTripper) http.RoundTripper { return nil }))
	require.ErrorAs(t, err, &ve)
}

// A retry's log line says which operation and merchantTransactionId it
// belongs to, so that a busy service's logs can be read.
func TestRetryLogNamesTheCall(t *testing.T) {
	t.Parallel()
	s := newScript(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			writeJSON(w, 400, `{"result":{"code":"800.120.100","description":"Rejected by Throttling."}}`)
			return
		}
		writeJSON(w, 200, refundOK)
	}, nil)
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	_, err := refund(s.client(t, backoffice.WithLogger(logger)))
	require.NoError(t, err)
	var retry string
	for _, line := range strings.Split(buf.String(), "\n") {
		if strings.Contains(line, "backoffice: retrying") {
			retry = line
		}
	}
	require.NotEmpty(t, retry, "%s", buf.String())
	assert.Contains(t, retry, "op=refund")
	assert.Contains(t, retry, "payment_id=db1")
	assert.Contains(t, retry, "merchant_transaction_id=mtid-1")
}

// Pointers to credentials satisfy Credentials, so they must work, and a nil
// one must be refused, not panic.
func TestCredentialsMayBePointers(t *testing.T) {
	t.Parallel()
	creds := bearerCreds
	c, err := backoffice.NewClient(&creds)
	require.NoError(t, err)
	assert.Contains(t, c.String(), bearerCreds.EntityID)
	cs := checksumCreds
	_, err = backoffice.NewClient(&cs, backoffice.WithBaseURL("https://example.test"))
	require.NoError(t, err)
	var ve *backoffice.ValidationError
	_, err = backoffice.NewClient((*backoffice.BearerCredentials)(nil))
	require.ErrorAs(t, err, &ve)
}

// Errors name the method they came from once, with one "backoffice:"
// prefix, and carry it as OperationError.Op.
func TestErrorStringsNameTheMethodWithoutStutter(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t)
	cases := map[string]error{}
	for _, o := range opsWhere(func(op testOp, v variant) bool { return op.on(v) == unsupported }) {
		_, _, cases[o.method] = o.do(newTestClient(t, rec.URL, o.v.creds()), o.args(o.v))
	}
	require.NotEmpty(t, cases)
	for method, err := range cases {
		require.Error(t, err, method)
		assert.True(t, errors.Is(err, backoffice.ErrUnsupported), method)
		var oe *backoffice.OperationError
		require.ErrorAs(t, err, &oe, method)
		assert.Equal(t, method, oe.Op)
		assert.Equal(t, "backoffice: "+method+": operation not supported by this gateway variant", err.Error())
		assert.Equal(t, backoffice.NotBooked, backoffice.OutcomeOf(err))
	}
}
