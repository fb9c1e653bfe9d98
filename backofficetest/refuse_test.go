package backofficetest_test

import (
	"net"
	"net/http"
	"testing"

	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/stretchr/testify/require"
)

// A server that refuses connections before it ever served one accepts
// them again on the same address, without a data race on the listener
// (run under -race: AcceptConnections once replaced httptest's listener
// field, which httptest's serving goroutine had read unsynchronized).
func TestRefuseThenAcceptBeforeAnyRequest(t *testing.T) {
	srv := backofficetest.NewServer()
	t.Cleanup(srv.Close)
	addr := srv.URL[len("http://"):]

	srv.RefuseConnections()
	_, err := net.Dial("tcp", addr)
	require.Error(t, err, "refusing: a dial must fail")

	srv.AcceptConnections()
	resp, err := http.Get(srv.URL + "/v1/query/nothing")
	require.NoError(t, err, "accepting again: the server answers")
	resp.Body.Close()
}

// Close stops the listener AcceptConnections opened, and a later
// AcceptConnections does not listen again.
func TestCloseAfterAcceptStopsListening(t *testing.T) {
	srv := backofficetest.NewServer()
	addr := srv.URL[len("http://"):]
	srv.RefuseConnections()
	srv.AcceptConnections()
	srv.Close()
	_, err := net.Dial("tcp", addr)
	require.Error(t, err, "closed: a dial must fail")
	srv.AcceptConnections()
	_, err = net.Dial("tcp", addr)
	require.Error(t, err, "AcceptConnections after Close must not listen again")
}
