package backofficetest

import (
	"net"
	"sync"
	"time"
)

// RefuseConnections makes the server refuse connections, as a gateway that
// is down or unreachable does: it stops listening, so a client's dial is
// refused and nothing is sent, and it cuts the connections it has, idle or
// busy (a request in progress on one gets no answer). AcceptConnections
// listens again on the same address. Both return once clients can see the
// change (see Close).
//
// On Unix systems the address stays the server's while it refuses (a
// socket bound to it, not listening): no other program, such as a test
// suite running beside this one, is given the port meanwhile, so clients
// never reach a stranger in its place. Elsewhere another program may take
// it, and AcceptConnections then panics.
func (s *Server) RefuseConnections() {
	s.listen.Lock()
	defer s.listen.Unlock()
	if s.listen.refusing {
		return
	}
	l := s.listen.current(s.ts.Listener)
	s.listen.refusing = true
	s.listen.addr = l.Addr().String()
	_ = l.Close()
	if h, err := holdPort(l.Addr()); err == nil {
		s.listen.held = h
	}
	s.conns.closeIdle(time.Second)
	s.ts.CloseClientConnections()
}

// AcceptConnections undoes RefuseConnections. It panics if the address
// cannot be listened on again (another process took the port).
func (s *Server) AcceptConnections() {
	s.listen.Lock()
	defer s.listen.Unlock()
	if !s.listen.refusing || s.listen.closed {
		return
	}
	l, err := s.listen.reopen()
	if err != nil {
		panic("backofficetest: AcceptConnections: " + err.Error())
	}
	s.listen.refusing = false
	s.listen.l = l // never s.ts.Listener: httptest's serving goroutine read that without a lock
	go func() { _ = s.ts.Config.Serve(l) }()
}

// listenState is what RefuseConnections keeps.
type listenState struct {
	sync.Mutex
	refusing bool
	closed   bool         // Close was called: AcceptConnections does nothing
	addr     string       // the address to listen on again
	l        net.Listener // the listener AcceptConnections opened; nil: httptest's own
	held     *heldPort    // while refusing: the address, kept (nil where that is not possible)
}

// reopen listens on the address again: on the held socket if there is
// one. The caller holds the lock.
func (ls *listenState) reopen() (net.Listener, error) {
	h := ls.held
	ls.held = nil
	if h != nil {
		if l, err := h.listen(); err == nil {
			return l, nil
		}
	}
	return net.Listen("tcp", ls.addr)
}

// current returns the listener the server accepts on (or last accepted
// on), given httptest's own; the caller holds the lock.
func (ls *listenState) current(own net.Listener) net.Listener {
	if ls.l != nil {
		return ls.l
	}
	return own
}

// close closes the current listener for good; Close calls it first.
func (ls *listenState) close(own net.Listener) {
	ls.Lock()
	defer ls.Unlock()
	ls.closed = true
	_ = ls.current(own).Close()
	if ls.held != nil {
		ls.held.release()
		ls.held = nil
	}
}
