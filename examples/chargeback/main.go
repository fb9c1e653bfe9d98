// Command chargeback records a chargeback against a debit, then reverses
// it after the merchant won the representment, and shows that a chargeback
// can be reversed only once.
//
//	go run ./examples/chargeback
package main

import (
	"context"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/c81406b6/backoffice/examples/internal/story"
)

func main() { story.Run("chargeback", run) }

func run(ctx context.Context, srv *backofficetest.Server, c *backoffice.Client, t *story.Table) error {
	db := srv.Debit(story.Amount("80.00"), "EUR")
	cb, err := c.Chargeback(ctx, db, backoffice.ChargebackRequest{Amount: story.Amount("80.00"), Currency: "EUR"})
	t.Row("CB  chargeback", db, cb, err)
	if err != nil {
		return err
	}
	for i := 0; i < 2; i++ {
		cr, err := c.ReverseChargeback(ctx, cb.ID, backoffice.ChargebackReversalRequest{Amount: story.Amount("80.00"), Currency: "EUR"})
		t.Row("CR  chargeback reversal", cb.ID, cr, err)
	}
	return nil
}
