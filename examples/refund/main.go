// Command refund debits 50.00 EUR on the embedded fake gateway, refunds
// it in two parts, and shows the gateway refusing a third refund that would
// exceed what was paid.
//
//	go run ./examples/refund
package main

import (
	"context"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/c81406b6/backoffice/examples/internal/story"
)

func main() { story.Run("refund", run) }

func run(ctx context.Context, srv *backofficetest.Server, c *backoffice.Client, t *story.Table) error {
	db := srv.Debit(story.Amount("50.00"), "EUR")
	for _, amount := range []string{"20.00", "30.00", "0.01"} {
		rf, err := c.Refund(ctx, db, backoffice.RefundRequest{Amount: story.Amount(amount), Currency: "EUR"})
		t.Row("RF  refund "+amount, db, rf, err)
	}
	return nil
}
