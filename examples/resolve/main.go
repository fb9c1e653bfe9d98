// Command resolve settles refunds whose outcome was unknown, in a later run
// and without ever sending them again. A proxy in front of the gateway
// answers one refund with a 504 while the gateway books it, a second
// refund's connection drops before the gateway gets it, and look-ups fail
// meanwhile, so both calls end Unknown. The program stores each
// *UncertainError as a JSON line in a file; then, as a later run would, it
// reads them back, makes a fresh client and asks Client.Resolve what became
// of each: booked, refused, or not booked.
//
//	go run ./examples/resolve
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/c81406b6/backoffice/examples/internal/table"
	"github.com/shopspring/decimal"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "resolve:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	// The fake gateway, in this process; tests use it the same way.
	srv := backofficetest.NewServer()
	defer srv.Close()

	// The journal where uncertain calls wait to be settled: a service
	// keeps them in its database, with the order.
	f, err := os.CreateTemp("", "backoffice-uncertain-*.jsonl")
	if err != nil {
		return err
	}
	journal := f.Name()
	defer os.Remove(journal)
	if err := f.Close(); err != nil {
		return err
	}

	// A shopper paid 50.00 EUR at checkout.
	db := srv.Debit(decimal.RequireFromString("50.00"), "EUR")

	t := table.New(os.Stdout)
	defer t.Flush()
	if err := firstRun(ctx, srv, db, journal, t); err != nil {
		return err
	}
	// By the later run the gateway answers look-ups again.
	srv.InjectFaultFunc(nil)
	if err := laterRun(ctx, srv, journal, t); err != nil {
		return err
	}

	// What only the fake can show: its ledger holds the 20.00 refund once,
	// and nothing was sent again.
	if n := len(srv.Entries(db, backoffice.PaymentTypeRefund)); n != 1 {
		return fmt.Errorf("the ledger holds %d refunds of %s, want 1", n, db)
	}
	return nil
}

// newClient makes a client on the fake. Against the real gateway only the
// credentials and the base URL change: backoffice.BearerCredentials{
// AccessToken: ..., EntityID: ...} and backoffice.WithBaseURL(
// backoffice.TestURL), or LiveURL; and the retry policy stays the default.
func newClient(srv *backofficetest.Server) (*backoffice.Client, error) {
	// The fake books in milliseconds, so the policy's waits are cut to
	// fit. The real defaults are DefaultSettleTime, 2 minutes, and
	// DefaultLookupInterval, 30 seconds: the gateway publishes no bound on
	// its own processing, so only a look-up made two minutes (twice the
	// SDK's per-attempt timeout) after a send may take "not found" as proof
	// that nothing was booked; and it refuses more than about two look-ups
	// a minute of one id with 800.120.100. Leave both zero in production.
	policy := backoffice.DefaultRetryPolicy
	policy.SettleTime = 100 * time.Millisecond
	policy.LookupInterval = 20 * time.Millisecond
	return backoffice.NewClient(srv.BearerCredentials(), backoffice.WithBaseURL(srv.URL), backoffice.WithRetryPolicy(policy))
}

// firstRun refunds the debit db twice into trouble, and stores in the
// journal what it could not settle.
func firstRun(ctx context.Context, srv *backofficetest.Server, db, journal string, t *table.Table) error {
	c, err := newClient(srv)
	if err != nil {
		return err
	}

	// The trouble, staged on the fake: a proxy's 504 for the first refund
	// while the gateway books it, a connection dropped before the gateway
	// got the second, and every look-up by merchantTransactionId failing
	// with a 503 page, so the SDK can settle neither.
	srv.InjectFault(backofficetest.OpRefund, 1, backofficetest.Fault{Kind: backofficetest.FaultProxyTimeout})
	srv.InjectFault(backofficetest.OpRefund, 2, backofficetest.Fault{Kind: backofficetest.FaultDropBeforeBooking})
	srv.InjectFaultFunc(func(op backofficetest.Op, _ int) (backofficetest.Fault, bool) {
		return backofficetest.Fault{Kind: backofficetest.FaultServerError}, op == backofficetest.OpQuery
	})

	for _, amount := range []string{"20.00", "5.00"} {
		op := "RF  refund " + amount
		rf, err := c.Refund(ctx, db, backoffice.RefundRequest{
			Amount: decimal.RequireFromString(amount), Currency: "EUR",
			MerchantTransactionID: backoffice.NewMerchantTransactionID(), // stored with the order first
		})
		switch backoffice.OutcomeOf(err) {
		case backoffice.Booked:
			t.Payment(op, db, rf, "")
		case backoffice.NotBooked:
			var re *backoffice.ResultError
			if errors.As(err, &re) {
				t.Payment(op, db, re.Payment, "refused: ")
			} else {
				t.Message(op, db, "not booked", err.Error())
			}
		case backoffice.Unknown:
			// Sent, outcome not established: never send it again
			// blindly. Store it and settle it later.
			var ue *backoffice.UncertainError
			if !errors.As(err, &ue) {
				return err // an error the SDK did not make
			}
			if err := store(journal, ue); err != nil {
				return err
			}
			t.Message(op, db, "unknown", "stored: merchantTransactionId "+ue.MerchantTransactionID)
		}
	}
	return nil
}

// store appends u to the journal as one line of JSON (it holds no secrets).
func store(journal string, u *backoffice.UncertainError) error {
	f, err := os.OpenFile(journal, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	if err := json.NewEncoder(f).Encode(u); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// laterRun reads the journal back and settles each call with a fresh client.
func laterRun(ctx context.Context, srv *backofficetest.Server, journal string, t *table.Table) error {
	c, err := newClient(srv)
	if err != nil {
		return err
	}
	f, err := os.Open(journal)
	if err != nil {
		return err
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	for {
		var u backoffice.UncertainError
		if err := dec.Decode(&u); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		op := "RF  resolve " + u.Amount.StringFixed(2)

		// Resolve keeps looking while ctx allows: give it a deadline. With
		// the real defaults, it cannot prove "not booked" before two
		// minutes after the call was sent.
		rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		p, err := c.Resolve(rctx, &u)
		cancel()
		switch backoffice.OutcomeOf(err) {
		case backoffice.Booked: // the refund happened: mark the order refunded
			t.Payment(op, u.PaymentID, p, "booked: ")
		case backoffice.NotBooked:
			var re *backoffice.ResultError
			switch {
			case errors.As(err, &re): // the gateway recorded it as refused
				t.Payment(op, u.PaymentID, re.Payment, "refused: ")
			case errors.Is(err, backoffice.ErrNotBooked): // proven absent
				t.Message(op, u.PaymentID, "not booked", "the gateway can no longer book it: a new refund may be sent")
			default: // a journal entry that names no call
				t.Message(op, u.PaymentID, "not booked", err.Error())
			}
		case backoffice.Unknown: // still unknown: keep it stored, try again later
			t.Message(op, u.PaymentID, "unknown", err.Error())
		}
	}
}
