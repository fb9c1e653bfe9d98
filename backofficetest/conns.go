package backofficetest

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// connTracker knows the server's connections and their states, so that
// the server can close them in a way clients see before they reuse them.
type connTracker struct {
	mu     sync.Mutex
	state  map[net.Conn]http.ConnState
	halved map[net.Conn]bool // write side already shut
	change *sync.Cond        // broadcast on every state change
}

// track is the server's http.Server.ConnState hook.
func (t *connTracker) track(c net.Conn, st http.ConnState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.init()
	switch st {
	case http.StateClosed, http.StateHijacked:
		delete(t.state, c)
		delete(t.halved, c)
	default:
		t.state[c] = st
	}
	t.change.Broadcast()
}

func (t *connTracker) init() {
	if t.state == nil {
		t.state = map[net.Conn]http.ConnState{}
		t.halved = map[net.Conn]bool{}
		t.change = sync.NewCond(&t.mu)
	}
}

// closeIdle closes every connection the way a client notices before its
// next request: once a connection is idle (a busy one when its answer is
// out), its write side is shut; the client reads EOF, drops it from its
// pool and closes its end, which ends the server's side. It returns when
// every connection is closed, or after timeout (a request still running
// then is left to httptest's Close).
func (t *connTracker) closeIdle(timeout time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.init()
	expired := false
	timer := time.AfterFunc(timeout, func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		expired = true
		t.change.Broadcast()
	})
	defer timer.Stop()
	for !expired && len(t.state) > 0 {
		for c, st := range t.state {
			if st != http.StateIdle || t.halved[c] {
				continue
			}
			t.halved[c] = true
			if tc, ok := c.(*net.TCPConn); !ok || tc.CloseWrite() != nil {
				_ = c.Close()
			}
		}
		t.change.Wait()
	}
}
