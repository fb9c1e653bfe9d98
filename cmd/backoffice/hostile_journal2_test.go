//go:build unix

package main

// Hostile tests, round two, of the stricter journal (chained checksums,
// refusal of any whole damaged line, of missing rows and of state moves no
// job makes). The aim is false positives: a legitimate sequence (kill -9,
// SIGINT, a concurrent report, a journal of the previous version) that
// leaves a journal the command then refuses (exit 3) or misreads, which
// strands a merchant's half-done job. Written against the documented
// interface only, reusing hostile_cli_test.go's helpers.
//
// Tests that fail when written, each a bug:
//
//   - TestHostile2LockRefusedCommandLeavesJournalAlone (a race; up to three
//     rounds per subtest, caught in most runs of the file): a resolve,
//     resume or run started on a journal a healthy resume is writing is
//     refused ("in use by another backoffice process", exit 3) but still
//     cuts the journal short under the writer. Seen: NUL bytes in the
//     middle of the journal (the writer went on writing past the cut), after
//     which every command refuses it (a record "damaged ... checksum
//     mismatch", exit 3: the job is stranded); and lines silently lost at
//     the end (the healthy resume exits 0, all booked, and the next command
//     finds rows still in sending).
//   - TestHostile2PreviousVersionCredentialRefusalsResumable: rows the
//     previous version ended "refused" for the request (800.900.300,
//     800.120.100, 800.700.100) stay refused after the upgrade: resume
//     sends nothing, and the job cannot be finished without a new journal
//     (which would send every booked row again).
//
// Set H2_KEEP to a directory to keep a journal a command refused.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/shopspring/decimal"
)

var h2Table = crc32.MakeTable(crc32.Castagnoli)

// h2Unchain rewrites a journal in the previous version's form: each
// checksum over its own record only.
func h2Unchain(t *testing.T, journal string) {
	t.Helper()
	var out strings.Builder
	for _, l := range hJournalLines(t, journal) {
		js := strings.TrimSuffix(l[9:], "\n")
		out.WriteString(hLine(js))
	}
	if err := os.WriteFile(journal, []byte(out.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// h2Form says how each whole line's checksum is computed: "plain" (each
// over its own record, the previous version), "chained", or "bad".
func h2Form(t *testing.T, journal string) []string {
	t.Helper()
	var forms []string
	prev := uint32(0)
	for _, l := range hJournalLines(t, journal) {
		if !strings.HasSuffix(l, "\n") || len(l) < 10 {
			forms = append(forms, "torn")
			continue
		}
		var got uint32
		fmt.Sscanf(l[:8], "%08x", &got)
		js := []byte(strings.TrimSuffix(l[9:], "\n"))
		switch {
		case got == crc32.Update(prev, h2Table, js) && prev != 0:
			forms = append(forms, "chained")
		case got == crc32.Checksum(js, h2Table):
			forms = append(forms, "plain")
		default:
			forms = append(forms, "bad")
		}
		prev = got
	}
	return forms
}

// h2Start starts the built command; wait returns its exit code.
func h2Start(t *testing.T, env []string, args ...string) (c *exec.Cmd, out *hBuf, done chan int) {
	t.Helper()
	c = exec.Command(builtCommand(t), args...)
	c.Env = append(os.Environ(), env...)
	out = &hBuf{}
	c.Stdout, c.Stderr = out, out
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	done = make(chan int, 1)
	go func() { done <- exitCodeOfErr(c.Wait()) }()
	return c, out, done
}

// h2ReportWhile reads the journal with report, again and again, until the
// command started by h2Start (what) ends: no report may refuse a journal a
// healthy command is writing, and the command must end with every row
// booked.
func h2ReportWhile(t *testing.T, what, journal string, out *hBuf, done chan int) {
	t.Helper()
	reads, refused := 0, 0
	var first string
	for {
		select {
		case code := <-done:
			if code != exitOK {
				t.Errorf("%s: exit %d: %s", what, code, lastLine(out.String()))
			}
			t.Logf("%d reports while %s wrote, %d refused", reads, what, refused)
			if refused > 0 {
				t.Errorf("BUG: %d of %d reports refused a journal a healthy %s was writing: %s", refused, reads, what, first)
			}
			return
		default:
		}
		var o, e hBuf
		if run([]string{"report", "--journal", journal, "--format", "csv"}, &o, &e) == exitCannotRun {
			refused++
			if first == "" {
				first = e.String()
			}
		}
		reads++
	}
}

// h2States counts the report's rows per state.
func h2States(rows []hRow) map[string]int {
	m := map[string]int{}
	for _, r := range rows {
		m[r.State]++
	}
	return m
}

// h2MustRead fails the test when report, resolve or a fault-free resume
// refuses the journal: every journal in these tests was left by a
// legitimate sequence.
func h2MustRead(t *testing.T, what, journal string) []hRow {
	t.Helper()
	rows, r := hReport(t, journal)
	if r.code == exitCannotRun {
		b, _ := os.ReadFile(journal)
		if d := os.Getenv("H2_KEEP"); d != "" {
			os.WriteFile(filepath.Join(d, filepath.Base(t.Name())+".journal"), b, 0o600)
		}
		lines := strings.Split(string(b), "\n")
		t.Errorf("BUG: report refuses the journal left by %s: %s\nlast lines: %q", what, strings.TrimSpace(r.errOut), lines[max(0, len(lines)-4):])
		return nil
	}
	return rows
}

// kill -9 at random instants of run, resume and resolve, with 32 rows in
// flight at once (group-committed writes torn mid-way), a report reading
// the journal the whole time: no kill may leave a journal any command
// refuses, no report of a healthy writer may fail, and the final resume
// books each row exactly once.
func TestHostile2Kill9Concurrency32(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 21))
	srv := backofficetest.NewServer(backofficetest.WithBookingLatency(60 * time.Millisecond))
	t.Cleanup(srv.Close)
	env := hBinEnv(srv)
	hEnv(t, srv)
	var frMu sync.Mutex
	frng := rand.New(rand.NewPCG(seed, 22))
	srv.InjectFaultFunc(func(op backofficetest.Op, n int) (backofficetest.Fault, bool) {
		frMu.Lock()
		defer frMu.Unlock()
		switch p := frng.Float64(); {
		case hIsOp(string(op)) && p < 0.1:
			return backofficetest.Fault{Kind: backofficetest.FaultDropAfterBooking}, true
		case p < 0.2:
			return backofficetest.Fault{Kind: backofficetest.FaultLatency, Latency: 80 * time.Millisecond}, true
		}
		return backofficetest.Fault{}, false
	})
	input, ids := hRefunds(t, srv, 160)
	journal := filepath.Join(t.TempDir(), "j")

	// The reader: report in a loop while the command writes.
	var stop atomic.Bool
	var reads, refusals atomic.Int32
	var refusal atomic.Value
	var wg sync.WaitGroup
	var writing atomic.Bool
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			if !fileExists(journal) || !writing.Load() {
				time.Sleep(5 * time.Millisecond)
				continue
			}
			var o, e hBuf
			code := run([]string{"report", "--journal", journal, "--format", "json"}, &o, &e)
			reads.Add(1)
			if code == exitCannotRun && writing.Load() {
				refusals.Add(1)
				refusal.Store(e.String())
			}
		}
	}()
	t.Cleanup(func() { stop.Store(true); wg.Wait() })

	verbs := []string{"run", "resume", "resume", "resolve", "resume", "resume", "resolve", "resume"}
	for i, verb := range verbs {
		if !fileExists(journal) {
			verb = "run" // a run killed before it created the journal: run it again, as a merchant would
		}
		args := append([]string{verb, "--journal", journal, "--concurrency", "32"}, hSlow...)
		wait := time.Duration(20+rng.IntN(500)) * time.Millisecond
		if verb == "run" {
			args = append(args, "--input", input)
		} else {
			// It follows a kill: it settles the rows left in sending by the
			// SDK's contract (hAfterKill), which takes it 500 ms longer
			// than hSlow's settle time did before it sends, so its kill
			// comes 500 ms later, to cut it where it did before.
			args = append(args, hAfterKill...)
			wait += 500 * time.Millisecond
		}
		writing.Store(true)
		c, out, done := h2Start(t, env, args...)
		select {
		case code := <-done:
			t.Logf("%d %s ended before its kill (exit %d): %s", i, verb, code, lastLine(out.String()))
			if code == exitCannotRun {
				t.Errorf("BUG: %s could not run: %s", verb, out.String())
			}
		case <-time.After(wait):
			c.Process.Signal(syscall.SIGKILL)
			<-done
			t.Logf("%d %s killed after %v", i, verb, wait)
		}
		writing.Store(false)
		// No sleep for the dead process's requests to reach the fake:
		// hTruth allows a row in sending one booking or none, and the
		// commands after a kill settle by the SDK's contract.
		if !fileExists(journal) {
			if n := hLedgerOps(srv); n != 0 {
				t.Fatalf("a run killed before its journal existed booked %d operations", n)
			}
			continue
		}
		rows := h2MustRead(t, fmt.Sprintf("kill %d (%s)", i, verb), journal)
		if t.Failed() {
			break
		}
		hTruth(t, srv, rows)
	}
	srv.InjectFaultFunc(nil)
	var r hResult
	for i := 0; i < 3; i++ {
		r = hRun(t, 20*time.Second, append(append([]string{"resume", "--journal", journal, "--concurrency", "32"}, hSlow...), hAfterKill...)...)
		if r.code != exitNotAllBooked && r.code != 2 {
			break
		}
	}
	stop.Store(true)
	wg.Wait()
	t.Logf("concurrent reports: %d, refused %d", reads.Load(), refusals.Load())
	if refusals.Load() > 0 {
		t.Errorf("BUG: %d of %d reports taken while a healthy command wrote were refused, e.g. %v", refusals.Load(), reads.Load(), refusal.Load())
	}
	rows := h2MustRead(t, "the final resume", journal)
	hTruth(t, srv, rows)
	if n := hLedgerOps(srv); r.code != exitOK || n != len(ids) {
		t.Errorf("final resume: exit %d, %d of %d booked, %v\n%s", r.code, n, len(ids), h2States(rows), lastLine(r.all()))
	}
}

// report, in a loop, against a healthy resume that re-sends 300 not-booked
// rows 32 at a time: a reader must never see a checksum error.
func TestHostile2ReportWhileWriting(t *testing.T) {
	srv := hFake(t)
	env := hBinEnv(srv)
	input, ids := hRefunds(t, srv, 300)
	journal := filepath.Join(t.TempDir(), "j")
	hRunWhileDown(t, srv, journal, input, "--concurrency", "32")
	srv.InjectFaultFunc(func(op backofficetest.Op, n int) (backofficetest.Fault, bool) {
		return backofficetest.Fault{Kind: backofficetest.FaultLatency, Latency: time.Duration(n%7) * time.Millisecond}, n%3 == 0
	})
	_, out, done := h2Start(t, env, append([]string{"resume", "--journal", journal, "--concurrency", "32", "--rate", "1000"}, hFast...)...)
	h2ReportWhile(t, "resume", journal, out, done)
	rows := h2MustRead(t, "resume", journal)
	hTruth(t, srv, rows)
	if n := hLedgerOps(srv); n != len(ids) {
		t.Errorf("%d of %d booked", n, len(ids))
	}
}

// kill -9 of resume while it re-sends rows proven not booked (the gateway
// was down during run), at many instants; then SIGINT; then resume.
func TestHostile2KillDuringResendOfNotBooked(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 23))
	srv := hFake(t, backofficetest.WithBookingLatency(40*time.Millisecond))
	env := hBinEnv(srv)
	input, ids := hRefunds(t, srv, 80)
	journal := filepath.Join(t.TempDir(), "j")
	hRunWhileDown(t, srv, journal, input, "--concurrency", "16")
	for i := range 6 {
		// Down again half of the time: rows go not_booked -> sending ->
		// not_booked again.
		if i%2 == 1 {
			srv.RefuseConnections()
		} else {
			srv.AcceptConnections()
		}
		sig := syscall.SIGKILL
		if i == 4 {
			sig = syscall.SIGINT
		}
		// Each resume follows a kill (or the run while down): it settles
		// the rows left in sending by the SDK's contract (hAfterKill),
		// which takes it 500 ms longer than hSlow's settle time did before
		// it sends, so its kill comes 500 ms later, to cut it where it did
		// before.
		c, _, done := h2Start(t, env, append(append([]string{"resume", "--journal", journal, "--concurrency", "16", "--rate", "200"}, hSlow...), hAfterKill...)...)
		wait := time.Duration(10+rng.IntN(250)) * time.Millisecond
		if i > 0 {
			wait += 500 * time.Millisecond
		}
		select {
		case code := <-done:
			t.Logf("resume %d ended first: exit %d", i, code)
		case <-time.After(wait):
			c.Process.Signal(sig)
			code := <-done
			t.Logf("resume %d: %v after %v, exit %d", i, sig, wait, code)
		}
		srv.AcceptConnections()
		// No sleep for the dead process's requests to reach the fake:
		// hTruth allows a row in sending one booking or none, and the
		// next resume settles by the SDK's contract.
		rows := h2MustRead(t, fmt.Sprintf("%v of a resume re-sending not-booked rows", sig), journal)
		if t.Failed() {
			return
		}
		hTruth(t, srv, rows)
		t.Logf("  journal: %v", h2States(rows))
	}
	srv.AcceptConnections()
	r := hRun(t, 20*time.Second, append(append([]string{"resume", "--journal", journal}, hSlow...), hAfterKill...)...)
	rows := h2MustRead(t, "the final resume", journal)
	hTruth(t, srv, rows)
	if n := hLedgerOps(srv); r.code != exitOK || n != len(ids) {
		t.Errorf("final resume: exit %d, %d of %d booked: %s", r.code, n, len(ids), lastLine(r.all()))
	}
}

// Rows left unknown (answers lost, every look-up failing), then resolve
// again and again while look-ups still fail (unknown -> unknown), then a
// resume (unknown must be resolved, not sent), then look-ups work.
func TestHostile2UnknownResolvedRepeatedly(t *testing.T) {
	srv := hFake(t)
	input, ids := hRefunds(t, srv, 4)
	journal := filepath.Join(t.TempDir(), "j")
	var lookupsFail atomic.Bool
	lookupsFail.Store(true)
	srv.InjectFaultFunc(func(op backofficetest.Op, n int) (backofficetest.Fault, bool) {
		if hIsOp(string(op)) && n <= 4 {
			return backofficetest.Fault{Kind: backofficetest.FaultDropAfterBooking}, true
		}
		if op == backofficetest.OpQuery && lookupsFail.Load() {
			return backofficetest.Fault{Kind: backofficetest.FaultServerError, StatusCode: 503}, true
		}
		return backofficetest.Fault{}, false
	})
	r := hRun(t, 20*time.Second, hArgs("run", journal, "--input", input, "--resolve-timeout", "300ms", "--timeout", "1s")...)
	rows := h2MustRead(t, "a run that left rows unknown", journal)
	t.Logf("run: exit %d, %v", r.code, h2States(rows))
	if h2States(rows)[stateUnknown] == 0 {
		t.Fatalf("no row left unknown; the set-up failed: %v", h2States(rows))
	}
	for i, verb := range []string{"resolve", "resolve", "resume", "resolve", "report"} {
		args := hArgs(verb, journal, "--resolve-timeout", "300ms", "--timeout", "1s")
		if verb == "report" {
			args = []string{"report", "--journal", journal}
		}
		r := hRun(t, 20*time.Second, args...)
		if r.code != 2 {
			t.Errorf("BUG: %s %d with look-ups still failing: exit %d, want %d (rows unknown): %s", verb, i, r.code, 2, lastLine(r.errOut))
		}
	}
	if n := hLedgerOps(srv); n != len(ids) {
		t.Errorf("%d bookings of %d rows", n, len(ids))
	}
	lookupsFail.Store(false)
	r = hRun(t, 20*time.Second, hArgs("resolve", journal, "--resolve-timeout", "2s")...)
	rows = h2MustRead(t, "resolves of unknown rows", journal)
	hTruth(t, srv, rows)
	if r.code != exitOK {
		t.Errorf("resolve with look-ups working: exit %d, %v: %s", r.code, h2States(rows), lastLine(r.errOut))
	}
}

// Rows whose --timeout runs out while they wait for --rate end not booked
// without being sent; resumes with the same tiny rate do that again and
// again (not_booked -> not_booked, or planned -> not_booked), and every
// journal they leave must still be read.
func TestHostile2RateTimeoutNotBookedAgain(t *testing.T) {
	srv := hFake(t)
	input, ids := hRefunds(t, srv, 6)
	journal := filepath.Join(t.TempDir(), "j")
	args := func(verb string) []string {
		a := hArgs(verb, journal, "--rate", "0.5", "--timeout", "200ms", "--concurrency", "6")
		if verb == "run" {
			a = append(a, "--input", input)
		}
		return a
	}
	for i, verb := range []string{"run", "resume", "resume"} {
		r := hRun(t, 20*time.Second, args(verb)...)
		rows := h2MustRead(t, fmt.Sprintf("%s %d with a tiny rate", verb, i), journal)
		t.Logf("%s: exit %d, %v", verb, r.code, h2States(rows))
		if r.code == exitCannotRun {
			t.Errorf("BUG: %s refused: %s", verb, r.errOut)
		}
		if t.Failed() {
			return
		}
		hTruth(t, srv, rows)
	}
	r := hRun(t, 20*time.Second, hArgs("resume", journal, "--concurrency", "6")...)
	rows := h2MustRead(t, "the final resume", journal)
	hTruth(t, srv, rows)
	if n := hLedgerOps(srv); r.code != exitOK || n != len(ids) {
		t.Errorf("final resume: exit %d, %d of %d booked", r.code, n, len(ids))
	}
}

// The refusals that now end not booked (401 and 403, 800.900.3xx,
// throttling, a busy session), answered on every attempt of several
// resumes in a row: each resume moves those rows not_booked -> sending
// -> not_booked, and the journal must stay readable until they book.
func TestHostile2RequestRefusalsAgainAndAgain(t *testing.T) {
	srv := hFake(t)
	input, ids := hRefunds(t, srv, 5)
	journal := filepath.Join(t.TempDir(), "j")
	good := srv.BearerCredentials().AccessToken
	var faulty atomic.Int32 // which fault to answer with, by round
	kinds := []backofficetest.Fault{{Kind: backofficetest.FaultThrottle}, {Kind: backofficetest.FaultSessionBusy}}
	srv.InjectFaultFunc(func(op backofficetest.Op, n int) (backofficetest.Fault, bool) {
		k := int(faulty.Load())
		if hIsOp(string(op)) && k > 0 {
			return kinds[k-1], true
		}
		return backofficetest.Fault{}, false
	})
	rounds := []struct {
		name  string
		token string
		fault int32
	}{
		{"wrong token", "x" + good[1:], 0},
		{"wrong token again", "y" + good[1:], 0},
		{"throttled", good, 1},
		{"session busy", good, 2},
		{"wrong token a third time", "z" + good[1:], 0},
	}
	for i, rd := range rounds {
		t.Setenv("OPP_ACCESS_TOKEN", rd.token)
		faulty.Store(rd.fault)
		verb := "resume"
		extra := []string{"--timeout", "3s"}
		if i == 0 {
			verb = "run"
			extra = append(extra, "--input", input)
		}
		r := hRun(t, 20*time.Second, hArgs(verb, journal, extra...)...)
		rows := h2MustRead(t, rd.name, journal)
		if t.Failed() {
			return
		}
		hTruth(t, srv, rows)
		var codes []string
		for _, row := range rows {
			codes = append(codes, row.State+"("+row.ResultCode+")")
		}
		t.Logf("%s: exit %d, %v", rd.name, r.code, codes)
		if st := h2States(rows); st[stateNotBooked] != len(ids) {
			t.Errorf("after %s: %v, want every row not_booked", rd.name, codes)
		}
	}
	t.Setenv("OPP_ACCESS_TOKEN", good)
	faulty.Store(0)
	r := hRun(t, 20*time.Second, hArgs("resume", journal)...)
	rows := h2MustRead(t, "the final resume", journal)
	hTruth(t, srv, rows)
	if n := hLedgerOps(srv); r.code != exitOK || n != len(ids) {
		t.Errorf("final resume: exit %d, %d of %d booked: %s", r.code, n, len(ids), lastLine(r.all()))
	}
}

// A journal of the previous version (checksums over each record only),
// left mid-job by a kill -9 (rows in sending, rows not booked, a torn
// tail), is read, resumed, appended to in its own form, resumed again and
// reported.
func TestHostile2PreviousVersionJournalMidJob(t *testing.T) {
	srv := hFake(t)
	input, ids := hRefunds(t, srv, 6)
	journal := filepath.Join(t.TempDir(), "j")
	// Rows 1-2 not booked (down), rows 3-4 booked, rows 5-6 sent and booked
	// but the journal cut back to "sending" as a kill -9 leaves it.
	hRunWhileDown(t, srv, journal, input)
	r := hRun(t, 20*time.Second, hArgs("resume", journal, "--concurrency", "1")...)
	if r.code != exitOK {
		t.Fatalf("set-up resume: exit %d", r.code)
	}
	lines := hJournalLines(t, journal)
	// Cut where a kill -9 can: the resume sent the rows one at a time, so
	// just before the last "booked" line the last row is in sending (its
	// request sent and booked), and that booked line is torn half-way.
	cut := len(lines) - 1
	for cut > 0 && !strings.Contains(lines[cut], `"s":"booked"`) {
		cut--
	}
	if !strings.Contains(lines[cut-1], `"s":"sending"`) {
		t.Fatalf("set-up: line before the last booked one: %s", lines[cut-1])
	}
	kept := lines[:cut]
	torn := lines[cut][:len(lines[cut])/2]
	os.WriteFile(journal, []byte(strings.Join(kept, "")+torn), 0o600)
	h2Unchain(t, journal)
	// h2Unchain re-checksummed the torn half too: tear it again.
	b, _ := os.ReadFile(journal)
	os.WriteFile(journal, b[:len(b)-1], 0o600)
	if f := h2Form(t, journal); f[1] != "plain" || f[len(f)-1] != "torn" {
		t.Fatalf("set-up: forms %v", f)
	}
	before := hLedgerOps(srv)
	rows := h2MustRead(t, "the previous version (kill -9 mid-job)", journal)
	t.Logf("previous version's journal, as read: %v", h2States(rows))
	for i, verb := range []string{"resolve", "resume", "resume"} {
		r := hRun(t, 20*time.Second, hArgs(verb, journal)...)
		t.Logf("%s: exit %d: %s", verb, r.code, lastLine(r.errOut))
		if r.code == exitCannotRun {
			t.Errorf("BUG: %s %d refused a previous version's journal: %s", verb, i, r.errOut)
		}
	}
	if after := hLedgerOps(srv); after != before || after != len(ids) {
		t.Errorf("bookings %d -> %d, rows %d", before, after, len(ids))
	}
	rows = h2MustRead(t, "resumes of a previous version's journal", journal)
	hTruth(t, srv, rows)
	if st := h2States(rows); st[stateBooked] != len(ids) {
		t.Errorf("after resumes: %v", st)
	}
	forms := h2Form(t, journal)
	for i, f := range forms {
		if f != "plain" {
			t.Errorf("line %d of the previous version's journal, after appends, is %s: %v", i+1, f, forms)
			break
		}
	}
}

// The previous version's journal, written line by line while a report
// reads it: a group of appends in the previous form must never look
// damaged to a reader.
func TestHostile2PreviousVersionReportWhileWriting(t *testing.T) {
	srv := hFake(t)
	env := hBinEnv(srv)
	input, ids := hRefunds(t, srv, 200)
	journal := filepath.Join(t.TempDir(), "j")
	hRunWhileDown(t, srv, journal, input, "--concurrency", "32")
	h2Unchain(t, journal)
	// The healthy resume gets the roomy bounds a loaded machine needs
	// (settle time well above the fake's booking latency, a long call
	// bound): under CI's load hFast's 140 ms call bound left rows unknown,
	// truthfully, which is no lost line.
	_, out, done := h2Start(t, env, append([]string{"resume", "--journal", journal, "--concurrency", "32", "--timeout", "20s"}, hSlow...)...)
	h2ReportWhile(t, "resume of the previous version's journal", journal, out, done)
	rows := h2MustRead(t, "resume of the previous version's journal", journal)
	hTruth(t, srv, rows)
	if n := hLedgerOps(srv); n != len(ids) {
		t.Errorf("%d of %d booked", n, len(ids))
	}
	for i, f := range h2Form(t, journal) {
		if f != "plain" {
			t.Errorf("line %d is %s after appends to a previous version's journal", i+1, f)
			break
		}
	}
}

// The previous version ended rows refused for the request's credentials
// or the gateway's load (800.900.300, 800.120.100, 800.700.100) for good.
// This version says such rows are not booked and resume sends them again;
// a merchant who upgrades with such a journal in hand must be able to
// finish the job: a new journal for the same file would send again every
// row the old one booked.
func TestHostile2PreviousVersionCredentialRefusalsResumable(t *testing.T) {
	srv := hFake(t)
	input, ids := hRefunds(t, srv, 4)
	journal := filepath.Join(t.TempDir(), "j")
	hRunWhileDown(t, srv, journal, input)
	// Written as the previous version wrote it: each row sent and refused
	// for the request (the shapes of the journal this version writes; the
	// codes the previous version ended "refused").
	lines := hJournalLines(t, journal)[:1+len(ids)]
	codes := []struct{ code, desc string }{
		{"800.900.300", "invalid authentication information"},
		{"800.900.300", "invalid authentication information"},
		{"800.120.100", "Too many requests. Please try again later."},
		{"800.700.100", "transaction for the same session is currently being processed, please try again later."},
	}
	for i := range ids {
		line := i + 2
		lines = append(lines, hLine(fmt.Sprintf(`{"k":"st","line":%d,"s":"sending","at":"2026-11-29T10:00:00.%09dZ"}`, line, i)))
		js, _ := json.Marshal(map[string]any{"k": "st", "line": line, "s": "refused", "at": fmt.Sprintf("2026-11-29T10:00:01.%09dZ", i), "code": codes[i].code, "desc": codes[i].desc})
		lines = append(lines, hLine(string(js)))
	}
	os.WriteFile(journal, []byte(strings.Join(lines, "")), 0o600)
	h2Unchain(t, journal)
	rows := h2MustRead(t, "the previous version", journal)
	t.Logf("as read: %v", h2States(rows))
	r := hRun(t, 20*time.Second, hArgs("resume", journal)...)
	t.Logf("resume: exit %d: %s", r.code, lastLine(r.errOut))
	if r.code == exitCannotRun {
		t.Fatalf("BUG: resume refused the previous version's journal: %s", r.errOut)
	}
	rows = h2MustRead(t, "resume", journal)
	hTruth(t, srv, rows)
	if n := hLedgerOps(srv); r.code != exitOK || n != len(ids) {
		var st []string
		for _, row := range rows {
			st = append(st, row.State+"("+row.ResultCode+")")
		}
		t.Errorf("BUG: a previous version's journal whose rows were refused for the request (credentials, throttling, busy session): after the upgrade resume exits %d with %d of %d booked, %v: the job cannot be finished", r.code, n, len(ids), st)
	}
}

// kill -9 at every instant of a short run, step by step: the journal of
// each instant is read by report and resolve, and resumed to the end.
func TestHostile2Kill9EveryInstant(t *testing.T) {
	srv := hFake(t, backofficetest.WithBookingLatency(20*time.Millisecond))
	env := hBinEnv(srv)
	deadline := time.Now().Add(14 * time.Second)
	instants, noJournal, inFlight := 0, 0, 0
	for wait := 0; wait <= 120 && time.Now().Before(deadline); wait += 6 {
		input, ids := hRefunds(t, srv, 12)
		journal := filepath.Join(t.TempDir(), "j")
		c, _, done := h2Start(t, env, append([]string{"run", "--input", input, "--journal", journal, "--concurrency", "12"}, hFast...)...)
		time.Sleep(time.Duration(wait) * time.Millisecond)
		c.Process.Signal(syscall.SIGKILL)
		code := <-done
		instants++
		if !fileExists(journal) {
			// Killed before it created its journal: it sent nothing (a
			// row is journalled as sending before its request leaves).
			for _, id := range ids {
				if n := len(srv.Entries(id, "RF")); n != 0 {
					t.Errorf("kill at %d ms, before the journal existed: %d refunds of %s", wait, n, id)
				}
			}
			noJournal++
			continue
		}
		forms := h2Form(t, journal)
		rows := h2MustRead(t, fmt.Sprintf("a kill -9 after %d ms (exit %d, line forms %v)", wait, code, forms[max(0, len(forms)-3):]), journal)
		if t.Failed() {
			return
		}
		// Requests the dead process wrote may still be unread by the fake:
		// hTruth allows a row in sending one booking or none, and the
		// resume waits for them by the SDK's contract (hAfterKill), not a
		// sleep.
		hTruth(t, srv, rows)
		if j, err := readJob(journal); err == nil && j.count(stateSending) > 0 { // the report shows them as unknown
			inFlight++
		}
		r := hRun(t, 20*time.Second, hArgs("resume", journal, append([]string{"--concurrency", "12"}, hAfterKill...)...)...)
		rows = h2MustRead(t, "resume after the kill", journal)
		hTruth(t, srv, rows)
		if n := len(srv.Ledger()); r.code != exitOK {
			t.Errorf("resume after a kill at %d ms: exit %d, %v (%d ledger entries): %s", wait, r.code, h2States(rows), n, lastLine(r.all()))
		}
		for _, id := range ids {
			if n := len(srv.Entries(id, "RF")); n != 1 {
				t.Errorf("kill at %d ms: %d refunds of %s", wait, n, id)
			}
		}
	}
	t.Logf("%d instants: %d before the journal existed, %d with rows in sending", instants, noJournal, inFlight)
}

// A second command started on a journal another process is writing (a
// resolve from cron next to an operator's resume, a resume or run typed
// twice) is refused by the lock: "in use by another backoffice process".
// Being refused, it must leave the journal alone: the healthy writer's
// journal must read afterwards, every row booked once.
func TestHostile2LockRefusedCommandLeavesJournalAlone(t *testing.T) {
	for _, verb := range []string{"resolve", "resume", "run"} {
		t.Run(verb, func(t *testing.T) {
			srv := hFake(t, backofficetest.WithBookingLatency(30*time.Millisecond))
			env := hBinEnv(srv)
			// The damage is a race: up to three rounds, stopping at the first.
			for round := 0; round < 3 && !t.Failed(); round++ {
				h2LockRound(t, srv, env, verb)
			}
		})
	}
}

var h2Progress = regexp.MustCompile(`^(\d+)/(\d+) `)

func h2LockRound(t *testing.T, srv *backofficetest.Server, env []string, verb string) {
	input, ids := hRefunds(t, srv, 200)
	journal := filepath.Join(t.TempDir(), "j")
	before := hLedgerOps(srv)
	hRunWhileDown(t, srv, journal, input, "--concurrency", "32")
	fi, _ := os.Stat(journal)
	// The healthy resume gets the roomy bounds a loaded machine needs
	// (settle time well above the fake's booking latency, a long call
	// bound): under CI's load hFast's 140 ms call bound left rows unknown,
	// truthfully, which is no lost line.
	_, out, done := h2Start(t, env, append([]string{"resume", "--journal", journal, "--concurrency", "32", "--timeout", "20s"}, hSlow...)...)
	// Wait until the resume holds the journal (it has appended), so the
	// commands below meet its lock rather than take it first.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if now, _ := os.Stat(journal); now.Size() > fi.Size() {
			break
		}
	}
	inUse, other := 0, map[string]int{}
	healthy := -1
	for healthy < 0 {
		select {
		case healthy = <-done:
			if healthy != exitOK {
				t.Errorf("the healthy resume: exit %d: %s", healthy, lastLine(out.String()))
			}
			continue
		default:
		}
		args := hArgs(verb, journal, "--resolve-timeout", "200ms")
		if verb == "run" {
			args = append(args, "--input", input)
		}
		r := hRun(t, 20*time.Second, args...)
		if r.code == exitCannotRun && strings.Contains(r.errOut, "in use") {
			inUse++
			continue
		}
		msg := lastLine(r.errOut)
		if i := strings.Index(msg, "record "); i >= 0 {
			msg = msg[i:] // one key per message, not per record number
			msg = msg[strings.Index(msg, " is "):]
		}
		other[fmt.Sprintf("exit %d: %.120s", r.code, msg)]++
		// This command got the lock: the healthy resume had ended, every
		// row booked. If it still found rows to settle, lines the healthy
		// resume wrote were cut from the journal.
		if healthy < 0 && len(done) == 1 {
			healthy = <-done // it ended while this command ran
			if healthy != exitOK {
				t.Errorf("the healthy resume: exit %d: %s", healthy, lastLine(out.String()))
			}
		}
		if m := h2Progress.FindStringSubmatch(lastLine(r.errOut)); m != nil && m[2] != "0" && healthy == exitOK {
			t.Errorf("BUG: after the healthy resume ended with every row booked, %s found %s rows still to settle: the journal lost lines it wrote", verb, m[2])
		}
	}
	t.Logf("%s next to a resume: refused as in use %d times; otherwise %v", verb, inUse, other)
	rows := h2MustRead(t, fmt.Sprintf("a healthy resume while %s was refused by its lock", verb), journal)
	if rows != nil {
		hTruth(t, srv, rows)
	}
	if n := hLedgerOps(srv) - before; n != len(ids) {
		t.Errorf("%d of %d booked", n, len(ids))
	}
	b, _ := os.ReadFile(journal)
	if i := bytes.IndexByte(b, 0); i >= 0 {
		t.Errorf("BUG: the journal holds NUL bytes at offset %d of %d: it was cut short under the writer, which went on writing past the cut", i, len(b))
	}
}

// Every prefix of a journal a job wrote is a state a kill -9 (or a reader
// racing the writer) can see: cut at any line boundary after the rows, or
// mid-way through any later line (a torn write, no newline). report must
// read every one, in this version's form and in the previous version's,
// and resolve (which sends nothing) must settle it.
func TestHostile2EveryPrefixReads(t *testing.T) {
	srv := hFake(t, backofficetest.WithBookingLatency(10*time.Millisecond))
	srv.InjectFaultFunc(func(op backofficetest.Op, n int) (backofficetest.Fault, bool) {
		if hIsOp(string(op)) && n%3 == 1 {
			return backofficetest.Fault{Kind: backofficetest.FaultDropAfterBooking}, true
		}
		return backofficetest.Fault{}, false
	})
	var b strings.Builder
	b.WriteString("operation,payment_id,amount,currency\n")
	for i := range 8 {
		amount, cur := "1.00", "EUR"
		switch i {
		case 3:
			amount = "11.00" // refused
		case 5:
			cur = "EURO" // invalid
		}
		fmt.Fprintf(&b, "RF,%s,%s,%s\n", srv.Debit(decimal.RequireFromString("10.00"), "EUR"), amount, cur)
	}
	input := writeFile(t, "in.csv", b.String())
	journal := filepath.Join(t.TempDir(), "j")
	hRunWhileDown(t, srv, journal, input, "--concurrency", "4")
	if r := hRun(t, 20*time.Second, hArgs("resume", journal, "--concurrency", "4")...); r.code == exitCannotRun {
		t.Fatalf("resume: %s", r.errOut)
	}
	whole, _ := os.ReadFile(journal)
	for _, form := range []string{"chained", "previous version"} {
		data := whole
		if form != "chained" {
			os.WriteFile(journal, whole, 0o600)
			h2Unchain(t, journal)
			data, _ = os.ReadFile(journal)
		}
		lines := strings.SplitAfter(string(data), "\n")
		lines = lines[:len(lines)-1]
		bound := []int{0} // bound[i]: the offset where line i (0-based) starts
		for _, l := range lines {
			bound = append(bound, bound[len(bound)-1]+len(l))
		}
		start := bound[1+8]
		// Every line boundary, the first and last bytes of every line (a
		// write torn after its checksum, its space, before its newline),
		// and every 13th byte.
		cutSet := map[int]bool{}
		for i := 1 + 8; i < len(bound); i++ {
			cutSet[bound[i]] = true
			if i < len(lines) {
				for _, d := range []int{1, 2, 7, 8, 9, 10, len(lines[i]) - 2, len(lines[i]) - 1} {
					cutSet[bound[i]+d] = true
				}
			}
		}
		for cut := start; cut < len(data); cut += 13 {
			cutSet[cut] = true
		}
		p := filepath.Join(t.TempDir(), "prefix")
		refused, cuts := 0, 0
		for cut := range cutSet {
			os.WriteFile(p, data[:cut], 0o600)
			var o, e hBuf
			code := run([]string{"report", "--journal", p, "--format", "json"}, &o, &e)
			cuts++
			if code == exitCannotRun {
				if refused < 3 {
					t.Errorf("BUG (%s): report refuses the journal cut at byte %d of %d (a torn write): %s", form, cut, len(data), strings.TrimSpace(e.String()))
				}
				refused++
				continue
			}
			var rows []hRow
			if err := json.Unmarshal([]byte(o.String()), &rows); err != nil || len(rows) != 8 {
				t.Errorf("%s, cut at %d: %d rows, %v", form, cut, len(rows), err)
			}
		}
		t.Logf("%s: %d cuts, %d refused", form, cuts, refused)
		// resolve at every other line boundary (on a copy: it appends),
		// and half-way through the line after it.
		for i := 1 + 8; i < len(lines); i += 2 {
			for _, cut := range []int{bound[i], bound[i] + len(lines[i])/2} {
				os.WriteFile(p, data[:cut], 0o600)
				r := hRun(t, 20*time.Second, hArgs("resolve", p, "--resolve-timeout", "1s")...)
				if r.code == exitCannotRun {
					t.Errorf("BUG (%s): resolve refuses the journal cut at byte %d (line %d): %s", form, cut, i+1, r.errOut)
				} else if _, rr := hReport(t, p); rr.code == exitCannotRun {
					t.Errorf("BUG (%s): report refuses the journal resolve appended to (cut at byte %d, line %d): %s", form, cut, i+1, rr.errOut)
				}
			}
		}
	}
}
