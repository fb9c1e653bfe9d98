package backoffice_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Hostile black-box tests of the hot paths the maintainer rewrote for speed:
// amount validation and formatting, answer timestamps, card-number masking
// and the URLs of POSTs under a base URL. Only the public API is used; the
// oracles are independent constructions (big.Rat, time.Parse, a digit-run
// scanner, net/url) of what README.md, doc.go, API.md and the reference
// documents promise.

// ---------------------------------------------------------------------------
// A small server of our own: it records every request (with its exact
// request-target) and answers with what the test's function says.

type hfReq struct {
	Method, RequestURI, Host string
	Header                   http.Header
	Form                     url.Values
	Body                     []byte
}

type hfServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []hfReq
}

func hfServe(t *testing.T, answer func(r *http.Request, body []byte) (int, string)) *hfServer {
	t.Helper()
	s := &hfServer{}
	s.Server = httptest.NewServer(s.handler(answer))
	t.Cleanup(s.Close)
	return s
}

func (s *hfServer) handler(answer func(r *http.Request, body []byte) (int, string)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		s.mu.Lock()
		s.reqs = append(s.reqs, hfReq{r.Method, r.RequestURI, r.Host, r.Header.Clone(), form, body})
		s.mu.Unlock()
		status, b := answer(r, body)
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(status)
		io.WriteString(w, b)
	})
}

func (s *hfServer) Requests() []hfReq {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]hfReq(nil), s.reqs...)
}

func hfCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// ---------------------------------------------------------------------------
// (1) Amounts. The oracle: the amount's exact value (big.Rat) must be
// positive, have no more decimals than min(currency minor units, 2), and
// fewer than 12 integer digits (10 on the checksum platform); if so it is
// sent as exactly two decimals meaning exactly that value, else refused with
// a *ValidationError on Amount and nothing is sent. README: "Money is
// decimal.Decimal end to end and is refused, never rounded"; GATEWAY.md:
// amount must match ^[0-9]{1,12}(\.[0-9]{2})?$; CHECKSUM-PLATFORM.md §2:
// ^[0-9]{1,10}\.[0-9]{2}$.

var hfMinor = map[string]int{
	"EUR": 2, "USD": 2, "GBP": 2,
	"JPY": 0, "KRW": 0, "CLP": 0, "VND": 0,
	"BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3,
}

func hfPow10(n int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

func hfRat(d decimal.Decimal) *big.Rat {
	r := new(big.Rat).SetInt(d.Coefficient())
	if e := int(d.Exponent()); e >= 0 {
		r.Mul(r, new(big.Rat).SetInt(hfPow10(e)))
	} else {
		r.Quo(r, new(big.Rat).SetInt(hfPow10(-e)))
	}
	return r
}

// hfWantWire is the oracle: the wire string and true, or "" and false for
// an amount that must be refused.
func hfWantWire(d decimal.Decimal, currency string, maxIntDigits int) (string, bool) {
	r := hfRat(d)
	if r.Sign() <= 0 {
		return "", false
	}
	places := min(hfMinor[currency], 2)
	if !new(big.Rat).Mul(r, new(big.Rat).SetInt(hfPow10(places))).IsInt() {
		return "", false
	}
	if r.Cmp(new(big.Rat).SetInt(hfPow10(maxIntDigits))) >= 0 {
		return "", false
	}
	cents := new(big.Rat).Mul(r, big.NewRat(100, 1)).Num().String()
	for len(cents) < 3 {
		cents = "0" + cents
	}
	return cents[:len(cents)-2] + "." + cents[len(cents)-2:], true
}

type hfAmount struct {
	name string
	d    decimal.Decimal
}

func hfBigAmounts() []hfAmount {
	two64 := new(big.Int).Lsh(big.NewInt(1), 64)
	two63 := new(big.Int).Lsh(big.NewInt(1), 63)
	add := func(a *big.Int, b int64) *big.Int { return new(big.Int).Add(a, big.NewInt(b)) }
	mul := func(a int64, b *big.Int) *big.Int { return new(big.Int).Mul(big.NewInt(a), b) }
	return []hfAmount{
		{"New(1,20)", decimal.New(1, 20)},
		{"New(1,18)", decimal.New(1, 18)},
		{"New(1,12)", decimal.New(1, 12)},
		{"New(1,11)", decimal.New(1, 11)},
		{"New(9,11)", decimal.New(9, 11)},
		{"New(1,10)", decimal.New(1, 10)},
		{"New(1,9)", decimal.New(1, 9)},
		{"New(1,-30)", decimal.New(1, -30)},
		{"New(100,-4)", decimal.New(100, -4)},
		{"New(1,-2)", decimal.New(1, -2)},
		{"New(123,-1)", decimal.New(123, -1)},
		{"999999999999.99", decimal.New(99999999999999, -2)},
		{"999999999999.990000", decimal.New(999999999999990000, -6)},
		{"999999999999.995", decimal.New(999999999999995, -3)},
		{"999999999999.999", decimal.New(999999999999999, -3)},
		{"1000000000000.00", decimal.New(100000000000000, -2)},
		{"9999999999.99", decimal.New(999999999999, -2)},
		{"10000000000.00", decimal.New(1000000000000, -2)},
		{"0.01 as 10^28e-30", decimal.NewFromBigInt(hfPow10(28), -30)},
		{"100 as 10^40e-38", decimal.NewFromBigInt(hfPow10(40), -38)},
		{"100.5 as 1005*10^30e-31", decimal.NewFromBigInt(mul(1005, hfPow10(30)), -31)},
		{"5 as 5*10^500e-500", decimal.NewFromBigInt(mul(5, hfPow10(500)), -500)},
		{"zero", decimal.Zero},
		{"New(0,-5)", decimal.New(0, -5)},
		{"New(0,7)", decimal.New(0, 7)},
		{"-0.00", decimal.RequireFromString("-0.00")},
		{"NewFromFloat(-0)", decimal.NewFromFloat(math.Copysign(0, -1))},
		{"-0.01", decimal.New(-1, -2)},
		{"wrap: 184467440737095517e0 (x100 wraps to 84)", decimal.New(184467440737095517, 0)},
		{"wrap: -184467440737095517e0", decimal.New(-184467440737095517, 0)},
		{"wrap: 18446745e10", decimal.New(18446745, 10)},
		{"wrap: 1845e16", decimal.New(1845, 16)},
		{"wrap: 92233720368547759e1", decimal.New(92233720368547759, 1)},
		{"MaxInt64e-2", decimal.New(math.MaxInt64, -2)},
		{"MaxInt64e-17", decimal.New(math.MaxInt64, -17)},
		{"MaxInt64e-18", decimal.New(math.MaxInt64, -18)},
		{"MaxInt64e-19", decimal.New(math.MaxInt64, -19)},
		{"MinInt64e0", decimal.New(math.MinInt64, 0)},
		{"MinInt64e-2", decimal.New(math.MinInt64, -2)},
		{"(2^64+100)e-2", decimal.NewFromBigInt(add(two64, 100), -2)},
		{"(2^63+100)e-2", decimal.NewFromBigInt(add(two63, 100), -2)},
		{"(2^64*100+150)e-2", decimal.NewFromBigInt(add(mul(100, two64), 150), -2)},
		{"(-(2^64)+100)e-2", decimal.NewFromBigInt(add(new(big.Int).Neg(two64), 100), -2)},
		{"(2^64+1)e-20", decimal.NewFromBigInt(add(two64, 1), -20)},
		{"NewFromFloat(0.1+0.2)", decimal.NewFromFloat(0.1 + 0.2)},
		{"NewFromFloat(19.99)", decimal.NewFromFloat(19.99)},
		{"New(1,400)", decimal.New(1, 400)},
		{"New(1,-400)", decimal.New(1, -400)},
		{"New(10000,-2)", decimal.New(10000, -2)},
		{"New(1005,-3)", decimal.New(1005, -3)},
		{"New(1010,-3)", decimal.New(1010, -3)},
		{"New(1000,-3)", decimal.New(1000, -3)},
		{"New(1005,-1)", decimal.New(1005, -1)},
		{"New(100,0)", decimal.New(100, 0)},
		{"1.50 via Div", decimal.New(3, 0).Div(decimal.New(2, 0))},
		{"10/3 via Div", decimal.New(10, 0).Div(decimal.New(3, 0))},
		{"123456789012.34", decimal.RequireFromString("123456789012.34")},
		{"0.10 via Mul", decimal.RequireFromString("0.5").Mul(decimal.RequireFromString("0.2"))},
	}
}

func hfBearerCaptureID() string { return "8a82944a6242c8f00162506ec4b30d44" }

// The bearer variant, every amount in every currency: refused exactly when
// the oracle refuses, sent as exactly the oracle's string otherwise.
func TestHostileFastPathAmountBearerWireIsExactValue(t *testing.T) {
	t.Parallel()
	for cur := range hfMinor {
		t.Run(cur, func(t *testing.T) {
			t.Parallel()
			srv := hfServe(t, func(*http.Request, []byte) (int, string) { return 200, bearerOK })
			c := newTestClient(t, srv.URL, bearerCreds)
			for _, a := range hfBigAmounts() {
				before := len(srv.Requests())
				_, err := c.Capture(hfCtx(t), hfBearerCaptureID(), backoffice.CaptureRequest{Amount: a.d, Currency: cur})
				reqs := srv.Requests()[before:]
				want, ok := hfWantWire(a.d, cur, 12)
				if !ok {
					var ve *backoffice.ValidationError
					if assert.ErrorAs(t, err, &ve, "%s %s (value %s) must be refused, was sent as %v", a.name, cur, hfRat(a.d).FloatString(4), hfAmounts(reqs)) {
						assert.Equal(t, "Amount", ve.Field, "%s %s", a.name, cur)
					}
					assert.Empty(t, reqs, "%s %s: a refused amount must not be sent", a.name, cur)
					continue
				}
				if !assert.NoError(t, err, "%s %s (value %s) must be accepted as %s", a.name, cur, hfRat(a.d).FloatString(4), want) {
					continue
				}
				if assert.Len(t, reqs, 1, "%s %s", a.name, cur) {
					assert.Equal(t, []string{want}, reqs[0].Form["amount"], "%s %s: the wire amount must mean exactly the value", a.name, cur)
					assert.Equal(t, []string{cur}, reqs[0].Form["currency"], "%s %s", a.name, cur)
				}
			}
		})
	}
}

func hfAmounts(reqs []hfReq) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, r.Form["amount"]...)
	}
	return out
}

// The checksum platform: at most 10 integer digits, and the checksum signs
// exactly the amount string that is sent (memberId|secureKey|paymentId|amount).
func TestHostileFastPathAmountChecksumSignsWhatItSends(t *testing.T) {
	t.Parallel()
	for _, cur := range []string{"EUR", "JPY", "KWD", "BHD"} {
		t.Run(cur, func(t *testing.T) {
			t.Parallel()
			answer := strings.Replace(checksumOK, `"currency":"EUR"`, `"currency":"`+cur+`"`, 1) // the payment is in cur
			srv := hfServe(t, func(*http.Request, []byte) (int, string) { return 200, answer })
			c := newTestClient(t, srv.URL, checksumCreds)
			for _, a := range hfBigAmounts() {
				before := len(srv.Requests())
				_, err := c.Capture(hfCtx(t), "54289", backoffice.CaptureRequest{Amount: a.d, Currency: cur})
				var reqs []hfReq
				for _, r := range srv.Requests()[before:] {
					if strings.Contains(r.RequestURI, "/payments/") { // not the read of the payment's state before
						reqs = append(reqs, r)
					}
				}
				want, ok := hfWantWire(a.d, cur, 10)
				if !ok {
					var ve *backoffice.ValidationError
					assert.ErrorAs(t, err, &ve, "%s %s must be refused on the checksum platform, was sent as %v", a.name, cur, hfAmounts(reqs))
					assert.Empty(t, reqs, "%s %s", a.name, cur)
					continue
				}
				if !assert.NoError(t, err, "%s %s must be accepted as %s", a.name, cur, want) || !assert.Len(t, reqs, 1) {
					continue
				}
				f := reqs[0].Form
				assert.Equal(t, []string{want}, f["amount"], "%s %s", a.name, cur)
				assert.Equal(t, backoffice.Checksum(checksumCreds.MemberID, checksumCreds.SecureKey, "54289", want),
					f.Get("authentication.checksum"), "%s %s: the checksum must sign the amount sent", a.name, cur)
			}
		})
	}
}

// A zero amount in any representation is a full reversal (README: "zero
// Amount = full (no amount, no currency sent)"); any non-zero amount that
// needs rounding is refused, never sent as a full reversal or rounded.
func TestHostileFastPathAmountZeroReversalInAnyRepresentation(t *testing.T) {
	t.Parallel()
	srv := hfServe(t, func(*http.Request, []byte) (int, string) { return 200, bearerOK })
	c := newTestClient(t, srv.URL, bearerCreds)
	zeros := []hfAmount{{"Zero", decimal.Zero}, {"New(0,-5)", decimal.New(0, -5)}, {"New(0,7)", decimal.New(0, 7)},
		{"-0.00", decimal.RequireFromString("-0.00")}, {"NewFromFloat(-0)", decimal.NewFromFloat(math.Copysign(0, -1))},
		{"0 as big", decimal.NewFromBigInt(new(big.Int), -40)}}
	for _, z := range zeros {
		before := len(srv.Requests())
		_, err := c.Reverse(hfCtx(t), "db1", backoffice.ReversalRequest{Amount: z.d})
		require.NoError(t, err, z.name)
		reqs := srv.Requests()[before:]
		require.Len(t, reqs, 1, z.name)
		_, hasAmount := reqs[0].Form["amount"]
		_, hasCurrency := reqs[0].Form["currency"]
		assert.False(t, hasAmount || hasCurrency, "%s: a zero reversal is full: no amount, no currency (%s)", z.name, reqs[0].Body)
		assert.Equal(t, "RV", reqs[0].Form.Get("paymentType"))
	}
	for _, a := range []hfAmount{{"1e-30", decimal.New(1, -30)}, {"0.001", decimal.New(1, -3)}, {"0.004999", decimal.New(4999, -6)}} {
		before := len(srv.Requests())
		_, err := c.Reverse(hfCtx(t), "db1", backoffice.ReversalRequest{Amount: a.d, Currency: "EUR"})
		var ve *backoffice.ValidationError
		assert.ErrorAs(t, err, &ve, "%s: a partial reversal of a sub-cent amount must be refused", a.name)
		assert.Len(t, srv.Requests(), before, "%s: nothing sent", a.name)
	}
}

// ---------------------------------------------------------------------------
// (2) Answer timestamps. API.md: Timestamp accepts "2006-01-02 15:04:05-0700"
// with or without ".000" milliseconds; doc: "UTC when the gateway gave no
// zone"; an unparsable timestamp is left zero (decode_test.go). The oracle is
// time.Parse with those layouts. A timestamp the oracle refuses must come
// back zero; a well-formed one must be the oracle's instant; an odd one the
// oracle accepts (10+ fraction digits, +2400, a comma) may be zero or the
// oracle's instant, never another instant.

func hfOracleTime(s string) (time.Time, bool) {
	if t, err := time.Parse("2006-01-02 15:04:05-0700", s); err == nil {
		return t, true
	}
	if t, err := time.Parse("2006-01-02 15:04:05", s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

type hfTS struct {
	json   string // as it stands between the quotes in the body
	strict bool   // well-formed: must be parsed
}

func hfTimestamps() []hfTS {
	strict := []string{
		"2024-02-29 23:59:59+0000", "2024-02-29 23:59:59.999+0000", "2000-02-29 00:00:00+0000",
		"2023-12-31 23:59:59-1200", "2024-01-01 00:00:00+1400", "2024-06-30 12:34:56.1+0530",
		"2024-06-30 12:34:56.123456789+0000", "2024-06-30 12:34:56.000000001-0000", "1970-01-01 00:00:00+0000",
		"9999-12-31 23:59:59+0000", "2024-03-10 02:30:00-0500", "2024-03-31 02:30:00+0100",
		"2024-06-30 12:34:56.065+0000", "2024-06-30 12:34:56.06+0000", "2024-06-30 12:34:56.999+1345",
		"2024-06-30 12:34:56-0930", "2024-02-29 12:00:00", "2021-08-10 13:51:19.0", "2024-12-31 23:59:59.999999999",
		"2018-03-23 01:12:17+0000", "2022-08-25 13:43:44.065+0000",
	}
	lenient := []string{
		"2024-06-30 12:34:56.1234567891+0000", "2024-06-30 12:34:56.99999999999+0000", "2024-06-30 12:34:56.9999999999",
		"2024-06-30 12:34:56+2400", "2024-06-30 12:34:56-2400", "2024-06-30 12:34:56+0060", "2024-06-30 12:34:56,5+0000",
		"2024-06-30 12:34:56.00000000000000000001+0000",
	}
	bad := []string{
		"2023-02-29 12:00:00+0000", "2100-02-29 12:00:00+0000", "1900-02-29 12:00:00+0000", "2024-04-31 12:00:00+0000",
		"2024-13-01 12:00:00+0000", "2024-00-10 12:00:00+0000", "2024-01-00 12:00:00+0000", "2024-01-32 12:00:00+0000",
		"2024-06-30 24:00:00+0000", "2024-06-30 23:60:00+0000", "2024-06-30 23:59:60+0000", "2024-06-30 12:34:56.+0000",
		"2024-06-30 12:34:56+000", "2024-06-30 12:34:56+00000", "2024-06-30 12:34:56+2500", "2024-06-30 12:34:56+0099",
		"2024-06-30 12:34:56Z", "2024-06-30T12:34:56+0000", "2024-06-30 12:34:56 +0000", " 2024-06-30 12:34:56+0000",
		"2024-06-30 12:34:56+0000 ", "2024-06-30 12:34:56+0000Z", "2024-06-3012:34:56+0000", "2024-06-30 12:34:56+00:00",
		"2024/06/30 12:34:56+0000", "", "2024-06-30", "2024-06-30 12:34:56.1.2+0000", "2024-06-30 12:34:56+0a00",
		"2024-06-30 12:34:56+-100", "2024-06-30 12:34:56 0000", "+2024-06-30 12:34:56+0000", "2024-6-30 12:34:56+0000",
		"2024-06-30 1:34:56+0000", "2024-06-30 12:34:56*0000", "２０24-06-30 12:34:56+0000", "2024-06-30 12:34:5\u0666+0000",
		"2024-06-30 12:34:56.\u0661+0000", "2024-02-30 00:00:00", "2023-02-29 00:00:00.0", "2024-06-30 12:3a:56+0000",
		"2024-06-30 12:34:56.5", "2024-06-30 12:34:56.5 ", "2024-06-30 12:34:56.-5+0000", "2024-06-30 12:34:56.5+0000+0000",
		"0000-00-00 00:00:00", "2024-06-31 00:00:00", "2024-06-30 12:34:56-0000\u0000", "2024-06-30 12:34:56\u0000+0000",
	}
	var out []hfTS
	for _, s := range strict {
		out = append(out, hfTS{s, true})
	}
	for _, s := range lenient {
		out = append(out, hfTS{s, false})
	}
	for _, s := range bad {
		b, _ := json.Marshal(s)
		out = append(out, hfTS{string(b[1 : len(b)-1]), false})
	}
	// JSON escapes that decode to a well-formed timestamp mean the same.
	out = append(out, hfTS{`2024\u002d02-29 23:59:59+0000`, true}, hfTS{`2024-02-29\u002023:59:59.5\u002b0100`, true},
		hfTS{`\u0032024-02-29 23:59:59+0000`, true}, hfTS{`2023\u002d02-29 12:00:00+0000`, false})
	return out
}

func hfCheckTime(t *testing.T, where, jsonText string, strict bool, got time.Time) {
	t.Helper()
	var s string
	require.NoError(t, json.Unmarshal([]byte(`"`+jsonText+`"`), &s))
	want, ok := hfOracleTime(s)
	switch {
	case !ok:
		assert.True(t, got.IsZero(), "%s: %q is not a valid timestamp, yet read as %v", where, s, got)
	case strict:
		assert.True(t, want.Equal(got), "%s: %q read as %v, want %v", where, s, got, want.UTC())
	default:
		assert.True(t, got.IsZero() || want.Equal(got), "%s: %q read as %v; either zero or %v, never another instant", where, s, got, want.UTC())
	}
	if !got.IsZero() && !strings.ContainsAny(s[min(len(s), 19):], "+-") {
		assert.Equal(t, time.UTC, got.Location(), "%s: %q has no zone: UTC", where, s)
	}
}

func TestHostileFastPathTimestampBearerAnswer(t *testing.T) {
	t.Parallel()
	cases := hfTimestamps()
	body := func(ts string) string {
		return `{"id":"8a82944a6242c8f00162506ec4b30d44","paymentType":"CP","amount":"1.00","currency":"EUR",` +
			`"result":{"code":"000.100.110","description":"Request successfully processed"},` +
			`"buildNumber":"b@2024","timestamp":"` + ts + `","ndc":"n_1"}`
	}
	srv := hfServe(t, func(r *http.Request, _ []byte) (int, string) {
		i, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/v1/payments/ts"))
		return 200, body(cases[i].json)
	})
	c := newTestClient(t, srv.URL, bearerCreds)
	for i, tc := range cases {
		p, err := c.Capture(hfCtx(t), fmt.Sprintf("ts%d", i), backoffice.CaptureRequest{Amount: dec("1.00"), Currency: "EUR"})
		if !assert.NoError(t, err, "timestamp %q: a bad timestamp is not a failed call", tc.json) {
			continue
		}
		hfCheckTime(t, "Capture answer", tc.json, tc.strict, p.Timestamp)
		d, err := backoffice.DecodePayment([]byte(body(tc.json)))
		require.NoError(t, err)
		hfCheckTime(t, "DecodePayment", tc.json, tc.strict, d.Timestamp)
		assert.True(t, d.Timestamp.Equal(p.Timestamp), "%q: the client and DecodePayment disagree: %v vs %v", tc.json, p.Timestamp, d.Timestamp)
	}
}

// The checksum platform's zone-less inquiry time is server time read as UTC.
func TestHostileFastPathTimestampChecksumInquiry(t *testing.T) {
	t.Parallel()
	cases := hfTimestamps()
	srv := hfServe(t, func(r *http.Request, body []byte) (int, string) {
		i, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/transactionServices/REST/v1/payments/"))
		return 200, `{"paymentId":"` + strconv.Itoa(i) + `","status":"capturesuccess","transactionStatus":"Y","amount":"10.00","currency":"EUR",` +
			`"result":{"code":"00001","description":"Transaction succeeded"},"timestamp":"` + cases[i-1000].json + `"}`
	})
	c := newTestClient(t, srv.URL, checksumCreds)
	for i, tc := range cases {
		p, err := c.Inquire(hfCtx(t), strconv.Itoa(1000+i))
		if assert.NoError(t, err, "%q", tc.json) {
			hfCheckTime(t, "checksum Inquire", tc.json, tc.strict, p.Timestamp)
		}
	}
}

// The transaction list's zone-less times are read in the zone the SDK asked
// the platform for: "timeZone ... sets the MySQL session time zone for the
// filter and for the dates returned" (CHECKSUM-PLATFORM.md §2); the SDK's
// doc: "sent as dd/MM/yyyy with that zone's offset as timeZone, so the
// platform's day boundaries and the times it returns (Timestamp) are in that
// zone". The platform writes every row in that one offset, also rows on the
// far side of a DST change, and local times that do not exist in the named
// zone (a spring-forward gap) are perfectly good times in the offset.
func TestHostileFastPathTimestampListZoneAcrossDST(t *testing.T) {
	t.Parallel()
	type zcase struct {
		zone     string
		from, to [3]int
		rows     []string
	}
	cases := []zcase{
		{"Europe/Berlin", [3]int{2021, 3, 28}, [3]int{2021, 3, 28}, []string{"2021-03-28 02:30:00.0", "2021-03-28 13:00:00.0", "2021-03-28 00:30:00.0", "2021-03-28 23:59:59.0"}},
		{"Europe/Berlin", [3]int{2021, 3, 27}, [3]int{2021, 3, 29}, []string{"2021-03-29 12:00:00.0", "2021-03-27 12:00:00.0"}},
		{"Europe/Berlin", [3]int{2021, 10, 31}, [3]int{2021, 10, 31}, []string{"2021-10-31 02:30:00.0", "2021-10-31 12:00:00.0"}},
		{"America/New_York", [3]int{2021, 3, 14}, [3]int{2021, 3, 14}, []string{"2021-03-14 02:30:00.0", "2021-03-14 12:00:00.0"}},
		{"America/New_York", [3]int{2021, 11, 7}, [3]int{2021, 11, 7}, []string{"2021-11-07 01:30:00.0", "2021-11-07 18:00:00.0"}},
		{"Australia/Lord_Howe", [3]int{2021, 4, 4}, [3]int{2021, 4, 4}, []string{"2021-04-04 01:45:00.0", "2021-04-04 12:00:00.0"}},
		{"Asia/Kolkata", [3]int{2024, 2, 29}, [3]int{2024, 2, 29}, []string{"2024-02-29 00:00:00.0", "2024-02-29 23:59:59.0"}},
	}
	for _, zc := range cases {
		t.Run(zc.zone+fmt.Sprint(zc.from), func(t *testing.T) {
			t.Parallel()
			loc, err := time.LoadLocation(zc.zone)
			if err != nil {
				t.Skipf("no tzdata for %s: %v", zc.zone, err)
			}
			var rows []string
			for i, r := range zc.rows {
				rows = append(rows, fmt.Sprintf(`{"systemPaymentId":"%d","amount":"10.00","currency":"EUR","transactionStatus":"capturesuccess","captureamount":"10.00","refundamount":"0.00","date":%q,"transactionDate":%q}`, 54000+i, r, r))
			}
			srv := hfServe(t, func(*http.Request, []byte) (int, string) {
				return 200, `{"result":{"code":"00029","description":"ok"},"transaction":[` + strings.Join(rows, ",") + `]}`
			})
			from := time.Date(zc.from[0], time.Month(zc.from[1]), zc.from[2], 0, 0, 0, 0, loc)
			to := time.Date(zc.to[0], time.Month(zc.to[1]), zc.to[2], 0, 0, 0, 0, loc)
			ps, err := newTestClient(t, srv.URL, checksumCreds).TransactionList(hfCtx(t), backoffice.TransactionListRequest{From: from, To: to})
			require.NoError(t, err)
			require.Len(t, ps, len(zc.rows))
			reqs := srv.Requests()
			require.NotEmpty(t, reqs)
			tz := reqs[0].Form.Get("timeZone")
			off, ok := hfParseOffset(tz)
			require.True(t, ok, "timeZone %q is not an ISO-8601 offset", tz)
			_, fromOff := from.Zone()
			assert.Equal(t, fromOff, off, "timeZone is From's offset")
			for i, r := range zc.rows {
				want, err := time.ParseInLocation("2006-01-02 15:04:05.0", r, time.FixedZone("", off))
				require.NoError(t, err)
				assert.True(t, want.Equal(ps[i].Timestamp), "row %q, sent timeZone %s: read as %v, the platform meant %v (off by %v)",
					r, tz, ps[i].Timestamp.UTC(), want.UTC(), ps[i].Timestamp.Sub(want))
			}
		})
	}
}

func hfParseOffset(s string) (int, bool) {
	if s == "Z" || s == "+00:00" || s == "-00:00" {
		return 0, true
	}
	m := regexp.MustCompile(`^([+-])(\d\d):?(\d\d)$`).FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	h, _ := strconv.Atoi(m[2])
	mi, _ := strconv.Atoi(m[3])
	off := h*3600 + mi*60
	if m[1] == "-" {
		off = -off
	}
	return off, true
}

// ---------------------------------------------------------------------------
// (3) Card numbers. README: "any run of 12 to 19 digits that passes the Luhn
// check (card numbers, also with spaces or dashes, also JSON-escaped) ... in
// descriptions, parameter errors, resultDetails, card fields and Raw (which
// stays valid JSON), and so in every error string"; doc.go: "No ... card
// number ... ever appears in an error, a log line or a printed value, even
// when the gateway echoes it"; Payment.Raw: "what the SDK masks everywhere
// (card numbers, ...) is masked in it too, and it stays valid JSON";
// DecodePayment: "the same masking of card numbers wherever they stand".

// hfLuhn completes prefix with its Luhn check digit.
func hfLuhn(prefix string) string {
	sum := 0
	for i := 0; i < len(prefix); i++ {
		d := int(prefix[len(prefix)-1-i] - '0')
		if i%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return prefix + strconv.Itoa((10-sum%10)%10)
}

// hfCardForm is a card number as it stands in a JSON string (jsonText) and
// its digits.
type hfCardForm struct {
	name, jsonText, digits string
}

func hfEsc(s string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}

func hfCardForms() []hfCardForm {
	c12, c19 := hfLuhn("51000000000"), hfLuhn("411111111111111111")
	return []hfCardForm{
		{"plain16", "4111111111111111", "4111111111111111"},
		{"spaces", "4111 1111 1111 1111", "4111111111111111"},
		{"dashes", "4111-1111-1111-1111", "4111111111111111"},
		{"mixed separators", "5555 5555-5555 4444", "5555555555554444"},
		{"amex spaces", "3782 822463 10005", "378282246310005"},
		{"12 digits", c12, c12},
		{"19 digits", c19, c19},
		{"all digits escaped", hfEsc("6011111111111117"), "6011111111111117"},
		{"one digit escaped", "4012888888881\\u0038881", "4012888888881881"},
		{"after an escaped quote", `\"4111111111111111\"`, "4111111111111111"},
	}
}

// hfEscapedSeparatorForms are cards whose separators are JSON-escaped: the
// decoded text is "4242 4242 4242 4242".
func hfEscapedSeparatorForms() []hfCardForm {
	return []hfCardForm{
		{"escaped spaces", `4242\u00204242\u00204242\u00204242`, "4242424242424242"},
		{"escaped dashes", `4000\u002d0566\u002d5566\u002d5556`, "4000056655665556"},
		{"escaped space once", `5555 5555\u00205555 4444`, "5555555555554444"},
	}
}

var hfDigitRun = regexp.MustCompile(`[0-9](?:[ -]?[0-9])*`)

// hfHasCard reports whether text holds digits as a run of digits, with or
// without spaces or dashes between them.
func hfHasCard(text, digits string) bool {
	for _, m := range hfDigitRun.FindAllString(text, -1) {
		if strings.Contains(strings.NewReplacer(" ", "", "-", "").Replace(m), digits) {
			return true
		}
	}
	return false
}

// hfLeaks lists where v (a Payment, an error, ...) shows digits: every
// exported string, map key and value, Raw as bytes and as decoded JSON,
// and the formatted value.
func hfLeaks(v any, digits string) []string {
	var out []string
	var walk func(path string, rv reflect.Value)
	walk = func(path string, rv reflect.Value) {
		switch rv.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !rv.IsNil() {
				walk(path, rv.Elem())
			}
		case reflect.String:
			if hfHasCard(rv.String(), digits) {
				out = append(out, path+"="+rv.String())
			}
		case reflect.Struct:
			if rv.Type().PkgPath() != "github.com/c81406b6/backoffice" {
				return
			}
			for i := 0; i < rv.NumField(); i++ {
				if f := rv.Type().Field(i); f.IsExported() {
					walk(path+"."+f.Name, rv.Field(i))
				}
			}
		case reflect.Map:
			for _, k := range rv.MapKeys() {
				walk(path+"[key]", k)
				walk(path+"["+k.String()+"]", rv.MapIndex(k))
			}
		case reflect.Slice:
			if raw, ok := rv.Interface().(json.RawMessage); ok {
				out = append(out, hfRawLeaks(path, raw, digits)...)
				return
			}
			for i := 0; i < rv.Len(); i++ {
				walk(fmt.Sprintf("%s[%d]", path, i), rv.Index(i))
			}
		}
	}
	walk("", reflect.ValueOf(v))
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(verb, v); hfHasCard(s, digits) {
			out = append(out, verb+"="+s)
		}
	}
	return out
}

func hfRawLeaks(path string, raw json.RawMessage, digits string) []string {
	var out []string
	if len(raw) == 0 {
		return nil
	}
	if !json.Valid(raw) {
		return []string{path + " is not valid JSON: " + string(raw)}
	}
	if hfHasCard(string(raw), digits) {
		out = append(out, path+" bytes="+string(raw))
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	var x any
	_ = dec.Decode(&x)
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			if hfHasCard(v, digits) {
				out = append(out, path+" decoded string="+v)
			}
		case json.Number:
			if hfHasCard(string(v), digits) {
				out = append(out, path+" decoded number="+string(v))
			}
		case map[string]any:
			for k, e := range v {
				if hfHasCard(k, digits) {
					out = append(out, path+" decoded key="+k)
				}
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(x)
	return out
}

// hfCardServer answers each request with the body registered under the
// last path segment of the request.
type hfCardServer struct {
	*hfServer
	mu     sync.Mutex
	bodies map[string]hfAnswer
}

type hfAnswer struct {
	status int
	body   string
}

func newHfCardServer(t *testing.T) *hfCardServer {
	s := &hfCardServer{bodies: map[string]hfAnswer{}}
	s.hfServer = hfServe(t, func(r *http.Request, _ []byte) (int, string) {
		key := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		s.mu.Lock()
		defer s.mu.Unlock()
		a, ok := s.bodies[key]
		if !ok {
			return 400, `{"result":{"code":"700.400.580","description":"cannot find transaction"}}`
		}
		return a.status, a.body
	})
	return s
}

func (s *hfCardServer) set(id string, status int, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bodies[id] = hfAnswer{status, body}
}

// hfCardPlacements put a card (as JSON string text) into one field of an
// answer. ok answers are bookings (HTTP 200), the others refusals (HTTP 400
// with the payment), so that errors carry them too.
var hfCardPlacements = []struct {
	name string
	body func(card string) string
}{
	{"description", func(c string) string { return hfBody(`"description":"card `+c+` declined"`, ``) }},
	{"description end", func(c string) string { return hfBody(`"description":"`+c+`"`, ``) }},
	{"parameterErrors.value", func(c string) string {
		return hfBody(`"description":"invalid","parameterErrors":[{"name":"card.number","value":"`+c+`","message":"invalid"}]`, ``)
	}},
	{"parameterErrors.value other name", func(c string) string {
		return hfBody(`"description":"invalid","parameterErrors":[{"name":"customParameters[x]","value":"`+c+`","message":"invalid"}]`, ``)
	}},
	{"parameterErrors.message", func(c string) string {
		return hfBody(`"description":"invalid","parameterErrors":[{"name":"card.number","value":null,"message":"`+c+` is not valid"}]`, ``)
	}},
	{"parameterErrors.name", func(c string) string {
		return hfBody(`"description":"invalid","parameterErrors":[{"name":"`+c+`","value":"x","message":"m"}]`, ``)
	}},
	{"resultDetails value", func(c string) string {
		return hfBody(`"description":"d"`, `,"resultDetails":{"ExtendedDescription":"`+c+`"}`)
	}},
	{"resultDetails key", func(c string) string { return hfBody(`"description":"d"`, `,"resultDetails":{"`+c+`":"x"}`) }},
	{"card.holder", func(c string) string {
		return hfBody(`"description":"d"`, `,"card":{"bin":"411111","last4Digits":"1111","holder":"`+c+`","expiryMonth":"12","expiryYear":"2030"}`)
	}},
	{"card.bin", func(c string) string {
		return hfBody(`"description":"d"`, `,"card":{"bin":"`+c+`","last4Digits":"1111"}`)
	}},
	{"card.last4Digits", func(c string) string {
		return hfBody(`"description":"d"`, `,"card":{"bin":"411111","last4Digits":"`+c+`"}`)
	}},
	{"card.number", func(c string) string { return hfBody(`"description":"d"`, `,"card":{"number":"`+c+`","bin":"411111"}`) }},
	{"descriptor", func(c string) string { return hfBody(`"description":"d"`, `,"descriptor":"`+c+`"`) }},
	{"ndc", func(c string) string { return hfBody(`"description":"d"`, `,"ndc":"`+c+`"`) }},
	{"buildNumber", func(c string) string { return hfBody(`"description":"d"`, `,"buildNumber":"`+c+`"`) }},
	{"shortId", func(c string) string { return hfBody(`"description":"d"`, `,"shortId":"`+c+`"`) }},
	{"paymentBrand", func(c string) string { return hfBody(`"description":"d"`, `,"paymentBrand":"`+c+`"`) }},
	{"risk.score", func(c string) string { return hfBody(`"description":"d"`, `,"risk":{"score":"`+c+`"}`) }},
	{"customer.merchantCustomerId", func(c string) string {
		return hfBody(`"description":"d"`, `,"customer":{"merchantCustomerId":"`+c+`","email":"x@example.com"}`)
	}},
	{"customParameters", func(c string) string {
		return hfBody(`"description":"d"`, `,"customParameters":{"SHOPPER_note":"`+c+`"}`)
	}},
	{"source", func(c string) string { return hfBody(`"description":"d"`, `,"source":"`+c+`"`) }},
	{"unknown field", func(c string) string { return hfBody(`"description":"d"`, `,"brandNew":{"deep":["`+c+`"]}`) }},
	{"first key of the body", func(c string) string {
		return `{"` + c + `":"x",` + hfBody(`"description":"d"`, ``)[1:]
	}},
}

func hfBody(resultInner, tail string) string {
	return `{"id":"8a82944a6242c8f00162506ec4b30d44","paymentType":"RF","amount":"1.00","currency":"EUR",` +
		`"result":{"code":"%CODE%",` + resultInner + `},"timestamp":"2024-02-29 12:00:00+0000"` + tail + `}`
}

func hfWithCode(body, code string) string { return strings.Replace(body, "%CODE%", code, 1) }

// hfCardProblems runs a refund on id against s, answered with body (a
// booking, or a refusal with HTTP 400), and returns where the caller can see
// digits: fields of the payment or the error, Raw (also decoded), the
// formatted values, the error string, the log, and DecodePayment of the same
// body.
func hfCardProblems(t *testing.T, s *hfCardServer, c *backoffice.Client, logs *syncBuffer, id, body, digits string, refused bool) []string {
	t.Helper()
	status, code := 200, "000.100.110"
	if refused {
		status, code = 400, "100.100.101"
	}
	b := hfWithCode(body, code)
	require.True(t, json.Valid([]byte(b)), "the test's body is not JSON: %s", b)
	s.set(id, status, b)
	before := len(logs.String())
	p, err := c.Refund(hfCtx(t), id, backoffice.RefundRequest{Amount: dec("1.00"), Currency: "EUR"})
	var out []string
	if refused {
		var re *backoffice.ResultError
		if !errors.As(err, &re) {
			return []string{fmt.Sprintf("want a *ResultError, got %v", err)}
		}
		out = append(out, hfPaths("err", hfLeaks(err, digits))...)
		if hfHasCard(err.Error(), digits) {
			out = append(out, "err.Error()")
		}
		p = re.Payment
	} else if err != nil {
		return []string{fmt.Sprintf("want a booking, got %v", err)}
	}
	if p != nil {
		out = append(out, hfPaths("payment", hfLeaks(p, digits))...)
	}
	if hfHasCard(logs.String()[before:], digits) {
		out = append(out, "log")
	}
	d, derr := backoffice.DecodePayment([]byte(b))
	if derr != nil {
		out = append(out, "DecodePayment: "+derr.Error())
	} else {
		out = append(out, hfPaths("DecodePayment", hfLeaks(d, digits))...)
	}
	return hfUniq(out)
}

// hfPaths keeps the where of each leak, not the leaked text.
func hfPaths(prefix string, leaks []string) []string {
	var out []string
	for _, l := range leaks {
		if i := strings.IndexByte(l, '='); i >= 0 {
			l = l[:i]
		}
		if len(l) > 60 {
			l = l[:60]
		}
		out = append(out, prefix+l)
	}
	return out
}

func hfUniq(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// hfCardClient is a bearer client of a fresh card server, logging at debug
// level into the returned buffer.
func hfCardClient(t *testing.T) (*hfCardServer, *backoffice.Client, *syncBuffer) {
	s := newHfCardServer(t)
	logs := &syncBuffer{}
	c := newTestClient(t, s.URL, bearerCreds, backoffice.WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	return s, c, logs
}

// Every placement, every form, both as a booking and as a refusal. Each
// placement reports once, listing the forms that leak and where.
func TestHostileFastPathCardMaskedInEveryField(t *testing.T) {
	t.Parallel()
	for _, pl := range hfCardPlacements {
		t.Run(pl.name, func(t *testing.T) {
			t.Parallel()
			s, c, logs := hfCardClient(t)
			var bad []string
			n := 0
			for _, f := range hfCardForms() {
				for _, refused := range []bool{false, true} {
					n++
					if probs := hfCardProblems(t, s, c, logs, fmt.Sprintf("f%d", n), pl.body(f.jsonText), f.digits, refused); len(probs) > 0 {
						bad = append(bad, fmt.Sprintf("%s (refused=%v): %v", f.name, refused, probs))
					}
				}
			}
			if len(bad) > 0 {
				t.Errorf("a card number echoed in %s is shown to the caller; e.g. body %s\n%s",
					pl.name, hfWithCode(pl.body(hfCardForms()[0].jsonText), "000.100.110"), strings.Join(bad, "\n"))
			}
		})
	}
}

// The pre-check reads every 12th byte: a card at every offset of the body
// (modulo 12, and more), in each form, mid-string, at the end of a string,
// as the body's last string and as its last value (a bare JSON number, then
// only "}" after it). The card always stands after a space, never glued to
// a letter.
func TestHostileFastPathCardMaskedAtEveryOffset(t *testing.T) {
	t.Parallel()
	forms := map[string]bool{"plain16": true, "spaces": true, "dashes": true, "12 digits": true, "19 digits": true,
		"all digits escaped": true, "one digit escaped": true, "amex spaces": true}
	for _, f := range hfCardForms() {
		if !forms[f.name] {
			continue
		}
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			s, c, logs := hfCardClient(t)
			bad := map[string][]int{}
			n := 0
			for pad := 0; pad <= 13; pad++ {
				p := strings.Repeat("x", pad) + " "
				bodies := map[string]string{
					"mid description":        hfBody(`"description":"`+p+f.jsonText+` declined"`, ``),
					"end of description":     hfBody(`"description":"`+p+f.jsonText+`"`, ``),
					"end of body string":     hfBody(`"description":"d"`, `,"z":"`+p+f.jsonText+`"`),
					"resultDetails mid body": hfBody(`"description":"d"`, `,"resultDetails":{"k`+p+`":"`+f.jsonText+`","n":"1"}`),
				}
				if f.jsonText == f.digits {
					bodies["last value, a number"] = hfBody(`"description":"d"`, `,"z`+strings.TrimSpace(p)+`":`+f.digits)
				}
				for where, b := range bodies {
					n++
					if probs := hfCardProblems(t, s, c, logs, fmt.Sprintf("o%d", n), b, f.digits, where == "mid description"); len(probs) > 0 {
						bad[where+fmt.Sprint(" ", probs)] = append(bad[where+fmt.Sprint(" ", probs)], pad)
					}
				}
			}
			for k, pads := range bad {
				t.Errorf("%s: card %q leaks at %s with pads %v", f.name, f.jsonText, k, pads)
			}
		})
	}
}

// A card glued to a label by punctuation is masked ("Card No.4111...",
// "card:4111..."), as alone. A digit run glued to a letter, a digit or an
// underscore is part of a word or an id ("PAN4111...", "card_4111...",
// hex ids such as 8a8294174e918ca6...) and is kept, so that identifiers in
// Raw and in the fields stay intact: the README states the rule.
func TestHostileFastPathCardGluedToALetter(t *testing.T) {
	t.Parallel()
	s, c, logs := hfCardClient(t)
	for i, text := range []string{"Card No.4111111111111111", "card:4111111111111111", "4111111111111111", "(4111 1111 1111 1111)"} {
		probs := hfCardProblems(t, s, c, logs, fmt.Sprintf("g%d", i), hfBody(`"description":"`+text+`"`, ``), "4111111111111111", true)
		assert.Empty(t, probs, "description %q: the card is shown", text)
	}
	for _, text := range []string{"PAN4111111111111111", "4111111111111111x", "card_4111111111111111", "x4111 1111 1111 1111",
		"0.4111111111111111"} {
		p, err := backoffice.DecodePayment([]byte(hfWithCode(hfBody(`"description":"`+text+`"`, ``), "000.100.110")))
		if assert.NoError(t, err, text) {
			assert.Equal(t, text, p.Result.Description, "a run inside a word, an id or a decimal is kept")
			assert.Contains(t, string(p.Raw), text)
		}
	}
}

// A card whose spaces or dashes are JSON-escaped ("4242\u00204242...") is
// a card "with spaces or dashes" and "JSON-escaped" at once (README).
func TestHostileFastPathCardWithEscapedSeparators(t *testing.T) {
	t.Parallel()
	s, c, logs := hfCardClient(t)
	n := 0
	for _, pl := range hfCardPlacements {
		switch pl.name {
		case "description", "parameterErrors.value", "resultDetails value", "card.holder", "descriptor", "unknown field":
		default:
			continue
		}
		for _, f := range hfEscapedSeparatorForms() {
			n++
			probs := hfCardProblems(t, s, c, logs, fmt.Sprintf("s%d", n), pl.body(f.jsonText), f.digits, true)
			assert.Empty(t, probs, "%s in %s: the card is shown", f.jsonText, pl.name)
		}
	}
}

// JSON escapes right before or after a card: in the decoded text the card
// stands alone ("\n4111..." is a newline, then the card), so Raw must mask
// it as the decoded fields do.
func TestHostileFastPathCardNextToJSONEscapes(t *testing.T) {
	t.Parallel()
	s, c, logs := hfCardClient(t)
	for i, esc := range []string{`\n`, `\t`, `\r`, `\b`, `\f`, `\/`, `\\`, `\"`, `\u000a`, `\u0020`} {
		for j, text := range []string{esc + "4111111111111111", "4111111111111111" + esc, "ab" + esc + "4111 1111 1111 1111" + esc + "cd"} {
			probs := hfCardProblems(t, s, c, logs, fmt.Sprintf("e%d-%d", i, j), hfBody(`"description":"`+text+`"`, ``), "4111111111111111", false)
			assert.Empty(t, probs, "description %s", text)
		}
	}
}

// Lists carry cards too: records of a look-up by merchantTransactionId, and
// rows of the checksum platform's transaction list.
func TestHostileFastPathCardMaskedInListRecords(t *testing.T) {
	t.Parallel()
	for _, f := range hfCardForms() {
		rec := func(id string) string {
			return `{"id":"` + id + `","paymentType":"DB","amount":"1.00","currency":"EUR","descriptor":"` + f.jsonText +
				`","result":{"code":"000.100.110","description":"` + f.jsonText + `"},"card":{"bin":"411111","last4Digits":"1111","holder":"` + f.jsonText + `"}}`
		}
		srv := hfServe(t, func(*http.Request, []byte) (int, string) {
			return 200, `{"result":{"code":"000.000.100","description":"successful request"},"payments":[` + rec("8a82944a6242c8f00162506ec4b30d44") + `,` + rec("8a82944a6242c8f00162506ec4b30d45") + `]}`
		})
		ps, err := newTestClient(t, srv.URL, bearerCreds).QueryByMerchantTransactionID(hfCtx(t), "order-1")
		if assert.NoError(t, err, f.name) && assert.Len(t, ps, 2, f.name) {
			assert.Empty(t, hfPaths("", hfLeaks(ps, f.digits)), "%s: a query record shows the card", f.name)
		}
		row := func(id string) string {
			return `{"systemPaymentId":"` + id + `","amount":"10.00","currency":"EUR","transactionStatus":"capturesuccess","captureamount":"10.00","refundamount":"0.00",` +
				`"transactionDate":"2021-08-10 13:51:19.0","remark":"` + f.jsonText + `","customer":{"givenName":"` + f.jsonText + `"},"card":{"bin":"411111","lastFourDigits":"` + f.jsonText + `"}}`
		}
		csrv := hfServe(t, func(*http.Request, []byte) (int, string) {
			return 200, `{"result":{"code":"00029","description":"ok"},"transaction":[` + row("54279") + `,` + row("54280") + `]}`
		})
		rows, err := newTestClient(t, csrv.URL, checksumCreds).TransactionList(hfCtx(t), backoffice.TransactionListRequest{})
		if assert.NoError(t, err, f.name) && assert.Len(t, rows, 2, f.name) {
			assert.Empty(t, hfPaths("", hfLeaks(rows, f.digits)), "%s: a list row shows the card", f.name)
		}
	}
}

// Masking changes only what it must: Raw is "what the gateway sent with one
// change", so a run of digits that fails the Luhn check (an acquirer's
// reference, say) is kept, and the rest of the body survives masking.
func TestHostileFastPathMaskingKeepsTheRest(t *testing.T) {
	t.Parallel()
	nonLuhn := "4111111111111112"
	require.NotEqual(t, hfLuhn(nonLuhn[:15]), nonLuhn)
	body := `{"id":"8a82944a6242c8f00162506ec4b30d44","paymentType":"RF","amount":"1.00","currency":"EUR",` +
		`"result":{"code":"000.100.110","description":"card 4111 1111 1111 1111 ok"},` +
		`"resultDetails":{"ConnectorTxID1":"` + nonLuhn + `","AcquirerResponse":"00","ref":"12345678901"},` +
		`"timestamp":"2024-02-29 12:00:00.123+0000","descriptor":"7548.8324.7369 ECOM"}`
	srv := hfServe(t, func(*http.Request, []byte) (int, string) { return 200, body })
	p, err := newTestClient(t, srv.URL, bearerCreds).Refund(hfCtx(t), "db1", backoffice.RefundRequest{Amount: dec("1.00"), Currency: "EUR"})
	require.NoError(t, err)
	assert.False(t, hfHasCard(p.Result.Description, "4111111111111111"))
	assert.Equal(t, nonLuhn, p.ResultDetails["ConnectorTxID1"], "a digit run failing Luhn is no card number")
	assert.Equal(t, "12345678901", p.ResultDetails["ref"])
	assert.Equal(t, "7548.8324.7369 ECOM", p.Descriptor)
	assert.True(t, time.Date(2024, 2, 29, 12, 0, 0, 123e6, time.UTC).Equal(p.Timestamp))
	var raw map[string]any
	require.NoError(t, json.Unmarshal(p.Raw, &raw))
	assert.Equal(t, nonLuhn, raw["resultDetails"].(map[string]any)["ConnectorTxID1"], "Raw keeps a non-card digit run")
	assert.Equal(t, "2024-02-29 12:00:00.123+0000", raw["timestamp"])
	assert.Equal(t, "7548.8324.7369 ECOM", raw["descriptor"])
}

// ---------------------------------------------------------------------------
// (4) URLs of POSTs under a base URL. The oracle: the request-target of a
// POST is the base's escaped path (one trailing slash dropped) followed by
// the operation's path, exactly as for a GET under the same base (the GETs
// go the general way); nothing of the base's path may turn into a query or
// fragment; the Host is the base's; the Authorization is the bearer token.

type hfBase struct {
	name  string
	url   string // with PORT for the port and HOST for the host
	host  string // the listener: "127.0.0.1" or "::1"
	exact bool   // the prefix must be the base's escaped path
	// mayRefuse: NewClient may refuse it with a *ValidationError instead.
	mayRefuse bool
}

func hfBases() []hfBase {
	return []hfBase{
		{"plain", "http://HOST:PORT", "127.0.0.1", true, false},
		{"trailing slash", "http://HOST:PORT/", "127.0.0.1", true, false},
		{"path", "http://HOST:PORT/gw", "127.0.0.1", true, false},
		{"path trailing slash", "http://HOST:PORT/gw/", "127.0.0.1", true, false},
		{"deep path", "http://HOST:PORT/a/b/c", "127.0.0.1", true, false},
		{"escaped space and slash", "http://HOST:PORT/a%20b/c%2Fd", "127.0.0.1", true, false},
		{"escaped question mark", "http://HOST:PORT/gw%3Fx=1", "127.0.0.1", true, false},
		{"escaped hash", "http://HOST:PORT/gw%23frag", "127.0.0.1", true, false},
		{"escaped percent", "http://HOST:PORT/gw%25", "127.0.0.1", true, false},
		{"escaped unreserved", "http://HOST:PORT/%7Euser", "127.0.0.1", false, false},
		{"unicode path", "http://HOST:PORT/caf%C3%A9", "127.0.0.1", true, false},
		{"semicolon", "http://HOST:PORT/gw;v=1", "127.0.0.1", true, false},
		{"localhost", "http://localhost:PORT/gw", "127.0.0.1", true, false},
		{"upper-case scheme and host", "HTTP://LOCALHOST:PORT/gw", "127.0.0.1", true, true},
		{"ipv6 loopback", "http://[HOST]:PORT/gw", "::1", true, false},
		{"ipv6 loopback plain", "http://[HOST]:PORT", "::1", true, false},
		{"ipv4-mapped ipv6", "http://[::ffff:127.0.0.1]:PORT/gw", "127.0.0.1", true, true},
		{"dot segments", "http://HOST:PORT/gw/../v2/./x", "127.0.0.1", false, true},
		{"encoded dot segments", "http://HOST:PORT/gw/%2e%2e/x", "127.0.0.1", false, true},
		{"at sign and sub-delims in path", "http://HOST:PORT/gw@x/+!$&'()*,;=:", "127.0.0.1", true, false},
		{"raw non-ASCII path", "http://HOST:PORT/café", "127.0.0.1", true, true},
		{"leading-zero port", "http://HOST:0PORT/gw", "127.0.0.1", true, true},
		{"ipv6 loopback with zone", "http://[HOST%25lo]:PORT/gw", "::1", true, true},
		{"long path", "http://HOST:PORT/" + strings.Repeat("seg/", 200) + "end", "127.0.0.1", true, false},
	}
}

func hfListen(t *testing.T, host string, h http.Handler) *httptest.Server {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		t.Skipf("cannot listen on %s: %v", host, err)
	}
	s := &httptest.Server{Listener: l, Config: &http.Server{Handler: h}}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// hfRefused checks NewClient's verdict on a base: accepted, or refused with
// a *ValidationError where that is allowed. It reports a refusal.
func hfRefused(t *testing.T, b hfBase, base string, err error) bool {
	t.Helper()
	if err == nil {
		return false
	}
	var ve *backoffice.ValidationError
	require.True(t, b.mayRefuse && errors.As(err, &ve), "base %s refused: %v", base, err)
	return true
}

func hfPrefix(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return "?"
	}
	return strings.TrimSuffix(u.EscapedPath(), "/")
}

func hfSplitTarget(target string) (path, query string) {
	path, query, _ = strings.Cut(target, "?")
	return path, query
}

func TestHostileFastPathBaseURLBearer(t *testing.T) {
	t.Parallel()
	for _, b := range hfBases() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			s := &hfServer{}
			ts := hfListen(t, b.host, s.handler(func(*http.Request, []byte) (int, string) { return 200, bearerOK }))
			_, port, _ := net.SplitHostPort(ts.Listener.Addr().String())
			base := strings.NewReplacer("HOST", b.host, "PORT", port).Replace(b.url)
			logs := &syncBuffer{}
			c, err := backoffice.NewClient(bearerCreds, backoffice.WithBaseURL(base), backoffice.WithRetryPolicy(fastRetries),
				backoffice.WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			if hfRefused(t, b, base, err) {
				return
			}
			_, err = c.Capture(hfCtx(t), "pa1", backoffice.CaptureRequest{Amount: dec("1.00"), Currency: "EUR"})
			require.NoError(t, err, "capture under %s", base)
			_, err = c.Credit(hfCtx(t), backoffice.CreditRequest{Amount: dec("1.00"), Currency: "EUR", PaymentBrand: "VISA", Card: validCard()})
			require.NoError(t, err, "credit under %s", base)
			_, err = c.Inquire(hfCtx(t), "pa1")
			require.NoError(t, err, "inquiry under %s", base)
			reqs := s.Requests()
			require.Len(t, reqs, 3)
			capPath, capQuery := hfSplitTarget(reqs[0].RequestURI)
			cdPath, cdQuery := hfSplitTarget(reqs[1].RequestURI)
			inPath, _ := hfSplitTarget(reqs[2].RequestURI)
			assert.Equal(t, "POST", reqs[0].Method)
			assert.Empty(t, capQuery, "base %s: the capture's target %q has a query", base, reqs[0].RequestURI)
			assert.Empty(t, cdQuery, "base %s: the credit's target %q has a query", base, reqs[1].RequestURI)
			require.True(t, strings.HasSuffix(inPath, "/v1/query/pa1"), "inquiry target %q", reqs[2].RequestURI)
			getPrefix := strings.TrimSuffix(inPath, "/v1/query/pa1")
			assert.Equal(t, getPrefix+"/v1/payments/pa1", capPath, "base %s: the capture's path differs from the inquiry's prefix", base)
			assert.Equal(t, getPrefix+"/v1/payments", cdPath, "base %s: the credit's path differs from the inquiry's prefix", base)
			if b.exact {
				want := hfPrefix(base)
				assert.Equal(t, want+"/v1/payments/pa1", capPath, "base %s", base)
				assert.Equal(t, want+"/v1/payments", cdPath, "base %s", base)
				assert.Equal(t, want+"/v1/query/pa1", inPath, "base %s", base)
			}
			u, _ := url.Parse(base)
			for i, r := range reqs {
				assert.True(t, strings.EqualFold(u.Host, r.Host), "base %s: request %d went with Host %q", base, i, r.Host)
				assert.Equal(t, "Bearer "+bearerCreds.AccessToken, r.Header.Get("Authorization"), "request %d", i)
				assert.NotContains(t, r.RequestURI, "//", "request %d target %q", i, r.RequestURI)
			}
			assert.Equal(t, reqs[0].Header.Get("User-Agent"), reqs[2].Header.Get("User-Agent"), "the POST and the GET carry the same User-Agent")
			assert.Equal(t, "application/x-www-form-urlencoded", strings.Split(reqs[0].Header.Get("Content-Type"), ";")[0])
		})
	}
}

// The checksum platform: every call is a POST under
// /transactionServices/REST/v1; the payment and the list share a prefix, the
// base's escaped path.
func TestHostileFastPathBaseURLChecksum(t *testing.T) {
	t.Parallel()
	for _, b := range hfBases() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			s := &hfServer{}
			ts := hfListen(t, b.host, s.handler(func(*http.Request, []byte) (int, string) { return 200, checksumOK }))
			_, port, _ := net.SplitHostPort(ts.Listener.Addr().String())
			base := strings.NewReplacer("HOST", b.host, "PORT", port).Replace(b.url)
			c, err := backoffice.NewClient(checksumCreds, backoffice.WithBaseURL(base), backoffice.WithRetryPolicy(fastRetries))
			if hfRefused(t, b, base, err) {
				return
			}
			_, err = c.Capture(hfCtx(t), "54289", backoffice.CaptureRequest{Amount: dec("1.00"), Currency: "EUR"})
			require.NoError(t, err)
			_, err = c.TransactionList(hfCtx(t), backoffice.TransactionListRequest{PaymentID: "54289"})
			require.NoError(t, err)
			reqs := s.Requests()
			require.Len(t, reqs, 3, "the payment's state, the capture, the list")
			assert.Equal(t, reqs[0].RequestURI, reqs[2].RequestURI, "the read before the capture is a list read")
			reqs = reqs[1:]
			cpPath, cpQuery := hfSplitTarget(reqs[0].RequestURI)
			lPath, lQuery := hfSplitTarget(reqs[1].RequestURI)
			assert.Empty(t, cpQuery, "base %s: target %q (the platform refuses any query string)", base, reqs[0].RequestURI)
			assert.Empty(t, lQuery, "base %s: target %q", base, reqs[1].RequestURI)
			require.True(t, strings.HasSuffix(lPath, "/transactionServices/REST/v1/getTransactionList"), lPath)
			prefix := strings.TrimSuffix(lPath, "/transactionServices/REST/v1/getTransactionList")
			assert.Equal(t, prefix+"/transactionServices/REST/v1/payments/54289", cpPath, "base %s", base)
			if b.exact {
				assert.Equal(t, hfPrefix(base), prefix, "base %s", base)
			}
			u, _ := url.Parse(base)
			for i, r := range reqs {
				assert.True(t, strings.EqualFold(u.Host, r.Host), "base %s: request %d Host %q", base, i, r.Host)
			}
		})
	}
}

// Userinfo in the base URL: either refused, or never used in place of the
// bearer token, and its password never shown by the client, its errors or
// its logs.
func TestHostileFastPathBaseURLUserinfo(t *testing.T) {
	t.Parallel()
	const password = "pa55w0rd-Zq9x"
	srv := hfServe(t, func(*http.Request, []byte) (int, string) {
		return 400, `{"result":{"code":"700.400.100","description":"cannot capture"}}`
	})
	base := strings.Replace(srv.URL, "http://", "http://user:"+password+"@", 1) + "/gw"
	logs := &syncBuffer{}
	c, err := backoffice.NewClient(bearerCreds, backoffice.WithBaseURL(base), backoffice.WithRetryPolicy(fastRetries),
		backoffice.WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err != nil {
		var ve *backoffice.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.NotContains(t, err.Error(), password)
		return
	}
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v %s", c, c, c, c.String()), password)
	_, err = c.Capture(hfCtx(t), "pa1", backoffice.CaptureRequest{Amount: dec("1.00"), Currency: "EUR"})
	var re *backoffice.ResultError
	require.ErrorAs(t, err, &re)
	assert.NotContains(t, fmt.Sprintf("%v %+v", err, err), password)
	_, _ = c.Inquire(hfCtx(t), "pa1")
	assert.NotContains(t, logs.String(), password)
	reqs := srv.Requests()
	require.Len(t, reqs, 2)
	for i, r := range reqs {
		assert.Equal(t, "Bearer "+bearerCreds.AccessToken, r.Header.Get("Authorization"), "request %d", i)
	}
	capPath, _ := hfSplitTarget(reqs[0].RequestURI)
	inPath, _ := hfSplitTarget(reqs[1].RequestURI)
	assert.Equal(t, "/gw/v1/payments/pa1", capPath)
	assert.Equal(t, "/gw/v1/query/pa1", inPath)
}
