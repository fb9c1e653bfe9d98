package backofficetest_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSeed(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 7, 1, 9, 30, 0, 0, time.UTC)
	g := newGateway(t, backofficetest.WithClock(func() time.Time { return now }))
	earlier := time.Date(2024, 6, 1, 8, 0, 0, 0, time.FixedZone("CEST", 2*3600))

	dated, err := g.srv.Seed(backofficetest.SeedPayment{Type: backoffice.PaymentTypeDebit, Amount: dec("12.34"),
		Currency: "JPY", MerchantTransactionID: "order-1", At: earlier})
	require.NoError(t, err)
	undated, err := g.srv.Seed(backofficetest.SeedPayment{Type: backoffice.PaymentTypePreauthorization, Amount: dec("1"), Currency: "EUR"})
	require.NoError(t, err)

	assert.Regexp(t, hex32, dated.ID)
	assert.Empty(t, dated.ReferencedID)
	assert.Equal(t, backoffice.PaymentTypeDebit, dated.Type)
	assert.True(t, dated.Amount.Equal(dec("12.34")))
	assert.Equal(t, "JPY", dated.Currency)
	assert.Equal(t, "order-1", dated.MerchantTransactionID)
	assert.Equal(t, backoffice.ResultCode("000.100.110"), dated.Code)
	assert.Equal(t, earlier.UTC(), dated.At, "stored in UTC")
	assert.Equal(t, now, undated.At, "zero At means the clock's now")
	assert.Equal(t, []backofficetest.Entry{dated, undated}, g.srv.Ledger())
	got, ok := g.srv.Lookup(undated.ID)
	require.True(t, ok)
	assert.Equal(t, undated, got)
	_, ok = g.srv.Lookup("8a82944a6242c8f00162506ec4b30d44")
	assert.False(t, ok)

	r := g.get("/v1/query/"+dated.ID, url.Values{})
	assert.Equal(t, "12.34", r.p.Amount)
	assert.Equal(t, "2024-06-01 06:00:00.000+0000", r.p.Timestamp)
}

func TestWithClockNilMeansTimeNow(t *testing.T) {
	t.Parallel()
	g := newGateway(t, backofficetest.WithClock(nil))
	before := time.Now()

	e, err := g.srv.Seed(backofficetest.SeedPayment{Type: backoffice.PaymentTypeDebit, Amount: dec("1.00"), Currency: "EUR"})

	require.NoError(t, err)
	assert.False(t, e.At.Before(before.Truncate(time.Second)))
	assert.False(t, e.At.After(time.Now()))
}

func TestSeedRefusesInvalidPayments(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		p    backofficetest.SeedPayment
	}{
		{"operation type", backofficetest.SeedPayment{Type: backoffice.PaymentTypeCapture, Amount: dec("1.00"), Currency: "EUR"}},
		{"credit", backofficetest.SeedPayment{Type: backoffice.PaymentTypeCredit, Amount: dec("1.00"), Currency: "EUR"}},
		{"zero amount", backofficetest.SeedPayment{Type: backoffice.PaymentTypeDebit, Currency: "EUR"}},
		{"negative amount", backofficetest.SeedPayment{Type: backoffice.PaymentTypeDebit, Amount: dec("-1.00"), Currency: "EUR"}},
		{"three decimals", backofficetest.SeedPayment{Type: backoffice.PaymentTypeDebit, Amount: dec("1.005"), Currency: "EUR"}},
		{"thirteen digits", backofficetest.SeedPayment{Type: backoffice.PaymentTypeDebit, Amount: dec("1000000000000"), Currency: "EUR"}},
		{"unknown currency", backofficetest.SeedPayment{Type: backoffice.PaymentTypeDebit, Amount: dec("1.00"), Currency: "XXX"}},
		{"lower-case currency", backofficetest.SeedPayment{Type: backoffice.PaymentTypeDebit, Amount: dec("1.00"), Currency: "eur"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newGateway(t)

			_, err := g.srv.Seed(tc.p)

			assert.Error(t, err)
			assert.Empty(t, g.srv.Ledger())
		})
	}
}

func TestSeedHelpers(t *testing.T) {
	t.Parallel()
	g := newGateway(t)

	auth := g.srv.Preauthorize(dec("999999999999.99"), "EUR")
	debit := g.srv.Debit(dec("0.01"), "KWD")

	ledger := g.srv.Ledger()
	require.Len(t, ledger, 2)
	assert.Equal(t, auth, ledger[0].ID)
	assert.Equal(t, backoffice.PaymentTypePreauthorization, ledger[0].Type)
	assert.Equal(t, debit, ledger[1].ID)
	assert.Equal(t, backoffice.PaymentTypeDebit, ledger[1].Type)
	assert.Panics(t, func() { g.srv.Debit(decimal.Zero, "EUR") })
	assert.Panics(t, func() { g.srv.Preauthorize(dec("1.00"), "") })
}

func TestEntriesFiltersByReferenceAndType(t *testing.T) {
	t.Parallel()
	g := newGateway(t)
	debit, other := debit50(g), debit50(g)
	rf1 := g.book(debit, "RF", "1.00", "EUR")
	rb := g.book(debit, "RB", "2.00", "EUR")
	g.book(other, "RF", "3.00", "EUR")
	rf2 := g.book(debit, "RF", "4.00", "EUR")
	g.operate(debit, "RF", "99.00", "EUR") // refused: not an entry

	ids := func(es []backofficetest.Entry) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}
	assert.Equal(t, []string{rf1, rb, rf2}, ids(g.srv.Entries(debit)))
	assert.Equal(t, []string{rf1, rf2}, ids(g.srv.Entries(debit, backoffice.PaymentTypeRefund)))
	assert.Equal(t, []string{rf1, rb, rf2}, ids(g.srv.Entries(debit, backoffice.PaymentTypeRefund, backoffice.PaymentTypeRebill)))
	assert.Empty(t, g.srv.Entries(debit, backoffice.PaymentTypeCapture))
	assert.Empty(t, g.srv.Entries(rf1))
	assert.Len(t, g.srv.Ledger(), 6)
	assert.Len(t, g.srv.Attempts(), 1)
}
