//go:build unix

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCrashResume runs the built command against "backoffice fake" with
// faults, SIGKILLs it at random instants at least five times, resumes it
// each time, and then holds the fake's ledger against the report: exactly
// one booking per booked row, none for any other.
func TestCrashResume(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and runs it against a fake gateway for about twenty seconds")
	}
	deadline := time.Now().Add(90 * time.Second)
	dir := t.TempDir()
	bin := builtCommand(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 7))

	fake := exec.Command(bin, "fake", "--faults", "0.2", "--seed", fmt.Sprint(seed), "--booking-latency", "20ms")
	stdout, err := fake.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := fake.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Process.Signal(syscall.SIGTERM); fake.Wait() })
	first, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	var info struct{ URL, AccessToken, EntityID string }
	if err := json.Unmarshal([]byte(first), &info); err != nil || info.URL == "" {
		t.Fatalf("first line %q: %v", first, err)
	}

	// Payments to act on, seeded over HTTP; one row per payment, so that
	// every row can be booked exactly once.
	seedPayment := func(typ, amount string) string {
		form := url.Values{"entityId": {info.EntityID}, "amount": {amount}, "currency": {"EUR"}, "paymentType": {typ}}
		req, _ := http.NewRequest(http.MethodPost, info.URL+"/v1/payments", strings.NewReader(form.Encode()))
		req.Header.Set("Authorization", "Bearer "+info.AccessToken)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var p struct{ ID string }
		if err := json.NewDecoder(resp.Body).Decode(&p); err != nil || p.ID == "" {
			t.Fatalf("seeding %s: status %d, %v", typ, resp.StatusCode, err)
		}
		return p.ID
	}
	const rows = 300
	var in bytes.Buffer
	in.WriteString("operation,payment_id,amount,currency,merchant_transaction_id\n")
	want := map[int]string{} // line -> expected final state
	for i := range rows {
		line := i + 2
		mtid := ""
		if i%4 == 0 {
			mtid = fmt.Sprintf("crash-%d-%d", seed%100000, i)
		}
		switch {
		case i == 7:
			fmt.Fprintf(&in, "RF,%s,1.00,EURO,%s\n", seedPayment("DB", "10.00"), mtid)
			want[line] = stateInvalid
		case i%50 == 13:
			fmt.Fprintf(&in, "RF,%s,11.00,EUR,%s\n", seedPayment("DB", "10.00"), mtid)
			want[line] = stateRefused
		case i%5 == 1:
			fmt.Fprintf(&in, "CP,%s,8.00,EUR,%s\n", seedPayment("PA", "10.00"), mtid)
			want[line] = stateBooked
		case i%5 == 2:
			fmt.Fprintf(&in, "RV,%s,,,%s\n", seedPayment("DB", "10.00"), mtid)
			want[line] = stateBooked
		default:
			fmt.Fprintf(&in, "RF,%s,4.50,EUR,%s\n", seedPayment("DB", "10.00"), mtid)
			want[line] = stateBooked
		}
	}
	input := filepath.Join(dir, "in.csv")
	journal := filepath.Join(dir, "job.journal")
	os.WriteFile(input, in.Bytes(), 0o600)

	env := append(os.Environ(), "OPP_ACCESS_TOKEN="+info.AccessToken, "OPP_ENTITY_ID="+info.EntityID, "OPP_BASE_URL="+info.URL)
	// Roomy bounds on a row's call and Resolve: the defaults (twice the
	// settle time plus four look-up intervals per call, the settle time
	// plus four per Resolve) can run out on a loaded machine (CI runs every
	// package's race tests at once) and leave rows unknown or not booked,
	// truthfully, failing nothing but this test's patience.
	common := []string{"--journal", journal, "--concurrency", "8", "--rate", "100",
		"--settle-time", "300ms", "--lookup-interval", "30ms", "--timeout", "20s", "--resolve-timeout", "5s",
		"--progress-interval", "200ms"}
	command := func(verb string) *exec.Cmd {
		args := append([]string{verb}, common...)
		if verb == "run" {
			args = append(args, "--input", input)
		} else {
			// Every resume follows a kill, whose process may have left
			// requests the fake has not read yet: it settles the rows in
			// doubt by the SDK's contract (hAfterKill), not the run's
			// 300 ms.
			args = append(args, hAfterKill...)
		}
		c := exec.Command(bin, args...)
		c.Env = env
		return c
	}

	kills, inFlight := 0, 0
	for attempt := 0; kills < 6 && attempt < 40 && time.Now().Before(deadline); attempt++ {
		verb := "resume"
		if attempt == 0 || !fileExists(journal) { // a run killed before it created the journal is run again
			verb = "run"
		}
		c := command(verb)
		var out bytes.Buffer
		c.Stdout, c.Stderr = &out, &out
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- c.Wait() }()
		wait := time.Duration(100+rng.IntN(1100)) * time.Millisecond
		if verb == "resume" {
			// hAfterKill keeps a resume resolving the rows a kill left in
			// sending 700 ms longer than 300 ms did before it sends: its
			// kill comes 700 ms later, to cut it where it did before.
			wait += 700 * time.Millisecond
		}
		select {
		case err := <-exited:
			t.Logf("%s finished before its kill at %v: %v", verb, wait, err)
			if code := exitCodeOfErr(err); code == exitCannotRun {
				t.Fatalf("%s could not run:\n%s", verb, out.String())
			}
			if kills == 0 {
				t.Fatal("the job finished before it could be killed once: make it longer")
			}
			attempt = 40 // nothing left to kill
		case <-time.After(wait):
			c.Process.Signal(syscall.SIGKILL)
			<-exited
			kills++
			state := "no journal yet"
			if j, err := readJob(journal); err == nil {
				state = fmt.Sprint(j.counts)
				inFlight += j.counts[stateSending]
			}
			t.Logf("kill %d: %s after %v; journal: %s", kills, verb, wait, state)
		}
	}
	if kills < 5 {
		t.Fatalf("only %d kills", kills)
	}
	if inFlight == 0 {
		t.Log("no kill left a row in sending this time")
	}

	// Finish: resume until every row has its final state. Nothing left in
	// sending or unknown is not enough: resume also sends again every row
	// proven not booked, and under load a row can end a resume that way
	// truthfully (seen in CI, with the default call bounds then: a
	// re-send's rate-limiter wait would have overrun the row's call bound,
	// "request not sent"). A merchant would
	// resume again; so does the test.
	code, settled := -1, false
	for i := 0; i < 8 && !settled; i++ {
		c := command("resume")
		out, err := c.CombinedOutput()
		code = exitCodeOfErr(err)
		if code == exitCannotRun {
			t.Fatalf("resume: %v\n%s", err, out)
		}
		j, err := readJob(journal)
		if err != nil {
			t.Fatal(err)
		}
		settled = j.counts[stateSending]+j.counts[stateUnknown]+j.counts[stateNotBooked] == 0
		if !settled {
			t.Logf("final resume %d: exit code %d, journal: %v", i+1, code, j.counts)
			for _, r := range j.Rows() {
				if r.State == stateUnknown || r.State == stateNotBooked {
					t.Logf("  line %d %s: %s", r.Line, r.State, r.Desc)
				}
			}
		}
	}
	if code != exitNotAllBooked { // the planted refusals and the invalid row
		t.Fatalf("final resume exit code %d, want %d", code, exitNotAllBooked)
	}

	rep := exec.Command(bin, "report", "--journal", journal, "--format", "json")
	repOut, err := rep.Output()
	if code := exitCodeOfErr(err); code != exitNotAllBooked {
		t.Fatalf("report exit code %d: %v", code, err)
	}
	var report []ReportRow
	if err := json.Unmarshal(repOut, &report); err != nil || len(report) != rows {
		t.Fatalf("report: %d rows, %v", len(report), err)
	}
	resp, err := http.Get(info.URL + "/backofficetest/ledger")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ledger []ledgerEntry
	if err := json.NewDecoder(resp.Body).Decode(&ledger); err != nil {
		t.Fatal(err)
	}
	if err := checkLedger(report, ledger); err != nil {
		t.Fatalf("ledger and report disagree: %v", err)
	}
	booked, ops := 0, 0
	for _, r := range report {
		if r.State != want[r.Line] {
			t.Errorf("line %d: %s (%s %s), want %s", r.Line, r.State, r.ResultCode, r.ResultDescription, want[r.Line])
		}
		if r.State == stateBooked {
			booked++
		}
	}
	for _, e := range ledger {
		if e.PaymentType == "CP" || e.PaymentType == "RF" || e.PaymentType == "RV" {
			ops++
		}
	}
	if ops != booked {
		t.Fatalf("ledger holds %d operations, the report %d booked rows", ops, booked)
	}
	t.Logf("%d kills; %d rows booked, each once in the ledger", kills, booked)
}

func exitCodeOfErr(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}
