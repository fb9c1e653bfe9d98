package backoffice_test

import (
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A webhook payload decodes as an answer does: same fields, same masking.
func TestDecodePayment(t *testing.T) {
	t.Parallel()
	body := []byte(`{"id":"8ac7a4a1","referencedId":"8ac7a4a0","paymentType":"RF","amount":12.5,` +
		`"currency":"EUR","merchantTransactionId":"order-7","newField":{"x":1},` +
		`"result":{"code":"000.100.110","description":"ok","parameterErrors":[` +
		`{"name":"card.number","value":"4200000000000000","message":"m"},{"name":"card.cvv","value":"123","message":"m"}]},` +
		`"timestamp":"2015-12-07 16:46:07+0000"}`)
	p, err := backoffice.DecodePayment(body)
	require.NoError(t, err)
	assert.Equal(t, "8ac7a4a1", p.ID)
	assert.Equal(t, "8ac7a4a0", p.ReferencedID)
	assert.Equal(t, backoffice.PaymentTypeRefund, p.PaymentType)
	assert.True(t, p.Amount.Equal(dec("12.50")), "amount %s", p.Amount)
	assert.Equal(t, "order-7", p.MerchantTransactionID)
	assert.Equal(t, backoffice.ResultCode("000.100.110"), p.Result.Code)
	assert.Equal(t, time.Date(2015, 12, 7, 16, 46, 7, 0, time.UTC), p.Timestamp)
	require.Len(t, p.Result.ParameterErrors, 2)
	assert.Equal(t, "************0000", p.Result.ParameterErrors[0].Value)
	assert.Equal(t, "***", p.Result.ParameterErrors[1].Value)
	assert.NotContains(t, string(p.Raw), "4200000000000000")
	assert.NotContains(t, string(p.Raw), `"123"`)
	assert.Contains(t, string(p.Raw), `"newField":{"x":1}`, "Raw keeps fields Payment does not model")

	body[2] = 'X'
	assert.Equal(t, byte('i'), p.Raw[2], "Raw does not share memory with body")
	assert.Contains(t, string(p.Raw), `"id":"8ac7a4a1"`)
}

func TestDecodePaymentWithoutResult(t *testing.T) {
	t.Parallel()
	p, err := backoffice.DecodePayment([]byte(`{"id":"a1","paymentType":"CB"}`))
	require.NoError(t, err)
	assert.Equal(t, backoffice.PaymentTypeChargeback, p.PaymentType)
	assert.Empty(t, p.Result.Code)
}

func TestDecodePaymentRefusals(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"empty":   ``,
		"null":    `null`,
		"array":   `[{"id":"a"}]`,
		"string":  `"4200000000000000"`,
		"broken":  `{"id":"4200000000000000"`,
		"utf8":    "{\"id\":\"\xff\"}",
		"type":    `{"id":{"4200000000000000":1},"result":{"code":"000.100.110"}, "paymentType":[1]}`,
		"trailer": `{"id":"a"} 4200000000000000`,
	} {
		_, err := backoffice.DecodePayment([]byte(body))
		require.Error(t, err, name)
		assert.NotContains(t, err.Error(), "4200000000000000", name)
	}
}
