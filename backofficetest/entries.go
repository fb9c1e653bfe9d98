package backofficetest

import (
	"slices"

	"github.com/c81406b6/backoffice"
)

// Ledger returns every booked entry, initial payments and operations alike,
// in booking order. Refused attempts are not bookings: see Attempts.
func (s *Server) Ledger() []Entry {
	s.hard.landDue()
	return s.ledger.entries(func(r *record) bool { return r.booked })
}

// Entries returns the booked entries that reference paymentID, in booking
// order; with types, only those of these types.
func (s *Server) Entries(paymentID string, types ...backoffice.PaymentType) []Entry {
	s.hard.landDue()
	return s.ledger.entries(func(r *record) bool {
		return r.booked && r.ReferencedID == paymentID && (len(types) == 0 || slices.Contains(types, r.Type))
	})
}

// Attempts returns every refused attempt, in the order received. The
// gateway records these (they have an id and can be queried) but they move
// no money. Requests refused for their form (parameter errors,
// authentication) are not attempts: the gateway gives them no id.
func (s *Server) Attempts() []Entry {
	s.hard.landDue()
	return s.ledger.entries(func(r *record) bool { return !r.booked })
}

// Lookup returns the entry with id, booked or refused, and whether there
// is one. A refused attempt's Code is its refusal.
func (s *Server) Lookup(id string) (Entry, bool) {
	s.hard.landDue()
	r := s.ledger.find(id)
	if r == nil {
		return Entry{}, false
	}
	return r.Entry, true
}
