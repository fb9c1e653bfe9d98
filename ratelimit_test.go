package backoffice_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// WithRateLimit spaces requests: 11 calls at 50 per second with a burst of
// one cannot take less than 200 ms. (A lower bound only: the test checks
// the limit is applied, not how fast the machine is.)
func TestRateLimitSpacesRequests(t *testing.T) {
	t.Parallel()
	s := newScript(t, nil, func(_ int, w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, refundOK) })
	c := s.client(t, backoffice.WithRateLimit(50, 1))
	start := time.Now()
	for i := 0; i < 11; i++ {
		_, err := c.Inquire(context.Background(), "rf1")
		require.NoError(t, err)
	}
	assert.GreaterOrEqual(t, time.Since(start), 200*time.Millisecond)
	_, gets := s.counts()
	assert.Equal(t, 11, gets)
}

// A wait for the limiter that the context cuts short happens before
// anything is written: the call is not sent, not uncertain.
func TestRateLimitWaitCutShortIsNotSent(t *testing.T) {
	t.Parallel()
	s := newScript(t, func(_ int, w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, refundOK) }, nil)
	c := s.client(t, backoffice.WithRateLimit(0.5, 1), backoffice.WithRetryPolicy(backoffice.RetryPolicy{MaxAttempts: 1}))
	_, err := refund(c) // spends the burst
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = c.Refund(ctx, "db1", backoffice.RefundRequest{Amount: dec("5"), Currency: "EUR", MerchantTransactionID: "mtid-2"})
	var ns *backoffice.NotSentError
	require.ErrorAs(t, err, &ns, "%v", err)
	posts, _ := s.counts()
	assert.Equal(t, 1, posts)
}

func TestRateLimitOptionValidation(t *testing.T) {
	t.Parallel()
	for _, o := range []backoffice.Option{backoffice.WithRateLimit(0, 1), backoffice.WithRateLimit(10, 0)} {
		_, err := backoffice.NewClient(bearerCreds, o)
		var ve *backoffice.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "RateLimit", ve.Field)
	}
}
