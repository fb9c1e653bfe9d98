package backoffice

import (
	"context"

	"github.com/c81406b6/backoffice/internal/form"
	"github.com/shopspring/decimal"
)

// CreditRequest asks for a stand-alone credit (payout): money to a card that
// no earlier payment is referenced for, such as a refund past its window.
// Give exactly one of Card and RegistrationID.
type CreditRequest struct {
	Amount                decimal.Decimal
	Currency              string
	PaymentBrand          string // e.g. "VISA"; required with Card
	Card                  *Card  // the card to credit ...
	RegistrationID        string // ... or a stored registration's id
	MerchantTransactionID string
	Extra                 map[string]string
}

// Credit sends a stand-alone credit (CD) and returns it: POST /v1/payments
// with the card, or POST /v1/registrations/{id}/payments for a stored one.
// The card is validated first (Luhn, expiry, CVV); its number and CVV never
// appear in errors or logs. Bearer variant only.
func (c *Client) Credit(ctx context.Context, r CreditRequest) (*Payment, error) {
	b, err := c.bearerOnly("Credit")
	if err != nil {
		return nil, err
	}
	if err := c.validateCredit(&r); err != nil {
		return nil, err
	}
	cl := &call{name: opNames[PaymentTypeCredit], op: PaymentTypeCredit, mtid: c.mtidOrNew(r.MerchantTransactionID),
		amount: r.Amount, currency: r.Currency}
	var f form.Form
	f.Add("entityId", b.creds.EntityID)
	f.Add("amount", formatAmount(r.Amount))
	f.Add("currency", r.Currency)
	if r.PaymentBrand != "" {
		f.Add("paymentBrand", r.PaymentBrand)
	}
	f.Add("paymentType", string(PaymentTypeCredit))
	path := "/v1/payments"
	if r.Card != nil {
		f.Add("card.number", r.Card.Number)
		f.Add("card.holder", r.Card.Holder)
		f.Add("card.expiryMonth", r.Card.ExpiryMonth)
		f.Add("card.expiryYear", r.Card.ExpiryYear)
		f.Add("card.cvv", r.Card.CVV)
		cl.cardNumber, cl.cvv = r.Card.Number, r.Card.CVV
	} else {
		path = "/v1/registrations/" + r.RegistrationID + "/payments"
	}
	b.finish(c, &f, cl, r.Extra)
	c.preparePost(cl, path, &f, true)
	return c.move(ctx, cl)
}

func (c *Client) validateCredit(r *CreditRequest) error {
	if (r.Card == nil) == (r.RegistrationID == "") {
		return invalid("Card", "give exactly one of Card and RegistrationID")
	}
	if err := validateMoney(r.Amount, r.Currency); err != nil {
		return err
	}
	if r.Card != nil {
		if r.PaymentBrand == "" {
			return invalid("PaymentBrand", "is required with a Card")
		}
		if err := r.Card.validate(c.now()); err != nil {
			return err
		}
	} else if err := validateID("RegistrationID", r.RegistrationID); err != nil {
		return err
	}
	if len(r.PaymentBrand) > 32 || hasControl(r.PaymentBrand) {
		return invalid("PaymentBrand", "must be a brand name such as VISA")
	}
	return c.validateCommon(r.MerchantTransactionID, r.Extra)
}
