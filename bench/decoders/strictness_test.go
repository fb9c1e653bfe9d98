package decoders

import (
	"encoding/json"
	"testing"

	"github.com/c81406b6/backoffice/bench/decoders/ejpay"
	"github.com/c81406b6/backoffice/internal/wire"
	gojson "github.com/goccy/go-json"
	"github.com/valyala/fastjson"
)

// TestStrictness records, for each library on its own (without the UTF-8
// check the candidates put in front), which bodies encoding/json refuses
// that it accepts, and how it reads keys and raw values. It fails on no
// difference: run with -v to see the table RESULTS.md quotes.
func TestStrictness(t *testing.T) {
	libs := []struct {
		name   string
		decode func([]byte) (currency, refund, customer string, err error)
	}{
		{"encoding/json", func(b []byte) (string, string, string, error) {
			var p wire.Payment
			err := json.Unmarshal(b, &p)
			return p.Currency, string(p.RefundAmount), string(p.Customer), err
		}},
		{"fastjson", func(b []byte) (string, string, string, error) {
			var ps fastjson.Parser
			v, err := ps.ParseBytes(b)
			if err != nil {
				return "", "", "", err
			}
			cust := ""
			if c := v.Get("customer"); c != nil {
				cust = string(c.MarshalTo(nil))
			}
			return string(v.GetStringBytes("currency")), string(v.GetStringBytes("refundamount")), cust, nil
		}},
		{"fastjson.Validate", func(b []byte) (string, string, string, error) {
			return "", "", "", fastjson.ValidateBytes(b)
		}},
		{"goccy/go-json", func(b []byte) (string, string, string, error) {
			var p wire.Payment
			err := gojson.Unmarshal(b, &p)
			return p.Currency, string(p.RefundAmount), string(p.Customer), err
		}},
		{"easyjson", func(b []byte) (string, string, string, error) {
			var p ejpay.Payment
			err := p.UnmarshalJSON(b)
			return p.Currency, string(p.RefundAmount), string(p.Customer), err
		}},
	}
	for _, b := range strictnessBodies {
		for _, l := range libs {
			cur, ref, cust, err := l.decode([]byte(b.body))
			t.Logf("%-42s %-18s err=%v currency=%q refund=%q customer=%q", b.name, l.name, err != nil, cur, ref, cust)
		}
	}
}

// strictnessBodies probe what encoding/json refuses or reads its own way.
var strictnessBodies = []struct{ name, body string }{
	{"control character in a string", "{\"currency\":\"E\x01\"}"},
	{"invalid escape", `{"currency":"\x"}`},
	{"trailing garbage", `{"currency":"EUR"} x`},
	{"trailing comma", `{"currency":"EUR",}`},
	{"invalid UTF-8", "{\"currency\":\"\xff\"}"},
	{"lone surrogate escape", `{"currency":"\ud800"}`},
	{"number 01", `{"amount":01}`},
	{"duplicate key (encoding/json: last wins)", `{"currency":"A","currency":"B"}`},
	{"refundAmount spelling", `{"refundAmount":"4.00"}`},
	{"raw value with spaces", `{"customer": { "a" : 1 } }`},
}
