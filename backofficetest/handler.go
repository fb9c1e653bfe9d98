package backofficetest

import "net/http"

// Handler returns the server's HTTP handler: every endpoint the Server
// answers on its own URL, over the same ledger, credentials, options and
// faults. Serve it on a listener of your own to give the fake a chosen
// address (the backoffice command's "fake" subcommand does); Close still
// shuts the Server's own listener and waits for bookings in flight.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.handle) }
