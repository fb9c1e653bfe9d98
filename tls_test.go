package backoffice

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultTransportRequiresTLS12AndVerifies(t *testing.T) {
	t.Parallel()
	tr := defaultTransport()
	require.NotNil(t, tr.TLSClientConfig)
	assert.Equal(t, uint16(tls.VersionTLS12), tr.TLSClientConfig.MinVersion)
	assert.False(t, tr.TLSClientConfig.InsecureSkipVerify)
	assert.Equal(t, 64, tr.MaxIdleConnsPerHost, "Go's default of 2 would churn connections under load")
}

// An untrusted certificate fails the handshake, before anything is sent:
// verification is on, and the refund is a NotSentError, not an uncertain one.
func TestUntrustedCertificateIsRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	srv.StartTLS()
	defer srv.Close()
	c, err := NewClient(BearerCredentials{AccessToken: "t", EntityID: "e"}, WithBaseURL(srv.URL),
		WithRetryPolicy(RetryPolicy{MaxAttempts: 2, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	require.NoError(t, err)
	_, err = c.Refund(context.Background(), "db1", RefundRequest{Amount: decimal.RequireFromString("1.00"), Currency: "EUR"})
	var ns *NotSentError
	require.ErrorAs(t, err, &ns)
	var unknown x509.UnknownAuthorityError
	var verify *tls.CertificateVerificationError
	assert.True(t, errors.As(err, &unknown) || errors.As(err, &verify), "a certificate error: %v", err)
	assert.Zero(t, hits.Load())
}

// A server that offers only TLS 1.1 is refused even when its certificate
// is trusted.
func TestTLS11IsRefused(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"result":{"code":"000.000.000"}}`))
	}))
	srv.TLS = &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	tr := defaultTransport()
	tr.TLSClientConfig.RootCAs = x509.NewCertPool()
	tr.TLSClientConfig.RootCAs.AddCert(srv.Certificate())
	_, err := (&http.Client{Transport: tr}).Get(srv.URL)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "protocol version")

	// The same trust with TLS 1.2 allowed on the server works, so it is the
	// version that was refused.
	srv2 := httptest.NewTLSServer(srv.Config.Handler)
	defer srv2.Close()
	tr2 := defaultTransport()
	tr2.TLSClientConfig.RootCAs = x509.NewCertPool()
	tr2.TLSClientConfig.RootCAs.AddCert(srv2.Certificate())
	resp, err := (&http.Client{Transport: tr2}).Get(srv2.URL)
	require.NoError(t, err)
	resp.Body.Close()
}
