package backofficetest_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/c81406b6/backoffice/webhook"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const webhookSecret = "9f1e0d2c3b4a59687766554433221100ffeeddccbbaa99887766554433221100"

// merchant is a merchant's webhook endpoint: it keeps every notification
// its fn accepted, and fails the first failures deliveries.
type merchant struct {
	mu       sync.Mutex
	got      []*webhook.Notification
	failures int
	url      string
}

func newMerchant(t *testing.T, failures int) *merchant {
	m := &merchant{failures: failures}
	ts := httptest.NewServer(webhook.Handler(webhookSecret, func(_ context.Context, n *webhook.Notification) error {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.failures != 0 {
			m.failures--
			return errors.New("merchant database down")
		}
		m.got = append(m.got, n)
		return nil
	}))
	t.Cleanup(ts.Close)
	m.url = ts.URL
	return m
}

func (m *merchant) notifications() []*webhook.Notification {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*webhook.Notification(nil), m.got...)
}

func flush(t *testing.T, g *gateway) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, g.srv.FlushWebhooks(ctx))
}

// ids lists each notification's payment type and result code.
func kinds(ns []*webhook.Notification) []string {
	var out []string
	for _, n := range ns {
		out = append(out, string(n.Payment.PaymentType)+" "+string(n.Payment.Result.Code))
	}
	return out
}

// Every payment the fake records is notified, in recording order, with
// the payload its answer had, decrypting under the merchant's secret.
func TestWebhookEveryRecord(t *testing.T) {
	t.Parallel()
	m := newMerchant(t, 0)
	g := newGateway(t, backofficetest.WithWebhook(m.url, webhookSecret))
	debit := g.srv.Debit(dec("50.00"), "EUR")
	refund := g.operate(debit, "RF", "20.00", "EUR", "merchantTransactionId", "order-1-rf")
	require.Equal(t, http.StatusOK, refund.status)
	refused := g.operate(debit, "RF", "30.01", "EUR")
	require.Equal(t, http.StatusBadRequest, refused.status)
	flush(t, g)

	got := m.notifications()
	require.Equal(t, []string{"DB 000.100.110", "RF 000.100.110", "RF 700.400.200"}, kinds(got))
	for _, n := range got {
		assert.Equal(t, "PAYMENT", n.Type)
	}
	rf := got[1].Payment
	assert.Equal(t, refund.p.ID, rf.ID)
	assert.Equal(t, debit, rf.ReferencedID)
	assert.Equal(t, "order-1-rf", rf.MerchantTransactionID)
	assert.True(t, rf.Amount.Equal(dec("20")))
	assert.JSONEq(t, string(refund.body), string(rf.Raw), "the payload is the payment's answer")
	for _, d := range g.srv.WebhookDeliveries() {
		assert.Equal(t, http.StatusOK, d.Status)
		assert.Equal(t, 1, d.Attempt)
	}
}

// A delivery answered with a non-2xx is retried, quickly and a bounded
// number of times.
func TestWebhookRetries(t *testing.T) {
	t.Parallel()
	m := newMerchant(t, 2)
	g := newGateway(t, backofficetest.WithWebhook(m.url, webhookSecret),
		backofficetest.WithWebhookPolicy(backofficetest.WebhookPolicy{Attempts: 4, Backoff: time.Millisecond}))
	debit := g.srv.Debit(dec("10.00"), "EUR")
	flush(t, g)
	require.Len(t, m.notifications(), 1)
	var statuses []int
	for _, d := range g.srv.WebhookDeliveries() {
		assert.Equal(t, debit, d.PaymentID)
		statuses = append(statuses, d.Status)
	}
	assert.Equal(t, []int{500, 500, 200}, statuses)

	// A merchant that never accepts gets exactly Attempts deliveries.
	never := newMerchant(t, -1)
	g = newGateway(t, backofficetest.WithWebhook(never.url, webhookSecret),
		backofficetest.WithWebhookPolicy(backofficetest.WebhookPolicy{Attempts: 3, Backoff: time.Millisecond}))
	g.srv.Debit(dec("10.00"), "EUR")
	start := time.Now()
	flush(t, g)
	assert.Less(t, time.Since(start), 2*time.Second, "fast in tests")
	assert.Empty(t, never.notifications())
	ds := g.srv.WebhookDeliveries()
	require.Len(t, ds, 3)
	assert.Equal(t, 3, ds[2].Attempt)

	// A merchant with another secret answers 400; that is retried too.
	g = newGateway(t, backofficetest.WithWebhook(m.url, "00"+webhookSecret[2:]),
		backofficetest.WithWebhookPolicy(backofficetest.WebhookPolicy{Attempts: 2, Backoff: time.Millisecond}))
	g.srv.Debit(dec("10.00"), "EUR")
	flush(t, g)
	ds = g.srv.WebhookDeliveries()
	require.Len(t, ds, 2)
	assert.Equal(t, http.StatusBadRequest, ds[1].Status)
}

// Duplicate and OutOfOrder deliver what a merchant's handler must survive.
func TestWebhookDuplicatesAndOrder(t *testing.T) {
	t.Parallel()
	m := newMerchant(t, 0)
	g := newGateway(t, backofficetest.WithWebhook(m.url, webhookSecret),
		backofficetest.WithWebhookPolicy(backofficetest.WebhookPolicy{Duplicate: true, OutOfOrder: true, Wrapped: true}))
	pa := g.srv.Preauthorize(dec("30.00"), "EUR")
	cp := g.book(pa, "CP", "30.00", "EUR")
	g.book(cp, "RF", "5.00", "EUR")
	time.Sleep(20 * time.Millisecond)
	assert.Empty(t, m.notifications(), "held until FlushWebhooks")
	flush(t, g)
	assert.Equal(t, []string{"RF 000.100.110", "RF 000.100.110", "CP 000.100.110", "CP 000.100.110",
		"PA 000.100.110", "PA 000.100.110"}, kinds(m.notifications()), "newest first, each twice")
	dups := 0
	for _, d := range g.srv.WebhookDeliveries() {
		if d.Duplicate {
			dups++
		}
	}
	assert.Equal(t, 3, dups)

	// Later ones are held again.
	g.srv.Debit(dec("1.00"), "EUR")
	time.Sleep(20 * time.Millisecond)
	assert.Len(t, m.notifications(), 6)
	flush(t, g)
	assert.Len(t, m.notifications(), 8)
}

// The bank's chargeback reaches the merchant only by webhook, with its
// reason as the result code, even where merchants may not book one.
func TestBankChargeback(t *testing.T) {
	t.Parallel()
	m := newMerchant(t, 0)
	g := newGateway(t, backofficetest.WithWebhook(m.url, webhookSecret), backofficetest.WithInternalChargebacksOnly())
	debit := g.srv.Debit(dec("80.00"), "EUR")
	e, err := g.srv.BankChargeback(debit, decimal.Zero, "000.100.220")
	require.NoError(t, err)
	assert.Equal(t, backoffice.PaymentTypeChargeback, e.Type)
	assert.True(t, e.Amount.Equal(dec("80")), "zero means the whole charge")
	assert.Equal(t, []backofficetest.Entry{e}, g.srv.Entries(debit, backoffice.PaymentTypeChargeback))
	assert.Equal(t, "700.300.600", g.operate(debit, "RF", "1.00", "EUR").p.Result.Code, "no refund while it stands")
	flush(t, g)
	got := m.notifications()
	require.Equal(t, []string{"DB 000.100.110", "CB 000.100.220", "RF 700.300.600"}, kinds(got))
	assert.Equal(t, debit, got[1].Payment.ReferencedID)
	assert.Equal(t, "Fraudulent Transaction", got[1].Payment.Result.Description)

	for name, call := range map[string]func() error{
		"second chargeback": func() error { _, err := g.srv.BankChargeback(debit, decimal.Zero, "000.100.221"); return err },
		"not a reason":      func() error { _, err := g.srv.BankChargeback(debit, decimal.Zero, "000.100.110"); return err },
		"unknown payment":   func() error { _, err := g.srv.BankChargeback("nope", decimal.Zero, "000.100.220"); return err },
		"above the amount": func() error {
			_, err := g.srv.BankChargeback(g.srv.Debit(dec("1.00"), "EUR"), dec("1.01"), "000.100.220")
			return err
		},
		"on a PA": func() error {
			_, err := g.srv.BankChargeback(g.srv.Preauthorize(dec("1.00"), "EUR"), decimal.Zero, "000.100.220")
			return err
		},
	} {
		assert.Error(t, call(), name)
	}
	assert.Len(t, g.srv.Entries(debit, backoffice.PaymentTypeChargeback), 1)
}

// A pending payment is notified twice: pending, then final once it settles.
func TestPendingPaymentSettlesLater(t *testing.T) {
	t.Parallel()
	m := newMerchant(t, 0)
	g := newGateway(t, backofficetest.WithWebhook(m.url, webhookSecret))
	id := g.srv.DebitPending(dec("15.00"), "EUR")
	assert.Equal(t, "700.300.200", g.operate(id, "RF", "1.00", "EUR").p.Result.Code, "not refundable while pending")
	_, err := g.srv.SettlePending(id, "000.200.100")
	require.Error(t, err, "a pending code does not settle")
	e, err := g.srv.SettlePending(id, "000.000.000")
	require.NoError(t, err)
	assert.Equal(t, id, e.ID)
	_, err = g.srv.SettlePending(id, "000.000.000")
	require.Error(t, err, "settles once")
	assert.Equal(t, http.StatusOK, g.operate(id, "RF", "1.00", "EUR").status, "refundable once settled")
	assert.Equal(t, "000.000.000", g.get("/v1/query/"+id, form()).p.Result.Code)
	flush(t, g)
	assert.Equal(t, []string{"DB 000.200.000", "RF 700.300.200", "DB 000.000.000", "RF 000.100.110"}, kinds(m.notifications()))

	declined := g.srv.DebitPending(dec("2.00"), "EUR")
	_, err = g.srv.SettlePending(declined, "800.100.151")
	require.NoError(t, err)
	e, found := g.srv.Lookup(declined)
	require.True(t, found)
	assert.Equal(t, backoffice.ResultCode("800.100.151"), e.Code)
	for _, booked := range g.srv.Ledger() {
		assert.NotEqual(t, declined, booked.ID, "a declined payment is no booking")
	}
	assert.Contains(t, g.srv.Attempts(), e)
}

// A refund whose answer was lost settles from its notification, with no
// look-up.
func TestWebhookSettlesUncertainRefund(t *testing.T) {
	t.Parallel()
	m := newMerchant(t, 0)
	g := newGateway(t, backofficetest.WithWebhook(m.url, webhookSecret))
	debit := g.srv.Debit(dec("40.00"), "EUR")
	g.srv.InjectFault(backofficetest.OpRefund, 1, backofficetest.Fault{Kind: backofficetest.FaultDropAfterBooking})
	_, err := g.try(g.postRequest("/v1/payments/"+debit, form("entityId", g.srv.BearerCredentials().EntityID,
		"paymentType", "RF", "amount", "12.00", "currency", "EUR", "merchantTransactionId", "bulk-77")))
	require.Error(t, err, "the answer is lost")
	u := &backoffice.UncertainError{MerchantTransactionID: "bulk-77", Operation: backoffice.PaymentTypeRefund,
		PaymentID: debit, Amount: dec("12.00"), Currency: "EUR", SentAt: time.Now()}
	flush(t, g)
	var settled *backoffice.Payment
	for _, n := range m.notifications() {
		if p, ok := n.Settles(u); ok {
			settled = p
		}
	}
	require.NotNil(t, settled)
	assert.True(t, settled.Result.Code.IsSuccessful())
	assert.Equal(t, g.srv.Entries(debit, backoffice.PaymentTypeRefund)[0].ID, settled.ID)
}
