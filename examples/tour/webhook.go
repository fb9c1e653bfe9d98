package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http/httptest"
	"os"
	"sync"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/c81406b6/backoffice/examples/internal/story"
	"github.com/c81406b6/backoffice/webhook"
)

// webhookTour shows a chargeback the bank raised, which the merchant
// learns of only by webhook: the fake gateway books it and notifies the
// merchant's endpoint, which decrypts it with the webhook's secret.
func webhookTour(ctx context.Context) error {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	secret := hex.EncodeToString(key)
	var (
		mu  sync.Mutex
		got []*backoffice.Payment
	)
	endpoint := httptest.NewServer(webhook.Handler(secret, func(_ context.Context, n *webhook.Notification) error {
		mu.Lock()
		defer mu.Unlock()
		if n.Payment != nil && n.Payment.PaymentType == backoffice.PaymentTypeChargeback {
			got = append(got, n.Payment)
		}
		return nil
	}))
	defer endpoint.Close()
	srv := backofficetest.NewServer(backofficetest.WithWebhook(endpoint.URL, secret))
	defer srv.Close()

	db := srv.Debit(story.Amount("45.00"), "EUR")
	if _, err := srv.BankChargeback(db, story.Amount("45.00"), "000.100.220"); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := srv.FlushWebhooks(ctx); err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) == 0 {
		return errors.New("no chargeback notification arrived")
	}
	t := story.NewTable(os.Stdout)
	for _, p := range got {
		t.Row("CB  chargeback by webhook", db, p, nil)
	}
	t.Flush()
	return nil
}
