package backofficetest

import (
	"slices"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/internal/luhn"
	"github.com/shopspring/decimal"
)

// rules are the merchant-setup choices that change the money rules.
type rules struct {
	multipleCaptures        bool
	internalChargebacksOnly bool
}

// operation is a request to book a payment, already checked for form by
// the variant that received it. decide may complete it: a full reversal
// learns its amount, a request without currency the referenced payment's,
// a credit to a registration the stored card.
type operation struct {
	typ            backoffice.PaymentType
	refID          string          // the referenced payment; "" for PA, DB and CD
	amount         decimal.Decimal // zero for a full reversal
	full           bool            // a reversal without amount: reverses what remains
	currency       string          // "" when the request sent none
	mtid           string
	brand          string
	cardNumber     string                   // as sent, for the Luhn check only; never stored
	card           *cardInfo                // what answers show of the card
	registrationID string                   // a credit to a stored card
	targets        []backoffice.PaymentType // narrows what may be referenced (checksum RV: PA only)
	forced         backoffice.ResultCode    // AnswerNext's code, "" for none
}

// decide applies the money rules to op at time now and returns the result
// code: codeTestSuccess when op may be booked. l.mu must be held.
func (l *ledger) decide(op *operation, now time.Time) backoffice.ResultCode {
	switch op.typ {
	case backoffice.PaymentTypePreauthorization, backoffice.PaymentTypeDebit:
		return checkCard(op, now)
	case backoffice.PaymentTypeCredit:
		return l.decideCredit(op, now)
	case backoffice.PaymentTypeChargeback:
		// A merchant setting, so it applies whatever is referenced.
		if l.rules.internalChargebacksOnly {
			return codeChargebackInternal
		}
	}
	target := l.byID[op.refID]
	if target == nil {
		return codeUnknownReference
	}
	if !target.booked {
		return codeReferenceRefused
	}
	w := workflowOf(op.typ)
	targets := w.targets
	if op.targets != nil {
		targets = op.targets
	}
	if !slices.Contains(targets, target.Type) {
		return w.wrongType
	}
	if op.currency == "" {
		op.currency = target.Currency
	} else if op.currency != target.Currency {
		return codeCurrencyMismatch
	}
	return w.check(l, target, op)
}

// workflow is what an operation on an earlier payment may reference, the
// code for referencing anything else, and the check of the amounts.
type workflow struct {
	targets   []backoffice.PaymentType
	wrongType backoffice.ResultCode
	check     func(l *ledger, target *record, op *operation) backoffice.ResultCode
}

const (
	pa = backoffice.PaymentTypePreauthorization
	db = backoffice.PaymentTypeDebit
	cp = backoffice.PaymentTypeCapture
	rf = backoffice.PaymentTypeRefund
	rv = backoffice.PaymentTypeReversal
	rb = backoffice.PaymentTypeRebill
	cb = backoffice.PaymentTypeChargeback
	cr = backoffice.PaymentTypeChargebackReversal
	cd = backoffice.PaymentTypeCredit
)

func workflowOf(t backoffice.PaymentType) workflow {
	switch t {
	case cp:
		return workflow{[]backoffice.PaymentType{pa}, codeCaptureWorkflow, (*ledger).checkCapture}
	case rf:
		// A refund referencing a PA refunds what its captures took (the
		// seeds reference the CP; accepting the PA spares callers a lookup).
		return workflow{[]backoffice.PaymentType{db, cp, rb, pa}, codeRefundWorkflow, (*ledger).checkRefund}
	case rv:
		return workflow{[]backoffice.PaymentType{db, pa}, codeReversalWorkflow, (*ledger).checkReversal}
	case rb:
		return workflow{[]backoffice.PaymentType{db}, codeInappropriateType, func(*ledger, *record, *operation) backoffice.ResultCode {
			return codeTestSuccess // a rebill charges on top: any positive amount
		}}
	case cb:
		return workflow{[]backoffice.PaymentType{db, cp, rb}, codeChargebackWorkflow, (*ledger).checkChargeback}
	case cr:
		return workflow{[]backoffice.PaymentType{cb}, codeCRWorkflow, (*ledger).checkChargebackReversal}
	}
	panic("backofficetest: no workflow for payment type " + string(t))
}

// checkCapture: captures may take what the PA authorized minus earlier
// captures and reversals; in single-capture mode the first capture spends it.
func (l *ledger) checkCapture(auth *record, op *operation) backoffice.ResultCode {
	if !l.rules.multipleCaptures && l.has(auth.ID, cp) {
		return codeCannotCapture
	}
	open := auth.Amount.Sub(l.sum(auth.ID, cp, rv))
	if op.amount.GreaterThan(open) {
		return codeCannotCapture
	}
	return codeTestSuccess
}

// checkRefund: a charge may be refunded up to its amount minus earlier
// refunds and reversals, and not while a chargeback stands.
func (l *ledger) checkRefund(t *record, op *operation) backoffice.ResultCode {
	if l.standingChargeback(t.ID) {
		return codeChargedBack
	}
	var refundable decimal.Decimal
	switch t.Type {
	case pa:
		if !l.has(t.ID, cp) {
			return codeRefundWorkflow
		}
		refundable = l.capturedUnrefunded(t)
	case cp:
		// Refunds referencing the PA eat into its captures too.
		own := t.Amount.Sub(l.sum(t.ID, rf))
		refundable = decimal.Min(own, l.capturedUnrefunded(l.byID[t.ReferencedID]))
	default: // DB, RB
		refundable = t.Amount.Sub(l.sum(t.ID, rf, rv))
	}
	if op.amount.GreaterThan(refundable) {
		return codeCannotRefund
	}
	return codeTestSuccess
}

// capturedUnrefunded is what auth's captures took minus every refund
// referencing auth or one of its captures.
func (l *ledger) capturedUnrefunded(auth *record) decimal.Decimal {
	left := l.sum(auth.ID, cp).Sub(l.sum(auth.ID, rf))
	for _, c := range l.children[auth.ID] {
		if c.Type == cp {
			left = left.Sub(l.sum(c.ID, rf))
		}
	}
	return left
}

// checkReversal: a DB or PA may be reversed only while nothing was
// captured or refunded against it, up to what earlier reversals left.
func (l *ledger) checkReversal(t *record, op *operation) backoffice.ResultCode {
	if l.has(t.ID, cp, rf) {
		return codeCannotReverse
	}
	if l.standingChargeback(t.ID) {
		return codeChargedBack
	}
	open := t.Amount.Sub(l.sum(t.ID, rv))
	if !open.IsPositive() {
		return codeCannotReverse
	}
	if op.full {
		op.amount = open
		return codeTestSuccess
	}
	if op.amount.GreaterThan(open) {
		return codeCannotReverse
	}
	return codeTestSuccess
}

// checkChargeback: one standing chargeback per charge, at most its amount.
func (l *ledger) checkChargeback(t *record, op *operation) backoffice.ResultCode {
	if l.standingChargeback(t.ID) {
		return codeCannotChargeback
	}
	if op.amount.GreaterThan(t.Amount) {
		return codeAmountTooLarge
	}
	return codeTestSuccess
}

// checkChargebackReversal: a chargeback is reversed once, by at most its
// amount.
func (l *ledger) checkChargebackReversal(chargeback *record, op *operation) backoffice.ResultCode {
	if l.has(chargeback.ID, cr) {
		return codeCRRepeated
	}
	if op.amount.GreaterThan(chargeback.Amount) {
		return codeAmountTooLarge
	}
	return codeTestSuccess
}

// decideCredit checks a stand-alone credit: to a known registration or to
// a card that passes the Luhn check and has not expired.
func (l *ledger) decideCredit(op *operation, now time.Time) backoffice.ResultCode {
	if op.registrationID == "" {
		return checkCard(op, now)
	}
	if len(op.registrationID) != 32 {
		return codeRegistrationLength
	}
	reg, ok := l.registrations[op.registrationID]
	if !ok {
		return codeRegistrationUnknown
	}
	op.card = &reg.card
	if op.brand == "" {
		op.brand = reg.brand
	}
	if expired(reg.card, now) {
		return codeCardExpired
	}
	return codeTestSuccess
}

// checkCard refuses a card that fails the Luhn check or has expired. An
// operation without card passes.
func checkCard(op *operation, now time.Time) backoffice.ResultCode {
	if op.cardNumber != "" && !luhn.Valid(op.cardNumber) {
		return codeInvalidCard
	}
	if op.card != nil && expired(*op.card, now) {
		return codeCardExpired
	}
	return codeTestSuccess
}
