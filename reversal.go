package backoffice

import (
	"context"

	"github.com/shopspring/decimal"
)

// ReversalRequest asks to void a preauthorization (PA) or a debit (DB).
type ReversalRequest struct {
	// Amount zero reverses in full and sends neither amount nor currency. A
	// positive Amount is a partial reversal, where the acquirer supports it,
	// and needs Currency.
	Amount                decimal.Decimal
	Currency              string
	MerchantTransactionID string
	Extra                 map[string]string
}

// Reverse reverses (RV) the payment paymentID and returns the reversal. A
// reversal works only while nothing was captured or refunded. The checksum
// variant reverses preauthorizations in full only: a partial amount there is
// a *ValidationError.
//
// Bearer: POST /v1/payments/{paymentID} with entityId, paymentType=RV,
// merchantTransactionId, and amount and currency only for a partial
// reversal. Checksum: POST /transactionServices/REST/v1/payments/{paymentID}
// signed over memberId|secureKey|paymentId. Errors: see OutcomeOf.
func (c *Client) Reverse(ctx context.Context, paymentID string, r ReversalRequest) (*Payment, error) {
	full := r.Amount.IsZero()
	if full && r.Currency != "" {
		return nil, invalid("Currency", "is set without Amount: a full reversal sends neither, a partial one needs both")
	}
	if err := c.wire.checkReversal(full); err != nil {
		return nil, err
	}
	return c.transact(ctx, PaymentTypeReversal, "paymentID", paymentID,
		money{amount: r.Amount, currency: r.Currency, full: full, mtid: r.MerchantTransactionID, extra: r.Extra})
}
