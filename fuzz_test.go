package backoffice

import (
	"crypto/md5"
	"encoding/hex"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/c81406b6/backoffice/internal/form"
	"github.com/c81406b6/backoffice/internal/wire"
	"github.com/shopspring/decimal"
)

// Fuzz targets. Their seed corpora are in testdata/fuzz/<target>; CI runs
// each briefly (see .ci/run).

func fuzzClients(t testing.TB) []*Client {
	b, err := NewClient(BearerCredentials{AccessToken: "tok", EntityID: "ent"}, WithBaseURL("http://127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(ChecksumCredentials{MemberID: "m", SecureKey: "k"}, WithBaseURL("http://127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	return []*Client{b, c}
}

// FuzzDecodeAnswer feeds arbitrary bodies to the answer decoder of both
// variants: it must never panic, and an echoed card number or CVV never
// survives into the Payment.
func FuzzDecodeAnswer(f *testing.F) {
	f.Add([]byte(`{"id":"8a82","paymentType":"CP","amount":"1.00","currency":"BRL","result":{"code":"000.100.112","description":"ok"},"timestamp":"2018-03-23 01:12:17+0000"}`))
	f.Add([]byte(`{"paymentId":"54289","status":"capturesuccess","transactionStatus":"Y","amount":"1.00","result":{"code":"00026","description":"found"},"timestamp":"2023-02-09 19:42:23"}`))
	f.Add([]byte(`{"result":{"code":"200.300.404","parameterErrors":[{"name":"card.number","value":"4200000000000000","message":"x"},{"name":"card.cvv","value":"123"},{"name":"amount","value":null}]}}`))
	f.Add([]byte(`{"result":{"code":"000.000.100"},"payments":[{"id":"a","result":{"code":"000.000.000"}}],"transaction":{"0 ":{"paymentId":"1"}}}`))
	f.Add([]byte(`[{"paymentId":1,"amount":2.5}]`))
	clients := fuzzClients(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		w, err := wire.Decode(body)
		if err != nil {
			return
		}
		for _, c := range clients {
			p := c.payment(w, body, &call{name: "fuzz"})
			_ = c.accepted(p)
			_ = p.Result.Code.Category()
			for _, pe := range p.Result.ParameterErrors {
				if strings.EqualFold(pe.Name, "card.cvv") && pe.Value != "" && pe.Value != "***" {
					t.Fatalf("CVV echoed unmasked: %q", pe.Value)
				}
				if strings.EqualFold(pe.Name, "card.number") && len(pe.Value) > 4 && !strings.HasPrefix(pe.Value, "*") {
					t.Fatalf("card number echoed unmasked: %q", pe.Value)
				}
			}
			raws, err := w.List()
			if err != nil {
				continue
			}
			for _, raw := range raws {
				if r, err := wire.DecodeRecord(raw); err == nil {
					_ = c.payment(r, raw, nil)
				}
			}
		}
	})
}

// FuzzFormEncode checks the form encoder against net/url and that Extra
// can never override a field the SDK owns.
func FuzzFormEncode(f *testing.F) {
	f.Add("card.holder", "John Smith")
	f.Add("customParameters[x]", "a&b=c")
	f.Add("entityId", "x")
	f.Add("authentication.checksum", "0")
	f.Add("ü", "\xff\x00")
	f.Fuzz(func(t *testing.T, key, value string) {
		var fm form.Form
		fm.Add(key, value)
		fm.Add("amount", "1.00")
		got, err := url.ParseQuery(string(fm.Encode()))
		if err != nil {
			t.Fatalf("encoded form does not parse: %v", err)
		}
		if key != "amount" && (len(got[key]) != 1 || got[key][0] != value) {
			t.Fatalf("round trip of %q=%q gave %q", key, value, got[key])
		}
		if string(form.AppendEscape(nil, value)) != url.QueryEscape(value) {
			t.Fatalf("escape of %q differs from url.QueryEscape", value)
		}
		if err := validateExtra(map[string]string{key: value}); err == nil && ownedField(key) {
			t.Fatalf("Extra accepted owned field %q", key)
		}
	})
}

var wireAmount = regexp.MustCompile(`^[0-9]{1,12}(\.[0-9]{2})?$`)

// FuzzAmountValidation checks that whatever amount validation accepts is
// sent in the gateway's format and means exactly the same amount: refuse,
// never round.
func FuzzAmountValidation(f *testing.F) {
	for _, s := range [][2]string{{"1", "EUR"}, {"1.005", "EUR"}, {"100", "JPY"}, {"100.5", "JPY"}, {"1.005", "KWD"},
		{"999999999999.99", "USD"}, {"1000000000000", "USD"}, {"-1", "EUR"}, {"0.001", "BHD"}, {"1e3", "EUR"}, {"1.50", "eur"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, amount, currency string) {
		d, err := decimal.NewFromString(amount)
		if err != nil {
			return
		}
		if validateMoney(d, currency) != nil {
			return
		}
		s := formatAmount(d)
		if !wireAmount.MatchString(s) {
			t.Fatalf("%s %s accepted but sent as %q", amount, currency, s)
		}
		if !decimal.RequireFromString(s).Equal(d) {
			t.Fatalf("%s %s accepted but sent as %q: rounded", amount, currency, s)
		}
		if d.Sign() <= 0 {
			t.Fatalf("non-positive %s accepted", amount)
		}
	})
}

// FuzzChecksum checks Checksum against an independent construction of its
// input: MD5 over the fields joined by "|", in lower-case hex.
func FuzzChecksum(f *testing.F) {
	f.Add("10537", "s3cr3t", "54289", "1.00")
	f.Add("", "", "", "")
	f.Add("a|b", "c", "d|", "|")
	f.Fuzz(func(t *testing.T, member, key, id, amount string) {
		sum := md5.Sum([]byte(strings.Join([]string{member, key, id, amount}, "|")))
		want := hex.EncodeToString(sum[:])
		if got := Checksum(member, key, id, amount); got != want {
			t.Fatalf("Checksum = %s, want %s", got, want)
		}
		sum = md5.Sum([]byte(member + "|" + key))
		if got := Checksum(member, key); got != hex.EncodeToString(sum[:]) {
			t.Fatalf("Checksum without fields = %s", got)
		}
	})
}
