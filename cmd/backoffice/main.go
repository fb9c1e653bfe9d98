// Command backoffice runs bulk captures, refunds and reversals from a CSV
// file against the payment gateway, with a journal that makes a crash at
// any instant safe to resume, live progress and a report.
//
//	backoffice demo
//	backoffice run     --input FILE --journal FILE [--concurrency N] [--rate R] [--dry-run]
//	backoffice resume  --journal FILE
//	backoffice resolve --journal FILE
//	backoffice report  --journal FILE [--format table|csv|json]
//	backoffice fake    [--addr 127.0.0.1:0] [--faults RATE --seed N]
//
// Credentials come from the environment only, and are never printed:
// OPP_ACCESS_TOKEN and OPP_ENTITY_ID (bearer variant), or OPP_MEMBER_ID and
// OPP_SECURE_KEY (checksum variant), with OPP_PARTNER_ID and OPP_USERNAME
// where the platform wants an AuthToken; OPP_BASE_URL selects the host.
//
// Exit codes: 0 every row booked; 1 some refused, invalid or not booked
// (resume sends not-booked rows again); 2 some still unknown (run resolve
// later); 3 could not run.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/c81406b6/backoffice"
)

const (
	exitOK           = 0
	exitNotAllBooked = 1
	exitUnknown      = 2
	exitCannotRun    = 3
)

const usage = `usage: backoffice <command> [flags]

commands:
  demo      a few hundred refunds against the embedded fake gateway, with faults
  run       run --input FILE --journal FILE [--concurrency N --rate R --dry-run]
  resume    resume --journal FILE: continue an interrupted job
  resolve   resolve --journal FILE: settle rows whose outcome is unknown; sends nothing
  report    report --journal FILE [--format table|csv|json]
  fake      fake [--addr 127.0.0.1:0 --faults RATE --seed N]: the fake gateway as a server

Credentials come from the environment only: OPP_ACCESS_TOKEN and OPP_ENTITY_ID
(bearer), or OPP_MEMBER_ID and OPP_SECURE_KEY (checksum; OPP_PARTNER_ID and
OPP_USERNAME for its AuthToken); OPP_BASE_URL.
Exit codes: 0 all booked, 1 some refused/invalid/not booked, 2 some unknown, 3 could not run.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitCannotRun
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "demo":
		return runDemo(rest, stdout, stderr)
	case "run", "resume", "resolve":
		return runJob(cmd, rest, stdout, stderr)
	case "report":
		return runReport(rest, stdout, stderr)
	case "fake":
		return runFake(rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "backoffice: unknown command %q\n\n%s", cmd, usage)
	return exitCannotRun
}

// credentialsFromEnv reads the credentials; it never prints them. nil
// credentials and no error mean none are set.
func credentialsFromEnv() (backoffice.Credentials, string, error) {
	base := os.Getenv("OPP_BASE_URL")
	token, entity := os.Getenv("OPP_ACCESS_TOKEN"), os.Getenv("OPP_ENTITY_ID")
	member, key := os.Getenv("OPP_MEMBER_ID"), os.Getenv("OPP_SECURE_KEY")
	partner, user := os.Getenv("OPP_PARTNER_ID"), os.Getenv("OPP_USERNAME")
	switch {
	case token != "" || entity != "":
		if token == "" || entity == "" {
			return nil, "", errors.New("set both OPP_ACCESS_TOKEN and OPP_ENTITY_ID")
		}
		return backoffice.BearerCredentials{AccessToken: token, EntityID: entity}, base, nil
	case member != "" || key != "":
		if member == "" || key == "" {
			return nil, "", errors.New("set both OPP_MEMBER_ID and OPP_SECURE_KEY")
		}
		if base == "" {
			return nil, "", errors.New("OPP_BASE_URL is required with the checksum variant (OPP_MEMBER_ID, OPP_SECURE_KEY)")
		}
		if (partner == "") != (user == "") {
			return nil, "", errors.New("set both OPP_PARTNER_ID and OPP_USERNAME (the AuthToken request's), or neither")
		}
		return backoffice.ChecksumCredentials{MemberID: member, SecureKey: key, PartnerID: partner, Username: user}, base, nil
	}
	return nil, base, nil
}

type jobFlags struct {
	input, journal    string
	concurrency       int
	rate              float64
	dryRun            bool
	settle, lookup    time.Duration
	timeout, resolveT time.Duration
	progressEvery     time.Duration
}

func (f *jobFlags) clientOptions(base string) []backoffice.Option {
	opts := []backoffice.Option{
		backoffice.WithRetryPolicy(backoffice.RetryPolicy{
			MaxAttempts: backoffice.DefaultRetryPolicy.MaxAttempts, MinWait: min(backoffice.DefaultRetryPolicy.MinWait, f.lookup),
			MaxWait: backoffice.DefaultRetryPolicy.MaxWait, SettleTime: f.settle, LookupInterval: f.lookup,
		}),
		backoffice.WithUserAgent("backoffice-cli"),
	}
	if base != "" {
		opts = append(opts, backoffice.WithBaseURL(base))
	}
	if f.rate > 0 {
		opts = append(opts, backoffice.WithRateLimit(f.rate, 1))
	}
	return opts
}

func runJob(cmd string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f jobFlags
	if cmd == "run" {
		fs.StringVar(&f.input, "input", "", "input CSV: operation,payment_id,amount,currency[,merchant_transaction_id,country,purchased_at]")
		fs.BoolVar(&f.dryRun, "dry-run", false, "validate every row offline and report bad ones; send nothing, write no journal")
	}
	fs.StringVar(&f.journal, "journal", "", "the job's journal file (created by run)")
	fs.IntVar(&f.concurrency, "concurrency", 8, "requests in flight at once")
	fs.Float64Var(&f.rate, "rate", 0, "requests per second at most, look-ups included (0: no limit)")
	fs.DurationVar(&f.settle, "settle-time", backoffice.DefaultSettleTime, "RetryPolicy.SettleTime: lower it only against a fake gateway")
	fs.DurationVar(&f.lookup, "lookup-interval", backoffice.DefaultLookupInterval, "RetryPolicy.LookupInterval: lower it only against a fake gateway")
	fs.DurationVar(&f.timeout, "timeout", 0, "bound on one row's call, its reconciliation included (default: 2 x settle time + 4 x lookup interval)")
	fs.DurationVar(&f.resolveT, "resolve-timeout", 0, "bound on one row's Resolve (default: settle time + 4 x lookup interval)")
	fs.DurationVar(&f.progressEvery, "progress-interval", 5*time.Second, "between progress lines when stderr is not a terminal")
	if err := fs.Parse(args); err != nil {
		return exitCannotRun
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "backoffice %s: unexpected argument %q\n", cmd, fs.Arg(0))
		return exitCannotRun
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "backoffice %s: %s\n", cmd, fmt.Sprintf(format, a...))
		return exitCannotRun
	}
	if f.timeout == 0 {
		f.timeout = 2*f.settle + 4*f.lookup
	}
	if f.resolveT == 0 {
		f.resolveT = f.settle + 4*f.lookup
	}
	if f.concurrency < 1 {
		return fail("--concurrency must be at least 1")
	}
	creds, base, err := credentialsFromEnv()
	if err != nil {
		return fail("%v", err)
	}
	if cmd == "run" && f.input == "" {
		return fail("--input is required")
	}
	if f.journal == "" && !f.dryRun {
		return fail("--journal is required")
	}

	if cmd == "run" {
		data, err := os.ReadFile(f.input)
		if err != nil {
			return fail("%v", err)
		}
		rows, hash, err := parseInput(data)
		if err != nil {
			fmt.Fprintf(stderr, "backoffice run: %s refused, nothing was sent:\n%v\n", f.input, err)
			return exitCannotRun
		}
		check, err := offlineClient(creds)
		if err != nil {
			return fail("%v", err)
		}
		if f.dryRun {
			checkRows(check, rows)
			bad := 0
			for _, r := range rows {
				if r.State == stateInvalid {
					bad++
					fmt.Fprintf(stdout, "line %d: %s\n", r.Line, r.Desc)
				}
			}
			fmt.Fprintf(stdout, "dry run: %d rows, %d invalid; nothing was sent\n", len(rows), bad)
			if bad > 0 {
				return exitNotAllBooked
			}
			return exitOK
		}
		if fileExists(f.journal) {
			j, err := openJob(f.journal)
			if err != nil {
				return fail("%v", err)
			}
			if j.hash != hash {
				j.Close()
				return fail("journal %s belongs to another input (sha256 %s…), not %s (sha256 %s…): nothing was sent", f.journal, j.hash[:12], f.input, hash[:12])
			}
			j.Close()
			fmt.Fprintf(stderr, "backoffice run: journal %s exists for this input: resuming it\n", f.journal)
		} else if err := planJob(f.journal, f.input, hash, rows, check); err != nil {
			return fail("creating the journal: %v", err)
		}
	}
	if creds == nil {
		return fail("no credentials: set OPP_ACCESS_TOKEN and OPP_ENTITY_ID, or OPP_MEMBER_ID, OPP_SECURE_KEY and OPP_BASE_URL")
	}
	client, err := backoffice.NewClient(creds, f.clientOptions(base)...)
	if err != nil {
		return fail("%v", err)
	}
	j, err := openJob(f.journal)
	if err != nil {
		return fail("%v", err)
	}
	defer j.Close()
	j.client = client
	j.cfg = Config{Concurrency: f.concurrency, Rate: f.rate, SettleTime: f.settle, LookupInterval: f.lookup,
		CallTimeout: f.timeout, ResolveTimeout: f.resolveT,
		Progress: &progressConfig{Out: stderr, TTY: isTTY(stderr), Interval: f.progressEvery}}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := j.Process(ctx, cmd == "resolve"); err != nil {
		return fail("%v (the journal holds every state reached; resume when fixed)", err)
	}
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "backoffice %s: interrupted; run backoffice resume --journal %s\n", cmd, f.journal)
	}
	if err := writeReport(stdout, "table", j.Rows()); err != nil {
		return fail("%v", err)
	}
	code := j.exitCode()
	if code == exitUnknown {
		fmt.Fprintf(stderr, "backoffice %s: some outcomes are unknown: run backoffice resolve --journal %s later\n", cmd, f.journal)
	}
	if n := j.count(stateNotBooked); n > 0 {
		fmt.Fprintf(stderr, "backoffice %s: %d rows proven not booked (not sent, or absent after a look-up); backoffice resume --journal %s sends them again\n", cmd, n, f.journal)
	}
	return code
}

func isTTY(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isTerminal(f)
}

func runReport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("journal", "", "the job's journal file")
	format := fs.String("format", "table", "table, csv or json")
	if err := fs.Parse(args); err != nil {
		return exitCannotRun
	}
	if *path == "" {
		fmt.Fprintln(stderr, "backoffice report: --journal is required")
		return exitCannotRun
	}
	j, err := readJob(*path)
	if err != nil {
		fmt.Fprintln(stderr, "backoffice report:", err)
		return exitCannotRun
	}
	defer j.Close()
	if err := writeReport(stdout, *format, j.Rows()); err != nil {
		fmt.Fprintln(stderr, "backoffice report:", err)
		return exitCannotRun
	}
	return j.exitCode()
}

func discardLog() *log.Logger { return log.New(io.Discard, "", 0) }
