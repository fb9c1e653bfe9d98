package backofficetest

import (
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/c81406b6/backoffice"
)

// Op names the kind of request a fault is aimed at.
type Op string

// The operations a Server tells apart. Bearer and checksum requests for the
// same payment type share an Op: OpCapture counts captures on both.
const (
	OpPreauthorize       Op = "PA"
	OpDebit              Op = "DB"
	OpCapture            Op = "CP"
	OpRefund             Op = "RF"
	OpReversal           Op = "RV"
	OpRebill             Op = "RB"
	OpChargeback         Op = "CB"
	OpChargebackReversal Op = "CR"
	OpCredit             Op = "CD"
	OpQuery              Op = "QUERY" // bearer GET /v1/query/{id} and GET /v1/query?merchantTransactionId=
	OpInquiry            Op = "IN"    // checksum-variant inquiry
	OpTransactionList    Op = "LIST"  // checksum-variant getTransactionList
	OpAuthToken          Op = "TOKEN" // checksum-variant authToken
	OpAny                Op = "*"     // in InjectFault: every request, whatever its Op
)

// knownOp reports whether op is one of the constants above.
func knownOp(op Op) bool {
	switch op {
	case OpPreauthorize, OpDebit, OpCapture, OpRefund, OpReversal, OpRebill, OpChargeback,
		OpChargebackReversal, OpCredit, OpQuery, OpInquiry, OpTransactionList, OpAuthToken, OpAny, OpSearch:
		return true
	}
	return false
}

// FaultKind is a way for the server to misbehave.
type FaultKind int

// The fault kinds. Unless a kind says otherwise, the request is not
// processed and nothing is booked.
const (
	// FaultNone: the request is answered normally.
	FaultNone FaultKind = iota
	// FaultLatency: the server waits Fault.Latency, or until the request's
	// context ends or the Server is closed, in which case it drops the
	// connection and books nothing; then it answers normally.
	FaultLatency
	// FaultServerError: HTTP 503 (or Fault.StatusCode) with an HTML body.
	FaultServerError
	// FaultThrottle: bearer variant HTTP 400 with result 800.120.100
	// "Rejected by Throttling." (the gateway documents no 429); checksum
	// variant HTTP 200, transactionStatus N, with the same code.
	FaultThrottle
	// FaultSessionBusy: bearer variant HTTP 400 with result 800.700.100
	// (the same session is being processed); checksum variant HTTP 200
	// with the same code and transactionStatus N.
	FaultSessionBusy
	// FaultDropBeforeBooking: the connection is closed without an answer.
	FaultDropBeforeBooking
	// FaultDropAfterBooking: the request is processed (booked when the
	// rules allow it), then the connection is closed without an answer.
	FaultDropAfterBooking
	// FaultMalformedJSON: HTTP 200 with a body that is not JSON. The request
	// is processed first when Fault.Booked is set.
	FaultMalformedJSON
	// FaultTruncatedJSON: the answer the request gets (processed when
	// Fault.Booked is set, otherwise only evaluated) cut in half, with a
	// Content-Length matching the cut body so that the client reads a
	// complete but truncated body.
	FaultTruncatedJSON
	// FaultUncertain: HTTP 200 with result 900.100.300 "timeout, uncertain
	// result" (checksum variant: the same code, no transactionStatus). The
	// request is processed first when Fault.Booked is set.
	FaultUncertain
	// FaultProxyTimeout: a proxy in front of the gateway answers HTTP 504
	// with an HTML page (after Fault.Latency, when set), while the gateway
	// it forwarded the request to goes on processing it: the request is
	// booked when the rules allow it, late with WithBookingLatency.
	FaultProxyTimeout
	// FaultRedirect: HTTP 307 (or Fault.StatusCode: 303, 307, 308) with a
	// Location (Fault.Location, else another host). A 303 is what a server
	// answers a POST it processed: the request is booked. A 307 or 308
	// processes nothing.
	FaultRedirect
	// FaultMisrouted: HTTP 200 with a successful answer that belongs to
	// another request (another id, merchantTransactionId and amount), as a
	// proxy that mixes up connections would give. The request itself is
	// processed when Fault.Booked is set.
	FaultMisrouted
)

var faultKindNames = [...]string{"FaultNone", "FaultLatency", "FaultServerError", "FaultThrottle",
	"FaultSessionBusy", "FaultDropBeforeBooking", "FaultDropAfterBooking", "FaultMalformedJSON",
	"FaultTruncatedJSON", "FaultUncertain", "FaultProxyTimeout", "FaultRedirect", "FaultMisrouted"}

// String returns the constant's name, for test names and messages.
func (k FaultKind) String() string {
	if k >= 0 && int(k) < len(faultKindNames) {
		return faultKindNames[k]
	}
	return fmt.Sprintf("FaultKind(%d)", int(k))
}

// Fault describes how the server mishandles one request.
type Fault struct {
	Kind FaultKind
	// Latency is the FaultLatency wait; when positive it also delays every
	// other kind, before anything else happens.
	Latency time.Duration
	// Booked makes FaultMalformedJSON, FaultTruncatedJSON and FaultUncertain
	// process the request before answering badly. The request is then booked
	// exactly when the money rules allow it; refused, it is recorded as an
	// attempt as usual.
	Booked bool
	// StatusCode is FaultServerError's HTTP status; 0 means 503.
	StatusCode int
	// RetryAfter, when positive, sets a Retry-After header in whole seconds
	// rounded up on FaultServerError, FaultThrottle and FaultSessionBusy.
	RetryAfter time.Duration
	// Location is FaultRedirect's target; "" means a path of its own.
	Location string
}

// InjectFault makes the nth request matching op, counted from this call
// (1-based), get f. OpAny matches every request. Each injection fires once;
// when several target the same request, the earliest injected wins. It
// panics when nth < 1, or op or f.Kind is not one of the constants.
func (s *Server) InjectFault(op Op, nth int, f Fault) {
	if nth < 1 {
		panic(fmt.Sprintf("backofficetest: InjectFault: nth must be at least 1, got %d", nth))
	}
	if !knownOp(op) {
		panic(fmt.Sprintf("backofficetest: InjectFault: unknown op %q", op))
	}
	if f.Kind < FaultNone || f.Kind > FaultMisrouted {
		panic("backofficetest: InjectFault: unknown " + f.Kind.String())
	}
	s.gate.mu.Lock()
	defer s.gate.mu.Unlock()
	s.gate.rules = append(s.gate.rules, faultRule{op: op, at: s.gate.counts[op] + nth, fault: f})
}

// InjectFaultFunc installs fn, replacing any earlier one; nil removes it.
// fn is consulted for every request that no InjectFault injection claims,
// with the request's Op and n, the 1-based count of requests with that Op
// since this call; it returns the fault to apply, or false for none. Calls
// to fn are serialized and made in the order requests arrive (the order of
// Requests), so a seeded math/rand source may be used inside it without a
// lock. fn must not call the Server's methods: they would wait for it. If
// fn panics, its request's connection is dropped before anything is
// booked, later requests are served as usual, and Close panics with fn's
// panic and stack, so that the test fails where it ends.
func (s *Server) InjectFaultFunc(fn func(op Op, n int) (Fault, bool)) {
	s.gate.mu.Lock()
	defer s.gate.mu.Unlock()
	s.gate.fn = fn
	s.gate.fnBase = make(map[Op]int, len(s.gate.counts))
	for op, n := range s.gate.counts {
		s.gate.fnBase[op] = n
	}
}

// ClearFaults removes every pending InjectFault injection and the
// InjectFaultFunc function. FaultsInjected keeps its count.
func (s *Server) ClearFaults() {
	s.gate.mu.Lock()
	defer s.gate.mu.Unlock()
	s.gate.rules = nil
	s.gate.fn = nil
}

// FaultsInjected returns how many requests got a fault whose Kind is not
// FaultNone.
func (s *Server) FaultsInjected() int {
	s.gate.mu.Lock()
	defer s.gate.mu.Unlock()
	return s.gate.injected
}

// gate admits requests one at a time: it logs each, counts it per Op and
// picks its fault under one lock, so that Requests() order and nth counting
// agree however many goroutines send.
type gate struct {
	mu       sync.Mutex
	requests []Request
	counts   map[Op]int // requests per Op since the server started; OpAny counts all
	rules    []faultRule
	fn       func(Op, int) (Fault, bool)
	fnBase   map[Op]int // counts when fn was installed
	injected int

	fnMu     sync.Mutex // serializes calls to fn, made outside mu
	panicked string     // the first panic of fn, with its stack, for Close to raise

	answers map[Op][]backoffice.ResultCode // AnswerNext's codes, in order
}

func newGate() *gate {
	return &gate{counts: map[Op]int{}}
}

type faultRule struct {
	op    Op
	at    int // the value of counts[op] that fires the rule
	fault Fault
}

// log records req, which gets no fault: the gateway refused it first.
func (g *gate) log(req Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.requests = append(g.requests, req)
	g.counts[req.Op]++
	g.counts[OpAny]++
}

// admit records req and returns the fault it gets.
func (g *gate) admit(req Request) Fault {
	g.mu.Lock()
	g.requests = append(g.requests, req)
	g.counts[req.Op]++
	g.counts[OpAny]++
	for i, r := range g.rules {
		if (r.op == req.Op || r.op == OpAny) && g.counts[r.op] == r.at {
			g.rules = append(g.rules[:i], g.rules[i+1:]...)
			g.countLocked(r.fault)
			g.mu.Unlock()
			return r.fault
		}
	}
	fn, n := g.fn, g.counts[req.Op]-g.fnBase[req.Op]
	if fn == nil {
		g.mu.Unlock()
		return Fault{}
	}
	// fn is the caller's code, which may be slow: it runs outside mu, but
	// fnMu is taken before mu is released so that calls happen one at a
	// time and in admission order, the nth call for the nth request.
	g.fnMu.Lock()
	g.mu.Unlock()
	f, ok := g.call(fn, req.Op, n)
	g.fnMu.Unlock()
	if !ok {
		return Fault{}
	}
	g.mu.Lock()
	g.countLocked(f)
	g.mu.Unlock()
	return f
}

// call runs fn. A panic in it must not leave the gate locked, which would
// hang every later request and Close, nor vanish, since net/http's log is
// silenced: the request's connection is dropped (nothing booked) and Close
// raises the panic again.
func (g *gate) call(fn func(Op, int) (Fault, bool), op Op, n int) (f Fault, ok bool) {
	defer func() {
		if v := recover(); v != nil {
			g.mu.Lock()
			if g.panicked == "" {
				g.panicked = fmt.Sprintf("%v\n%s", v, debug.Stack())
			}
			g.mu.Unlock()
			f, ok = Fault{Kind: FaultDropBeforeBooking}, true
		}
	}()
	return fn(op, n)
}

func (g *gate) countLocked(f Fault) {
	if f.Kind != FaultNone {
		g.injected++
	}
}
