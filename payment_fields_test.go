package backoffice_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fields peers and users need beyond the core ones, decoded when
// present, and never a reason to refuse an answer when their shape is
// unexpected.
func TestPaymentCarriesTheFieldsUsersNeed(t *testing.T) {
	t.Parallel()
	body := `{"id":"p1","paymentType":"DB","amount":"10.00","currency":"EUR","registrationId":"8a82944a4cc25ebf014cc2c782423202",` +
		`"shortId":"5420.6916.5424","source":"SCHEDULER","paymentMethod":"CC","risk":{"score":"100"},` +
		`"customer":{"merchantCustomerId":"cust-42"},"customParameters":{"SHOPPER_tier":"gold","n":7},` +
		`"result":{"code":"000.100.110","description":"ok"}}`
	p, err := newTestClient(t, newRecorder(t, jsonAnswer(200, body)).URL, bearerCreds).Inquire(context.Background(), "p1")
	require.NoError(t, err)
	assert.Equal(t, "8a82944a4cc25ebf014cc2c782423202", p.RegistrationID)
	assert.Equal(t, "5420.6916.5424", p.ShortID)
	assert.Equal(t, "SCHEDULER", p.Source)
	assert.Equal(t, "CC", p.PaymentMethod)
	assert.Equal(t, "100", p.RiskScore)
	assert.Equal(t, "cust-42", p.MerchantCustomerID)
	assert.Equal(t, map[string]string{"SHOPPER_tier": "gold", "n": "7"}, p.CustomParameters)

	odd := `{"id":"p1","paymentType":"DB","risk":"high","customer":[1],"customParameters":{"x":{"nested":true}},` +
		`"result":{"code":"000.100.110","description":"ok"}}`
	p, err = newTestClient(t, newRecorder(t, jsonAnswer(200, odd)).URL, bearerCreds).Inquire(context.Background(), "p1")
	require.NoError(t, err, "an unexpected shape in an optional field must not hide the payment")
	assert.Equal(t, "p1", p.ID)
	assert.Empty(t, p.RiskScore)
	assert.Equal(t, map[string]string{"x": `{"nested":true}`}, p.CustomParameters, "a nested value is kept as its JSON")
}

// A Payment prints as one readable line, never as Raw's bytes.
func TestPaymentPrintsReadably(t *testing.T) {
	t.Parallel()
	body := `{"id":"rf1","referencedId":"db1","paymentType":"RF","amount":"5.00","currency":"EUR","merchantTransactionId":"m-1",` +
		`"result":{"code":"000.100.110","description":"ok"}}`
	p, err := newTestClient(t, newRecorder(t, jsonAnswer(200, body)).URL, bearerCreds).Inquire(context.Background(), "rf1")
	require.NoError(t, err)
	want := `backoffice.Payment{rf1 RF 5.00 EUR result 000.100.110 "ok" of db1 merchantTransactionId "m-1"}`
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		assert.Equal(t, want, fmt.Sprintf(verb, *p), verb)
	}
	assert.Equal(t, want, fmt.Sprint(p), "a pointer prints the same")
}
