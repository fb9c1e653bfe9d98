package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/c81406b6/backoffice"
)

// TypePayment is the Type of a notification about a payment: an initial
// payment, or any backoffice operation on one (CP, RF, RV, RB, CB, CR, CD).
const TypePayment = "PAYMENT"

// Notification is one decrypted delivery. The gateway's schema is open:
// fields and types this package does not model are kept in Raw and
// Payload, never refused.
type Notification struct {
	Type   string // "PAYMENT", "REGISTRATION", "SCHEDULE", "RISK", or any other the gateway adds
	Action string // REGISTRATION only: "CREATED", "UPDATED", "DELETED"

	// Payment is the payload of a PAYMENT notification, decoded as the
	// Client decodes its answers (see backoffice.DecodePayment). It is nil
	// for other types, and for a PAYMENT notification without a payload
	// object (such as the documentation's test vector).
	Payment *backoffice.Payment

	// Payload is the payload object as received, or nil when there is
	// none. For PAYMENT it is Payment.Raw.
	Payload json.RawMessage

	// Raw is the decrypted body as received. Card numbers and CVVs echoed
	// in a PAYMENT payload's parameterErrors are masked in it, as in
	// Payment.Raw.
	Raw json.RawMessage
}

// Parse decrypts and decodes one delivery. header must carry
// X-Initialization-Vector and X-Authentication-Tag; body is the request
// body, plain hex or {"encryptedBody":"<hex>"}; secret is the webhook's
// 64-hex-character key. Upper- and lower-case hex are both accepted.
//
// It returns an error wrapping ErrSecret, ErrHeader, ErrBody,
// ErrAuthentication or ErrPayload; a delivery altered in any byte of body,
// IV or tag fails with ErrAuthentication, and nothing of it is decoded.
// A notification that authenticates is refused only when it is not a
// JSON object, or when a PAYMENT payload is not one. No error quotes the
// secret or the body.
func Parse(header http.Header, body []byte, secret string) (*Notification, error) {
	plain, err := decrypt(header, body, secret)
	if err != nil {
		return nil, err
	}
	return decode(plain)
}

// decode turns an authenticated plaintext into a Notification.
func decode(plain []byte) (*Notification, error) {
	if t := bytes.TrimSpace(plain); len(t) == 0 || t[0] != '{' {
		return nil, fmt.Errorf("%w: not a JSON object", ErrPayload)
	}
	var env struct {
		Type    json.RawMessage `json:"type"`
		Action  json.RawMessage `json:"action"`
		Payload json.RawMessage `json:"payload"`
	}
	if err := json.Unmarshal(plain, &env); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPayload, syntaxOnly(err))
	}
	n := &Notification{Type: text(env.Type), Action: text(env.Action), Raw: plain}
	if p := bytes.TrimSpace(env.Payload); len(p) > 0 && !bytes.Equal(p, []byte("null")) {
		n.Payload = env.Payload
	}
	if !strings.EqualFold(n.Type, TypePayment) || n.Payload == nil {
		return n, nil
	}
	p, err := backoffice.DecodePayment(n.Payload)
	if err != nil {
		return nil, fmt.Errorf("%w: PAYMENT payload: %v", ErrPayload, syntaxOnly(err))
	}
	n.Payment = p
	if !bytes.Equal(p.Raw, n.Payload) {
		// Masking changed the payload: show the same masked bytes in Raw.
		// The payload is a verbatim slice of plain, so it is found there
		// (and any copy of it elsewhere in the envelope is masked too).
		n.Raw = bytes.ReplaceAll(plain, n.Payload, p.Raw)
	}
	n.Payload = p.Raw
	return n, nil
}

// text reads a JSON string; anything else (a number, an object, null) is
// kept as its JSON text rather than refused.
func text(v json.RawMessage) string {
	var s string
	if len(v) == 0 || json.Unmarshal(v, &s) == nil { // null too
		return s
	}
	return string(v)
}

// syntaxOnly keeps a JSON error's kind and offset and drops anything it
// quotes of the input.
func syntaxOnly(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	}
	return "invalid JSON"
}
