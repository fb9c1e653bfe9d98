//go:build unix

package main

// Hostile tests of the backoffice command, written against its documented
// interface only (README, usage, backofficetest's godoc): a careless user and
// a hostile gateway. Every test checks what the command says against the
// fake gateway's ledger.
//
// Tests that fail when written, each a bug:
//
//   - TestHostileJournalReplayedLineAfterBooked, and the "forged valid line"
//     cases of TestHostileJournalDamagedMiddle: a valid line (same CRC)
//     appended after a row's "booked" record, a replayed "planned" row
//     record or an earlier "not_booked" state, sends the booked row again:
//     the journal reader accepts any state after a final one.
//   - TestHostileJournalMissingPlannedRows: a journal whose header says 3
//     rows but holds 1 (cut at a line boundary) is accepted by resume,
//     resolve and report ("All 1 rows booked", exit 0): two rows vanish, and
//     the one left, its states cut off, is sent again.
//   - TestHostileJournalDamagedCompleteSendingLine: a last line that is
//     complete (newline and all) but fails its checksum is dropped silently
//     as if torn; when it is the "sending" record of a row whose request
//     went out, the row looks planned and is sent again.
//   - TestHostileGatewayEchoesToken/url-encoded: a gateway that echoes the
//     access token URL-encoded in a result description gets it into the
//     report (stdout) and the journal; the raw and JSON-escaped forms are
//     masked.
//   - TestHostileWrongTokenRowsCanBeResumed: rows answered 800.900.300
//     (wrong token) are "refused" for good; after the token is fixed resume
//     sends nothing, and the only way out (a new journal for the same file)
//     would send again every row the old journal had booked.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/shopspring/decimal"
)

// hBuf is a bytes.Buffer safe to read while run writes to it.
type hBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *hBuf) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *hBuf) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

type hResult struct {
	code        int
	out, errOut string
}

func (r hResult) all() string { return r.out + r.errOut }

// hRun calls run in-process and fails the test if it does not return within
// limit: a hang is a bug.
func hRun(t *testing.T, limit time.Duration, args ...string) hResult {
	t.Helper()
	done := make(chan hResult, 1)
	go func() {
		var o, e hBuf
		c := run(args, &o, &e)
		done <- hResult{c, o.String(), e.String()}
	}()
	select {
	case r := <-done:
		return r
	case <-time.After(limit):
		t.Errorf("HANG: %v did not return within %v", args, limit)
		return hResult{code: -2}
	}
}

type hRow struct {
	Line       int    `json:"line"`
	Op         string `json:"operation"`
	PaymentID  string `json:"payment_id"`
	Mtid       string `json:"merchant_transaction_id"`
	Amount     string `json:"amount"`
	Currency   string `json:"currency"`
	State      string `json:"state"`
	ResultCode string `json:"result_code"`
	Desc       string `json:"result_description"`
	BookingID  string `json:"booking_id"`
}

func hReport(t *testing.T, journal string) ([]hRow, hResult) {
	t.Helper()
	r := hRun(t, 15*time.Second, "report", "--journal", journal, "--format", "json")
	var rows []hRow
	if r.code != exitCannotRun {
		if err := json.Unmarshal([]byte(r.out), &rows); err != nil {
			t.Fatalf("report json (exit %d): %v\n%s", r.code, err, r.all())
		}
	}
	return rows, r
}

// hAfterKill goes after hFast or hSlow on the command line of a command
// that settles what a killed (or interrupted) one left. A request the dead
// process wrote can sit unread in the fake's socket for hundreds of
// milliseconds on a loaded machine, and lands only once the fake reads it
// (plus its booking latency): no sleep after the kill is sure to outlast
// that, and AwaitBookings waits only for requests the fake has read. The
// SDK's contract does: a request sent at T has landed by T+SettleTime, and
// Resolve takes a row left in sending as sent when it begins (after the
// kill), so a look-up proves the row absent only a settle time later. The
// settle time must cover the fake's read delay and its booking latency.
var hAfterKill = []string{"--settle-time", "1s"}

func hArgs(verb, journal string, extra ...string) []string {
	a := append([]string{verb, "--journal", journal}, hFast...)
	return append(a, extra...)
}

func hIsOp(typ string) bool { return typ == "CP" || typ == "RF" || typ == "RV" }

// hTruth holds the report against the ledger: a booked row has exactly one
// booking, the one the report names, on the row's payment; refused, invalid,
// not booked and planned rows have none; sending and unknown rows at most
// one. It also checks that no merchantTransactionId was booked twice.
func hTruth(t *testing.T, srv *backofficetest.Server, rows []hRow) {
	t.Helper()
	srv.AwaitBookings()
	by := map[string][]backofficetest.Entry{}
	for _, e := range srv.Ledger() {
		if hIsOp(string(e.Type)) {
			by[e.MerchantTransactionID] = append(by[e.MerchantTransactionID], e)
		}
	}
	for m, es := range by {
		if len(es) > 1 {
			t.Errorf("LEDGER: merchantTransactionId %q booked %d times", m, len(es))
		}
	}
	for _, r := range rows {
		es := by[r.Mtid]
		switch r.State {
		case stateBooked:
			if len(es) != 1 {
				t.Errorf("line %d reported booked, ledger has %d bookings for %s", r.Line, len(es), r.Mtid)
				continue
			}
			if es[0].ID != r.BookingID || es[0].ReferencedID != r.PaymentID || string(es[0].Type) != r.Op {
				t.Errorf("line %d reported booked as %s on %s (%s), ledger has %s on %s (%s)", r.Line, r.BookingID, r.PaymentID, r.Op, es[0].ID, es[0].ReferencedID, es[0].Type)
			}
			if r.Amount != "" && !es[0].Amount.Equal(decimal.RequireFromString(r.Amount)) {
				t.Errorf("line %d reported booked for %s, ledger booked %s", r.Line, r.Amount, es[0].Amount)
			}
		case stateSending, stateUnknown:
			if len(es) > 1 {
				t.Errorf("line %d (%s) has %d bookings", r.Line, r.State, len(es))
			}
		default:
			if len(es) != 0 {
				t.Errorf("line %d reported %s (%s %s), but the ledger has %d booking(s) for it", r.Line, r.State, r.ResultCode, r.Desc, len(es))
			}
		}
	}
}

func hLedgerOps(srv *backofficetest.Server) int {
	srv.AwaitBookings()
	n := 0
	for _, e := range srv.Ledger() {
		if hIsOp(string(e.Type)) {
			n++
		}
	}
	return n
}

// hRefunds writes an input of n refunds of 1.00 on n debits of 10.00.
func hRefunds(t *testing.T, srv *backofficetest.Server, n int) (string, []string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("operation,payment_id,amount,currency\n")
	var ids []string
	for range n {
		d := srv.Debit(decimal.RequireFromString("10.00"), "EUR")
		ids = append(ids, d)
		fmt.Fprintf(&b, "RF,%s,1.00,EUR\n", d)
	}
	return writeFile(t, "in.csv", b.String()), ids
}

// hLine computes a journal line the way the journal writes them (CRC-32C of
// the JSON, eight hex digits, a space, the JSON): a careless user's editor
// keeps lines whole, and a duplicated or replayed line is valid line by line.
func hLine(js string) string {
	return fmt.Sprintf("%08x %s\n", crc32.Checksum([]byte(js), crc32.MakeTable(crc32.Castagnoli)), js)
}

func hJournalLines(t *testing.T, journal string) []string {
	t.Helper()
	b, err := os.ReadFile(journal)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// hBookedJournal runs n refunds with the gateway down first (rows proven not
// booked), then resumes with it up: every row's history is planned,
// sending, not_booked, sending, booked.
func hBookedJournal(t *testing.T, srv *backofficetest.Server, n int) (journal string, ids []string) {
	t.Helper()
	input, ids := hRefunds(t, srv, n)
	journal = filepath.Join(t.TempDir(), "j")
	hRunWhileDown(t, srv, journal, input)
	r := hRun(t, 20*time.Second, hArgs("resume", journal)...)
	if r.code != exitOK {
		t.Fatalf("resume: exit %d\n%s", r.code, r.all())
	}
	if n := hLedgerOps(srv); n != len(ids) {
		t.Fatalf("%d bookings after the set-up, want %d", n, len(ids))
	}
	return journal, ids
}

// hRunWhileDown runs input's job into journal while srv refuses
// connections, so that every row ends proven not booked (exit 1), then has
// srv accept them again.
func hRunWhileDown(t *testing.T, srv *backofficetest.Server, journal, input string, extra ...string) {
	t.Helper()
	srv.RefuseConnections()
	if r := hRun(t, 20*time.Second, hArgs("run", journal, append([]string{"--input", input}, extra...)...)...); r.code != exitNotAllBooked {
		rows, _ := hReport(t, journal)
		for _, row := range rows {
			if row.State != stateNotBooked {
				t.Logf("line %d: %s (%s)", row.Line, row.State, row.Desc)
			}
		}
		t.Fatalf("run while down: exit %d\n%s", r.code, lastLine(r.all()))
	}
	srv.AcceptConnections()
}

// A line of the journal replayed at its end (a copy-paste, a sync tool, a
// restore of a partial backup over the file) is valid line by line. A row
// that is booked must never be sent again because of it.
func TestHostileJournalReplayedLineAfterBooked(t *testing.T) {
	for _, which := range []string{"planned", "not_booked"} {
		t.Run(which, func(t *testing.T) {
			srv := hFake(t)
			journal, ids := hBookedJournal(t, srv, 2)
			lines := hJournalLines(t, journal)
			var replay string
			for _, l := range lines {
				if strings.Contains(l, `"`+which+`"`) {
					replay = l
					break
				}
			}
			if replay == "" {
				t.Fatalf("no %s line in\n%s", which, strings.Join(lines, ""))
			}
			f, _ := os.OpenFile(journal, os.O_APPEND|os.O_WRONLY, 0)
			f.WriteString(replay)
			f.Close()
			before := hLedgerOps(srv)
			r := hRun(t, 20*time.Second, hArgs("resume", journal)...)
			t.Logf("resume after replaying a %s line: exit %d\n%s", which, r.code, r.all())
			if after := hLedgerOps(srv); after != before {
				t.Errorf("BUG: a replayed %q line made resume book again: %d bookings before, %d after (rows: %d)", which, before, after, len(ids))
			}
			if rows, rr := hReport(t, journal); rr.code != exitCannotRun {
				hTruth(t, srv, rows)
			}
		})
	}
}

// The whole journal concatenated with itself (cat j j > j): a second job
// header and a second set of planned rows.
func TestHostileJournalConcatenatedWithItself(t *testing.T) {
	srv := hFake(t)
	journal, _ := hBookedJournal(t, srv, 2)
	b, _ := os.ReadFile(journal)
	os.WriteFile(journal, append(b, b...), 0o600)
	before := hLedgerOps(srv)
	r := hRun(t, 20*time.Second, hArgs("resume", journal)...)
	if after := hLedgerOps(srv); after != before {
		t.Errorf("BUG: a doubled journal made resume book again: %d -> %d (exit %d)", before, after, r.code)
	}
	if r.code != exitCannotRun {
		t.Errorf("resume of a doubled journal: exit %d, want %d (refused)\n%s", r.code, exitCannotRun, r.all())
	}
}

// A journal cut at a line boundary inside its planned rows (fewer rows than
// the header says) cannot be a journal the command wrote: it is created with
// every row in it.
func TestHostileJournalMissingPlannedRows(t *testing.T) {
	srv := hFake(t)
	journal, _ := hBookedJournal(t, srv, 3)
	lines := hJournalLines(t, journal)
	os.WriteFile(journal, []byte(strings.Join(lines[:2], "")), 0o600) // header + one row of three
	before := hLedgerOps(srv)
	for _, verb := range []string{"resume", "resolve", "report"} {
		r := hRun(t, 20*time.Second, hArgs(verb, journal)...)
		if verb == "report" {
			r = hRun(t, 20*time.Second, "report", "--journal", journal)
		}
		if r.code != exitCannotRun {
			t.Errorf("%s of a journal missing planned rows: exit %d, want %d\n%s", verb, r.code, exitCannotRun, r.all())
		}
	}
	if after := hLedgerOps(srv); after != before {
		t.Errorf("BUG: resume booked again: %d -> %d", before, after)
	}
}

// A kill -9 mid-write leaves a torn last line, which is dropped. The next
// writer must not append after the torn bytes: the journal would then hold
// damage in the middle, which every later command refuses.
func TestHostileJournalTornTailThenResumeTwice(t *testing.T) {
	srv := hFake(t)
	input, ids := hRefunds(t, srv, 3)
	journal := filepath.Join(t.TempDir(), "j")
	hRunWhileDown(t, srv, journal, input)
	lines := hJournalLines(t, journal)
	last := lines[len(lines)-1]
	f, _ := os.OpenFile(journal, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(last[:len(last)/2]) // a torn copy of the last line, no newline
	f.Close()

	r := hRun(t, 20*time.Second, hArgs("resume", journal)...)
	if r.code != exitOK {
		t.Fatalf("resume after a torn tail: exit %d\n%s", r.code, r.all())
	}
	for _, verb := range []string{"report", "resume", "resolve"} {
		args := hArgs(verb, journal)
		if verb == "report" {
			args = []string{"report", "--journal", journal}
		}
		if r := hRun(t, 20*time.Second, args...); r.code != exitOK {
			t.Errorf("BUG: %s after a resume that dropped a torn tail: exit %d\n%s", verb, r.code, r.all())
		}
	}
	rows, _ := hReport(t, journal)
	hTruth(t, srv, rows)
	if n := hLedgerOps(srv); n != len(ids) {
		t.Errorf("%d bookings, want %d", n, len(ids))
	}
}

// The state a kill -9 leaves: the last line is "sending" for a row whose
// request was sent and booked. If that complete line (newline and all) is
// damaged (a bit flip on disk, an editor), the command may not treat it as a
// torn write it can drop: the row would look planned and be sent again.
func TestHostileJournalDamagedCompleteSendingLine(t *testing.T) {
	srv := hFake(t)
	input, ids := hRefunds(t, srv, 1)
	journal := filepath.Join(t.TempDir(), "j")
	if r := hRun(t, 20*time.Second, hArgs("run", journal, "--input", input)...); r.code != exitOK {
		t.Fatalf("run: exit %d\n%s", r.code, r.all())
	}
	lines := hJournalLines(t, journal)
	if !strings.Contains(lines[len(lines)-1], `"booked"`) || !strings.Contains(lines[len(lines)-2], `"sending"`) {
		t.Fatalf("unexpected journal:\n%s", strings.Join(lines, ""))
	}
	// Back to the instant after the request left (as a kill -9 leaves it),
	// then damage one byte of the sending line's timestamp.
	sending := []byte(lines[len(lines)-2])
	i := bytes.Index(sending, []byte(`"at":"`)) + len(`"at":"`) + 2
	sending[i] ^= 1
	lines[len(lines)-2] = string(sending)
	os.WriteFile(journal, []byte(strings.Join(lines[:len(lines)-1], "")), 0o600)

	r := hRun(t, 20*time.Second, hArgs("resume", journal)...)
	t.Logf("resume: exit %d\n%s", r.code, r.all())
	if n := hLedgerOps(srv); n != len(ids) {
		t.Errorf("BUG: resume sent a row whose damaged 'sending' line it dropped: %d bookings of 1 row", n)
	}
}

// Damage in the middle of the journal is refused by every command, and
// nothing is sent.
func TestHostileJournalDamagedMiddle(t *testing.T) {
	srv := hFake(t)
	journal, _ := hBookedJournal(t, srv, 2)
	lines := hJournalLines(t, journal)
	for _, edit := range []struct {
		name string
		f    func([]string) []string
	}{
		{"state edited by hand", func(l []string) []string {
			out := append([]string(nil), l...)
			for i, s := range out {
				if strings.Contains(s, `"not_booked"`) {
					out[i] = strings.Replace(s, `"not_booked"`, `"planned"`, 1)
					break
				}
			}
			return out
		}},
		{"a line deleted", func(l []string) []string {
			return append(append([]string(nil), l[:4]...), l[5:]...)
		}},
		{"blank line inserted", func(l []string) []string {
			return append(append(append([]string(nil), l[:3]...), "\n"), l[3:]...)
		}},
		{"CRLF line endings", func(l []string) []string {
			out := make([]string, len(l))
			for i, s := range l {
				out[i] = strings.ReplaceAll(s, "\n", "\r\n")
			}
			return out
		}},
		{"unknown row line", func(l []string) []string {
			return append(append([]string(nil), l...), hLine(`{"k":"st","line":99,"s":"sending","at":"2026-01-01T00:00:00Z"}`))
		}},
		{"forged valid line: booked row set back to planned", func(l []string) []string {
			return append(append([]string(nil), l...), hLine(`{"k":"st","line":2,"s":"planned","at":"2026-01-01T00:00:00Z"}`))
		}},
		{"forged valid line: booked row set to not_booked", func(l []string) []string {
			return append(append([]string(nil), l...), hLine(`{"k":"st","line":2,"s":"not_booked","at":"2026-01-01T00:00:00Z"}`))
		}},
	} {
		t.Run(edit.name, func(t *testing.T) {
			os.WriteFile(journal, []byte(strings.Join(edit.f(lines), "")), 0o600)
			before := hLedgerOps(srv)
			r := hRun(t, 20*time.Second, hArgs("resume", journal)...)
			after := hLedgerOps(srv)
			t.Logf("resume: exit %d: %s", r.code, strings.TrimSpace(r.errOut))
			if after != before {
				t.Errorf("BUG: resume of an edited journal booked again: %d -> %d bookings", before, after)
			}
			if r.code == exitOK || r.code == exitNotAllBooked {
				rows, _ := hReport(t, journal)
				hTruth(t, srv, rows)
			}
		})
	}
}

// Two runs of one input on one fresh journal at once: the lock (or the
// atomic creation) must let exactly one of them send.
func TestHostileTwoRunsOneFreshJournal(t *testing.T) {
	srv := hFake(t)
	srv.InjectFaultFunc(func(op backofficetest.Op, n int) (backofficetest.Fault, bool) {
		if hIsOp(string(op)) {
			return backofficetest.Fault{Kind: backofficetest.FaultLatency, Latency: 100 * time.Millisecond}, true
		}
		return backofficetest.Fault{}, false
	})
	for round := range 5 {
		before := hLedgerOps(srv)
		input, ids := hRefunds(t, srv, 10)
		journal := filepath.Join(t.TempDir(), "j")
		var wg sync.WaitGroup
		res := make([]hResult, 2)
		for i := range res {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res[i] = hRun(t, 20*time.Second, hArgs("run", journal, "--input", input, "--concurrency", "2")...)
			}()
		}
		wg.Wait()
		t.Logf("round %d: exits %d and %d", round, res[0].code, res[1].code)
		if n := hLedgerOps(srv) - before; n != len(ids) {
			for _, r := range res {
				t.Logf("exit %d\n%s", r.code, r.all())
			}
			t.Fatalf("BUG: two runs on one fresh journal: %d bookings of %d rows", n, len(ids))
		}
		rows, _ := hReport(t, journal)
		hTruth(t, srv, rows)
	}
}

// run and resume at once on an existing journal whose rows are all unsent.
func TestHostileRunAndResumeAtOnce(t *testing.T) {
	srv := hFake(t)
	input, ids := hRefunds(t, srv, 10)
	journal := filepath.Join(t.TempDir(), "j")
	hRunWhileDown(t, srv, journal, input)
	srv.InjectFaultFunc(func(op backofficetest.Op, n int) (backofficetest.Fault, bool) {
		if hIsOp(string(op)) {
			return backofficetest.Fault{Kind: backofficetest.FaultLatency, Latency: 100 * time.Millisecond}, true
		}
		return backofficetest.Fault{}, false
	})
	var wg sync.WaitGroup
	res := make([]hResult, 3)
	verbs := []string{"resume", "resume", "run"}
	for i := range res {
		wg.Add(1)
		go func() {
			defer wg.Done()
			args := hArgs(verbs[i], journal, "--concurrency", "2")
			if verbs[i] == "run" {
				args = append(args, "--input", input)
			}
			res[i] = hRun(t, 20*time.Second, args...)
		}()
	}
	wg.Wait()
	for i, r := range res {
		t.Logf("%s: exit %d: %s", verbs[i], r.code, strings.TrimSpace(r.errOut[max(0, len(r.errOut)-200):]))
	}
	if n := hLedgerOps(srv); n != len(ids) {
		t.Errorf("BUG: %d bookings of %d rows", n, len(ids))
	}
	rows, _ := hReport(t, journal)
	hTruth(t, srv, rows)
}

// A report taken while a run is under way reads the journal as it is: it
// may not claim a row booked that is not, and must not hang on the lock.
func TestHostileReportMidRun(t *testing.T) {
	srv := hFake(t, backofficetest.WithBookingLatency(150*time.Millisecond))
	input, ids := hRefunds(t, srv, 16)
	journal := filepath.Join(t.TempDir(), "j")
	done := make(chan hResult, 1)
	go func() {
		done <- hRun(t, 20*time.Second, append([]string{"run", "--journal", journal, "--input", input, "--concurrency", "2"}, hSlow...)...)
	}()
	seenSending := false
	for i := 0; ; i++ {
		select {
		case r := <-done:
			if r.code != exitOK {
				t.Fatalf("run: exit %d\n%s", r.code, r.all())
			}
			if !seenSending {
				t.Log("never caught a row in sending")
			}
			rows, _ := hReport(t, journal)
			hTruth(t, srv, rows)
			if n := hLedgerOps(srv); n != len(ids) {
				t.Errorf("%d bookings, want %d", n, len(ids))
			}
			return
		case <-time.After(60 * time.Millisecond):
		}
		if !fileExists(journal) {
			continue
		}
		rows, r := hReport(t, journal)
		if r.code == exitCannotRun {
			t.Logf("report mid-run refused: %s", strings.TrimSpace(r.errOut))
			continue
		}
		if r.code == exitOK {
			for _, row := range rows {
				if row.State != stateBooked {
					t.Errorf("BUG: report mid-run exit 0 (all booked) with line %d %s", row.Line, row.State)
				}
			}
		}
		mid := map[string]int{}
		for _, row := range rows {
			mid[row.State]++
		}
		if i%5 == 0 {
			t.Logf("mid-run report: exit %d, %v", r.code, mid)
		}
		// Every row it calls booked is in the ledger (bookings land before
		// the answer that says so).
		by := map[string]int{}
		for _, e := range srv.Ledger() {
			by[e.MerchantTransactionID]++
		}
		for _, row := range rows {
			if row.State == stateSending {
				seenSending = true
			}
			if row.State == stateBooked && by[row.Mtid] != 1 {
				t.Errorf("BUG: mid-run report calls line %d booked, ledger has %d", row.Line, by[row.Mtid])
			}
		}
	}
}

// hCSVCase is one input row a careless user could write.
type hCSVCase struct {
	name   string
	row    func(db, pa, jpy string) string // the CSV line (no newline)
	accept string                          // "" must not be booked at all; else the amount the gateway must book
}

// Amounts and fields that must never be booked for a different amount than
// the file says, or booked at all.
func TestHostileCSVAmounts(t *testing.T) {
	srv := hFake(t)
	cases := []hCSVCase{
		{"plain", func(d, p, j string) string { return "RF," + d + ",1.00,EUR" }, "1.00"},
		{"one decimal", func(d, p, j string) string { return "RF," + d + ",1.5,EUR" }, "1.50"},
		{"no decimals", func(d, p, j string) string { return "RF," + d + ",2,EUR" }, "2.00"},
		{"three decimals", func(d, p, j string) string { return "RF," + d + ",1.005,EUR" }, ""},
		{"three decimals trailing zero", func(d, p, j string) string { return "RF," + d + ",1.010,EUR" }, "1.01"},
		{"exponent", func(d, p, j string) string { return "RF," + d + ",1e0,EUR" }, "1.00"},
		{"negative", func(d, p, j string) string { return "RF," + d + ",-1.00,EUR" }, ""},
		{"zero", func(d, p, j string) string { return "RF," + d + ",0.00,EUR" }, ""},
		{"comma decimal", func(d, p, j string) string { return "RF," + d + `,"1,00",EUR` }, ""},
		{"thousands separator", func(d, p, j string) string { return "RF," + d + `,"1,000.00",EUR` }, ""},
		{"leading space", func(d, p, j string) string { return "RF," + d + ", 1.00,EUR" }, "1.00"},
		{"plus sign", func(d, p, j string) string { return "RF," + d + ",+1.00,EUR" }, "1.00"},
		{"huge", func(d, p, j string) string { return "RF," + d + ",99999999999999999999.00,EUR" }, ""},
		{"tiny exponent", func(d, p, j string) string { return "RF," + d + ",1e-9,EUR" }, ""},
		{"empty amount on a refund", func(d, p, j string) string { return "RF," + d + ",,EUR" }, ""},
		{"empty amount on a capture", func(d, p, j string) string { return "CP," + p + ",,EUR" }, ""},
		{"JPY with decimals", func(d, p, j string) string { return "RF," + j + ",100.5,JPY" }, ""},
		{"JPY whole", func(d, p, j string) string { return "RF," + j + ",100,JPY" }, "100"},
		{"lower-case currency", func(d, p, j string) string { return "RF," + d + ",1.00,eur" }, "1.00"},
		{"currency of another payment", func(d, p, j string) string { return "RF," + d + ",1.00,USD" }, ""},
		{"amount with currency sign", func(d, p, j string) string { return "RF," + d + ",€1.00,EUR" }, ""},
		{"hex", func(d, p, j string) string { return "RF," + d + ",0x1,EUR" }, ""},
		{"NaN", func(d, p, j string) string { return "RF," + d + ",NaN,EUR" }, ""},
		{"Inf", func(d, p, j string) string { return "RF," + d + ",Inf,EUR" }, ""},
		{"partial reversal, no currency", func(d, p, j string) string { return "RV," + d + ",1.00," }, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := srv.Debit(decimal.RequireFromString("10.00"), "EUR")
			pa := srv.Preauthorize(decimal.RequireFromString("10.00"), "EUR")
			jpy := srv.Debit(decimal.RequireFromString("1000"), "JPY")
			row := c.row(db, pa, jpy)
			input := writeFile(t, "in.csv", "operation,payment_id,amount,currency\n"+row+"\n")
			journal := filepath.Join(t.TempDir(), "j")
			before := hLedgerOps(srv)
			r := hRun(t, 20*time.Second, hArgs("run", journal, "--input", input)...)
			srv.AwaitBookings()
			var booked []backofficetest.Entry
			for _, e := range srv.Ledger() {
				if hIsOp(string(e.Type)) && (e.ReferencedID == db || e.ReferencedID == pa || e.ReferencedID == jpy) {
					booked = append(booked, e)
				}
			}
			_ = before
			summary := fmt.Sprintf("row %q: exit %d, %d booking(s)", row, r.code, len(booked))
			if len(booked) == 1 {
				summary += " of " + booked[0].Amount.String() + " " + booked[0].Currency
			}
			t.Log(summary)
			switch {
			case c.accept == "" && len(booked) != 0:
				t.Errorf("BUG: %s: booked %s %s", row, booked[0].Amount, booked[0].Currency)
			case c.accept != "" && len(booked) == 1 && !booked[0].Amount.Equal(decimal.RequireFromString(c.accept)):
				t.Errorf("BUG: %s: booked %s, the file says %s", row, booked[0].Amount, c.accept)
			case len(booked) > 1:
				t.Errorf("BUG: %s booked %d times", row, len(booked))
			}
			if r.code == exitOK && len(booked) != 1 {
				t.Errorf("BUG: exit 0 (all booked) but %d bookings\n%s", len(booked), r.all())
			}
			if r.code != exitCannotRun {
				rows, _ := hReport(t, journal)
				hTruth(t, srv, rows)
			}
		})
	}
}

// File-level CSV oddities: BOM, CRLF, blank lines, quoted fields, a field
// with a newline inside, duplicate rows without ids, long and unicode ids.
func TestHostileCSVShapes(t *testing.T) {
	srv := hFake(t)
	type shape struct {
		name string
		body func(d1, d2 string) string
		// want: bookings that must exist afterwards per debit (−1: any
		// outcome is fine as long as the report agrees with the ledger).
		want1, want2 int
	}
	hdr := "operation,payment_id,amount,currency,merchant_transaction_id\n"
	shapes := []shape{
		{"BOM", func(a, b string) string { return "\ufeff" + hdr + "RF," + a + ",1.00,EUR,\nRF," + b + ",1.00,EUR,\n" }, -1, -1},
		{"CRLF", func(a, b string) string {
			return strings.ReplaceAll(hdr+"RF,"+a+",1.00,EUR,\nRF,"+b+",1.00,EUR,\n", "\n", "\r\n")
		}, 1, 1},
		{"blank lines", func(a, b string) string { return hdr + "\nRF," + a + ",1.00,EUR,\n\n\nRF," + b + ",1.00,EUR,\n\n" }, 1, 1},
		{"quoted fields", func(a, b string) string {
			return hdr + `"RF","` + a + `","1.00","EUR",""` + "\n" + `RF,` + b + `,"1.00",EUR,"x,""y"""` + "\n"
		}, 1, 1},
		{"newline in an id", func(a, b string) string { return hdr + "RF," + a + ",1.00,EUR,\"a\nb\"\nRF," + b + ",1.00,EUR,\n" }, -1, 1},
		{"duplicate rows without ids", func(a, b string) string {
			return hdr + "RF," + a + ",1.00,EUR,\nRF," + a + ",1.00,EUR,\nRF," + b + ",1.00,EUR,\n"
		}, 2, 1},
		{"long id", func(a, b string) string {
			return hdr + "RF," + a + ",1.00,EUR," + strings.Repeat("x", 300) + "\nRF," + b + ",1.00,EUR,\n"
		}, 0, 1},
		{"unicode id", func(a, b string) string {
			return hdr + "RF," + a + ",1.00,EUR,Zahlung-ä€😀\nRF," + b + ",1.00,EUR,\n"
		}, -1, 1},
		{"ids differing by a space", func(a, b string) string { return hdr + "RF," + a + ",1.00,EUR,dup\nRF," + b + ",1.00,EUR,dup \n" }, -1, -1},
		{"lower-case operation", func(a, b string) string { return hdr + "rf," + a + ",1.00,EUR,\nRF," + b + ",1.00,EUR,\n" }, -1, -1},
		{"payment id with spaces", func(a, b string) string { return hdr + "RF, " + a + " ,1.00,EUR,\nRF," + b + ",1.00,EUR,\n" }, -1, -1},
		{"extra column", func(a, b string) string {
			return "operation,payment_id,amount,currency,merchant_transaction_id,note\nRF," + a + ",1.00,EUR,,hi\nRF," + b + ",1.00,EUR,,\n"
		}, 0, 0},
		{"columns reordered", func(a, b string) string {
			return "payment_id,operation,currency,amount\n" + a + ",RF,EUR,1.00\n" + b + ",RF,EUR,2.00\n"
		}, -1, -1},
		{"short row", func(a, b string) string { return hdr + "RF," + a + ",1.00\nRF," + b + ",1.00,EUR,\n" }, 0, 0},
		{"header only", func(a, b string) string { return hdr }, 0, 0},
		{"empty file", func(a, b string) string { return "" }, 0, 0},
	}
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			d1 := srv.Debit(decimal.RequireFromString("10.00"), "EUR")
			d2 := srv.Debit(decimal.RequireFromString("10.00"), "EUR")
			input := writeFile(t, "in.csv", s.body(d1, d2))
			journal := filepath.Join(t.TempDir(), "j")
			r := hRun(t, 20*time.Second, hArgs("run", journal, "--input", input)...)
			srv.AwaitBookings()
			n1, n2 := len(srv.Entries(d1)), len(srv.Entries(d2))
			t.Logf("exit %d, bookings %d and %d: %s", r.code, n1, n2, strings.TrimSpace(lastLine(r.errOut)))
			if (s.want1 >= 0 && n1 != s.want1) || (s.want2 >= 0 && n2 != s.want2) {
				t.Errorf("bookings %d and %d, want %d and %d\n%s", n1, n2, s.want1, s.want2, r.all())
			}
			if r.code == exitOK && (n1 == 0 || n2 == 0) && s.name != "header only" && s.name != "empty file" {
				t.Errorf("BUG: exit 0 (all booked) with bookings %d and %d\n%s", n1, n2, r.all())
			}
			if r.code != exitCannotRun {
				rows, _ := hReport(t, journal)
				hTruth(t, srv, rows)
				// The report's line numbers are the file's.
				b, _ := os.ReadFile(input)
				fileLines := strings.Split(string(b), "\n")
				for _, row := range rows {
					if row.Line < 1 || row.Line > len(fileLines) || !strings.Contains(fileLines[row.Line-1], row.PaymentID) {
						t.Errorf("report line %d (%s) is not the file's line holding it", row.Line, row.PaymentID)
					}
				}
				// A second run of the same file sends nothing more.
				before := hLedgerOps(srv)
				hRun(t, 20*time.Second, hArgs("run", journal, "--input", input)...)
				if after := hLedgerOps(srv); after != before {
					t.Errorf("BUG: the second run of the same file booked %d more", after-before)
				}
			}
		})
	}
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

var hFaultKinds = []backofficetest.Fault{
	{Kind: backofficetest.FaultLatency, Latency: 50 * time.Millisecond},
	{Kind: backofficetest.FaultServerError},
	{Kind: backofficetest.FaultServerError, StatusCode: 500},
	{Kind: backofficetest.FaultServerError, StatusCode: 502},
	{Kind: backofficetest.FaultServerError, RetryAfter: time.Second},
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
	{Kind: backofficetest.FaultRedirect},
	{Kind: backofficetest.FaultRedirect, StatusCode: 303},
	{Kind: backofficetest.FaultRedirect, StatusCode: 308},
	{Kind: backofficetest.FaultMisrouted},
	{Kind: backofficetest.FaultMisrouted, Booked: true},
}

func hFaultName(f backofficetest.Fault) string {
	n := f.Kind.String()
	if f.Booked {
		n += "+Booked"
	}
	if f.StatusCode != 0 {
		n += fmt.Sprint("-", f.StatusCode)
	}
	if f.RetryAfter != 0 {
		n += "-RetryAfter"
	}
	return n
}

// Every fault kind on the first request of every operation and on the first
// look-up; the report must agree with the ledger after the run, and after
// resumes until nothing is left to settle.
func TestHostileEveryFaultEveryOp(t *testing.T) {
	ops := []backofficetest.Op{backofficetest.OpCapture, backofficetest.OpRefund, backofficetest.OpReversal, backofficetest.OpQuery}
	for _, op := range ops {
		t.Run(string(op), func(t *testing.T) {
			srv := hFake(t, backofficetest.WithBookingLatency(20*time.Millisecond))
			for _, f := range hFaultKinds {
				srv.ClearFaults()
				pa := srv.Preauthorize(decimal.RequireFromString("10.00"), "EUR")
				d1 := srv.Debit(decimal.RequireFromString("10.00"), "EUR")
				d2 := srv.Debit(decimal.RequireFromString("10.00"), "EUR")
				input := writeFile(t, "in.csv", "operation,payment_id,amount,currency\nCP,"+pa+",5.00,EUR\nRF,"+d1+",3.00,EUR\nRV,"+d2+",,\n")
				journal := filepath.Join(t.TempDir(), "j")
				srv.InjectFault(op, 1, f)
				if op == backofficetest.OpQuery {
					// and make the first operation's answer uncertain, so
					// that a look-up is needed at all
					srv.InjectFault(backofficetest.OpRefund, 1, backofficetest.Fault{Kind: backofficetest.FaultDropAfterBooking})
				}
				r := hRun(t, 20*time.Second, hArgs("run", journal, "--input", input, "--concurrency", "3")...)
				rows, _ := hReport(t, journal)
				if t.Failed() {
					return
				}
				hTruth(t, srv, rows)
				first := r.code
				for i := 0; i < 3 && r.code != exitOK; i++ {
					r = hRun(t, 20*time.Second, hArgs("resume", journal)...)
				}
				rows, _ = hReport(t, journal)
				hTruth(t, srv, rows)
				states := []string{}
				for _, row := range rows {
					states = append(states, row.State+"("+row.ResultCode+")")
				}
				t.Logf("%-26s run exit %d, after resumes %d: %v", hFaultName(f), first, r.code, states)
				if r.code != exitOK {
					t.Errorf("%s on %s: not all booked after resumes: %v", hFaultName(f), op, states)
				}
				if t.Failed() {
					t.Logf("failed on %s\n%s", hFaultName(f), r.all())
					return
				}
			}
		})
	}
}

// Random faults on every request (look-ups included), late bookings,
// throttled look-ups: the report must always agree with the ledger.
func TestHostileRandomFaults(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	srv := hFake(t, backofficetest.WithBookingLatency(30*time.Millisecond), backofficetest.WithLookupThrottle(4, 100*time.Millisecond))
	srv.InjectFaultFunc(func(op backofficetest.Op, n int) (backofficetest.Fault, bool) {
		if rng.Float64() < 0.3 {
			return hFaultKinds[rng.IntN(len(hFaultKinds))], true
		}
		return backofficetest.Fault{}, false
	})
	var b strings.Builder
	b.WriteString("operation,payment_id,amount,currency\n")
	for i := range 60 {
		switch i % 3 {
		case 0:
			fmt.Fprintf(&b, "CP,%s,5.00,EUR\n", srv.Preauthorize(decimal.RequireFromString("10.00"), "EUR"))
		case 1:
			fmt.Fprintf(&b, "RF,%s,3.00,EUR\n", srv.Debit(decimal.RequireFromString("10.00"), "EUR"))
		default:
			fmt.Fprintf(&b, "RV,%s,,\n", srv.Debit(decimal.RequireFromString("10.00"), "EUR"))
		}
	}
	input := writeFile(t, "in.csv", b.String())
	journal := filepath.Join(t.TempDir(), "j")
	r := hRun(t, 20*time.Second, hArgs("run", journal, "--input", input, "--concurrency", "8")...)
	rows, _ := hReport(t, journal)
	hTruth(t, srv, rows)
	t.Logf("run: exit %d: %s", r.code, lastLine(r.errOut))
	for i := 0; i < 4 && r.code != exitOK; i++ {
		r = hRun(t, 20*time.Second, hArgs("resume", journal, "--resolve-timeout", "2s", "--timeout", "3s")...)
		rows, _ = hReport(t, journal)
		hTruth(t, srv, rows)
		t.Logf("resume %d: exit %d: %s", i+1, r.code, lastLine(r.errOut))
	}
	srv.InjectFaultFunc(nil)
	r = hRun(t, 20*time.Second, hArgs("resume", journal, "--resolve-timeout", "2s", "--timeout", "3s")...)
	rows, _ = hReport(t, journal)
	hTruth(t, srv, rows)
	counts := map[string]int{}
	for _, row := range rows {
		counts[row.State]++
		if row.State == stateRefused && row.ResultCode != "800.120.100" && row.ResultCode != "800.700.100" {
			t.Errorf("line %d refused with %s %s: the money rules allow every row", row.Line, row.ResultCode, row.Desc)
		}
	}
	t.Logf("final resume without faults: exit %d, %v", r.code, counts)
	if counts[stateSending]+counts[stateUnknown]+counts[stateNotBooked] != 0 {
		t.Errorf("rows left unsettled after a fault-free resume: %v\n%s", counts, r.all())
	}
}

// hSecrets lists the strings that must never appear in anything the
// command writes.
func hCheckNoSecret(t *testing.T, where, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("BUG: secret %.6s... appears in %s", s, where)
		}
	}
}

// hEchoFront puts a reverse proxy in front of srv that rewrites every
// answer with edit (given the request's Authorization header), and points
// the command at it.
func hEchoFront(t *testing.T, srv *backofficetest.Server, edit func(resp *http.Response, body []byte, auth string) []byte) {
	t.Helper()
	target, _ := url.Parse(srv.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(resp *http.Response) error {
		body, _ := ioReadAll(resp)
		body = edit(resp, body, resp.Request.Header.Get("Authorization"))
		resp.Body = ioNopCloser(body)
		resp.ContentLength = int64(len(body))
		resp.Header.Set("Content-Length", fmt.Sprint(len(body)))
		return nil
	}
	front := &http.Server{Handler: proxy}
	ln, err := netListen()
	if err != nil {
		t.Fatal(err)
	}
	go front.Serve(ln)
	t.Cleanup(func() { front.Close() })
	hEnv(t, srv)
	t.Setenv("OPP_BASE_URL", "http://"+ln.Addr().String())
}

// A hostile gateway echoes the caller's token in its answers, in the forms
// a server would write it: as is, JSON-escaped the way PHP's json_encode
// does (every "/" as "\/"), "+" as \u002b, URL-encoded (an echoed form or
// query), base64 (an echoed Basic-style header). After the command decodes
// an answer, each of these is the token or trivially turns back into it.
// Nothing the command writes (stdout, stderr, report, journal) may hold it.
func TestHostileGatewayEchoesToken(t *testing.T) {
	forms := map[string]func(tok string) string{
		"raw":          func(tok string) string { return tok },
		"json slashes": func(tok string) string { return strings.ReplaceAll(tok, "/", `\/`) },
		"json unicode": func(tok string) string { return strings.ReplaceAll(tok, "+", `\u002b`) },
		"url-encoded":  url.QueryEscape,
	}
	for _, name := range []string{"raw", "json slashes", "json unicode", "url-encoded"} {
		form := forms[name]
		t.Run(name, func(t *testing.T) {
			// The fake's tokens are random base64: take one holding both
			// "+" and "/", which the forms change.
			var srv *backofficetest.Server
			for range 50 {
				srv = backofficetest.NewServer()
				t.Cleanup(srv.Close)
				if tok := srv.BearerCredentials().AccessToken; strings.Contains(tok, "+") && strings.Contains(tok, "/") {
					break
				}
			}
			tok := srv.BearerCredentials().AccessToken
			if !strings.Contains(tok, "+") || !strings.Contains(tok, "/") {
				t.Skip("no token with + and / in 50 servers")
			}
			hEchoFront(t, srv, func(resp *http.Response, body []byte, auth string) []byte {
				return bytes.Replace(body, []byte(`"description":"`), []byte(`"description":"debug: token `+form(strings.TrimPrefix(auth, "Bearer "))+`; `), 1)
			})
			var b strings.Builder
			b.WriteString("operation,payment_id,amount,currency\n")
			for i := range 4 {
				amount := "1.00"
				if i%2 == 0 {
					amount = "11.00" // refused: the report lists its description
				}
				fmt.Fprintf(&b, "RF,%s,%s,EUR\n", srv.Debit(decimal.RequireFromString("10.00"), "EUR"), amount)
			}
			input := writeFile(t, "in.csv", b.String())
			journal := filepath.Join(t.TempDir(), "j")
			var all strings.Builder
			all.WriteString(hRun(t, 20*time.Second, hArgs("run", journal, "--input", input)...).all())
			for _, f := range []string{"table", "csv", "json"} {
				all.WriteString(hRun(t, 10*time.Second, "report", "--journal", journal, "--format", f).all())
			}
			jb, _ := os.ReadFile(journal)
			everything := all.String() + string(jb)
			found := false
			for _, variant := range []string{tok, url.QueryEscape(tok), strings.ReplaceAll(tok, "/", `\/`)} {
				if strings.Contains(everything, variant) {
					found = true
					for _, l := range strings.Split(everything, "\n") {
						if strings.Contains(l, variant) {
							t.Logf("leak: %.220s", l)
							break
						}
					}
				}
			}
			if found {
				t.Errorf("BUG: the token, echoed by the gateway %s, appears in what the command wrote", name)
			}
			rows, _ := hReport(t, journal)
			hTruth(t, srv, rows)
		})
	}
}

// A gateway whose error pages and garbled answers echo the request's
// Authorization header: a 503 page, a body cut short, an extra header.
func TestHostileGatewayErrorPagesEchoToken(t *testing.T) {
	srv := backofficetest.NewServer()
	t.Cleanup(srv.Close)
	var mu sync.Mutex
	n := 0
	hEchoFront(t, srv, func(resp *http.Response, body []byte, auth string) []byte {
		mu.Lock()
		n++
		k := n
		mu.Unlock()
		resp.Header.Set("X-Debug-Auth", auth)
		switch k % 3 {
		case 1:
			resp.StatusCode = 503
			resp.Header.Set("Content-Type", "text/html")
			return []byte("<html><body>Service Unavailable. Your request: Authorization: " + auth + "</body></html>")
		case 2:
			return []byte(`{"result":{"code":"000.100.110","description":"ok ` + auth + `"`)
		}
		return body
	})
	tok := srv.BearerCredentials().AccessToken
	input, _ := hRefunds(t, srv, 9)
	journal := filepath.Join(t.TempDir(), "j")
	var all strings.Builder
	r := hRun(t, 20*time.Second, hArgs("run", journal, "--input", input, "--resolve-timeout", "1s", "--timeout", "2s")...)
	all.WriteString(r.all())
	for i := 0; i < 2 && r.code != exitOK; i++ {
		r = hRun(t, 20*time.Second, hArgs("resume", journal, "--resolve-timeout", "1s", "--timeout", "2s")...)
		all.WriteString(r.all())
		all.WriteString(hRun(t, 20*time.Second, hArgs("resolve", journal, "--resolve-timeout", "1s")...).all())
	}
	for _, f := range []string{"table", "csv", "json"} {
		all.WriteString(hRun(t, 10*time.Second, "report", "--journal", journal, "--format", f).all())
	}
	t.Logf("last exit %d", r.code)
	hCheckNoSecret(t, "stdout/stderr/reports", all.String(), tok)
	jb, _ := os.ReadFile(journal)
	hCheckNoSecret(t, "the journal", string(jb), tok)
	rows, _ := hReport(t, journal)
	hTruth(t, srv, rows)
}

// The checksum variant: the secure key, and the AuthTokens the command
// fetched, appear nowhere, even with faults on every kind of request.
func TestHostileChecksumSecrets(t *testing.T) {
	srv := backofficetest.NewServer(backofficetest.WithAuthTokenLifetime(300 * time.Millisecond))
	t.Cleanup(srv.Close)
	c := srv.ChecksumCredentials()
	t.Setenv("OPP_ACCESS_TOKEN", "")
	t.Setenv("OPP_ENTITY_ID", "")
	t.Setenv("OPP_MEMBER_ID", c.MemberID)
	t.Setenv("OPP_SECURE_KEY", c.SecureKey)
	t.Setenv("OPP_BASE_URL", srv.URL)
	rng := rand.New(rand.NewPCG(1, 2))
	srv.InjectFaultFunc(func(op backofficetest.Op, n int) (backofficetest.Fault, bool) {
		if rng.Float64() < 0.3 {
			return hFaultKinds[rng.IntN(len(hFaultKinds))], true
		}
		return backofficetest.Fault{}, false
	})
	var b strings.Builder
	b.WriteString("operation,payment_id,amount,currency\n")
	for i := range 12 {
		if i%2 == 0 {
			fmt.Fprintf(&b, "RF,%s,1.00,EUR\n", srv.TrackingID(srv.Debit(decimal.RequireFromString("10.00"), "EUR")))
		} else {
			fmt.Fprintf(&b, "CP,%s,2.00,EUR\n", srv.TrackingID(srv.Preauthorize(decimal.RequireFromString("10.00"), "EUR")))
		}
	}
	input := writeFile(t, "in.csv", b.String())
	journal := filepath.Join(t.TempDir(), "j")
	var all strings.Builder
	r := hRun(t, 20*time.Second, hArgs("run", journal, "--input", input)...)
	all.WriteString(r.all())
	t.Logf("run: exit %d: %s", r.code, lastLine(r.errOut))
	for _, f := range []string{"table", "csv", "json"} {
		all.WriteString(hRun(t, 10*time.Second, "report", "--journal", journal, "--format", f).all())
	}
	jb, _ := os.ReadFile(journal)
	secrets := []string{c.SecureKey}
	for _, req := range srv.Requests() {
		if tok := req.Header.Get("AuthToken"); tok != "" {
			secrets = append(secrets, tok)
		}
	}
	hCheckNoSecret(t, "stdout/stderr/reports", all.String(), secrets...)
	hCheckNoSecret(t, "the journal", string(jb), secrets...)
}

// Credentials a careless user pastes: with a trailing newline, a space,
// quotes; the token must not be printed back in the error.
func TestHostileMalformedCredentialsNotEchoed(t *testing.T) {
	srv := hFake(t)
	input, _ := hRefunds(t, srv, 1)
	tok := srv.BearerCredentials().AccessToken
	for _, bad := range []string{tok + "\n", " " + tok, `"` + tok + `"`, "Bearer " + tok, tok[:10] + "\r\n" + tok[10:]} {
		t.Setenv("OPP_ACCESS_TOKEN", bad)
		journal := filepath.Join(t.TempDir(), "j")
		r := hRun(t, 20*time.Second, hArgs("run", journal, "--input", input, "--timeout", "2s")...)
		t.Logf("token %q...: exit %d: %s", bad[:3], r.code, lastLine(r.errOut))
		hCheckNoSecret(t, fmt.Sprintf("output for a token %q...", bad[:3]), r.all(), tok, tok[:10], tok[10:])
		if fileExists(journal) {
			jb, _ := os.ReadFile(journal)
			hCheckNoSecret(t, "the journal", string(jb), tok, tok[:10], tok[10:])
		}
	}
	// Bad base URLs with credentials in them.
	t.Setenv("OPP_ACCESS_TOKEN", tok)
	for _, base := range []string{"http://user:" + tok + "@" + strings.TrimPrefix(srv.URL, "http://"), srv.URL + "/?token=" + tok, "ht tp://" + tok} {
		t.Setenv("OPP_BASE_URL", base)
		journal := filepath.Join(t.TempDir(), "j")
		r := hRun(t, 20*time.Second, hArgs("run", journal, "--input", input, "--timeout", "2s")...)
		t.Logf("base URL with the token: exit %d: %s", r.code, lastLine(r.errOut))
		hCheckNoSecret(t, "output for a base URL holding the token", r.all(), tok)
	}
}

// hExec runs the built command with a hang guard, returning its exit code
// (-1 killed by a signal) and combined output.
func hExec(t *testing.T, limit time.Duration, env []string, args ...string) (int, string) {
	t.Helper()
	c := exec.Command(builtCommand(t), args...)
	c.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	c.Stdout, c.Stderr = &out, &out
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	select {
	case err := <-done:
		return exitCodeOfErr(err), out.String()
	case <-time.After(limit):
		c.Process.Kill()
		<-done
		t.Errorf("HANG: backoffice %v did not exit within %v\n%s", args, limit, out.String())
		return -2, out.String()
	}
}

func hBinEnv(srv *backofficetest.Server) []string {
	c := srv.BearerCredentials()
	return []string{"OPP_ACCESS_TOKEN=" + c.AccessToken, "OPP_ENTITY_ID=" + c.EntityID, "OPP_BASE_URL=" + srv.URL, "OPP_MEMBER_ID=", "OPP_SECURE_KEY="}
}

// Flag values a careless user types: the command must refuse them or run
// with them, but not hang, crash, or send twice.
func TestHostileSillyFlags(t *testing.T) {
	srv := backofficetest.NewServer()
	t.Cleanup(srv.Close)
	env := hBinEnv(srv)
	for _, flags := range [][]string{
		{"--concurrency", "0"},
		{"--concurrency", "-1"},
		{"--concurrency", "100000"},
		{"--rate", "-1"},
		{"--rate", "NaN"},
		{"--rate", "+Inf"},
		{"--rate", "1e-300"},
		{"--progress-interval", "0"},
		{"--progress-interval", "-1s"},
		{"--timeout", "0"},
		{"--timeout", "-1s"},
		{"--timeout", "1ns"},
		{"--resolve-timeout", "-1s"},
		{"--settle-time", "0"},
		{"--settle-time", "-5s"},
		{"--lookup-interval", "0"},
		{"--lookup-interval", "-1s"},
	} {
		t.Run(strings.Join(flags, "="), func(t *testing.T) {
			srv.ClearFaults()
			var b strings.Builder
			b.WriteString("operation,payment_id,amount,currency\n")
			for range 3 {
				fmt.Fprintf(&b, "RF,%s,1.00,EUR\n", srv.Debit(decimal.RequireFromString("10.00"), "EUR"))
			}
			input := writeFile(t, "in.csv", b.String())
			journal := filepath.Join(t.TempDir(), "j")
			args := append(append([]string{"run", "--input", input, "--journal", journal}, hFast...), flags...)
			code, out := hExec(t, 12*time.Second, env, args...)
			t.Logf("exit %d: %s", code, lastLine(out))
			if code < 0 || code > 3 || strings.Contains(out, "panic:") || strings.Contains(out, "goroutine ") {
				t.Errorf("BUG: exit %d (crash?)\n%s", code, out)
			}
			if fileExists(journal) {
				rows, _ := hReport(t, journal)
				hTruth(t, srv, rows)
			}
		})
	}
}

// A tiny --rate with a short --timeout: rows that could not be sent in time
// are not booked (truthfully), the command ends in time, and resume books
// them.
func TestHostileTinyRateShortTimeout(t *testing.T) {
	srv := hFake(t)
	input, ids := hRefunds(t, srv, 6)
	journal := filepath.Join(t.TempDir(), "j")
	start := time.Now()
	r := hRun(t, 15*time.Second, hArgs("run", journal, "--input", input, "--rate", "0.5", "--timeout", "300ms", "--concurrency", "6")...)
	t.Logf("run: exit %d in %v: %s", r.code, time.Since(start).Round(time.Millisecond), lastLine(r.errOut))
	rows, _ := hReport(t, journal)
	hTruth(t, srv, rows)
	if r.code == exitOK && hLedgerOps(srv) != len(ids) {
		t.Errorf("BUG: exit 0 with %d of %d booked", hLedgerOps(srv), len(ids))
	}
	for i := 0; i < 3 && r.code != exitOK; i++ {
		r = hRun(t, 15*time.Second, hArgs("resume", journal, "--rate", "50")...)
	}
	rows, _ = hReport(t, journal)
	hTruth(t, srv, rows)
	if r.code != exitOK || hLedgerOps(srv) != len(ids) {
		t.Errorf("after resumes: exit %d, %d of %d booked\n%s", r.code, hLedgerOps(srv), len(ids), r.all())
	}
}

// SIGINT mid-run: the command stops soon, leaves a journal every command
// reads, and resume books every row exactly once.
func TestHostileSIGINTThenResume(t *testing.T) {
	srv := backofficetest.NewServer(backofficetest.WithBookingLatency(100 * time.Millisecond))
	t.Cleanup(srv.Close)
	env := hBinEnv(srv)
	hEnv(t, srv)
	input, ids := hRefunds(t, srv, 30)
	journal := filepath.Join(t.TempDir(), "j")
	for i, wait := range []time.Duration{300 * time.Millisecond, 250 * time.Millisecond, 450 * time.Millisecond} {
		args := append([]string{"run", "--input", input, "--journal", journal, "--concurrency", "3"}, hSlow...)
		if fileExists(journal) { // a run killed before it created the journal is run again
			args[0] = "resume"
			args = append(args[:1], args[3:]...)
			// It follows a SIGINT, whose process may have left requests
			// the fake has not read yet: it settles the rows in doubt by
			// the SDK's contract (hAfterKill), which takes it 500 ms
			// longer than hSlow's settle time did before it sends, so its
			// SIGINT comes 500 ms later, to stop it where it did before.
			args = append(args, hAfterKill...)
			wait += 500 * time.Millisecond
		}
		c := exec.Command(builtCommand(t), args...)
		c.Env = append(os.Environ(), env...)
		var out bytes.Buffer
		c.Stdout, c.Stderr = &out, &out
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(wait)
		c.Process.Signal(syscall.SIGINT)
		done := make(chan error, 1)
		go func() { done <- c.Wait() }()
		start := time.Now()
		select {
		case err := <-done:
			t.Logf("SIGINT %d: exit %d after %v: %s", i+1, exitCodeOfErr(err), time.Since(start).Round(time.Millisecond), lastLine(out.String()))
			hCheckNoSecret(t, "output", out.String(), srv.BearerCredentials().AccessToken)
		case <-time.After(8 * time.Second):
			c.Process.Kill()
			<-done
			t.Fatalf("HANG: the command did not stop within 8 s of SIGINT\n%s", out.String())
		}
		if !fileExists(journal) {
			// Under load the command may not have started (nor installed
			// its handler) when SIGINT came: it died of it, sending nothing.
			if n := hLedgerOps(srv); n != 0 {
				t.Errorf("BUG: SIGINT %d left no journal, yet %d refunds were booked", i+1, n)
			}
			continue
		}
		rows, rr := hReport(t, journal)
		if rr.code == exitCannotRun {
			t.Fatalf("BUG: report after SIGINT: %s", rr.all())
		}
		hTruth(t, srv, rows)
	}
	final := append([]string{"resume", "--journal", journal}, hSlow...)
	if !fileExists(journal) {
		final = append([]string{"run", "--input", input, "--journal", journal}, hSlow...)
	}
	r := hRun(t, 20*time.Second, append(final, hAfterKill...)...)
	rows, _ := hReport(t, journal)
	hTruth(t, srv, rows)
	if r.code != exitOK || hLedgerOps(srv) != len(ids) {
		t.Errorf("after SIGINTs and a resume: exit %d, %d of %d booked\n%s", r.code, hLedgerOps(srv), len(ids), r.all())
	}
}

// kill -9 at random instants, then resolve only (which sends nothing), then
// resume; the ledger must agree with every report along the way.
func TestHostileKill9ResolveOnlyThenResume(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 3))
	srv := backofficetest.NewServer(backofficetest.WithBookingLatency(100 * time.Millisecond))
	t.Cleanup(srv.Close)
	env := hBinEnv(srv)
	hEnv(t, srv)
	frng := rand.New(rand.NewPCG(seed, 4))
	srv.InjectFaultFunc(func(op backofficetest.Op, n int) (backofficetest.Fault, bool) {
		if hIsOp(string(op)) && frng.Float64() < 0.2 {
			return backofficetest.Fault{Kind: backofficetest.FaultDropAfterBooking}, true
		}
		return backofficetest.Fault{}, false
	})
	input, ids := hRefunds(t, srv, 40)
	journal := filepath.Join(t.TempDir(), "j")
	for i := range 4 {
		args := append([]string{"run", "--input", input, "--journal", journal, "--concurrency", "4"}, hSlow...)
		if i > 0 && fileExists(journal) { // a run killed before it created the journal is run again
			args = append([]string{"resume", "--journal", journal, "--concurrency", "4"}, hSlow...)
		}
		c := exec.Command(builtCommand(t), args...)
		c.Env = append(os.Environ(), env...)
		var out bytes.Buffer
		c.Stdout, c.Stderr = &out, &out
		c.Start()
		time.Sleep(time.Duration(50+rng.IntN(400)) * time.Millisecond)
		c.Process.Signal(syscall.SIGKILL)
		c.Wait()
		// No waiting for the dead process's requests: the fake may read
		// some of them at any time from now on, and the resolve below
		// proves a row absent only by the SDK's contract (hAfterKill).

		if !fileExists(journal) {
			if n := hLedgerOps(srv); n != 0 {
				t.Fatalf("a run killed before its journal existed booked %d operations", n)
			}
			continue
		}
		doubt := 0
		if j, err := readJob(journal); err == nil {
			doubt = j.count(stateSending) + j.count(stateUnknown)
		}
		// resolve talks to the fake through a front that records what it
		// sends: the fake's own record (and its ledger) may meanwhile take
		// in requests the dead process wrote, which are no doing of
		// resolve's.
		front, sent := hRecordingFront(t, srv)
		t.Setenv("OPP_BASE_URL", front)
		r := hRun(t, 20*time.Second, append(append([]string{"resolve", "--journal", journal}, hSlow...), hAfterKill...)...)
		t.Setenv("OPP_BASE_URL", srv.URL)
		reqs := sent()
		for _, req := range reqs {
			if req.Method != http.MethodGet {
				t.Errorf("BUG: resolve sent %s %s", req.Method, req.Path)
			}
		}
		if doubt > 0 && len(reqs) == 0 {
			t.Errorf("resolve of %d rows in doubt sent no look-up through the front", doubt)
		}
		rows, _ := hReport(t, journal)
		hTruth(t, srv, rows)
		counts := map[string]int{}
		for _, row := range rows {
			counts[row.State]++
		}
		t.Logf("kill %d, then resolve of %d rows in doubt (%d requests): exit %d, %v", i+1, doubt, len(reqs), r.code, counts)
		// The report shows a row in sending as unknown: ask the journal.
		if j, err := readJob(journal); err != nil || j.count(stateSending) != 0 {
			t.Errorf("rows left in sending after resolve (%v): %v", err, counts)
		}
	}
	srv.InjectFaultFunc(nil)
	verb := []string{"resume", "--journal", journal}
	if !fileExists(journal) {
		verb = []string{"run", "--input", input, "--journal", journal}
	}
	r := hRun(t, 20*time.Second, append(verb, hSlow...)...)
	rows, _ := hReport(t, journal)
	hTruth(t, srv, rows)
	if r.code != exitOK || hLedgerOps(srv) != len(ids) {
		t.Errorf("final resume: exit %d, %d of %d booked\n%s", r.code, hLedgerOps(srv), len(ids), r.all())
	}
}

// hSent is a request a front saw.
type hSent struct{ Method, Path string }

// hRecordingFront puts a reverse proxy in front of srv that records every
// request through it, and returns its URL and a function returning the
// requests so far.
func hRecordingFront(t *testing.T, srv *backofficetest.Server) (string, func() []hSent) {
	t.Helper()
	target, _ := url.Parse(srv.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	var mu sync.Mutex
	var seen []hSent
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, hSent{r.Method, r.URL.Path})
		mu.Unlock()
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	return front.URL, func() []hSent {
		mu.Lock()
		defer mu.Unlock()
		return append([]hSent(nil), seen...)
	}
}

func ioReadAll(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func ioNopCloser(b []byte) io.ReadCloser { return io.NopCloser(bytes.NewReader(b)) }

func netListen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

// A wrong access token (rotated, mistyped, expired mid-job) gets the
// gateway's 800.900.300 for every row: nothing was processed. Once the
// token is fixed, resume must be able to book those rows; otherwise the
// only way out is a new journal for the same file, which sends again every
// row the old journal had booked.
func TestHostileWrongTokenRowsCanBeResumed(t *testing.T) {
	srv := hFake(t)
	input, ids := hRefunds(t, srv, 3)
	journal := filepath.Join(t.TempDir(), "j")
	good := srv.BearerCredentials().AccessToken
	t.Setenv("OPP_ACCESS_TOKEN", "x"+good[1:])
	r := hRun(t, 20*time.Second, hArgs("run", journal, "--input", input)...)
	rows, _ := hReport(t, journal)
	hTruth(t, srv, rows)
	var states []string
	for _, row := range rows {
		states = append(states, row.State+"("+row.ResultCode+")")
	}
	t.Logf("run with a wrong token: exit %d, %v", r.code, states)
	t.Setenv("OPP_ACCESS_TOKEN", good)
	r = hRun(t, 20*time.Second, hArgs("resume", journal)...)
	rows, _ = hReport(t, journal)
	hTruth(t, srv, rows)
	if n := hLedgerOps(srv); r.code != exitOK || n != len(ids) {
		t.Errorf("BUG: after fixing the token, resume: exit %d, %d of %d rows booked; rows refused for authentication (not by the gateway's money rules) are never sent again\n%s", r.code, n, len(ids), r.all())
	}
}

// Commands that must refuse before sending anything.
func TestHostileNoJournalNoSending(t *testing.T) {
	srv := hFake(t)
	input, _ := hRefunds(t, srv, 2)
	dir := t.TempDir()
	for _, args := range [][]string{
		{"run", "--input", input},
		{"run", "--input", input, "--journal", ""},
		{"run", "--input", input, "--journal", dir},
		{"run", "--input", input, "--journal", filepath.Join(dir, "missing", "j")},
		{"run", "--input", input, "--journal", input},
		{"run", "--input", filepath.Join(dir, "nope.csv"), "--journal", filepath.Join(dir, "j2")},
		{"resume", "--journal", filepath.Join(dir, "nope")},
		{"resume", "--journal", input},
		{"resolve", "--journal", input},
		{"report", "--journal", input},
		{"run", "--input", input, "--journal", filepath.Join(dir, "j3"), "extra"},
		{"frobnicate"},
		{},
	} {
		r := hRun(t, 10*time.Second, args...)
		t.Logf("%v: exit %d: %s", args, r.code, lastLine(r.errOut))
		if r.code != exitCannotRun {
			t.Errorf("%v: exit %d, want %d", args, r.code, exitCannotRun)
		}
		if n := len(srv.Requests()); n != 0 {
			t.Fatalf("BUG: %v sent %d requests", args, n)
		}
	}
}
