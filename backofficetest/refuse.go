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
func (s *Server) RefuseConnections() {
	s.listen.Lock()
	defer s.listen.Unlock()
	if s.listen.refusing {
		return
	}
	s.listen.refusing = true
	s.listen.addr = s.ts.Listener.Addr().String()
	_ = s.ts.Listener.Close()
	s.conns.closeIdle(time.Second)
	s.ts.CloseClientConnections()
}

// AcceptConnections undoes RefuseConnections. It panics if the address
// cannot be listened on again (another process took the port).
func (s *Server) AcceptConnections() {
	s.listen.Lock()
	defer s.listen.Unlock()
	if !s.listen.refusing {
		return
	}
	l, err := net.Listen("tcp", s.listen.addr)
	if err != nil {
		panic("backofficetest: AcceptConnections: " + err.Error())
	}
	s.listen.refusing = false
	s.ts.Listener = l
	go func() { _ = s.ts.Config.Serve(l) }()
}

// listenState is what RefuseConnections keeps.
type listenState struct {
	sync.Mutex
	refusing bool
	addr     string
}
