package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// decodeStd and decodeRecordStd are Decode and DecodeRecord as they were
// before the single-pass decoder: a UTF-8 check, then encoding/json. The
// new ones must give the same results.
func decodeStd(body []byte) (*Payment, error) {
	if !utf8.Valid(body) {
		return nil, ErrInvalidUTF8
	}
	var p Payment
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, err
	}
	if p.Result == nil || p.Result.Code == "" {
		return nil, ErrNotResult
	}
	return &p, nil
}

func decodeRecordStd(raw []byte) (*Payment, error) {
	var p Payment
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// describe classifies err as internal/transport's describeDecodeError does.
func describe(err error) string {
	var syn *json.SyntaxError
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, ErrNotResult):
		return "JSON without a result code"
	case errors.Is(err, ErrInvalidUTF8):
		return "invalid UTF-8"
	case errors.As(err, &syn) && strings.HasPrefix(syn.Error(), "unexpected end"):
		return "truncated JSON"
	case errors.As(err, &syn):
		return fmt.Sprintf("invalid JSON at byte %d", syn.Offset)
	}
	return "JSON of an unexpected shape"
}

// responses returns testdata/responses/*.json of the root package.
func responses(tb testing.TB) map[string][]byte {
	files, err := filepath.Glob("../../testdata/responses/*.json")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no responses: %v", err)
	}
	out := make(map[string][]byte)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		out[filepath.Base(f)] = b
	}
	return out
}

// requireSame checks that Decode and DecodeRecord agree with their
// encoding/json versions on body: the same error description and equal
// Payments.
func requireSame(t *testing.T, body []byte) {
	t.Helper()
	for _, c := range []struct {
		name     string
		new, std func([]byte) (*Payment, error)
	}{{"Decode", Decode, decodeStd}, {"DecodeRecord", DecodeRecord, decodeRecordStd}} {
		got, err := c.new(body)
		want, wantErr := c.std(body)
		if g, w := describe(err), describe(wantErr); g != w {
			t.Fatalf("%s(%q): %q (%v), encoding/json: %q (%v)", c.name, body, g, err, w, wantErr)
		}
		if err != nil {
			if err.Error() != wantErr.Error() {
				t.Fatalf("%s(%q): error %q, encoding/json: %q", c.name, body, err, wantErr)
			}
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s(%q):\n got %#v\nwant %#v", c.name, body, got, want)
		}
		if !reflect.DeepEqual(got.Result, want.Result) || !reflect.DeepEqual(got.Card, want.Card) {
			t.Fatalf("%s(%q): result or card differ", c.name, body)
		}
	}
}

// FuzzDecodeEqual requires the single-pass decoder to accept and refuse
// exactly what encoding/json does, alike, and to decode to equal Payments.
// Seeds: testdata/responses, the root package's FuzzDecodeAnswer corpus
// (read at run time), and testdata/fuzz/FuzzDecodeEqual.
func FuzzDecodeEqual(f *testing.F) {
	for _, b := range responses(f) {
		f.Add(b)
	}
	corpus, _ := filepath.Glob("../../testdata/fuzz/FuzzDecodeAnswer/*")
	for _, path := range corpus {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		if v, ok := corpusBytes(string(b)); ok {
			f.Add(v)
		}
	}
	for _, s := range edgeCases {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		requireSame(t, body)
		if p, err := Decode(body); err == nil {
			if raws, err := p.List(); err == nil {
				for _, r := range raws {
					requireSame(t, r)
				}
			}
		}
	})
}

// corpusBytes reads a "go test fuzz v1" file holding one []byte value.
func corpusBytes(s string) ([]byte, bool) {
	_, v, ok := strings.Cut(s, "\n")
	v = strings.TrimSpace(v)
	if !ok || !strings.HasPrefix(v, "[]byte(") || !strings.HasSuffix(v, ")") {
		return nil, false
	}
	var q string
	if _, err := fmt.Sscanf(v[len("[]byte("):len(v)-1], "%q", &q); err != nil {
		return nil, false
	}
	return []byte(q), true
}

// edgeCases are bodies that probe each rule the decoder must keep.
var edgeCases = []string{
	// shapes Str and StrMap accept, null anywhere, unknown fields
	`{"id":123,"amount":1.5e3,"paymentId":true,"transactionStatus":{"a": [1, 2]},"systemPaymentId":[ "x" ],"captureamount":null,"result":{"code":"1"}}`,
	`{"resultDetails":{"a":1,"b":null,"c":{"d":"e"},"a":"last","\u00e9":"\ud83d\ude00"},"result":{"code":"1"}}`,
	`{"resultDetails":{},"result":{"code":"1","parameterErrors":[]}}`,
	`{"resultDetails":null,"card":null,"risk":null,"result":{"code":"1","parameterErrors":null,"description":null}}`,
	`{"result":{"code":"1","parameterErrors":[null,{"name":"n","value":5,"message":"m\n"},{"value":null}]},"unknown":{"x":[true,false,null,-0.5E-3]}}`,
	`{"card":{"bin":"4","lastFourDigits":"1","x":1},"result":{"code":"1","x":[]}}`,
	// case-insensitive keys
	`{"refundAmount":"4.00","RESULT":{"CODE":"1","Description":"d"},"Card":{"BIN":"1"}}`,
	`{"refundamount":"1","refundAmount":"2","result":{"code":"1"}}`,
	`{"\u0069d":"escaped key","result":{"code":"1"}}`,
	`{"\u212a":"kelvin","result":{"code":"1"}}`,
	"{\"de\u017fcriptor\":\"long s\",\"\u212aey\":1,\"result\":{\"code\":\"1\"}}",
	// duplicates: encoding/json merges objects and keeps the last value
	`{"result":{"code":"1"},"result":{"description":"d"}}`,
	`{"currency":"EUR","currency":null,"result":{"code":"1"}}`,
	`{"amount":"1","amount":null,"result":{"code":"1"}}`,
	`{"result":{"code":"1","parameterErrors":[{"name":"a","message":"m"}],"parameterErrors":[{"name":"b"}]}}`,
	// escapes and raw bytes
	`{"descriptor":"a\"b\\c\/d\b\f\n\r\t\u0000\u00e9\ud83d\ude00\ud800\udc00x\ud800\u0041\udc00","result":{"code":"1"}}`,
	`{"customer" : { "a" : [ 1 , 2 ] } ,"risk":"s","result":{"code":"1"}}`,
	// refusals
	`{"result":{"code":"1"}} x`, `{"result":{"code":"1"},}`, `{"result":{"code":"1"`, `{"result":{"code":"1\x01"}}`,
	`{"result":{"code":"\x"}}`, `{"result":{"code":"\u12"}}`, `{"result":{"code":01}}`, `{"result":{"code":1.}}`,
	`{"result":{"code":-}}`, `{"result":{"code":1e}}`, `{"result":{"code":tru}}`, `{"result":{"code":"1"}]`,
	`{"currency":5,"result":{"code":"1"}}`, `{"result":"1"}`, `{"result":{"code":"1","parameterErrors":{}}}`,
	`{"resultDetails":[],"result":{"code":"1"}}`, `{"card":1,"result":{"code":"1"}}`, `{"result":{"code":""}}`,
	"{\"id\":\"\xff\",\"result\":{\"code\":\"1\"}}", "{\"\xc3\":1}", `[]`, `null`, `"x"`, ``, ` `, "\ufeff{}",
	strings.Repeat(`[`, 600) + strings.Repeat(`]`, 600),
	`{"x":` + strings.Repeat(`[`, 10001) + strings.Repeat(`]`, 10001) + `,"result":{"code":"1"}}`,
}

func TestDecodeEqualsEncodingJSON(t *testing.T) {
	for name, b := range responses(t) {
		t.Run(name, func(t *testing.T) { requireSame(t, b) })
	}
	for i, s := range edgeCases {
		t.Run(fmt.Sprint(i), func(t *testing.T) { requireSame(t, []byte(s)) })
	}
}

// TestDecodeFastPath checks that the recorded answers and the accepted
// edge cases are decoded by the single-pass decoder itself, not by the
// encoding/json fallback.
func TestDecodeFastPath(t *testing.T) {
	for name, b := range responses(t) {
		if _, ok := decodeFast(b); !ok {
			t.Errorf("%s: fell back to encoding/json", name)
		}
	}
	for _, s := range edgeCases[:7] {
		if _, ok := decodeFast([]byte(s)); !ok {
			t.Errorf("%s: fell back to encoding/json", s)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	for body, want := range map[string]string{
		"{\"id\":\"\xff\xfe\",\"result\":{\"code\":\"1\"}}": "invalid UTF-8",
		"{\"result\":{\"code\":\"1\"}}\xff":                 "invalid UTF-8",
		`{"result":{"code":"1"}`:                            "truncated JSON",
		`{"result":{"code":"1"}} x`:                         "invalid JSON at byte 25",
		`{"result":{"code":"\x"}}`:                          "invalid JSON at byte 21",
		"{\"result\":{\"code\":\"\x01\"}}":                  "invalid JSON at byte 20",
		`{"result":{"code":"1"},}`:                          "invalid JSON at byte 24",
		`{"result":{"code":""}}`:                            "JSON without a result code",
		`{"payments":[]}`:                                   "JSON without a result code",
		`null`:                                              "JSON without a result code",
		`[{"result":{"code":"1"}}]`:                         "JSON of an unexpected shape",
		`{"currency":5,"result":{"code":"1"}}`:              "JSON of an unexpected shape",
		`{"resultDetails":[1],"result":{"code":"1"}}`:       "JSON of an unexpected shape",
	} {
		_, err := Decode([]byte(body))
		if got := describe(err); got != want {
			t.Errorf("Decode(%q): %q (%v), want %q", body, got, err, want)
		}
	}
}

func TestDecodeValues(t *testing.T) {
	p, err := Decode([]byte(`{"refundAmount":4.00,"Currency":"EUR","unknown":[{"id":"no"}],` +
		`"customer" : {"a": [1, 2]} ,"descriptor":"\u00e9\ud83d\ude00\ud800x",` +
		`"resultDetails":{"n":1,"s":"t","o":{"k": true}},"result":{"code":"000.100.110",` +
		`"parameterErrors":[{"name":"amount","value":null},null]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.RefundAmount != "4.00" || p.Currency != "EUR" || p.ID != "" {
		t.Errorf("refundAmount %q, Currency %q, id %q", p.RefundAmount, p.Currency, p.ID)
	}
	if string(p.Customer) != `{"a": [1, 2]}` {
		t.Errorf("customer %q: not the exact bytes", p.Customer)
	}
	if p.Descriptor != "é😀\uFFFDx" {
		t.Errorf("descriptor %q", p.Descriptor)
	}
	if want := (StrMap{"n": "1", "s": "t", "o": `{"k": true}`}); !reflect.DeepEqual(p.ResultDetails, want) {
		t.Errorf("resultDetails %q", p.ResultDetails)
	}
	if want := []ParameterError{{Name: "amount"}, {}}; !reflect.DeepEqual(p.Result.ParameterErrors, want) {
		t.Errorf("parameterErrors %+v", p.Result.ParameterErrors)
	}
	// The raw fields share one buffer: appending to one must not change
	// another.
	p2, err := Decode([]byte(`{"risk":{"a":1},"customer":{"b":2},"result":{"code":"1"}}`))
	if err != nil {
		t.Fatal(err)
	}
	_ = append(p2.Risk, 'x')
	if string(p2.Customer) != `{"b":2}` {
		t.Errorf("customer %q after an append to risk", p2.Customer)
	}
}

// TestDecodeKeepsNothingOfBody checks that the decoded strings and raw
// values are copies: the transport's buffer may be reused.
func TestDecodeKeepsNothingOfBody(t *testing.T) {
	body := []byte(`{"id":"abc","amount":12,"customer":{"x":1},"result":{"code":"1","description":"d\u00e9"}}`)
	p, err := Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	for i := range body {
		body[i] = ' '
	}
	if p.ID != "abc" || p.Amount != "12" || string(p.Customer) != `{"x":1}` || p.Result.Code != "1" || p.Result.Description != "dé" {
		t.Errorf("fields changed with the body: %+v %+v", p, p.Result)
	}
}

// TestDecodeUnicodeFolding checks the keys encoding/json folds by Unicode
// rules (ſ is s), which the single pass leaves to encoding/json.
func TestDecodeUnicodeFolding(t *testing.T) {
	p, err := Decode([]byte("{\"de\u017fcriptor\":\"long s\",\"result\":{\"code\":\"1\"}}"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Descriptor != "long s" {
		t.Errorf("descriptor %q, want it matched by deſcriptor", p.Descriptor)
	}
}

// TestDecodeAllocs keeps the hot answer's decode to a handful of
// allocations (encoding/json took 19).
func TestDecodeAllocs(t *testing.T) {
	body := responses(t)["bearer_capture.json"]
	if n := testing.AllocsPerRun(100, func() {
		if _, err := Decode(body); err != nil {
			t.Fatal(err)
		}
	}); n > 3 {
		t.Errorf("%v allocations per decode, want at most 3", n)
	}
}

func BenchmarkDecode(b *testing.B) {
	body := responses(b)["bearer_capture.json"]
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := Decode(body); err != nil {
			b.Fatal(err)
		}
	}
}
