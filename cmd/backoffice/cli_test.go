package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/shopspring/decimal"
)

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// hFake starts a fake gateway for the test, closed at its end, and points
// the command at it (hEnv).
func hFake(t *testing.T, opts ...backofficetest.Option) *backofficetest.Server {
	t.Helper()
	srv := backofficetest.NewServer(opts...)
	t.Cleanup(srv.Close)
	hEnv(t, srv)
	return srv
}

// hEnv points the command at srv's bearer variant, through the
// environment as a user would.
func hEnv(t *testing.T, srv *backofficetest.Server) {
	t.Helper()
	c := srv.BearerCredentials()
	t.Setenv("OPP_ACCESS_TOKEN", c.AccessToken)
	t.Setenv("OPP_ENTITY_ID", c.EntityID)
	t.Setenv("OPP_BASE_URL", srv.URL)
	t.Setenv("OPP_MEMBER_ID", "")
	t.Setenv("OPP_SECURE_KEY", "")
}

// hFast is the command's timing against a fake whose bookings land at once.
//
// Both it and hSlow carry roomy bounds on a row's call and on its Resolve: the defaults
// (twice the settle time plus four look-up intervals; 140 ms with hFast)
// run out on a loaded machine (CI runs every package's race tests at once)
// and leave rows unknown, truthfully, where a test wants them settled.
// Tests of short bounds pass their own, later on the command line.
var hFast = []string{"--settle-time", "50ms", "--lookup-interval", "10ms", "--timeout", "20s", "--resolve-timeout", "5s"}

// hSlow is for a fake whose bookings land late: the settle time must stay
// above the fake's booking latency (the SDK's contract: a booking has landed
// by then), or a look-up finds nothing and proves a booked row absent.
var hSlow = []string{"--settle-time", "500ms", "--lookup-interval", "40ms", "--timeout", "20s", "--resolve-timeout", "5s"}

func TestRunInProcess(t *testing.T) {
	srv := hFake(t)
	creds := srv.BearerCredentials()
	d1 := srv.Debit(decimal.RequireFromString("10.00"), "EUR")
	d2 := srv.Debit(decimal.RequireFromString("10.00"), "EUR")
	input := writeFile(t, "in.csv", "operation,payment_id,amount,currency\nRF,"+d1+",4.00,EUR\nRF,"+d2+",11.00,EUR\n")
	journal := filepath.Join(t.TempDir(), "j")
	flags := append([]string{"--journal", journal}, hFast...)

	var out, errb bytes.Buffer
	if code := run(append([]string{"run", "--input", input}, flags...), &out, &errb); code != exitNotAllBooked {
		t.Fatalf("run: exit %d\n%s%s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "700.400.200") || strings.Contains(out.String()+errb.String(), creds.AccessToken) {
		t.Fatalf("report lacks the refusal, or shows the token:\n%s", out.String())
	}
	// A second run of the same file resumes: nothing is sent twice.
	out.Reset()
	if code := run(append([]string{"run", "--input", input}, flags...), &out, &errb); code != exitNotAllBooked {
		t.Fatalf("second run: exit %d", code)
	}
	if n := len(srv.Entries(d1)); n != 1 {
		t.Fatalf("%d refunds of %s, want 1", n, d1)
	}
	// Reports.
	out.Reset()
	if code := run([]string{"report", "--journal", journal, "--format", "json"}, &out, &errb); code != exitNotAllBooked {
		t.Fatalf("report: exit %d", code)
	}
	var rep []map[string]any
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || len(rep) != 2 {
		t.Fatalf("json report: %v\n%s", err, out.String())
	}
	for _, k := range []string{"line", "operation", "payment_id", "merchant_transaction_id", "amount", "currency", "state", "result_code"} {
		if _, ok := rep[0][k]; !ok {
			t.Errorf("json report lacks %q", k)
		}
	}
	if rep[0]["state"] != "booked" || rep[1]["state"] != "refused" || rep[1]["result_code"] != "700.400.200" {
		t.Fatalf("states: %v", rep)
	}
	out.Reset()
	run([]string{"report", "--journal", journal, "--format", "csv"}, &out, &errb)
	if lines := strings.Count(out.String(), "\n"); lines != 3 {
		t.Fatalf("csv report has %d lines:\n%s", lines, out.String())
	}
	out.Reset()
	run([]string{"report", "--journal", journal}, &out, &errb)
	if !strings.Contains(out.String(), "booked   EUR       1     4.00") || !strings.Contains(out.String(), "refused  EUR       1     11.00") {
		t.Fatalf("table totals:\n%s", out.String())
	}

	// A journal belonging to another input is refused before anything is sent.
	other := writeFile(t, "other.csv", "operation,payment_id,amount,currency\nRF,"+d1+",1.00,EUR\n")
	errb.Reset()
	if code := run(append([]string{"run", "--input", other}, flags...), &out, &errb); code != exitCannotRun || !strings.Contains(errb.String(), "belongs to another input") {
		t.Fatalf("other input: exit %d, %s", code, errb.String())
	}
	if n := len(srv.Entries(d1)); n != 1 {
		t.Fatalf("%d refunds of %s after the refused run", n, d1)
	}
}

func TestRunRefusesBadInputBeforeSending(t *testing.T) {
	srv := hFake(t)
	d := srv.Debit(decimal.RequireFromString("10.00"), "EUR")
	input := writeFile(t, "in.csv", "operation,payment_id,amount,currency,merchant_transaction_id\nRF,"+d+",1.00,EUR,x\nRF,"+d+",1.00,EUR,x\n")
	var out, errb bytes.Buffer
	journal := filepath.Join(t.TempDir(), "j")
	if code := run([]string{"run", "--input", input, "--journal", journal}, &out, &errb); code != exitCannotRun || !strings.Contains(errb.String(), "line 3") {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if len(srv.Requests()) != 0 || fileExists(journal) {
		t.Fatal("something was sent or journalled")
	}
	// Dry run: bad rows named by line, nothing sent.
	input = writeFile(t, "in2.csv", "operation,payment_id,amount,currency\nRF,"+d+",1.00,EUR\nRF,"+d+",1.00,EURO\n")
	out.Reset()
	if code := run([]string{"run", "--input", input, "--dry-run"}, &out, &errb); code != exitNotAllBooked || !strings.Contains(out.String(), "line 3:") {
		t.Fatalf("dry run: exit %d: %s", code, out.String())
	}
	if len(srv.Requests()) != 0 {
		t.Fatal("the dry run sent something")
	}
}

// A row whose request never reached the gateway is not booked, and the
// command says so and says how to send it again; resume does.
func TestRunNotSentRowsResumeSendsAgain(t *testing.T) {
	srv := hFake(t)
	d := srv.Debit(decimal.RequireFromString("10.00"), "EUR")
	input := writeFile(t, "in.csv", "operation,payment_id,amount,currency\nRF,"+d+",4.00,EUR\n")
	journal := filepath.Join(t.TempDir(), "j")
	flags := append([]string{"--journal", journal}, hFast...)

	srv.RefuseConnections()
	var out, errb bytes.Buffer
	if code := run(append([]string{"run", "--input", input}, flags...), &out, &errb); code != exitNotAllBooked {
		t.Fatalf("run while refused: exit %d\n%s%s", code, out.String(), errb.String())
	}
	if want := "1 rows proven not booked"; !strings.Contains(errb.String(), want) || !strings.Contains(errb.String(), "backoffice resume --journal "+journal) {
		t.Fatalf("stderr lacks %q and how to resume:\n%s", want, errb.String())
	}
	srv.AcceptConnections()
	out.Reset()
	errb.Reset()
	if code := run(append([]string{"resume"}, flags...), &out, &errb); code != exitOK {
		t.Fatalf("resume: exit %d\n%s%s", code, out.String(), errb.String())
	}
	if strings.Contains(errb.String(), "not booked") {
		t.Fatalf("the hint after everything was booked:\n%s", errb.String())
	}
	if n := len(srv.Entries(d)); n != 1 {
		t.Fatalf("%d refunds of %s, want 1", n, d)
	}
}

// A call never sent is not booked, and resume sends it again, even when
// what stopped it was a refusal (a checksum refund's read of the refunded
// amount refused, say): the refusal was of the read, not of the row.
func TestClassifyNotSentBeforeRefusal(t *testing.T) {
	refusal := &backoffice.ResultError{StatusCode: 200, Result: backoffice.Result{Code: "30002", Description: "Invalid or expired AuthToken"}}
	row := Row{Line: 2, Op: "RF", PaymentID: "54289", Amount: "1.00", Currency: "EUR"}
	if got := classify(row, nil, &backoffice.NotSentError{Err: refusal}); got.State != stateNotBooked {
		t.Fatalf("not sent, wrapping a refusal: %s, want %s", got.State, stateNotBooked)
	}
	if got := classify(row, nil, refusal); got.State != stateRefused {
		t.Fatalf("the row's own refusal: %s, want %s", got.State, stateRefused)
	}
}
