package backofficetest

import (
	"net/http"
	"slices"
	"time"
)

// Request is one HTTP request as the server received it, kept so tests can
// assert on what a client sent, for example that a retry's body is
// byte-identical to the first attempt's.
type Request struct {
	Op       Op // "" when the server could not tell what was asked (unknown path or paymentType)
	Method   string
	Path     string
	RawQuery string
	Body     []byte      // as received, card data and all; the server never prints it
	Header   http.Header // a copy, Authorization included
	At       time.Time   // arrival, by the server's clock
}

// Requests returns every request received so far, in arrival order, the
// order in which InjectFault counts them. The result is the caller's to
// modify.
func (s *Server) Requests() []Request {
	s.gate.mu.Lock()
	defer s.gate.mu.Unlock()
	out := slices.Clone(s.gate.requests)
	for i := range out {
		out[i].Body = slices.Clone(out[i].Body)
		out[i].Header = out[i].Header.Clone()
	}
	return out
}
