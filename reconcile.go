package backoffice

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/c81406b6/backoffice/internal/pace"
)

// state is what the look-ups established about a money-moving call.
type state int

const (
	stateUnknown state = iota // neither a booking nor its absence is proven
	stateFound                // exactly one record is this call's
	stateAbsent               // a look-up after the settle time found nothing
)

// lookup is what one look-up established, and why.
type lookup struct {
	state  state
	p      *Payment // the record, when found
	why    error    // why it is unknown, or why absence is not yet proof
	status int      // the HTTP status of the answer that found p
	final  bool     // unknown for good: more look-ups cannot change it
}

// reconcile looks the call up until it finds the booking, proves its
// absence, or can look no more: by merchantTransactionId (bearer), or by
// the state of the payment it acted on (checksum, see
// checksumWire.lookOnce). Look-ups of one id are spaced by LookupInterval
// (shared by every call of the Client), the first made MinWait after the
// attempt was sent. "Not found" proves absence only
// from a look-up made after sentAt+SettleTime, and never when booked says
// the gateway hinted at an earlier booking.
//
// A synchronous call (sync) stops after its second look-up past the settle
// time; Resolve goes on until ctx ends. Neither waits for a look-up whose
// turn comes after ctx's deadline.
func (c *Client) reconcile(ctx context.Context, cl *call, booked, sync bool) (lookup, error) {
	settleAt := cl.sentAt.Add(c.retry.SettleTime)
	notBefore := cl.sentAt.Add(c.retry.MinWait)
	why := errors.New("no look-up was made")
	pastSettle := 0
	for {
		if err := c.pace.Wait(ctx, c.lookupKey(cl), notBefore); err != nil {
			if errors.Is(err, pace.ErrNoTime) {
				return lookup{}, fmt.Errorf("%w; %w", why, err)
			}
			return lookup{}, fmt.Errorf("%w; then %w", why, err)
		}
		at := time.Now()
		c.debug(ctx, "backoffice: ambiguous outcome; looking up merchantTransactionId", cl)
		l := c.lookOnce(ctx, cl)
		switch {
		case l.state == stateFound:
			return l, nil
		case l.state == stateAbsent && booked:
			l.why = errors.New("the look-up found nothing, though the gateway's answer said the request was processed or booked")
		case l.state == stateAbsent && at.After(settleAt):
			return l, nil
		case l.state == stateAbsent:
			l.why = fmt.Errorf("the look-up found nothing, but it came %s before the settle time, while a booking could still land",
				settleAt.Sub(at).Round(time.Millisecond))
		}
		why = l.why
		if l.final || ctx.Err() != nil {
			return lookup{}, why
		}
		if at.After(settleAt) {
			pastSettle++
			if sync && pastSettle >= 2 {
				return lookup{}, why
			}
		}
		notBefore = at
	}
}

// lookupKey is what look-ups of cl are paced by: its merchantTransactionId,
// or on the checksum platform the payment it acted on.
func (c *Client) lookupKey(cl *call) string { return c.wire.lookupKey(cl) }

// lookOnce makes one look-up for cl, without retries, as its variant
// looks up (wireShape.lookOnce).
func (c *Client) lookOnce(ctx context.Context, cl *call) lookup { return c.wire.lookOnce(ctx, c, cl) }

// pick finds this call's record among the records a look-up by its
// merchantTransactionId returned. Every record must carry that id exactly,
// or the answer is not about it. A record is the call's only when type,
// amount, currency and referenced payment (when the record names one) match
// too; records that carry the id and do not match are other operations
// that reused it. No match at all counts as "not found".
func (c *Client) pick(ps []Payment, status int, cl *call) lookup {
	if len(ps) == 0 {
		return lookup{why: errors.New("the look-up answered success with no records")}
	}
	var match *Payment
	n := 0
	for i := range ps {
		p := &ps[i]
		if p.MerchantTransactionID != cl.mtid {
			return lookup{why: fmt.Errorf("the look-up returned a record of merchantTransactionId %q", p.MerchantTransactionID)}
		}
		if c.misrouted(p, cl, !p.Amount.IsZero()) == "" && p.PaymentType == cl.op {
			match = p
			n++
		}
	}
	switch {
	case n > 1:
		return lookup{final: true, why: fmt.Errorf("%d records match merchantTransactionId %q; give each operation its own", n, cl.mtid)}
	case n == 0:
		return lookup{state: stateAbsent}
	case match.Result.Code == CodeUncertain || match.Result.Code == codePartialFailure:
		return lookup{final: true, why: fmt.Errorf("the gateway recorded it as %s (%s)", match.Result.Code, match.Result.Description)}
	}
	return lookup{state: stateFound, p: match, status: status}
}
