package backofficetest

import (
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/shopspring/decimal"
)

// Entry is one payment the server recorded: an initial payment (PA, DB or
// CD) or a backoffice operation on an earlier payment.
type Entry struct {
	ID                    string // 32 lowercase hexadecimal characters, unique per Server
	ReferencedID          string // the payment this one acts on; "" for initial payments and credits
	Type                  backoffice.PaymentType
	Amount                decimal.Decimal // the amount moved; for a full reversal, the amount it reversed
	Currency              string
	MerchantTransactionID string
	Code                  backoffice.ResultCode // bearer-variant code: 000.100.110 when booked, the refusal otherwise
	At                    time.Time             // in UTC
}

// record is an Entry plus what answers need. Records never change once
// stored: a payment's state (captured, refunded, ...) is derived from the
// records that reference it, so nothing can drift out of step.
type record struct {
	Entry
	booked bool
	brand  string
	card   *cardInfo
	ndc    string // the bearer answer's ndc, kept so a query repeats the answer
	// TrackingID is the checksum platform's numeric id of the same
	// payment (Server.TrackingID).
	TrackingID string
}

// cardInfo is the card data an answer shows. The full number and the CVV
// are never stored.
type cardInfo struct {
	Bin         string `json:"bin"`
	Last4Digits string `json:"last4Digits"`
	Holder      string `json:"holder"`
	ExpiryMonth string `json:"expiryMonth"`
	ExpiryYear  string `json:"expiryYear"`
}

// ledger holds every recorded payment of a Server. One mutex guards it all:
// each operation decides and books under it, which is what makes "64
// concurrent refunds of a 50.00 debit" book exactly 50.
type ledger struct {
	mu            sync.Mutex
	rules         rules
	records       []*record            // booked and refused, in recording order
	byID          map[string]*record   // every record, and registration ids as nil
	children      map[string][]*record // booked records by ReferencedID
	byMTID        map[string][]*record // every record by MerchantTransactionID
	byTracking    map[string]*record   // every record by TrackingID
	nextTracking  int
	registrations map[string]registration
	onStore       func(*record) // called with mu held for every record stored; must not block (notify.go)
}

// registration is a stored card a credit may be paid to.
type registration struct {
	brand string
	card  cardInfo
}

func newLedger(r rules) *ledger {
	return &ledger{
		rules:         r,
		byID:          map[string]*record{},
		children:      map[string][]*record{},
		byMTID:        map[string][]*record{},
		byTracking:    map[string]*record{},
		nextTracking:  54279,
		registrations: map[string]registration{},
	}
}

// apply decides op at time at and, when commit is set, records the outcome:
// booked when the rules allow it, a refused attempt otherwise. Without
// commit the ledger is left untouched, which lets a fault show the answer
// the operation would have had. ndcPrefix starts the answer's ndc.
func (l *ledger) apply(op operation, at time.Time, ndcPrefix string, commit bool) *record {
	l.mu.Lock()
	defer l.mu.Unlock()
	code := l.decide(&op, at)
	booked := code == codeTestSuccess
	if op.forced != "" {
		// AnswerNext: a booking code replaces the success, when the rules
		// book it at all; any other code refuses.
		if books(op.forced) {
			if booked {
				code = op.forced
			}
		} else {
			code, booked = op.forced, false
		}
	}
	rec := &record{
		Entry: Entry{
			ID:                    l.freshID(),
			ReferencedID:          op.refID,
			Type:                  op.typ,
			Amount:                op.amount,
			Currency:              op.currency,
			MerchantTransactionID: op.mtid,
			Code:                  code,
			At:                    at.UTC(),
		},
		booked: booked,
		brand:  op.brand,
		card:   op.card,
		ndc:    ndcPrefix + "_" + newID(),
	}
	if commit {
		l.store(rec)
	}
	return rec
}

// freshID returns an id no record or registration has. Collisions of 128
// random bits do not happen; checking costs a map lookup and makes
// uniqueness a guarantee instead of a probability.
func (l *ledger) freshID() string {
	for {
		id := newID()
		if _, taken := l.byID[id]; !taken {
			return id
		}
	}
}

func (l *ledger) store(rec *record) {
	rec.TrackingID = strconv.Itoa(l.nextTracking)
	l.nextTracking++
	l.byTracking[rec.TrackingID] = rec
	l.records = append(l.records, rec)
	l.byID[rec.ID] = rec
	if rec.booked && rec.ReferencedID != "" {
		l.children[rec.ReferencedID] = append(l.children[rec.ReferencedID], rec)
	}
	if rec.MerchantTransactionID != "" {
		l.byMTID[rec.MerchantTransactionID] = append(l.byMTID[rec.MerchantTransactionID], rec)
	}
	if l.onStore != nil {
		l.onStore(rec)
	}
}

// addRegistration stores a card under a new registration id.
func (l *ledger) addRegistration(reg registration) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	id := l.freshID()
	l.byID[id] = nil // reserves the id
	l.registrations[id] = reg
	return id
}

// find returns the record with id, or nil.
func (l *ledger) find(id string) *record {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.byID[id]
}

// withMTID returns the records carrying merchantTransactionID, in
// recording order.
func (l *ledger) withMTID(mtid string) []*record {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.byMTID[mtid])
}

// entries returns, in recording order, the entries of the records keep
// accepts.
func (l *ledger) entries(keep func(*record) bool) []Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Entry
	for _, r := range l.records {
		if keep(r) {
			out = append(out, r.Entry)
		}
	}
	return out
}

// The helpers below read the ledger with l.mu held.

// sum adds the amounts of the booked records of the given types that
// reference id.
func (l *ledger) sum(id string, types ...backoffice.PaymentType) decimal.Decimal {
	total := decimal.Zero
	for _, c := range l.children[id] {
		if slices.Contains(types, c.Type) {
			total = total.Add(c.Amount)
		}
	}
	return total
}

// has reports whether a booked record of one of the types references id.
func (l *ledger) has(id string, types ...backoffice.PaymentType) bool {
	return slices.ContainsFunc(l.children[id], func(c *record) bool {
		return slices.Contains(types, c.Type)
	})
}

// standingChargeback reports whether id has a chargeback that no
// chargeback reversal has answered.
func (l *ledger) standingChargeback(id string) bool {
	return slices.ContainsFunc(l.children[id], func(c *record) bool {
		return c.Type == backoffice.PaymentTypeChargeback && !l.has(c.ID, backoffice.PaymentTypeChargebackReversal)
	})
}
