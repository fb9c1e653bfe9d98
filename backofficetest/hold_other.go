//go:build !unix

package backofficetest

import (
	"errors"
	"net"
)

// heldPort is unix-only; elsewhere a refusing server closes its listener
// and listens again on the same address, which another program may have
// taken meanwhile (AcceptConnections then panics).
type heldPort struct{}

func holdPort(net.Addr) (*heldPort, error) { return nil, errors.New("not supported") }

func (*heldPort) listen() (net.Listener, error) { return nil, errors.New("not supported") }

func (*heldPort) release() {}
