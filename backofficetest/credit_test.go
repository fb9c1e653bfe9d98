package backofficetest_test

import (
	"fmt"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// creditForm is seed 002's credit request.
func creditForm(entityID string) url.Values {
	f := form("amount", "100.00", "currency", "EUR", "paymentBrand", "VISA", "paymentType", "CD",
		"card.number", "4200000000000042", "card.holder", "John Smith", "card.expiryMonth", "02",
		"card.expiryYear", "2027", "card.cvv", "123", "merchantTransactionId", "P175", "testMode", "EXTERNAL")
	if entityID != "" {
		f.Set("entityId", entityID)
	}
	return f
}

// fixedClock returns a clock reading t until set moves it.
func fixedClock(t time.Time) (now func() time.Time, set func(time.Time)) {
	var v atomic.Pointer[time.Time]
	v.Store(&t)
	return func() time.Time { return *v.Load() }, func(t time.Time) { v.Store(&t) }
}

func TestCreditToACard(t *testing.T) {
	t.Parallel()
	clock, _ := fixedClock(time.Date(2024, 10, 22, 13, 36, 46, 0, time.UTC))
	g := newGateway(t, backofficetest.WithClock(clock))

	r := g.post("/v1/payments", creditForm(""))

	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, "CD", r.p.PaymentType)
	assert.Equal(t, "VISA", r.p.PaymentBrand)
	assert.Equal(t, "100.00", r.p.Amount)
	assert.Equal(t, "EUR", r.p.Currency)
	assert.Equal(t, "P175", r.p.MerchantTransactionID)
	assert.Empty(t, r.p.ReferencedID)
	require.NotNil(t, r.p.Card)
	assert.Equal(t, "420000", r.p.Card.Bin)
	assert.Equal(t, "0042", r.p.Card.Last4Digits)
	assert.Equal(t, "John Smith", r.p.Card.Holder)
	assert.Equal(t, "02", r.p.Card.ExpiryMonth)
	assert.Equal(t, "2027", r.p.Card.ExpiryYear)
	assert.NotContains(t, string(r.body), "4200000000000042")
	assert.NotContains(t, string(r.body), "cvv")

	ledger := g.srv.Ledger()
	require.Len(t, ledger, 1)
	assert.Equal(t, backoffice.PaymentTypeCredit, ledger[0].Type)
	assert.True(t, ledger[0].Amount.Equal(dec("100.00")))
}

func TestCreditRefusals(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		now    time.Time
		fields []string // overrides of creditForm
		code   string
	}{
		{"Luhn check fails", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), []string{"card.number", "4200000000000041"}, "100.100.101"},
		{"Luhn check passes with doubled digits over 9", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), []string{"card.number", "5555555555554444", "paymentBrand", "MASTER"}, booked},
		{"expired last month", time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), nil, "100.100.303"},
		{"valid to the last instant of its month", time.Date(2027, 2, 28, 23, 59, 59, 999_999_999, time.UTC), nil, booked},
		{"expiry judged in UTC", time.Date(2027, 2, 28, 20, 0, 0, 0, time.FixedZone("UTC-5", -5*3600)), nil, "100.100.303"},
		{"expired years ago", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), []string{"card.expiryYear", "2023", "card.expiryMonth", "12"}, "100.100.303"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clock, _ := fixedClock(tc.now)
			g := newGateway(t, backofficetest.WithClock(clock))
			f := creditForm("")
			for i := 0; i+1 < len(tc.fields); i += 2 {
				f.Set(tc.fields[i], tc.fields[i+1])
			}

			r := g.post("/v1/payments", f)

			assert.Equal(t, tc.code, r.p.Result.Code, "%s", r.body)
			assert.Regexp(t, hex32, r.p.ID)
			assert.NotContains(t, string(r.body), f.Get("card.number"))
			if tc.code == booked {
				assert.Equal(t, http.StatusOK, r.status)
				return
			}
			assert.Equal(t, http.StatusBadRequest, r.status)
			assert.Empty(t, g.srv.Ledger())
			require.Len(t, g.srv.Attempts(), 1)
			assert.Equal(t, backoffice.ResultCode(tc.code), g.srv.Attempts()[0].Code)
		})
	}
}

func TestCreditParameterErrors(t *testing.T) {
	t.Parallel()
	null := "<null>"
	cases := []struct {
		name          string
		field, value  string // set (or, with value null, removed) in creditForm
		masked        string // the echo by default; null for none
		echoed        string // the echo with WithEchoCardValues(true)
		messagePrefix string
	}{
		{"missing brand", "paymentBrand", null, null, null, "is required"},
		{"lower-case brand", "paymentBrand", "visa", "visa", "visa", "must match"},
		{"short number", "card.number", "4200", "****", "4200", "must match ^[0-9]{12,19}$"},
		{"twenty digits", "card.number", "42000000000000001234", "420000**********1234", "42000000000000001234", "must match"},
		{"number with spaces", "card.number", "4200 0000 0000 0000", "4200 0*********0000", "4200 0000 0000 0000", "must match"},
		{"missing number", "card.number", null, null, null, "is required"},
		{"missing holder", "card.holder", null, null, null, "is required"},
		{"month 13", "card.expiryMonth", "13", "13", "13", "must match"},
		{"month without zero", "card.expiryMonth", "2", "2", "2", "must match"},
		{"two-digit year", "card.expiryYear", "27", "27", "27", "must match"},
		{"short cvv", "card.cvv", "12", "***", "12", "must match ^[0-9]{3,4}$"},
		{"long cvv", "card.cvv", "12345", "***", "12345", "must match"},
		{"missing cvv", "card.cvv", null, null, null, "is required"},
	}
	for _, tc := range cases {
		for _, echo := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/echo=%v", tc.name, echo), func(t *testing.T) {
				t.Parallel()
				g := newGateway(t, backofficetest.WithEchoCardValues(echo))
				f := creditForm("")
				if tc.value == null {
					f.Del(tc.field)
				} else {
					f.Set(tc.field, tc.value)
				}

				r := g.post("/v1/payments", f)

				assert.Equal(t, http.StatusBadRequest, r.status)
				assert.Equal(t, "200.300.404", r.p.Result.Code)
				require.Len(t, r.p.Result.ParameterErrors, 1, "%s", r.body)
				pe := r.p.Result.ParameterErrors[0]
				assert.Equal(t, tc.field, pe.Name)
				assert.Contains(t, pe.Message, tc.messagePrefix)
				want := tc.masked
				if echo {
					want = tc.echoed
				}
				if want == null {
					assert.Nil(t, pe.Value)
				} else {
					require.NotNil(t, pe.Value)
					assert.Equal(t, want, *pe.Value)
				}
				assert.Empty(t, g.srv.Attempts())
			})
		}
	}
}

func TestCreditToARegistration(t *testing.T) {
	t.Parallel()
	start := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	credit := func(g *gateway, registrationID string, kv ...string) reply {
		f := form("paymentType", "CD", "amount", "25.00", "currency", "EUR", "merchantTransactionId", "payout-1")
		for i := 0; i+1 < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return g.post("/v1/registrations/"+registrationID+"/payments", f)
	}

	t.Run("known registration", func(t *testing.T) {
		t.Parallel()
		clock, _ := fixedClock(start)
		g := newGateway(t, backofficetest.WithClock(clock))
		reg := g.srv.AddRegistration()
		require.Regexp(t, hex32, reg)

		r := credit(g, reg)

		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		assert.Equal(t, booked, r.p.Result.Code)
		assert.Equal(t, "CD", r.p.PaymentType)
		assert.Equal(t, "VISA", r.p.PaymentBrand)
		require.NotNil(t, r.p.Card)
		assert.Equal(t, "420000", r.p.Card.Bin)
		assert.Equal(t, "0000", r.p.Card.Last4Digits)
		assert.Equal(t, "Jane Jones", r.p.Card.Holder)
		assert.Equal(t, "12", r.p.Card.ExpiryMonth)
		assert.Equal(t, "2027", r.p.Card.ExpiryYear)
		require.Len(t, g.srv.Ledger(), 1)
		assert.Equal(t, backoffice.PaymentTypeCredit, g.srv.Ledger()[0].Type)
	})
	t.Run("refusals", func(t *testing.T) {
		t.Parallel()
		clock, setClock := fixedClock(start)
		g := newGateway(t, backofficetest.WithClock(clock))
		reg := g.srv.AddRegistration()

		unknown := credit(g, "8a82944a6242c8f00162506ec4b30d44")
		short := credit(g, "12345")
		setClock(time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC))
		expired := credit(g, reg)

		for _, c := range []struct {
			r    reply
			code string
		}{{unknown, "100.150.200"}, {short, "100.150.101"}, {expired, "100.100.303"}} {
			assert.Equal(t, http.StatusBadRequest, c.r.status)
			assert.Equal(t, c.code, c.r.p.Result.Code, "%s", c.r.body)
			assert.Regexp(t, hex32, c.r.p.ID, "a refused credit is recorded")
		}
		assert.Empty(t, g.srv.Ledger())
		assert.Len(t, g.srv.Attempts(), 3)
	})
	t.Run("only credits", func(t *testing.T) {
		t.Parallel()
		g := newGateway(t)

		r := credit(g, g.srv.AddRegistration(), "paymentType", "DB")

		assert.Equal(t, http.StatusBadRequest, r.status)
		require.Len(t, r.p.Result.ParameterErrors, 1)
		assert.Equal(t, "must be one of CD", r.p.Result.ParameterErrors[0].Message)
	})
}
