package backoffice_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hoWire is a raw gateway whose every answer a test scripts. It keeps the
// arrival time of each POST and GET, so that tests can check the order of
// events the settle time rules on.
type hoWire struct{ *script }

func newHoWire(t *testing.T, post, get func(n int, w http.ResponseWriter, r *http.Request)) *hoWire {
	t.Helper()
	return &hoWire{newScript(t, post, get)}
}

func (s *hoWire) firstPost() time.Time {
	p, _ := s.times()
	if len(p) == 0 {
		return time.Time{}
	}
	return p[0]
}

func (s *hoWire) client(t *testing.T, opts ...backoffice.Option) *backoffice.Client {
	t.Helper()
	return newTestClient(t, s.URL, bearerCreds, append([]backoffice.Option{backoffice.WithRetryPolicy(hoPolicy)}, opts...)...)
}

// The call every wire test makes: refund 5 EUR of db1 as mtid-1.
func hoRefund(t *testing.T, c *backoffice.Client) (*backoffice.Payment, error) {
	t.Helper()
	return c.Refund(hoCtx(t, 3*time.Second), "db1", backoffice.RefundRequest{Amount: dec("5"), Currency: "EUR", MerchantTransactionID: "mtid-1"})
}

// hoRecord is a look-up or direct answer's payment record.
func hoRecord(id, ref, typ, amount, currency, mtid, code string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `{"id":%q`, id)
	if ref != "" {
		fmt.Fprintf(&b, `,"referencedId":%q`, ref)
	}
	if typ != "" {
		fmt.Fprintf(&b, `,"paymentType":%q`, typ)
	}
	if amount != "" {
		fmt.Fprintf(&b, `,"amount":%q`, amount)
	}
	if currency != "" {
		fmt.Fprintf(&b, `,"currency":%q`, currency)
	}
	if mtid != "" {
		fmt.Fprintf(&b, `,"merchantTransactionId":%q`, mtid)
	}
	fmt.Fprintf(&b, `,"result":{"code":%q,"description":"as recorded"},"timestamp":"2026-11-29 10:00:00+0000"}`, code)
	return b.String()
}

// ours is the booking the call under test would make.
var hoOurs = hoRecord("rf-ours", "db1", "RF", "5.00", "EUR", "mtid-1", "000.100.110")

// hoResent answers a resend: a second refund, which a correct SDK never causes
// unless absence was proven.
func hoResent(_ int, w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, 200, hoRecord("rf-resent", "db1", "RF", "5.00", "EUR", "mtid-1", "000.100.110"))
}

func hoGateway504(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusGatewayTimeout)
	io.WriteString(w, "<html><body>504 Gateway Time-out</body></html>")
}

func hoFoundList(w http.ResponseWriter, records ...string) {
	writeJSON(w, 200, `{"result":{"code":"000.000.100","description":"successful request"},"payments":[`+strings.Join(records, ",")+`]}`)
}

// A proxy's 504 while the refund is still booking: the look-up says "not
// found" until the booking lands 40ms after the POST (inside the 80ms settle
// time). An SDK that takes the early "not found" as proof resends and books
// twice.
func TestHostileOutcomeNotFoundBeforeSettleIsNoProof(t *testing.T) {
	t.Parallel()
	var s *hoWire
	s = newHoWire(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			hoGateway504(w)
			return
		}
		hoResent(n, w, r)
	}, func(_ int, w http.ResponseWriter, _ *http.Request) {
		if time.Since(s.firstPost()) < 40*time.Millisecond {
			notFound(w)
			return
		}
		hoFoundList(w, hoOurs)
	})
	p, err := hoRefund(t, s.client(t))
	posts, _ := s.times()
	require.Len(t, posts, 1, "resent a refund whose first attempt was still booking")
	if err == nil {
		assert.Equal(t, "rf-ours", p.ID)
		return
	}
	hoCheckUncertain(t, err)
}

// Every look-up answers "not found": absence may be taken as proven only from
// a look-up made after SentAt+SettleTime, so every resend (and a final
// NotBooked) must come at least SettleTime after the attempt it replaces,
// with a look-up in between made after the settle time. When attempts run
// out, the error is typed: errors.Is ErrNotBooked, no fmt noise.
func TestHostileOutcomeAbsenceProvenOnlyAfterSettleTime(t *testing.T) {
	t.Parallel()
	s := newHoWire(t, func(_ int, w http.ResponseWriter, _ *http.Request) { hoGateway504(w) },
		func(_ int, w http.ResponseWriter, _ *http.Request) { notFound(w) })
	_, err := hoRefund(t, s.client(t))
	posts, gets := s.times()
	require.NotEmpty(t, posts)
	settle := hoPolicy.SettleTime - 5*time.Millisecond // the client's SentAt precedes the server's arrival
	for i := 1; i < len(posts); i++ {
		assert.GreaterOrEqual(t, posts[i].Sub(posts[i-1]), settle, "resend %d came before the settle time of the attempt it replaces", i+1)
		assert.True(t, hoGetBetween(gets, posts[i-1].Add(settle), posts[i]), "resend %d without a look-up after the settle time", i+1)
	}
	switch backoffice.OutcomeOf(err) {
	case backoffice.NotBooked:
		last := posts[len(posts)-1]
		assert.True(t, hoGetBetween(gets, last.Add(settle), time.Now()), "NotBooked without a look-up after the last attempt's settle time")
		assert.ErrorIs(t, err, backoffice.ErrNotBooked)
		assert.NotContains(t, err.Error(), "%!")
	case backoffice.Unknown:
		hoCheckUncertain(t, err)
	default:
		t.Fatalf("504 on every attempt reported as booked: %v", err)
	}
}

func hoGetBetween(gets []time.Time, from, to time.Time) bool {
	for _, g := range gets {
		if !g.Before(from) && !g.After(to) {
			return true
		}
	}
	return false
}

// Throttled look-ups mean "unknown", never "absent", whatever shape the
// throttle takes: the gateway's 800.120.100, an HTTP 429, a success-coded throttle answer with no records,
// or an HTML error page.
func TestHostileOutcomeThrottledLookupsAreNeverAbsence(t *testing.T) {
	t.Parallel()
	lookups := map[string]func(w http.ResponseWriter){
		"800.120.100": func(w http.ResponseWriter) {
			writeJSON(w, 400, `{"result":{"code":"800.120.100","description":"Rejected by Throttling."}}`)
		},
		"429 html": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(429)
			io.WriteString(w, "<html>Too Many Requests</html>")
		},
		"429 empty": func(w http.ResponseWriter) { w.WriteHeader(429) },
		"200 throttled no records": func(w http.ResponseWriter) {
			writeJSON(w, 200, `{"result":{"code":"800.120.100","description":"Rejected by Throttling."},"payments":[]}`)
		},
		"503 html": func(w http.ResponseWriter) { htmlError(w, 503) },
		"404 html": func(w http.ResponseWriter) { htmlError(w, 404) },
		"404 json not found": func(w http.ResponseWriter) {
			writeJSON(w, 404, `{"error":"not found"}`)
		},
		"200 html": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<html>maintenance</html>")
		},
	}
	for name, lookup := range lookups {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newHoWire(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n == 1 {
					hoGateway504(w)
					return
				}
				hoResent(n, w, r)
			}, func(_ int, w http.ResponseWriter, _ *http.Request) { lookup(w) })
			_, err := hoRefund(t, s.client(t))
			posts, _ := s.times()
			assert.Len(t, posts, 1, "resent after throttled look-ups")
			hoCheckUncertain(t, err, bearerCreds.AccessToken)
		})
	}
}

// Look-up records that almost match are not this call's booking, and a
// look-up that is success-coded but gives nothing usable is not absence.
func TestHostileOutcomeLookupRecordsThatAlmostMatch(t *testing.T) {
	t.Parallel()
	type want int
	const (
		notBooked   want = iota // any outcome but Booked-with-that-record; no double booking
		unknown                 // must stay Unknown: nothing proves absence
		bookedOurs              // exact match
		notAbsent               // anything but NotBooked; no resend
		recordedRef             // the gateway recorded a refusal
	)
	cases := []struct {
		name    string
		records []string
		raw     string // whole look-up body, instead of records
		want    want
	}{
		{name: "other amount", records: []string{hoRecord("rf-x", "db1", "RF", "5.01", "EUR", "mtid-1", "000.100.110")}, want: notBooked},
		{name: "other currency", records: []string{hoRecord("rf-x", "db1", "RF", "5.00", "USD", "mtid-1", "000.100.110")}, want: notBooked},
		{name: "other type", records: []string{hoRecord("rf-x", "db1", "RV", "5.00", "EUR", "mtid-1", "000.100.110")}, want: notBooked},
		{name: "other referenced payment", records: []string{hoRecord("rf-x", "db2", "RF", "5.00", "EUR", "mtid-1", "000.100.110")}, want: notBooked},
		{name: "id in other case", records: []string{hoRecord("rf-x", "db1", "RF", "5.00", "EUR", "MTID-1", "000.100.110")}, want: unknown},
		{name: "id with trailing space", records: []string{hoRecord("rf-x", "db1", "RF", "5.00", "EUR", "mtid-1 ", "000.100.110")}, want: unknown},
		{name: "id missing", records: []string{hoRecord("rf-x", "db1", "RF", "5.00", "EUR", "", "000.100.110")}, want: unknown},
		{name: "empty record", records: []string{`{}`}, want: unknown},
		{name: "success, empty list", records: []string{}, want: unknown},
		{name: "success, no list", raw: `{"result":{"code":"000.000.100","description":"successful request"}}`, want: unknown},
		{name: "success, list null", raw: `{"result":{"code":"000.000.100","description":"successful request"},"payments":null}`, want: unknown},
		{name: "two exact matches", records: []string{hoOurs, hoRecord("rf-twin", "db1", "RF", "5.00", "EUR", "mtid-1", "000.100.110")}, want: unknown},
		{name: "exact match, recorded uncertain", records: []string{hoRecord("rf-u", "db1", "RF", "5.00", "EUR", "mtid-1", "900.100.300")}, want: unknown},
		{name: "exact match, partially failed 000.400.030", records: []string{hoRecord("rf-p", "db1", "RF", "5.00", "EUR", "mtid-1", "000.400.030")}, want: notAbsent},
		{name: "exact match, no referenced id named", records: []string{hoRecord("rf-ours", "", "RF", "5.00", "EUR", "mtid-1", "000.100.110")}, want: bookedOurs},
		{name: "exact match among near misses", records: []string{
			hoRecord("rf-x1", "db1", "RF", "6.00", "EUR", "mtid-1", "000.100.110"),
			hoOurs,
			hoRecord("rf-x2", "db2", "RF", "5.00", "EUR", "mtid-1", "000.100.110"),
		}, want: bookedOurs},
		{name: "exact match, amount 5.0", records: []string{hoRecord("rf-ours", "db1", "RF", "5.0", "EUR", "mtid-1", "000.100.110")}, want: bookedOurs},
		{name: "exact match, pending", records: []string{hoRecord("rf-ours", "db1", "RF", "5.00", "EUR", "mtid-1", "000.200.000")}, want: bookedOurs},
		{name: "exact match, refused", records: []string{hoRecord("rf-no", "db1", "RF", "5.00", "EUR", "mtid-1", "700.400.200")}, want: recordedRef},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newHoWire(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n == 1 {
					hoGateway504(w)
					return
				}
				hoResent(n, w, r)
			}, func(_ int, w http.ResponseWriter, _ *http.Request) {
				if tc.raw != "" {
					writeJSON(w, 200, tc.raw)
					return
				}
				hoFoundList(w, tc.records...)
			})
			p, err := hoRefund(t, s.client(t))
			posts, _ := s.times()
			switch tc.want {
			case notBooked:
				if err == nil {
					assert.Equal(t, "rf-resent", p.ID, "claimed a near-miss record as this call's booking")
				} else if backoffice.OutcomeOf(err) == backoffice.Unknown {
					hoCheckUncertain(t, err)
				}
			case unknown:
				assert.Len(t, posts, 1, "resent on a look-up that proves nothing")
				if assert.Error(t, err) {
					hoCheckUncertain(t, err)
				}
			case notAbsent:
				assert.Len(t, posts, 1, "resent although money may have moved")
				assert.NotEqual(t, backoffice.NotBooked, backoffice.OutcomeOf(err), "money may have moved: %v", err)
			case bookedOurs:
				assert.Len(t, posts, 1)
				if assert.NoError(t, err) {
					assert.Equal(t, "rf-ours", p.ID)
				}
			case recordedRef:
				assert.Len(t, posts, 1)
				var re *backoffice.ResultError
				if assert.ErrorAs(t, err, &re) {
					assert.Equal(t, backoffice.ResultCode("700.400.200"), re.Result.Code)
				}
			}
		})
	}
}

// BUG: an HTTP 429 whose JSON body says 700.400.580 (a rate limiter in front
// of the gateway that answers with a cached or templated body, or a gateway
// that throttles with the status only) is taken as proof of absence, and the
// refund is sent again. The contract: a throttled look-up (800.120.100 or
// HTTP 429) means "unknown", never "absent".
func TestHostileFixed_Lookup429WithNotFoundBodyTakenAsAbsence(t *testing.T) {
	t.Parallel()
	s := newHoWire(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			hoGateway504(w)
			return
		}
		hoResent(n, w, r)
	}, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusTooManyRequests, `{"result":{"code":"700.400.580","description":"cannot find transaction"}}`)
	})
	_, err := hoRefund(t, s.client(t))
	posts, _ := s.times()
	assert.Len(t, posts, 1, "resent a refund after look-ups that were all HTTP 429 (err %v)", err)
	if assert.Error(t, err, "booked by a resend after throttled look-ups") {
		hoCheckUncertain(t, err)
	}
}
