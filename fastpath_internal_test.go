package backoffice

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// The fast paths of issue 12 each answer a subset of their inputs; there
// they must say exactly what the general code says. Each is checked on the
// forms the gateways send and fuzzed against the general code.

var gatewayTimes = []string{
	"2018-03-23 01:12:17+0000", "2018-03-23 01:12:17.065+0000", "2024-02-29 23:59:59-0330",
	"2023-02-29 10:00:00+0000", "2019-11-05 10:00:00", "2019-11-05 10:00:00.0", "2019-11-05 24:00:00",
	"2019-13-05 10:00:00", "2019-11-05T10:00:00Z", "2019-11-05 10:00:00.1234567891+0000",
	"2019-11-05 10:00:00+2400", "2019-11-05 10:00:00+0060", "2019-11-05 10:00:00 +0000", "0000-01-01 00:00:00",
}

func TestParseGatewayTimeAgrees(t *testing.T) {
	t.Parallel()
	zones := []*time.Location{time.UTC, time.FixedZone("BRT", -3*3600)}
	if sp, err := time.LoadLocation("America/Sao_Paulo"); err == nil {
		zones = append(zones, sp)
	}
	fast := 0
	for _, loc := range zones {
		for _, s := range gatewayTimes {
			if checkGatewayTime(t, s, loc) {
				fast++
			}
		}
	}
	if fast == 0 {
		t.Fatal("the fast path answered none of the gateway's forms")
	}
}

func FuzzParseGatewayTime(f *testing.F) {
	for _, s := range gatewayTimes {
		f.Add(s, -3*3600)
	}
	f.Fuzz(func(t *testing.T, s string, offset int) {
		checkGatewayTime(t, s, time.FixedZone("Z", offset%(24*3600)))
	})
}

// checkGatewayTime compares the fast path with the general one for s and
// reports whether the fast path answered.
func checkGatewayTime(t *testing.T, s string, loc *time.Location) bool {
	t.Helper()
	got, ok := parseGatewayTime(s, loc)
	if !ok {
		return false
	}
	var want time.Time
	for _, layout := range [...]string{"2006-01-02 15:04:05-0700", "2006-01-02 15:04:05"} {
		if w, err := time.ParseInLocation(layout, s, loc); err == nil {
			want = w.UTC()
			break
		}
	}
	if want.IsZero() || !got.Equal(want) || got.Location() != time.UTC {
		t.Fatalf("parseGatewayTime(%q, %s) = %v, time.ParseInLocation says %v", s, loc, got, want)
	}
	return true
}

var amountSeeds = []string{"1.00", "1", "0.5", "92.0", "1.005", "1.000", "-1.50", "-0.05", "0", "0.00", "999999999999.99",
	"1000000000000", "123456789012345", "1234567890123456", "1e3", "1e-20", "5e14", "5e15", "0.001", "100"}

// TestMinorUnitsAgrees checks the amount fast paths on amounts the SDK
// sends and the edges of the fast path's range.
func TestMinorUnitsAgrees(t *testing.T) {
	t.Parallel()
	for _, s := range amountSeeds {
		for _, currency := range []string{"EUR", "JPY", "KWD"} {
			checkAmountFastPaths(t, decimal.RequireFromString(s), currency)
		}
	}
	if _, ok := minorUnits(decimal.RequireFromString("1.00"), 2); !ok {
		t.Fatal("the fast path does not take 1.00")
	}
}

func FuzzMinorUnits(f *testing.F) {
	for _, s := range amountSeeds {
		f.Add(s, "EUR")
	}
	f.Add("100", "JPY")
	f.Fuzz(func(t *testing.T, s, currency string) {
		d, err := decimal.NewFromString(s)
		if err != nil {
			return
		}
		checkAmountFastPaths(t, d, currency)
	})
}

// checkAmountFastPaths compares minorUnits, formatAmount and validateAmount
// with decimal's own arithmetic.
func checkAmountFastPaths(t *testing.T, d decimal.Decimal, currency string) {
	t.Helper()
	for scale := int32(0); scale <= 3; scale++ {
		if m, ok := minorUnits(d, scale); ok {
			if want := d.Shift(scale); !want.IsInteger() || !want.Equal(decimal.NewFromInt(m)) {
				t.Fatalf("minorUnits(%s, %d) = %d, want %s", d, scale, m, want)
			}
		}
	}
	if got, want := formatAmount(d), d.StringFixed(2); got != want {
		t.Fatalf("formatAmount(%s) = %q, decimal says %q", d, got, want)
	}
	if validateCurrency(currency) != nil {
		return
	}
	if got, want := validateAmount(d, currency), checkAmount(d, currency, wireDecimals(currency)); (got == nil) != (want == nil) ||
		(got != nil && got.Error() != want.Error()) {
		t.Fatalf("validateAmount(%s, %s) = %v, decimal's arithmetic says %v", d, currency, got, want)
	}
}

// naiveDigitRun is longDigitRun byte by byte: count digits, let spaces and
// dashes pass, start again at anything else.
func naiveDigitRun(s string) bool {
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
			if digits++; digits >= 12 {
				return true
			}
		case c == ' ' || c == '-':
		default:
			digits = 0
		}
	}
	return false
}

func TestLongDigitRunAgrees(t *testing.T) {
	t.Parallel()
	for _, s := range digitRunSeeds {
		for pad := 0; pad < 14; pad++ {
			for _, p := range []string{strings.Repeat("x", pad), strings.Repeat(" ", pad), strings.Repeat("1", pad)} {
				for _, in := range []string{p + s, s + p, p + s + p} {
					if got, want := longDigitRun(in), naiveDigitRun(in); got != want {
						t.Fatalf("longDigitRun(%q) = %v, byte by byte %v", in, got, want)
					}
					if got := longDigitRun([]byte(in)); got != naiveDigitRun(in) {
						t.Fatalf("longDigitRun([]byte(%q)) = %v", in, got)
					}
				}
			}
		}
	}
}

var digitRunSeeds = []string{"", "4200000000000000", "420000000000", "42000000000", "4200 0000 0000 0000", "4200-0000-0000",
	"12345 x 1234567", "1 2 3 4 5 6 7 8 9 0 1 2", "1 2 3 4 5 6 7 8 9 0 1", "--  --1234567890--12", "id 8a8294496242ba53",
	`{"ndc":"12345678909","b":"1234567890123"}`}

func FuzzLongDigitRun(f *testing.F) {
	for _, s := range digitRunSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := longDigitRun(s), naiveDigitRun(s); got != want {
			t.Fatalf("longDigitRun(%q) = %v, byte by byte %v", s, got, want)
		}
	})
}

// target builds what url.Parse makes of the base and path, or gives up.
func TestTargetIsParse(t *testing.T) {
	t.Parallel()
	paths := []string{"/v1/payments/8a8294496242ba5301625069d1b27e3d", "/v1/payments", "/transactionServices/REST/v1/capture",
		"/v1/payments/a.b_c-d~", "/v1/query?entityId=1", "/v1/payments/a b", "/v1/payments/a%2Fb"}
	built := 0
	for _, base := range []string{"http://127.0.0.1:8080", "https://eu-test.oppwa.com", "https://h.example/prefix",
		"https://h.example/a%20b", "http://[::1]:9", "https://user:pw@h.example", "http://h.example:"} {
		c := &Client{base: base, baseURL: plainBase(base)}
		for _, path := range paths {
			u := c.target(path)
			if u == nil {
				continue
			}
			built++
			want, err := url.Parse(base + path)
			if err != nil {
				t.Fatalf("target(%q) under %s built a URL url.Parse refuses: %v", path, base, err)
			}
			if !reflect.DeepEqual(u, want) || u.String() != want.String() {
				t.Errorf("target(%q) under %s = %#v, url.Parse says %#v", path, base, u, want)
			}
		}
	}
	if built == 0 {
		t.Fatal("target never built a URL")
	}
}
