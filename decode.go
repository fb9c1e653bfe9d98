package backoffice

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/c81406b6/backoffice/internal/wire"
	"github.com/shopspring/decimal"
)

// payment maps an answer of either variant onto Payment. It never fails:
// once the gateway has answered, a field it formats unexpectedly (an
// amount, a timestamp) is left zero rather than hiding a booked payment
// behind a parse error; Raw keeps what was sent.
func (c *Client) payment(w *wire.Payment, raw []byte, cl *call) *Payment {
	p := &Payment{
		ID:                    firstOf(string(w.ID), string(w.PaymentID), string(w.SystemPaymentID)),
		ReferencedID:          w.ReferencedID,
		PaymentType:           PaymentType(w.PaymentType),
		PaymentBrand:          w.PaymentBrand,
		Currency:              w.Currency,
		Descriptor:            w.Descriptor,
		MerchantTransactionID: w.MerchantTransactionID,
		ResultDetails:         w.ResultDetails,
		BuildNumber:           w.BuildNumber,
		NDC:                   w.NDC,
		Timestamp:             parseTimestamp(firstOf(w.TransactionDate, w.Timestamp), cl.location()),
		Status:                w.Status,
		TransactionStatus:     string(w.TransactionStatus),
		RegistrationID:        w.RegistrationID,
		ShortID:               w.ShortID,
		Source:                w.Source,
		PaymentMethod:         w.PaymentMethod,
	}
	p.RiskScore, p.MerchantCustomerID = riskScore(w.Risk), merchantCustomerID(w.Customer)
	if params, ok := wire.StrMapValue(w.CustomParameters); ok {
		p.CustomParameters = params
	}
	if w.Amount != "" {
		if d, err := decimal.NewFromString(string(w.Amount)); err == nil {
			p.Amount = d
		}
	}
	if w.Card != nil {
		p.Card = &CardInfo{Bin: w.Card.Bin, Last4Digits: w.Card.Last4Digits, Holder: w.Card.Holder,
			ExpiryMonth: w.Card.ExpiryMonth, ExpiryYear: w.Card.ExpiryYear}
	}
	r := c.redactor(cl)
	if res := w.Result; res != nil {
		p.Result = Result{Code: ResultCode(res.Code), Description: res.Description}
		if len(res.ParameterErrors) > 0 {
			p.Result.ParameterErrors = make([]ParameterError, len(res.ParameterErrors))
			for i, pe := range res.ParameterErrors {
				v := maskParameter(pe.Name, string(pe.Value))
				if v != string(pe.Value) && !strings.EqualFold(pe.Name, "card.number") {
					r.addString(string(pe.Value)) // an echoed CVV, masked everywhere else too
				}
				p.Result.ParameterErrors[i] = ParameterError{Name: pe.Name, Value: v, Message: pe.Message}
			}
		}
	}
	if c != nil {
		c.wire.complete(w, p, cl)
	}
	r.answer(p, raw)
	return p
}

// riskScore is risk.score, read leniently: "" when risk is absent or of
// another shape.
func riskScore(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	if v, exact := wire.StrField(raw, "score"); exact {
		return v
	}
	var risk struct{ Score wire.Str }
	if wire.Optional(raw, &risk) {
		return string(risk.Score)
	}
	return ""
}

// merchantCustomerID is customer.merchantCustomerId, read leniently.
func merchantCustomerID(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	if v, exact := wire.StringField(raw, "merchantCustomerId"); exact {
		return v
	}
	var customer struct{ MerchantCustomerID string }
	if wire.Optional(raw, &customer) {
		return customer.MerchantCustomerID
	}
	return ""
}

// location is the zone cl's zone-less answer times are read in.
func (cl *call) location() *time.Location {
	if cl == nil || cl.zone == nil {
		return time.UTC
	}
	return cl.zone
}

// maskParameter masks card values a gateway echoes in parameterErrors.
func maskParameter(name, value string) string {
	switch {
	case value == "":
		return value
	case strings.EqualFold(name, "card.number"):
		return maskPAN(value)
	case strings.EqualFold(name, "card.cvv"):
		return maskAll(value)
	}
	return value
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// parseTimestamp reads the gateway's "2006-01-02 15:04:05-0700", with or
// without milliseconds, and the checksum variant's zone-less form (with or
// without the list's ".0") in zone loc, returning UTC.
func parseTimestamp(s string, loc *time.Location) time.Time {
	if s == "" {
		return time.Time{}
	}
	if t, ok := parseGatewayTime(s, loc); ok {
		return t
	}
	// Go accepts a fractional second after the seconds even when the
	// layout has none, so one layout covers ".065" and no milliseconds.
	for _, layout := range [...]string{"2006-01-02 15:04:05-0700", "2006-01-02 15:04:05", time.RFC3339Nano} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// accepted reports whether an answer means the gateway took the request:
// success, success needing review, or pending, as c's variant says so
// (wireShape.accepted).
func (c *Client) accepted(p *Payment) bool { return c.wire.accepted(p) }

// parseGatewayTime is parseTimestamp's fast path for the forms every answer
// carries, "2006-01-02 15:04:05" with an optional fraction of 1 to 9
// digits and an optional "-0700" offset, all fields in range; ok is false
// for anything else, which time.ParseInLocation then reads. Where ok, the
// result is the one time.ParseInLocation gives (FuzzParseGatewayTime).
func parseGatewayTime(s string, loc *time.Location) (t time.Time, ok bool) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return t, false
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	hour, ok4 := digits(s[11:13])
	minute, ok5 := digits(s[14:16])
	sec, ok6 := digits(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 ||
		day > daysIn(year, time.Month(month)) || hour > 23 || minute > 59 || sec > 59 {
		return t, false
	}
	rest, nsec := s[19:], 0
	if len(rest) > 0 && rest[0] == '.' {
		n := 1
		for n < len(rest) && isDigit(rest[n]) {
			n++
		}
		frac, ok := digits(rest[1:n])
		if !ok || n-1 > 9 {
			return t, false
		}
		for range 9 - (n - 1) {
			frac *= 10
		}
		rest, nsec = rest[n:], frac
	}
	switch {
	case rest == "":
		return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, loc).UTC(), true
	case len(rest) == 5 && (rest[0] == '+' || rest[0] == '-'):
		oh, okh := digits(rest[1:3])
		om, okm := digits(rest[3:5])
		if !okh || !okm || oh > 23 || om > 59 {
			return t, false
		}
		offset := time.Duration(oh)*time.Hour + time.Duration(om)*time.Minute
		if rest[0] == '-' {
			offset = -offset
		}
		return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC).Add(-offset), true
	}
	return t, false
}

// digits reads s, 1 to 9 ASCII digits, as a number.
func digits(s string) (n int, ok bool) {
	if len(s) == 0 || len(s) > 9 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// daysIn is the number of days of month m in year y.
func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}
