package backoffice

import (
	"encoding/json"
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

	// Raw is the JSON body as received, kept for auditing and for fields this
	// type does not model. Card numbers and CVVs the gateway echoes back in
	// parameterErrors are masked in it, as everywhere else.
	Raw json.RawMessage
}

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
