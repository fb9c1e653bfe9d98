package backoffice

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/c81406b6/backoffice/internal/wire"
)

// hasControl's ASCII fast path says what the rune-by-rune test says, for
// every byte alone and inside text, and for invalid UTF-8 after ASCII.
func TestHasControlFastPathAgrees(t *testing.T) {
	t.Parallel()
	for b := 0; b < 256; b++ {
		for _, s := range []string{string([]byte{byte(b)}), "order-" + string([]byte{byte(b)}) + "-7", "abc\u200b" + string([]byte{byte(b)})} {
			if got, want := hasControl(s), hasControlRune(s); got != want {
				t.Errorf("hasControl(%q) = %v, the rune test says %v", s, got, want)
			}
		}
	}
	for _, s := range []string{"", "Order Number 123", "é", "a\u0085b", "a\u202eb", "a\u2028", "\xff", "ok\xc3"} {
		if got, want := hasControl(s), hasControlRune(s); got != want {
			t.Errorf("hasControl(%q) = %v, the rune test says %v", s, got, want)
		}
	}
}

func FuzzHasControl(f *testing.F) {
	f.Add("Order Number 123")
	f.Add("a\u202eb\x7f")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := hasControl(s), hasControlRune(s); got != want {
			t.Fatalf("hasControl(%q) = %v, the rune test says %v", s, got, want)
		}
	})
}

// raw's pre-check never skips what mask would change: whenever
// suspectJSON says a body holds nothing to mask, mask leaves it as it is.
func FuzzRedactPrecheck(f *testing.F) {
	f.Add([]byte(`{"card":{"bin":"420000","last4Digits":"0000"},"n":"4200 0000 0000 0000"}`), "737")
	f.Add([]byte(`{"d":"\u0034\u0032000000000000000"}`), "")
	f.Add([]byte(`{"id":"8a8294496242ba5301625069d1b27e3d","ndc":"12345678909"}`), "123")
	f.Add([]byte(`{"d":"4242\u00204242\u00204242\u00204242","e":"\n4111111111111111"}`), "")
	f.Fuzz(func(t *testing.T, b []byte, cvv string) {
		r := redactor{cvv: cvv}
		r.addString("s3cr3t-Key-9f1c")
		if r.suspectJSON(b) {
			return
		}
		out, changed := r.mask(unescapePlain(b), true)
		if changed || string(out) != string(b) {
			t.Fatalf("suspectJSON passed %q, mask made %q", b, out)
		}
	})
}

// One scan of the body stands for the checks of every field: whenever
// clean says a body needs no masking, masking every field of what is
// decoded from it changes nothing, for both variants.
func FuzzCleanMeansNothingToMask(f *testing.F) {
	f.Add([]byte(`{"id":"8a82","result":{"code":"000.100.110","description":"ok"},"ndc":"12345678909","customer":{"merchantCustomerId":"1"}}`), "737")
	f.Add([]byte(`{"result":{"code":"000.100.110","parameterErrors":[{"name":"card.cvv","value":"737","message":"m"}]},"resultDetails":{"k 4111 1111 1111 1111":"v"}}`), "737")
	f.Add([]byte(`{"result":{"code":"00029"},"card":{"lastFourDigits":"4111111111111111"},"risk":{"score":"tok"}}`), "")
	f.Fuzz(func(t *testing.T, b []byte, cvv string) {
		for _, c := range fuzzClients(t) {
			cl := &call{name: "capture", op: PaymentTypeCapture, target: "8a82", cvv: cvv}
			w, err := wire.Decode(b)
			if err != nil {
				return
			}
			p := c.payment(w, b, cl)
			r := c.redactor(cl)
			if !clean(b, r.suspectJSON(b)) {
				continue
			}
			w2, _ := wire.Decode(b)
			q := c.payment(w2, b, cl)
			r.payment(q)
			if !reflect.DeepEqual(p, q) {
				t.Fatalf("clean(%q), yet masking the fields changed them:\n%+v\n%+v", b, p, q)
			}
		}
	})
}

// unescapePlain changes how a body is written, never what it means: any
// valid JSON decodes to the same value before and after, and stays valid.
func FuzzUnescapePlainKeepsMeaning(f *testing.F) {
	f.Add([]byte(`{"t":"OGE4\/Mjk0\u002bMTcy\u0026x","q":"\"\\\n\u0022\u005c\u0000"}`))
	f.Add([]byte(`{"e":"\ud83d\ude00 \ud83d x \ude00 \u2028 \u007f \uFFFD \u00e9"}`))
	f.Add([]byte(`["\u0034\u0032\u0030\u0030", "\/\/", "a\\u0041"]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var before any
		if json.Unmarshal(b, &before) != nil {
			return
		}
		out := unescapePlain(b)
		var after any
		if err := json.Unmarshal(out, &after); err != nil {
			t.Fatalf("unescapePlain(%q) = %q, no longer JSON: %v", b, out, err)
		}
		if !reflect.DeepEqual(before, after) {
			t.Fatalf("unescapePlain(%q) = %q means %#v, not %#v", b, out, after, before)
		}
	})
}

// The escapes unescapePlain writes plainly, and the ones it keeps.
func TestUnescapePlain(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`"a\/b"`:                   `"a/b"`,
		`"\u002b\u002B\u0026"`:     `"++&"`,
		`"\u00e9\ud83d\ude00"`:     `"é😀"`,
		`"\u0022\u005c\u0000"`:     `"\u0022\u005c\u0000"`, // quote, backslash, control: kept
		`"\ud83d x \ude00"`:        `"\ud83d x \ude00"`,    // lone surrogates: kept
		`"\\u0041 \\/"`:            `"\\u0041 \\/"`,        // an escaped backslash, then text
		`"\n4111\u00201111"`:       `"\n4111 1111"`,
		`"\u2028\u007f"`:           `"\u2028\u007f"`,
		`{"k":"plain, no escape"}`: `{"k":"plain, no escape"}`,
	} {
		if got := string(unescapePlain([]byte(in))); got != want {
			t.Errorf("unescapePlain(%s) = %s, want %s", in, got, want)
		}
	}
}
