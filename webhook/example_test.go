package webhook_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/webhook"
	"github.com/shopspring/decimal"
)

// The webhook's secret as the merchant portal shows it. Keep it out of
// source code in production.
const secret = "000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f"

func ExampleParse() {
	// The documentation's published example delivery.
	header := http.Header{}
	header.Set("X-Initialization-Vector", "000000000000000000000000")
	header.Set("X-Authentication-Tag", "CE573FB7A41AB78E743180DC83FF09BD")
	body := []byte("0A3471C72D9BE49A8520F79C66BBD9A12FF9")

	n, err := webhook.Parse(header, body, secret)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n.Type, string(n.Raw))
	// Output: PAYMENT {"type":"PAYMENT"}
}

func ExampleEncrypt() {
	header, body, err := webhook.Encrypt(secret, []byte(`{"type":"PAYMENT","payload":{"id":"8ac7a4a2","paymentType":"CB",`+
		`"amount":"92.00","currency":"EUR","result":{"code":"000.100.220","description":"Fraudulent Transaction"}}}`))
	if err != nil {
		log.Fatal(err)
	}
	n, err := webhook.Parse(header, body, secret)
	if err != nil {
		log.Fatal(err)
	}
	p := n.Payment
	fmt.Println(p.PaymentType, p.Amount.StringFixed(2), p.Currency, p.Result.Code, p.Result.Description)
	// Output: CB 92.00 EUR 000.100.220 Fraudulent Transaction
}

// The gateway delivers at least once and in any order: here the final
// result, the same again, then the pending result that preceded it. The
// handler acts once per payment id and result code, and never lets a
// pending result overwrite a final one.
func ExampleHandler() {
	var (
		mu      sync.Mutex
		handled = map[string]bool{}                  // payment id + result code; a real handler keeps this in its database
		final   = map[string]backoffice.ResultCode{} // payment id → final result
	)
	h := webhook.Handler(secret, func(ctx context.Context, n *webhook.Notification) error {
		p := n.Payment
		if p == nil {
			return nil // not about a payment: acknowledge it
		}
		mu.Lock()
		defer mu.Unlock()
		key := p.ID + " " + string(p.Result.Code)
		switch {
		case handled[key]:
			fmt.Println("duplicate, ignored:", key)
		case p.Result.Code.IsPending() && final[p.ID] != "":
			fmt.Println("pending after final, ignored:", key)
		default:
			handled[key] = true
			if !p.Result.Code.IsPending() {
				final[p.ID] = p.Result.Code
			}
			fmt.Println("handled:", p.PaymentType, p.ID, p.Amount.StringFixed(2), p.Result.Code)
		}
		return nil // return an error instead to have the gateway deliver again
	})
	srv := httptest.NewServer(h)
	defer srv.Close()

	done := `{"type":"PAYMENT","payload":{"id":"rf1","paymentType":"RF","amount":"10.00","currency":"EUR","result":{"code":"000.100.110"}}}`
	pending := `{"type":"PAYMENT","payload":{"id":"rf1","paymentType":"RF","amount":"10.00","currency":"EUR","result":{"code":"000.200.000"}}}`
	for _, plain := range []string{done, done, pending} {
		header, body, err := webhook.Encrypt(secret, []byte(plain))
		if err != nil {
			log.Fatal(err)
		}
		req, err := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		if err != nil {
			log.Fatal(err)
		}
		req.Header = header
		resp, err := srv.Client().Do(req)
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
		fmt.Println("answered", resp.StatusCode)
	}
	// Output:
	// handled: RF rf1 10.00 000.100.110
	// answered 200
	// duplicate, ignored: rf1 000.100.110
	// answered 200
	// pending after final, ignored: rf1 000.200.000
	// answered 200
}

// A bulk job stored the *backoffice.UncertainError of a refund whose
// answer was lost. The refund's notification settles it without a look-up.
func ExampleNotification_Settles() {
	u := &backoffice.UncertainError{MerchantTransactionID: "order-1042-refund", Operation: backoffice.PaymentTypeRefund,
		PaymentID: "8ac7a4a1", Amount: decimal.RequireFromString("25.00"), Currency: "EUR"}

	header, body, err := webhook.Encrypt(secret, []byte(`{"type":"PAYMENT","payload":{"id":"8ac7a4a9","referencedId":"8ac7a4a1",`+
		`"paymentType":"RF","amount":"25.00","currency":"EUR","merchantTransactionId":"order-1042-refund","result":{"code":"000.100.110"}}}`))
	if err != nil {
		log.Fatal(err)
	}
	n, err := webhook.Parse(header, body, secret)
	if err != nil {
		log.Fatal(err)
	}
	if p, ok := n.Settles(u); ok {
		booked := p.Result.Code.IsSuccessful() || p.Result.Code.IsPending()
		fmt.Println("settled; booked:", booked, "as", p.ID)
	}
	// Output: settled; booked: true as 8ac7a4a9
}
