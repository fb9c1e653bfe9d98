package backoffice_test

import (
	"errors"
	"testing"

	"github.com/c81406b6/backoffice"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// NewClient's refusals and acceptances, and what a client of each variant
// lacks.

// NewClient refuses bad credentials and base URLs with a *ValidationError.
func TestNewClientRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		creds backoffice.Credentials
		opts  []backoffice.Option
		field string
	}{
		{"empty access token", backoffice.BearerCredentials{EntityID: "e1"}, nil, "Credentials.AccessToken"},
		{"empty entity id", backoffice.BearerCredentials{AccessToken: "t1"}, nil, "Credentials.EntityID"},
		{"empty bearer credentials", backoffice.BearerCredentials{}, nil, "Credentials.AccessToken"},
		{"empty member id", backoffice.ChecksumCredentials{SecureKey: "k1"}, []backoffice.Option{backoffice.WithBaseURL("https://gw.example.com")}, "Credentials.MemberID"},
		{"empty secure key", backoffice.ChecksumCredentials{MemberID: "m1"}, []backoffice.Option{backoffice.WithBaseURL("https://gw.example.com")}, "Credentials.SecureKey"},
		{"checksum without base URL", backoffice.ChecksumCredentials{MemberID: "m1", SecureKey: "k1"}, nil, "BaseURL"},
		{"malformed base URL", bearerCreds, []backoffice.Option{backoffice.WithBaseURL("://not a url")}, "BaseURL"},
		{"base URL without scheme", bearerCreds, []backoffice.Option{backoffice.WithBaseURL("eu-test.oppwa.com")}, "BaseURL"},
		{"base URL without host", bearerCreds, []backoffice.Option{backoffice.WithBaseURL("https://")}, "BaseURL"},
		{"ftp base URL", bearerCreds, []backoffice.Option{backoffice.WithBaseURL("ftp://eu-test.oppwa.com")}, "BaseURL"},
		{"plain http to a public host", bearerCreds, []backoffice.Option{backoffice.WithBaseURL("http://example.com")}, "BaseURL"},
		{"plain http to a private address", bearerCreds, []backoffice.Option{backoffice.WithBaseURL("http://10.0.0.1:8080")}, "BaseURL"},
		{"plain http to a host named like loopback", bearerCreds, []backoffice.Option{backoffice.WithBaseURL("http://localhost.example.com")}, "BaseURL"},
		{"checksum plain http to a public host", checksumCreds, []backoffice.Option{backoffice.WithBaseURL("http://example.com")}, "BaseURL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := backoffice.NewClient(tt.creds, tt.opts...)
			requireValidation(t, err, tt.field)
			assert.Nil(t, c)
		})
	}
}

func TestNewClientAcceptsHTTPSAndLoopback(t *testing.T) {
	t.Parallel()
	for _, base := range []string{
		"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080",
		"https://eu-test.oppwa.com", backoffice.TestURL, backoffice.LiveURL,
	} {
		for _, creds := range []backoffice.Credentials{bearerCreds, checksumCreds} {
			t.Run(base, func(t *testing.T) {
				t.Parallel()
				c, err := backoffice.NewClient(creds, backoffice.WithBaseURL(base))
				require.NoError(t, err)
				assert.NotNil(t, c)
			})
		}
	}
	t.Run("bearer default base URL", func(t *testing.T) {
		t.Parallel()
		c, err := backoffice.NewClient(bearerCreds)
		require.NoError(t, err)
		assert.NotNil(t, c)
	})
}

// Operations a variant lacks return ErrUnsupported and send nothing.
func TestUnsupportedOperationsSendNothing(t *testing.T) {
	t.Parallel()
	for _, op := range opsWhere(func(op testOp, v variant) bool { return op.on(v) == unsupported }) {
		t.Run(op.String(), func(t *testing.T) {
			t.Parallel()
			rec := newValidationRecorder(t, op.v)
			a := op.args(op.v)
			a.mtid = "order-1"
			_, _, err := op.do(newTestClient(t, rec.URL, op.v.creds()), a)
			require.Error(t, err)
			assert.True(t, errors.Is(err, backoffice.ErrUnsupported), "want ErrUnsupported, got %T: %v", err, err)
			assertNothingSent(t, rec)
		})
	}
}
