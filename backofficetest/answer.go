package backofficetest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// answer is an HTTP response not yet written, so that a fault can mangle
// or discard it after the request was processed.
type answer struct {
	status      int
	contentType string
	body        []byte
	retryAfter  time.Duration
	location    string // a redirect's Location
}

const (
	contentTypeJSON = "application/json;charset=UTF-8"
	contentTypeHTML = "text/html;charset=UTF-8"
)

func jsonAnswer(status int, v any) answer {
	return answer{status: status, contentType: contentTypeJSON, body: mustMarshal(v)}
}

func mustMarshal(v any) []byte {
	body, err := json.Marshal(v)
	if err != nil {
		panic("backofficetest: encoding an answer: " + err.Error()) // our own types: cannot happen
	}
	return body
}

func htmlAnswer(status int, body string) answer {
	return answer{status: status, contentType: contentTypeHTML, body: []byte(body)}
}

// write sends a. Content-Length is always set, so a truncated body reads as
// complete.
func (a answer) write(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("Content-Length", strconv.Itoa(len(a.body)))
	if a.location != "" {
		h.Set("Location", a.location)
	}
	if a.retryAfter > 0 {
		h.Set("Retry-After", strconv.FormatInt(int64((a.retryAfter+time.Second-1)/time.Second), 10))
	}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body) // a client that went away is none of the fake's business
}
