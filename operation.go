package backoffice

import (
	"context"

	"github.com/shopspring/decimal"
)

// money is what every money-moving request against a payment carries.
type money struct {
	amount   decimal.Decimal
	currency string
	full     bool // a full reversal: neither amount nor currency is sent
	mtid     string
	extra    map[string]string
}

// methodNames are the Client methods that create each payment type, for
// OperationError.
var methodNames = map[PaymentType]string{
	PaymentTypeCapture: "Capture", PaymentTypeRefund: "Refund", PaymentTypeReversal: "Reverse",
	PaymentTypeRebill: "Rebill", PaymentTypeChargeback: "Chargeback",
	PaymentTypeChargebackReversal: "ReverseChargeback", PaymentTypeCredit: "Credit",
}

// opNames name each payment type in prose: "outcome unknown for refund of
// payment ...".
var opNames = map[PaymentType]string{
	PaymentTypeCapture: "capture", PaymentTypeRefund: "refund", PaymentTypeReversal: "reversal",
	PaymentTypeRebill: "rebill", PaymentTypeChargeback: "chargeback",
	PaymentTypeChargebackReversal: "chargeback reversal", PaymentTypeCredit: "credit",
}

// transact validates and sends a money-moving operation against payment id.
// idField names the id in a ValidationError.
func (c *Client) transact(ctx context.Context, op PaymentType, idField, id string, m money) (*Payment, error) {
	if !c.wire.moves(op) {
		return nil, opErr(methodNames[op], ErrUnsupported)
	}
	if err := c.wire.validateID(idField, id); err != nil {
		return nil, err
	}
	if !m.full {
		if err := validateMoney(m.amount, m.currency); err != nil {
			return nil, err
		}
	}
	if err := c.validateCommon(m.mtid, m.extra); err != nil {
		return nil, err
	}
	cl := &call{name: opNames[op], op: op, target: id, mtid: c.mtidOrNew(m.mtid),
		amount: m.amount, currency: m.currency, full: m.full}
	return c.wire.transact(ctx, c, cl, m)
}

func (c *Client) validateCommon(mtid string, extra map[string]string) error {
	if err := validateMerchantTransactionID(mtid); err != nil {
		return err
	}
	return validateExtra(extra)
}

// mtidOrNew returns the caller's merchantTransactionId or a new unique one:
// every money-moving call needs one to be reconciled by.
func (c *Client) mtidOrNew(mtid string) string {
	if mtid != "" {
		return mtid
	}
	return NewMerchantTransactionID()
}
