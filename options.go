package backoffice

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// The gateway hosts of the bearer variant.
const (
	TestURL = "https://eu-test.oppwa.com"
	LiveURL = "https://eu-prod.oppwa.com"
)

// TestMode selects the gateway's test system for the bearer variant.
type TestMode string

// The test modes; without WithTestMode no testMode field is sent, as live
// requests require.
const (
	TestModeExternal TestMode = "EXTERNAL" // the processor's test system
	TestModeInternal TestMode = "INTERNAL" // the gateway's own simulator
)

// RetryPolicy bounds the attempts of one call. MaxAttempts counts every
// send of a request, including resends after a look-up proved the first was
// not booked; 1 means no retry. Waits between attempts are exponential with
// full jitter between MinWait and MaxWait, or what the gateway's
// Retry-After asks, capped at MaxWait. SettleTime and LookupInterval govern
// the look-ups after an ambiguous attempt (see README.md, "Reliability"):
// the first is made MinWait after it, the next ones LookupInterval apart,
// and only one made after SettleTime can prove the attempt unbooked.
type RetryPolicy struct {
	MaxAttempts int
	MinWait     time.Duration
	MaxWait     time.Duration

	// SettleTime is how long after an attempt was sent the gateway can no
	// longer book it: only a look-up made after SentAt+SettleTime can prove
	// that an ambiguous attempt was not booked. Zero means
	// DefaultSettleTime.
	SettleTime time.Duration

	// LookupInterval is the least time between two look-ups of one id
	// (payment id or merchantTransactionId) that the SDK makes on its own:
	// reconciliation, Resolve, and retries of a throttled read. Zero means
	// DefaultLookupInterval.
	LookupInterval time.Duration
}

// DefaultRetryPolicy is used when WithRetryPolicy is not given. Its zero
// SettleTime and LookupInterval mean DefaultSettleTime and
// DefaultLookupInterval. NewClient checks it like any other policy.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 3, MinWait: 200 * time.Millisecond, MaxWait: 5 * time.Second}

// DefaultSettleTime is RetryPolicy.SettleTime's default: two minutes. The
// gateway bounds its own processing (an acquirer that does not answer in
// time is reported as 900.100.300, "timeout, uncertain result", rather than
// booked later), but publishes no figure for it; two minutes is twice the
// SDK's per-attempt timeout, so a request still being processed when the
// SDK gave up on its answer has had as long again to land.
const DefaultSettleTime = 2 * time.Minute

// DefaultLookupInterval is RetryPolicy.LookupInterval's default: 30
// seconds, because the gateway allows about two look-ups a minute per
// payment id and per merchantTransactionId (GET /v1/query/{id} and GET
// /v1/query?merchantTransactionId=) and refuses more with 800.120.100.
const DefaultLookupInterval = 30 * time.Second

// DefaultAttemptTimeout bounds one attempt when the HTTP client has no
// timeout of its own.
const DefaultAttemptTimeout = 60 * time.Second

// Option configures a Client. Options that are given bad values make
// NewClient fail with a *ValidationError.
type Option func(*config) error

type config struct {
	baseURL        string
	httpClient     *http.Client
	testMode       TestMode
	logger         *slog.Logger
	retry          RetryPolicy
	userAgent      string
	attemptTimeout time.Duration
	limiter        *rate.Limiter
	now            func() time.Time
	wrap           func(http.RoundTripper) http.RoundTripper
}

// WithBaseURL sets the gateway's base URL, e.g. TestURL, LiveURL, or a
// backofficetest.Server's URL. The default for BearerCredentials is
// TestURL; ChecksumCredentials require it. It must be https, except plain
// http to a loopback address for tests.
func WithBaseURL(u string) Option {
	return func(c *config) error {
		parsed, err := url.Parse(u)
		if err != nil || parsed.Host == "" || (parsed.Scheme != "https" && parsed.Scheme != "http") ||
			parsed.User != nil || strings.ContainsAny(u, "?#") {
			return invalid("BaseURL", "must be an absolute http(s) URL without credentials, query or fragment")
		}
		if parsed.Scheme == "http" && !isLoopback(parsed.Hostname()) {
			return invalid("BaseURL", "must use https (plain http is allowed only to loopback, for tests)")
		}
		c.baseURL = u
		return nil
	}
}

// WithHTTPClient sends through hc's transport instead of the SDK's default
// (TLS 1.2 or newer, 64 connections per host). hc is copied, never
// modified. If hc has no Timeout, each attempt is bounded by
// DefaultAttemptTimeout or WithAttemptTimeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return invalid("HTTPClient", "is nil")
		}
		c.httpClient = hc
		return nil
	}
}

// WithTestMode sends testMode with every bearer request. Never use it live.
func WithTestMode(m TestMode) Option {
	return func(c *config) error {
		if m != TestModeExternal && m != TestModeInternal {
			return invalid("TestMode", "must be TestModeExternal or TestModeInternal")
		}
		c.testMode = m
		return nil
	}
}

// WithLogger logs each attempt, retry and reconciliation at debug level and
// uncertain outcomes at warn level. Nothing is logged by default or with a
// nil logger. Bodies, headers and secrets are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		return nil
	}
}

// WithRetryPolicy replaces DefaultRetryPolicy. Zero SettleTime and
// LookupInterval mean their defaults; lower them only for tests against a
// fake gateway, where bookings land in milliseconds.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *config) error {
		if _, err := completePolicy(p); err != nil {
			return err
		}
		c.retry = p
		return nil
	}
}

// WithUserAgent appends s to the SDK's own User-Agent.
func WithUserAgent(s string) Option {
	return func(c *config) error {
		if hasControl(s) {
			return invalid("UserAgent", "must not contain control characters")
		}
		c.userAgent = s
		return nil
	}
}

// WithAttemptTimeout bounds each attempt (connect, send, read the answer)
// when the HTTP client has no Timeout. The caller's context bounds the
// whole call, retries and reconciliation included.
//
// With the SDK's own transport, the first attempt of a call is bounded by
// a watchdog shared by the Client rather than a timer per attempt: it ends
// an attempt no sooner than d after it started and at most a quarter of d,
// never more than one second, later. An attempt it ends fails with an
// error that is a timeout in net.Error's sense. A caller's deadline that
// comes first bounds the attempt by itself.
func WithAttemptTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return invalid("AttemptTimeout", "must be positive")
		}
		c.attemptTimeout = d
		return nil
	}
}

// WithRateLimit spaces requests (attempts and look-ups alike) to at most
// perSecond on average with bursts of burst, so that bulk jobs stay under
// the gateway's throttling instead of provoking 800.120.100.
func WithRateLimit(perSecond float64, burst int) Option {
	return func(c *config) error {
		if perSecond <= 0 || burst < 1 {
			return invalid("RateLimit", "needs a positive rate and a burst of at least 1")
		}
		c.limiter = rate.NewLimiter(rate.Limit(perSecond), burst)
		return nil
	}
}

// WithRoundTripper wraps the transport the SDK sends through (its own
// tuned default, or the Transport of WithHTTPClient's client) with wrap,
// for instance otelhttp.NewTransport for OpenTelemetry spans, keeping the
// SDK's tuning underneath. wrap is called once, by NewClient. A wrapper
// must pass each request's context on (as http.RoundTripper wrappers do):
// the SDK learns from it whether an attempt was written, and without it
// counts every failure as possibly sent (see NotSentError). Every attempt
// goes through the wrapper, look-ups included; the rate limit of
// WithRateLimit waits outside it.
func WithRoundTripper(wrap func(http.RoundTripper) http.RoundTripper) Option {
	return func(c *config) error {
		if wrap == nil {
			return invalid("RoundTripper", "wrap is nil")
		}
		c.wrap = wrap
		return nil
	}
}

// WithClock replaces time.Now for the checks that depend on the date:
// card expiry and refund windows. For tests.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return invalid("Clock", "is nil")
		}
		c.now = now
		return nil
	}
}
