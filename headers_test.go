package backoffice_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/c81406b6/backoffice"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHeadersPerVariant: the checksum platform answers JSON only when the
// request asks for it with Accept (CHECKSUM-PLATFORM.md §1), so every
// checksum request carries Accept: application/json; the bearer gateway
// answers JSON whatever Accept says, and gets none. Both name the SDK in
// User-Agent.
func TestHeadersPerVariant(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		creds  backoffice.Credentials
		accept string
	}{
		{bearerCreds, ""},
		{checksumCreds, "application/json"},
	} {
		var mu sync.Mutex
		var seen []http.Header
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			mu.Lock()
			seen = append(seen, r.Header.Clone())
			mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"result":{"code":"700.400.580","description":"cannot find transaction"}}`)
		}))
		c, err := backoffice.NewClient(tc.creds, backoffice.WithBaseURL(srv.URL), backoffice.WithRetryPolicy(fastRetries))
		require.NoError(t, err)
		_, _ = c.Inquire(context.Background(), "8a8294496242ba5301625069d1b27e3d")
		_, _ = c.Inquire(context.Background(), "123456")
		srv.Close()
		require.NotEmpty(t, seen, "%T sent nothing", tc.creds)
		for _, h := range seen {
			assert.Equal(t, tc.accept, h.Get("Accept"), "%T", tc.creds)
			assert.Contains(t, h.Get("User-Agent"), "backoffice-go/"+backoffice.Version, "%T", tc.creds)
		}
	}
}
