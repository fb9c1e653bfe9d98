package backoffice_test

import (
	"context"
	"errors"
	"testing"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ledgerCall is one money-moving operation on a target the fake booked
// for it: the args and what the ledger holds of it afterwards.
type ledgerCall struct {
	args   opArgs
	booked func() []backofficetest.Entry
}

func newLedgerCall(srv *backofficetest.Server, op variantOp, mtid string) ledgerCall {
	target := op.target.book(srv)
	if op.v == checksumVariant {
		return ledgerCall{op.ledgerArgs(srv.TrackingID(target), ""), func() []backofficetest.Entry { return srv.Entries(target, op.paymentType) }}
	}
	return ledgerCall{op.ledgerArgs(target, mtid), func() []backofficetest.Entry { return bookings(srv, mtid) }}
}

// WithBeforeSend's function runs once per money-moving call, before the
// call's request reaches the gateway, and what it is given is enough, on
// its own and on a fresh Client, to settle the call with Resolve: as a job
// that journalled it and then died would have to, with no answer ever seen
// (a checksum refund included: the description carries RefundedBefore).
func TestBeforeSendDescribesTheCallFirst(t *testing.T) {
	t.Parallel()
	for _, op := range ledgerOps {
		t.Run(op.String(), func(t *testing.T) {
			t.Parallel()
			srv := backofficetest.NewServer()
			t.Cleanup(srv.Close)
			c := newTestClient(t, srv.URL, op.v.fakeCreds(srv), withMatrixPolicy)
			lc := newLedgerCall(srv, op, "before-send-"+op.name)
			var described []*backoffice.UncertainError
			ctx := backoffice.WithBeforeSend(context.Background(), func(u *backoffice.UncertainError) error {
				for _, r := range srv.Requests() {
					assert.NotEqual(t, op.fakeOp(), r.Op, "the operation's request arrived before the function ran")
				}
				described = append(described, u)
				return nil
			})

			_, _, err := op.call(ctx, c, lc.args)

			require.NoError(t, err)
			require.Len(t, described, 1, "once per call")
			u := described[0]
			assert.Equal(t, op.paymentType, u.Operation)
			assert.True(t, u.SentAt.IsZero(), "not sent yet")
			if op.v == checksumVariant && op.paymentType == backoffice.PaymentTypeRefund {
				require.NotNil(t, u.RefundedBefore, "a checksum refund's description carries the refunded amount read first")
			}
			assert.Empty(t, resolvesTo(t, srv, op.v, u, lc.booked()))
		})
	}
}

// When the function fails, nothing is sent: the call is not booked, and
// says so with a *NotSentError wrapping the function's error.
func TestBeforeSendFailureSendsNothing(t *testing.T) {
	t.Parallel()
	journalFull := errors.New("journal: no space left on device")
	for _, op := range ledgerOps {
		t.Run(op.String(), func(t *testing.T) {
			t.Parallel()
			srv := backofficetest.NewServer()
			t.Cleanup(srv.Close)
			c := newTestClient(t, srv.URL, op.v.fakeCreds(srv), withMatrixPolicy)
			lc := newLedgerCall(srv, op, "before-send-fails-"+op.name)
			ctx := backoffice.WithBeforeSend(context.Background(), func(*backoffice.UncertainError) error { return journalFull })

			_, _, err := op.call(ctx, c, lc.args)

			var ns *backoffice.NotSentError
			require.ErrorAs(t, err, &ns)
			require.ErrorIs(t, err, journalFull)
			assert.Equal(t, backoffice.NotBooked, backoffice.OutcomeOf(err))
			for _, r := range srv.Requests() {
				assert.NotEqual(t, op.fakeOp(), r.Op, "sent although the function failed")
			}
			assert.Empty(t, lc.booked())
		})
	}
}
