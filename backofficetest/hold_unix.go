//go:build unix

package backofficetest

import (
	"errors"
	"net"
	"os"
	"syscall"
)

// heldPort keeps a refusing server's address its own: a TCP socket bound
// to it and not listening. A dial to the address is refused (no listener
// answers it), yet the system does not hand the port to another program
// asking for any free one, as it would once the listener was simply
// closed: a test suite running beside this one (go test runs packages in
// parallel) would otherwise be listening there a few thousand listens
// later, and this server's clients would talk to it. AcceptConnections
// makes the same socket listen, so there is no moment when the address is
// free.
type heldPort struct{ fd int }

// holdPort binds a socket to addr, which a listener has just released.
// SO_REUSEADDR lets it bind over the connections the server closed, still
// in TIME_WAIT on that port.
func holdPort(addr net.Addr) (*heldPort, error) {
	ta, ok := addr.(*net.TCPAddr)
	if !ok {
		return nil, errors.New("not a TCP address")
	}
	family, sa := syscall.AF_INET6, syscall.Sockaddr(nil)
	if ip4 := ta.IP.To4(); ip4 != nil {
		a := &syscall.SockaddrInet4{Port: ta.Port}
		copy(a.Addr[:], ip4)
		family, sa = syscall.AF_INET, a
	} else {
		a := &syscall.SockaddrInet6{Port: ta.Port}
		copy(a.Addr[:], ta.IP.To16())
		sa = a
	}
	syscall.ForkLock.RLock() // no child may inherit it (SOCK_CLOEXEC is not portable)
	fd, err := syscall.Socket(family, syscall.SOCK_STREAM, 0)
	if err == nil {
		syscall.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return nil, err
	}
	if err := syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	if err := syscall.Bind(fd, sa); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	return &heldPort{fd: fd}, nil
}

// listen makes the held socket listen and returns it as a net.Listener;
// the port is then the listener's. The socket is h's no longer, whatever
// the result.
func (h *heldPort) listen() (net.Listener, error) {
	if err := syscall.Listen(h.fd, syscall.SOMAXCONN); err != nil {
		syscall.Close(h.fd)
		return nil, err
	}
	f := os.NewFile(uintptr(h.fd), "backofficetest-listener")
	defer f.Close() // FileListener holds its own duplicate
	return net.FileListener(f)
}

// release frees the port without listening.
func (h *heldPort) release() { syscall.Close(h.fd) }
