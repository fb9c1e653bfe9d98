// Command rebill charges 12.50 EUR on top of a 30.00 EUR debit, as for a
// taxi ride that ran longer than estimated.
//
//	go run ./examples/rebill
package main

import (
	"context"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/c81406b6/backoffice/examples/internal/story"
)

func main() { story.Run("rebill", run) }

func run(ctx context.Context, srv *backofficetest.Server, c *backoffice.Client, t *story.Table) error {
	db := srv.Debit(story.Amount("30.00"), "EUR")
	rb, err := c.Rebill(ctx, db, backoffice.RebillRequest{Amount: story.Amount("12.50"), Currency: "EUR"})
	t.Row("RB  rebill", db, rb, err)
	return nil
}
