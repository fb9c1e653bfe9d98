package backoffice_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// script is a gateway whose answers a test writes per request kind: POSTs
// (money-moving or checksum) and GETs (bearer look-ups) are counted apart.
type script struct {
	*httptest.Server
	mu     sync.Mutex
	posts  [][]byte
	gets   []string
	postAt []time.Time // when each POST arrived
	getAt  []time.Time
	post   func(n int, w http.ResponseWriter, r *http.Request)
	get    func(n int, w http.ResponseWriter, r *http.Request)
}

func newScript(t *testing.T, post, get func(n int, w http.ResponseWriter, r *http.Request)) *script {
	t.Helper()
	s := &script{post: post, get: get}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		now := time.Now()
		s.mu.Lock()
		var n int
		var h func(int, http.ResponseWriter, *http.Request)
		if r.Method == http.MethodGet {
			s.gets = append(s.gets, r.URL.RawQuery)
			s.getAt = append(s.getAt, now)
			n, h = len(s.gets), s.get
		} else {
			s.posts = append(s.posts, body)
			s.postAt = append(s.postAt, now)
			n, h = len(s.posts), s.post
		}
		s.mu.Unlock()
		if h == nil {
			http.Error(w, "unexpected", http.StatusTeapot)
			return
		}
		h(n, w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *script) counts() (posts, gets int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.posts), len(s.gets)
}

// times returns when each POST and each GET arrived.
func (s *script) times() (posts, gets []time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.postAt...), append([]time.Time(nil), s.getAt...)
}

func (s *script) postBodies() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.posts...)
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func htmlError(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(status)
	io.WriteString(w, "<html><body><h1>502 Bad Gateway</h1></body></html>")
}

const refundOK = `{"id":"rf1","referencedId":"db1","paymentType":"RF","amount":"5.00","currency":"EUR","merchantTransactionId":"mtid-1","result":{"code":"000.100.110","description":"ok"}}`

func notFound(w http.ResponseWriter) {
	writeJSON(w, 400, `{"result":{"code":"700.400.580","description":"cannot find transaction"}}`)
}

func found(payments string) func(int, http.ResponseWriter, *http.Request) {
	return func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, `{"result":{"code":"000.000.100","description":"successful request"},"payments":[`+payments+`]}`)
	}
}

func (s *script) client(t *testing.T, opts ...backoffice.Option) *backoffice.Client {
	t.Helper()
	return newTestClient(t, s.URL, bearerCreds, opts...)
}

func refund(c *backoffice.Client) (*backoffice.Payment, error) {
	return c.Refund(context.Background(), "db1", backoffice.RefundRequest{Amount: dec("5"), Currency: "EUR", MerchantTransactionID: "mtid-1"})
}

// Row "never sent": a connection that could not be made is retried with the
// same bytes, and a call that never got through is a *NotSentError.
func TestDecisionNeverSentIsResent(t *testing.T) {
	t.Parallel()
	s := newScript(t, func(_ int, w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, refundOK) }, nil)
	var dials atomic.Int32
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) == 1 {
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}}
	p, err := refund(s.client(t, backoffice.WithHTTPClient(hc)))
	require.NoError(t, err)
	assert.Equal(t, "rf1", p.ID)
	posts, gets := s.counts()
	assert.Equal(t, 1, posts, "the refused connection carried nothing")
	assert.Equal(t, 0, gets, "nothing to reconcile")
}

func TestDecisionNeverSentExhaustedIsNotSentError(t *testing.T) {
	t.Parallel()
	_, err := refund(newTestClient(t, refusedURL(t), bearerCreds)) // every dial is refused
	var ns *backoffice.NotSentError
	require.ErrorAs(t, err, &ns)
	var ue *backoffice.UncertainError
	assert.False(t, errors.As(err, &ue))
}

// Row "gateway said no": final, not retried.
func TestDecisionRefusalIsFinal(t *testing.T) {
	t.Parallel()
	s := newScript(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 400, `{"id":"rf9","paymentType":"RF","result":{"code":"700.400.200","description":"cannot refund (refund volume exceeded or tx reversed or invalid workflow)"}}`)
	}, nil)
	_, err := refund(s.client(t))
	var re *backoffice.ResultError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, backoffice.ResultCode("700.400.200"), re.Result.Code)
	require.NotNil(t, re.Payment)
	assert.Equal(t, "rf9", re.Payment.ID)
	posts, gets := s.counts()
	assert.Equal(t, 1, posts)
	assert.Equal(t, 0, gets)
}

// Row "gateway said no, except throttling and session busy": retried with
// backoff, byte-identical.
func TestDecisionThrottlingIsRetriedWithSameBytes(t *testing.T) {
	t.Parallel()
	for _, code := range []string{"800.120.100", "800.700.100"} {
		t.Run(code, func(t *testing.T) {
			t.Parallel()
			s := newScript(t, func(n int, w http.ResponseWriter, _ *http.Request) {
				if n == 1 {
					w.Header().Set("Retry-After", "0")
					writeJSON(w, 200, `{"result":{"code":"`+code+`","description":"try later"}}`)
					return
				}
				writeJSON(w, 200, refundOK)
			}, nil)
			p, err := refund(s.client(t))
			require.NoError(t, err)
			assert.Equal(t, "rf1", p.ID)
			bodies := s.postBodies()
			require.Len(t, bodies, 2)
			assert.Equal(t, string(bodies[0]), string(bodies[1]), "a retried request is byte-identical")
		})
	}
}

func TestDecisionThrottlingExhaustedIsResultError(t *testing.T) {
	t.Parallel()
	s := newScript(t, func(int, http.ResponseWriter, *http.Request) {}, nil)
	s.post = func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, `{"result":{"code":"800.120.100","description":"Rejected by Throttling."}}`)
	}
	_, err := refund(s.client(t))
	var re *backoffice.ResultError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, backoffice.ResultCode("800.120.100"), re.Result.Code)
	posts, _ := s.counts()
	assert.Equal(t, fastRetries.MaxAttempts, posts)
}

// Rows "ambiguous": 5xx, a body that is not a gateway result, 900.100.300,
// and a connection lost after sending are looked up, never blindly resent.
func TestDecisionAmbiguousFoundReturnsWhatTheGatewayRecorded(t *testing.T) {
	t.Parallel()
	ambiguous := map[string]func(int, http.ResponseWriter, *http.Request){
		"5xx HTML": func(_ int, w http.ResponseWriter, _ *http.Request) { htmlError(w, 502) },
		"uncertain": func(_ int, w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, 200, `{"result":{"code":"900.100.300","description":"timeout, uncertain result"}}`)
		},
		"truncated JSON": func(_ int, w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, refundOK[:40]) },
		"connection lost": func(_ int, w http.ResponseWriter, _ *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		},
		"empty 200": func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(200) },
	}
	for name, post := range ambiguous {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newScript(t, post, found(refundOK))
			p, err := refund(s.client(t))
			require.NoError(t, err)
			assert.Equal(t, "rf1", p.ID, "what the gateway recorded")
			posts, gets := s.counts()
			assert.Equal(t, 1, posts, "never resent once found")
			assert.Equal(t, 1, gets)
		})
	}
}

func TestDecisionAmbiguousFoundRefusalIsResultError(t *testing.T) {
	t.Parallel()
	s := newScript(t, func(_ int, w http.ResponseWriter, _ *http.Request) { htmlError(w, 503) },
		found(`{"id":"rf2","referencedId":"db1","paymentType":"RF","merchantTransactionId":"mtid-1","result":{"code":"700.400.200","description":"cannot refund"}}`))
	_, err := refund(s.client(t))
	var re *backoffice.ResultError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, backoffice.ResultCode("700.400.200"), re.Result.Code)
	posts, _ := s.counts()
	assert.Equal(t, 1, posts)
}

func TestDecisionAmbiguousAbsentIsResentWithSameBytes(t *testing.T) {
	t.Parallel()
	s := newScript(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			htmlError(w, 502)
			return
		}
		writeJSON(w, 200, refundOK)
	}, func(_ int, w http.ResponseWriter, _ *http.Request) { notFound(w) })
	p, err := refund(s.client(t))
	require.NoError(t, err)
	assert.Equal(t, "rf1", p.ID)
	bodies := s.postBodies()
	require.Len(t, bodies, 2)
	assert.Equal(t, string(bodies[0]), string(bodies[1]))
	_, gets := s.counts()
	assert.GreaterOrEqual(t, gets, 2, "a look-up before the settle time proves nothing; one after it is needed")
}

// A "not found" before the settle time is no proof: the booking may still
// land. Only the look-up after SentAt+SettleTime lets the call be resent.
//
// The times are the requests' arrivals at the gateway, each some time after
// the SDK took its turn (how late depends on the machine's load), so only
// bounds that hold however late each request is are asserted: the k-th
// look-up to arrive came at least k intervals after the first attempt
// arrived (the first turn comes after that attempt's answer, each later one
// an interval after the one before), and no more look-ups came than turns
// fit between that arrival and the call's return. The settle time is long
// enough that the early look-up comes before it even on a loaded machine.
func TestDecisionNotFoundBeforeSettleTimeIsNoProof(t *testing.T) {
	t.Parallel()
	s := newScript(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			htmlError(w, 504)
			return
		}
		writeJSON(w, 200, refundOK)
	}, func(_ int, w http.ResponseWriter, _ *http.Request) { notFound(w) })
	policy := fastRetries
	policy.SettleTime = 2 * time.Second
	policy.LookupInterval = 250 * time.Millisecond
	start := time.Now()
	_, err := refund(s.client(t, backoffice.WithRetryPolicy(policy)))
	end := time.Now()
	require.NoError(t, err)
	postsAt, getsAt := s.times()
	require.Len(t, postsAt, 2, "resent once, after absence was proven")
	require.GreaterOrEqual(t, len(getsAt), 2)
	sort.Slice(getsAt, func(i, j int) bool { return getsAt[i].Before(getsAt[j]) })
	assert.Less(t, getsAt[0].Sub(start), policy.SettleTime, "an early look-up is made, to find a booking quickly")
	var proof time.Time // the last look-up before the resend
	for _, g := range getsAt {
		if g.Before(postsAt[1]) {
			proof = g
		}
	}
	assert.GreaterOrEqual(t, proof.Sub(postsAt[0]), policy.SettleTime, "the resend follows a look-up made the settle time after the first attempt")
	for k := 1; k < len(getsAt); k++ {
		if !assert.GreaterOrEqual(t, getsAt[k].Sub(postsAt[0]), time.Duration(k)*policy.LookupInterval,
			"look-up %d came before %d intervals had passed since the first attempt: look-ups of one id are not spaced", k+1, k) {
			break
		}
	}
	assert.LessOrEqual(t, len(getsAt), int(end.Sub(postsAt[0])/policy.LookupInterval)+1,
		"more look-ups than turns %v apart fit in %v", policy.LookupInterval, end.Sub(postsAt[0]))
}

// A context whose deadline comes before the settle time gets an early
// look-up and then *UncertainError at once, not a wait to the deadline.
func TestDecisionShortDeadlineIsUncertainWithoutWaiting(t *testing.T) {
	t.Parallel()
	s := newScript(t, func(int, http.ResponseWriter, *http.Request) {}, nil)
	s.post = func(_ int, w http.ResponseWriter, _ *http.Request) { htmlError(w, 504) }
	s.get = func(_ int, w http.ResponseWriter, _ *http.Request) { notFound(w) }
	policy := fastRetries
	policy.SettleTime, policy.LookupInterval = time.Minute, 10*time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	_, err := s.client(t, backoffice.WithRetryPolicy(policy)).Refund(ctx, "db1",
		backoffice.RefundRequest{Amount: dec("5"), Currency: "EUR", MerchantTransactionID: "mtid-1"})
	var ue *backoffice.UncertainError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, backoffice.Unknown, backoffice.OutcomeOf(err))
	assert.Less(t, time.Since(start), 4*time.Second, "waited for the deadline")
	posts, gets := s.counts()
	assert.Equal(t, 1, posts, "never resent")
	assert.Equal(t, 1, gets)
}

func TestDecisionAmbiguousAbsentWithNoAttemptLeftIsNotBooked(t *testing.T) {
	t.Parallel()
	s := newScript(t, func(_ int, w http.ResponseWriter, _ *http.Request) { htmlError(w, 502) },
		func(_ int, w http.ResponseWriter, _ *http.Request) { notFound(w) })
	_, err := refund(s.client(t))
	require.Error(t, err)
	var ue *backoffice.UncertainError
	assert.False(t, errors.As(err, &ue), "absence was proven: not uncertain")
	assert.ErrorIs(t, err, backoffice.ErrNotBooked)
	assert.Equal(t, backoffice.NotBooked, backoffice.OutcomeOf(err))
	posts, gets := s.counts()
	assert.Equal(t, fastRetries.MaxAttempts, posts)
	assert.GreaterOrEqual(t, gets, fastRetries.MaxAttempts)
}

func TestDecisionLookupsFailingIsUncertain(t *testing.T) {
	t.Parallel()
	s := newScript(t, func(_ int, w http.ResponseWriter, _ *http.Request) { htmlError(w, 502) },
		func(_ int, w http.ResponseWriter, _ *http.Request) { htmlError(w, 503) })
	_, err := refund(s.client(t))
	var ue *backoffice.UncertainError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, "mtid-1", ue.MerchantTransactionID)
	var he *backoffice.HTTPError
	assert.False(t, errors.As(err, &he), "an uncertain call must not read as an HTTP refusal")
	assert.Contains(t, err.Error(), "HTTP 503")
	posts, gets := s.counts()
	assert.Equal(t, 1, posts, "never resend what could not be verified")
	assert.GreaterOrEqual(t, gets, 2, "looked up until past the settle time")
}

func TestDecisionSeveralRecordsWithTheIDIsUncertain(t *testing.T) {
	t.Parallel()
	s := newScript(t, func(_ int, w http.ResponseWriter, _ *http.Request) { htmlError(w, 502) }, found(refundOK+","+refundOK))
	_, err := refund(s.client(t))
	var ue *backoffice.UncertainError
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, ue.Error(), "2 records match")
}

// Row "context ended after sending": *UncertainError wrapping ctx.Err(),
// returned promptly, with no look-up. The deadline leaves a fresh client
// time to dial and write the request even on a loaded machine (ending
// before that, the call is rightly *NotSentError); the gateway never
// answers, so the deadline always comes after the sending.
func TestDecisionContextEndedAfterSendingIsUncertain(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	s := newScript(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}, nil)
	defer close(release)
	const deadline = time.Second
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	_, err := s.client(t).Refund(ctx, "db1", backoffice.RefundRequest{Amount: dec("5"), Currency: "EUR", MerchantTransactionID: "mtid-1"})
	var ue *backoffice.UncertainError
	require.ErrorAs(t, err, &ue)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, "mtid-1", ue.MerchantTransactionID)
	assert.Less(t, time.Since(start), deadline+2*time.Second, "returned promptly")
	_, gets := s.counts()
	assert.Equal(t, 0, gets)
}

func TestDecisionContextEndedBeforeSendingIsNotSent(t *testing.T) {
	t.Parallel()
	s := newScript(t, func(_ int, w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, refundOK) }, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.client(t).Refund(ctx, "db1", backoffice.RefundRequest{Amount: dec("5"), Currency: "EUR"})
	var ns *backoffice.NotSentError
	require.ErrorAs(t, err, &ns)
	assert.ErrorIs(t, err, context.Canceled)
	posts, _ := s.counts()
	assert.Equal(t, 0, posts)
}

// Row "reads": retried on any ambiguous failure.
func TestDecisionReadsAreRetried(t *testing.T) {
	t.Parallel()
	s := newScript(t, nil, func(n int, w http.ResponseWriter, _ *http.Request) {
		switch n {
		case 1:
			htmlError(w, 503)
		case 2:
			writeJSON(w, 200, `{"result":{"code":"900.100.300","description":"uncertain"}}`)
		default:
			writeJSON(w, 200, refundOK)
		}
	})
	p, err := s.client(t).Inquire(context.Background(), "rf1")
	require.NoError(t, err)
	assert.Equal(t, "rf1", p.ID)
	_, gets := s.counts()
	assert.Equal(t, 3, gets)
}

func TestMaxAttemptsOneMeansNoRetry(t *testing.T) {
	t.Parallel()
	s := newScript(t, nil, func(_ int, w http.ResponseWriter, _ *http.Request) { htmlError(w, 503) })
	_, err := s.client(t, backoffice.WithRetryPolicy(backoffice.RetryPolicy{MaxAttempts: 1})).Inquire(context.Background(), "rf1")
	var he *backoffice.HTTPError
	require.ErrorAs(t, err, &he)
	assert.Equal(t, 503, he.StatusCode)
	assert.Contains(t, he.Error(), "HTTP 503")
	_, gets := s.counts()
	assert.Equal(t, 1, gets)
}

func TestNonGatewayClientErrorIsDefinitive(t *testing.T) {
	t.Parallel()
	s := newScript(t, func(_ int, w http.ResponseWriter, _ *http.Request) { htmlError(w, 403) }, nil)
	_, err := refund(s.client(t))
	var he *backoffice.HTTPError
	require.ErrorAs(t, err, &he)
	assert.Equal(t, 403, he.StatusCode)
	assert.True(t, strings.Contains(he.Reason, "HTML"), he.Reason)
	posts, gets := s.counts()
	assert.Equal(t, 1, posts)
	assert.Equal(t, 0, gets, "a 4xx page proves the request was refused before booking")
}

// A throttled attempt followed by an ambiguous one: the second must be
// reconciled on its own merits, never resent because the first was
// throttled. (Found by TestChaos: the throttling answer outlived its
// attempt and a booked-but-garbled answer was resent.)
func TestDecisionThrottledThenAmbiguousIsReconciledNotResent(t *testing.T) {
	t.Parallel()
	for name, second := range map[string]func(http.ResponseWriter){
		"5xx":       func(w http.ResponseWriter) { htmlError(w, 503) },
		"truncated": func(w http.ResponseWriter) { writeJSON(w, 200, refundOK[:40]) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newScript(t, func(n int, w http.ResponseWriter, _ *http.Request) {
				switch n {
				case 1:
					writeJSON(w, 400, `{"result":{"code":"800.700.100","description":"busy"}}`)
				case 2:
					second(w)
				default:
					writeJSON(w, 200, refundOK)
				}
			}, found(refundOK))
			p, err := refund(s.client(t))
			require.NoError(t, err)
			assert.Equal(t, "rf1", p.ID)
			posts, gets := s.counts()
			assert.Equal(t, 2, posts, "throttled once, then the ambiguous attempt is looked up, not resent")
			assert.Equal(t, 1, gets)
		})
	}
}

// A throttled look-up is tried again only after LookupInterval (the
// gateway allows about two a minute per id), and not at all when the
// context has no time left for it: then the throttling is the answer.
func TestDecisionThrottledReadWaitsLookupInterval(t *testing.T) {
	t.Parallel()
	throttledOnce := func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			writeJSON(w, 400, `{"result":{"code":"800.120.100","description":"Rejected by Throttling."}}`)
			return
		}
		writeJSON(w, 200, refundOK)
	}
	policy := fastRetries
	policy.LookupInterval = time.Second

	s := newScript(t, nil, throttledOnce)
	start := time.Now()
	p, err := s.client(t, backoffice.WithRetryPolicy(policy)).Inquire(context.Background(), "rf1")
	require.NoError(t, err)
	assert.Equal(t, "rf1", p.ID)
	assert.GreaterOrEqual(t, time.Since(start), policy.LookupInterval, "the retry waited LookupInterval, not MaxWait")

	// A context of half the interval, which must still leave time for one
	// answer on a loaded machine: the interval is long here.
	policy.LookupInterval = 10 * time.Second
	s = newScript(t, nil, throttledOnce)
	ctx, cancel := context.WithTimeout(context.Background(), policy.LookupInterval/2)
	defer cancel()
	_, err = s.client(t, backoffice.WithRetryPolicy(policy)).Inquire(ctx, "rf1")
	var re *backoffice.ResultError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, backoffice.CodeThrottled, re.Result.Code)
	_, gets := s.counts()
	assert.Equal(t, 1, gets, "no retry the context cannot wait for")
}
