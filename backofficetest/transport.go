package backofficetest

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxBody bounds what the server reads of a request body; backoffice
// requests are a few hundred bytes.
const maxBody = 1 << 20

// handle is the server's one http.Handler: it reads and records the
// request, picks its fault, and answers (or fails to) accordingly.
func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	s.hard.landDue()
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return // the client went away mid-body
	}
	form := url.Values{}
	if r.Method == http.MethodPost {
		// A malformed pair is dropped; what parses is still read, as a
		// lenient gateway would, and missing fields are reported.
		form, _ = url.ParseQuery(string(body))
	}
	arrived := time.Now()
	rt := s.route(r, form)
	rt.mtid, rt.path = form.Get("merchantTransactionId"), r.URL.Path
	rt.target, _ = segment(strings.TrimPrefix(r.URL.Path, checksumPrefix), "/v1/payments/", "")
	if rt.target == "" {
		rt.target, _ = segment(r.URL.Path, checksumPrefix+"payments/", "")
	}
	req := Request{
		Op:       rt.op,
		Method:   r.Method,
		Path:     r.URL.Path,
		RawQuery: r.URL.RawQuery,
		Body:     body,
		Header:   r.Header.Clone(),
		At:       s.now(),
	}
	if s.hard.throttled(lookupKey(r)) {
		s.gate.log(req)
		rt.refuse(codeThrottled).write(w)
		return
	}
	f := s.gate.admit(req)
	if code, ok := s.gate.takeAnswer(rt.op); ok {
		r = r.WithContext(context.WithValue(r.Context(), forcedCodeKey{}, code))
		mtid, path, target := rt.mtid, rt.path, rt.target
		rt = s.route(r, form)
		rt.mtid, rt.path, rt.target = mtid, path, target
	}
	if f.Latency > 0 && f.Kind != FaultProxyTimeout && !sleep(r.Context(), s.closing, f.Latency) {
		drop(w) // the client gave up, or the fake is closing: no answer either way
		return
	}
	s.deliver(w, rt, f, arrived)
}

// deliver answers per f. Kinds that book call rt.serve(true); kinds that
// must not book never call it, or call it with false to learn the answer.
func (s *Server) deliver(w http.ResponseWriter, rt route, f Fault, arrived time.Time) {
	switch f.Kind {
	case FaultServerError:
		serverError(f).write(w)
	case FaultThrottle, FaultSessionBusy:
		code := codeThrottled
		if f.Kind == FaultSessionBusy {
			code = codeSessionBusy
		}
		a := rt.refuse(code)
		a.retryAfter = f.RetryAfter
		a.write(w)
	case FaultDropBeforeBooking:
		drop(w)
	case FaultDropAfterBooking:
		s.forward(rt, arrived, false)
		drop(w)
	case FaultMalformedJSON:
		if f.Booked {
			s.forward(rt, arrived, false)
		}
		malformed().write(w)
	case FaultTruncatedJSON:
		a := rt.serve(false)
		if f.Booked {
			a = s.forward(rt, arrived, false)
		}
		a.body = a.body[:len(a.body)/2]
		a.write(w)
	case FaultUncertain:
		if f.Booked {
			s.forward(rt, arrived, false)
		}
		rt.refuse(codeUncertain).write(w)
	case FaultProxyTimeout:
		s.forward(rt, arrived, false)
		if f.Latency > 0 {
			sleep(context.Background(), s.closing, f.Latency)
		}
		a := serverError(f)
		a.status = http.StatusGatewayTimeout
		a.body = []byte("<html><head><title>504 Gateway Time-out</title></head><body><h1>504 Gateway Time-out</h1></body></html>")
		a.write(w)
	case FaultRedirect:
		s.redirect(rt, f, arrived, rt.path).write(w)
	case FaultMisrouted:
		s.misrouted(rt, f, arrived).write(w)
	default: // FaultNone, FaultLatency
		s.forward(rt, arrived, true).write(w)
	}
}

// sleep waits d and reports true, or reports false as soon as ctx ends or
// closing (which may be nil) is closed.
func sleep(ctx context.Context, closing <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-closing:
		return false
	}
}

func serverError(f Fault) answer {
	code := f.StatusCode
	if code == 0 {
		code = http.StatusServiceUnavailable
	}
	title := http.StatusText(code)
	a := htmlAnswer(code, "<html><head><title>"+title+"</title></head><body><h1>"+title+
		"</h1><p>The server cannot handle the request right now.</p></body></html>")
	a.retryAfter = f.RetryAfter
	return a
}

// malformed is an HTTP 200 answer that starts like a payment and is not
// JSON.
func malformed() answer {
	return answer{status: http.StatusOK, contentType: contentTypeJSON,
		body: []byte(`{"id":"` + newID() + `","result":{"code":<!-- upstream error -->`)}
}

// drop closes the connection without answering. Without a hijackable
// connection (HTTP/2) it aborts the handler, which resets the stream.
func drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}
