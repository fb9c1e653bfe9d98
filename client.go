package backoffice

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/c81406b6/backoffice/internal/form"
	"github.com/c81406b6/backoffice/internal/pace"
	"github.com/c81406b6/backoffice/internal/transport"
	"github.com/shopspring/decimal"
)

// Version is this SDK's version; it is sent in the User-Agent.
const Version = "0.1.0"

// Client performs backoffice operations for one set of credentials. It is
// safe for concurrent use and holds a connection pool: create one per
// merchant account and reuse it.
//
// Every operation validates its input before anything is sent. A
// money-moving operation returns nil error only when the gateway booked it
// (success, success needing review, or pending); *UncertainError when it
// was sent and its outcome could not be established (settle it with
// Resolve); any other error means nothing was booked. OutcomeOf says which.
type Client struct {
	wire     wireShape // the variant's wire: bearerWire or checksumWire
	base     string    // without trailing slash
	baseURL  *url.URL  // base parsed, nil when requests must parse theirs (see target)
	tr       *transport.Transport
	postHdr  http.Header // shared read-only by every request
	getHdr   http.Header
	testMode TestMode
	log      *slog.Logger
	retry    RetryPolicy
	now      func() time.Time
	pace     pace.Pacer // spaces look-ups of one id
	secrets  []literal  // the credentials answers must never echo, in both forms (see redactor)
	token    *authToken // checksum variant with PartnerID and Username; nil otherwise
}

// NewClient returns a Client for creds. It fails with a *ValidationError for
// empty credentials, a malformed base URL, plain http to anything but
// loopback, a checksum client without WithBaseURL, or a bad option value.
func NewClient(creds Credentials, opts ...Option) (*Client, error) {
	cfg := config{retry: DefaultRetryPolicy, attemptTimeout: DefaultAttemptTimeout, now: time.Now}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	retry, err := completePolicy(cfg.retry)
	if err != nil {
		return nil, err
	}
	c := &Client{testMode: cfg.testMode, log: cfg.logger, retry: retry, now: cfg.now}
	creds, err = derefCredentials(creds)
	if err != nil {
		return nil, err
	}
	c.pace.Interval = retry.LookupInterval
	switch cr := creds.(type) {
	case BearerCredentials:
		if c.wire, err = newBearerWire(cr, &cfg); err != nil {
			return nil, err
		}
	case ChecksumCredentials:
		if c.wire, c.token, err = newChecksumWire(cr, &cfg); err != nil {
			return nil, err
		}
	default:
		return nil, invalid("Credentials", "must be BearerCredentials or ChecksumCredentials")
	}
	for _, s := range c.wire.secrets() {
		for _, f := range secretForms(s) {
			c.secrets = append(c.secrets, literal{s: f, b: []byte(f)})
		}
	}
	c.base = strings.TrimRight(cfg.baseURL, "/")
	c.baseURL = plainBase(c.base)
	if cfg.testMode != "" && isLiveHost(c.base) {
		return nil, invalid("TestMode", "must not be set with a live gateway host: live requests never carry testMode")
	}
	hc, direct, err := httpClient(&cfg)
	if err != nil {
		return nil, err
	}
	policy := transport.Policy{MaxAttempts: retry.MaxAttempts, MinWait: retry.MinWait, MaxWait: retry.MaxWait,
		LookupInterval: retry.LookupInterval, Codes: transportCodes}
	if cfg.httpClient == nil && cfg.wrap == nil {
		// Only the SDK's own client, unwrapped, is known to leave request
		// headers alone, and to add nothing to an attempt but its timeout:
		// first attempts skip it (internal/transport/direct.go).
		policy.SharedHeader, policy.Direct, policy.AttemptTimeout = true, direct, hc.Timeout
	}
	c.tr = transport.New(hc, policy)
	c.tr.OnRetry = c.logRetry
	c.postHdr, c.getHdr = c.headers(cfg.userAgent)
	return c, nil
}

// String describes the client without its secrets.
func (c *Client) String() string {
	return c.wire.describe(c.base)
}

// GoString is String, for %#v.
func (c *Client) GoString() string { return c.String() }

// Format prints String for every verb, so no format reaches the secrets.
func (c *Client) Format(f fmt.State, verb rune) { fmt.Fprint(f, c.String()) }

// LogValue describes the client to log/slog without its secrets.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// derefCredentials accepts a pointer to either credentials type as the
// value it points to: both satisfy Credentials.
func derefCredentials(creds Credentials) (Credentials, error) {
	switch cr := creds.(type) {
	case *BearerCredentials:
		if cr == nil {
			return nil, invalid("Credentials", "is a nil *BearerCredentials")
		}
		return *cr, nil
	case *ChecksumCredentials:
		if cr == nil {
			return nil, invalid("Credentials", "is a nil *ChecksumCredentials")
		}
		return *cr, nil
	}
	return creds, nil
}

// completePolicy fills in a policy's defaults and checks it, the default
// policy included, which a program may have changed.
func completePolicy(p RetryPolicy) (RetryPolicy, error) {
	if p.MaxAttempts < 1 || p.MinWait < 0 || p.MaxWait < p.MinWait || p.SettleTime < 0 || p.LookupInterval < 0 {
		return p, invalid("RetryPolicy", "needs MaxAttempts >= 1, 0 <= MinWait <= MaxWait, and SettleTime and LookupInterval >= 0")
	}
	if p.SettleTime == 0 {
		p.SettleTime = DefaultSettleTime
	}
	if p.LookupInterval == 0 {
		p.LookupInterval = DefaultLookupInterval
	}
	return p, nil
}

func checkSecret(field, v string) error {
	if v == "" {
		return invalid(field, "is required")
	}
	for i := 0; i < len(v); i++ {
		if v[i] <= ' ' || v[i] == 0x7f {
			return invalid(field, "must not contain spaces or control characters")
		}
	}
	return nil
}

// isLiveHost reports a base URL on one of the bearer gateway's live hosts,
// however it is spelled.
func isLiveHost(base string) bool {
	u, err := url.Parse(base)
	if err != nil {
		return false
	}
	switch strings.TrimSuffix(strings.ToLower(u.Hostname()), ".") {
	case "oppwa.com", "eu-prod.oppwa.com":
		return true
	}
	return false
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// httpClient returns the client attempts go through: the caller's, copied,
// or the SDK's own; never http.DefaultClient or its transport. direct is
// the RoundTripper under it, before the tracking wrapper.
func httpClient(cfg *config) (hc *http.Client, direct http.RoundTripper, err error) {
	hc = new(http.Client)
	if cfg.httpClient != nil {
		*hc = *cfg.httpClient
	} else {
		hc.Transport = defaultTransport()
	}
	// Redirects are never followed, whoever's client it is: a 307 or 308
	// would send a refund to another payment or a card to another host, and
	// a 303 would turn a processed POST into a GET. The 3xx answer itself is
	// judged instead.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if hc.Timeout == 0 {
		hc.Timeout = cfg.attemptTimeout
	}
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	if cfg.wrap != nil {
		if next = cfg.wrap(next); next == nil {
			return nil, nil, invalid("RoundTripper", "wrap returned nil")
		}
	}
	if cfg.limiter != nil {
		next = transport.RateLimited(next, cfg.limiter)
	}
	hc.Transport = transport.Tracked(next)
	return hc, next, nil
}

// defaultTransport keeps up to 64 connections per gateway host alive, so a
// 64-way parallel job reuses its connections instead of opening new ones (Go's
// default keeps 2), and caps them at 64 so a burst cannot exhaust the
// gateway's connection limit.
func defaultTransport() *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   64,
		MaxConnsPerHost:       64,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
	}
}

func (c *Client) headers(extraUA string) (post, get http.Header) {
	ua := "backoffice-go/" + Version + " (+https://github.com/c81406b6/backoffice)"
	if extraUA != "" {
		ua += " " + extraUA
	}
	get = http.Header{"User-Agent": {ua}}
	c.wire.headers(get)
	post = get.Clone()
	post["Content-Type"] = []string{"application/x-www-form-urlencoded"}
	return post, get
}

// call is one operation on its way to the gateway.
type call struct {
	name       string      // for logs and errors: "capture"
	op         PaymentType // what a money-moving call creates; "" for reads
	target     string      // the payment it acts on
	mtid       string      // the reconciliation key of a money-moving call
	cardNumber string      // a card number sent, masked out of whatever comes back
	cvv        string      // a CVV sent, likewise
	req        transport.Request

	// What a money-moving call asked for: a record is this call's booking
	// only when it matches exactly.
	amount   decimal.Decimal
	currency string
	full     bool      // a full reversal: no amount or currency was sent
	sentAt   time.Time // when its last attempt that may have been sent ended

	// The checksum platform's:
	token          string           // the AuthToken the request carries
	zone           *time.Location   // the zone zone-less answer times are read in; nil: UTC
	refundedBefore *decimal.Decimal // a refund's target's refundamount, read before sending
	capturedBefore *decimal.Decimal // a capture's target's captureamount, read before sending
	statusBefore   string           // a capture's or reversal's target's status, read before sending
	concurrent     func() bool      // reports another call on the same payment by this Client

	ex transport.Exchange // move's, allocated with the call
}

// preparePost sets cl.req to a form POST of f to path under the base URL;
// it sends nothing. money marks a request that may move money.
func (c *Client) preparePost(cl *call, path string, f *form.Form, money bool) {
	cl.req = transport.Request{Method: http.MethodPost, URL: c.base + path, Target: c.target(path), Header: c.postHdr,
		Body: f.Encode(), Money: money, Op: cl.name, PaymentID: cl.target, MerchantTransactionID: cl.mtid}
}

// plainBase is base parsed when a request URL under it can be built
// without parsing: nothing in its path is escaped, no query, fragment or
// opaque part, no empty port. Otherwise nil, and requests parse theirs.
func plainBase(base string) *url.URL {
	u, err := url.Parse(base)
	if err != nil || u.RawPath != "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Opaque != "" ||
		u.Host == "" || strings.HasSuffix(u.Host, ":") {
		return nil
	}
	return u
}

// target is the parsed URL of path under the base, what url.Parse would
// make of c.base+path, built without parsing; nil when that could differ
// (a base plainBase refused, a path with anything but unreserved
// characters and '/'), and the request parses its URL.
func (c *Client) target(path string) *url.URL {
	if c.baseURL == nil {
		return nil
	}
	for i := 0; i < len(path); i++ {
		ch := path[i]
		if !('a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9' || strings.IndexByte("-._~/", ch) >= 0) {
			return nil
		}
	}
	u := *c.baseURL
	u.Path += path
	return &u
}

// prepareGet sets cl.req to a GET of pathAndQuery under the base URL; it
// sends nothing.
func (c *Client) prepareGet(cl *call, pathAndQuery string) {
	cl.req = transport.Request{Method: http.MethodGet, URL: c.base + pathAndQuery, Header: c.getHdr,
		Op: cl.name, PaymentID: cl.target, MerchantTransactionID: cl.mtid}
}

// read performs a read-only call, retried on any ambiguous failure, and
// returns the exchange holding the decoded answer.
func (c *Client) read(ctx context.Context, cl *call) (*transport.Exchange, error) {
	ex := &transport.Exchange{}
	c.send(ctx, cl, ex)
	c.logAnswer(ctx, cl, ex)
	if ex.Err != nil {
		if !ex.Sent {
			return ex, &NotSentError{Err: ex.Err}
		}
		return ex, opErr(cl.name, ex.Err)
	}
	if ex.Answer == nil {
		return ex, httpError(ex)
	}
	return ex, nil
}

// send performs cl's request through the transport, which retries it as
// its policy allows. A checksum client with an AuthToken puts it in the
// header first and, when the answer refuses the token, renews it and
// sends once more: a refused token proves the call was not processed.
func (c *Client) send(ctx context.Context, cl *call, ex *transport.Exchange) {
	if c.token == nil {
		c.tr.Do(ctx, &cl.req, ex)
		return
	}
	if err := c.withAuthToken(ctx, cl, ""); err != nil {
		ex.Err, ex.Sent, ex.Status, ex.Answer = err, false, 0, nil
		return
	}
	c.tr.Do(ctx, &cl.req, ex)
	if ex.Err != nil || !tokenRefused(ex) {
		return
	}
	if err := c.withAuthToken(ctx, cl, cl.token); err != nil {
		return // the refusal stands
	}
	c.debug(ctx, "backoffice: auth token refused; renewed, sending once more", cl)
	once := cl.req.Once
	cl.req.Once = true
	c.tr.Do(ctx, &cl.req, ex)
	cl.req.Once = once
}

// move performs a money-moving call under the decision table in README.md:
// resend only what provably was not booked, reconcile whatever is
// ambiguous, and say plainly when the outcome is unknown.
func (c *Client) move(ctx context.Context, cl *call) (*Payment, error) {
	if err := c.beforeSend(ctx, cl); err != nil {
		return nil, err
	}
	ex := &cl.ex
	for {
		c.send(ctx, cl, ex)
		c.logAnswer(ctx, cl, ex)
		if ex.Sent {
			cl.sentAt = ex.SentAt
		}
		var v verdict
		switch {
		case ex.Err != nil && !ex.Sent:
			return nil, &NotSentError{Err: ex.Err}
		case ex.Err != nil && ctx.Err() != nil:
			return nil, c.uncertain(ctx, cl, fmt.Errorf("%s sent, then %w", cl.name, ctx.Err()))
		case ex.Err != nil:
			v = verdict{cause: fmt.Errorf("%s sent, no answer: %w", cl.name, ex.Err)}
		default:
			v = c.judge(ex, cl)
			if !v.ambiguous() {
				return v.p, v.err
			}
		}
		l, why := c.reconcile(ctx, cl, v.booked, true)
		switch l.state {
		case stateFound:
			return c.settle(l.status, l.p)
		case stateAbsent:
			if ex.Attempts >= c.retry.MaxAttempts {
				return nil, opErr(methodNames[cl.op], fmt.Errorf("not booked: each of its %d attempts was proven unbooked by a look-up after the settle time (merchantTransactionId %q): %w",
					ex.Attempts, cl.mtid, ErrNotBooked))
			}
			c.debug(ctx, "backoffice: proven not booked; sending again", cl, slog.Int("attempts", ex.Attempts))
			cl.req.Resend = true
			continue
		}
		return nil, c.uncertain(ctx, cl, fmt.Errorf("%w; %w", v.cause, why))
	}
}

// verdict is what an attempt's answer means: a final result (p, err), or
// an ambiguous cause to reconcile.
type verdict struct {
	p      *Payment
	err    error
	cause  error // set when the outcome is ambiguous
	booked bool  // the answer is evidence that an earlier attempt was booked
}

func (v verdict) ambiguous() bool { return v.cause != nil }

// Codes that, answering a resend, say an earlier attempt of the same call
// may have been booked after all: a duplicate, the same session still in
// process, or nothing left to capture, refund or reverse.
var bookedEvidence = map[ResultCode]bool{
	CodeDuplicate: true, "200.200.106": true, CodeSessionBusy: true,
	"700.400.100": true, "700.400.200": true, "700.400.300": true,
}

// codePartialFailure is "transaction partially failed, please reverse
// manually due to failed automatic reversal": money may have moved.
const codePartialFailure ResultCode = "000.400.030"

// judge reads a money-moving attempt's answer.
func (c *Client) judge(ex *transport.Exchange, cl *call) verdict {
	if ex.Answer == nil {
		if transport.Definitive(ex.Status) {
			return verdict{err: httpError(ex)}
		}
		// 303 See Other is how a server answers a POST it processed: booked
		// or refused, but never absent, whatever a look-up says.
		return verdict{cause: fmt.Errorf("%s sent, answered HTTP %d without a gateway result (%s)", cl.name, ex.Status, ex.BadBody),
			booked: ex.Status == http.StatusSeeOther}
	}
	p := c.payment(ex.Answer, ex.Body, cl)
	code := p.Result.Code
	switch {
	case code == CodeUncertain:
		return verdict{cause: fmt.Errorf("%s sent, the gateway answered %s (%s)", cl.name, code, p.Result.Description)}
	case code == codePartialFailure:
		return verdict{err: c.uncertain(context.Background(), cl, fmt.Errorf("the gateway answered %s: partially failed and not reversed; money may have moved, reverse it manually", code))}
	}
	if why := c.misrouted(p, cl, ex.Answer.Amount != ""); why != "" {
		return verdict{cause: fmt.Errorf("%s sent, the answer belongs to another request (%s)", cl.name, why)}
	}
	if cl.req.Resend && bookedEvidence[code] {
		return verdict{cause: fmt.Errorf("%s sent again, the gateway answered %s (%s), so an earlier attempt may have been booked", cl.name, code, p.Result.Description), booked: true}
	}
	p, err := c.settle(ex.Status, p)
	return verdict{p: p, err: err}
}

// misrouted says why an answer cannot be this call's, or "" when nothing
// it states contradicts the request, as cl's variant reads its answers
// (wireShape.misrouted).
func (c *Client) misrouted(p *Payment, cl *call, statesAmount bool) string {
	return c.wire.misrouted(p, cl, statesAmount)
}

// settle turns a decoded answer into the operation's result.
func (c *Client) settle(status int, p *Payment) (*Payment, error) {
	if c.accepted(p) {
		return p, nil
	}
	return nil, &ResultError{StatusCode: status, Result: p.Result, Payment: p}
}

// uncertain builds the *UncertainError of cl, logging it at warn level.
// err must not wrap an error that means "nothing booked": callers pass
// causes built by move and reconcile.
func (c *Client) uncertain(ctx context.Context, cl *call, err error) error {
	u := cl.describe()
	u.Err = err
	if c.log != nil {
		c.log.LogAttrs(ctx, slog.LevelWarn, "backoffice: outcome unknown", slog.String("op", cl.name),
			slog.String("payment_id", cl.target), slog.String("merchant_transaction_id", cl.mtid), slog.String("error", err.Error()))
	}
	return u
}

// describe returns the *UncertainError that describes cl, without Err.
func (cl *call) describe() *UncertainError {
	u := &UncertainError{MerchantTransactionID: cl.mtid, Operation: cl.op, PaymentID: cl.target,
		Currency: cl.currency, SentAt: cl.sentAt, RefundedBefore: cl.refundedBefore,
		CapturedBefore: cl.capturedBefore, StatusBefore: cl.statusBefore}
	if !cl.full {
		u.Amount = cl.amount
	}
	return u
}

func httpError(ex *transport.Exchange) error {
	return &HTTPError{StatusCode: ex.Status, ContentType: ex.ContentType, Reason: ex.BadBody}
}

func (c *Client) debug(ctx context.Context, msg string, cl *call, attrs ...slog.Attr) {
	if c.log == nil || !c.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs = append(attrs, slog.String("op", cl.name), slog.String("payment_id", cl.target))
	if cl.mtid != "" {
		attrs = append(attrs, slog.String("merchant_transaction_id", cl.mtid))
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, msg, attrs...)
}

func (c *Client) logAnswer(ctx context.Context, cl *call, ex *transport.Exchange) {
	if c.log == nil || !c.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{slog.Int("attempts", ex.Attempts), slog.Int("status", ex.Status)}
	switch {
	case ex.Err != nil:
		attrs = append(attrs, slog.Bool("sent", ex.Sent), slog.String("error", ex.Err.Error()))
	case ex.Answer != nil:
		attrs = append(attrs, slog.String("result_code", string(ex.Answer.Result.Code)))
	default:
		attrs = append(attrs, slog.String("bad_body", ex.BadBody))
	}
	c.debug(ctx, "backoffice: answer", cl, attrs...)
}

func (c *Client) logRetry(ctx context.Context, r *transport.Request, attempt, status int, err error) {
	if c.log == nil || !c.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{slog.String("op", r.Op), slog.Int("attempt", attempt), slog.Int("status", status)}
	if r.PaymentID != "" {
		attrs = append(attrs, slog.String("payment_id", r.PaymentID))
	}
	if r.MerchantTransactionID != "" {
		attrs = append(attrs, slog.String("merchant_transaction_id", r.MerchantTransactionID))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "backoffice: retrying", attrs...)
}
