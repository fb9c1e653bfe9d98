package backofficetest_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"sync"

	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/c81406b6/backoffice/webhook"
	"github.com/shopspring/decimal"
)

// endpoint is a merchant's webhook endpoint that prints what it receives.
func endpoint(secret string) *httptest.Server {
	var mu sync.Mutex
	return httptest.NewServer(webhook.Handler(secret, func(_ context.Context, n *webhook.Notification) error {
		mu.Lock()
		defer mu.Unlock()
		p := n.Payment
		fmt.Println(n.Type, p.PaymentType, p.Amount.StringFixed(2), p.Result.Code, p.Result.Description)
		return nil
	}))
}

// The fake notifies the merchant of every payment it records, here a
// debit and the chargeback the bank raised against it.
func ExampleWithWebhook() {
	const secret = "9f1e0d2c3b4a59687766554433221100ffeeddccbbaa99887766554433221100"
	merchant := endpoint(secret)
	defer merchant.Close()
	srv := backofficetest.NewServer(backofficetest.WithWebhook(merchant.URL, secret))
	defer srv.Close()

	debit := srv.Debit(decimal.RequireFromString("80.00"), "EUR")
	if _, err := srv.BankChargeback(debit, decimal.Zero, "000.100.221"); err != nil {
		log.Fatal(err)
	}
	if err := srv.FlushWebhooks(context.Background()); err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(srv.WebhookDeliveries()), "deliveries")
	// Output:
	// PAYMENT DB 80.00 000.100.110 Request successfully processed in 'Merchant in Integrator Test Mode'
	// PAYMENT CB 80.00 000.100.221 Merchandise Not Received
	// 2 deliveries
}

// A pending debit is notified once pending and once settled.
func ExampleServer_SettlePending() {
	const secret = "9f1e0d2c3b4a59687766554433221100ffeeddccbbaa99887766554433221100"
	merchant := endpoint(secret)
	defer merchant.Close()
	srv := backofficetest.NewServer(backofficetest.WithWebhook(merchant.URL, secret))
	defer srv.Close()

	id := srv.DebitPending(decimal.RequireFromString("15.00"), "EUR")
	if _, err := srv.SettlePending(id, "000.000.000"); err != nil {
		log.Fatal(err)
	}
	if err := srv.FlushWebhooks(context.Background()); err != nil {
		log.Fatal(err)
	}
	// Output:
	// PAYMENT DB 15.00 000.200.000 transaction pending
	// PAYMENT DB 15.00 000.000.000 Transaction succeeded
}
