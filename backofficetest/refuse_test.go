package backofficetest_test

import (
	"net"
	"net/http"
	"runtime"
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

// While a server refuses connections, its address stays its own: the
// system hands its port to no one asking for a free one, as it would once
// a listener was closed (a few thousand listens later here, ports being
// picked at random). A test suite running beside this one once listened
// there while a test's gateway was "down", and the test's client talked
// to it. Each listen has about one chance in 14,000 to get a free port,
// so 60,000 listens find it nearly every time (99 %) when it is free.
func TestRefusingServerKeepsItsAddress(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the address is kept on Unix systems only")
	}
	srv := backofficetest.NewServer()
	t.Cleanup(srv.Close)
	addr := srv.URL[len("http://"):]
	host, _, err := net.SplitHostPort(addr)
	require.NoError(t, err)

	srv.RefuseConnections()
	n := 60000
	if testing.Short() {
		n = 5000
	}
	for i := range n {
		l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		require.NoError(t, err)
		got := l.Addr().String()
		l.Close()
		require.NotEqual(t, addr, got, "listen %d was given the refusing server's address", i+1)
	}
	_, err = net.Dial("tcp", addr)
	require.Error(t, err, "refusing: a dial must still fail")

	srv.AcceptConnections()
	resp, err := http.Get(srv.URL + "/v1/query/nothing")
	require.NoError(t, err, "accepting again: the server answers on its address")
	resp.Body.Close()
}
