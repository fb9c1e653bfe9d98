// Command tour walks the whole backoffice life cycle and prints what the
// gateway answered at each step.
//
// With no configuration it starts the embedded fake gateway
// (backofficetest) and runs both gateway variants on it:
//
//	go run ./examples/tour
//
// With OPP_ACCESS_TOKEN and OPP_ENTITY_ID set it runs the bearer part
// against that system instead (OPP_BASE_URL defaults to the test system;
// OPP_PAYMENT_ID, if set, is inquired first).
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/c81406b6/backoffice/examples/internal/story"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "tour:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	if token := os.Getenv("OPP_ACCESS_TOKEN"); token != "" {
		return runLive(ctx, backoffice.BearerCredentials{AccessToken: token, EntityID: os.Getenv("OPP_ENTITY_ID")})
	}
	srv := backofficetest.NewServer()
	defer srv.Close()
	fmt.Println("Embedded fake gateway at", srv.URL)
	fmt.Println()
	fmt.Println("Bearer variant (/v1/payments)")
	c, err := backoffice.NewClient(srv.BearerCredentials(), backoffice.WithBaseURL(srv.URL), backoffice.WithTestMode(backoffice.TestModeExternal))
	if err != nil {
		return err
	}
	if err := bearerTour(ctx, c, srv.Client(), srv.URL, srv.BearerCredentials()); err != nil {
		return err
	}
	fmt.Println()
	fmt.Println("Checksum variant (/transactionServices/REST/v1)")
	if err := checksumTour(ctx, srv); err != nil {
		return err
	}
	fmt.Println()
	fmt.Println("Webhook: a chargeback the bank raised reaches the merchant's endpoint")
	return webhookTour(ctx)
}

func runLive(ctx context.Context, creds backoffice.BearerCredentials) error {
	base := os.Getenv("OPP_BASE_URL")
	if base == "" {
		base = backoffice.TestURL
	}
	opts := []backoffice.Option{backoffice.WithBaseURL(base)}
	if base != backoffice.LiveURL {
		opts = append(opts, backoffice.WithTestMode(backoffice.TestModeExternal))
	}
	c, err := backoffice.NewClient(creds, opts...)
	if err != nil {
		return err
	}
	fmt.Println("Bearer variant against", base)
	if id := os.Getenv("OPP_PAYMENT_ID"); id != "" {
		t := story.NewTable(os.Stdout)
		p, err := c.Inquire(ctx, id)
		t.Row("IN  inquiry", id, p, err)
		t.Flush()
	}
	return bearerTour(ctx, c, &http.Client{Timeout: 60 * time.Second}, base, creds)
}

// bearerTour runs every bearer operation. Initial payments are seeded with
// the server-to-server API, as a checkout would make them.
func bearerTour(ctx context.Context, c *backoffice.Client, hc *http.Client, base string, creds backoffice.BearerCredentials) error {
	seed := func(typ backoffice.PaymentType, amount string) (string, error) {
		return story.Seed(ctx, hc, base, creds, typ, story.Amount(amount), "EUR")
	}
	t := story.NewTable(os.Stdout)

	// PA → partial CP → RF
	pa, err := seed(backoffice.PaymentTypePreauthorization, "100.00")
	if err != nil {
		return err
	}
	in, err := c.Inquire(ctx, pa)
	t.Row("PA  preauthorization", "", in, err)
	cp, err := c.Capture(ctx, pa, backoffice.CaptureRequest{Amount: story.Amount("60.00"), Currency: "EUR"})
	t.Row("CP  partial capture", pa, cp, err)
	if err != nil {
		return err
	}
	rf, err := c.Refund(ctx, cp.ID, backoffice.RefundRequest{Amount: story.Amount("25.00"), Currency: "EUR"})
	t.Row("RF  refund", cp.ID, rf, err)

	// A refund of more than is left of the capture (60 - 25 = 35): the
	// gateway refuses it.
	over, err := c.Refund(ctx, cp.ID, backoffice.RefundRequest{Amount: story.Amount("40.00"), Currency: "EUR"})
	t.Row("RF  refund over captured", cp.ID, over, err)
	if err == nil {
		return errors.New("the gateway accepted a refund over the captured amount")
	}

	// DB → RV
	db, err := seed(backoffice.PaymentTypeDebit, "50.00")
	if err != nil {
		return err
	}
	rv, err := c.Reverse(ctx, db, backoffice.ReversalRequest{})
	t.Row("RV  full reversal", db, rv, err)

	// DB → CB → CR
	db2, err := seed(backoffice.PaymentTypeDebit, "80.00")
	if err != nil {
		return err
	}
	cb, err := c.Chargeback(ctx, db2, backoffice.ChargebackRequest{Amount: story.Amount("80.00"), Currency: "EUR"})
	t.Row("CB  chargeback", db2, cb, err)
	if err == nil {
		cr, err := c.ReverseChargeback(ctx, cb.ID, backoffice.ChargebackReversalRequest{Amount: story.Amount("80.00"), Currency: "EUR"})
		t.Row("CR  chargeback reversal", cb.ID, cr, err)
	}

	// DB → RB
	db3, err := seed(backoffice.PaymentTypeDebit, "30.00")
	if err != nil {
		return err
	}
	rb, err := c.Rebill(ctx, db3, backoffice.RebillRequest{Amount: story.Amount("12.50"), Currency: "EUR"})
	t.Row("RB  rebill", db3, rb, err)

	// CD with a card
	card := &backoffice.Card{Number: "4200000000000000", Holder: "Jane Jones", ExpiryMonth: "05", ExpiryYear: "2034", CVV: "123"}
	cd, err := c.Credit(ctx, backoffice.CreditRequest{Amount: story.Amount("15.00"), Currency: "EUR", PaymentBrand: "VISA", Card: card})
	t.Row("CD  credit", "", cd, err)

	// A Brazilian purchase 120 days old: past its 90-day refund window, so
	// the refund is refused before sending, and a credit returns the money.
	db4, err := seed(backoffice.PaymentTypeDebit, "20.00")
	if err != nil {
		return err
	}
	late, err := c.Refund(ctx, db4, backoffice.RefundRequest{Amount: story.Amount("20.00"), Currency: "EUR",
		Country: "BR", PurchasedAt: time.Now().AddDate(0, 0, -120)})
	t.Row("RF  refund after window", db4, late, err)
	var we *backoffice.RefundWindowError
	if errors.As(err, &we) {
		cd, err := c.Credit(ctx, backoffice.CreditRequest{Amount: story.Amount("20.00"), Currency: "EUR", PaymentBrand: "VISA", Card: card})
		t.Row("CD  credit instead", "", cd, err)
	}

	in, err = c.Inquire(ctx, cp.ID)
	t.Row("IN  inquiry", cp.ID, in, err)
	t.Flush()
	return nil
}

func checksumTour(ctx context.Context, srv *backofficetest.Server) error {
	// With PartnerID and Username (the fake's credentials have them) the
	// client fetches an AuthToken and sends it on every call.
	c, err := backoffice.NewClient(srv.ChecksumCredentials(), backoffice.WithBaseURL(srv.URL))
	if err != nil {
		return err
	}
	t := story.NewTable(os.Stdout)
	// The platform addresses payments by numeric tracking ids. Captures,
	// refunds and reversals change the payment they act on and answer only
	// its id and a result.
	pa := srv.TrackingID(srv.Preauthorize(story.Amount("40.00"), "EUR"))
	cp, err := c.Capture(ctx, pa, backoffice.CaptureRequest{Amount: story.Amount("40.00"), Currency: "EUR"})
	t.Row("CP  capture", pa, cp, err)
	if err == nil {
		rf, err := c.Refund(ctx, pa, backoffice.RefundRequest{Amount: story.Amount("15.00"), Currency: "EUR"})
		t.Row("RF  refund", pa, rf, err)
	}
	pa2 := srv.TrackingID(srv.Preauthorize(story.Amount("25.00"), "EUR"))
	rv, err := c.Reverse(ctx, pa2, backoffice.ReversalRequest{})
	t.Row("RV  reversal", pa2, rv, err)
	in, err := c.Inquire(ctx, pa)
	t.Row("IN  inquiry", pa, in, err)
	t.Flush()

	today := time.Now()
	list, err := c.TransactionList(ctx, backoffice.TransactionListRequest{From: today, To: today})
	if err != nil {
		return err
	}
	fmt.Printf("\nTransaction list for %s: %d payments (one row per original payment)\n", today.Format("02/01/2006"), len(list))
	fmt.Printf("%-8s %-16s %10s %10s %10s\n", "ID", "STATUS", "AMOUNT", "CAPTURED", "REFUNDED")
	for _, p := range list {
		fmt.Printf("%-8s %-16s %10s %10s %10s\n", p.ID, p.Status, p.Amount.StringFixed(2), p.CapturedAmount.StringFixed(2), p.RefundedAmount.StringFixed(2))
	}
	return nil
}
