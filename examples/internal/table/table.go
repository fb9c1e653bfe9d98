// Package table prints the example programs' results as an aligned table.
// It only prints: each program decides in its own main.go what an answer
// or an error means, and tells the table what to show.
package table

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/c81406b6/backoffice"
)

// Table prints one row per operation.
type Table struct {
	w *tabwriter.Writer
}

// New starts a table on w with its header.
func New(w io.Writer) *Table {
	t := &Table{w: tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)}
	fmt.Fprintln(t.w, "OPERATION\tPAYMENT ID\tREFERENCED ID\tAMOUNT\tRESULT CODE\tCATEGORY\tDESCRIPTION")
	return t
}

// Flush prints the rows so far, aligned.
func (t *Table) Flush() { t.w.Flush() }

// Payment prints payment p, booked or refused, as the answer to operation
// op on the payment ref, with note (e.g. "refused: ") before the gateway's
// description. A nil p prints dashes.
func (t *Table) Payment(op, ref string, p *backoffice.Payment, note string) {
	if p == nil {
		p = &backoffice.Payment{}
	}
	desc := p.Result.Description
	if desc == "" {
		desc = p.Result.Code.Description()
	}
	amount := "-"
	if !p.Amount.IsZero() {
		amount = p.Amount.StringFixed(2) + " " + p.Currency
	}
	fmt.Fprintf(t.w, "%s\t%s\t%s\t%s\t%s\t%s\t%s%s\n", op, Short(p.ID), Short(ref), amount, p.Result.Code, category(p), note, desc)
}

// Message prints a row without a payment: status goes in the CATEGORY
// column (e.g. "not sent", "unknown") and text in DESCRIPTION.
func (t *Table) Message(op, ref, status, text string) {
	fmt.Fprintf(t.w, "%s\t-\t%s\t-\t-\t%s\t%s\n", op, Short(ref), status, text)
}

func category(p *backoffice.Payment) string {
	if p.TransactionStatus != "" {
		return "transactionStatus " + p.TransactionStatus
	}
	return p.Result.Code.Category().String()
}

// Short keeps ids readable in a terminal: the first 8 and last 4
// characters, or "-" for none.
func Short(id string) string {
	if len(id) <= 14 {
		if id == "" {
			return "-"
		}
		return id
	}
	return id[:8] + "…" + id[len(id)-4:]
}
