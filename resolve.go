package backoffice

import (
	"context"
	"fmt"
	"time"
)

// Resolve establishes what became of a call that ended in an
// *UncertainError, by looking its merchantTransactionId up; it never sends
// the operation again. u may come from this process or from JSON stored by
// another one with the same credentials.
//
// It answers:
//   - (p, nil): the call was booked, and p is the booking.
//   - a *ResultError: the gateway recorded the call as refused; nothing
//     was booked.
//   - ErrNotBooked (test with errors.Is): a look-up made after
//     u.SentAt+SettleTime found nothing, so the gateway can no longer book
//     it. A new call may be made.
//   - an *UncertainError: still unknown when ctx ended, when a look-up
//     turn would come after ctx's deadline, or for good (the gateway
//     recorded the call as uncertain itself, or several records match).
//   - a *ValidationError for a u that names no call.
//
// It waits until SentAt+SettleTime before it can prove absence, spaces
// its look-ups of one id by LookupInterval (shared with every other call
// of the Client), and keeps looking while ctx allows: give ctx a deadline.
// With a zero SentAt it assumes the call was sent just now.
//
// On the checksum platform, which records captures, refunds and
// reversals on the payment they act on and keeps no merchantTransactionId
// for them, Resolve reads that payment's state instead (one transaction
// list read per look-up): a capture is booked when captureamount grew by
// exactly Amount since CapturedBefore, a reversal when the payment became
// authcancelled since StatusBefore, a refund when refundamount grew by
// exactly Amount since RefundedBefore; unchanged after the settle time
// proves absence. (A description stored by an earlier version, without
// CapturedBefore or StatusBefore, is read as before: a capture booked when
// captureamount equals Amount, a reversal when authcancelled.) The booking returned is the
// payment's list row, with ID and ReferencedID the payment acted on and
// PaymentType the operation. A refund without RefundedBefore stays
// unknown.
func (c *Client) Resolve(ctx context.Context, u *UncertainError) (*Payment, error) {
	cl, err := c.resolving(u)
	if err != nil {
		return nil, err
	}
	l, why := c.reconcile(ctx, cl, false, false)
	switch l.state {
	case stateFound:
		return c.settle(l.status, l.p)
	case stateAbsent:
		return nil, opErr("Resolve", fmt.Errorf("%s of merchantTransactionId %q: %w", cl.name, cl.mtid, ErrNotBooked))
	}
	return nil, c.uncertain(ctx, cl, why)
}

// resolving checks u and turns it back into the call it describes.
func (c *Client) resolving(u *UncertainError) (*call, error) {
	if u == nil {
		return nil, invalid("UncertainError", "is nil")
	}
	name, ok := opNames[u.Operation]
	if !ok {
		return nil, invalid("UncertainError.Operation", "must be a money-moving payment type (CP, RF, RV, RB, CB, CR or CD)")
	}
	if u.MerchantTransactionID == "" {
		return nil, invalid("UncertainError.MerchantTransactionID", "is required")
	}
	if err := validateMerchantTransactionID(u.MerchantTransactionID); err != nil {
		return nil, err
	}
	if u.Operation != PaymentTypeCredit {
		if err := c.wire.validateID("UncertainError.PaymentID", u.PaymentID); err != nil {
			return nil, err
		}
	}
	full := u.Amount.IsZero()
	if full && u.Operation != PaymentTypeReversal {
		return nil, invalid("UncertainError.Amount", "is zero, which only a full reversal may be")
	}
	if !full {
		if err := validateMoney(u.Amount, u.Currency); err != nil {
			return nil, err
		}
	}
	sentAt := u.SentAt
	if sentAt.IsZero() {
		sentAt = time.Now()
	}
	return &call{name: name, op: u.Operation, target: u.PaymentID, mtid: u.MerchantTransactionID,
		amount: u.Amount, currency: u.Currency, full: full, sentAt: sentAt, refundedBefore: u.RefundedBefore,
		capturedBefore: u.CapturedBefore, statusBefore: u.StatusBefore}, nil
}
