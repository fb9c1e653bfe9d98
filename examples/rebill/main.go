// Command rebill charges 12.50 EUR on top of a 30.00 EUR debit, as for a
// taxi ride that ran longer than estimated.
//
//	go run ./examples/rebill
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
		fmt.Fprintln(os.Stderr, "rebill:", err)
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

	db := srv.Debit(story.Amount("30.00"), "EUR")
	rb, err := c.Rebill(ctx, db, backoffice.RebillRequest{Amount: story.Amount("12.50"), Currency: "EUR"})
	t.Row("RB  rebill", db, rb, err)
	return nil
}
