package transport

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestCommonJSONIsWhatParseMediaTypeCallsJSON(t *testing.T) {
	t.Parallel()
	for _, ct := range []string{"application/json", "application/json;charset=UTF-8", "application/json; charset=UTF-8",
		"application/json;charset=utf-8", "application/json; charset=utf-8"} {
		assert.True(t, commonJSON(ct), ct)
		mt, _, err := mime.ParseMediaType(ct)
		assert.NoError(t, err, ct)
		assert.Equal(t, "application/json", mt, ct)
	}
	for _, ct := range []string{"", "application/json;", "application/json; charset", "Application/JSON", "text/html", "application/problem+json"} {
		assert.False(t, commonJSON(ct), ct)
	}
}

func TestContentTypeProblem(t *testing.T) {
	t.Parallel()
	body := []byte(`{"result":{"code":"000.100.110"}}`)
	for ct, want := range map[string]string{
		"":                               "",
		"application/json;charset=UTF-8": "",
		"Application/JSON":               "",
		"application/problem+json":       "",
		"text/json":                      "",
		"application/json;":              "",
		"application/json; charset":      "unparsable content type",
		"text/html":                      "an HTML page, not a gateway result",
		"text/plain":                     "content type is not JSON",
	} {
		assert.Equal(t, want, contentTypeProblem(ct, body), ct)
	}
	assert.Equal(t, "empty body", contentTypeProblem("application/json", nil))
}

func BenchmarkContentTypeProblem(b *testing.B) {
	body := []byte(`{"result":{"code":"000.100.110"}}`)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if contentTypeProblem("application/json;charset=UTF-8", body) != "" {
			b.Fatal("not JSON")
		}
	}
}

// answerer is a RoundTripper that reads the request body and answers with
// a canned gateway result, without any network: what Do costs on its own.
type answerer struct{ body []byte }

func (a answerer) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{
		StatusCode:    http.StatusOK,
		Header:        http.Header{"Content-Type": {"application/json;charset=UTF-8"}},
		Body:          io.NopCloser(bytes.NewReader(a.body)),
		ContentLength: int64(len(a.body)),
		Request:       r,
	}, nil
}

// BenchmarkDo sends a capture-sized form through Do to a RoundTripper that
// answers at once: the wrapping, retry bookkeeping, body read and decode of
// one attempt, without the HTTP exchange. path=client goes through
// go-retryablehttp and http.Client (a caller's client); path=direct is the
// SDK's own client's first attempt.
func BenchmarkDo(b *testing.B) {
	rt := answerer{[]byte(capture)}
	req := &Request{Method: http.MethodPost, URL: "http://127.0.0.1/v1/payments/8a8294496242ba5301625069d1b27e3d",
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, Money: true,
		Body: []byte("entityId=8a8294174e918ca6014e9c6f5ae12a9c&amount=1.00&currency=BRL&paymentType=CP&merchantTransactionId=bo1a2b3c4d5e6f-1")}
	for _, path := range []struct {
		name string
		tr   *Transport
	}{
		{"client", New(&http.Client{Transport: Tracked(rt), Timeout: time.Minute},
			Policy{MaxAttempts: 3, MinWait: time.Millisecond, MaxWait: time.Millisecond, Codes: testCodes})},
		{"direct", directTransport(rt, time.Minute)},
	} {
		b.Run("path="+path.name, func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				var ex Exchange
				path.tr.Do(ctx, req, &ex)
				if ex.Answer == nil || !ex.Sent {
					b.Fatalf("no answer: %v %s", ex.Err, ex.BadBody)
				}
			}
		})
	}
}
