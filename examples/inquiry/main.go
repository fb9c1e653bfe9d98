// Command inquiry looks payments up: by id, and by merchantTransactionId,
// the way to settle an *UncertainError.
//
//	go run ./examples/inquiry
package main

import (
	"context"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/c81406b6/backoffice/examples/internal/story"
)

func main() { story.Run("inquiry", run) }

func run(ctx context.Context, srv *backofficetest.Server, c *backoffice.Client, t *story.Table) error {
	db := srv.Debit(story.Amount("42.00"), "EUR")
	in, err := c.Inquire(ctx, db)
	t.Row("IN  inquiry", db, in, err)
	if _, err := c.Refund(ctx, db, backoffice.RefundRequest{Amount: story.Amount("2.00"), Currency: "EUR", MerchantTransactionID: "order-7-refund-1"}); err != nil {
		return err
	}
	found, err := c.QueryByMerchantTransactionID(ctx, "order-7-refund-1")
	if err != nil {
		return err
	}
	for i := range found {
		t.Row("    by merchantTransactionId", db, &found[i], nil)
	}
	return nil
}
