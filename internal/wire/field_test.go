package wire

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var fieldSeeds = []string{
	``, `null`, ` null `, `{}`, `{"merchantCustomerId":"12345678909"}`, `{"MERCHANTCUSTOMERID":"a","merchantCustomerId":"b"}`,
	`{"merchantCustomerId":"a","merchantCustomerId":null}`, `{"merchantCustomerId":12}`, `{"merchantCustomerId":"a\u00e9\n"}`,
	`{"score":"5"}`, `{"score":7.5,"other":[1,{"a":null}]}`, `{"score":null}`, `{"score":{"x":1}}`, `{"ſcore":"1"}`,
	`{"score":"1"} x`, `{"score":"1",}`, `[1]`, `"s"`, `{"a":"\x"}`, `{"merchantCustomerId":"a"`, `{"k\u0065y":"v"}`,
	`{"a":"1","b":2,"a":true}`, `{"a":{"b":[]}}`,
}

// The optional objects are read as encoding/json reads them into the
// structs decode.go used before: same acceptance, same values.
func FuzzFieldEqual(f *testing.F) {
	for _, s := range fieldSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var customer struct{ MerchantCustomerID string }
		if v, exact := StringField(raw, "merchantCustomerId"); exact {
			require.True(t, Optional(raw, &customer), "exact, but encoding/json refuses %q", raw)
			require.Equal(t, customer.MerchantCustomerID, v, "%q", raw)
		}
		var risk struct{ Score Str }
		if v, exact := StrField(raw, "score"); exact {
			require.True(t, Optional(raw, &risk), "exact, but encoding/json refuses %q", raw)
			require.Equal(t, string(risk.Score), v, "%q", raw)
		}
		var want StrMap
		wantOK := Optional(raw, &want)
		got, ok := StrMapValue(raw)
		require.Equal(t, wantOK, ok, "%q", raw)
		if ok {
			require.Equal(t, want, got, "%q", raw)
		}
	})
}

// The common shapes take the fast path, without encoding/json.
func TestFieldFastPath(t *testing.T) {
	for raw, want := range map[string]string{
		`{"merchantCustomerId":"12345678909"}`:                 "12345678909",
		`{"merchantCustomerId":"a","merchantCustomerId":null}`: "a",
		`{"MerchantCustomerID":"x","other":{"y":[1,2]}}`:       "x",
		`null`: "",
		`{}`:   "",
	} {
		v, exact := StringField(json.RawMessage(raw), "merchantCustomerId")
		assert.True(t, exact, raw)
		assert.Equal(t, want, v, raw)
	}
	v, exact := StrField(json.RawMessage(`{"score":7.5}`), "score")
	assert.True(t, exact)
	assert.Equal(t, "7.5", v)
	allocs := testing.AllocsPerRun(100, func() { StringField(json.RawMessage(`{"merchantCustomerId":"12345678909"}`), "merchantCustomerId") })
	assert.LessOrEqual(t, allocs, 1.0)
}
