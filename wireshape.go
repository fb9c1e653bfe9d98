package backoffice

import (
	"context"
	"net/http"

	"github.com/c81406b6/backoffice/internal/wire"
)

// wireShape is one gateway variant's wire: everything in which the bearer
// gateway (bearerwire.go) and the checksum platform (checksumwire.go)
// differ. A Client holds one, chosen by its credentials; the shared
// plumbing (validation, retries, reconciliation's pacing, decoding) asks
// it instead of testing the variant. Adding a variant means adding one
// implementation.
type wireShape interface {
	// describe is the Client's String: the variant, base and the
	// account's public id, never a secret.
	describe(base string) string
	// headers adds what the variant needs on every request: the
	// authenticating header, if it authenticates by header, and Accept
	// where the platform chooses its answer's format by it.
	headers(h http.Header)
	// secrets are the credentials masked wherever an answer echoes them.
	secrets() []string
	// validateID checks a payment id as the variant's gateway writes them.
	validateID(field, id string) error
	// moves reports whether the variant can send money-moving op; the
	// others are ErrUnsupported.
	moves(op PaymentType) bool
	// checkReversal applies the variant's own rule on a reversal's
	// amount, before anything else is checked.
	checkReversal(full bool) error
	// transact builds the form of validated money-moving call cl, sends
	// it and returns its outcome (Client.move).
	transact(ctx context.Context, c *Client, cl *call, m money) (*Payment, error)
	// prepareInquire sets cl.req to the inquiry of payment cl.target.
	prepareInquire(c *Client, cl *call)
	// complete finishes mapping an answer of this variant onto p.
	complete(w *wire.Payment, p *Payment, cl *call)
	// accepted reports whether an answer means the gateway took the
	// request: success, success needing review, or pending.
	accepted(p *Payment) bool
	// misrouted says why an answer cannot be cl's, or "" when nothing it
	// states contradicts the request.
	misrouted(p *Payment, cl *call, statesAmount bool) string
	// lookupKey is what look-ups of cl are paced by.
	lookupKey(cl *call) string
	// lookOnce makes one look-up for cl, without retries (reconcile).
	lookOnce(ctx context.Context, c *Client, cl *call) lookup
}

// codeAccepted reports a result code that means success, success needing
// review, or pending.
func codeAccepted(p *Payment) bool {
	return p.Result.Code.IsSuccessful() || p.Result.Code.IsPending()
}
