package backoffice

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// PaymentType is the gateway's two-letter code for a kind of payment.
type PaymentType string

// The payment types the backoffice API creates or refers to.
const (
	PaymentTypePreauthorization   PaymentType = "PA" // an authorization awaiting capture
	PaymentTypeDebit              PaymentType = "DB" // an immediate charge
	PaymentTypeCapture            PaymentType = "CP" // clears funds a PA reserved
	PaymentTypeRefund             PaymentType = "RF" // returns money of a DB or CP
	PaymentTypeReversal           PaymentType = "RV" // voids a PA or DB
	PaymentTypeRebill             PaymentType = "RB" // charges again on top of a DB
	PaymentTypeChargeback         PaymentType = "CB" // records a dispute against a DB or CP
	PaymentTypeChargebackReversal PaymentType = "CR" // undoes a CB won by the merchant
	PaymentTypeCredit             PaymentType = "CD" // a stand-alone credit (payout)
	PaymentTypeInquiry            PaymentType = "IN" // a status inquiry (checksum variant)
)

// Payment is a payment as the gateway reported it. Both gateway variants map
// onto it: the checksum variant's paymentId (systemPaymentId in the list)
// becomes ID, its long status (the list's transactionStatus) Status, and
// its short transactionStatus (derived for list rows as the platform's
// inquiry derives it) TransactionStatus. Its capture, refund and reversal
// answers name only the payment acted on: ID and ReferencedID both hold
// it, PaymentType is the operation, and no status, amount or currency is
// stated.
type Payment struct {
	ID                    string
	ReferencedID          string // the payment this one acts on, when the gateway says so
	PaymentType           PaymentType
	PaymentBrand          string
	Amount                decimal.Decimal
	Currency              string
	Descriptor            string
	MerchantTransactionID string
	Result                Result
	ResultDetails         map[string]string
	Card                  *CardInfo
	BuildNumber           string
	NDC                   string
	Timestamp             time.Time // UTC when the gateway gave no zone
	Status                string    // checksum variant: "capturesuccess", "reversed", ...
	TransactionStatus     string    // checksum variant: Y, N, P, C or 3D

	// CapturedAmount and RefundedAmount are the checksum platform's
	// captureamount and refundamount of a list row (RefundedAmount also the
	// inquiry's refundAmount of a reversed payment); zero elsewhere.
	CapturedAmount, RefundedAmount decimal.Decimal

	RegistrationID     string            // the stored card's registration, when the payment used or created one
	ShortID            string            // the short id a support ticket quotes, e.g. "5420.6916.5424"
	Source             string            // where the payment came from, e.g. "SCHEDULER"
	PaymentMethod      string            // e.g. "CC"
	RiskScore          string            // risk.score, as the gateway wrote it
	MerchantCustomerID string            // customer.merchantCustomerId
	CustomParameters   map[string]string // customParameters, as sent back

	// Raw is the JSON the payment came in, kept for auditing and for fields
	// this type does not model: the whole answer for a call's answer, the
	// record's own object for a list record. It is what the gateway sent
	// with one change: what the SDK masks everywhere (card numbers, a CVV
	// the call sent, credentials) is masked in it too, and it stays valid
	// JSON. It never shares memory with the SDK's buffers.
	Raw json.RawMessage
}

// String describes the payment in one line, without Raw: id, type,
// amount, result and merchantTransactionId. Everything in it is masked as
// the fields are.
func (p Payment) String() string {
	var b strings.Builder
	b.WriteString("backoffice.Payment{")
	if p.ID != "" {
		b.WriteString(p.ID)
		b.WriteString(" ")
	}
	b.WriteString(string(p.PaymentType))
	if !p.Amount.IsZero() || p.Currency != "" {
		fmt.Fprintf(&b, " %s %s", p.Amount.StringFixed(2), p.Currency)
	}
	if p.Result.Code != "" {
		fmt.Fprintf(&b, " result %s", p.Result.Code)
		if p.Result.Description != "" {
			fmt.Fprintf(&b, " %q", truncate(p.Result.Description, 80))
		}
	}
	if p.ReferencedID != "" {
		b.WriteString(" of ")
		b.WriteString(p.ReferencedID)
	}
	if p.MerchantTransactionID != "" {
		fmt.Fprintf(&b, " merchantTransactionId %q", p.MerchantTransactionID)
	}
	b.WriteString("}")
	return b.String()
}

// GoString is String, for %#v.
func (p Payment) GoString() string { return p.String() }

// CardInfo is the masked card data the gateway returns. It never holds a full
// card number.
type CardInfo struct {
	Bin         string
	Last4Digits string
	Holder      string
	ExpiryMonth string
	ExpiryYear  string
}

// Result is the gateway's verdict on a request.
type Result struct {
	Code            ResultCode
	Description     string
	ParameterErrors []ParameterError
}

// ParameterError names one request parameter the gateway refused. Value is
// the value the gateway echoed, masked when it is a card number or CVV, and
// empty when the gateway sent null.
type ParameterError struct {
	Name    string
	Value   string
	Message string
}
