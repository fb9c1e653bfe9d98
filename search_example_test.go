package backoffice_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
)

func ExampleClient_Search() {
	srv := backofficetest.NewServer()
	defer srv.Close()
	c := exampleClient(srv)
	ctx := context.Background()
	for _, amount := range []string{"10.00", "20.00"} {
		db := srv.Debit(eur("50.00"), "EUR")
		if _, err := c.Refund(ctx, db, backoffice.RefundRequest{Amount: eur(amount), Currency: "EUR"}); err != nil {
			log.Fatal(err)
		}
	}

	now := time.Now().UTC()
	refunds := c.Search(ctx, backoffice.SearchRequest{
		From:         now.Add(-time.Hour),
		To:           now.Add(time.Hour),
		PaymentTypes: []backoffice.PaymentType{backoffice.PaymentTypeRefund},
	})
	for p, err := range refunds { // one page at a time; break to stop early
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(p.PaymentType, p.Amount.StringFixed(2), p.Currency)
	}
	// Output:
	// RF 10.00 EUR
	// RF 20.00 EUR
}

func ExampleClient_History() {
	srv := backofficetest.NewServer()
	defer srv.Close()
	c := exampleClient(srv)
	ctx := context.Background()
	pa := srv.Preauthorize(eur("100.00"), "EUR")
	cp, err := c.Capture(ctx, pa, backoffice.CaptureRequest{Amount: eur("80.00"), Currency: "EUR"})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := c.Refund(ctx, cp.ID, backoffice.RefundRequest{Amount: eur("30.00"), Currency: "EUR"}); err != nil {
		log.Fatal(err)
	}

	history, err := c.History(ctx, pa)
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range history {
		fmt.Println(p.PaymentType, p.Amount.StringFixed(2), p.ReferencedID == pa, p.ReferencedID == cp.ID)
	}
	// Output:
	// PA 100.00 false false
	// CP 80.00 true false
	// RF 30.00 false true
}
