package backofficetest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/webhook"
)

// WithWebhook makes the server send webhook notifications, as the gateway
// does, to url: for every payment it records (bookings, refused attempts,
// and the gateway-side events BankChargeback and SettlePending), one POST
// of {"type":"PAYMENT","payload":<the payment's bearer answer>}, encrypted
// with secret (64 hexadecimal characters) exactly as webhook.Encrypt does.
// Deliveries run in the background, one at a time, in recording order
// unless WithWebhookPolicy says otherwise; FlushWebhooks waits for them.
// A secret webhook.Encrypt refuses makes every delivery fail, recorded in
// WebhookDeliveries.
func WithWebhook(url, secret string) Option {
	return func(c *config) {
		c.webhook.url, c.webhook.secret = url, secret
	}
}

// WebhookPolicy shapes the server's webhook deliveries: bounded, fast
// retries instead of the gateway's 30 days, and the duplicates and
// reordering a merchant's handler must survive.
type WebhookPolicy struct {
	// Attempts is how many times a notification is POSTed before the
	// server gives up on it; any answer but a 2xx, or no answer within
	// Timeout, calls for another. Zero means 5.
	Attempts int
	// Backoff is the wait before the first retry; it doubles before each
	// further one. Zero means 10ms.
	Backoff time.Duration
	// Timeout bounds one POST; zero means 5s (the gateway waits 30s).
	Timeout time.Duration
	// Duplicate delivers every notification twice, the second time once
	// the first was accepted (or given up on).
	Duplicate bool
	// OutOfOrder holds notifications until FlushWebhooks is called, then
	// delivers them newest first.
	OutOfOrder bool
	// Wrapped sends the body as {"encryptedBody":"<hex>"} instead of plain
	// hex.
	Wrapped bool
}

// WithWebhookPolicy sets how WithWebhook's notifications are delivered.
func WithWebhookPolicy(p WebhookPolicy) Option {
	return func(c *config) { c.webhook.policy = p }
}

// WebhookDelivery is one POST of a notification and how it went.
type WebhookDelivery struct {
	PaymentID string
	Type      backoffice.PaymentType
	Code      backoffice.ResultCode // the result code the notification carried
	Attempt   int                   // 1 for the first POST of this copy of the notification
	Duplicate bool                  // the second copy, under WebhookPolicy.Duplicate
	Status    int                   // the merchant's HTTP status; 0 when none was received
	Err       string                // why no status was received
}

// webhookConfig is what WithWebhook and WithWebhookPolicy set.
type webhookConfig struct {
	url, secret string
	policy      WebhookPolicy
}

// notifier delivers notifications in the background, one at a time.
type notifier struct {
	cfg    webhookConfig
	client *http.Client

	mu         sync.Mutex
	wake       *sync.Cond // queue grew, a flush was asked for, or closing
	idle       *sync.Cond // nothing queued for delivery and nothing in flight
	queue      []*record
	release    bool // deliver held notifications (OutOfOrder)
	delivering bool
	closed     bool
	log        []WebhookDelivery
	done       chan struct{}
	stop       context.CancelFunc
	ctx        context.Context
}

// startWebhooks starts s's notifier when WithWebhook was given.
func (s *Server) startWebhooks(c webhookConfig) {
	if c.url == "" {
		return
	}
	if c.policy.Attempts <= 0 {
		c.policy.Attempts = 5
	}
	if c.policy.Backoff <= 0 {
		c.policy.Backoff = 10 * time.Millisecond
	}
	if c.policy.Timeout <= 0 {
		c.policy.Timeout = 5 * time.Second
	}
	// A transport of its own: its connections to the merchant's endpoint
	// are the fake's, closed by Close, not left idle in the program's
	// http.DefaultTransport.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	n := &notifier{cfg: c, client: &http.Client{Transport: tr}, done: make(chan struct{})}
	n.wake, n.idle = sync.NewCond(&n.mu), sync.NewCond(&n.mu)
	n.ctx, n.stop = context.WithCancel(context.Background())
	s.notifier = n
	s.ledger.onStore = n.enqueue
	go n.run()
}

// stopWebhooks abandons what is still queued, waits for the delivery in
// flight to end and closes the connections to the merchant's endpoint.
func (s *Server) stopWebhooks() {
	n := s.notifier
	if n == nil {
		return
	}
	n.mu.Lock()
	n.closed = true
	n.wake.Broadcast()
	n.idle.Broadcast()
	n.mu.Unlock()
	n.stop()
	<-n.done
	n.client.CloseIdleConnections()
}

// FlushWebhooks delivers every notification recorded so far, held ones
// included, and returns once each was accepted or given up on, or with
// ctx's error. Without WithWebhook it returns nil at once.
func (s *Server) FlushWebhooks(ctx context.Context) error {
	n := s.notifier
	if n == nil {
		return nil
	}
	stop := context.AfterFunc(ctx, func() {
		n.mu.Lock()
		n.idle.Broadcast()
		n.mu.Unlock()
	})
	defer stop()
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.queue) > 0 {
		n.release = true // only what is held now: later ones are held again
		n.wake.Broadcast()
	}
	for (len(n.queue) > 0 || n.delivering) && !n.closed && ctx.Err() == nil {
		n.idle.Wait()
	}
	return ctx.Err()
}

// WebhookDeliveries returns every POST of a notification so far, in the
// order they were made.
func (s *Server) WebhookDeliveries() []WebhookDelivery {
	n := s.notifier
	if n == nil {
		return nil
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.log)
}

// enqueue is the ledger's onStore hook: it must not block, since the
// ledger's lock is held.
func (n *notifier) enqueue(rec *record) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.queue = append(n.queue, rec)
	n.wake.Broadcast()
}

func (n *notifier) run() {
	defer close(n.done)
	for {
		n.mu.Lock()
		for !n.closed && (len(n.queue) == 0 || (n.cfg.policy.OutOfOrder && !n.release)) {
			n.wake.Wait()
		}
		if n.closed {
			n.mu.Unlock()
			return
		}
		batch := n.queue
		n.queue, n.release, n.delivering = nil, false, true
		n.mu.Unlock()
		if n.cfg.policy.OutOfOrder {
			slices.Reverse(batch)
		}
		for _, rec := range batch {
			n.send(rec, false)
			if n.cfg.policy.Duplicate {
				n.send(rec, true)
			}
		}
		n.mu.Lock()
		n.delivering = false
		n.idle.Broadcast()
		n.mu.Unlock()
	}
}

// send POSTs one notification of rec, retrying as the policy allows.
func (n *notifier) send(rec *record, duplicate bool) {
	plain := append(append([]byte(`{"type":"PAYMENT","payload":`), bearerPaymentJSON(rec)...), '}')
	wait := n.cfg.policy.Backoff
	for attempt := 1; attempt <= n.cfg.policy.Attempts; attempt++ {
		d := WebhookDelivery{PaymentID: rec.ID, Type: rec.Type, Code: rec.Code, Attempt: attempt, Duplicate: duplicate}
		d.Status, d.Err = n.post(plain)
		n.mu.Lock()
		n.log = append(n.log, d)
		n.mu.Unlock()
		if d.Status >= 200 && d.Status < 300 {
			return
		}
		if attempt == n.cfg.policy.Attempts || !sleep(n.ctx, nil, wait) {
			return
		}
		wait *= 2
	}
}

// post makes one delivery, freshly encrypted as the gateway encrypts each
// one, and returns the status or why there was none.
func (n *notifier) post(plain []byte) (int, string) {
	header, body, err := webhook.Encrypt(n.cfg.secret, plain)
	if err != nil {
		return 0, err.Error()
	}
	if n.cfg.policy.Wrapped {
		body = append(append([]byte(`{"encryptedBody":"`), body...), '"', '}')
		header.Set("Content-Type", "application/json; charset=UTF-8")
	}
	ctx, cancel := context.WithTimeout(n.ctx, n.cfg.policy.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.cfg.url, bytes.NewReader(body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header = header
	resp, err := n.client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode, ""
}
