package backofficetest

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/shopspring/decimal"
)

// The rules below make the fake as hard as the real gateway: bookings
// that land late, look-ups throttled per id, duplicate detection. Each is
// off by default and turned on by its option, so that a test says which
// hardness it faces.

// WithBookingLatency makes every backoffice operation (CP, RF, RV, RB, CB,
// CR, CD, and the checksum variant's CP, RF, RV) land d after its request
// arrived, as real bookings do. A normal answer waits for the booking. An
// answer a fault replaces (FaultDropAfterBooking, FaultProxyTimeout, the
// Booked forms of FaultMalformedJSON, FaultTruncatedJSON, FaultUncertain and
// FaultMisrouted, FaultRedirect with 303) goes out at once, and the booking
// lands d after arrival all the same, while a client may already be looking
// it up. A client that gives up waiting does not stop the booking either.
// Close, and AwaitBookings, wait for bookings still in flight.
func WithBookingLatency(d time.Duration) Option {
	return func(c *config) { c.bookingLatency = d }
}

// WithLookupThrottle refuses a look-up of one id (GET /v1/query/{id}) or
// one merchantTransactionId (GET /v1/query?merchantTransactionId=) beyond
// n in any window, answering 800.120.100 with HTTP 400 as the gateway does.
// The live gateway allows about 2 a minute; tests scale the window down.
// Refused look-ups do not count towards the limit.
func WithLookupThrottle(n int, window time.Duration) Option {
	return func(c *config) { c.lookupLimit, c.lookupWindow = n, window }
}

// WithDuplicateDetection refuses a backoffice operation whose
// merchantTransactionId belongs to a booking still in flight with
// 800.700.100 (same session in process), and one whose
// merchantTransactionId, payment type and referenced payment match a
// booked record with 800.110.100 (duplicate transaction). Neither refusal
// books anything. Without it, the fake books a resent operation again, as
// a gateway without idempotency does.
func WithDuplicateDetection() Option {
	return func(c *config) { c.duplicates = true }
}

// AwaitBookings blocks until every booking in flight (see
// WithBookingLatency) has landed.
func (s *Server) AwaitBookings() { s.hard.pending.Wait() }

// hardness is a Server's state for the rules above.
type hardness struct {
	latency    time.Duration
	duplicates bool
	pending    sync.WaitGroup

	mu       sync.Mutex
	inflight map[string]int         // merchantTransactionIds of bookings not landed yet
	due      []*booking             // bookings not landed yet, in arrival order
	limit    int                    // look-ups per window and id; 0: no throttle
	window   time.Duration          //
	lookups  map[string][]time.Time // admitted look-ups per id, within the window
}

func newHardness(c config) *hardness {
	return &hardness{latency: c.bookingLatency, duplicates: c.duplicates, limit: c.lookupLimit, window: c.lookupWindow,
		inflight: map[string]int{}, lookups: map[string][]time.Time{}}
}

// throttled reports whether a look-up of key now exceeds the limit, and
// counts it when it does not.
func (h *hardness) throttled(key string) bool {
	if h.limit <= 0 || key == "" {
		return false
	}
	now := time.Now()
	h.mu.Lock()
	defer h.mu.Unlock()
	recent := h.lookups[key][:0]
	for _, at := range h.lookups[key] {
		if now.Sub(at) < h.window {
			recent = append(recent, at)
		}
	}
	if len(recent) >= h.limit {
		h.lookups[key] = recent
		return true
	}
	h.lookups[key] = append(recent, now)
	return false
}

// lookupKey is what a look-up is throttled by: the id or the
// merchantTransactionId it asks for.
func lookupKey(r *http.Request) string {
	if r.Method != http.MethodGet {
		return ""
	}
	if id, ok := segment(r.URL.Path, "/v1/query/", ""); ok {
		return "id:" + id
	}
	if r.URL.Path == "/v1/query" {
		return "mtid:" + r.URL.Query().Get("merchantTransactionId")
	}
	return ""
}

// moves reports whether op books money against a payment or as a credit:
// the operations that booking latency and duplicate detection apply to.
func moves(op Op) bool {
	switch op {
	case OpCapture, OpRefund, OpReversal, OpRebill, OpChargeback, OpChargebackReversal, OpCredit:
		return true
	}
	return false
}

// forward hands a request to the gateway proper. For an operation that
// moves money it applies duplicate detection, then books: with wait, it
// waits for the booking and returns its answer; without, the booking lands
// in the background and the answer returned is only what it would be.
func (s *Server) forward(rt route, arrived time.Time, wait bool) answer {
	h := s.hard
	if !moves(rt.op) {
		return rt.serve(true)
	}
	if h.duplicates {
		if code := s.duplicate(rt); code != "" {
			return rt.refuse(code)
		}
	}
	b := &booking{due: arrived.Add(h.latency)}
	b.book = func() {
		b.answer = rt.serve(true)
		h.mu.Lock()
		if h.inflight[rt.mtid]--; h.inflight[rt.mtid] == 0 {
			delete(h.inflight, rt.mtid)
		}
		h.mu.Unlock()
	}
	h.mu.Lock()
	h.inflight[rt.mtid]++
	if h.latency > 0 {
		h.due = append(h.due, b)
	}
	h.mu.Unlock()
	if wait || h.latency <= 0 {
		h.land(b)
		return b.answer
	}
	would := rt.serve(false)
	h.pending.Add(1)
	go func() {
		defer h.pending.Done()
		h.land(b)
	}()
	return would
}

// booking is an operation booked with latency: it lands at due, once,
// whoever lands it.
type booking struct {
	due    time.Time
	once   sync.Once
	book   func() // sets answer
	answer answer
}

// land waits until b is due and books it, unless landDue did first.
func (h *hardness) land(b *booking) {
	if d := time.Until(b.due); d > 0 {
		time.Sleep(d)
	}
	b.once.Do(b.book)
	h.mu.Lock()
	if i := slices.Index(h.due, b); i >= 0 {
		h.due = slices.Delete(h.due, i, i+1)
	}
	h.mu.Unlock()
}

// landDue books, in arrival order, every booking due by now that has not
// landed yet. A goroutine that sleeps until a booking's due time may wake
// late on a loaded machine; the gateway it stands for has booked by then
// all the same, so every request and every read of the ledger calls this
// first, and a booking is never missing once its latency has passed.
func (h *hardness) landDue() {
	if h.latency <= 0 {
		return
	}
	now := time.Now()
	h.mu.Lock()
	var due []*booking
	keep := h.due[:0]
	for _, b := range h.due {
		if now.Before(b.due) {
			keep = append(keep, b)
		} else {
			due = append(due, b)
		}
	}
	clear(h.due[len(keep):])
	h.due = keep
	h.mu.Unlock()
	for _, b := range due {
		b.once.Do(b.book)
	}
}

// duplicate returns the refusal a duplicate gets, or "".
func (s *Server) duplicate(rt route) backoffice.ResultCode {
	if rt.mtid == "" {
		return ""
	}
	s.hard.mu.Lock()
	busy := s.hard.inflight[rt.mtid] > 0
	s.hard.mu.Unlock()
	if busy {
		return codeSessionBusy
	}
	for _, rec := range s.ledger.withMTID(rt.mtid) {
		if rec.booked && rec.ReferencedID == rt.target && string(rec.Type) == string(rt.op) {
			return codeDuplicate
		}
	}
	return ""
}

// redirect answers a request with a redirect. 303 See Other says the
// request was processed (it is booked, and the Location is its look-up);
// 307 and 308 ask for it elsewhere and process nothing.
func (s *Server) redirect(rt route, f Fault, arrived time.Time, path string) answer {
	status := f.StatusCode
	if status == 0 {
		status = http.StatusTemporaryRedirect
	}
	loc := f.Location
	if status == http.StatusSeeOther {
		s.forward(rt, arrived, false)
		if loc == "" {
			loc = "/v1/query/" + newID()
		}
	} else if loc == "" {
		loc = "https://elsewhere.invalid" + path
	}
	a := htmlAnswer(status, "<html><body>Moved</body></html>")
	a.location = loc
	return a
}

// misrouted answers with a successful answer that belongs to another
// request: another id, merchantTransactionId and amount. The request
// itself is processed when f.Booked is set.
func (s *Server) misrouted(rt route, f Fault, arrived time.Time) answer {
	if f.Booked {
		s.forward(rt, arrived, false)
	}
	other := &record{Entry: Entry{ID: newID(), ReferencedID: rt.target, Type: backoffice.PaymentType(rt.op),
		Amount: decimal.RequireFromString("12345.67"), Currency: "EUR", MerchantTransactionID: "someone-else-" + newID()[:8],
		Code: codeTestSuccess, At: s.now().UTC()}, booked: true, ndc: s.bearer.EntityID + "_" + newID()}
	if strings.HasPrefix(rt.path, checksumPrefix) {
		// The platform's answers name only the payment: another one's.
		return jsonAnswer(http.StatusOK, checksumOpAnswer{PaymentID: "9" + newDigits(7), Result: checksumSuccess(backoffice.PaymentType(rt.op)),
			Timestamp: s.now().UTC().Format(checksumTimeLayout)})
	}
	return answer{status: http.StatusOK, contentType: contentTypeJSON, body: bearerPaymentJSON(other)}
}
