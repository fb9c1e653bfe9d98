package backofficetest

import (
	"strconv"
	"strings"
	"time"
)

// newCardInfo keeps of a card what answers show: never the full number.
func newCardInfo(number, holder, month, year string) *cardInfo {
	return &cardInfo{
		Bin:         number[:6],
		Last4Digits: number[len(number)-4:],
		Holder:      holder,
		ExpiryMonth: month,
		ExpiryYear:  year,
	}
}

// expired reports whether c is past its expiry at now. A card is valid
// through the last day of its expiry month (UTC).
func expired(c cardInfo, now time.Time) bool {
	// The variants validated both fields; were one not a number, year 0
	// would make the card expired, the safe answer.
	year, _ := strconv.Atoi(c.ExpiryYear)
	month, _ := strconv.Atoi(c.ExpiryMonth)
	firstInvalid := time.Date(year, time.Month(month)+1, 1, 0, 0, 0, 0, time.UTC)
	return !now.UTC().Before(firstInvalid)
}

// maskNumber hides all but the first six and last four digits of a card
// number, and the whole of anything too short to keep those.
func maskNumber(n string) string {
	if len(n) < 12 {
		return strings.Repeat("*", len(n))
	}
	return n[:6] + strings.Repeat("*", len(n)-10) + n[len(n)-4:]
}
