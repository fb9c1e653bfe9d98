package backoffice

import (
	"context"
	"fmt"
)

// WithBeforeSend returns a copy of ctx under which each money-moving call
// (Capture, Refund, Reverse, Rebill, Credit, Chargeback,
// ReverseChargeback) calls fn once, after its request passed validation
// and before the request first leaves, with the *UncertainError that would
// describe the call were its outcome to become unknown (SentAt zero: "sent
// just now" to Resolve). On the checksum platform a refund's fn comes
// after the read of the payment's refunded amount, and the description
// carries it as RefundedBefore.
//
// It is a write-ahead hook: a job that stores the description durably in
// fn (a journal, a database row) can settle the call with Resolve from that
// copy after a crash at any later instant, even one that left no answer at
// all. Without it a checksum refund cut off that way cannot be settled,
// since its RefundedBefore is known only to the process that died.
//
// If fn returns an error, nothing is sent and the call returns a
// *NotSentError wrapping it. fn runs on the calling goroutine; it is not
// called for a call that fails validation or that cannot be sent.
func WithBeforeSend(ctx context.Context, fn func(*UncertainError) error) context.Context {
	return context.WithValue(ctx, beforeSendKey{}, fn)
}

type beforeSendKey struct{}

// beforeSend runs ctx's WithBeforeSend function, if any, for cl.
func (c *Client) beforeSend(ctx context.Context, cl *call) error {
	fn, _ := ctx.Value(beforeSendKey{}).(func(*UncertainError) error)
	if fn == nil {
		return nil
	}
	if err := fn(cl.describe()); err != nil {
		return &NotSentError{Err: fmt.Errorf("%s not sent: the WithBeforeSend function failed: %w", cl.name, err)}
	}
	return nil
}
