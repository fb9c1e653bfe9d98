package backofficetest

import (
	"encoding/json"

	"github.com/c81406b6/backoffice"
)

// The bearer variant's JSON, shaped like the seeds' sample answers.

const (
	buildNumber      = "backofficetest@fake-gateway"
	bearerTimeLayout = "2006-01-02 15:04:05.000-0700"
	descriptor       = "backofficetest fake gateway"
)

type bearerPayment struct {
	ID                    string       `json:"id"`
	ReferencedID          string       `json:"referencedId,omitempty"`
	PaymentType           string       `json:"paymentType"`
	PaymentBrand          string       `json:"paymentBrand,omitempty"`
	Amount                string       `json:"amount,omitempty"`
	Currency              string       `json:"currency,omitempty"`
	Descriptor            string       `json:"descriptor"`
	MerchantTransactionID string       `json:"merchantTransactionId,omitempty"`
	Result                bearerResult `json:"result"`
	Card                  *cardInfo    `json:"card,omitempty"`
	BuildNumber           string       `json:"buildNumber"`
	Timestamp             string       `json:"timestamp"`
	NDC                   string       `json:"ndc"`
}

type bearerResult struct {
	Code            backoffice.ResultCode `json:"code"`
	Description     string                `json:"description"`
	ParameterErrors []parameterError      `json:"parameterErrors,omitempty"`
}

func newBearerResult(c backoffice.ResultCode) bearerResult {
	return bearerResult{Code: c, Description: describe(c)}
}

// parameterError is one entry of result.parameterErrors. Value is null
// when the parameter was missing.
type parameterError struct {
	Name    string  `json:"name"`
	Value   *string `json:"value"`
	Message string  `json:"message"`
}

// bearerStatus is an answer that is not one payment: errors without a
// payment, and query results.
type bearerStatus struct {
	Result      bearerResult      `json:"result"`
	Payments    []json.RawMessage `json:"payments,omitempty"`
	BuildNumber string            `json:"buildNumber"`
	Timestamp   string            `json:"timestamp"`
	NDC         string            `json:"ndc"`
}

// bearerPaymentJSON renders rec as the bearer variant answered it. Records
// never change, so a query returns the very bytes of the original answer.
func bearerPaymentJSON(rec *record) []byte {
	p := bearerPayment{
		ID:                    rec.ID,
		ReferencedID:          rec.ReferencedID,
		PaymentType:           string(rec.Type),
		PaymentBrand:          rec.brand,
		Currency:              rec.Currency,
		Descriptor:            descriptor,
		MerchantTransactionID: rec.MerchantTransactionID,
		Result:                newBearerResult(rec.Code),
		Card:                  rec.card,
		BuildNumber:           buildNumber,
		Timestamp:             rec.At.Format(bearerTimeLayout),
		NDC:                   rec.ndc,
	}
	if !rec.Amount.IsZero() { // only a refused full reversal has none
		p.Amount = rec.Amount.StringFixed(2)
	}
	return mustMarshal(p)
}

func bearerPaymentAnswer(rec *record) answer {
	status := 200
	if !rec.booked {
		status = 400
	}
	return answer{status: status, contentType: contentTypeJSON, body: bearerPaymentJSON(rec)}
}

// bearerStatusAnswer answers with result r and no payment id, as the
// gateway does for requests it refuses before creating a transaction.
func (s *Server) bearerStatusAnswer(status int, r bearerResult, payments []json.RawMessage) answer {
	return jsonAnswer(status, bearerStatus{
		Result:      r,
		Payments:    payments,
		BuildNumber: buildNumber,
		Timestamp:   s.now().UTC().Format(bearerTimeLayout),
		NDC:         s.bearer.EntityID + "_" + newID(),
	})
}

// bearerFault answers a transport-level refusal (throttling, busy session,
// uncertain outcome) in the bearer variant's words.
func (s *Server) bearerFault(code backoffice.ResultCode) answer {
	status := 400
	if code == codeUncertain {
		status = 200 // the gateway answered; it just does not know
	}
	return s.bearerStatusAnswer(status, newBearerResult(code), nil)
}
