package backoffice_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ledgerOps are the money-moving operations each variant performs, the
// rows of the fault matrix.
var ledgerOps = opsWhere(func(op testOp, v variant) bool { return op.on(v) == supported && op.movesMoney() })

// ledgerArgs are the arguments of o on a target booked by o.target.book:
// 10.00 EUR where o takes an amount.
func (o variantOp) ledgerArgs(target, mtid string) opArgs {
	a := opArgs{id: target, mtid: mtid}
	if o.amount != noAmount {
		a.amount, a.currency = dec("10.00"), "EUR"
	}
	return a
}

// faultKinds is every way the fake gateway (or a proxy in front of it) can
// mishandle a request.
var faultKinds = []backofficetest.Fault{
	{Kind: backofficetest.FaultLatency, Latency: 20 * time.Millisecond},
	{Kind: backofficetest.FaultServerError},
	{Kind: backofficetest.FaultServerError, StatusCode: 502},
	{Kind: backofficetest.FaultServerError, StatusCode: http.StatusTooManyRequests},
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
	{Kind: backofficetest.FaultProxyTimeout},
	{Kind: backofficetest.FaultRedirect, StatusCode: http.StatusSeeOther},
	{Kind: backofficetest.FaultRedirect, StatusCode: http.StatusTemporaryRedirect},
	{Kind: backofficetest.FaultRedirect, StatusCode: http.StatusPermanentRedirect},
	{Kind: backofficetest.FaultMisrouted},
	{Kind: backofficetest.FaultMisrouted, Booked: true},
}

// faultName names a fault for a subtest.
func faultName(f backofficetest.Fault) string {
	name := f.Kind.String()
	if f.Booked {
		name += "-booked"
	}
	if f.StatusCode != 0 {
		name += fmt.Sprint("-", f.StatusCode)
	}
	return name
}

// refusesUnprocessed reports the faults whose answer proves the request
// was not processed: a redirect elsewhere.
func refusesUnprocessed(f backofficetest.Fault) bool {
	return f.Kind == backofficetest.FaultRedirect && f.StatusCode != http.StatusSeeOther
}

// matrixPolicy gives the fault matrix and the chaos test a settle time
// well above the fake's booking latency, scaled down from the live
// gateway's minutes.
var matrixPolicy = backoffice.RetryPolicy{MaxAttempts: 4, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond,
	SettleTime: 150 * time.Millisecond, LookupInterval: 20 * time.Millisecond}

// bookingLatency is how late the fake's bookings land in the "late" runs.
const bookingLatency = 40 * time.Millisecond

// withMatrixPolicy is the retry policy of a client of the fake gateway.
var withMatrixPolicy = backoffice.WithRetryPolicy(matrixPolicy)

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

// truth checks an SDK answer against the fake's ledger once every booking
// in flight has landed: Booked must be the one booking, NotBooked must have
// booked nothing, and Unknown must be settled by Resolve, on a fresh
// client, to what the ledger holds. It returns the outcome, and an error
// describing a contradiction or "".
func truth(t testing.TB, srv *backofficetest.Server, mtid string, p *backoffice.Payment, err error) (backoffice.Outcome, string) {
	t.Helper()
	srv.AwaitBookings()
	booked := bookings(srv, mtid)
	outcome := backoffice.OutcomeOf(err)
	switch {
	case len(booked) > 1:
		return outcome, fmt.Sprintf("%s booked %d times (SDK said %v)", mtid, len(booked), err)
	case outcome == backoffice.Booked && (len(booked) != 1 || booked[0].ID != p.ID):
		return outcome, fmt.Sprintf("%s: SDK reported booking %s, ledger has %v", mtid, p.ID, booked)
	case outcome == backoffice.NotBooked && len(booked) != 0:
		return outcome, fmt.Sprintf("%s: SDK reported not booked (%v), ledger booked %s", mtid, err, booked[0].ID)
	case outcome == backoffice.Unknown:
		var ue *backoffice.UncertainError
		if !errors.As(err, &ue) {
			return outcome, fmt.Sprintf("%s: unknown outcome without an *UncertainError: %v", mtid, err)
		}
		return outcome, resolvesTo(t, srv, bearerVariant, ue, booked)
	}
	return outcome, ""
}

// resolvesTo resolves a stored copy of ue on a fresh client of the
// variant and compares the answer with the ledger's bookings of the call:
// Booked must be the one booking (the checksum platform's answer names the
// payment acted on, not a new id), NotBooked none; Unknown is a failure.
// It returns "" or the contradiction.
func resolvesTo(t testing.TB, srv *backofficetest.Server, v variant, ue *backoffice.UncertainError, booked []backofficetest.Entry) string {
	t.Helper()
	stored, err := json.Marshal(ue)
	require.NoError(t, err)
	var restored backoffice.UncertainError
	require.NoError(t, json.Unmarshal(stored, &restored))
	ctx, cancel := context.WithTimeout(context.Background(), 20*matrixPolicy.SettleTime)
	defer cancel()
	p, err := newTestClient(t, srv.URL, v.fakeCreds(srv), withMatrixPolicy).Resolve(ctx, &restored)
	switch backoffice.OutcomeOf(err) {
	case backoffice.Booked:
		same := len(booked) == 1 && booked[0].ID == p.ID
		if v == checksumVariant {
			same = len(booked) == 1 && p.ReferencedID == ue.PaymentID && p.PaymentType == ue.Operation
		}
		if !same {
			return fmt.Sprintf("%s %s on %s: Resolve found %v, ledger has %v", ue.Operation, ue.MerchantTransactionID, ue.PaymentID, p, booked)
		}
	case backoffice.NotBooked:
		if len(booked) != 0 {
			return fmt.Sprintf("%s %s on %s: Resolve said not booked (%v), ledger booked %s", ue.Operation, ue.MerchantTransactionID, ue.PaymentID, err, booked[0].ID)
		}
	default:
		return fmt.Sprintf("%s %s on %s: Resolve left it unknown: %v", ue.Operation, ue.MerchantTransactionID, ue.PaymentID, err)
	}
	return ""
}

// faultMatrix runs body for every operation of one variant × every fault
// in faults × {bookings landing at once, landing late}, each in a parallel
// subtest on a fresh fake gateway.
func faultMatrix(t *testing.T, v variant, faults []backofficetest.Fault,
	body func(t *testing.T, srv *backofficetest.Server, op variantOp, f backofficetest.Fault, name string)) {
	t.Helper()
	for _, late := range []bool{false, true} {
		for _, op := range ledgerOps {
			if op.v != v {
				continue
			}
			for _, f := range faults {
				name := fmt.Sprintf("late=%v/%s/%s", late, op, faultName(f))
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					var opts []backofficetest.Option
					if late {
						opts = append(opts, backofficetest.WithBookingLatency(bookingLatency))
					}
					srv := backofficetest.NewServer(opts...)
					defer srv.Close()
					body(t, srv, op, f, name)
				})
			}
		}
	}
}

// TestEveryFaultOnEveryMoneyMovingOperation: whatever the network, a proxy
// or the gateway does to the first attempt, with bookings landing at once
// or late, every bearer operation is booked exactly once and the SDK's
// answer is that booking, and every attempt sent the same bytes. The only
// exceptions are redirects elsewhere (307, 308): provably not processed,
// they are NotBooked with nothing booked.
func TestEveryFaultOnEveryMoneyMovingOperation(t *testing.T) {
	t.Parallel()
	faultMatrix(t, bearerVariant, faultKinds, func(t *testing.T, srv *backofficetest.Server, op variantOp, f backofficetest.Fault, name string) {
		c := newTestClient(t, srv.URL, srv.BearerCredentials(), withMatrixPolicy)
		target := op.target.book(srv)
		srv.InjectFault(op.fakeOp(), 1, f)
		mtid := "matrix-" + strings.ReplaceAll(name, "/", "-")

		p, _, err := op.do(c, op.ledgerArgs(target, mtid))

		outcome, contradiction := truth(t, srv, mtid, p, err)
		require.Empty(t, contradiction)
		if refusesUnprocessed(f) {
			assert.Equal(t, backoffice.NotBooked, outcome, "%v", err)
			return
		}
		require.NoError(t, err, "the fault is on one attempt; reconciliation must resolve it")
		assert.Equal(t, 1, srv.FaultsInjected())
		var bodies [][]byte
		for _, r := range srv.Requests() {
			if r.Op == op.fakeOp() {
				bodies = append(bodies, r.Body)
			}
		}
		require.NotEmpty(t, bodies)
		for _, b := range bodies[1:] {
			assert.True(t, bytes.Equal(bodies[0], b), "a resent request is byte-identical to the first")
		}
	})
}

// TestChecksumFaultsAreAnsweredTruthfully: the checksum platform records
// captures, refunds and reversals on the payment they act on, so the SDK
// reconciles them from that payment's state. Whatever a fault does to the
// first attempt, with bookings landing at once or late: nothing is booked
// twice, the SDK's answer agrees with the ledger, and an Unknown is settled
// by Resolve (from stored JSON, on a fresh client) into the ledger's truth.
func TestChecksumFaultsAreAnsweredTruthfully(t *testing.T) {
	t.Parallel()
	faultMatrix(t, checksumVariant, faultKinds, func(t *testing.T, srv *backofficetest.Server, op variantOp, f backofficetest.Fault, name string) {
		c := newTestClient(t, srv.URL, srv.ChecksumCredentials(), withMatrixPolicy)
		target := op.target.book(srv)
		id := srv.TrackingID(target)
		srv.InjectFault(op.fakeOp(), 1, f)

		p, _, err := op.do(c, op.ledgerArgs(id, "checksum-"+strings.ReplaceAll(name, "/", "-")))

		srv.AwaitBookings()
		booked := srv.Entries(target, op.paymentType)
		require.LessOrEqual(t, len(booked), 1, "never booked twice")
		if refusesUnprocessed(f) {
			assert.Equal(t, backoffice.NotBooked, backoffice.OutcomeOf(err), "%v", err)
		} else {
			assert.NoError(t, err, "one fault on one attempt: the payment's state settles it")
		}
		switch backoffice.OutcomeOf(err) {
		case backoffice.Booked:
			require.Len(t, booked, 1)
			assert.Equal(t, id, p.ReferencedID)
			assert.Equal(t, op.paymentType, p.PaymentType)
		case backoffice.NotBooked:
			assert.Empty(t, booked, "NotBooked, yet booked: %v", err)
		case backoffice.Unknown:
			var ue *backoffice.UncertainError
			require.ErrorAs(t, err, &ue)
			assert.Empty(t, resolvesTo(t, srv, checksumVariant, ue, booked))
		}
	})
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
			name := fmt.Sprintf("%s/%s", op, faultName(f))
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				srv := backofficetest.NewServer(backofficetest.WithBookingLatency(bookingLatency))
				defer srv.Close()
				c := newTestClient(t, srv.URL, op.v.fakeCreds(srv), withMatrixPolicy)
				target := op.target.book(srv)
				lookup := backofficetest.OpQuery
				hex := target
				if op.v == checksumVariant {
					lookup = backofficetest.OpTransactionList
					target = srv.TrackingID(hex)
				}
				srv.InjectFaultFunc(func(o backofficetest.Op, _ int) (backofficetest.Fault, bool) {
					if o == op.fakeOp() {
						return f, true
					}
					if o == lookup {
						return backofficetest.Fault{Kind: backofficetest.FaultServerError}, true
					}
					return backofficetest.Fault{}, false
				})
				mtid := "always-" + strings.ReplaceAll(name, "/", "-")
				_, _, err := op.do(c, op.ledgerArgs(target, mtid))
				require.Error(t, err)
				srv.AwaitBookings()
				booked := bookings(srv, mtid)
				if op.v == checksumVariant {
					booked = srv.Entries(hex, op.paymentType)
				}
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

// TestChecksumResolveSettlesUnknowns: a checksum capture, refund or
// reversal whose context ends before the settle time ends Unknown (unless a
// look-up already found it); Resolve, from stored JSON on a fresh client,
// then settles it into the ledger's truth, never leaving it unknown and
// never sending it again.
func TestChecksumResolveSettlesUnknowns(t *testing.T) {
	t.Parallel()
	faults := []backofficetest.Fault{
		{Kind: backofficetest.FaultDropAfterBooking},
		{Kind: backofficetest.FaultProxyTimeout},
		{Kind: backofficetest.FaultUncertain},
		{Kind: backofficetest.FaultUncertain, Booked: true},
		{Kind: backofficetest.FaultTruncatedJSON, Booked: true},
		{Kind: backofficetest.FaultMisrouted},
		{Kind: backofficetest.FaultMisrouted, Booked: true},
	}
	faultMatrix(t, checksumVariant, faults, func(t *testing.T, srv *backofficetest.Server, op variantOp, f backofficetest.Fault, name string) {
		target := op.target.book(srv)
		id := srv.TrackingID(target)
		c := newTestClient(t, srv.URL, srv.ChecksumCredentials(), withMatrixPolicy)
		// The client's auth token is fetched before the deadline starts, so
		// that under load the deadline cuts the operation, not the token
		// request ("request not sent: no auth token").
		_, err := c.Inquire(context.Background(), id)
		require.NoError(t, err)
		srv.InjectFault(op.fakeOp(), 1, f)
		ctx, cancel := context.WithTimeout(context.Background(), matrixPolicy.SettleTime/2)
		defer cancel()

		_, _, err = op.call(ctx, c, op.ledgerArgs(id, ""))

		sent := len(srv.Requests())
		srv.AwaitBookings()
		booked := srv.Entries(target, op.paymentType)
		require.LessOrEqual(t, len(booked), 1)
		var ue *backoffice.UncertainError
		if !errors.As(err, &ue) {
			assert.NoError(t, err, "found by a look-up before the deadline")
			require.Len(t, booked, 1)
			return
		}
		if op.paymentType == backoffice.PaymentTypeRefund {
			require.NotNil(t, ue.RefundedBefore, "a refund's UncertainError carries what was refunded before")
		}
		assert.Empty(t, resolvesTo(t, srv, checksumVariant, ue, booked))
		for _, r := range srv.Requests()[sent:] {
			assert.NotEqual(t, op.fakeOp(), r.Op, "Resolve never sends the operation")
		}
	})
}
