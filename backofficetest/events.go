package backofficetest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/internal/iso4217"
	"github.com/shopspring/decimal"
)

// Gateway-side events: what the gateway books on its own, which a merchant
// learns of only by webhook (see WithWebhook) or by looking the payment up.

// codePending is "transaction pending", what DebitPending books with.
const codePending backoffice.ResultCode = "000.200.000"

// BankChargeback books a chargeback (CB) that the bank raised against
// paymentID, as the gateway does from the bank's data: reason is the
// chargeback's result code, one of the 000.100.2xx reason codes (for
// instance 000.100.220, Fraudulent Transaction), and becomes the entry's
// Code. amount zero means the charge's whole amount. The merchant-side
// money rules for a chargeback apply (a DB, CP or RB; at most its amount;
// no other standing chargeback), but not WithInternalChargebacksOnly:
// this is the gateway's own chargeback. It returns an error, booking
// nothing, when a rule refuses it; the error names the bearer code.
func (s *Server) BankChargeback(paymentID string, amount decimal.Decimal, reason backoffice.ResultCode) (Entry, error) {
	if !strings.HasPrefix(string(reason), "000.100.2") || len(reason) != len("000.100.2xx") {
		return Entry{}, fmt.Errorf("backofficetest: BankChargeback: reason %q: want a 000.100.2xx chargeback code", reason)
	}
	l := s.ledger
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.byID[paymentID]
	if t == nil || !t.booked {
		return Entry{}, fmt.Errorf("backofficetest: BankChargeback: no booked payment %q", paymentID)
	}
	if amount.IsZero() {
		amount = t.Amount
	}
	op := operation{typ: cb, refID: t.ID, amount: amount, currency: t.Currency}
	code := workflowOf(cb).wrongType
	if slices.Contains(workflowOf(cb).targets, t.Type) {
		code = l.checkChargeback(t, &op)
	}
	if !amount.IsPositive() {
		code = codeAmountTooLarge
	}
	if code != codeTestSuccess {
		return Entry{}, fmt.Errorf("backofficetest: BankChargeback of %s: refused with %s", paymentID, code)
	}
	rec := &record{
		Entry: Entry{ID: l.freshID(), ReferencedID: t.ID, Type: cb, Amount: amount, Currency: t.Currency,
			Code: reason, At: s.now().UTC()},
		booked: true,
		brand:  t.brand,
		card:   t.card,
		ndc:    s.bearer.EntityID + "_" + newID(),
	}
	l.store(rec)
	return rec.Entry, nil
}

// DebitPending books a debit (DB) of amount in currency whose outcome is
// not final yet, result 000.200.000 (transaction pending), as an
// asynchronous payment method leaves it, and returns its id. Until
// SettlePending settles it, it is not a booking: operations on it are
// refused with 700.300.200 and Attempts lists it. It panics where Seed
// returns an error.
func (s *Server) DebitPending(amount decimal.Decimal, currency string) string {
	if !amount.IsPositive() || !amount.Equal(amount.Truncate(2)) || !amount.LessThan(maxAmount) {
		panic(fmt.Sprintf("backofficetest: DebitPending: amount %s: want positive, two decimals at most, below %s", amount, maxAmount))
	}
	if _, ok := iso4217.MinorUnits(currency); !ok {
		panic(fmt.Sprintf("backofficetest: DebitPending: currency %q: not an ISO 4217 code", currency))
	}
	// Decided without committing (a DB without card always passes), then
	// stored with the pending code instead.
	rec := s.ledger.apply(operation{typ: db, amount: amount, currency: currency}, s.now(), s.bearer.EntityID, false)
	rec.Code, rec.booked = codePending, false
	s.ledger.mu.Lock()
	defer s.ledger.mu.Unlock()
	s.ledger.store(rec)
	return rec.ID
}

// SettlePending gives a payment booked by DebitPending its final result
// code, as the gateway does when the payment method reports back: it is a
// booking from then on when code is successful, a refused attempt
// otherwise. The record keeps its id, amount and merchantTransactionId;
// queries and the webhook (see WithWebhook) show the new code. It returns
// the settled entry, or an error when paymentID is not pending or code is
// pending itself.
func (s *Server) SettlePending(paymentID string, code backoffice.ResultCode) (Entry, error) {
	if code == "" || code.IsPending() {
		return Entry{}, fmt.Errorf("backofficetest: SettlePending: code %q is not a final result", code)
	}
	l := s.ledger
	l.mu.Lock()
	defer l.mu.Unlock()
	old := l.byID[paymentID]
	if old == nil || old.Code != codePending {
		return Entry{}, fmt.Errorf("backofficetest: SettlePending: no pending payment %q", paymentID)
	}
	// Records are never changed in place (answers read them unlocked): the
	// settled record replaces the pending one everywhere it is listed.
	rec := *old
	rec.Code, rec.booked, rec.At = code, code.IsSuccessful(), s.now().UTC()
	replace := func(rs []*record) {
		if i := slices.Index(rs, old); i >= 0 {
			rs[i] = &rec
		}
	}
	replace(l.records)
	replace(l.byMTID[rec.MerchantTransactionID])
	l.byID[rec.ID] = &rec
	if l.onStore != nil {
		l.onStore(&rec)
	}
	return rec.Entry, nil
}
