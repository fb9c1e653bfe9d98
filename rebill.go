package backoffice

import (
	"context"

	"github.com/shopspring/decimal"
)

// RebillRequest asks to charge more on top of a debit (DB).
type RebillRequest struct {
	Amount                decimal.Decimal // charged in addition to the original amount
	Currency              string
	MerchantTransactionID string
	Extra                 map[string]string
}

// Rebill rebills (RB) r.Amount against the debit paymentID without a new
// authorization, and returns the rebill payment: POST
// /v1/payments/{paymentID} with entityId, amount, currency, paymentType=RB,
// merchantTransactionId. Bearer variant only; the checksum variant returns
// ErrUnsupported. Errors: see OutcomeOf.
func (c *Client) Rebill(ctx context.Context, paymentID string, r RebillRequest) (*Payment, error) {
	return c.transact(ctx, PaymentTypeRebill, "paymentID", paymentID,
		money{amount: r.Amount, currency: r.Currency, mtid: r.MerchantTransactionID, extra: r.Extra})
}
