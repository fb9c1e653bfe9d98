package backoffice

import (
	"net/http"

	"github.com/c81406b6/backoffice/internal/transport"
)

// AnswerInMemory makes c, built with its own transport, send every attempt
// to rt instead, the first one still on the direct path: the benchmarks
// measure the SDK's own work per call without a network (BenchmarkWork).
func AnswerInMemory(c *Client, rt http.RoundTripper) {
	onRetry := c.tr.OnRetry
	c.tr = transport.New(&http.Client{Transport: transport.Tracked(rt), CheckRedirect: noRedirects},
		transport.Policy{MaxAttempts: c.retry.MaxAttempts, MinWait: c.retry.MinWait, MaxWait: c.retry.MaxWait,
			LookupInterval: c.retry.LookupInterval, Codes: transportCodes,
			SharedHeader: true, Direct: rt, AttemptTimeout: DefaultAttemptTimeout})
	c.tr.OnRetry = onRetry
}

func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
