package webhook

import (
	"context"
	"errors"
	"io"
	"net/http"
)

// MaxBodyBytes bounds what Handler reads of a delivery. A PAYMENT payload
// is the payment's answer: the documentation's full sample, with customer,
// billing, card, risk and custom parameters, is about 2 KB, and cart items
// and resultDetails rarely add more than tens of KB. Hex doubles it and the
// JSON wrapper adds 20 bytes. 1 MiB leaves ample headroom for the largest
// real notification while capping the memory a stranger's POST can claim.
const MaxBodyBytes = 1 << 20

// Handler returns an http.Handler for the webhook's URL. For each POST it
// reads at most MaxBodyBytes, decrypts and decodes the delivery with Parse
// under secret, calls fn with the request's context, and answers:
//
//   - 200 once fn returned nil, and only then;
//   - 400 when the delivery cannot be decrypted or decoded (fn is not
//     called), 413 when the body is over MaxBodyBytes, 405 for a method
//     other than POST;
//   - 500 when fn returned an error, or when secret itself is malformed
//     (fn is not called).
//
// The gateway retries every non-2xx for up to 30 days, so a notification
// fn failed on, or one sent while the secret was wrong, comes again once
// the cause is fixed; a forged delivery gets 400 and nothing else. The
// gateway waits 30 seconds for the answer: fn should persist or enqueue
// and return. fn must be idempotent (see the package documentation).
//
// Handler never logs, and its answers name what was wrong in general terms
// only: never the secret, the body, fn's error or a card number.
func Handler(secret string, fn func(context.Context, *Notification) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			reply(w, http.StatusMethodNotAllowed, "POST only")
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			reply(w, http.StatusRequestEntityTooLarge, "body too large")
			return
		case err != nil:
			reply(w, http.StatusBadRequest, "body could not be read")
			return
		}
		n, err := Parse(r.Header, body, secret)
		switch {
		case errors.Is(err, ErrSecret):
			reply(w, http.StatusInternalServerError, "webhook secret misconfigured")
			return
		case err != nil:
			reply(w, http.StatusBadRequest, "notification refused: cannot be decrypted or decoded")
			return
		}
		if err := fn(r.Context(), n); err != nil {
			reply(w, http.StatusInternalServerError, "notification not processed; deliver again")
			return
		}
		reply(w, http.StatusOK, "ok")
	})
}

func reply(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, msg+"\n")
}
