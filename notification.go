package backoffice

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/c81406b6/backoffice/internal/wire"
)

// DecodePayment decodes a payment object the gateway sent outside an
// answer to a call, such as the payload of a PAYMENT webhook notification
// ("identical to the response you received on the payment"). It decodes
// exactly as the Client decodes its answers: the same lenient field
// handling (amounts as strings or numbers, unknown fields ignored), the
// same masking of card numbers wherever they stand and of CVVs echoed in
// parameterErrors, and Raw holding body with those values masked. Raw does not share memory with
// body.
//
// Unlike an answer, a payload without a result is accepted (Result is then
// zero). It returns an error only when body is not a JSON object or not
// valid UTF-8; the error never quotes body.
func DecodePayment(body []byte) (*Payment, error) {
	if t := bytes.TrimSpace(body); len(t) == 0 || t[0] != '{' {
		return nil, errors.New("backoffice: decoding a payment: not a JSON object")
	}
	w, err := wire.Decode(body)
	if errors.Is(err, wire.ErrNotResult) {
		w, err = wire.DecodeRecord(body)
	}
	if err != nil {
		return nil, fmt.Errorf("backoffice: decoding a payment: %w", err)
	}
	// A nil Client has no credentials and no call nothing sent: what is
	// masked is what any payment gets masked.
	return (*Client)(nil).payment(w, bytes.Clone(body), nil), nil
}
