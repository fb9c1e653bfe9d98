package backoffice

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/c81406b6/backoffice/internal/luhn"
)

// Card is a card to credit (CreditRequest). Number and CVV are secrets: the
// String, GoString, Format and LogValue methods print only the last four
// digits of the number and never the CVV, so a Card can be logged or put in
// an error safely. ExpiryMonth is two digits ("02"), ExpiryYear four
// ("2027").
type Card struct {
	Number      string
	Holder      string
	ExpiryMonth string
	ExpiryYear  string
	CVV         string
}

// String returns a redacted description, e.g. "Card{Number: ************0000, Holder: John Smith, Expiry: 02/2027, CVV: ***}".
func (c Card) String() string {
	return fmt.Sprintf("Card{Number: %s, Holder: %s, Expiry: %s/%s, CVV: %s}",
		maskPAN(c.Number), c.Holder, c.ExpiryMonth, c.ExpiryYear, maskAll(c.CVV))
}

// GoString redacts like String, for %#v.
func (c Card) GoString() string { return "backoffice." + c.String() }

// Format redacts for every verb, %+v and %#v included.
func (c Card) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c) }

// MarshalJSON redacts, so that a Card inside another value (a CreditRequest
// logged by slog's JSON handler, say) never shows its number or CVV. Cards
// go to the gateway form-encoded, never through this method.
func (c Card) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"number": maskPAN(c.Number), "holder": c.Holder,
		"expiryMonth": c.ExpiryMonth, "expiryYear": c.ExpiryYear})
}

// LogValue redacts for log/slog.
func (c Card) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("number", maskPAN(c.Number)),
		slog.String("holder", c.Holder),
		slog.String("expiry", c.ExpiryMonth+"/"+c.ExpiryYear),
	)
}

func (c *Card) validate(now time.Time) error {
	n := c.Number
	if len(n) < 12 || len(n) > 19 || !allDigits(n) {
		return invalid("Card.Number", "must be 12 to 19 digits")
	}
	if !luhn.Valid(n) {
		return invalid("Card.Number", "fails the Luhn check")
	}
	if c.Holder == "" {
		return invalid("Card.Holder", "is required")
	}
	if len(c.Holder) > 128 || hasControl(c.Holder) {
		return invalid("Card.Holder", "must be at most 128 printable characters")
	}
	month, err := strconv.Atoi(c.ExpiryMonth)
	if len(c.ExpiryMonth) != 2 || !allDigits(c.ExpiryMonth) || err != nil || month < 1 || month > 12 {
		return invalid("Card.ExpiryMonth", "must be two digits from 01 to 12")
	}
	year, err := strconv.Atoi(c.ExpiryYear)
	if len(c.ExpiryYear) != 4 || !allDigits(c.ExpiryYear) || err != nil {
		return invalid("Card.ExpiryYear", "must be four digits")
	}
	// A card is valid through the last day of its expiry month.
	now = now.UTC()
	if year < now.Year() || year == now.Year() && time.Month(month) < now.Month() {
		return invalid("Card.ExpiryYear", "the card expired at the end of %s/%s", c.ExpiryMonth, c.ExpiryYear)
	}
	if l := len(c.CVV); l < 3 || l > 4 || !allDigits(c.CVV) {
		return invalid("Card.CVV", "must be 3 or 4 digits")
	}
	return nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// hasControl reports characters that no name or header value should hold:
// controls (C0, C1 such as U+0085 NEXT LINE, DEL), invisible format
// characters (U+200B ZERO WIDTH SPACE, U+FEFF) and the direction overrides
// (U+202E) that make text read differently from what it holds, line and
// paragraph separators, and invalid UTF-8.
func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return hasControlRune(s[i:])
		}
		// No ASCII character is in Cf, Zl or Zp: Cc is the whole test.
		if c < 0x20 || c == 0x7f {
			return true
		}
	}
	return false
}

// hasControlRune is hasControl beyond ASCII, rune by rune.
func hasControlRune(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) {
			return true
		}
	}
	return false
}

// maskPAN keeps the last four digits, the most a receipt shows.
func maskPAN(n string) string {
	if len(n) <= 4 {
		return maskAll(n)
	}
	b := make([]byte, len(n))
	for i := range b[:len(n)-4] {
		b[i] = '*'
	}
	copy(b[len(n)-4:], n[len(n)-4:])
	return string(b)
}

func maskAll(s string) string {
	if s == "" {
		return ""
	}
	return "***"
}
