package backofficetest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The checksum platform as CHECKSUM-PLATFORM.md describes it: JSON with
// HTTP 200 for everything the application writes, refusals included.

func TestChecksumRefusalsAreJSON200(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		request func(g *gateway, id string) *http.Request
		says    string
	}{
		{"wrong member id", func(g *gateway, id string) *http.Request {
			f := g.sign(form("paymentType", "CP", "amount", "1.00"), id, "1.00")
			f.Set("authentication.memberId", "99999")
			return g.checksumPost("payments/"+id, f)
		}, "checksum"},
		{"checksum under another key", func(g *gateway, id string) *http.Request {
			c := g.srv.ChecksumCredentials()
			f := form("paymentType", "CP", "amount", "1.00", "authentication.memberId", c.MemberID,
				"authentication.checksum", backoffice.Checksum(c.MemberID, "other-key", id, "1.00"))
			return g.checksumPost("payments/"+id, f)
		}, "checksum"},
		{"checksum over another amount", func(g *gateway, id string) *http.Request {
			return g.checksumRequest("payments/"+id, form("paymentType", "CP", "amount", "1.00"), id, "2.00")
		}, "checksum"},
		{"upper-case checksum", func(g *gateway, id string) *http.Request {
			f := g.sign(form("paymentType", "IN", "idType", "PID"), id)
			f.Set("authentication.checksum", strings.ToUpper(f.Get("authentication.checksum")))
			return g.checksumPost("payments/"+id, f)
		}, "checksum"},
		{"list with a payment's checksum", func(g *gateway, id string) *http.Request {
			return g.checksumRequest("getTransactionList", form(), id)
		}, "checksum"},
		{"amount with 11 integer digits, before the checksum", func(g *gateway, id string) *http.Request {
			return g.checksumPost("payments/"+id, form("paymentType", "RF", "amount", "10000000000.00"))
		}, "amount"},
		{"no auth token", func(g *gateway, id string) *http.Request {
			r := g.checksumRequest("payments/"+id, form("paymentType", "RV"), id)
			r.Header.Del("AuthToken")
			return r
		}, "authtoken"},
		{"unknown payment", func(g *gateway, _ string) *http.Request {
			return g.checksumRequest("payments/1", form("paymentType", "RV"), "1")
		}, "trackingid"},
		{"unknown idType", func(g *gateway, id string) *http.Request {
			return g.checksumRequest("payments/"+id, form("paymentType", "IN", "idType", "XID"), id)
		}, "idtype"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newGateway(t)
			id := g.srv.TrackingID(auth10(g))

			r := g.send(tc.request(g, id))

			assert.Equal(t, http.StatusOK, r.status)
			assert.Equal(t, "application/json;charset=UTF-8", r.header.Get("Content-Type"))
			var c checksumReply
			require.NoError(t, json.Unmarshal(r.body, &c))
			assert.NotEmpty(t, c.Result.Code)
			assert.Contains(t, strings.ToLower(c.Result.Description), tc.says)
			assert.Empty(t, c.Status)
			assert.Empty(t, c.TransactionStatus)
			assert.Len(t, g.srv.Ledger(), 1, "nothing booked or recorded")
		})
	}
}

func TestChecksumThinAnswersAndStates(t *testing.T) {
	t.Parallel()
	g := newGateway(t)
	auth := auth10(g)
	id := g.srv.TrackingID(auth)
	require.Regexp(t, `^[0-9]+$`, id)

	_, in := g.checksum(id, "IN", "")
	assert.Equal(t, "authsuccessful", in.Status)
	assert.Equal(t, "Y", in.TransactionStatus)
	assert.Empty(t, in.PaymentType, "IN carries no paymentType")
	assert.Equal(t, "00001", in.Result.Code)

	_, cp := g.checksum(id, "CP", "4.00")
	assert.Equal(t, "00004", cp.Result.Code)
	assert.Equal(t, id, cp.PaymentID, "names the payment acted on")
	assert.Empty(t, cp.Status)
	assert.Empty(t, cp.Amount)
	assert.Empty(t, cp.MerchantTransactionID)

	_, again := g.checksum(id, "CP", "1.00")
	assert.NotEqual(t, "00004", again.Result.Code, "CP needs authsuccessful")
	_, rv := g.checksum(id, "RV", "")
	assert.NotEqual(t, "00006", rv.Result.Code, "a captured PA is not reversed")

	_, rf := g.checksum(id, "RF", "1.50")
	assert.Equal(t, "00005", rf.Result.Code)
	_, over := g.checksum(id, "RF", "3.00")
	assert.NotEqual(t, "00005", over.Result.Code, "refund at most captured minus refunded")

	_, in = g.checksum(id, "IN", "")
	assert.Equal(t, "reversed", in.Status, "any refund, even partial")
	assert.Equal(t, "1.50", in.RefundAmount)

	other := g.srv.TrackingID(auth10(g))
	_, rv = g.checksum(other, "RV", "")
	assert.Equal(t, "00006", rv.Result.Code)
	_, in = g.checksum(other, "IN", "")
	assert.Equal(t, "authcancelled", in.Status)
	assert.Equal(t, "Y", in.TransactionStatus)
}

func TestChecksumTransactionList(t *testing.T) {
	t.Parallel()
	day := time.Date(2024, 3, 10, 23, 30, 0, 0, time.UTC)
	g := newGateway(t, backofficetest.WithClock(func() time.Time { return day }))
	a := g.srv.TrackingID(auth10(g))
	b := g.srv.TrackingID(auth10(g))
	_, cp := g.checksum(b, "CP", "6.00")
	require.Equal(t, "00004", cp.Result.Code)

	list := func(kv ...string) checksumReply {
		_, c := g.decodeChecksum(g.send(g.checksumRequest("getTransactionList", form(kv...))))
		return c
	}

	all := list()
	assert.Equal(t, "00029", all.Result.Code)
	rows := all.rows(t)
	require.Len(t, rows, 2)
	assert.Equal(t, b, rows[0].SystemPaymentID, "newest first")
	assert.Equal(t, "capturesuccess", rows[0].TransactionStatus, "the long status, under transactionStatus")
	assert.Equal(t, "6.00", rows[0].CaptureAmount)
	assert.Equal(t, "0.00", rows[0].RefundAmount)
	assert.Empty(t, rows[0].Status)
	assert.Empty(t, rows[0].PaymentType)
	assert.Equal(t, "2024-03-10 23:30:00.0", rows[0].TransactionDate)

	one := list("paymentId", a)
	assert.True(t, strings.HasPrefix(strings.TrimSpace(string(one.Transaction)), "{"), "one row is a bare object")
	require.Len(t, one.rows(t), 1)
	assert.Equal(t, "authsuccessful", one.rows(t)[0].TransactionStatus)

	paged := list("pagination.pageno", "2", "pagination.records", "1")
	require.Len(t, paged.rows(t), 1)
	assert.Equal(t, a, paged.rows(t)[0].SystemPaymentID)

	shifted := list("pagination.fromdate", "11/03/2024", "pagination.todate", "11/03/2024", "timeZone", "+01:00")
	require.Len(t, shifted.rows(t), 2, "23:30 UTC is the 11th at +01:00")
	assert.Equal(t, "2024-03-11 00:30:00.0", shifted.rows(t)[0].TransactionDate)

	none := list("pagination.fromdate", "10/03/2024", "pagination.todate", "10/03/2024", "timeZone", "+01:00")
	assert.Empty(t, none.rows(t))
	assert.NotEqual(t, "00029", none.Result.Code)
	assert.Contains(t, strings.ToLower(none.Result.Description), "no record")
	assert.Equal(t, "-", none.PaymentID)

	assert.Len(t, list("status", "capturesuccess").rows(t), 1)
}

func TestChecksumInquiryByMerchantTransactionID(t *testing.T) {
	t.Parallel()
	g := newGateway(t)
	e, err := g.srv.Seed(backofficetest.SeedPayment{Type: backoffice.PaymentTypeDebit, Amount: dec("5.00"), Currency: "EUR", MerchantTransactionID: "order-9"})
	require.NoError(t, err)

	_, in := g.checksum("order-9", "IN", "", "idType", "MID")
	assert.Equal(t, g.srv.TrackingID(e.ID), in.PaymentID)
	assert.Equal(t, "capturesuccess", in.Status)
	assert.Equal(t, "order-9", in.MerchantTransactionID)
}

func TestChecksumAuthTokenLifetime(t *testing.T) {
	t.Parallel()
	// The server's own clock, moved by hand: with the wall clock, a loaded
	// machine once let 50 ms pass before the first use (two test suites at
	// once), and the token had expired before the test could use it.
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	g := newGateway(t, backofficetest.WithAuthTokenLifetime(50*time.Millisecond),
		backofficetest.WithClock(func() time.Time { return time.Unix(0, now.Load()) }))
	id := g.srv.TrackingID(auth10(g))
	tok := g.freshAuthToken()
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 3, "JWT-shaped")

	in := func() checksumReply {
		r := g.checksumRequest("payments/"+id, form("paymentType", "IN", "idType", "PID"), id)
		r.Header.Set("AuthToken", tok)
		_, c := g.decodeChecksum(g.send(r))
		return c
	}
	assert.Equal(t, "00001", in().Result.Code)
	now.Add(int64(49 * time.Millisecond))
	assert.Equal(t, "00001", in().Result.Code, "49 ms into its 50")
	now.Add(int64(2 * time.Millisecond))
	assert.Contains(t, strings.ToLower(in().Result.Description), "token", "expired")
	assert.Equal(t, 2, g.srv.AuthTokensIssued(), "tok, and the one the helper signs with")
}

func TestChecksumWithoutAuthToken(t *testing.T) {
	t.Parallel()
	g := newGateway(t, backofficetest.WithoutAuthToken())
	id := g.srv.TrackingID(auth10(g))
	r := g.checksumRequest("payments/"+id, form("paymentType", "IN", "idType", "PID"), id)
	r.Header.Del("AuthToken")
	_, c := g.decodeChecksum(g.send(r))
	assert.Equal(t, "00001", c.Result.Code)
}
