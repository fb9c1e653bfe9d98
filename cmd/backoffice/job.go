package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/cmd/backoffice/internal/journal"
	"github.com/shopspring/decimal"
)

// Row states in the journal. planned and sending are the job's own; the
// others are what the gateway made of the row.
const (
	statePlanned   = "planned"
	stateSending   = "sending"
	stateBooked    = "booked"
	stateRefused   = "refused"
	stateNotBooked = "not_booked"
	stateUnknown   = "unknown"
	stateInvalid   = "invalid"
)

var allStates = []string{stateBooked, stateRefused, stateNotBooked, stateUnknown, stateInvalid, statePlanned, stateSending}

// record is one journal line.
type record struct {
	K string `json:"k"` // "job", "row" or "st"

	// "job": the first record.
	V       int        `json:"v,omitempty"`
	Hash    string     `json:"hash,omitempty"`
	Input   string     `json:"input,omitempty"`
	Rows    int        `json:"rows,omitempty"`
	Created *time.Time `json:"created,omitempty"`

	// "row": a planned (or invalid) row.
	Row *Row `json:"row,omitempty"`

	// "st": a row's new state.
	Line   int             `json:"line,omitempty"`
	State  string          `json:"s,omitempty"`
	At     *time.Time      `json:"at,omitempty"`
	ID     string          `json:"id,omitempty"`
	Code   string          `json:"code,omitempty"`
	Desc   string          `json:"desc,omitempty"`
	Amount string          `json:"amt,omitempty"` // the booked amount, for a full reversal
	U      json.RawMessage `json:"u,omitempty"`
}

const journalVersion = 1

// Config is how a job talks to the gateway.
type Config struct {
	Concurrency    int
	Rate           float64 // requests per second; 0: unlimited
	SettleTime     time.Duration
	LookupInterval time.Duration
	CallTimeout    time.Duration // bounds one row's call, reconciliation included
	ResolveTimeout time.Duration // bounds one row's Resolve
	Progress       *progressConfig
}

// Job is an open journal and the state of its rows.
type Job struct {
	log    *journal.Log
	hash   string
	input  string
	rows   []Row
	byLine map[int]int

	mu     sync.Mutex
	counts map[string]int
	done   int // rows settled by this process, for the rate
	todo   int // rows this process set out to settle

	client *backoffice.Client
	cfg    Config
}

// planJob validates rows offline with the SDK's own checks and creates
// the journal holding them all, atomically.
func planJob(path, inputName, hash string, rows []Row, check *backoffice.Client) error {
	checkRows(check, rows)
	recs := make([][]byte, 0, len(rows)+1)
	b, _ := json.Marshal(record{K: "job", V: journalVersion, Hash: hash, Input: inputName, Rows: len(rows), Created: now()})
	recs = append(recs, b)
	for i := range rows {
		b, err := json.Marshal(record{K: "row", Row: &rows[i]})
		if err != nil {
			return err
		}
		recs = append(recs, b)
	}
	return journal.Create(path, recs)
}

// openJob opens and locks the journal at path and replays it.
func openJob(path string) (*Job, error) {
	log, recs, err := journal.Open(path)
	if errors.Is(err, journal.ErrInUse) {
		return nil, fmt.Errorf("journal %s is in use by another backoffice process", path)
	}
	if err != nil {
		return nil, err
	}
	j := &Job{log: log, byLine: map[int]int{}, counts: map[string]int{}}
	if err := j.replay(path, recs); err != nil {
		log.Close()
		return nil, err
	}
	return j, nil
}

// readJob reads the journal at path without locking or writing it: a
// snapshot, for reports while a job runs.
func readJob(path string) (*Job, error) {
	recs, err := journal.Read(path)
	if err != nil {
		return nil, err
	}
	j := &Job{byLine: map[int]int{}, counts: map[string]int{}}
	if err := j.replay(path, recs); err != nil {
		return nil, err
	}
	return j, nil
}

func (j *Job) replay(path string, recs [][]byte) error {
	if len(recs) == 0 {
		return fmt.Errorf("journal %s is empty", path)
	}
	rows := 0
	for n, b := range recs {
		var r record
		if err := json.Unmarshal(b, &r); err != nil {
			return fmt.Errorf("journal %s: record %d: %w", path, n+1, err)
		}
		switch {
		case n == 0:
			if r.K != "job" || r.V != journalVersion || r.Hash == "" {
				return fmt.Errorf("journal %s: not a backoffice journal (version %d)", path, journalVersion)
			}
			j.hash, j.input, rows = r.Hash, r.Input, r.Rows
		case r.K == "row" && r.Row != nil && n == len(j.rows)+1:
			if _, dup := j.byLine[r.Row.Line]; dup {
				return fmt.Errorf("journal %s: record %d: line %d planned twice", path, n+1, r.Row.Line)
			}
			j.byLine[r.Row.Line] = len(j.rows)
			j.rows = append(j.rows, *r.Row)
		case r.K == "st" && len(j.rows) == rows:
			i, ok := j.byLine[r.Line]
			if !ok {
				return fmt.Errorf("journal %s: record %d names line %d, which the journal has no row for", path, n+1, r.Line)
			}
			if from := j.rows[i].State; !next[from][r.State] {
				return fmt.Errorf("journal %s: record %d moves line %d from %s to %s, which no job does: refusing to guess", path, n+1, r.Line, from, r.State)
			}
			apply(&j.rows[i], r)
		default:
			return fmt.Errorf("journal %s: record %d (%q) is out of place: a journal holds its job, then every row, then their states", path, n+1, r.K)
		}
	}
	if len(j.rows) != rows {
		return fmt.Errorf("journal %s: %d rows, but it was created with %d: refusing to guess", path, len(j.rows), rows)
	}
	for _, r := range j.rows {
		j.counts[r.State]++
	}
	return nil
}

// next holds the moves a job makes: a row is sent from planned or proven
// not booked (or refused before sending: validation, a failed read), and
// settled from sending or unknown; booked, refused and invalid rows never
// change. A journal holding any other move was edited,
// and replaying it could send a booked row again.
var next = map[string]map[string]bool{
	statePlanned:   {stateSending: true, stateInvalid: true, stateNotBooked: true, stateRefused: true},
	stateNotBooked: {stateSending: true, stateInvalid: true, stateNotBooked: true, stateRefused: true},
	stateSending:   {stateBooked: true, stateRefused: true, stateNotBooked: true, stateUnknown: true, stateInvalid: true},
	stateUnknown:   {stateBooked: true, stateRefused: true, stateNotBooked: true, stateUnknown: true, stateInvalid: true},
}

func apply(row *Row, r record) {
	row.State = r.State
	if r.State == stateRefused && refusedForTheRequest(r.Code) {
		// Written by a version that kept such rows refused for good;
		// read as this one writes them, so resume sends them again.
		row.State = stateNotBooked
	}
	if r.State == stateSending {
		if r.U != nil {
			row.Uncertain = r.U // the call's description, from the SDK's WithBeforeSend hook
		}
		return // keeps what an earlier attempt left otherwise (a journal of an earlier version)
	}
	row.BookingID, row.Code, row.Desc = r.ID, r.Code, r.Desc
	if r.Amount != "" {
		row.Amount = r.Amount
	}
	if r.U != nil {
		row.Uncertain = r.U
	}
}

// Close closes the journal; everything recorded is durable already.
func (j *Job) Close() error {
	if j.log == nil {
		return nil
	}
	return j.log.Close()
}

// transition makes a row's new state durable, then applies it.
func (j *Job) transition(i int, r record) error {
	r.K = "st"
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if err := j.log.Append(b); err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	row := &j.rows[i]
	j.counts[row.State]--
	apply(row, r)
	j.counts[row.State]++
	if r.State != stateSending {
		j.done++
	}
	return nil
}

func (j *Job) row(i int) Row {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.rows[i]
}

// Rows returns a copy of every row.
func (j *Job) Rows() []Row {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]Row(nil), j.rows...)
}

func (j *Job) select_(states ...string) []int {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []int
	for i, r := range j.rows {
		for _, s := range states {
			if r.State == s {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

// Process settles the job. Every row left in sending (a crash) or unknown
// is resolved, never sent; unless resolveOnly, every row still planned or
// proven not booked is sent (a row is only ever sent again after its own
// Resolve proved it absent).
//
// Rows of one payment are worked one after another, in input order, by
// one worker, and a payment's rows are sent only once none of them is in
// doubt: its uncertain rows are resolved first, and a send that ends
// unknown stops the rest until a later resume. Where a look-up cannot tell
// one booking from another (the checksum platform settles a refund by the
// growth of the payment's refunded amount, a capture by its captured
// amount), a second row of the payment booked meanwhile would otherwise
// be taken for the first's; and a gateway answers concurrent requests for
// one payment with "session busy" anyway.
func (j *Job) Process(ctx context.Context, resolveOnly bool) error {
	uncertain := j.select_(stateSending, stateUnknown)
	if resolveOnly {
		j.setTodo(len(uncertain))
		stop := startProgress(j, j.cfg.Progress)
		defer stop()
		return j.pool(ctx, uncertain, j.resolveRow)
	}
	send := j.select_(statePlanned, stateNotBooked)
	j.setTodo(len(uncertain) + len(send))
	stop := startProgress(j, j.cfg.Progress)
	defer stop()
	groups := j.byPayment(append(uncertain, send...))
	idx := make([]int, len(groups))
	for g := range idx {
		idx[g] = g
	}
	return j.pool(ctx, idx, func(ctx context.Context, g int) error { return j.payment(ctx, groups[g]) })
}

func (j *Job) setTodo(n int) {
	j.mu.Lock()
	j.todo = n
	j.mu.Unlock()
}

// byPayment groups rows by payment, each group in input order, the groups
// in the order of their first row.
func (j *Job) byPayment(rows []int) [][]int {
	slices.Sort(rows)
	at := map[string]int{}
	var groups [][]int
	for _, i := range rows {
		pid := j.row(i).PaymentID
		g, ok := at[pid]
		if !ok {
			g = len(groups)
			at[pid] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	return groups
}

// payment works one payment's rows: it resolves those in doubt, then, if
// none is left in doubt, sends the others in order, stopping at the first
// that ends unknown.
func (j *Job) payment(ctx context.Context, rows []int) error {
	doubt := false
	for _, i := range rows {
		if st := j.row(i).State; st != stateSending && st != stateUnknown {
			continue
		}
		if err := j.resolveRow(ctx, i); err != nil {
			return err
		}
		switch j.row(i).State {
		case stateUnknown, stateSending:
			doubt = true
		case stateNotBooked:
			j.mu.Lock()
			j.todo++ // proven absent: sent below
			j.mu.Unlock()
		}
	}
	for _, i := range rows {
		if doubt || ctx.Err() != nil {
			return nil
		}
		if st := j.row(i).State; st != statePlanned && st != stateNotBooked {
			continue
		}
		if err := j.sendRow(ctx, i); err != nil {
			return err
		}
		doubt = j.row(i).State == stateUnknown
	}
	return nil
}

// pool runs fn on every index with Concurrency workers. A journal error
// stops everything: no request may leave without its record.
func (j *Job) pool(ctx context.Context, idx []int, fn func(context.Context, int) error) error {
	if len(idx) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan int)
	var (
		wg      sync.WaitGroup
		errOnce sync.Once
		first   error
	)
	n := max(1, j.cfg.Concurrency)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				if err := fn(ctx, i); err != nil {
					errOnce.Do(func() { first = err; cancel() })
				}
			}
		}()
	}
feed:
	for _, i := range idx {
		select {
		case work <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	return first
}

// sendRow sends the row and records what came of it. The SDK's
// WithBeforeSend hook records the row as sending, durably, with the call's
// description, before the request leaves: a process that dies after that
// leaves what Resolve needs to settle the row (a checksum refund's
// refunded amount read first included). A row refused before sending
// (validation, a failed read) is never recorded as sending.
func (j *Job) sendRow(ctx context.Context, i int) error {
	if ctx.Err() != nil {
		return nil
	}
	row := j.row(i)
	var journalErr error
	cctx, cancel := context.WithTimeout(ctx, j.cfg.CallTimeout)
	cctx = backoffice.WithBeforeSend(cctx, func(u *backoffice.UncertainError) error {
		b, err := json.Marshal(u)
		if err == nil {
			err = j.transition(i, record{Line: row.Line, State: stateSending, At: now(), U: b})
		}
		journalErr = err
		return err
	})
	p, err := j.send(cctx, row)
	cancel()
	if journalErr != nil {
		return journalErr // nothing was sent; the journal can no longer be trusted
	}
	return j.transition(i, classify(row, p, err))
}

func (j *Job) send(ctx context.Context, row Row) (*backoffice.Payment, error) {
	return sendWith(ctx, j.client, row)
}

func sendWith(ctx context.Context, c *backoffice.Client, row Row) (*backoffice.Payment, error) {
	var amount decimal.Decimal
	if row.Amount != "" {
		a, err := decimal.NewFromString(row.Amount)
		if err != nil {
			return nil, &backoffice.ValidationError{Field: "Amount", Message: "is not a decimal number"}
		}
		amount = a
	}
	switch row.Op {
	case "CP":
		return c.Capture(ctx, row.PaymentID, backoffice.CaptureRequest{Amount: amount, Currency: row.Currency, MerchantTransactionID: row.MTID})
	case "RF":
		r := backoffice.RefundRequest{Amount: amount, Currency: row.Currency, MerchantTransactionID: row.MTID, Country: row.Country}
		if row.PurchasedAt != "" {
			r.PurchasedAt, _ = time.Parse(time.RFC3339, row.PurchasedAt)
		}
		return c.Refund(ctx, row.PaymentID, r)
	case "RV":
		return c.Reverse(ctx, row.PaymentID, backoffice.ReversalRequest{Amount: amount, Currency: row.Currency, MerchantTransactionID: row.MTID})
	}
	return nil, &backoffice.ValidationError{Field: "operation", Message: "must be CP, RF or RV"}
}

// resolveRow settles a row left in sending or unknown, never sending it.
func (j *Job) resolveRow(ctx context.Context, i int) error {
	if ctx.Err() != nil {
		return nil
	}
	row := j.row(i)
	u := uncertainOf(row)
	if len(row.Uncertain) > 0 { // the call's own description: from the SDK (unknown) or its hook (sending)
		var stored backoffice.UncertainError
		if err := json.Unmarshal(row.Uncertain, &stored); err == nil && stored.MerchantTransactionID == row.MTID {
			u = &stored
		}
	}
	rctx, cancel := context.WithTimeout(ctx, j.cfg.ResolveTimeout)
	p, err := j.client.Resolve(rctx, u)
	cancel()
	return j.transition(i, classify(row, p, err))
}

// uncertainOf describes a row's call for Resolve. Its SentAt is zero,
// which Resolve reads as "sent just now": a process that died with the row
// in sending sent it, if at all, before this one started, so absence is
// only proven a whole settle time after now.
func uncertainOf(row Row) *backoffice.UncertainError {
	u := &backoffice.UncertainError{
		MerchantTransactionID: row.MTID,
		Operation:             backoffice.PaymentType(row.Op),
		PaymentID:             row.PaymentID,
		Currency:              row.Currency,
	}
	if row.Amount != "" && !(row.Op == "RV" && row.Currency == "") {
		u.Amount, _ = decimal.NewFromString(row.Amount)
	}
	return u
}

// classify turns a call's or a Resolve's result into the row's state,
// by the SDK's own rule (OutcomeOf).
func classify(row Row, p *backoffice.Payment, err error) record {
	r := record{Line: row.Line, At: now()}
	switch backoffice.OutcomeOf(err) {
	case backoffice.Booked:
		r.State = stateBooked
		if p != nil {
			r.ID, r.Code, r.Desc = p.ID, string(p.Result.Code), p.Result.Description
			if row.Amount == "" && !p.Amount.IsZero() {
				r.Amount = p.Amount.String()
			}
		}
	case backoffice.NotBooked:
		var (
			ns *backoffice.NotSentError
			re *backoffice.ResultError
			ve *backoffice.ValidationError
			we *backoffice.RefundWindowError
		)
		switch {
		case errors.As(err, &ns):
			// Never sent, whatever the cause wraps (a checksum refund's
			// read of the refunded amount may have been refused): resume
			// sends it again.
			r.State, r.Desc = stateNotBooked, err.Error()
		case errors.As(err, &re):
			r.State, r.Code, r.Desc = stateRefused, string(re.Result.Code), re.Result.Description
			if r.Desc == "" {
				r.Desc = re.Result.Code.Description()
			}
			if notAboutThePayment(re) {
				r.State = stateNotBooked // resume sends it again
			}
		case errors.As(err, &ve), errors.As(err, &we), errors.Is(err, backoffice.ErrUnsupported):
			r.State, r.Desc = stateInvalid, err.Error()
		default:
			r.State, r.Desc = stateNotBooked, err.Error()
		}
	default:
		r.State, r.Desc = stateUnknown, err.Error()
		var ue *backoffice.UncertainError
		if !errors.As(err, &ue) {
			// Not the SDK's: describe the call ourselves, sent "now" at
			// the latest.
			ue = uncertainOf(row)
			ue.SentAt = time.Now().UTC()
		}
		r.U, _ = json.Marshal(ue)
	}
	return r
}

// notAboutThePayment reports a refusal that judged the request, not the
// payment: its credentials (HTTP 401 or 403, the gateway's 800.900.3xx
// authentication codes, GATEWAY.md) or the gateway's load (throttling, a
// busy session, once the SDK's retries are spent). Sent again later, with
// the credentials mended or the load gone, the same row can be booked, so
// such a row ends not booked, for resume to send again, and never refused,
// which is final. The checksum platform's codes for a refused checksum or
// AuthToken are per deployment (CHECKSUM-PLATFORM.md §6): there such rows
// end refused, and a new journal for the rows left is the way to send them.
func notAboutThePayment(re *backoffice.ResultError) bool {
	return re.StatusCode == http.StatusUnauthorized || re.StatusCode == http.StatusForbidden ||
		refusedForTheRequest(string(re.Result.Code))
}

// refusedForTheRequest reports the codes of notAboutThePayment.
func refusedForTheRequest(code string) bool {
	return code == string(backoffice.CodeThrottled) || code == string(backoffice.CodeSessionBusy) ||
		strings.HasPrefix(code, "800.900.3")
}

// checkRows runs the SDK's own validation on every planned row, offline:
// check's transport never sends and the context is already cancelled, so
// a call either fails validation or stops before anything leaves.
func checkRows(check *backoffice.Client, rows []Row) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for i := range rows {
		if rows[i].State != statePlanned {
			continue
		}
		_, err := sendWith(ctx, check, rows[i])
		var (
			ve *backoffice.ValidationError
			we *backoffice.RefundWindowError
		)
		if errors.As(err, &ve) || errors.As(err, &we) || errors.Is(err, backoffice.ErrUnsupported) {
			rows[i].State, rows[i].Desc = stateInvalid, err.Error()
		}
	}
}

// offlineClient is a Client for checkRows: the variant's credentials (real
// ones only choose the variant's rules; nothing is sent) and a transport
// that refuses to send.
func offlineClient(creds backoffice.Credentials) (*backoffice.Client, error) {
	if creds == nil {
		creds = backoffice.BearerCredentials{AccessToken: "offline", EntityID: "offline"}
	}
	return backoffice.NewClient(creds, backoffice.WithBaseURL("http://127.0.0.1:9"),
		backoffice.WithHTTPClient(&http.Client{Transport: noSend{}}))
}

type noSend struct{}

func (noSend) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return nil, errors.New("offline check: nothing is sent")
}

// exitCode is the job's verdict: 0 all booked, 1 some refused, invalid or
// not booked, 2 some still unknown (or in flight when it stopped).
func (j *Job) exitCode() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return exitCodeOf(j.counts)
}

// count returns how many rows are in state.
func (j *Job) count(state string) int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.counts[state]
}

func exitCodeOf(counts map[string]int) int {
	switch {
	case counts[stateUnknown]+counts[stateSending] > 0:
		return exitUnknown
	case counts[stateRefused]+counts[stateInvalid]+counts[stateNotBooked]+counts[statePlanned] > 0:
		return exitNotAllBooked
	}
	return exitOK
}

func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func now() *time.Time {
	t := time.Now().UTC()
	return &t
}
