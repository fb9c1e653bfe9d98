package backofficetest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChecksumAuthentication(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		request func(g *gateway, auth string) *http.Request
	}{
		{"wrong member id", func(g *gateway, auth string) *http.Request {
			f := g.sign(form("paymentType", "CP", "amount", "1.00"), auth, "1.00")
			f.Set("authentication.memberId", "99999")
			return g.checksumPost("payments/"+auth, f)
		}},
		{"checksum under another key", func(g *gateway, auth string) *http.Request {
			c := g.srv.ChecksumCredentials()
			f := form("paymentType", "CP", "amount", "1.00", "authentication.memberId", c.MemberID,
				"authentication.checksum", backoffice.Checksum(c.MemberID, "other-key", auth, "1.00"))
			return g.checksumPost("payments/"+auth, f)
		}},
		{"checksum over another amount", func(g *gateway, auth string) *http.Request {
			return g.checksumRequest("payments/"+auth, form("paymentType", "CP", "amount", "1.00"), auth, "2.00")
		}},
		{"checksum over another payment", func(g *gateway, auth string) *http.Request {
			return g.checksumRequest("payments/"+auth, form("paymentType", "RV"), "8a82944a6242c8f00162506ec4b30d44")
		}},
		{"amount left out of a capture's checksum", func(g *gateway, auth string) *http.Request {
			return g.checksumRequest("payments/"+auth, form("paymentType", "CP", "amount", "1.00"), auth)
		}},
		{"upper-case checksum", func(g *gateway, auth string) *http.Request {
			f := g.sign(form("paymentType", "IN", "idType", "PID"), auth)
			f.Set("authentication.checksum", strings.ToUpper(f.Get("authentication.checksum")))
			return g.checksumPost("payments/"+auth, f)
		}},
		{"missing checksum", func(g *gateway, auth string) *http.Request {
			f := g.sign(form("paymentType", "RV"), auth)
			f.Del("authentication.checksum")
			return g.checksumPost("payments/"+auth, f)
		}},
		{"transaction list with a payment's checksum", func(g *gateway, auth string) *http.Request {
			return g.checksumRequest("getTransactionList", form("pagination.fromdate", "01/01/2020", "pagination.todate", "01/01/2030"), auth)
		}},
		{"transaction list with a wrong member id", func(g *gateway, auth string) *http.Request {
			f := g.sign(form("pagination.fromdate", "01/01/2020", "pagination.todate", "01/01/2030"))
			f.Set("authentication.memberId", "1")
			return g.checksumPost("getTransactionList", f)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newGateway(t)
			auth := auth10(g)

			r := g.send(tc.request(g, auth))

			assert.Equal(t, http.StatusUnauthorized, r.status)
			assert.Equal(t, "text/html;charset=UTF-8", r.header.Get("Content-Type"))
			assert.Contains(t, string(r.body), "<h1>Authentication failed</h1>")
			assert.False(t, r.jsonOK, "an HTML page, not JSON")
			assert.Len(t, g.srv.Ledger(), 1)
			assert.Empty(t, g.srv.Attempts())
		})
	}
}

func TestChecksumOperations(t *testing.T) {
	t.Parallel()
	multi := []backofficetest.Option{backofficetest.WithMultipleCaptures(true)}
	cases := []struct {
		name      string
		opts      []backofficetest.Option
		setup     func(*gateway) string
		typ       string
		amount    string
		txStatus  string
		status    string
		code      string
		wantMoney string // the record's amount; "" when none
	}{
		{name: "capture", setup: auth10, typ: "CP", amount: "10.00", txStatus: "Y", status: "capturesuccess", code: "00004", wantMoney: "10.00"},
		{name: "capture one cent over", setup: auth10, typ: "CP", amount: "10.01", txStatus: "N", status: "capturefailed", code: "10005", wantMoney: "10.01"},
		{name: "second capture", setup: then(auth10, [2]string{"CP", "1.00"}), typ: "CP", amount: "1.00", txStatus: "N", status: "capturefailed", code: "10005", wantMoney: "1.00"},
		{name: "second capture, multiple captures", opts: multi, setup: then(auth10, [2]string{"CP", "1.00"}), typ: "CP", amount: "9.00", txStatus: "Y", status: "capturesuccess", code: "00004", wantMoney: "9.00"},
		{name: "capture of a DB", setup: debit50, typ: "CP", amount: "1.00", txStatus: "N", status: "capturefailed", code: "10005", wantMoney: "1.00"},
		{name: "refund", setup: debit50, typ: "RF", amount: "50.00", txStatus: "Y", status: "reversed", code: "00005", wantMoney: "50.00"},
		{name: "refund one cent over", setup: debit50, typ: "RF", amount: "50.01", txStatus: "N", status: "failed", code: "10006", wantMoney: "50.01"},
		{name: "refund of an uncaptured PA", setup: auth10, typ: "RF", amount: "1.00", txStatus: "N", status: "failed", code: "10006", wantMoney: "1.00"},
		{name: "refund while charged back", setup: then(debit50, [2]string{"CB", "5.00"}), typ: "RF", amount: "1.00", txStatus: "N", status: "failed", code: "10002", wantMoney: "1.00"},
		{name: "reversal of a PA", setup: auth10, typ: "RV", txStatus: "Y", status: "cancelled", code: "00006", wantMoney: "10.00"},
		{name: "reversal of a DB", setup: debit50, typ: "RV", txStatus: "N", status: "failed", code: "10007"},
		{name: "reversal after a capture", setup: then(auth10, [2]string{"CP", "1.00"}), typ: "RV", txStatus: "N", status: "failed", code: "10007"},
		{name: "unknown payment", setup: func(*gateway) string { return "8a82944a6242c8f00162506ec4b30d44" }, typ: "RF", amount: "1.00", txStatus: "N", status: "failed", code: "10026", wantMoney: "1.00"},
		{name: "reference to a refused attempt", setup: func(g *gateway) string { return g.operate(auth10(g), "CP", "10.01", "EUR").p.ID }, typ: "RF", amount: "1.00", txStatus: "N", status: "failed", code: "10002", wantMoney: "1.00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			now := time.Date(2023, 2, 9, 19, 42, 23, 0, time.UTC)
			g := newGateway(t, append(tc.opts, backofficetest.WithClock(func() time.Time { return now }))...)
			target := tc.setup(g)
			before := len(g.srv.Ledger())

			status, c := g.checksum(target, tc.typ, tc.amount, "merchantTransactionId", "mtid-1")

			assert.Equal(t, http.StatusOK, status, "the variant answers refusals with 200 too")
			assert.Equal(t, tc.code, c.Result.Code, "%+v", c)
			assert.NotEmpty(t, c.Result.Description)
			assert.Equal(t, tc.txStatus, c.TransactionStatus)
			assert.Equal(t, tc.status, c.Status)
			assert.Equal(t, tc.typ, c.PaymentType)
			assert.Equal(t, tc.wantMoney, c.Amount)
			assert.Equal(t, "mtid-1", c.MerchantTransactionID)
			assert.Equal(t, "2023-02-09 19:42:23", c.Timestamp)
			assert.Regexp(t, hex32, c.PaymentID, "the operation's own id")
			e, found := g.srv.Lookup(c.PaymentID)
			require.True(t, found)
			assert.Equal(t, target, e.ReferencedID)
			if tc.txStatus == "Y" {
				assert.Len(t, g.srv.Ledger(), before+1)
				assert.Equal(t, "EUR", c.Currency, "the referenced payment's currency")
			} else {
				assert.Len(t, g.srv.Ledger(), before)
			}
		})
	}
}

func TestChecksumParameterRefusals(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		typ    string
		amount string
		extra  []string
		param  string
	}{
		{"amount with one decimal", "CP", "1.0", nil, "amount"},
		{"amount without decimals", "RF", "1", nil, "amount"},
		{"zero amount", "CP", "0.00", nil, "amount"},
		{"missing amount", "RF", "", nil, "amount"},
		{"unknown paymentType", "DB", "", nil, "paymentType"},
		{"inquiry without idType", "IN", "", []string{"idType", ""}, "idType"},
		{"inquiry by another idType", "IN", "", []string{"idType", "TID"}, "idType"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newGateway(t)
			auth := auth10(g)

			status, c := g.checksum(auth, tc.typ, tc.amount, tc.extra...)

			assert.Equal(t, http.StatusOK, status)
			assert.Equal(t, "N", c.TransactionStatus)
			assert.Equal(t, "failed", c.Status)
			assert.Equal(t, "19010", c.Result.Code)
			assert.Equal(t, "Invalid or missing parameter: "+tc.param, c.Result.Description)
			assert.Len(t, g.srv.Ledger(), 1)
			assert.Empty(t, g.srv.Attempts(), "a malformed request is not an attempt")
		})
	}
}

func TestChecksumInquiry(t *testing.T) {
	t.Parallel()
	clock, _ := fixedClock(time.Date(2024, 10, 22, 0, 0, 0, 0, time.UTC)) // before creditForm's card expires
	g := newGateway(t, backofficetest.WithClock(clock))
	auth := g.srv.Preauthorize(dec("10.00"), "EUR")
	captured := capturedAuth(g)
	reversed := then(auth10, [2]string{"RV", ""})(g)
	debit := debit50(g)
	refunded := then(debit50, [2]string{"RF", "50.00"})(g)
	partlyRefunded := then(debit50, [2]string{"RF", "10.00"})(g)
	chargedBack := then(debit50, [2]string{"CB", "10.00"})(g)
	refused := g.operate(debit, "RF", "99.00", "EUR").p.ID
	cancelledDebit := then(debit50, [2]string{"RV", ""})(g)
	rebill := g.book(debit50(g), "RB", "5.00", "EUR")
	refund := g.book(debit50(g), "RF", "5.00", "EUR")
	reversal := g.book(auth10(g), "RV", "", "")
	chargeback := chargeback20(g)
	chargebackReversal := g.book(chargeback20(g), "CR", "20.00", "EUR")
	credit := g.post("/v1/payments", creditForm("")).p.ID
	badCard := creditForm("")
	badCard.Set("card.number", "5555555555554443")
	refusedCredit := g.post("/v1/payments", badCard).p.ID
	badCard.Set("paymentType", "PA")
	refusedAuth := g.post("/v1/payments", badCard).p.ID

	cases := []struct {
		name, id, typ, status, txStatus, code string
	}{
		{"authorized", auth, "PA", "authsuccessful", "Y", "00026"},
		{"captured", captured, "PA", "capturesuccess", "Y", "00026"},
		{"cancelled", reversed, "PA", "cancelled", "Y", "00026"},
		{"debited", debit, "DB", "capturesuccess", "Y", "00026"},
		{"refunded", refunded, "DB", "reversed", "Y", "00026"},
		{"partly refunded", partlyRefunded, "DB", "capturesuccess", "Y", "00026"},
		{"charged back", chargedBack, "DB", "chargeback", "Y", "00026"},
		{"refused attempt", refused, "RF", "failed", "N", "00026"},
		{"cancelled debit", cancelledDebit, "DB", "cancelled", "Y", "00026"},
		{"rebill", rebill, "RB", "capturesuccess", "Y", "00026"},
		{"refund", refund, "RF", "reversed", "Y", "00026"},
		{"reversal", reversal, "RV", "cancelled", "Y", "00026"},
		{"chargeback", chargeback, "CB", "chargeback", "Y", "00026"},
		{"chargeback reversal", chargebackReversal, "CR", "capturesuccess", "Y", "00026"},
		{"credit", credit, "CD", "payoutsuccessful", "Y", "00026"},
		{"refused credit", refusedCredit, "CD", "payoutfailed", "N", "00026"},
		{"refused preauthorization", refusedAuth, "PA", "authfailed", "N", "00026"},
		{"unknown", "8a82944a6242c8f00162506ec4b30d44", "IN", "failed", "N", "10026"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			status, c := g.checksum(tc.id, "IN", "")

			assert.Equal(t, http.StatusOK, status)
			assert.Equal(t, tc.code, c.Result.Code)
			assert.Equal(t, tc.id, c.PaymentID)
			assert.Equal(t, tc.typ, c.PaymentType)
			assert.Equal(t, tc.status, c.Status)
			assert.Equal(t, tc.txStatus, c.TransactionStatus)
		})
	}
}

func TestVariantsShareOneLedger(t *testing.T) {
	t.Parallel()
	g := newGateway(t)
	auth := g.srv.Preauthorize(dec("30.00"), "USD")

	_, capture := g.checksum(auth, "CP", "30.00")
	require.Equal(t, "00004", capture.Result.Code)
	refund := g.operate(capture.PaymentID, "RF", "20.00", "USD") // bearer, on the checksum capture
	require.Equal(t, http.StatusOK, refund.status, "%s", refund.body)
	_, over := g.checksum(capture.PaymentID, "RF", "10.01")
	_, rest := g.checksum(capture.PaymentID, "RF", "10.00")

	assert.Equal(t, "10006", over.Result.Code)
	assert.Equal(t, "00005", rest.Result.Code)
	assert.True(t, sum(g.srv.Entries(capture.PaymentID, backoffice.PaymentTypeRefund)).Equal(dec("30.00")))
	query := g.get("/v1/query/"+capture.PaymentID, url.Values{})
	assert.Equal(t, "CP", query.p.PaymentType, "a checksum booking is queryable over the bearer variant")
	assert.Equal(t, "30.00", query.p.Amount)
}

func TestTransactionList(t *testing.T) {
	t.Parallel()
	day := func(d int, hh, mm, ss int) time.Time { return time.Date(2024, 3, d, hh, mm, ss, 0, time.UTC) }
	clock, setClock := fixedClock(day(10, 12, 0, 0))
	g := newGateway(t, backofficetest.WithClock(clock))
	seed := func(typ backoffice.PaymentType, amount string, at time.Time) string {
		e, err := g.srv.Seed(backofficetest.SeedPayment{Type: typ, Amount: dec(amount), Currency: "EUR", At: at, MerchantTransactionID: "m-" + amount})
		require.NoError(t, err)
		return e.ID
	}
	seed(backoffice.PaymentTypeDebit, "1.00", day(8, 23, 59, 59)) // the day before
	first := seed(backoffice.PaymentTypeDebit, "2.00", day(9, 0, 0, 0))
	auth := seed(backoffice.PaymentTypePreauthorization, "3.00", day(9, 12, 0, 0))
	last := seed(backoffice.PaymentTypeDebit, "4.00", day(10, 23, 59, 59))
	after := seed(backoffice.PaymentTypeDebit, "5.00", day(11, 0, 0, 0))
	seed(backoffice.PaymentTypePreauthorization, "6.00", day(20, 0, 0, 0)) // authsuccessful
	setClock(day(10, 13, 0, 0))
	capture := g.book(auth, "CP", "3.00", "EUR") // an operation is a record of its own
	g.operate(first, "RF", "9.00", "EUR")        // refused: not listed

	t.Run("whole days, inclusive", func(t *testing.T) {
		t.Parallel()
		status, list := g.transactionList("09/03/2024", "10/03/2024", "")

		assert.Equal(t, http.StatusOK, status)
		assert.Equal(t, "00026", list.Result.Code)
		assert.Equal(t, "Your record found successfully", list.Result.Description)
		var ids []string
		for _, r := range list.Transactions {
			ids = append(ids, r.PaymentID)
		}
		assert.Equal(t, []string{first, auth, last, capture}, ids)
		require.Len(t, list.Transactions, 4)
		assert.Equal(t, checksumReply{PaymentID: first, PaymentType: "DB", Status: "capturesuccess", TransactionStatus: "Y",
			Amount: "2.00", Currency: "EUR", MerchantTransactionID: "m-2.00",
			Result: struct{ Code, Description string }{"00001", "Transaction succeeded"}, Timestamp: "2024-03-09 00:00:00"}, list.Transactions[0])
		assert.Equal(t, "capturesuccess", list.Transactions[1].Status, "the PA was captured")
		assert.Equal(t, "00004", list.Transactions[3].Result.Code)
		assert.Equal(t, "2024-03-10 13:00:00", list.Transactions[3].Timestamp)
	})
	t.Run("one day", func(t *testing.T) {
		t.Parallel()
		_, list := g.transactionList("11/03/2024", "11/03/2024", "")
		require.Len(t, list.Transactions, 1)
		assert.Equal(t, after, list.Transactions[0].PaymentID)
	})
	t.Run("status filter", func(t *testing.T) {
		t.Parallel()
		_, list := g.transactionList("01/03/2024", "31/03/2024", "capturesuccess")
		assert.Len(t, list.Transactions, 6, "every debit, the captured PA and the capture, not the open PA")
		for _, r := range list.Transactions {
			assert.Equal(t, "capturesuccess", r.Status)
		}
	})
	t.Run("nothing found", func(t *testing.T) {
		t.Parallel()
		status, list := g.transactionList("01/01/2024", "31/01/2024", "")
		assert.Equal(t, http.StatusOK, status)
		assert.Equal(t, "10026", list.Result.Code)
		assert.NotNil(t, list.Transactions)
		assert.Empty(t, list.Transactions)
	})
	t.Run("bad dates", func(t *testing.T) {
		t.Parallel()
		for _, c := range []struct{ from, to, param string }{
			{"2024-03-01", "31/03/2024", "pagination.fromdate"},
			{"", "31/03/2024", "pagination.fromdate"},
			{"01/03/2024", "31/13/2024", "pagination.todate"},
			{"10/03/2024", "09/03/2024", "pagination.todate"},
		} {
			status, list := g.transactionList(c.from, c.to, "")
			assert.Equal(t, http.StatusOK, status)
			assert.Equal(t, "19010", list.Result.Code)
			assert.Equal(t, "Invalid or missing parameter: "+c.param, list.Result.Description)
		}
	})
}
