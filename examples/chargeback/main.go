// Command chargeback records a chargeback against a debit, then reverses
// it after the merchant won the representment, and shows that a chargeback
// can be reversed only once. Set-up, calls and the handling of each call's
// error are all in this file.
//
//	go run ./examples/chargeback
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/c81406b6/backoffice/examples/internal/table"
	"github.com/shopspring/decimal"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "chargeback:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	// The fake gateway, in this process; tests use it the same way.
	srv := backofficetest.NewServer()
	defer srv.Close()

	// Against the real gateway only the credentials and the base URL change:
	// backoffice.BearerCredentials{AccessToken: ..., EntityID: ...} and
	// backoffice.WithBaseURL(backoffice.TestURL), or LiveURL.
	c, err := backoffice.NewClient(srv.BearerCredentials(), backoffice.WithBaseURL(srv.URL))
	if err != nil {
		return err
	}
	t := table.New(os.Stdout)
	defer t.Flush()

	db := srv.Debit(decimal.RequireFromString("80.00"), "EUR")

	cb, err := c.Chargeback(ctx, db, backoffice.ChargebackRequest{Amount: decimal.RequireFromString("80.00"), Currency: "EUR"})
	show(t, "CB  chargeback", db, cb, err)
	if err != nil {
		return err // the rest of the story needs the chargeback
	}

	for range 2 {
		cr, err := c.ReverseChargeback(ctx, cb.ID, backoffice.ChargebackReversalRequest{Amount: decimal.RequireFromString("80.00"), Currency: "EUR"})
		show(t, "CR  chargeback reversal", cb.ID, cr, err)
	}
	return nil
}

// show prints what a money-moving call did to the money. This switch is
// what every caller of Capture, Refund, Reverse and the others needs.
func show(t *table.Table, op, ref string, p *backoffice.Payment, err error) {
	switch backoffice.OutcomeOf(err) {
	case backoffice.Booked:
		t.Payment(op, ref, p, "")
	case backoffice.NotBooked:
		// Nothing was booked, with proof; the error's type says why.
		var re *backoffice.ResultError
		var ve *backoffice.ValidationError
		switch {
		case errors.As(err, &re): // the gateway refused; re.Payment is the refused attempt
			t.Payment(op, ref, re.Payment, "refused: ")
		case errors.As(err, &ve): // refused before sending: fix the input
			t.Message(op, ref, "not sent", ve.Field+": "+ve.Message)
		default: // never sent, or proven absent: it may be tried again later
			t.Message(op, ref, "not booked", err.Error())
		}
	case backoffice.Unknown:
		// Sent, but whether money moved is not known: never send it again
		// blindly. Store the *UncertainError with the order (it is JSON,
		// without secrets) and settle it later with Client.Resolve, as
		// examples/resolve does. Here, storing it means printing it.
		var ue *backoffice.UncertainError
		if errors.As(err, &ue) {
			if stored, jerr := json.Marshal(ue); jerr == nil {
				t.Message(op, ref, "unknown", "stored for Resolve: "+string(stored))
				return
			}
		}
		t.Message(op, ref, "unknown", err.Error())
	}
}
