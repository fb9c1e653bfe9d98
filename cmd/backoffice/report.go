package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"text/tabwriter"

	"github.com/shopspring/decimal"
)

// ReportRow is one input row as the report gives it.
type ReportRow struct {
	Line                  int    `json:"line"`
	Operation             string `json:"operation"`
	PaymentID             string `json:"payment_id"`
	MerchantTransactionID string `json:"merchant_transaction_id"`
	Amount                string `json:"amount"`
	Currency              string `json:"currency"`
	State                 string `json:"state"` // booked, refused, not_booked, unknown, invalid
	ResultCode            string `json:"result_code"`
	ResultDescription     string `json:"result_description,omitempty"`
	BookingID             string `json:"booking_id,omitempty"`
}

// reportRows maps the journal's rows to the report's five states: a row
// never sent is not booked, a row in flight when the job stopped unknown.
func reportRows(rows []Row) []ReportRow {
	out := make([]ReportRow, 0, len(rows))
	for _, r := range rows {
		rr := ReportRow{Line: r.Line, Operation: r.Op, PaymentID: r.PaymentID, MerchantTransactionID: r.MTID,
			Amount: r.Amount, Currency: r.Currency, State: r.State, ResultCode: r.Code, ResultDescription: r.Desc, BookingID: r.BookingID}
		switch r.State {
		case statePlanned:
			rr.State, rr.ResultDescription = stateNotBooked, "not sent yet: run resume"
		case stateSending:
			rr.State, rr.ResultDescription = stateUnknown, "in flight when the job stopped: run resume or resolve"
		}
		out = append(out, rr)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Line < out[b].Line })
	return out
}

type total struct {
	State, Currency string
	Rows            int
	Sum             decimal.Decimal
	Unsummed        int // full reversals whose amount the journal does not know
}

// totals sums rows per state and currency, in decimal.
func totals(rows []ReportRow) []total {
	m := map[[2]string]*total{}
	for _, r := range rows {
		k := [2]string{r.State, r.Currency}
		t := m[k]
		if t == nil {
			t = &total{State: r.State, Currency: r.Currency}
			m[k] = t
		}
		t.Rows++
		if d, err := decimal.NewFromString(r.Amount); err == nil {
			t.Sum = t.Sum.Add(d)
		} else {
			t.Unsummed++
		}
	}
	order := map[string]int{}
	for i, s := range allStates {
		order[s] = i
	}
	out := make([]total, 0, len(m))
	for _, t := range m {
		out = append(out, *t)
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].State != out[b].State {
			return order[out[a].State] < order[out[b].State]
		}
		return out[a].Currency < out[b].Currency
	})
	return out
}

func writeReport(w io.Writer, format string, rows []Row) error {
	rr := reportRows(rows)
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rr)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"line", "operation", "payment_id", "merchant_transaction_id", "amount", "currency", "state", "result_code", "result_description", "booking_id"})
		for _, r := range rr {
			cw.Write([]string{strconv.Itoa(r.Line), r.Operation, r.PaymentID, r.MerchantTransactionID, r.Amount, r.Currency, r.State, r.ResultCode, r.ResultDescription, r.BookingID})
		}
		cw.Flush()
		return cw.Error()
	case "table", "":
		return writeTable(w, rr)
	}
	return fmt.Errorf("unknown format %q: want table, csv or json", format)
}

func writeTable(w io.Writer, rr []ReportRow) error {
	var notBooked []ReportRow
	for _, r := range rr {
		if r.State != stateBooked {
			notBooked = append(notBooked, r)
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if len(notBooked) == 0 {
		fmt.Fprintf(tw, "All %d rows booked.\n", len(rr))
	} else {
		fmt.Fprintf(tw, "Rows not booked: %d of %d\n", len(notBooked), len(rr))
		fmt.Fprintln(tw, "LINE\tOP\tPAYMENT_ID\tMERCHANT_TRANSACTION_ID\tAMOUNT\tCURRENCY\tSTATE\tCODE\tDESCRIPTION")
		for _, r := range notBooked {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Line, r.Operation, r.PaymentID, r.MerchantTransactionID,
				orDash(r.Amount), orDash(r.Currency), r.State, orDash(r.ResultCode), r.ResultDescription)
		}
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "Totals\nSTATE\tCURRENCY\tROWS\tAMOUNT")
	for _, t := range totals(rr) {
		sum := t.Sum.StringFixed(2)
		if t.Unsummed > 0 {
			sum += fmt.Sprintf(" (+%d full reversals)", t.Unsummed)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", t.State, orDash(t.Currency), t.Rows, sum)
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
