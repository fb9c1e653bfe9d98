package backoffice_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Berlin for the DST rows, whatever the host has

	"github.com/c81406b6/backoffice"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Black-box tests of the refund windows of seed 000: Argentina, Brazil,
// Mexico 90 days; Colombia 120 days; Chile 11 months; Peru 6 months.

func TestRefundWindowFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		country      string
		ok           bool
		days, months int
	}{
		{"AR", true, 90, 0},
		{"BR", true, 90, 0},
		{"MX", true, 90, 0},
		{"CO", true, 120, 0},
		{"CL", true, 0, 11},
		{"PE", true, 0, 6},
		{"br", true, 90, 0},
		{"cl", true, 0, 11},
		{"Pe", true, 0, 6},
		{"co", true, 120, 0},
		{"US", false, 0, 0},
		{"DE", false, 0, 0},
		{"", false, 0, 0},
		{"BRA", false, 0, 0},
		{"B", false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.country, func(t *testing.T) {
			t.Parallel()
			w, ok := backoffice.RefundWindowFor(tt.country)
			assert.Equal(t, tt.ok, ok)
			if !tt.ok {
				return
			}
			assert.True(t, strings.EqualFold(tt.country, w.Country), "Country %q for %q", w.Country, tt.country)
			assert.Equal(t, tt.days, w.Days, "days")
			assert.Equal(t, tt.months, w.Months, "months")
		})
	}
}

func mustWindow(t *testing.T, country string) backoffice.RefundWindow {
	t.Helper()
	w, ok := backoffice.RefundWindowFor(country)
	require.True(t, ok, "no refund window for %s", country)
	return w
}

// Deadline counts calendar days and months in the purchase's own location;
// months clamp to the last day of the target month. The deadline falls on
// the expected date, no earlier than the purchase's clock time (an
// end-of-day deadline is also accepted).
func TestRefundWindowDeadline(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	at := func(y int, m time.Month, d, hh, mm int, loc *time.Location) time.Time {
		return time.Date(y, m, d, hh, mm, 5, 0, loc)
	}
	tests := []struct {
		name      string
		country   string
		purchased time.Time
		wantDate  string // YYYY-MM-DD in the purchase's location
	}{
		// Month windows: clamping to the end of the month.
		{"CL 31 Mar + 11 months, leap year", "CL", at(2023, 3, 31, 15, 4, time.UTC), "2024-02-29"},
		{"CL 31 Mar + 11 months, common year", "CL", at(2022, 3, 31, 15, 4, time.UTC), "2023-02-28"},
		{"CL 30 Nov + 11 months", "CL", at(2023, 11, 30, 15, 4, time.UTC), "2024-10-30"},
		{"CL 31 Jan + 11 months, no clamp", "CL", at(2024, 1, 31, 15, 4, time.UTC), "2024-12-31"},
		{"CL 29 Feb + 11 months", "CL", at(2024, 2, 29, 15, 4, time.UTC), "2025-01-29"},
		{"CL 31 May + 11 months", "CL", at(2024, 5, 31, 15, 4, time.UTC), "2025-04-30"},
		{"PE 31 Aug + 6 months, leap year", "PE", at(2023, 8, 31, 15, 4, time.UTC), "2024-02-29"},
		{"PE 31 Aug + 6 months, common year", "PE", at(2022, 8, 31, 15, 4, time.UTC), "2023-02-28"},
		{"PE 31 Mar + 6 months", "PE", at(2024, 3, 31, 15, 4, time.UTC), "2024-09-30"},
		{"PE 31 Dec + 6 months", "PE", at(2024, 12, 31, 15, 4, time.UTC), "2025-06-30"},
		{"PE 15 Jan + 6 months", "PE", at(2024, 1, 15, 15, 4, time.UTC), "2024-07-15"},
		{"PE month clamp in Berlin", "PE", at(2023, 8, 31, 23, 30, berlin), "2024-02-29"},
		// Day windows: calendar days across month ends and leap days.
		{"AR 31 Jan + 90 days, leap year", "AR", at(2024, 1, 31, 15, 4, time.UTC), "2024-04-30"},
		{"BR 31 Jan + 90 days, common year", "BR", at(2023, 1, 31, 15, 4, time.UTC), "2023-05-01"},
		{"MX 15 Dec + 90 days, across the year", "MX", at(2023, 12, 15, 15, 4, time.UTC), "2024-03-14"},
		{"CO 30 Nov + 120 days", "CO", at(2023, 11, 30, 15, 4, time.UTC), "2024-03-29"},
		// Day windows across DST, late at night: 90 × 24 h would land on
		// the next calendar day (spring) or the previous one (autumn).
		{"AR across spring DST, 23:30 Berlin", "AR", at(2024, 3, 1, 23, 30, berlin), "2024-05-30"},
		{"CO across autumn DST, 00:30 Berlin", "CO", at(2024, 10, 1, 0, 30, berlin), "2025-01-29"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			loc := tt.purchased.Location()
			d := mustWindow(t, tt.country).Deadline(tt.purchased)
			assert.Equal(t, tt.wantDate, d.In(loc).Format("2006-01-02"), "deadline %s", d.In(loc))
			day, err := time.ParseInLocation("2006-01-02", tt.wantDate, loc)
			require.NoError(t, err)
			sameClock := time.Date(day.Year(), day.Month(), day.Day(), tt.purchased.Hour(), tt.purchased.Minute(), tt.purchased.Second(), tt.purchased.Nanosecond(), loc)
			assert.False(t, d.Before(sameClock), "deadline %s is earlier than the purchase's time of day %s", d, sameClock)
			assert.True(t, d.Before(day.AddDate(0, 0, 1)), "deadline %s is past the deadline day", d)
		})
	}
}

// Allows is inclusive at the deadline and refuses one nanosecond later.
func TestRefundWindowAllowsEdges(t *testing.T) {
	t.Parallel()
	purchases := []time.Time{
		time.Date(2023, 3, 31, 15, 4, 5, 0, time.UTC),
		time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
		time.Date(2023, 8, 31, 23, 59, 59, 999999999, time.UTC),
	}
	for _, country := range []string{"AR", "BR", "MX", "CO", "CL", "PE"} {
		for _, p := range purchases {
			t.Run(country+" "+p.Format(time.RFC3339Nano), func(t *testing.T) {
				t.Parallel()
				w := mustWindow(t, country)
				d := w.Deadline(p)
				require.True(t, d.After(p), "the deadline %s follows the purchase %s", d, p)
				assert.True(t, w.Allows(p, p), "at the purchase itself")
				assert.True(t, w.Allows(p, p.Add(24*time.Hour)), "one day after the purchase")
				assert.True(t, w.Allows(p, d.Add(-time.Nanosecond)), "just before the deadline")
				assert.True(t, w.Allows(p, d), "exactly at the deadline")
				assert.False(t, w.Allows(p, d.Add(time.Nanosecond)), "one nanosecond after the deadline")
				assert.False(t, w.Allows(p, d.AddDate(1, 0, 0)), "a year after the deadline")
			})
		}
	}
}

// Refund checks the window before sending when Country and PurchasedAt are
// both set.
func TestRefundPastWindowIsRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	purchased := time.Date(2024, 1, 10, 12, 0, 0, 0, time.UTC)
	brDeadline := mustWindow(t, "BR").Deadline(purchased)
	longAgo := time.Now().AddDate(0, 0, -200)
	tests := []struct {
		name     string
		v        variant
		country  string
		at       time.Time // the client's clock; zero = real time
		bought   time.Time
		deadline time.Time
	}{
		{"BR long ago, real clock", bearerVariant, "BR", time.Time{}, longAgo, mustWindow(t, "BR").Deadline(longAgo)},
		{"br lower case", bearerVariant, "br", time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), purchased, brDeadline},
		{"BR one nanosecond late", bearerVariant, "BR", brDeadline.Add(time.Nanosecond), purchased, brDeadline},
		{"CL 11 months and a day", bearerVariant, "CL", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC), mustWindow(t, "CL").Deadline(time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC))},
		{"checksum variant too", checksumVariant, "BR", time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), purchased, brDeadline},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var opts []backoffice.Option
			if !tt.at.IsZero() {
				at := tt.at
				opts = append(opts, backoffice.WithClock(func() time.Time { return at }))
			}
			rec := newValidationRecorder(t, tt.v)
			id := targetDebit.recorderID(tt.v)
			_, err := newTestClient(t, rec.URL, tt.v.creds(), opts...).Refund(context.Background(), id,
				backoffice.RefundRequest{Amount: dec("5"), Currency: "EUR", Country: tt.country, PurchasedAt: tt.bought})
			var we *backoffice.RefundWindowError
			require.ErrorAs(t, err, &we, "want *RefundWindowError, got %T: %v", err, err)
			assert.True(t, strings.EqualFold(tt.country, we.Country), "Country %q", we.Country)
			assert.True(t, tt.deadline.Equal(we.Deadline), "Deadline %s, want %s", we.Deadline, tt.deadline)
			assert.Contains(t, err.Error(), "Credit", "the message points to a stand-alone credit")
			assertNothingSent(t, rec)
		})
	}
}

func TestRefundWithinWindowOrWithoutCheckIsSent(t *testing.T) {
	t.Parallel()
	purchased := time.Date(2024, 1, 10, 12, 0, 0, 0, time.UTC)
	brDeadline := mustWindow(t, "BR").Deadline(purchased)
	tests := []struct {
		name    string
		country string
		bought  time.Time
		at      time.Time // zero = real time
	}{
		{"BR ten days ago, real clock", "BR", time.Now().AddDate(0, 0, -10), time.Time{}},
		{"BR within, fixed clock", "BR", purchased, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)},
		{"BR exactly at the deadline", "BR", purchased, brDeadline},
		{"CL 10 months later", "CL", time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC), time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC)},
		{"country without a known window", "US", purchased, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var opts []backoffice.Option
			if !tt.at.IsZero() {
				at := tt.at
				opts = append(opts, backoffice.WithClock(func() time.Time { return at }))
			}
			rec := newValidationRecorder(t, bearerVariant)
			_, err := newTestClient(t, rec.URL, bearerCreds, opts...).Refund(context.Background(), "db1",
				backoffice.RefundRequest{Amount: dec("5"), Currency: "EUR", Country: tt.country, PurchasedAt: tt.bought})
			var we *backoffice.RefundWindowError
			assert.False(t, errors.As(err, &we), "refused as past the window: %v", err)
			require.NoError(t, err)
			assert.Len(t, rec.Requests(), 1)
		})
	}
}

// A Country without PurchasedAt (or the reverse) cannot be checked: it is
// refused before sending rather than silently sent unchecked.
func TestRefundWindowNeedsBothCountryAndPurchaseDate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		field   string
		country string
		bought  time.Time
	}{
		{"PurchasedAt", "BR", time.Time{}},
		{"Country", "", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		rec := newValidationRecorder(t, bearerVariant)
		_, err := newTestClient(t, rec.URL, bearerCreds).Refund(context.Background(), "db1",
			backoffice.RefundRequest{Amount: dec("5"), Currency: "EUR", Country: tt.country, PurchasedAt: tt.bought})
		var ve *backoffice.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, tt.field, ve.Field)
		assert.Empty(t, rec.Requests(), "nothing sent")
	}
}

func TestRefundWindowsListsThePublishedWindows(t *testing.T) {
	t.Parallel()
	ws := backoffice.RefundWindows()
	var countries []string
	for _, w := range ws {
		countries = append(countries, w.Country)
		got, ok := backoffice.RefundWindowFor(w.Country)
		require.True(t, ok)
		assert.Equal(t, w, got)
	}
	assert.Equal(t, []string{"AR", "BR", "CL", "CO", "MX", "PE"}, countries)
}
