package backoffice_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ledgerOp is one money-moving operation, set up against a fresh fake
// gateway and run with a given merchantTransactionId.
type ledgerOp struct {
	name     string
	op       backofficetest.Op
	checksum bool
	// setup books what the operation needs and returns its target.
	setup func(t *testing.T, srv *backofficetest.Server, c *backoffice.Client) string
	do    func(c *backoffice.Client, target, mtid string) (*backoffice.Payment, error)
}

var bg = context.Background()

func preauthorized(_ *testing.T, srv *backofficetest.Server, _ *backoffice.Client) string {
	return srv.Preauthorize(dec("100.00"), "EUR")
}

func debited(_ *testing.T, srv *backofficetest.Server, _ *backoffice.Client) string {
	return srv.Debit(dec("100.00"), "EUR")
}

var ledgerOps = []ledgerOp{
	{"bearer CP", backofficetest.OpCapture, false, preauthorized, func(c *backoffice.Client, id, m string) (*backoffice.Payment, error) {
		return c.Capture(bg, id, backoffice.CaptureRequest{Amount: dec("10.00"), Currency: "EUR", MerchantTransactionID: m})
	}},
	{"bearer RF", backofficetest.OpRefund, false, debited, func(c *backoffice.Client, id, m string) (*backoffice.Payment, error) {
		return c.Refund(bg, id, backoffice.RefundRequest{Amount: dec("10.00"), Currency: "EUR", MerchantTransactionID: m})
	}},
	{"bearer RV", backofficetest.OpReversal, false, preauthorized, func(c *backoffice.Client, id, m string) (*backoffice.Payment, error) {
		return c.Reverse(bg, id, backoffice.ReversalRequest{MerchantTransactionID: m})
	}},
	{"bearer RB", backofficetest.OpRebill, false, debited, func(c *backoffice.Client, id, m string) (*backoffice.Payment, error) {
		return c.Rebill(bg, id, backoffice.RebillRequest{Amount: dec("10.00"), Currency: "EUR", MerchantTransactionID: m})
	}},
	{"bearer CB", backofficetest.OpChargeback, false, debited, func(c *backoffice.Client, id, m string) (*backoffice.Payment, error) {
		return c.Chargeback(bg, id, backoffice.ChargebackRequest{Amount: dec("10.00"), Currency: "EUR", MerchantTransactionID: m})
	}},
	{"bearer CR", backofficetest.OpChargebackReversal, false, func(t *testing.T, srv *backofficetest.Server, c *backoffice.Client) string {
		cb, err := c.Chargeback(bg, srv.Debit(dec("100.00"), "EUR"), backoffice.ChargebackRequest{Amount: dec("10.00"), Currency: "EUR"})
		require.NoError(t, err)
		return cb.ID
	}, func(c *backoffice.Client, id, m string) (*backoffice.Payment, error) {
		return c.ReverseChargeback(bg, id, backoffice.ChargebackReversalRequest{Amount: dec("10.00"), Currency: "EUR", MerchantTransactionID: m})
	}},
	{"bearer CD", backofficetest.OpCredit, false, func(*testing.T, *backofficetest.Server, *backoffice.Client) string { return "" },
		func(c *backoffice.Client, _, m string) (*backoffice.Payment, error) {
			return c.Credit(bg, backoffice.CreditRequest{Amount: dec("10.00"), Currency: "EUR", PaymentBrand: "VISA", Card: card, MerchantTransactionID: m})
		}},
	{"checksum CP", backofficetest.OpCapture, true, preauthorized, func(c *backoffice.Client, id, m string) (*backoffice.Payment, error) {
		return c.Capture(bg, id, backoffice.CaptureRequest{Amount: dec("10.00"), Currency: "EUR", MerchantTransactionID: m})
	}},
	{"checksum RF", backofficetest.OpRefund, true, debited, func(c *backoffice.Client, id, m string) (*backoffice.Payment, error) {
		return c.Refund(bg, id, backoffice.RefundRequest{Amount: dec("10.00"), Currency: "EUR", MerchantTransactionID: m})
	}},
	{"checksum RV", backofficetest.OpReversal, true, preauthorized, func(c *backoffice.Client, id, m string) (*backoffice.Payment, error) {
		return c.Reverse(bg, id, backoffice.ReversalRequest{MerchantTransactionID: m})
	}},
}

var faultKinds = []backofficetest.Fault{
	{Kind: backofficetest.FaultLatency, Latency: 20 * time.Millisecond},
	{Kind: backofficetest.FaultServerError},
	{Kind: backofficetest.FaultServerError, StatusCode: 502},
	{Kind: backofficetest.FaultThrottle},
	{Kind: backofficetest.FaultSessionBusy},
	{Kind: backofficetest.FaultDropBeforeBooking},
	{Kind: backofficetest.FaultDropAfterBooking},
	{Kind: backofficetest.FaultMalformedJSON},
	{Kind: backofficetest.FaultMalformedJSON, Booked: true},
	{Kind: backofficetest.FaultTruncatedJSON},
	{Kind: backofficetest.FaultTruncatedJSON, Booked: true},
	{Kind: backofficetest.FaultUncertain},
	{Kind: backofficetest.FaultUncertain, Booked: true},
}

func newFakeClient(t testing.TB, srv *backofficetest.Server, checksum bool, opts ...backoffice.Option) *backoffice.Client {
	t.Helper()
	var creds backoffice.Credentials = srv.BearerCredentials()
	if checksum {
		creds = srv.ChecksumCredentials()
	}
	c, err := backoffice.NewClient(creds, append([]backoffice.Option{backoffice.WithBaseURL(srv.URL),
		backoffice.WithRetryPolicy(backoffice.RetryPolicy{MaxAttempts: 4, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond})}, opts...)...)
	require.NoError(t, err)
	return c
}

// bookings returns the ledger entries carrying mtid.
func bookings(srv *backofficetest.Server, mtid string) []backofficetest.Entry {
	var out []backofficetest.Entry
	for _, e := range srv.Ledger() {
		if e.MerchantTransactionID == mtid {
			out = append(out, e)
		}
	}
	return out
}

// TestEveryFaultOnEveryMoneyMovingOperation: whatever the network or the
// gateway does to the first attempt, the operation is booked exactly once,
// the SDK's answer is that booking, and every attempt sent the same bytes.
func TestEveryFaultOnEveryMoneyMovingOperation(t *testing.T) {
	t.Parallel()
	for _, op := range ledgerOps {
		for _, f := range faultKinds {
			name := fmt.Sprintf("%s/%s", op.name, f.Kind)
			if f.Booked {
				name += "-booked"
			}
			if f.StatusCode != 0 {
				name += fmt.Sprint("-", f.StatusCode)
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				srv := backofficetest.NewServer()
				defer srv.Close()
				c := newFakeClient(t, srv, op.checksum)
				target := op.setup(t, srv, newFakeClient(t, srv, false))
				srv.InjectFault(op.op, 1, f)
				mtid := "matrix-" + name

				p, err := op.do(c, target, mtid)

				require.NoError(t, err, "the fault is on one attempt; reconciliation must resolve it")
				booked := bookings(srv, mtid)
				require.Len(t, booked, 1, "exactly one booking")
				assert.Equal(t, booked[0].ID, p.ID, "the SDK's answer is the booking")
				assert.True(t, booked[0].Amount.Equal(p.Amount), "amount %s vs %s", booked[0].Amount, p.Amount)
				assert.Equal(t, 1, srv.FaultsInjected())

				var bodies [][]byte
				for _, r := range srv.Requests() {
					if r.Op == op.op {
						bodies = append(bodies, r.Body)
					}
				}
				require.NotEmpty(t, bodies)
				for _, b := range bodies[1:] {
					assert.True(t, bytes.Equal(bodies[0], b), "a resent request is byte-identical to the first")
				}
			})
		}
	}
}

// TestFaultOnEveryAttemptNeverDoubleBooks: when every attempt of the
// operation and every look-up fail, the SDK gives up without ever booking
// twice, and says the truth: not booked, or uncertain.
func TestFaultOnEveryAttemptNeverDoubleBooks(t *testing.T) {
	t.Parallel()
	for _, op := range ledgerOps {
		for _, f := range faultKinds {
			if f.Kind == backofficetest.FaultLatency {
				continue
			}
			name := fmt.Sprintf("%s/%s-booked=%v", op.name, f.Kind, f.Booked)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				srv := backofficetest.NewServer()
				defer srv.Close()
				c := newFakeClient(t, srv, op.checksum)
				target := op.setup(t, srv, newFakeClient(t, srv, false))
				lookup := backofficetest.OpQuery
				if op.checksum {
					lookup = backofficetest.OpTransactionList
				}
				srv.InjectFaultFunc(func(o backofficetest.Op, _ int) (backofficetest.Fault, bool) {
					if o == op.op {
						return f, true
					}
					if o == lookup {
						return backofficetest.Fault{Kind: backofficetest.FaultServerError}, true
					}
					return backofficetest.Fault{}, false
				})
				mtid := "always-" + name
				_, err := op.do(c, target, mtid)
				require.Error(t, err)
				booked := bookings(srv, mtid)
				assert.LessOrEqual(t, len(booked), 1, "never booked twice")
				var ue *backoffice.UncertainError
				if errors.As(err, &ue) {
					assert.Equal(t, mtid, ue.MerchantTransactionID)
				} else {
					assert.Empty(t, booked, "an error other than UncertainError means nothing was booked: %v", err)
				}
			})
		}
	}
}
