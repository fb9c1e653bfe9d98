package webhook_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/webhook"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// notify makes the notification the gateway sends for a payment.
func notify(t *testing.T, payload string) *webhook.Notification {
	t.Helper()
	h, body, err := webhook.Encrypt(vectorKey, []byte(`{"type":"PAYMENT","payload":`+payload+`}`))
	require.NoError(t, err)
	n, err := webhook.Parse(h, body, vectorKey)
	require.NoError(t, err)
	return n
}

func refundPayload(mtid, typ, ref, amount, currency, code string) string {
	return fmt.Sprintf(`{"id":"rf1","merchantTransactionId":%q,"paymentType":%q,"referencedId":%q,"amount":%q,"currency":%q,"result":{"code":%q}}`,
		mtid, typ, ref, amount, currency, code)
}

func TestSettles(t *testing.T) {
	t.Parallel()
	refund := &backoffice.UncertainError{MerchantTransactionID: "order-9-rf", Operation: backoffice.PaymentTypeRefund,
		PaymentID: "db1", Amount: decimal.RequireFromString("12.5"), Currency: "EUR", SentAt: time.Now()}
	fullReversal := &backoffice.UncertainError{MerchantTransactionID: "order-9-rv", Operation: backoffice.PaymentTypeReversal, PaymentID: "db1"}
	credit := &backoffice.UncertainError{MerchantTransactionID: "payout-3", Operation: backoffice.PaymentTypeCredit,
		Amount: decimal.RequireFromString("5"), Currency: "GBP"}
	cases := []struct {
		name    string
		u       *backoffice.UncertainError
		payload string
		settles bool
	}{
		{"exact", refund, refundPayload("order-9-rf", "RF", "db1", "12.50", "EUR", "000.100.110"), true},
		{"refused is settled too", refund, refundPayload("order-9-rf", "RF", "db1", "12.50", "EUR", "700.400.200"), true},
		{"pending is booked", refund, refundPayload("order-9-rf", "RF", "db1", "12.50", "EUR", "000.200.000"), true},
		{"no referencedId in payload", refund, refundPayload("order-9-rf", "RF", "", "12.50", "EUR", "000.100.110"), true},
		{"amount as number", refund, `{"merchantTransactionId":"order-9-rf","paymentType":"RF","amount":12.5,"currency":"EUR","result":{"code":"000.100.110"}}`, true},
		{"other merchantTransactionId", refund, refundPayload("order-9-rf2", "RF", "db1", "12.50", "EUR", "000.100.110"), false},
		{"merchantTransactionId case", refund, refundPayload("ORDER-9-RF", "RF", "db1", "12.50", "EUR", "000.100.110"), false},
		{"other type", refund, refundPayload("order-9-rf", "RV", "db1", "12.50", "EUR", "000.100.110"), false},
		{"other payment", refund, refundPayload("order-9-rf", "RF", "db2", "12.50", "EUR", "000.100.110"), false},
		{"a cent more", refund, refundPayload("order-9-rf", "RF", "db1", "12.51", "EUR", "000.100.110"), false},
		{"a cent less", refund, refundPayload("order-9-rf", "RF", "db1", "12.49", "EUR", "000.100.110"), false},
		{"no amount", refund, refundPayload("order-9-rf", "RF", "db1", "", "EUR", "000.100.110"), false},
		{"other currency", refund, refundPayload("order-9-rf", "RF", "db1", "12.50", "USD", "000.100.110"), false},
		{"no result", refund, `{"merchantTransactionId":"order-9-rf","paymentType":"RF","amount":"12.50","currency":"EUR"}`, false},
		{"gateway uncertain too", refund, refundPayload("order-9-rf", "RF", "db1", "12.50", "EUR", "900.100.300"), false},
		{"full reversal: any amount", fullReversal, refundPayload("order-9-rv", "RV", "db1", "80.00", "EUR", "000.100.110"), true},
		{"full reversal of another payment", fullReversal, refundPayload("order-9-rv", "RV", "db9", "80.00", "EUR", "000.100.110"), false},
		{"credit, no payment", credit, refundPayload("payout-3", "CD", "", "5.00", "GBP", "000.100.110"), true},
		{"credit naming a payment", credit, refundPayload("payout-3", "CD", "db1", "5.00", "GBP", "000.100.110"), false},
		{"uncertain without operation", &backoffice.UncertainError{MerchantTransactionID: "order-9-rf"},
			refundPayload("order-9-rf", "RF", "db1", "12.50", "EUR", "000.100.110"), false},
		{"uncertain without merchantTransactionId", &backoffice.UncertainError{Operation: backoffice.PaymentTypeRefund},
			refundPayload("", "RF", "", "", "", "000.100.110"), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			n := notify(t, c.payload)
			p, ok := n.Settles(c.u)
			assert.Equal(t, c.settles, ok)
			if c.settles {
				require.NotNil(t, p)
				assert.Same(t, n.Payment, p)
			} else {
				assert.Nil(t, p)
			}
		})
	}
}

func TestSettlesNeedsAPayment(t *testing.T) {
	t.Parallel()
	u := &backoffice.UncertainError{MerchantTransactionID: "m", Operation: backoffice.PaymentTypeRefund}
	h, body, err := webhook.Encrypt(vectorKey, []byte(`{"type":"RISK","payload":{"merchantTransactionId":"m","paymentType":"RF"}}`))
	require.NoError(t, err)
	n, err := webhook.Parse(h, body, vectorKey)
	require.NoError(t, err)
	_, ok := n.Settles(u)
	assert.False(t, ok)
	_, ok = (*webhook.Notification)(nil).Settles(u)
	assert.False(t, ok)
	_, ok = notify(t, refundPayload("m", "RF", "", "1.00", "EUR", "000.100.110")).Settles(nil)
	assert.False(t, ok)
}
