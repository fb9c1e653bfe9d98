// Command reversal voids a preauthorization in full (no amount sent) and
// shows that a captured one can no longer be reversed.
//
//	go run ./examples/reversal
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
		fmt.Fprintln(os.Stderr, "reversal:", err)
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

	pa := srv.Preauthorize(story.Amount("75.00"), "EUR")
	rv, err := c.Reverse(ctx, pa, backoffice.ReversalRequest{})
	t.Row("RV  full reversal", pa, rv, err)
	captured := srv.Preauthorize(story.Amount("75.00"), "EUR")
	if _, err := c.Capture(ctx, captured, backoffice.CaptureRequest{Amount: story.Amount("75.00"), Currency: "EUR"}); err != nil {
		return err
	}
	late, err := c.Reverse(ctx, captured, backoffice.ReversalRequest{})
	t.Row("RV  after capture", captured, late, err)
	return nil
}
