// Package ejpay holds a copy of wire.Payment's shape for easyjson's code
// generator (go generate), so that the comparison benchmark can measure a
// generated decoder. Only the benchmark uses it.
package ejpay

//go:generate go run github.com/mailru/easyjson/easyjson@v0.9.2 -all types.go

import (
	"encoding/json"

	"github.com/c81406b6/backoffice/internal/wire"
)

// Payment mirrors wire.Payment field for field.
type Payment struct {
	ID                    wire.Str    `json:"id"`
	PaymentID             wire.Str    `json:"paymentId"`
	ReferencedID          string      `json:"referencedId"`
	PaymentType           string      `json:"paymentType"`
	PaymentBrand          string      `json:"paymentBrand"`
	Amount                wire.Str    `json:"amount"`
	Currency              string      `json:"currency"`
	Descriptor            string      `json:"descriptor"`
	MerchantTransactionID string      `json:"merchantTransactionId"`
	Result                *Result     `json:"result"`
	ResultDetails         wire.StrMap `json:"resultDetails"`
	Card                  *Card       `json:"card"`
	BuildNumber           string      `json:"buildNumber"`
	Timestamp             string      `json:"timestamp"`
	NDC                   string      `json:"ndc"`
	Status                string      `json:"status"`
	TransactionStatus     wire.Str    `json:"transactionStatus"`
	SystemPaymentID       wire.Str    `json:"systemPaymentId"`
	TransactionDate       string      `json:"transactionDate"`
	CaptureAmount         wire.Str    `json:"captureamount"`
	RefundAmount          wire.Str    `json:"refundamount"`
	RegistrationID        string      `json:"registrationId"`
	ShortID               string      `json:"shortId"`
	Source                string      `json:"source"`
	PaymentMethod         string      `json:"paymentMethod"`

	Risk             json.RawMessage `json:"risk"`
	Customer         json.RawMessage `json:"customer"`
	CustomParameters json.RawMessage `json:"customParameters"`
	Payments         json.RawMessage `json:"payments"`
	Transactions     json.RawMessage `json:"transactions"`
	Transaction      json.RawMessage `json:"transaction"`
	TransactionList  json.RawMessage `json:"transactionList"`
}

// Result mirrors wire.Result.
type Result struct {
	Code            wire.Str         `json:"code"`
	Description     string           `json:"description"`
	ParameterErrors []ParameterError `json:"parameterErrors"`
}

// ParameterError mirrors wire.ParameterError.
type ParameterError struct {
	Name    string   `json:"name"`
	Value   wire.Str `json:"value"`
	Message string   `json:"message"`
}

// Card mirrors wire.Card.
type Card struct {
	Bin            string `json:"bin"`
	Last4Digits    string `json:"last4Digits"`
	Holder         string `json:"holder"`
	ExpiryMonth    string `json:"expiryMonth"`
	ExpiryYear     string `json:"expiryYear"`
	LastFourDigits string `json:"lastFourDigits"`
}
