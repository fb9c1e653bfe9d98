// Package wire holds the JSON shapes both gateway variants answer with, and
// decodes them leniently: unknown fields are ignored, and the few fields
// the gateways send as strings or numbers interchangeably accept both.
//
// Decode and DecodeRecord, run on every answer, use a single-pass decoder
// (fast.go) that gives exactly what encoding/json gives for the Payment
// shape, and hands every body it cannot decode that way to encoding/json
// (the rare path: refused, oddly typed or oddly keyed bodies), so that
// errors stay encoding/json's. Keys are matched as encoding/json matches
// them, case-insensitively (the checksum list's refundamount and the
// inquiry's refundAmount both fill RefundAmount; an integration may rely on
// other spellings too): the single pass folds ASCII keys, and a key with
// escapes or non-ASCII bytes, which encoding/json unescapes and folds by
// Unicode rules (the Kelvin sign matches k), goes to encoding/json, as do
// duplicate fields (encoding/json keeps the last, merging objects). Dropping
// case-insensitivity would have saved nothing measurable: the fold is a
// byte loop over keys the decoder reads anyway. Search pages (list.go)
// and Optional still use encoding/json.
package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Payment is one payment object of either variant. The checksum variant names
// its id paymentId and adds status and transactionStatus.
type Payment struct {
	ID                    Str     `json:"id"`
	PaymentID             Str     `json:"paymentId"`
	ReferencedID          string  `json:"referencedId"`
	PaymentType           string  `json:"paymentType"`
	PaymentBrand          string  `json:"paymentBrand"`
	Amount                Str     `json:"amount"`
	Currency              string  `json:"currency"`
	Descriptor            string  `json:"descriptor"`
	MerchantTransactionID string  `json:"merchantTransactionId"`
	Result                *Result `json:"result"`
	ResultDetails         StrMap  `json:"resultDetails"`
	Card                  *Card   `json:"card"`
	BuildNumber           string  `json:"buildNumber"`
	Timestamp             string  `json:"timestamp"`
	NDC                   string  `json:"ndc"`
	Status                string  `json:"status"`
	TransactionStatus     Str     `json:"transactionStatus"`
	SystemPaymentID       Str     `json:"systemPaymentId"` // checksum list records
	TransactionDate       string  `json:"transactionDate"` // checksum list records: created
	CaptureAmount         Str     `json:"captureamount"`   // checksum list records
	// RefundAmount is the checksum list's refundamount and the inquiry's
	// refundAmount (encoding/json matches either spelling).
	RefundAmount   Str    `json:"refundamount"`
	RegistrationID string `json:"registrationId"`
	ShortID        string `json:"shortId"`
	Source         string `json:"source"`
	PaymentMethod  string `json:"paymentMethod"`
	// Objects whose shape varies between gateways and over time: kept raw
	// and read leniently (see Optional), so that an unexpected shape never
	// makes a booked payment's answer undecodable.
	Risk             json.RawMessage `json:"risk"`
	Customer         json.RawMessage `json:"customer"`
	CustomParameters json.RawMessage `json:"customParameters"`

	// The records of a list answer. The bearer variant names them payments;
	// the checksum variant's transaction list is unverified, so the field
	// names seen in its integrations are all accepted, holding an array or
	// an object keyed by position.
	Payments        json.RawMessage `json:"payments"`
	Transactions    json.RawMessage `json:"transactions"`
	Transaction     json.RawMessage `json:"transaction"`
	TransactionList json.RawMessage `json:"transactionList"`
}

// Result is the gateway's verdict object.
type Result struct {
	Code            Str              `json:"code"`
	Description     string           `json:"description"`
	ParameterErrors []ParameterError `json:"parameterErrors"`
}

// ParameterError is one refused request parameter; Value may be null.
type ParameterError struct {
	Name    string `json:"name"`
	Value   Str    `json:"value"`
	Message string `json:"message"`
}

// Card is the masked card data of an answer.
type Card struct {
	Bin         string `json:"bin"`
	Last4Digits string `json:"last4Digits"`
	Holder      string `json:"holder"`
	ExpiryMonth string `json:"expiryMonth"`
	ExpiryYear  string `json:"expiryYear"`
	// LastFourDigits is the checksum platform's name, beside last4Digits.
	LastFourDigits string `json:"lastFourDigits"`
}

// Optional decodes raw into v and reports whether it could: a field of an
// unexpected shape is left out rather than failing the whole answer.
func Optional(raw json.RawMessage, v any) bool {
	return len(raw) > 0 && json.Unmarshal(raw, v) == nil
}

// ErrNotResult reports a JSON body that carries no result code, so it is not
// an answer of the gateway (a proxy's or load balancer's JSON, say).
var ErrNotResult = errors.New("JSON body has no result code")

// ErrInvalidUTF8 reports a body whose strings are not valid UTF-8: the
// standard decoder would quietly replace the bytes, changing what the
// gateway said.
var ErrInvalidUTF8 = errors.New("body is not valid UTF-8")

// Decode decodes body, which must be a JSON object carrying a result code:
// anything else (an array, null, an object without result) is not an answer
// of the gateway, whatever the HTTP status. Invalid UTF-8 anywhere in body
// is ErrInvalidUTF8; other refusals are encoding/json's errors, as
// *json.SyntaxError or *json.UnmarshalTypeError.
func Decode(body []byte) (*Payment, error) {
	if !utf8.Valid(body) {
		return nil, ErrInvalidUTF8
	}
	p, ok := decodeFast(body)
	if !ok {
		p = new(Payment)
		if err := json.Unmarshal(body, p); err != nil {
			return nil, err
		}
	}
	if p.Result == nil || p.Result.Code == "" {
		return nil, ErrNotResult
	}
	return p, nil
}

// DecodeRecord decodes one record of a list; it need not carry a result.
// Unlike Decode it does not refuse invalid UTF-8 (a record was part of a
// body Decode checked): such a record is decoded by encoding/json, which
// replaces the bytes.
func DecodeRecord(raw []byte) (*Payment, error) {
	if utf8.Valid(raw) {
		if p, ok := decodeFast(raw); ok {
			return p, nil
		}
	}
	var p Payment
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// List returns the raw records a list answer carried, whichever field held
// them; nil when it carried none.
func (p *Payment) List() ([]json.RawMessage, error) {
	for _, f := range []json.RawMessage{p.Payments, p.Transactions, p.Transaction, p.TransactionList} {
		f = bytes.TrimSpace(f)
		if len(f) == 0 || f[0] == 'n' {
			continue
		}
		if f[0] == '[' {
			var items []json.RawMessage
			err := json.Unmarshal(f, &items)
			return items, err
		}
		var keyed map[string]json.RawMessage
		if err := json.Unmarshal(f, &keyed); err != nil {
			return nil, err
		}
		if isRecord(keyed) {
			// The checksum platform writes a one-element list as the bare
			// element (Jersey's mapped JSON, CHECKSUM-PLATFORM.md §1).
			return []json.RawMessage{f}, nil
		}
		keys := make([]string, 0, len(keyed))
		for k := range keyed {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return positionLess(keys[i], keys[j]) })
		items := make([]json.RawMessage, len(keys))
		for i, k := range keys {
			items[i] = keyed[k]
		}
		return items, nil
	}
	return nil, nil
}

// isRecord reports an object that is one payment record rather than
// records keyed by position: it carries a payment id.
func isRecord(obj map[string]json.RawMessage) bool {
	for _, k := range [...]string{"systemPaymentId", "paymentId", "id"} {
		if _, ok := obj[k]; ok {
			return true
		}
	}
	return false
}

// positionLess orders keys like "0 ", " 1", "10" by their number.
func positionLess(a, b string) bool {
	x, errA := strconv.Atoi(strings.TrimSpace(a))
	y, errB := strconv.Atoi(strings.TrimSpace(b))
	if errA != nil || errB != nil {
		return a < b
	}
	return x < y
}

// Str is a string the gateway may send as a JSON string, number or null.
type Str string

// UnmarshalJSON implements json.Unmarshaler.
func (s *Str) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) == 0 || b[0] == 'n': // null
		*s = ""
	case b[0] == '"':
		if bytes.IndexByte(b, '\\') < 0 {
			*s = Str(b[1 : len(b)-1])
			return nil
		}
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = Str(v)
	case b[0] == '{' || b[0] == '[':
		*s = Str(b) // not expected; kept verbatim rather than failing the payment
	default: // number or boolean
		*s = Str(b)
	}
	return nil
}

// StrMap is a free-form object whose values are stringified: resultDetails
// is documented as strings but nothing stops a gateway sending numbers.
type StrMap map[string]string

// UnmarshalJSON implements json.Unmarshaler.
func (m *StrMap) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == 'n' {
		*m = nil
		return nil
	}
	var raw map[string]Str
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(StrMap, len(raw))
	for k, v := range raw {
		out[k] = string(v)
	}
	*m = out
	return nil
}
