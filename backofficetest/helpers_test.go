package backofficetest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// gateway drives a Server with plain net/http, as any merchant's client
// would.
type gateway struct {
	t   *testing.T
	srv *backofficetest.Server

	mu  sync.Mutex
	tok string // the AuthToken checksum requests carry, fetched once
}

func newGateway(t *testing.T, opts ...backofficetest.Option) *gateway {
	t.Helper()
	srv := backofficetest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return &gateway{t: t, srv: srv}
}

// reply is an HTTP answer with its body decoded as the bearer variant's
// JSON when it is JSON.
type reply struct {
	status int
	header http.Header
	body   []byte
	p      payment
	jsonOK bool
}

type payment struct {
	ID                    string
	ReferencedID          string
	PaymentType           string
	PaymentBrand          string
	Amount                string
	Currency              string
	Descriptor            string
	MerchantTransactionID string
	Result                struct {
		Code            string
		Description     string
		ParameterErrors []paramError
	}
	Card        *struct{ Bin, Last4Digits, Holder, ExpiryMonth, ExpiryYear string }
	BuildNumber string
	Timestamp   string
	NDC         string
	Payments    []payment
}

type paramError struct {
	Name    string
	Value   *string
	Message string
}

// checksumReply is a checksum-variant record or list.
type checksumReply struct {
	PaymentID             string
	PaymentType           string
	Status                string
	TransactionStatus     string
	Amount                string
	Currency              string
	MerchantTransactionID string
	RefundAmount          string
	Result                struct{ Code, Description string }
	Timestamp             string
	Transaction           json.RawMessage // list rows: an array, or one bare row
}

// checksumRow is one row of the transaction list.
type checksumRow struct {
	SystemPaymentID, MerchantTransactionID, Amount, Currency, TransactionStatus string
	CaptureAmount                                                               string `json:"captureamount"`
	RefundAmount                                                                string `json:"refundamount"`
	Date, TransactionDate                                                       string
	Status, PaymentType                                                         string // never sent: must stay empty
}

// rows decodes the list's rows, whichever shape they came in.
func (c checksumReply) rows(t *testing.T) []checksumRow {
	t.Helper()
	raw := strings.TrimSpace(string(c.Transaction))
	if raw == "" {
		return nil
	}
	if raw[0] == '{' {
		var r checksumRow
		require.NoError(t, json.Unmarshal([]byte(raw), &r))
		return []checksumRow{r}
	}
	var rs []checksumRow
	require.NoError(t, json.Unmarshal([]byte(raw), &rs))
	return rs
}

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// send performs req and reads the whole answer; it fails the test on a
// transport error.
func (g *gateway) send(req *http.Request) reply {
	g.t.Helper()
	r, err := g.try(req)
	require.NoError(g.t, err)
	return r
}

// try performs req and reports transport errors instead of failing.
func (g *gateway) try(req *http.Request) (reply, error) {
	resp, err := g.srv.Client().Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, err
	}
	r := reply{status: resp.StatusCode, header: resp.Header, body: body}
	r.jsonOK = json.Unmarshal(body, &r.p) == nil
	return r, nil
}

// postRequest builds a form POST to path as the bearer variant expects it.
func (g *gateway) postRequest(path string, f url.Values) *http.Request {
	g.t.Helper()
	req, err := http.NewRequest(http.MethodPost, g.srv.URL+path, strings.NewReader(f.Encode()))
	require.NoError(g.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+g.srv.BearerCredentials().AccessToken)
	return req
}

// post sends a bearer POST, adding the server's entityId.
func (g *gateway) post(path string, f url.Values) reply {
	g.t.Helper()
	f.Set("entityId", g.srv.BearerCredentials().EntityID)
	return g.send(g.postRequest(path, f))
}

// operate posts paymentType typ on payment id; amount and currency are
// left out when "".
func (g *gateway) operate(id, typ, amount, currency string, kv ...string) reply {
	g.t.Helper()
	f := form(kv...)
	f.Set("paymentType", typ)
	if amount != "" {
		f.Set("amount", amount)
	}
	if currency != "" {
		f.Set("currency", currency)
	}
	return g.post("/v1/payments/"+id, f)
}

// book is operate for an operation the test needs to succeed; it returns
// the new payment's id.
func (g *gateway) book(id, typ, amount, currency string) string {
	g.t.Helper()
	r := g.operate(id, typ, amount, currency)
	require.Equal(g.t, http.StatusOK, r.status, "%s", r.body)
	return r.p.ID
}

// get sends a bearer GET with entityId added to query.
func (g *gateway) get(path string, query url.Values) reply {
	g.t.Helper()
	query.Set("entityId", g.srv.BearerCredentials().EntityID)
	req, err := http.NewRequest(http.MethodGet, g.srv.URL+path+"?"+query.Encode(), nil)
	require.NoError(g.t, err)
	req.Header.Set("Authorization", "Bearer "+g.srv.BearerCredentials().AccessToken)
	return g.send(req)
}

// sign adds the server's member id and the checksum of fields to f.
func (g *gateway) sign(f url.Values, fields ...string) url.Values {
	c := g.srv.ChecksumCredentials()
	f.Set("authentication.memberId", c.MemberID)
	f.Set("authentication.checksum", backoffice.Checksum(c.MemberID, c.SecureKey, fields...))
	return f
}

// checksumPost builds a checksum-variant POST of f to path, which is
// relative to /transactionServices/REST/v1/.
func (g *gateway) checksumPost(path string, f url.Values) *http.Request {
	g.t.Helper()
	req, err := http.NewRequest(http.MethodPost, g.srv.URL+"/transactionServices/REST/v1/"+path, strings.NewReader(f.Encode()))
	require.NoError(g.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("AuthToken", g.authToken())
	return req
}

// authToken returns the gateway's token, fetching it the first time.
func (g *gateway) authToken() string {
	g.t.Helper()
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.tok == "" {
		g.tok = g.freshAuthToken()
	}
	return g.tok
}

// freshAuthToken fetches a new token from the server's authToken endpoint.
func (g *gateway) freshAuthToken() string {
	g.t.Helper()
	c := g.srv.ChecksumCredentials()
	f := form("authentication.partnerId", c.PartnerID, "merchant.username", c.Username, "authentication.sKey", c.SecureKey)
	req, err := http.NewRequest(http.MethodPost, g.srv.URL+"/transactionServices/REST/v1/authToken", strings.NewReader(f.Encode()))
	require.NoError(g.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var tok struct{ AuthToken string }
	require.NoError(g.t, json.Unmarshal(g.send(req).body, &tok))
	require.NotEmpty(g.t, tok.AuthToken)
	return tok.AuthToken
}

// checksumRequest builds a checksum-variant POST signed over fields.
func (g *gateway) checksumRequest(path string, f url.Values, fields ...string) *http.Request {
	g.t.Helper()
	return g.checksumPost(path, g.sign(f, fields...))
}

// checksum sends a checksum-variant operation on payment id, signed as the
// variant wants, and decodes its record.
func (g *gateway) checksum(id, typ, amount string, kv ...string) (int, checksumReply) {
	g.t.Helper()
	f := form(kv...)
	f.Set("paymentType", typ)
	fields := []string{id}
	if amount != "" {
		f.Set("amount", amount)
	}
	if typ == "CP" || typ == "RF" { // the variant signs their amount, even a missing one
		fields = append(fields, amount)
	}
	if typ == "IN" && !f.Has("idType") {
		f.Set("idType", "PID")
	}
	return g.decodeChecksum(g.send(g.checksumRequest("payments/"+id, f, fields...)))
}

// transactionList asks for the checksum variant's list.
func (g *gateway) transactionList(from, to, status string) (int, checksumReply) {
	g.t.Helper()
	f := form("pagination.fromdate", from, "pagination.todate", to)
	if status != "" {
		f.Set("status", status)
	}
	return g.decodeChecksum(g.send(g.checksumRequest("getTransactionList", f)))
}

func (g *gateway) decodeChecksum(r reply) (int, checksumReply) {
	g.t.Helper()
	var c checksumReply
	require.NoError(g.t, json.Unmarshal(r.body, &c), "%s", r.body)
	return r.status, c
}

// sum adds the amounts of entries.
func sum(entries []backofficetest.Entry) decimal.Decimal {
	total := decimal.Zero
	for _, e := range entries {
		total = total.Add(e.Amount)
	}
	return total
}
