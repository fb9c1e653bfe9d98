// Command capture preauthorizes 100.00 EUR on the embedded fake gateway,
// captures 60.00 of it, and shows that a second capture of the spent
// preauthorization is refused, as with acquirers that allow one capture.
//
//	go run ./examples/capture
package main

import (
	"context"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/c81406b6/backoffice/examples/internal/story"
)

func main() { story.Run("capture", run) }

func run(ctx context.Context, srv *backofficetest.Server, c *backoffice.Client, t *story.Table) error {
	pa := srv.Preauthorize(story.Amount("100.00"), "EUR")
	cp, err := c.Capture(ctx, pa, backoffice.CaptureRequest{Amount: story.Amount("60.00"), Currency: "EUR"})
	t.Row("CP  capture 60 of 100", pa, cp, err)
	again, err := c.Capture(ctx, pa, backoffice.CaptureRequest{Amount: story.Amount("40.00"), Currency: "EUR"})
	t.Row("CP  capture the rest", pa, again, err)
	return nil
}
