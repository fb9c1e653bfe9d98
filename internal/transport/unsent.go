package transport

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
)

// unsentError wraps a failure the SDK itself caused before handing the
// request to a connection, such as a rate limiter's wait cut short.
type unsentError struct{ err error }

func (e *unsentError) Error() string { return e.err.Error() }
func (e *unsentError) Unwrap() error { return e.err }

// Unsent reports whether err provably happened before any byte of the
// request was written: a name that did not resolve, a connection that
// could not be made (directly or through a proxy's CONNECT), a TLS
// handshake that failed on the server's certificate or record layer, or a
// wait of the SDK's own. Everything else may have happened after the
// request was written, and so may have been booked.
func Unsent(err error) bool {
	var (
		dns     *net.DNSError
		op      *net.OpError
		unsent  *unsentError
		verify  *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		invalid x509.CertificateInvalidError
		record  tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &unsent), errors.As(err, &dns), errors.As(err, &verify), errors.As(err, &unknown),
		errors.As(err, &host), errors.As(err, &invalid), errors.As(err, &record):
		return true
	case errors.As(err, &op):
		return op.Op == "dial" || op.Op == "proxyconnect"
	}
	return false
}
