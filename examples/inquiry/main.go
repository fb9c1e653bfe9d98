// Command inquiry looks payments up: by id, and by merchantTransactionId,
// the way to settle an *UncertainError.
//
//	go run ./examples/inquiry
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/c81406b6/backoffice/examples/internal/story"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "inquiry:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	srv := backofficetest.NewServer()
	defer srv.Close()
	c, err := backoffice.NewClient(srv.BearerCredentials(), backoffice.WithBaseURL(srv.URL))
	if err != nil {
		return err
	}
	t := story.NewTable(os.Stdout)
	defer t.Flush()

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
