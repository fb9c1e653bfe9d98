package backoffice

import (
	"slices"
	"strings"
	"time"
)

// RefundWindow is how long after a purchase a country lets a payment be
// refunded. Exactly one of Days and Months is set.
type RefundWindow struct {
	Country string // ISO 3166-1 alpha-2, upper case
	Days    int
	Months  int
}

// refundWindows are the published windows (Backoffice Operations, "Allowed
// Refund timelines"). Elsewhere no window is enforced by the SDK.
var refundWindows = map[string]RefundWindow{
	"AR": {Country: "AR", Days: 90},
	"BR": {Country: "BR", Days: 90},
	"CL": {Country: "CL", Months: 11},
	"CO": {Country: "CO", Days: 120},
	"MX": {Country: "MX", Days: 90},
	"PE": {Country: "PE", Months: 6},
}

// RefundWindowFor returns the refund window of country, an ISO 3166-1
// alpha-2 code in any case, and whether it has a published one.
func RefundWindowFor(country string) (RefundWindow, bool) {
	if len(country) != 2 {
		return RefundWindow{}, false
	}
	w, ok := refundWindows[strings.ToUpper(country)]
	return w, ok
}

// Deadline is the last instant a purchase made at purchasedAt can be
// refunded. Months are calendar months that clamp to the month's last day:
// 31 March plus 11 months is the end of February, never early March.
func (w RefundWindow) Deadline(purchasedAt time.Time) time.Time {
	if w.Months != 0 {
		return addMonthsClamped(purchasedAt, w.Months)
	}
	return purchasedAt.AddDate(0, 0, w.Days)
}

// Allows reports whether a purchase made at purchasedAt can still be
// refunded at at; the deadline itself is allowed.
func (w RefundWindow) Allows(purchasedAt, at time.Time) bool {
	return !at.After(w.Deadline(purchasedAt))
}

func addMonthsClamped(t time.Time, months int) time.Time {
	y, m, d := t.Date()
	firstOfTarget := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, t.Location())
	ty, tm, _ := firstOfTarget.Date()
	if last := daysIn(ty, tm); d > last {
		d = last
	}
	return time.Date(ty, tm, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}

// RefundWindows returns every published refund window, ordered by
// country: Argentina, Brazil and Mexico 90 days, Chile 11 months, Colombia
// 120 days, Peru 6 months after the purchase. Elsewhere the usual window
// is about 60 days, which the SDK does not enforce; past a window, Credit
// returns the money instead.
func RefundWindows() []RefundWindow {
	out := make([]RefundWindow, 0, len(refundWindows))
	for _, w := range refundWindows {
		out = append(out, w)
	}
	slices.SortFunc(out, func(a, b RefundWindow) int { return strings.Compare(a.Country, b.Country) })
	return out
}

// checkRefundWindow refuses, before sending, a refund past its window. A
// Country without PurchasedAt is refused too: the check cannot be made, and
// skipping it silently would send a refund the caller asked to be checked.
func (c *Client) checkRefundWindow(country string, purchasedAt time.Time) error {
	if country == "" {
		if !purchasedAt.IsZero() {
			return invalid("Country", "is required with PurchasedAt: the refund window depends on it")
		}
		return nil
	}
	if len(country) != 2 || !isLetters(country) {
		return invalid("Country", "must be an ISO 3166-1 alpha-2 code such as BR")
	}
	if purchasedAt.IsZero() {
		return invalid("PurchasedAt", "is required with Country: the refund window is counted from the purchase")
	}
	w, ok := RefundWindowFor(country)
	if !ok {
		return nil
	}
	if now := c.now(); !w.Allows(purchasedAt, now) {
		return &RefundWindowError{Country: w.Country, Deadline: w.Deadline(purchasedAt)}
	}
	return nil
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
