// Package transport sends one logical request through go-retryablehttp with
// a retry policy that knows whether the request can move money.
//
// The rule it enforces: a money-moving request is sent again only when the
// previous attempt provably did not reach the gateway (its request headers
// were never written to a connection) or the gateway answered that it refused it
// unbooked (throttling, "same session in process"). Everything else is
// returned to the caller, who reconciles before deciding. Reads are retried
// on any ambiguous failure.
package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/c81406b6/backoffice/internal/wire"
	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"
)

// MaxBody is the largest answer read; a longer one is cut off with an error.
const MaxBody = 1 << 20

// Codes are the gateway's result codes the retry decision turns on. They
// are given by the SDK (codes.go is their one source), never spelled here.
type Codes struct {
	Throttled   string // refused for the rate: retried
	SessionBusy string // the same session is in process: retried, except on a resend
	Uncertain   string // the gateway does not know whether it booked
}

// Policy bounds the attempts of one logical request.
type Policy struct {
	MaxAttempts int
	MinWait     time.Duration
	MaxWait     time.Duration
	// LookupInterval is the wait before a throttled look-up is tried
	// again: the gateway allows about two look-ups a minute per id.
	LookupInterval time.Duration
	// SharedHeader says that nothing on the way writes to a request's
	// header (no cookie jar, no caller's RoundTripper), so attempts may send
	// the shared, read-only header as it is instead of a copy each.
	SharedHeader bool
	// Codes must all be set.
	Codes Codes
	// Direct, when set, is the RoundTripper under the http.Client that
	// the SDK owns entirely (its own transport, no jar, redirects refused,
	// no caller's middleware): the first attempt of each Do is sent
	// through it straight, bounded by AttemptTimeout (see direct.go).
	// Direct requires SharedHeader.
	Direct         http.RoundTripper
	AttemptTimeout time.Duration
}

// Transport is safe for concurrent use.
type Transport struct {
	rc     *retryablehttp.Client
	policy Policy
	watch  watchdog // bounds the attempts of the direct path
	// OnRetry, when set, is told of every retry decision (for logging).
	OnRetry func(ctx context.Context, r *Request, attempt int, status int, err error)
}

// New wraps hc, which is used as given and never modified.
func New(hc *http.Client, p Policy) *Transport {
	t := &Transport{policy: p}
	t.watch = newWatchdog(p.AttemptTimeout)
	if p.Codes.Throttled == "" || p.Codes.SessionBusy == "" || p.Codes.Uncertain == "" {
		panic("transport: Policy.Codes must all be set")
	}
	if p.Direct != nil && (!p.SharedHeader || p.AttemptTimeout <= 0) {
		panic("transport: Policy.Direct needs SharedHeader and an AttemptTimeout")
	}
	t.rc = &retryablehttp.Client{
		HTTPClient:   hc,
		Logger:       nil, // never the library's default stderr logger
		RetryWaitMin: p.MinWait,
		RetryWaitMax: p.MaxWait,
		RetryMax:     p.MaxAttempts - 1,
		CheckRetry:   t.checkRetry,
		Backoff:      t.backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	if !p.SharedHeader {
		t.rc.PrepareRetry = freshHeader
	}
	return t
}

// Request is one logical request. Body is sent byte-identical on every
// attempt.
type Request struct {
	Method string
	URL    string
	// Target, when set, is URL already parsed (url.Parse's result): the
	// direct path then builds its request without parsing URL again.
	Target *url.URL
	Header http.Header // shared, read-only: every attempt sends a copy
	Body   []byte      // nil for GET
	Money  bool        // moves money: resend only what provably was not booked
	// Resend marks a money-moving request sent again after an earlier
	// attempt of the same call: "same session in process" (800.700.100)
	// then means that earlier attempt is still running, so it is returned
	// to the caller instead of being retried.
	Resend bool
	// Lookup marks a read of one id, which the gateway throttles per id: a
	// throttled attempt is retried after LookupInterval, and only when the
	// context leaves time for it.
	Lookup bool
	// Once sends a single attempt, whatever the policy: the caller paces
	// and repeats it itself.
	Once bool
	// Op, PaymentID and MerchantTransactionID name the request in
	// OnRetry's logs.
	Op, PaymentID, MerchantTransactionID string
}

// Exchange carries the state of one logical request across all its
// attempts, including resends the caller makes after reconciling.
type Exchange struct {
	Attempts int // attempts made so far

	// Of the last attempt:
	Sent        bool          // the request may have reached the gateway
	SentAt      time.Time     // when the last attempt that may have been sent ended
	Err         error         // transport error, or the context's
	Status      int           // HTTP status, 0 if no answer
	ContentType string        // of the answer
	Body        []byte        // the answer as received (at most MaxBody)
	Answer      *wire.Payment // decoded gateway result, nil if none
	BadBody     string        // why Body is not a gateway result, "" if it is

	req            *Request
	codes          *Codes                // the Transport's, set by Do
	headersWritten atomic.Bool           // WroteHeaders fired for this attempt
	live           atomic.Bool           // the trace fired: its silence about sending means something
	handed         atomic.Bool           // the attempt reached the RoundTripper (see Tracked)
	trace          httptrace.ClientTrace // marks sent; see markSent
	bodies         int                   // readers handed out by the current Do
	first          bytes.Reader          // the first two of them; see body
}

type exchangeKey struct{}

// ErrAttemptsSpent is the Err of an Exchange that Do was asked to send
// again after the policy's attempts were all made: nothing was sent.
var ErrAttemptsSpent = errors.New("every attempt the retry policy allows was made")

// Do performs the request, with retries allowed by the policy, and records
// the outcome of the last attempt in ex. ex carries the attempt count
// across calls: a caller that resends after proving the last attempt
// unbooked calls Do again with the same ex. Once the policy's attempts are
// spent (a Once request excepted), Do sends nothing and sets ex.Err to
// ErrAttemptsSpent, not sent.
//
// With Policy.Direct, the first attempt goes straight to that RoundTripper
// (direct.go) and only the attempts after it through go-retryablehttp;
// both are judged by decide.
//
// The state machine of one money-moving call, across this package and the
// root package's move: within Do, an attempt is repeated only when decide
// proves it unbooked (not sent, or refused unbooked by the
// gateway); any other failure returns to move, which looks the call up and
// calls Do again only after a look-up past the settle time proved the last
// attempt absent.
func (t *Transport) Do(ctx context.Context, r *Request, ex *Exchange) {
	ex.codes = &t.policy.Codes
	if ex.Attempts >= t.policy.MaxAttempts && !r.Once {
		ex.reset()
		ex.Err = ErrAttemptsSpent
		return
	}
	ex.req = r
	ex.reset()
	if ex.trace.WroteHeaders == nil {
		ex.trace.WroteHeaders = ex.markSent
		ex.trace.GetConn = ex.markLive
	}
	if t.policy.Direct != nil {
		retry, resp := t.direct(ctx, r, ex)
		if !retry {
			return
		}
		// The wait go-retryablehttp would make before its next attempt.
		if !sleep(ctx, t.wait(ex, 0, resp)) {
			ex.Err, ex.Sent = ctx.Err(), false
			return
		}
	}
	t.retried(ctx, r, ex)
}

// retried sends r's attempts through go-retryablehttp and the http.Client.
func (t *Transport) retried(ctx context.Context, r *Request, ex *Exchange) {
	var body any
	if r.Body != nil {
		ex.bodies = 0
		body = retryablehttp.ReaderFunc(ex.body)
	}
	ctx = httptrace.WithClientTrace(context.WithValue(ctx, exchangeKey{}, ex), &ex.trace)
	req, err := retryablehttp.NewRequestWithContext(ctx, r.Method, r.URL, body)
	if err != nil {
		ex.Err = err
		return
	}
	// Each attempt gets its own copy of the header when anything on the way
	// may write to it (a cookie jar, a middleware): r.Header is shared by
	// every call.
	if t.policy.SharedHeader {
		req.Header = r.Header
	} else {
		req.Header = r.Header.Clone()
	}
	resp, err := t.rc.Do(req)
	if resp != nil {
		resp.Body.Close() // already read by checkRetry
	}
	if err != nil {
		ex.Err = err
		ex.Sent = ex.maybeSent(err)
	}
}

// freshHeader gives a retried attempt a new copy of the request's header.
func freshHeader(req *http.Request) error {
	if ex, ok := req.Context().Value(exchangeKey{}).(*Exchange); ok {
		req.Header = ex.req.Header.Clone()
	}
	return nil
}

// markSent records that an attempt's request headers were written. It is
// the line between "never sent" (resend) and "maybe sent" (reconcile): no
// gateway can book a request before its headers arrive, and the mark comes
// when they are handed to the connection, possibly before they leave, so it
// errs only towards "maybe sent". (net/http itself resends a request whose
// write failed on a stale keep-alive connection before anything left, using
// GetBody, which go-retryablehttp sets.)
func (ex *Exchange) markSent() { ex.headersWritten.Store(true) }

// markLive records that the trace works for this attempt: net/http's
// transport calls GetConn first thing in every round trip. A RoundTripper
// that drops the request's context never lets the trace fire, and then
// the trace's silence proves nothing.
func (ex *Exchange) markLive(string) { ex.live.Store(true) }

// maybeSent reports whether an attempt that failed with err may have
// reached the gateway. With a live trace, only WroteHeaders says so;
// without one, only an error that provably comes before anything is
// written says it did not.
func (ex *Exchange) maybeSent(err error) bool {
	switch {
	case ex.headersWritten.Load():
		return true
	case ex.live.Load(), !ex.handed.Load():
		return false
	}
	return !Unsent(err)
}

// Tracked wraps the RoundTripper attempts go through, so that an attempt
// that never reached it (a context that ended before, or during a wait
// between attempts) counts as not sent.
func Tracked(next http.RoundTripper) http.RoundTripper { return tracked{next} }

type tracked struct{ next http.RoundTripper }

// RoundTrip marks the attempt handed over, then sends it.
func (t tracked) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := r.Context().Err(); err != nil {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, &unsentError{err: err} // it ended before anything could be written
	}
	if ex, ok := r.Context().Value(exchangeKey{}).(*Exchange); ok {
		ex.handed.Store(true)
	}
	return t.next.RoundTrip(r)
}

// body returns a reader of the request body. go-retryablehttp asks for one
// to learn the length (never reading it), then one per attempt; net/http
// may ask again to rewind. Those two first ones are ex's own reader, as
// nothing can be reading it yet; every later one is new, because the write
// loop of an attempt that has ended may still be reading its reader. It is
// a plain *bytes.Reader so that net/http knows it is in memory and writes
// headers and body in one go.
func (ex *Exchange) body() (io.Reader, error) {
	ex.bodies++
	r := &ex.first
	if ex.bodies > 2 || ex.Attempts > 0 {
		r = new(bytes.Reader)
	}
	r.Reset(ex.req.Body)
	return r, nil
}

func (ex *Exchange) reset() {
	ex.Sent, ex.Err, ex.Status, ex.ContentType, ex.Body, ex.Answer, ex.BadBody = false, nil, 0, "", nil, nil, ""
	ex.headersWritten.Store(false)
	ex.live.Store(false)
	ex.handed.Store(false)
}

// Ambiguous reports whether the last attempt may or may not have been booked.
func (ex *Exchange) Ambiguous() bool {
	switch {
	case ex.Err != nil:
		return ex.Sent
	case ex.Answer != nil:
		return string(ex.Answer.Result.Code) == ex.codes.Uncertain
	default:
		return !definitiveStatus(ex.Status)
	}
}

// Definitive reports whether an answer with status s and no gateway result
// proves that nothing was booked.
func Definitive(s int) bool { return definitiveStatus(s) }

// definitiveStatus reports statuses whose non-gateway body still proves
// nothing was booked: redirects (never followed) and client errors come
// from before the booking. The exceptions: 303 See Other answers a POST
// that was processed; 408 and 429 may come from a proxy that gave up on
// (or throttled the answer of) a request it had forwarded. Every 5xx is
// ambiguous: a 502 or 504 comes from a proxy whose upstream may still be
// booking, and a proxy such as Envoy answers 503 when its upstream
// connection breaks after the request was forwarded.
func definitiveStatus(s int) bool {
	return s >= 300 && s < 500 && s != http.StatusSeeOther &&
		s != http.StatusRequestTimeout && s != http.StatusTooManyRequests
}

func (t *Transport) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	return t.decide(ctx, ctx.Value(exchangeKey{}).(*Exchange), resp, err), nil
}

// decide records an attempt's outcome in ex, reading and decoding its
// answer, and reports whether the request is to be sent again: only what
// provably was not booked, while the policy and ctx allow.
func (t *Transport) decide(ctx context.Context, ex *Exchange, resp *http.Response, err error) bool {
	ex.Attempts++
	// Everything but the counters describes this attempt only: a stale
	// answer of the previous one (a throttling, say) must never decide
	// about this one.
	ex.Status, ex.ContentType, ex.Body, ex.Answer, ex.BadBody = 0, "", nil, nil, ""
	var retry bool
	if err != nil {
		ex.Err, ex.Sent = err, ex.maybeSent(err)
		if ctxErr := ctx.Err(); ctxErr != nil {
			ex.Err = ctxErr
		}
		retry = !ex.req.Money || !ex.Sent
	} else {
		// An answer that arrived is the truth, even if the context ends now.
		ex.Err, ex.Sent = nil, true
		ex.inspect(resp)
		switch {
		case ex.throttled() && ex.req.Lookup:
			retry = fits(ctx, t.policy.LookupInterval)
		case ex.Answer != nil && t.refusedUnbooked(string(ex.Answer.Result.Code), ex.req.Resend):
			retry = true
		case !ex.req.Money:
			retry = ex.Ambiguous() || resp.StatusCode >= 500
		}
	}
	if ex.Sent {
		ex.SentAt = time.Now()
	}
	if retry && !ex.req.Once && ctx.Err() == nil && ex.Attempts < t.policy.MaxAttempts {
		if t.OnRetry != nil {
			t.OnRetry(ctx, ex.req, ex.Attempts, ex.Status, ex.Err)
		}
		ex.headersWritten.Store(false)
		ex.live.Store(false)
		ex.handed.Store(false)
		return true
	}
	return false
}

// refusedUnbooked reports the codes that refuse a request before booking
// it, so that it may be sent again: throttling, and "same session in
// process" unless the request is itself a resend, when that code means
// the earlier attempt is still running.
func (t *Transport) refusedUnbooked(code string, resend bool) bool {
	return code == t.policy.Codes.Throttled || (code == t.policy.Codes.SessionBusy && !resend)
}

// throttled reports an attempt the gateway (800.120.100) or a proxy (HTTP
// 429) refused for its rate.
func (ex *Exchange) throttled() bool {
	if ex.Answer != nil {
		return string(ex.Answer.Result.Code) == ex.codes.Throttled
	}
	return ex.Status == http.StatusTooManyRequests
}

// fits reports whether ctx leaves time to wait d.
func fits(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || time.Until(deadline) > d
}

// inspect reads and decodes the answer once, so that neither the retry
// decision nor the caller has to read it again. resp.Body is replaced by
// an empty reader for go-retryablehttp's drain.
func (ex *Exchange) inspect(resp *http.Response) {
	ex.Status = resp.StatusCode
	ex.ContentType = resp.Header.Get("Content-Type")
	body, reason := readBody(resp)
	resp.Body = http.NoBody
	ex.Body = body
	if reason != "" {
		ex.BadBody = reason
		return
	}
	if r := contentTypeProblem(ex.ContentType, body); r != "" {
		ex.BadBody = r
		return
	}
	a, err := wire.Decode(body)
	if err != nil {
		ex.BadBody = describeDecodeError(err)
		return
	}
	ex.Answer = a
}

func readBody(resp *http.Response) ([]byte, string) {
	defer resp.Body.Close()
	n := resp.ContentLength
	if n > MaxBody {
		return nil, fmt.Sprintf("body of %d bytes exceeds the %d-byte limit", n, MaxBody)
	}
	var buf []byte
	if n >= 0 {
		buf = make([]byte, n)
		if _, err := io.ReadFull(resp.Body, buf); err != nil {
			return nil, "body cut off: " + err.Error()
		}
		return buf, ""
	}
	buf, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return nil, "body cut off: " + err.Error()
	}
	if len(buf) > MaxBody {
		return nil, fmt.Sprintf("body exceeds the %d-byte limit", MaxBody)
	}
	return buf, ""
}

func contentTypeProblem(ct string, body []byte) string {
	if len(body) == 0 {
		return "empty body"
	}
	if ct == "" || commonJSON(ct) {
		return "" // judged by the body alone, or the gateway's own header
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return "unparsable content type"
	}
	switch {
	case mt == "application/json", mt == "text/json", len(mt) > 5 && mt[len(mt)-5:] == "+json":
		return ""
	case mt == "text/html", bytes.HasPrefix(bytes.TrimSpace(body), []byte("<")):
		return "an HTML page, not a gateway result"
	}
	return "content type is not JSON"
}

// commonJSON reports the Content-Type headers the gateways send, spelled
// exactly. mime.ParseMediaType accepts each as application/json;
// recognising them by comparison saves parsing them, and a parameter map,
// for every answer.
func commonJSON(ct string) bool {
	switch ct {
	case "application/json", "application/json;charset=UTF-8", "application/json; charset=UTF-8",
		"application/json;charset=utf-8", "application/json; charset=utf-8":
		return true
	}
	return false
}

func describeDecodeError(err error) string {
	var syn *json.SyntaxError
	switch {
	case errors.Is(err, wire.ErrNotResult):
		return "JSON without a result code"
	case errors.Is(err, wire.ErrInvalidUTF8):
		return "invalid UTF-8"
	case errors.As(err, &syn) && strings.HasPrefix(syn.Error(), "unexpected end"):
		return "truncated JSON"
	case errors.As(err, &syn):
		return fmt.Sprintf("invalid JSON at byte %d", syn.Offset)
	}
	return "JSON of an unexpected shape"
}

// backoff waits as the gateway asks (Retry-After) when it says, else
// exponentially with full jitter; never longer than MaxWait.
func (t *Transport) backoff(_, _ time.Duration, attempt int, resp *http.Response) time.Duration {
	var ex *Exchange
	if resp != nil && resp.Request != nil {
		ex, _ = resp.Request.Context().Value(exchangeKey{}).(*Exchange)
	}
	if t.policy.Direct != nil {
		attempt++ // go-retryablehttp's first attempt was the second one
	}
	return t.wait(ex, attempt, resp)
}

// wait is the pause before the attempt after ex's last one, whose answer
// (nil if none) was resp; attempt counts the retries made before.
func (t *Transport) wait(ex *Exchange, attempt int, resp *http.Response) time.Duration {
	if ex != nil && resp != nil && ex.req.Lookup && ex.throttled() {
		// Per-id throttling: waiting less only provokes it again.
		d, _ := retryAfter(resp.Header.Get("Retry-After"))
		return max(d, t.policy.LookupInterval)
	}
	minWait, maxWait := t.policy.MinWait, t.policy.MaxWait
	if resp != nil {
		if d, ok := retryAfter(resp.Header.Get("Retry-After")); ok {
			return min(max(d, minWait), maxWait)
		}
	}
	return Backoff(minWait, maxWait, attempt)
}

// Backoff is exponential backoff with full jitter: a random wait between
// minWait and min(maxWait, minWait·2^attempt).
func Backoff(minWait, maxWait time.Duration, attempt int) time.Duration {
	ceil := minWait
	for i := 0; i < attempt && ceil < maxWait; i++ {
		ceil *= 2
	}
	ceil = min(ceil, maxWait)
	if ceil <= minWait {
		return minWait
	}
	return minWait + rand.N(ceil-minWait+1)
}

func retryAfter(v string) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(time.Until(at), 0), true
	}
	return 0, false
}

// RateLimited returns a RoundTripper that waits for lim before every
// attempt. A wait cut short by the context fails the attempt before
// anything is written, so it counts as not sent.
func RateLimited(next http.RoundTripper, lim *rate.Limiter) http.RoundTripper {
	return &limited{next: next, lim: lim}
}

type limited struct {
	next http.RoundTripper
	lim  *rate.Limiter
}

// RoundTrip waits for the limiter, then sends.
func (l *limited) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := l.lim.Wait(r.Context()); err != nil {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, &unsentError{err: err}
	}
	return l.next.RoundTrip(r)
}
