// Command search books a few refunds on the embedded fake gateway, then
// lists the day's refunds with Client.Search and, for each, the history of
// the payment it refunded with Client.History.
//
//	go run ./examples/search
package main

import (
	"context"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/c81406b6/backoffice/examples/internal/story"
)

func main() { story.Run("search", run) }

func run(ctx context.Context, srv *backofficetest.Server, c *backoffice.Client, t *story.Table) error {
	for _, amount := range []string{"10.00", "25.00"} {
		db := srv.Debit(story.Amount("50.00"), "EUR")
		rf, err := c.Refund(ctx, db, backoffice.RefundRequest{Amount: story.Amount(amount), Currency: "EUR"})
		t.Row("RF  refund "+amount, db, rf, err)
	}

	day := time.Now().UTC().Truncate(24 * time.Hour)
	refunds := c.Search(ctx, backoffice.SearchRequest{
		From:         day,
		To:           day.Add(24*time.Hour - time.Second),
		PaymentTypes: []backoffice.PaymentType{backoffice.PaymentTypeRefund},
	})
	for rf, err := range refunds {
		if err != nil {
			t.Row("search today's refunds", "", nil, err)
			return err
		}
		t.Row("search: a refund of today", rf.ReferencedID, &rf, nil)
		history, err := c.History(ctx, rf.ReferencedID)
		if err != nil {
			t.Row("  history", rf.ReferencedID, nil, err)
			return err
		}
		for _, p := range history {
			t.Row("  history: "+string(p.PaymentType), p.ReferencedID, &p, nil)
		}
	}
	return nil
}
