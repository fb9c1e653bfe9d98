package backoffice

import "testing"

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
