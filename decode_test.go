package backoffice_test

import (
	"context"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The seed documents' sample answers, parsed field by field.

func TestSeedCaptureResponse(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, jsonAnswer(200, readTestdata(t, "responses/bearer_capture.json")))
	p, err := newTestClient(t, rec.URL, bearerCreds).Capture(context.Background(), "8a8294496242ba5301625069d1b27e3d",
		backoffice.CaptureRequest{Amount: dec("1.00"), Currency: "BRL", MerchantTransactionID: "Order Number 123"})
	require.NoError(t, err)
	assert.Equal(t, "8a8294496242ba5301625069d1b27e3d", p.ID)
	assert.Equal(t, "", p.ReferencedID, "the seed's capture answer has no referencedId")
	assert.Equal(t, backoffice.PaymentTypeCapture, p.PaymentType)
	assert.True(t, dec("1.00").Equal(p.Amount), "amount %s", p.Amount)
	assert.Equal(t, "BRL", p.Currency)
	assert.Equal(t, "123 Usage", p.Descriptor)
	assert.Equal(t, "Order Number 123", p.MerchantTransactionID)
	assert.Equal(t, backoffice.ResultCode("000.100.112"), p.Result.Code)
	assert.Equal(t, "Request successfully processed in 'Merchant in Connector Test Mode'", p.Result.Description)
	assert.Empty(t, p.Result.ParameterErrors)
	assert.Equal(t, "[email protected] 13:31:26 +0000", p.BuildNumber)
	assert.Equal(t, time.Date(2018, 3, 23, 1, 12, 17, 0, time.UTC), p.Timestamp)
	assert.Equal(t, "8a8294174e918ca6014e9c6f5ae12a9c_9bba1957b8e2492485f25fea121a0842", p.NDC)
	assert.Nil(t, p.Card)
	assert.JSONEq(t, readTestdata(t, "responses/bearer_capture.json"), string(p.Raw), "Raw is the body as received")
}

func TestSeedRefundResponse(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, jsonAnswer(200, readTestdata(t, "responses/bearer_refund.json")))
	p, err := newTestClient(t, rec.URL, bearerCreds).Refund(context.Background(), "8a8294496242ba5301625069d1b27e3d",
		backoffice.RefundRequest{Amount: dec("1.00"), Currency: "BRL", MerchantTransactionID: "Order Number 123"})
	require.NoError(t, err)
	assert.Equal(t, "8a82944a6242c8f00162506ec4b30d44", p.ID)
	assert.Equal(t, backoffice.PaymentTypeRefund, p.PaymentType)
	assert.True(t, dec("1").Equal(p.Amount))
	assert.Equal(t, "BRL", p.Currency)
	assert.Equal(t, time.Date(2018, 3, 23, 1, 17, 41, 0, time.UTC), p.Timestamp)
	assert.Equal(t, "8a8294174e918ca6014e9c6f5ae12a9c_29f945aaf03d4d10908622d4a66e6632", p.NDC)
	assert.True(t, p.Result.Code.IsSuccessful())
}

func TestSeedReversalResponse(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, jsonAnswer(200, readTestdata(t, "responses/bearer_reversal.json")))
	p, err := newTestClient(t, rec.URL, bearerCreds).Reverse(context.Background(), "8a82944a6242c8f00162505f33cf77ef",
		backoffice.ReversalRequest{MerchantTransactionID: "Order Number 321"})
	require.NoError(t, err)
	assert.Equal(t, "8a82944a6242c8f00162505f33cf77ef", p.ID)
	assert.Equal(t, backoffice.PaymentTypeReversal, p.PaymentType)
	assert.True(t, dec("1.00").Equal(p.Amount))
	assert.Equal(t, "MXN", p.Currency)
	assert.Equal(t, "7861.8263.2098 MX_CC_Initial 123 Usage", p.Descriptor)
	assert.Equal(t, "Order Number 321", p.MerchantTransactionID)
	assert.Equal(t, time.Date(2018, 3, 23, 1, 0, 40, 0, time.UTC), p.Timestamp)
}

func TestSeedCreditResponse(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, jsonAnswer(200, readTestdata(t, "responses/bearer_credit.json")))
	p, err := newTestClient(t, rec.URL, bearerCreds).Credit(context.Background(), backoffice.CreditRequest{
		Amount: dec("100.00"), Currency: "EUR", PaymentBrand: "VISA", Card: card, MerchantTransactionID: "P175"})
	require.NoError(t, err)
	assert.Equal(t, "8ac7a4a192b3b5060192b471c0d82dfb", p.ID)
	assert.Equal(t, backoffice.PaymentTypeCredit, p.PaymentType)
	assert.Equal(t, "VISA", p.PaymentBrand)
	assert.True(t, dec("100").Equal(p.Amount))
	assert.Equal(t, "EUR", p.Currency)
	assert.Equal(t, "7548.8324.7369 ECOMChannel ", p.Descriptor)
	assert.Equal(t, "P175", p.MerchantTransactionID)
	assert.Equal(t, map[string]string{
		"ExtendedDescription":   "Approved or completed successfully",
		"clearingInstituteName": "Postbank P.O.S. Transact GmbH",
		"ConnectorTxID1":        "852105",
		"ConnectorTxID3":        "26K00001",
		"AcquirerResponse":      "00",
		"reconciliationId":      "P175",
		"merchantAccountId":     "8a8294184f1d2f31014f25d1b00609b9",
	}, p.ResultDetails)
	require.NotNil(t, p.Card)
	assert.Equal(t, backoffice.CardInfo{Bin: "420000", Last4Digits: "0042", Holder: "John Smith", ExpiryMonth: "02", ExpiryYear: "2027"}, *p.Card)
	assert.Equal(t, "1a09c7f6b69eaea67758a3050d39aeeeeec97625@2024-10-22 15:02:36 +0000", p.BuildNumber)
	assert.Equal(t, time.Date(2024, 10, 22, 13, 36, 46, 0, time.UTC), p.Timestamp)
	assert.Equal(t, "8ac7a4c890fc748b0190fe6ad56b0241_cf4d3a0aa0f342e3a5837f7af9b5d994", p.NDC)
}

func TestSeedChecksumInquiryResponse(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, jsonAnswer(200, readTestdata(t, "responses/checksum_inquiry.json")))
	p, err := newTestClient(t, rec.URL, checksumCreds).Inquire(context.Background(), "54289")
	require.NoError(t, err)
	assert.Equal(t, "54289", p.ID)
	assert.Equal(t, "capturesuccess", p.Status)
	assert.Equal(t, "Y", p.TransactionStatus)
	assert.True(t, dec("1.00").Equal(p.Amount))
	assert.Equal(t, "EUR", p.Currency)
	assert.Equal(t, "Order-54289", p.MerchantTransactionID)
	assert.Equal(t, backoffice.ResultCode("00026"), p.Result.Code)
	assert.Equal(t, "Your record found successfully", p.Result.Description)
	assert.Equal(t, time.Date(2023, 2, 9, 19, 42, 23, 0, time.UTC), p.Timestamp, "zone-less timestamps are UTC")
}

func TestInvalidParameterResponseIsResultErrorWithParameterErrors(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, jsonAnswer(400, readTestdata(t, "responses/bearer_invalid_amount.json")))
	_, err := newTestClient(t, rec.URL, bearerCreds).Capture(context.Background(), "8a8294496242ba5301625069d1b27e3d",
		backoffice.CaptureRequest{Amount: dec("1.00"), Currency: "EUR"})
	var re *backoffice.ResultError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 400, re.StatusCode)
	assert.Equal(t, backoffice.ResultCode("200.300.404"), re.Result.Code)
	assert.Equal(t, []backoffice.ParameterError{
		{Name: "amount", Value: "-20.20", Message: `must match ^[0-9]{1,12}(\.[0-9]{2})?$`},
		{Name: "customParameters[x]", Value: "", Message: "may not be null"},
	}, re.Result.ParameterErrors)
	require.NotNil(t, re.Payment, "the body is kept even without an id")
	assert.Equal(t, "", re.Payment.ID)
	assert.Equal(t, time.Date(2022, 8, 25, 13, 43, 44, 65e6, time.UTC), re.Payment.Timestamp, "milliseconds are accepted")
	assert.Len(t, rec.Requests(), 1, "a refusal is final: no retry")
}

func TestInvalidAuthenticationIsResultError(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, jsonAnswer(401, readTestdata(t, "responses/bearer_invalid_auth.json")))
	_, err := newTestClient(t, rec.URL, bearerCreds).Inquire(context.Background(), "8a8294496242ba5301625069d1b27e3d")
	var re *backoffice.ResultError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 401, re.StatusCode)
	assert.Equal(t, backoffice.ResultCode("800.900.300"), re.Result.Code)
}

func TestUnknownFieldsAndOddTypesNeverBreakParsing(t *testing.T) {
	t.Parallel()
	body := `{"id":"x1","paymentType":"RF","amount":12.5,"currency":"EUR","result":{"code":"000.000.000","description":"ok","extra":[1,2]},` +
		`"resultDetails":{"n":5,"b":true,"s":"x","z":null},"brandNewField":{"deep":[{"a":1}]},"timestamp":"not a time"}`
	rec := newRecorder(t, jsonAnswer(200, body))
	p, err := newTestClient(t, rec.URL, bearerCreds).Refund(context.Background(), "x0", backoffice.RefundRequest{Amount: dec("12.50"), Currency: "EUR"})
	require.NoError(t, err)
	assert.True(t, dec("12.5").Equal(p.Amount), "a numeric amount is read exactly")
	assert.Equal(t, map[string]string{"n": "5", "b": "true", "s": "x", "z": ""}, p.ResultDetails)
	assert.True(t, p.Timestamp.IsZero(), "an unparsable timestamp is left zero, not an error")
	assert.JSONEq(t, body, string(p.Raw))
}
