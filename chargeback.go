package backoffice

import (
	"context"

	"github.com/shopspring/decimal"
)

// ChargebackRequest records a chargeback the bank reported against a debit
// (DB) or a capture (CP).
type ChargebackRequest struct {
	Amount                decimal.Decimal
	Currency              string
	MerchantTransactionID string
	Extra                 map[string]string
}

// Chargeback records a chargeback (CB) against paymentID and returns it:
// POST /v1/payments/{paymentID} with entityId, amount, currency,
// paymentType=CB, merchantTransactionId. Some merchant setups only allow
// chargebacks the gateway generates itself and refuse this with
// 700.400.402. Bearer variant only. Errors: see OutcomeOf.
func (c *Client) Chargeback(ctx context.Context, paymentID string, r ChargebackRequest) (*Payment, error) {
	return c.transact(ctx, PaymentTypeChargeback, "paymentID", paymentID,
		money{amount: r.Amount, currency: r.Currency, mtid: r.MerchantTransactionID, extra: r.Extra})
}

// ChargebackReversalRequest reverses a chargeback the merchant won.
type ChargebackReversalRequest struct {
	Amount                decimal.Decimal
	Currency              string
	MerchantTransactionID string
	Extra                 map[string]string
}

// ReverseChargeback reverses (CR) the chargeback chargebackID, after a
// representment the merchant won, and returns the reversal: POST
// /v1/payments/{chargebackID} with entityId, amount, currency,
// paymentType=CR, merchantTransactionId. A chargeback can be reversed once.
// Bearer variant only. Errors: see OutcomeOf.
func (c *Client) ReverseChargeback(ctx context.Context, chargebackID string, r ChargebackReversalRequest) (*Payment, error) {
	return c.transact(ctx, PaymentTypeChargebackReversal, "chargebackID", chargebackID,
		money{amount: r.Amount, currency: r.Currency, mtid: r.MerchantTransactionID, extra: r.Extra})
}
