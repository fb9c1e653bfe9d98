package backofficetest_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const booked = "000.100.110"

var hex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)

// Setups for the rule cases: each books what the case needs and returns
// the id the case operates on.

func debit50(g *gateway) string { return g.srv.Debit(dec("50.00"), "EUR") }

func auth10(g *gateway) string { return g.srv.Preauthorize(dec("10.00"), "EUR") }

// capture10 returns a CP of 10.00 on a PA of 10.00.
func capture10(g *gateway) string { return g.book(auth10(g), "CP", "10.00", "EUR") }

// capturedAuth returns a PA of 10.00 captured in full.
func capturedAuth(g *gateway) string {
	id := auth10(g)
	g.book(id, "CP", "10.00", "EUR")
	return id
}

// chargeback20 returns a CB of 20.00 on a DB of 50.00.
func chargeback20(g *gateway) string { return g.book(debit50(g), "CB", "20.00", "EUR") }

// then runs steps after setup: each step books (typ, amount) on the id.
func then(setup func(*gateway) string, steps ...[2]string) func(*gateway) string {
	return func(g *gateway) string {
		id := setup(g)
		for _, s := range steps {
			currency := "EUR"
			if s[1] == "" { // a full reversal sends neither
				currency = ""
			}
			g.book(id, s[0], s[1], currency)
		}
		return id
	}
}

func TestMoneyRules(t *testing.T) {
	t.Parallel()
	multi := []backofficetest.Option{backofficetest.WithMultipleCaptures(true)}
	cases := []struct {
		name     string
		opts     []backofficetest.Option
		setup    func(*gateway) string
		typ      string
		amount   string // "" sends neither amount nor currency
		currency string // defaults to EUR when amount is set
		code     string
	}{
		// Any operation on an earlier payment.
		{name: "unknown reference", setup: func(*gateway) string { return "8a82944a6242c8f00162506ec4b30d44" }, typ: "RF", amount: "1.00", code: "700.100.100"},
		{name: "reference to a refused attempt", setup: func(g *gateway) string {
			return g.operate(auth10(g), "CP", "10.01", "EUR").p.ID
		}, typ: "RF", amount: "1.00", code: "700.300.200"},
		{name: "currency mismatch", setup: debit50, typ: "RF", amount: "1.00", currency: "USD", code: "700.100.500"},

		// Capture.
		{name: "capture exactly the authorized amount", setup: auth10, typ: "CP", amount: "10.00", code: booked},
		{name: "capture one cent more than authorized", setup: auth10, typ: "CP", amount: "10.01", code: "700.400.100"},
		{name: "capture part", setup: auth10, typ: "CP", amount: "4.00", code: booked},
		{name: "second capture in single-capture mode", setup: then(auth10, [2]string{"CP", "4.00"}), typ: "CP", amount: "1.00", code: "700.400.100"},
		{name: "second capture within the rest, multiple captures", opts: multi, setup: then(auth10, [2]string{"CP", "4.00"}), typ: "CP", amount: "6.00", code: booked},
		{name: "second capture one cent over, multiple captures", opts: multi, setup: then(auth10, [2]string{"CP", "4.00"}), typ: "CP", amount: "6.01", code: "700.400.100"},
		{name: "capture of a fully captured PA, multiple captures", opts: multi, setup: then(auth10, [2]string{"CP", "4.00"}, [2]string{"CP", "6.00"}), typ: "CP", amount: "0.01", code: "700.400.100"},
		{name: "capture of a reversed PA", setup: then(auth10, [2]string{"RV", ""}), typ: "CP", amount: "1.00", code: "700.400.100"},
		{name: "capture of the rest after a partial reversal", setup: then(auth10, [2]string{"RV", "3.00"}), typ: "CP", amount: "7.00", code: booked},
		{name: "capture over the rest after a partial reversal", setup: then(auth10, [2]string{"RV", "3.00"}), typ: "CP", amount: "7.01", code: "700.400.100"},
		{name: "capture of a DB", setup: debit50, typ: "CP", amount: "1.00", code: "700.400.510"},

		// Refund.
		{name: "refund a DB in full", setup: debit50, typ: "RF", amount: "50.00", code: booked},
		{name: "refund one cent more than debited", setup: debit50, typ: "RF", amount: "50.01", code: "700.400.200"},
		{name: "refund the rest after partial refunds", setup: then(debit50, [2]string{"RF", "30.00"}, [2]string{"RF", "15.00"}), typ: "RF", amount: "5.00", code: booked},
		{name: "refund one cent over after partial refunds", setup: then(debit50, [2]string{"RF", "30.00"}, [2]string{"RF", "15.00"}), typ: "RF", amount: "5.01", code: "700.400.200"},
		{name: "refund a CP", setup: capture10, typ: "RF", amount: "10.00", code: booked},
		{name: "refund a CP one cent over", setup: capture10, typ: "RF", amount: "10.01", code: "700.400.200"},
		{name: "refund a captured PA", setup: capturedAuth, typ: "RF", amount: "10.00", code: booked},
		{name: "refund a captured PA one cent over", setup: capturedAuth, typ: "RF", amount: "10.01", code: "700.400.200"},
		{name: "refund a PA without capture", setup: auth10, typ: "RF", amount: "1.00", code: "700.400.520"},
		{name: "refund a fully reversed DB", setup: then(debit50, [2]string{"RV", ""}), typ: "RF", amount: "1.00", code: "700.400.200"},
		{name: "refund the rest of a partly reversed DB", setup: then(debit50, [2]string{"RV", "20.00"}), typ: "RF", amount: "30.00", code: booked},
		{name: "refund over the rest of a partly reversed DB", setup: then(debit50, [2]string{"RV", "20.00"}), typ: "RF", amount: "30.01", code: "700.400.200"},
		{name: "refund a refund", setup: func(g *gateway) string { return g.book(debit50(g), "RF", "1.00", "EUR") }, typ: "RF", amount: "1.00", code: "700.400.520"},
		{name: "refund a RB", setup: func(g *gateway) string { return g.book(debit50(g), "RB", "5.00", "EUR") }, typ: "RF", amount: "5.00", code: booked},
		{name: "refund while a chargeback stands", setup: then(debit50, [2]string{"CB", "50.00"}), typ: "RF", amount: "1.00", code: "700.300.600"},

		// Reversal.
		{name: "full reversal of a DB", setup: debit50, typ: "RV", code: booked},
		{name: "full reversal of a PA", setup: auth10, typ: "RV", code: booked},
		{name: "second full reversal", setup: then(auth10, [2]string{"RV", ""}), typ: "RV", code: "700.400.300"},
		{name: "partial reversal", setup: auth10, typ: "RV", amount: "3.00", code: booked},
		{name: "partial reversal over the rest", setup: then(auth10, [2]string{"RV", "3.00"}), typ: "RV", amount: "7.01", code: "700.400.300"},
		{name: "reversal after a capture", setup: then(auth10, [2]string{"CP", "1.00"}), typ: "RV", code: "700.400.300"},
		{name: "reversal after a refund", setup: then(debit50, [2]string{"RF", "1.00"}), typ: "RV", code: "700.400.300"},
		{name: "reversal while a chargeback stands", setup: then(debit50, [2]string{"CB", "1.00"}), typ: "RV", code: "700.300.600"},
		{name: "reversal of a CP", setup: capture10, typ: "RV", code: "700.400.530"},

		// Rebill.
		{name: "rebill a DB above its amount", setup: debit50, typ: "RB", amount: "80.00", code: booked},
		{name: "rebill a PA", setup: auth10, typ: "RB", amount: "1.00", code: "700.100.700"},

		// Chargeback and its reversal.
		{name: "chargeback a DB in full", setup: debit50, typ: "CB", amount: "50.00", code: booked},
		{name: "chargeback a CP", setup: capture10, typ: "CB", amount: "10.00", code: booked},
		{name: "chargeback over the amount", setup: debit50, typ: "CB", amount: "50.01", code: "700.100.300"},
		{name: "chargeback a PA", setup: auth10, typ: "CB", amount: "1.00", code: "700.400.550"},
		{name: "second chargeback", setup: then(debit50, [2]string{"CB", "1.00"}), typ: "CB", amount: "1.00", code: "700.400.400"},
		{name: "chargeback after a reversed chargeback", setup: func(g *gateway) string {
			id := debit50(g)
			g.book(g.book(id, "CB", "1.00", "EUR"), "CR", "1.00", "EUR")
			return id
		}, typ: "CB", amount: "1.00", code: booked},
		{name: "chargeback, internal chargebacks only", opts: []backofficetest.Option{backofficetest.WithInternalChargebacksOnly()}, setup: debit50, typ: "CB", amount: "1.00", code: "700.400.402"},
		{name: "refund after a reversed chargeback", setup: func(g *gateway) string {
			id := debit50(g)
			g.book(g.book(id, "CB", "1.00", "EUR"), "CR", "1.00", "EUR")
			return id
		}, typ: "RF", amount: "50.00", code: booked},
		{name: "chargeback reversal", setup: chargeback20, typ: "CR", amount: "20.00", code: booked},
		{name: "chargeback reversal twice", setup: then(chargeback20, [2]string{"CR", "20.00"}), typ: "CR", amount: "20.00", code: "700.400.410"},
		{name: "chargeback reversal over the chargeback", setup: chargeback20, typ: "CR", amount: "20.01", code: "700.100.300"},
		{name: "chargeback reversal of a DB", setup: debit50, typ: "CR", amount: "1.00", code: "700.400.420"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newGateway(t, tc.opts...)
			target := tc.setup(g)
			currency := tc.currency
			if tc.amount != "" && currency == "" {
				currency = "EUR"
			}
			before := len(g.srv.Ledger())
			r := g.operate(target, tc.typ, tc.amount, currency, "merchantTransactionId", "case-1")

			require.True(t, r.jsonOK, "%s", r.body)
			assert.Equal(t, tc.code, r.p.Result.Code, "%s", r.body)
			assert.Regexp(t, hex32, r.p.ID, "every booking and every refused attempt has an id")
			assert.Equal(t, tc.typ, r.p.PaymentType)
			assert.Equal(t, target, r.p.ReferencedID)
			assert.Equal(t, "case-1", r.p.MerchantTransactionID)
			if tc.amount != "" {
				assert.Equal(t, tc.amount, r.p.Amount)
				assert.Equal(t, currency, r.p.Currency)
			}

			e, found := g.srv.Lookup(r.p.ID)
			require.True(t, found)
			assert.Equal(t, backoffice.ResultCode(tc.code), e.Code)
			if tc.code == booked {
				assert.Equal(t, http.StatusOK, r.status)
				assert.Len(t, g.srv.Ledger(), before+1)
				assert.Contains(t, g.srv.Entries(target, backoffice.PaymentType(tc.typ)), e)
			} else {
				assert.Equal(t, http.StatusBadRequest, r.status)
				assert.Len(t, g.srv.Ledger(), before, "a refusal books nothing")
				assert.Contains(t, g.srv.Attempts(), e)
			}
		})
	}
}

func TestFullReversalReversesWhatRemains(t *testing.T) {
	t.Parallel()
	g := newGateway(t)
	auth := auth10(g)
	g.book(auth, "RV", "3.00", "EUR")

	r := g.operate(auth, "RV", "", "")

	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, "7.00", r.p.Amount)
	assert.Equal(t, "EUR", r.p.Currency, "a full reversal takes the payment's currency")
	assert.True(t, sum(g.srv.Entries(auth, backoffice.PaymentTypeReversal)).Equal(dec("10.00")))
}

func TestRefundsOfAPAAndOfItsCaptureShareOneBound(t *testing.T) {
	t.Parallel()
	g := newGateway(t, backofficetest.WithMultipleCaptures(true))
	auth := auth10(g)
	capture := g.book(auth, "CP", "6.00", "EUR")
	g.book(auth, "CP", "4.00", "EUR")
	g.book(auth, "RF", "7.00", "EUR") // through the PA

	assert.Equal(t, "700.400.200", g.operate(capture, "RF", "3.01", "EUR").p.Result.Code,
		"the capture has 6.00 unrefunded, but the PA only 3.00")
	assert.Equal(t, booked, g.operate(capture, "RF", "3.00", "EUR").p.Result.Code)
	assert.Equal(t, "700.400.200", g.operate(auth, "RF", "0.01", "EUR").p.Result.Code)
}

func TestRebillAddsToTheDebit(t *testing.T) {
	t.Parallel()
	g := newGateway(t)
	debit := debit50(g)
	g.book(debit, "RB", "20.00", "EUR")
	g.book(debit, "RB", "0.01", "EUR")

	assert.True(t, sum(g.srv.Entries(debit, backoffice.PaymentTypeRebill)).Equal(dec("20.01")))
}
