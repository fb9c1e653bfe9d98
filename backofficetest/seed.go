package backofficetest

import (
	"fmt"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/internal/iso4217"
	"github.com/shopspring/decimal"
)

// SeedPayment describes an initial payment to book directly in the ledger,
// without an HTTP request.
type SeedPayment struct {
	Type                  backoffice.PaymentType // PaymentTypePreauthorization or PaymentTypeDebit
	Amount                decimal.Decimal        // positive, at most two decimal places and twelve integer digits
	Currency              string                 // a known ISO 4217 code, upper case
	MerchantTransactionID string                 // optional
	At                    time.Time              // booking time; zero means the server's clock now
}

// maxAmount is one more than the largest amount the gateway's pattern
// ^[0-9]{1,12}(\.[0-9]{2})?$ allows.
var maxAmount = decimal.New(1, 12)

// Seed books p as if the gateway had accepted it, and returns its entry.
// Both variants can then operate on it. It returns an error, booking
// nothing, when p breaks the contract documented on SeedPayment.
func (s *Server) Seed(p SeedPayment) (Entry, error) {
	if p.Type != pa && p.Type != db {
		return Entry{}, fmt.Errorf("backofficetest: Seed: type %q: want PA or DB", p.Type)
	}
	if !p.Amount.IsPositive() || !p.Amount.Equal(p.Amount.Truncate(2)) || !p.Amount.LessThan(maxAmount) {
		return Entry{}, fmt.Errorf("backofficetest: Seed: amount %s: want positive, two decimals at most, below %s", p.Amount, maxAmount)
	}
	if _, ok := iso4217.MinorUnits(p.Currency); !ok {
		return Entry{}, fmt.Errorf("backofficetest: Seed: currency %q: not an ISO 4217 code", p.Currency)
	}
	at := p.At
	if at.IsZero() {
		at = s.now()
	}
	// No money rule refuses a PA or DB without a card: this always books.
	op := operation{typ: p.Type, amount: p.Amount, currency: p.Currency, mtid: p.MerchantTransactionID}
	return s.ledger.apply(op, at, s.bearer.EntityID, true).Entry, nil
}

// Preauthorize books a preauthorization (PA) of amount in currency and
// returns its id. It panics where Seed returns an error.
func (s *Server) Preauthorize(amount decimal.Decimal, currency string) string {
	return s.mustSeed(SeedPayment{Type: pa, Amount: amount, Currency: currency})
}

// Debit books a debit (DB) of amount in currency and returns its id. It
// panics where Seed returns an error.
func (s *Server) Debit(amount decimal.Decimal, currency string) string {
	return s.mustSeed(SeedPayment{Type: db, Amount: amount, Currency: currency})
}

func (s *Server) mustSeed(p SeedPayment) string {
	e, err := s.Seed(p)
	if err != nil {
		panic(err)
	}
	return e.ID
}

// AddRegistration stores a card and returns its registration id (32
// lowercase hexadecimal characters), usable for credits through
// POST /v1/registrations/{id}/payments. The card is a VISA test card
// (bin 420000, last four digits 0000, holder "Jane Jones") that expires at
// the end of the year three years from the server's clock now.
func (s *Server) AddRegistration() string {
	year := fmt.Sprint(s.now().UTC().Year() + 3)
	return s.ledger.addRegistration(registration{
		brand: "VISA",
		card:  *newCardInfo("4200000000000000", "Jane Jones", "12", year),
	})
}
