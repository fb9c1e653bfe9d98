package backoffice

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/c81406b6/backoffice/internal/transport"
)

// recorded is what a look-up found of a money-moving call.
type recorded struct {
	*Payment
	status int // HTTP status of the look-up's answer
}

// reconcile asks the gateway whether an ambiguous attempt was booked, by
// the merchantTransactionId every money-moving call carries. It reports
// found with what the gateway recorded; not found only when absence is
// proven; an error when neither could be established.
func (c *Client) reconcile(ctx context.Context, cl *call) (recorded, bool, error) {
	// Give the gateway a moment to finish what it may still be processing:
	// a look-up racing the booking would wrongly prove absence.
	t := time.NewTimer(transport.Backoff(c.retry.MinWait, c.retry.MaxWait, 0))
	select {
	case <-ctx.Done():
		t.Stop()
		return recorded{}, false, ctx.Err()
	case <-t.C:
	}
	c.debug(ctx, "backoffice: ambiguous outcome; looking up merchantTransactionId", cl)
	if c.variant == variantChecksum {
		return c.reconcileByList(ctx, cl)
	}
	return c.reconcileByQuery(ctx, cl)
}

func (c *Client) reconcileByQuery(ctx context.Context, cl *call) (recorded, bool, error) {
	ps, status, err := c.queryByMTID(ctx, cl.mtid)
	var re *ResultError
	if errors.As(err, &re) && re.Result.Code == codeNotFound {
		return recorded{}, false, nil // provably absent
	}
	if err != nil {
		return recorded{}, false, err
	}
	return pick(ps, status, cl, true)
}

// reconcileByList searches the checksum variant's transaction list around
// today. Absence counts as proven only if the list shows it covers such
// operations: it holds the target payment or another of the same type.
func (c *Client) reconcileByList(ctx context.Context, cl *call) (recorded, bool, error) {
	today := c.now()
	ps, status, err := c.transactionList(ctx, TransactionListRequest{From: today.AddDate(0, 0, -1), To: today.AddDate(0, 0, 1)})
	if err != nil {
		return recorded{}, false, err
	}
	covers := false
	for i := range ps {
		if ps[i].ID == cl.target || ps[i].PaymentType == cl.op {
			covers = true
			break
		}
	}
	return pick(ps, status, cl, covers)
}

// pick finds the one record of this call among ps. canProveAbsence says
// whether an empty match proves the call was not booked.
func pick(ps []Payment, status int, cl *call, canProveAbsence bool) (recorded, bool, error) {
	var match *Payment
	n := 0
	for i := range ps {
		p := &ps[i]
		if p.MerchantTransactionID != cl.mtid || (p.PaymentType != "" && p.PaymentType != cl.op) {
			continue
		}
		if p.ReferencedID != "" && cl.target != "" && p.ReferencedID != cl.target {
			continue
		}
		match = p
		n++
	}
	switch {
	case n == 1 && match.Result.Code == transport.CodeUncertain:
		return recorded{}, false, fmt.Errorf("the gateway recorded %s as uncertain too (%s)", cl.name, match.Result.Code)
	case n == 1:
		return recorded{Payment: match, status: status}, true, nil
	case n > 1:
		return recorded{}, false, fmt.Errorf("%d payments carry merchantTransactionId %q; give each operation its own", n, cl.mtid)
	case !canProveAbsence:
		return recorded{}, false, errors.New("the transaction list does not show it covers this operation, so absence is not proven")
	}
	return recorded{}, false, nil
}
