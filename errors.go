package backoffice

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// ErrUnsupported reports an operation that the credentials' gateway variant
// does not have, such as Rebill with ChecksumCredentials. Nothing was sent.
// Test for it with errors.Is.
var ErrUnsupported = errors.New("backoffice: operation not supported by this gateway variant")

// OperationError names the Client method an error came from, so that
// callers and logs need not parse strings: "backoffice: Credit: operation
// not supported by this gateway variant". Err is the cause; errors.Is and
// errors.As see through it, and OutcomeOf judges the cause.
type OperationError struct {
	Op  string // the method: "Refund", "Inquire", "Resolve", ...
	Err error
}

// Error is "backoffice: Op: cause", with the cause's own "backoffice: "
// prefix dropped so that it does not stutter.
func (e *OperationError) Error() string {
	return "backoffice: " + e.Op + ": " + strings.TrimPrefix(e.Err.Error(), "backoffice: ")
}

// Unwrap returns the cause.
func (e *OperationError) Unwrap() error { return e.Err }

// opErr wraps err with the method it came from.
func opErr(op string, err error) error { return &OperationError{Op: op, Err: err} }

// ValidationError reports input the SDK refused before sending anything:
// nothing left the process, so nothing happened at the gateway. Field names
// the offending request field (as in the Go struct, e.g. "Amount" or
// "Card.Number"); Message says what is wrong without repeating any secret.
type ValidationError struct {
	Field   string
	Message string
}

// Error names the field and what is wrong with it.
func (e *ValidationError) Error() string {
	return "backoffice: invalid " + e.Field + ": " + e.Message
}

// ResultError reports that the gateway answered and refused the request:
// a decline, a failed business rule, invalid parameters or bad credentials.
// The refusal is final for this request; sending the same request again will
// not change it (throttling, which the SDK retries itself, is the exception).
type ResultError struct {
	StatusCode int      // HTTP status of the answer
	Result     Result   // the gateway's code, description and parameter errors
	Payment    *Payment // the whole answer, when the body was a payment
}

// Error gives the status, the result code and description, and at most
// five parameter errors (names and messages, never their values).
func (e *ResultError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "backoffice: gateway refused (HTTP %d): %s", e.StatusCode, e.Result.Code)
	if d := e.Result.Description; d != "" {
		b.WriteString(" ")
		b.WriteString(truncate(d, 256))
	}
	pes := e.Result.ParameterErrors
	for i, pe := range pes[:min(len(pes), maxParameterErrorsShown)] {
		if i == 0 {
			b.WriteString(" (")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(truncate(pe.Name, 64))
		if pe.Message != "" {
			b.WriteString(": ")
			b.WriteString(truncate(pe.Message, 160))
		}
	}
	if n := len(pes) - maxParameterErrorsShown; n > 0 {
		fmt.Fprintf(&b, "; and %d more", n)
	}
	if len(pes) > 0 {
		b.WriteString(")")
	}
	return b.String()
}

// Is makes errors.Is(err, ErrNotFound) true for an answer that found
// nothing: 700.400.580, or the checksum variant's "record not found".
func (e *ResultError) Is(target error) bool {
	return target == ErrNotFound && (e.Result.Code == CodeNotFound || e.Result.Code == checksumNotFound)
}

// UncertainError reports a money-moving request that was sent but whose
// outcome could not be established: the answer was lost, garbled or cut off,
// and no look-up could yet prove either a booking or its absence. The
// gateway may or may not have booked it. Never send the same operation again
// blindly: call Client.Resolve with it (now, or later from a stored copy) to
// learn what became of it.
//
// It marshals to JSON and back without secrets, so a job can store it and
// resolve it after a restart, from any Client with the same credentials.
// Err is not marshalled.
type UncertainError struct {
	MerchantTransactionID string          `json:"merchantTransactionId"`
	Operation             PaymentType     `json:"operation"`           // what the call was to create: RF, CP, ...
	PaymentID             string          `json:"paymentId,omitempty"` // the payment it acted on; "" for a credit
	Amount                decimal.Decimal `json:"amount"`              // zero for a full reversal
	Currency              string          `json:"currency,omitempty"`
	SentAt                time.Time       `json:"sentAt"` // when the last attempt was sent

	// RefundedBefore is, for a checksum-platform refund, the payment's
	// refundamount read just before the refund was sent: Resolve settles the
	// refund by comparing the refunded amount with it (booked when it grew
	// by exactly Amount, absent when unchanged after the settle time). nil
	// elsewhere.
	RefundedBefore *decimal.Decimal `json:"refundedBefore,omitempty"`

	// CapturedBefore and StatusBefore are, for a checksum-platform capture
	// or reversal, the payment's captureamount and status read just before
	// it was sent: Resolve takes a capture as booked only when the captured
	// amount grew by exactly Amount, a reversal only when the payment
	// became authcancelled, so that a booking made before the call is never
	// taken for it. nil and "" elsewhere.
	CapturedBefore *decimal.Decimal `json:"capturedBefore,omitempty"`
	StatusBefore   string           `json:"statusBefore,omitempty"`

	// Err says why the outcome is unknown. Its chain never holds an error
	// that means "nothing booked" (*ResultError, *HTTPError, *NotSentError,
	// *ValidationError), so errors.As cannot mistake an uncertain call for
	// a refusal.
	Err error `json:"-"`
}

// Error names the operation, the payment and the merchantTransactionId to
// resolve it by.
func (e *UncertainError) Error() string {
	var b strings.Builder
	b.WriteString("backoffice: outcome unknown for ")
	if name := opNames[e.Operation]; name != "" {
		b.WriteString(name)
	} else {
		b.WriteString("operation")
	}
	if e.PaymentID != "" {
		b.WriteString(" of payment ")
		b.WriteString(e.PaymentID)
	}
	fmt.Fprintf(&b, " (merchantTransactionId %q)", e.MerchantTransactionID)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	b.WriteString("; resolve it with Client.Resolve before acting")
	return b.String()
}

// Unwrap returns the cause, so errors.Is(err, context.DeadlineExceeded) works.
func (e *UncertainError) Unwrap() error { return e.Err }

// HTTPError reports an answer that is not a gateway result: an HTML page from
// a proxy, an empty or truncated body, a body over the size limit, or a
// content type other than JSON. StatusCode is the HTTP status received.
//
// For a money-moving call the SDK returns it only for statuses that prove
// nothing was booked (a redirect it did not follow, a 4xx other than 408
// and 429); any other such answer is ambiguous and ends in a look-up, and
// in an *UncertainError (which describes it, never wraps it) when the
// look-up settles nothing.
type HTTPError struct {
	StatusCode  int
	ContentType string
	Reason      string // what was wrong with the body, never the body itself
}

// Error names the HTTP status, the content type and what was wrong.
func (e *HTTPError) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "none"
	}
	return fmt.Sprintf("backoffice: HTTP %d without a gateway result (content type %s): %s", e.StatusCode, ct, e.Reason)
}

// NotSentError reports a request that never reached the gateway: the
// connection could not be made (DNS, refused, TLS, a proxy's CONNECT) or
// the context ended before the request was written, after the configured
// retries. Nothing was booked; it is safe to try again later. The SDK says
// "not sent" only with proof: with a RoundTripper that hides whether the
// request was written, any other failure counts as sent.
type NotSentError struct {
	Err error
}

// Error says the request was not sent, and why.
func (e *NotSentError) Error() string { return "backoffice: request not sent: " + e.Err.Error() }

// Unwrap returns the cause, such as a dial error or the context's error.
func (e *NotSentError) Unwrap() error { return e.Err }

// RefundWindowError reports a Refund refused before sending because the
// purchase is older than its country's refund window (see RefundWindowFor).
// Money can still be returned with a stand-alone Credit.
type RefundWindowError struct {
	Country  string
	Deadline time.Time
}

// Error gives the deadline and points to Credit.
func (e *RefundWindowError) Error() string {
	return fmt.Sprintf("backoffice: refund window for %s closed on %s; return the money with a stand-alone credit (Client.Credit) instead",
		e.Country, e.Deadline.Format("2006-01-02"))
}

// maxParameterErrorsShown keeps an error message readable whatever a
// gateway sends; ResultError.Result keeps them all.
const maxParameterErrorsShown = 5

// truncate shortens s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Message: fmt.Sprintf(format, args...)}
}
