package backofficetest

import "time"

// Option configures a Server. Pass options to NewServer.
type Option func(*config)

type config struct {
	multipleCaptures        bool
	now                     func() time.Time
	internalChargebacksOnly bool
	echoCardValues          bool
	bookingLatency          time.Duration
	lookupLimit             int
	lookupWindow            time.Duration
	duplicates              bool
	tokenLifetime           time.Duration // checksum.go
	noAuthToken             bool
	webhook                 webhookConfig // notify.go
}

func newConfig(opts []Option) config {
	c := config{now: time.Now}
	for _, o := range opts {
		o(&c)
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c
}

// WithMultipleCaptures sets whether a preauthorization may be captured more
// than once. With false, the default, the first capture spends the PA even
// when it is partial (the gateway's backoffice documentation: "a capture is
// a one-time event") and a second capture is refused with 700.400.100.
// With true, captures may follow one another until together they reach the
// authorized amount, as some acquirers allow.
func WithMultipleCaptures(allowed bool) Option {
	return func(c *config) { c.multipleCaptures = allowed }
}

// WithClock makes the server read the time from now instead of time.Now.
// The clock stamps bookings, answers and recorded requests, decides whether
// a card has expired, and so places payments in or out of a transaction
// list's date range. now must be safe for concurrent use; nil means time.Now.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// WithInternalChargebacksOnly makes the server refuse every chargeback (CB)
// with 700.400.402, as gateways do for merchants whose chargebacks only the
// payment system itself may generate.
func WithInternalChargebacksOnly() Option {
	return func(c *config) { c.internalChargebacksOnly = true }
}

// WithEchoCardValues sets whether parameterErrors echo card.number and
// card.cvv exactly as sent. By default the server masks them (first six and
// last four digits of the number, "***" for the CVV). Echoing them lets an
// SDK's tests prove that the SDK masks whatever a gateway echoes.
func WithEchoCardValues(echo bool) Option {
	return func(c *config) { c.echoCardValues = echo }
}
