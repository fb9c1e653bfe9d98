package backoffice

import (
	"errors"
)

// Outcome is what a money-moving call's error means for the money.
type Outcome int

// The three answers a money-moving call can give about the money.
const (
	// NotBooked: nothing was booked at the gateway, with proof (the request
	// never left, the gateway refused it, or a look-up made after the settle
	// time found nothing). A new call may be made.
	NotBooked Outcome = iota + 1
	// Booked: the gateway booked it (the error is nil).
	Booked
	// Unknown: sent, and the outcome is not established. Do not send the
	// same operation again; settle it first with Client.Resolve.
	Unknown
)

// String returns "not booked", "booked" or "unknown".
func (o Outcome) String() string {
	switch o {
	case NotBooked:
		return "not booked"
	case Booked:
		return "booked"
	case Unknown:
		return "unknown"
	}
	return "Outcome(invalid)"
}

// ErrNotBooked reports, through errors.Is, that the gateway provably did not
// book a call: a look-up made after the settle time found nothing. Resolve
// returns it for an uncertain call that came to nothing; a money-moving call
// wraps it when every attempt it was allowed was proven unbooked.
var ErrNotBooked = errors.New("backoffice: not booked")

// ErrNotFound reports, through errors.Is, a read that the gateway answered
// with "not found": 700.400.580 in the bearer variant, the checksum
// variant's not-found codes. The *ResultError carrying the answer stays in
// the chain.
var ErrNotFound = errors.New("backoffice: not found")

// OutcomeOf tells what err, returned by a money-moving call or by Resolve,
// means for the money:
//
//   - nil: Booked.
//   - an *UncertainError anywhere in the chain: Unknown. This is checked
//     first, because an uncertain call may carry other errors as its causes.
//   - the SDK's own "nothing booked" errors, *ValidationError,
//     *RefundWindowError, *ResultError, *NotSentError, *HTTPError,
//     ErrUnsupported and ErrNotBooked: NotBooked.
//   - anything else (an error the SDK did not make): Unknown.
//
// Branch on OutcomeOf first, then on the error types for the details.
func OutcomeOf(err error) Outcome {
	if err == nil {
		return Booked
	}
	var (
		ue *UncertainError
		ve *ValidationError
		we *RefundWindowError
		re *ResultError
		ne *NotSentError
		he *HTTPError
	)
	switch {
	case errors.As(err, &ue):
		return Unknown
	case errors.As(err, &ve), errors.As(err, &we), errors.As(err, &re), errors.As(err, &ne), errors.As(err, &he),
		errors.Is(err, ErrUnsupported), errors.Is(err, ErrNotBooked):
		return NotBooked
	}
	return Unknown
}
