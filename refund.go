package backoffice

import (
	"context"
	"time"

	"github.com/shopspring/decimal"
)

// RefundRequest asks to return money of a debit (DB) or a capture (CP).
type RefundRequest struct {
	Amount                decimal.Decimal // full or partial; at most what is still refundable
	Currency              string
	MerchantTransactionID string // optional: your unique id for this refund; one is generated if empty

	// Country (ISO 3166-1 alpha-2) and PurchasedAt make Refund check the
	// country's refund window (RefundWindows lists them) before sending.
	// Give both or neither: one without the other is a *ValidationError.
	// Countries without a published window are not checked.
	Country     string
	PurchasedAt time.Time

	Extra map[string]string
}

// Refund refunds (RF) r.Amount of the debit or capture paymentID and returns
// the refund payment. Past the purchase country's refund window it sends
// nothing and returns a *RefundWindowError: return the money with Credit.
//
// Bearer: POST /v1/payments/{paymentID} with entityId, amount, currency,
// paymentType=RF, merchantTransactionId. Checksum: POST
// /transactionServices/REST/v1/payments/{paymentID}, signed like Capture,
// after one read of the payment's refundamount (see README, Reliability).
// Errors: see OutcomeOf.
func (c *Client) Refund(ctx context.Context, paymentID string, r RefundRequest) (*Payment, error) {
	if err := c.checkRefundWindow(r.Country, r.PurchasedAt); err != nil {
		return nil, err
	}
	return c.transact(ctx, PaymentTypeRefund, "paymentID", paymentID,
		money{amount: r.Amount, currency: r.Currency, mtid: r.MerchantTransactionID, extra: r.Extra})
}
