package webhook_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/c81406b6/backoffice/webhook"
)

// FuzzParse feeds Parse arbitrary deliveries, forged and genuine. It must
// never panic, must return exactly one of its errors or a notification
// whose Raw is JSON, and must never quote the secret.
func FuzzParse(f *testing.F) {
	f.Add(vectorIV, vectorTag, vectorBody, []byte(nil))
	f.Add(strings.ToLower(vectorIV), strings.ToLower(vectorTag), `{"encryptedBody":"`+vectorBody+`"}`, []byte(nil))
	f.Add("", "", "", []byte(`{"type":"PAYMENT","payload":{"id":"1","amount":"1.00","result":{"code":"000.100.110"}}}`))
	f.Add("zz", vectorTag, "0A", []byte(`{"type":"REGISTRATION","action":"CREATED","payload":{}}`))
	f.Add(vectorIV, vectorTag, `{"encryptedBody":1}`, []byte(`{"type":"PAYMENT","payload":{"amount":{},"result":[]}}`))
	f.Fuzz(func(t *testing.T, iv, tag, body string, plain []byte) {
		h := http.Header{}
		h.Set(webhook.HeaderIV, iv)
		h.Set(webhook.HeaderTag, tag)
		n, err := webhook.Parse(h, []byte(body), vectorKey)
		check(t, n, err)
		if len(plain) == 0 {
			return
		}
		// A genuine delivery of arbitrary plaintext: it authenticates, so
		// only ErrPayload may refuse it.
		eh, eb, err := webhook.Encrypt(vectorKey, plain)
		if err != nil {
			t.Fatal(err)
		}
		n, err = webhook.Parse(eh, eb, vectorKey)
		if err != nil && !errors.Is(err, webhook.ErrPayload) {
			t.Fatalf("genuine delivery refused: %v", err)
		}
		check(t, n, err)
	})
}

func check(t *testing.T, n *webhook.Notification, err error) {
	t.Helper()
	if err != nil {
		if n != nil {
			t.Fatal("notification and error both returned")
		}
		kinds := 0
		for _, e := range []error{webhook.ErrSecret, webhook.ErrHeader, webhook.ErrBody, webhook.ErrAuthentication, webhook.ErrPayload} {
			if errors.Is(err, e) {
				kinds++
			}
		}
		if kinds != 1 {
			t.Fatalf("error %q matches %d of the package's errors, want 1", err, kinds)
		}
		if strings.Contains(strings.ToLower(err.Error()), vectorKey) {
			t.Fatal("error quotes the secret")
		}
		return
	}
	if !json.Valid(n.Raw) {
		t.Fatalf("Raw is not JSON: %q", n.Raw)
	}
	if n.Payment != nil && !json.Valid(n.Payment.Raw) {
		t.Fatalf("Payment.Raw is not JSON: %q", n.Payment.Raw)
	}
}
