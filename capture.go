package backoffice

import (
	"context"

	"github.com/shopspring/decimal"
)

// CaptureRequest asks to clear funds a preauthorization (PA) reserved.
type CaptureRequest struct {
	Amount                decimal.Decimal   // full or partial; at most what is still authorized
	Currency              string            // ISO 4217, the PA's currency
	MerchantTransactionID string            // optional: your unique id for this capture; one is generated if empty
	Extra                 map[string]string // further form fields, sent as given; may not override the SDK's own
}

// Capture captures (CP) r.Amount of the preauthorization paymentID and
// returns the capture payment.
//
// Bearer: POST /v1/payments/{paymentID} with entityId, amount, currency,
// paymentType=CP, merchantTransactionId (and testMode when set). Checksum:
// POST /transactionServices/REST/v1/payments/{paymentID} with
// authentication.memberId, authentication.checksum over
// memberId|secureKey|paymentId|amount, paymentType=CP and amount.
//
// Whether a PA can be captured more than once depends on the acquirer.
// Errors: see OutcomeOf.
func (c *Client) Capture(ctx context.Context, paymentID string, r CaptureRequest) (*Payment, error) {
	return c.transact(ctx, PaymentTypeCapture, "paymentID", paymentID,
		money{amount: r.Amount, currency: r.Currency, mtid: r.MerchantTransactionID, extra: r.Extra})
}
