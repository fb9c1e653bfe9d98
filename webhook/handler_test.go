package webhook_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/c81406b6/backoffice/webhook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const cardPlain = `{"type":"PAYMENT","payload":{"id":"p1","paymentType":"DB","amount":"1.00","currency":"EUR",` +
	`"result":{"code":"000.100.110","parameterErrors":[{"name":"card.number","value":"4200000000000000"}]}}}`

// serve sends one request to Handler and returns the answer and how often
// fn ran.
func serve(t *testing.T, secret, method string, h http.Header, body []byte, fnErr error) (*httptest.ResponseRecorder, int32, *webhook.Notification) {
	t.Helper()
	var calls atomic.Int32
	var got *webhook.Notification
	handler := webhook.Handler(secret, func(ctx context.Context, n *webhook.Notification) error {
		require.NotNil(t, ctx)
		calls.Add(1)
		got = n
		return fnErr
	})
	r := httptest.NewRequest(method, "/webhooks/opp", bytes.NewReader(body))
	for k, v := range h {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	handler.ServeHTTP(w, r)
	return w, calls.Load(), got
}

func TestHandlerStatusCodes(t *testing.T) {
	t.Parallel()
	h, body, err := webhook.Encrypt(vectorKey, []byte(cardPlain))
	require.NoError(t, err)
	wrapped := []byte(`{"encryptedBody":"` + string(body) + `"}`)
	cases := []struct {
		name     string
		secret   string
		method   string
		header   http.Header
		body     []byte
		fnErr    error
		status   int
		fnCalled bool
	}{
		{"delivered", vectorKey, http.MethodPost, h, body, nil, http.StatusOK, true},
		{"JSON wrapped", vectorKey, http.MethodPost, h, wrapped, nil, http.StatusOK, true},
		{"fn fails: deliver again", vectorKey, http.MethodPost, h, body, errors.New("database down: 4200000000000000"), http.StatusInternalServerError, true},
		{"wrong secret", strings.Repeat("ab", 32), http.MethodPost, h, body, nil, http.StatusBadRequest, false},
		{"malformed secret", "s3cr3t-not-hex", http.MethodPost, h, body, nil, http.StatusInternalServerError, false},
		{"tampered", vectorKey, http.MethodPost, h, flipHex(body), nil, http.StatusBadRequest, false},
		{"headers missing", vectorKey, http.MethodPost, http.Header{}, body, nil, http.StatusBadRequest, false},
		{"not hex", vectorKey, http.MethodPost, h, []byte("hello"), nil, http.StatusBadRequest, false},
		{"GET", vectorKey, http.MethodGet, h, nil, nil, http.StatusMethodNotAllowed, false},
		{"oversized", vectorKey, http.MethodPost, h, bytes.Repeat([]byte("A"), webhook.MaxBodyBytes+2), nil, http.StatusRequestEntityTooLarge, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w, calls, n := serve(t, c.secret, c.method, c.header, c.body, c.fnErr)
			assert.Equal(t, c.status, w.Code)
			if c.fnCalled {
				assert.Equal(t, int32(1), calls)
				require.NotNil(t, n)
				assert.Equal(t, "p1", n.Payment.ID)
			} else {
				assert.Zero(t, calls, "fn is never called for a delivery that cannot be decrypted")
			}
			answer := w.Body.String()
			for _, secret := range []string{vectorKey, c.secret, "4200000000000000", "database down", string(body[:32])} {
				assert.NotContains(t, answer, secret)
			}
		})
	}
}

// A body just under the bound is read in full; the bound is on the body,
// not on what fits in memory.
func TestHandlerBoundIsExact(t *testing.T) {
	t.Parallel()
	padding := strings.Repeat(" ", webhook.MaxBodyBytes/2-len(cardPlain)-1)
	h, body, err := webhook.Encrypt(vectorKey, []byte(cardPlain+padding))
	require.NoError(t, err)
	require.LessOrEqual(t, len(body), webhook.MaxBodyBytes)
	w, calls, _ := serve(t, vectorKey, http.MethodPost, h, body, nil)
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, int32(1), calls)

	h, body, err = webhook.Encrypt(vectorKey, []byte(cardPlain+padding+"  "))
	require.NoError(t, err)
	require.Greater(t, len(body), webhook.MaxBodyBytes)
	w, calls, _ = serve(t, vectorKey, http.MethodPost, h, body, nil)
	assert.Equal(t, http.StatusRequestEntityTooLarge, w.Code)
	assert.Zero(t, calls)
}

// flipHex changes the first hex digit of body to another hex digit.
func flipHex(body []byte) []byte {
	out := bytes.Clone(body)
	if out[0] == '0' {
		out[0] = '1'
	} else {
		out[0] = '0'
	}
	return out
}
