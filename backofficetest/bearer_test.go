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

func TestBearerAuthentication(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		request func(g *gateway, debit string) *http.Request
	}{
		{"missing token", func(g *gateway, debit string) *http.Request {
			req := g.postRequest("/v1/payments/"+debit, refundForm(g.srv.BearerCredentials().EntityID))
			req.Header.Del("Authorization")
			return req
		}},
		{"wrong token", func(g *gateway, debit string) *http.Request {
			req := g.postRequest("/v1/payments/"+debit, refundForm(g.srv.BearerCredentials().EntityID))
			req.Header.Set("Authorization", "Bearer "+g.srv.BearerCredentials().AccessToken+"x")
			return req
		}},
		{"token without Bearer", func(g *gateway, debit string) *http.Request {
			req := g.postRequest("/v1/payments/"+debit, refundForm(g.srv.BearerCredentials().EntityID))
			req.Header.Set("Authorization", g.srv.BearerCredentials().AccessToken)
			return req
		}},
		{"wrong entityId", func(g *gateway, debit string) *http.Request {
			return g.postRequest("/v1/payments/"+debit, refundForm("8a8294174e918ca6014e9c6f5ae12a9c"))
		}},
		{"missing entityId", func(g *gateway, debit string) *http.Request {
			return g.postRequest("/v1/payments/"+debit, refundForm(""))
		}},
		{"entityId in the query instead of the form", func(g *gateway, debit string) *http.Request {
			req := g.postRequest("/v1/payments/"+debit, refundForm(""))
			req.URL.RawQuery = url.Values{"entityId": {g.srv.BearerCredentials().EntityID}}.Encode()
			return req
		}},
		{"query with a wrong entityId", func(g *gateway, debit string) *http.Request {
			req, _ := http.NewRequest(http.MethodGet, g.srv.URL+"/v1/query/"+debit+"?entityId=x", nil)
			req.Header.Set("Authorization", "Bearer "+g.srv.BearerCredentials().AccessToken)
			return req
		}},
		{"query by merchantTransactionId without token", func(g *gateway, _ string) *http.Request {
			req, _ := http.NewRequest(http.MethodGet, g.srv.URL+"/v1/query?merchantTransactionId=m&entityId="+g.srv.BearerCredentials().EntityID, nil)
			return req
		}},
		{"credit without token", func(g *gateway, _ string) *http.Request {
			req := g.postRequest("/v1/payments", creditForm(g.srv.BearerCredentials().EntityID))
			req.Header.Del("Authorization")
			return req
		}},
		{"registration credit with a wrong entityId", func(g *gateway, _ string) *http.Request {
			return g.postRequest("/v1/registrations/"+g.srv.AddRegistration()+"/payments", form("entityId", "x", "paymentType", "CD", "amount", "1.00", "currency", "EUR"))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newGateway(t)
			debit := debit50(g)

			r := g.send(tc.request(g, debit))

			assert.Equal(t, http.StatusUnauthorized, r.status)
			require.True(t, r.jsonOK, "%s", r.body)
			assert.Equal(t, "800.900.300", r.p.Result.Code)
			assert.Equal(t, "invalid authentication information", r.p.Result.Description)
			assert.Empty(t, r.p.ID, "an authentication failure creates no transaction")
			assert.NotEmpty(t, r.p.BuildNumber)
			assert.NotEmpty(t, r.p.Timestamp)
			assert.NotEmpty(t, r.p.NDC)
			assert.Len(t, g.srv.Ledger(), 1, "only the seeded debit")
			assert.Empty(t, g.srv.Attempts())
		})
	}
}

func refundForm(entityID string) url.Values {
	f := form("paymentType", "RF", "amount", "1.00", "currency", "EUR")
	if entityID != "" {
		f.Set("entityId", entityID)
	}
	return f
}

func TestBearerParameterErrors(t *testing.T) {
	t.Parallel()
	null := "<null>"
	cases := []struct {
		name    string
		fields  []string // the operation's form; RF on a DB of 50.00 EUR
		param   string
		value   string // null: the gateway echoes null
		message string
	}{
		{"amount with one decimal", []string{"paymentType", "RF", "amount", "92.0", "currency", "EUR"}, "amount", "92.0", `must match ^[0-9]{1,12}(\.[0-9]{2})?$`},
		{"negative amount", []string{"paymentType", "RF", "amount", "-20.20", "currency", "EUR"}, "amount", "-20.20", `must match ^[0-9]{1,12}(\.[0-9]{2})?$`},
		{"three decimals", []string{"paymentType", "RF", "amount", "1.005", "currency", "EUR"}, "amount", "1.005", `must match ^[0-9]{1,12}(\.[0-9]{2})?$`},
		{"thirteen digits", []string{"paymentType", "RF", "amount", "1000000000000", "currency", "EUR"}, "amount", "1000000000000", `must match ^[0-9]{1,12}(\.[0-9]{2})?$`},
		{"zero amount", []string{"paymentType", "RF", "amount", "0.00", "currency", "EUR"}, "amount", "0.00", "must be greater than 0"},
		{"missing amount", []string{"paymentType", "RF", "currency", "EUR"}, "amount", null, "is required"},
		{"unknown currency", []string{"paymentType", "RF", "amount", "1.00", "currency", "XXX"}, "currency", "XXX", "must be an ISO 4217 currency code"},
		{"lower-case currency", []string{"paymentType", "RF", "amount", "1.00", "currency", "eur"}, "currency", "eur", "must match ^[A-Z]{3}$"},
		{"missing currency", []string{"paymentType", "RF", "amount", "1.00"}, "currency", null, "is required"},
		{"partial reversal without currency", []string{"paymentType", "RV", "amount", "1.00"}, "currency", null, "is required"},
		{"partial reversal without amount", []string{"paymentType", "RV", "currency", "EUR"}, "amount", null, "is required"},
		{"unknown paymentType", []string{"paymentType", "ZZ", "amount", "1.00", "currency", "EUR"}, "paymentType", "ZZ", "must be one of CP, RF, RV, RB, CB, CR"},
		{"initial paymentType on an operation", []string{"paymentType", "DB", "amount", "1.00", "currency", "EUR"}, "paymentType", "DB", "must be one of CP, RF, RV, RB, CB, CR"},
		{"missing paymentType", []string{"amount", "1.00", "currency", "EUR"}, "paymentType", null, "must be one of CP, RF, RV, RB, CB, CR"},
		{"unknown testMode", []string{"paymentType", "RF", "amount", "1.00", "currency", "EUR", "testMode", "LIVE"}, "testMode", "LIVE", "must match ^(EXTERNAL|INTERNAL)$"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newGateway(t)
			debit := debit50(g)

			r := g.post("/v1/payments/"+debit, form(tc.fields...))

			assert.Equal(t, http.StatusBadRequest, r.status)
			require.True(t, r.jsonOK, "%s", r.body)
			assert.Equal(t, "200.300.404", r.p.Result.Code)
			assert.Equal(t, "invalid or missing parameter", r.p.Result.Description)
			assert.Empty(t, r.p.ID, "a parameter error creates no transaction")
			require.Len(t, r.p.Result.ParameterErrors, 1, "%s", r.body)
			pe := r.p.Result.ParameterErrors[0]
			assert.Equal(t, tc.param, pe.Name)
			assert.Equal(t, tc.message, pe.Message)
			if tc.value == null {
				assert.Nil(t, pe.Value)
			} else {
				require.NotNil(t, pe.Value)
				assert.Equal(t, tc.value, *pe.Value)
			}
			assert.Len(t, g.srv.Ledger(), 1)
			assert.Empty(t, g.srv.Attempts(), "a parameter error is not an attempt")
		})
	}
}

func TestBearerParameterErrorsListEveryProblem(t *testing.T) {
	t.Parallel()
	g := newGateway(t)

	r := g.post("/v1/payments/"+debit50(g), form("paymentType", "XX", "amount", "92.0", "currency", "XXX"))

	require.Equal(t, http.StatusBadRequest, r.status)
	var names []string
	for _, pe := range r.p.Result.ParameterErrors {
		names = append(names, pe.Name)
	}
	assert.ElementsMatch(t, []string{"paymentType", "amount", "currency"}, names)
}

func TestBearerBookingAnswer(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 10, 22, 13, 36, 46, 65_000_000, time.UTC)
	g := newGateway(t, backofficetest.WithClock(func() time.Time { return now }))
	auth := g.srv.Preauthorize(dec("1.00"), "BRL")

	r := g.operate(auth, "CP", "1.00", "BRL", "merchantTransactionId", "Order Number 123", "testMode", "EXTERNAL", "customer.merchantCustomerId", "12345678909")

	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, contentTypeJSON, r.header.Get("Content-Type"))
	p := r.p
	assert.Regexp(t, hex32, p.ID)
	assert.Equal(t, auth, p.ReferencedID)
	assert.Equal(t, "CP", p.PaymentType)
	assert.Equal(t, "1.00", p.Amount)
	assert.Equal(t, "BRL", p.Currency)
	assert.NotEmpty(t, p.Descriptor)
	assert.Equal(t, "Order Number 123", p.MerchantTransactionID)
	assert.Equal(t, "000.100.110", p.Result.Code)
	assert.Equal(t, "Request successfully processed in 'Merchant in Integrator Test Mode'", p.Result.Description)
	assert.NotEmpty(t, p.BuildNumber)
	assert.Equal(t, "2024-10-22 13:36:46.065+0000", p.Timestamp)
	assert.Regexp(t, "^"+g.srv.BearerCredentials().EntityID+"_[0-9a-f]{32}$", p.NDC)
	assert.Nil(t, p.Card)

	e, ok := g.srv.Lookup(p.ID)
	require.True(t, ok)
	assert.Equal(t, backofficetest.Entry{ID: p.ID, ReferencedID: auth, Type: backoffice.PaymentTypeCapture,
		Amount: e.Amount, Currency: "BRL", MerchantTransactionID: "Order Number 123", Code: "000.100.110", At: now}, e)
	assert.True(t, e.Amount.Equal(dec("1.00")))
}

const contentTypeJSON = "application/json;charset=UTF-8"

func TestBearerAmountsAlwaysHaveTwoDecimals(t *testing.T) {
	t.Parallel()
	g := newGateway(t)

	r := g.operate(g.srv.Debit(dec("50"), "EUR"), "RF", "20", "EUR")

	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, "20.00", r.p.Amount)
}

func TestBearerInitialPayments(t *testing.T) {
	t.Parallel()
	g := newGateway(t)

	auth := g.post("/v1/payments", form("paymentType", "PA", "amount", "12.50", "currency", "EUR", "merchantTransactionId", "order-1"))
	debit := g.post("/v1/payments", form("paymentType", "DB", "amount", "7.00", "currency", "USD", "paymentBrand", "VISA",
		"card.number", "4200000000000000", "card.holder", "John Smith", "card.expiryMonth", "12", "card.expiryYear", "2099", "card.cvv", "123"))

	require.Equal(t, http.StatusOK, auth.status, "%s", auth.body)
	require.Equal(t, http.StatusOK, debit.status, "%s", debit.body)
	assert.Equal(t, "PA", auth.p.PaymentType)
	assert.Empty(t, auth.p.ReferencedID)
	assert.Equal(t, "DB", debit.p.PaymentType)
	assert.Equal(t, "VISA", debit.p.PaymentBrand)
	require.NotNil(t, debit.p.Card)
	assert.Equal(t, "420000", debit.p.Card.Bin)
	assert.NotContains(t, string(debit.body), "4200000000000000")
	assert.NotContains(t, string(debit.body), `"123"`)
	assert.Equal(t, booked, g.operate(auth.p.ID, "CP", "12.50", "EUR").p.Result.Code, "a PA booked over HTTP can be captured")
	assert.Equal(t, booked, g.operate(debit.p.ID, "RF", "7.00", "USD").p.Result.Code)

	bad := g.post("/v1/payments", form("paymentType", "CP", "amount", "1.00", "currency", "EUR"))
	require.Equal(t, http.StatusBadRequest, bad.status)
	assert.Equal(t, "must be one of PA, DB, CD", bad.p.Result.ParameterErrors[0].Message)
}

func TestBearerOperationWithoutMerchantTransactionID(t *testing.T) {
	t.Parallel()
	g := newGateway(t)

	r := g.operate(debit50(g), "RF", "1.00", "EUR")

	require.Equal(t, http.StatusOK, r.status)
	assert.Empty(t, r.p.MerchantTransactionID)
	assert.NotContains(t, string(r.body), "merchantTransactionId")
}

func TestQueryByID(t *testing.T) {
	t.Parallel()
	g := newGateway(t)
	debit := debit50(g)
	refund := g.operate(debit, "RF", "10.00", "EUR", "merchantTransactionId", "rf-1")
	refused := g.operate(debit, "RF", "40.01", "EUR", "merchantTransactionId", "rf-2")
	require.Equal(t, http.StatusOK, refund.status)
	require.Equal(t, http.StatusBadRequest, refused.status)

	cases := []struct {
		name   string
		id     string
		status int
		body   []byte // nil: only the code is checked
		code   string
	}{
		{"booked operation", refund.p.ID, http.StatusOK, refund.body, booked},
		{"refused attempt", refused.p.ID, http.StatusOK, refused.body, "700.400.200"},
		{"seeded payment", debit, http.StatusOK, nil, booked},
		{"unknown id", "8a82944a6242c8f00162506ec4b30d44", http.StatusBadRequest, nil, "700.400.580"},
		{"registration id", g.srv.AddRegistration(), http.StatusBadRequest, nil, "700.400.580"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := g.get("/v1/query/"+tc.id, url.Values{})

			assert.Equal(t, tc.status, r.status)
			assert.Equal(t, tc.code, r.p.Result.Code, "%s", r.body)
			if tc.body != nil {
				assert.Equal(t, string(tc.body), string(r.body), "a query repeats the original answer")
			}
			if tc.status != http.StatusOK {
				assert.Equal(t, "cannot find transaction", r.p.Result.Description)
				assert.Empty(t, r.p.ID)
			}
		})
	}
}

func TestQueryByMerchantTransactionID(t *testing.T) {
	t.Parallel()
	g := newGateway(t)
	debit := debit50(g)
	first := g.operate(debit, "RF", "30.00", "EUR", "merchantTransactionId", "order-7")
	second := g.operate(debit, "RF", "30.00", "EUR", "merchantTransactionId", "order-7") // refused: 20.00 left
	g.operate(debit, "RF", "1.00", "EUR", "merchantTransactionId", "order-8")

	t.Run("found", func(t *testing.T) {
		t.Parallel()
		r := g.get("/v1/query", url.Values{"merchantTransactionId": {"order-7"}})

		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		assert.Equal(t, "000.000.100", r.p.Result.Code)
		assert.Equal(t, "successful request", r.p.Result.Description)
		require.Len(t, r.p.Payments, 2)
		assert.Equal(t, first.p.ID, r.p.Payments[0].ID)
		assert.Equal(t, booked, r.p.Payments[0].Result.Code)
		assert.Equal(t, second.p.ID, r.p.Payments[1].ID)
		assert.Equal(t, "700.400.200", r.p.Payments[1].Result.Code, "refused attempts are found with their refusal")
	})
	t.Run("not found", func(t *testing.T) {
		t.Parallel()
		r := g.get("/v1/query", url.Values{"merchantTransactionId": {"order-9"}})

		assert.Equal(t, http.StatusBadRequest, r.status)
		assert.Equal(t, "700.400.580", r.p.Result.Code)
		assert.Empty(t, r.p.Payments)
		assert.NotContains(t, string(r.body), "payments")
	})
	t.Run("missing merchantTransactionId", func(t *testing.T) {
		t.Parallel()
		r := g.get("/v1/query", url.Values{})

		assert.Equal(t, http.StatusBadRequest, r.status)
		assert.Equal(t, "200.300.404", r.p.Result.Code)
		require.Len(t, r.p.Result.ParameterErrors, 1)
		assert.Equal(t, "merchantTransactionId", r.p.Result.ParameterErrors[0].Name)
	})
}

func TestUnknownRoutes(t *testing.T) {
	t.Parallel()
	g := newGateway(t)
	for _, path := range []string{"/v2/payments", "/v1/payments/", "/v1/payments/a/b", "/v1/registrations//payments", "/transactionServices/REST/v1/other"} {
		r := g.post(path, form("paymentType", "RF"))
		assert.Equal(t, http.StatusNotFound, r.status, path)
	}
	req, err := http.NewRequest(http.MethodGet, g.srv.URL+"/v1/payments", nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNotFound, g.send(req).status)
	assert.Empty(t, g.srv.Ledger())
	assert.Equal(t, backofficetest.Op(""), g.srv.Requests()[0].Op)
}

func TestCredentialsAreRandomPerServer(t *testing.T) {
	t.Parallel()
	a, b := newGateway(t), newGateway(t)

	assert.NotEqual(t, a.srv.BearerCredentials(), b.srv.BearerCredentials())
	assert.NotEqual(t, a.srv.ChecksumCredentials(), b.srv.ChecksumCredentials())
	assert.Regexp(t, hex32, a.srv.BearerCredentials().EntityID)
	assert.NotEmpty(t, a.srv.BearerCredentials().AccessToken)
	assert.NotEmpty(t, a.srv.ChecksumCredentials().MemberID)
	assert.NotEmpty(t, a.srv.ChecksumCredentials().SecureKey)
	assert.True(t, strings.HasPrefix(a.srv.URL, "http://127.0.0.1:"), a.srv.URL)

	// A token from one server opens nothing on another.
	req := a.postRequest("/v1/payments/"+debit50(b), refundForm(a.srv.BearerCredentials().EntityID))
	req.URL.Host = strings.TrimPrefix(b.srv.URL, "http://")
	assert.Equal(t, http.StatusUnauthorized, b.send(req).status)
}
