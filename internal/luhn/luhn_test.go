package luhn

import "testing"

func TestValid(t *testing.T) {
	for s, want := range map[string]bool{
		"4111111111111111":    true,
		"4111 1111 1111 1111": true,
		"4111-1111-1111-1111": true,
		"4111111111111112":    false,
		"4200000000000000":    true,
		"79927398713":         true,
		"79927398710":         false,
		"0":                   true,
	} {
		if Valid(s) != want || Valid([]byte(s)) != want {
			t.Errorf("Valid(%q) = %v, want %v", s, Valid(s), want)
		}
	}
}
