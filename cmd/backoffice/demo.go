package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/shopspring/decimal"
)

// runDemo is a self-contained job: refunds of debits seeded in the
// embedded fake gateway, with faults on, progress, the report, and a check
// of the journal against the fake's ledger. A few rows are planted to be
// refused (refunds larger than their debit), to show the report. It exits
// 0 when every other row was booked exactly once, the planted ones were
// refused, and the ledger agrees with the journal.
func runDemo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("rows", 300, "refunds to make")
	faults := fs.Float64("faults", 0.15, "share of requests that get a fault")
	seed := fs.Uint64("seed", 1, "seed of the faults")
	conc := fs.Int("concurrency", 16, "requests in flight")
	rate := fs.Float64("rate", 250, "requests per second at most (0: no limit)")
	journalPath := fs.String("journal", "", "keep the journal here (default: a temporary directory, removed after)")
	if err := fs.Parse(args); err != nil {
		return exitCannotRun
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "backoffice demo: %s\n", fmt.Sprintf(format, a...))
		return exitCannotRun
	}
	if *n < 10 {
		return fail("--rows must be at least 10")
	}
	srv := backofficetest.NewServer(
		backofficetest.WithBookingLatency(5*time.Millisecond),
		backofficetest.WithLookupThrottle(4, 100*time.Millisecond),
	)
	defer srv.Close()

	// Seed the debits and write the input file.
	var csv strings.Builder
	csv.WriteString("operation,payment_id,amount,currency,merchant_transaction_id,country,purchased_at\n")
	planted := map[int]bool{}
	currencies := []string{"EUR", "EUR", "GBP", "USD"}
	for i := range *n {
		cur := currencies[i%len(currencies)]
		debit := decimal.New(int64(1000+i*7%9000), -2) // 10.00 .. 99.99
		id := srv.Debit(debit, cur)
		line := i + 2
		amount := debit.Div(decimal.NewFromInt(2)).Round(2)
		if i%100 == 42 {
			amount, planted[line] = debit.Add(decimal.NewFromInt(1)), true // more than the debit: refused
		}
		mtid := ""
		if i%3 == 0 {
			mtid = fmt.Sprintf("demo-refund-%04d", i)
		}
		fmt.Fprintf(&csv, "RF,%s,%s,%s,%s,DE,%s\n", id, amount.StringFixed(2), cur, mtid, time.Now().AddDate(0, 0, -10).Format("2006-01-02"))
	}
	srv.InjectFaultFunc(faultFunc(*faults, *seed))

	dir, err := os.MkdirTemp("", "backoffice-demo-")
	if err != nil {
		return fail("%v", err)
	}
	defer os.RemoveAll(dir)
	input := filepath.Join(dir, "refunds.csv")
	if err := os.WriteFile(input, []byte(csv.String()), 0o600); err != nil {
		return fail("%v", err)
	}
	jpath := *journalPath
	if jpath == "" {
		jpath = filepath.Join(dir, "refunds.journal")
	}
	fmt.Fprintf(stdout, "demo: %d refunds against the embedded fake gateway (%s), faults on %.0f%% of requests, %d planted to be refused\n",
		*n, srv.URL, *faults*100, len(planted))

	data, _ := os.ReadFile(input)
	rows, hash, err := parseInput(data)
	if err != nil {
		return fail("%v", err)
	}
	check, err := offlineClient(srv.BearerCredentials())
	if err != nil {
		return fail("%v", err)
	}
	if err := planJob(jpath, input, hash, rows, check); err != nil {
		return fail("%v", err)
	}
	f := jobFlags{rate: *rate, settle: 150 * time.Millisecond, lookup: 30 * time.Millisecond}
	client, err := backoffice.NewClient(srv.BearerCredentials(), f.clientOptions(srv.URL)...)
	if err != nil {
		return fail("%v", err)
	}
	j, err := openJob(jpath)
	if err != nil {
		return fail("%v", err)
	}
	defer j.Close()
	j.client = client
	j.cfg = Config{Concurrency: *conc, CallTimeout: 10 * time.Second, ResolveTimeout: 5 * time.Second,
		Progress: &progressConfig{Out: stderr, TTY: isTTY(stderr), Interval: time.Second}}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := j.Process(ctx, false); err != nil {
		return fail("%v", err)
	}
	// As an operator would: resolve what is unknown, then send again what
	// was proven not booked (resume), until nothing is left to settle.
	for try := 0; try < 3 && ctx.Err() == nil; try++ {
		if j.exitCode() == exitUnknown {
			fmt.Fprintln(stderr, "demo: resolving the rows whose outcome is unknown")
			if err := j.Process(ctx, true); err != nil {
				return fail("%v", err)
			}
		}
		if !hasState(j.Rows(), stateNotBooked) {
			break
		}
		fmt.Fprintln(stderr, "demo: sending again the rows proven not booked")
		if err := j.Process(ctx, false); err != nil {
			return fail("%v", err)
		}
	}
	fmt.Fprintln(stdout)
	rows = j.Rows()
	if err := writeReport(stdout, "table", rows); err != nil {
		return fail("%v", err)
	}
	srv.AwaitBookings()
	rr := reportRows(rows)
	if err := checkLedger(rr, ledgerOf(srv)); err != nil {
		fmt.Fprintf(stdout, "\nledger check FAILED: %v\n", err)
		return exitNotAllBooked
	}
	bad := 0
	for _, r := range rr {
		if (r.State == stateRefused) != planted[r.Line] || (r.State != stateBooked && !planted[r.Line]) {
			bad++
			fmt.Fprintf(stdout, "line %d: %s, not what the demo planned\n", r.Line, r.State)
		}
	}
	fmt.Fprintf(stdout, "\nledger check: every booked row has exactly one booking, every other row none (%d faults injected)\n", srv.FaultsInjected())
	if bad > 0 {
		return exitNotAllBooked
	}
	fmt.Fprintln(stdout, "demo: ok")
	return exitOK
}

// hasState reports whether any row is in state.
func hasState(rows []Row, state string) bool {
	for _, r := range rows {
		if r.State == state {
			return true
		}
	}
	return false
}

// checkLedger compares a job's report with the gateway's ledger: a booked
// row has exactly one booking with its merchantTransactionId, operation,
// payment and amount; any other row has none.
func checkLedger(rows []ReportRow, ledger []ledgerEntry) error {
	byMTID := map[string][]ledgerEntry{}
	for _, e := range ledger {
		if e.MerchantTransactionID != "" {
			byMTID[e.MerchantTransactionID] = append(byMTID[e.MerchantTransactionID], e)
		}
	}
	var problems []string
	for _, r := range rows {
		es := byMTID[r.MerchantTransactionID]
		switch {
		case r.State == stateBooked && len(es) != 1:
			problems = append(problems, fmt.Sprintf("line %d booked, ledger has %d bookings", r.Line, len(es)))
		case r.State == stateBooked:
			e := es[0]
			if e.PaymentType != r.Operation || e.ReferencedID != r.PaymentID || e.ID != r.BookingID {
				problems = append(problems, fmt.Sprintf("line %d booked as %s, ledger has %s %s on %s", r.Line, r.BookingID, e.ID, e.PaymentType, e.ReferencedID))
			} else if a, err := decimal.NewFromString(r.Amount); err == nil {
				if b, _ := decimal.NewFromString(e.Amount); !a.Equal(b) {
					problems = append(problems, fmt.Sprintf("line %d amount %s, ledger %s", r.Line, r.Amount, e.Amount))
				}
			}
		case len(es) != 0:
			problems = append(problems, fmt.Sprintf("line %d is %s, ledger has %d bookings", r.Line, r.State, len(es)))
		}
	}
	if len(problems) > 0 {
		if len(problems) > 10 {
			problems = append(problems[:10], fmt.Sprintf("and %d more", len(problems)-10))
		}
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}
