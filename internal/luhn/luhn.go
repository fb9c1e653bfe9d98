// Package luhn is the Luhn check of card numbers, shared by the SDK (input
// validation, masking what a gateway echoes) and its fake gateway.
package luhn

// Valid reports whether the digits of s pass the Luhn check. Characters
// other than ASCII digits (the spaces or dashes of a formatted number) are
// skipped; callers that need digits only check that first.
func Valid[T ~string | ~[]byte](s T) bool {
	sum, double := 0, false
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if c < '0' || c > '9' {
			continue
		}
		d := int(c - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}
