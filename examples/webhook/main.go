// Command webhook runs a merchant's webhook endpoint and prints the
// notifications the gateway sends it as a table: a capture and a refund
// made through the SDK, a chargeback the bank raised, and a pending debit
// that settles later. The embedded fake gateway delivers them as the real
// one may: out of order and each twice. The endpoint handles each
// notification once, by payment id and result code, and never lets a
// pending result overwrite a final one.
//
//	go run ./examples/webhook
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"os"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/c81406b6/backoffice/examples/internal/story"
	"github.com/c81406b6/backoffice/webhook"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "webhook:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	// The webhook's secret, as the merchant portal would show it.
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	secret := hex.EncodeToString(key)

	book := newBook()
	endpoint := httptest.NewServer(webhook.Handler(secret, book.handle))
	defer endpoint.Close()

	srv := backofficetest.NewServer(backofficetest.WithWebhook(endpoint.URL, secret),
		backofficetest.WithWebhookPolicy(backofficetest.WebhookPolicy{Duplicate: true, OutOfOrder: true}))
	defer srv.Close()
	c, err := backoffice.NewClient(srv.BearerCredentials(), backoffice.WithBaseURL(srv.URL))
	if err != nil {
		return err
	}

	pa := srv.Preauthorize(story.Amount("120.00"), "EUR")
	cp, err := c.Capture(ctx, pa, backoffice.CaptureRequest{Amount: story.Amount("120.00"), Currency: "EUR"})
	if err != nil {
		return err
	}
	if _, err := c.Refund(ctx, cp.ID, backoffice.RefundRequest{Amount: story.Amount("20.00"), Currency: "EUR"}); err != nil {
		return err
	}
	db := srv.Debit(story.Amount("80.00"), "EUR")
	if _, err := srv.BankChargeback(db, story.Amount("80.00"), "000.100.222"); err != nil {
		return err
	}
	pending := srv.DebitPending(story.Amount("15.00"), "EUR")
	if _, err := srv.SettlePending(pending, "000.000.000"); err != nil {
		return err
	}

	flushCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := srv.FlushWebhooks(flushCtx); err != nil {
		return err
	}
	fmt.Println("Notifications received by the merchant's endpoint, in arrival order:")
	fmt.Println()
	book.print()
	for _, d := range srv.WebhookDeliveries() {
		if d.Status != 200 {
			return fmt.Errorf("delivery of %s answered %d %s", d.PaymentID, d.Status, d.Err)
		}
	}
	return nil
}

// book is the merchant's record of what it handled. A real one lives in
// the database, written in the same transaction as the effect.
type book struct {
	mu      sync.Mutex
	handled map[string]bool                  // payment id + result code
	final   map[string]backoffice.ResultCode // payment id → its final result
	rows    [][]string
}

func newBook() *book {
	return &book{handled: map[string]bool{}, final: map[string]backoffice.ResultCode{}}
}

// handle is the webhook's fn: it runs only for authentic deliveries.
func (b *book) handle(_ context.Context, n *webhook.Notification) error {
	p := n.Payment
	if p == nil {
		return nil // not about a payment: acknowledge it
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	code := p.Result.Code
	key := p.ID + " " + string(code)
	action := "handled"
	switch {
	case b.handled[key]:
		action = "duplicate: ignored"
	case code.IsPending() && b.final[p.ID] != "":
		action = "pending after final: ignored"
	default:
		b.handled[key] = true
		if !code.IsPending() {
			b.final[p.ID] = code
		}
	}
	desc := p.Result.Description
	if desc == "" {
		desc = code.Description()
	}
	b.rows = append(b.rows, []string{string(p.PaymentType) + "  " + operation(p.PaymentType), short(p.ID), short(p.ReferencedID),
		p.Amount.StringFixed(2) + " " + p.Currency, string(code), desc, action})
	return nil
}

func (b *book) print() {
	b.mu.Lock()
	defer b.mu.Unlock()
	w := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "OPERATION\tPAYMENT ID\tREFERENCED ID\tAMOUNT\tRESULT CODE\tDESCRIPTION\tHANDLING")
	for _, r := range b.rows {
		for i, c := range r {
			if i > 0 {
				fmt.Fprint(w, "\t")
			}
			fmt.Fprint(w, c)
		}
		fmt.Fprintln(w)
	}
	w.Flush()
}

func operation(t backoffice.PaymentType) string {
	switch t {
	case backoffice.PaymentTypePreauthorization:
		return "preauthorization"
	case backoffice.PaymentTypeDebit:
		return "debit"
	case backoffice.PaymentTypeCapture:
		return "capture"
	case backoffice.PaymentTypeRefund:
		return "refund"
	case backoffice.PaymentTypeChargeback:
		return "chargeback"
	}
	return ""
}

// short keeps ids readable: the first 8 and last 4 characters.
func short(id string) string {
	switch {
	case id == "":
		return "-"
	case len(id) <= 14:
		return id
	}
	return id[:8] + "…" + id[len(id)-4:]
}
