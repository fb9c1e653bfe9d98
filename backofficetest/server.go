package backofficetest

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/c81406b6/backoffice"
)

// Server is a fake payment gateway listening on a loopback address. It
// speaks both gateway variants over one shared ledger and is safe for
// concurrent use.
type Server struct {
	// URL is the base URL, for example "http://127.0.0.1:41234", with no
	// trailing slash. Pass it to backoffice.WithBaseURL.
	URL string

	ts       *httptest.Server
	now      func() time.Time
	echoCard bool
	bearer   backoffice.BearerCredentials
	checksum backoffice.ChecksumCredentials
	ledger   *ledger
	gate     *gate
	hard     *hardness
	listen   listenState   // refuse.go
	closing  chan struct{} // closed when Close begins: artificial waits end
	closed   sync.Once
	conns    connTracker // conns.go
	notifier *notifier   // nil without WithWebhook (notify.go)
	search   searchState // search.go
	tokens   *tokens     // checksum.go
}

// NewServer starts and returns a Server configured by opts. The caller
// should Close it when done, typically with t.Cleanup(srv.Close). Like
// httptest.NewServer, it panics only if it cannot listen.
func NewServer(opts ...Option) *Server {
	cfg := newConfig(opts)
	s := &Server{
		now:      cfg.now,
		echoCard: cfg.echoCardValues,
		bearer:   backoffice.BearerCredentials{AccessToken: newToken(), EntityID: newID()},
		checksum: backoffice.ChecksumCredentials{MemberID: newDigits(5), SecureKey: newID(), PartnerID: newDigits(5),
			Username: "merchant-" + newDigits(4)},
		tokens: newTokens(!cfg.noAuthToken, cfg.tokenLifetime),
		ledger: newLedger(rules{
			multipleCaptures:        cfg.multipleCaptures,
			internalChargebacksOnly: cfg.internalChargebacksOnly,
		}),
		gate:    newGate(),
		hard:    newHardness(cfg),
		closing: make(chan struct{}),
	}
	s.startWebhooks(cfg.webhook)
	s.ts = httptest.NewUnstartedServer(http.HandlerFunc(s.handle))
	// Dropped connections and aborted handlers are what the fake is for:
	// net/http must not log them, and nothing here may print.
	s.ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.ts.Config.ConnState = s.conns.track // httptest chains its own tracking after it
	s.ts.Start()
	s.URL = s.ts.URL
	return s
}

// Close shuts the server down: it stops listening, closes its idle
// keep-alive connections, blocks until every outstanding request has
// finished (as httptest.Server.Close does) and every booking in flight has
// landed. A closed fake behaves like a gateway that is down, every time: it
// closes an idle connection by half-closing it and waiting (up to a second)
// until the client has closed its end too, so a warm client's next request
// cannot race the close on a dead connection (sent, outcome unknown) but
// finds no listener (not sent).
//
// Requests held by an injected latency (FaultLatency, FaultProxyTimeout's
// wait) are not waited out: their connections are dropped, or the 504 is
// answered, at once. If an InjectFaultFunc function panicked, Close panics
// with that panic once the server is down.
func (s *Server) Close() {
	s.closed.Do(func() { close(s.closing) })
	s.listen.close(s.ts.Listener)
	s.conns.closeIdle(time.Second)
	s.ts.Close()
	s.hard.pending.Wait()
	s.stopWebhooks()
	s.gate.mu.Lock()
	p := s.gate.panicked
	s.gate.panicked = ""
	s.gate.mu.Unlock()
	if p != "" {
		panic("backofficetest: the InjectFaultFunc function panicked (its request's connection was dropped): " + p)
	}
}

// Client returns an HTTP client configured for the server. Any other
// client works too: the server is plain HTTP on loopback.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// BearerCredentials returns the only access token and entity id the
// server's bearer variant accepts. They are random per Server.
func (s *Server) BearerCredentials() backoffice.BearerCredentials { return s.bearer }

// ChecksumCredentials returns the only member id, secure key, partner id
// and username the server's checksum platform accepts. They are random per
// Server. With them a client fetches AuthTokens, which the server requires
// on every checksum call unless WithoutAuthToken.
func (s *Server) ChecksumCredentials() backoffice.ChecksumCredentials { return s.checksum }
