package backofficetest

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"time"
)

// maxBody bounds what the server reads of a request body; backoffice
// requests are a few hundred bytes.
const maxBody = 1 << 20

// handle is the server's one http.Handler: it reads and records the
// request, picks its fault, and answers (or fails to) accordingly.
func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
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
	rt := s.route(r, form)
	f := s.gate.admit(Request{
		Op:       rt.op,
		Method:   r.Method,
		Path:     r.URL.Path,
		RawQuery: r.URL.RawQuery,
		Body:     body,
		Header:   r.Header.Clone(),
		At:       s.now(),
	})
	if f.Latency > 0 && !sleep(r.Context(), f.Latency) {
		return
	}
	s.deliver(w, rt, f)
}

// deliver answers per f. Kinds that book call rt.serve(true); kinds that
// must not book never call it, or call it with false to learn the answer.
func (s *Server) deliver(w http.ResponseWriter, rt route, f Fault) {
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
		rt.serve(true)
		drop(w)
	case FaultMalformedJSON:
		if f.Booked {
			rt.serve(true)
		}
		malformed().write(w)
	case FaultTruncatedJSON:
		a := rt.serve(f.Booked)
		a.body = a.body[:len(a.body)/2]
		a.write(w)
	case FaultUncertain:
		if f.Booked {
			rt.serve(true)
		}
		rt.refuse(codeUncertain).write(w)
	default: // FaultNone, FaultLatency
		rt.serve(true).write(w)
	}
}

// sleep waits d and reports true, or reports false as soon as ctx ends.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
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
