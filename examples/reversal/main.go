// Command reversal voids a preauthorization in full (no amount sent) and
// shows that a captured one can no longer be reversed.
//
//	go run ./examples/reversal
package main

import (
	"context"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/c81406b6/backoffice/examples/internal/story"
)

func main() { story.Run("reversal", run) }

func run(ctx context.Context, srv *backofficetest.Server, c *backoffice.Client, t *story.Table) error {
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
