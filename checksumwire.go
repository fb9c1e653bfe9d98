package backoffice

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/c81406b6/backoffice/internal/form"
	"github.com/c81406b6/backoffice/internal/transport"
	"github.com/c81406b6/backoffice/internal/wire"
	"github.com/shopspring/decimal"
)

// The checksum platform (transactionServices) as it binds requests and
// writes answers. Every fact used here is in CHECKSUM-PLATFORM.md, whose
// section is named where it is relied on.

// checksumRoot is where the checksum variant's endpoints live (§1).
const checksumRoot = "/transactionServices/REST/v1"

// checksumAmount is the platform's amount rule, checked before the
// checksum (§2: ^[0-9]{1,10}\.[0-9]{2}$).
var checksumAmount = regexp.MustCompile(`^[0-9]{1,10}\.[0-9]{2}$`)

// maxTrackingID is the ESAPI "Numbers" rule's length (§1).
const maxTrackingID = 50

// validateTrackingID accepts the platform's payment ids: its numeric
// tracking ids (§1).
func validateTrackingID(field, id string) error {
	if id == "" {
		return invalid(field, "is required")
	}
	if len(id) > maxTrackingID {
		return invalid(field, "is longer than %d digits", maxTrackingID)
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return invalid(field, "must be the checksum platform's numeric payment id")
		}
	}
	return nil
}

// checksumWire is the checksum platform's wire: memberId and a checksum in
// every form under checksumRoot, capture, refund and reversal only, and
// reconciliation from the payment's own state.
type checksumWire struct {
	creds   ChecksumCredentials
	refunds *inflight // this Client's calls under way, per payment
}

// newChecksumWire checks cr and returns its wire and, with PartnerID and
// Username, the AuthToken every call will carry (nil without). The
// platform has no default base URL.
func newChecksumWire(cr ChecksumCredentials, cfg *config) (wireShape, *authToken, error) {
	if err := checkSecret("Credentials.MemberID", cr.MemberID); err != nil {
		return nil, nil, err
	}
	if err := checkSecret("Credentials.SecureKey", cr.SecureKey); err != nil {
		return nil, nil, err
	}
	if cfg.baseURL == "" {
		return nil, nil, invalid("BaseURL", "is required with ChecksumCredentials: the transactionServices host differs per acquirer")
	}
	if (cr.PartnerID == "") != (cr.Username == "") {
		return nil, nil, invalid("Credentials.PartnerID", "and Credentials.Username go together: both to use an AuthToken, neither without")
	}
	var token *authToken
	if cr.PartnerID != "" {
		if err := checkSecret("Credentials.PartnerID", cr.PartnerID); err != nil {
			return nil, nil, err
		}
		if err := checkSecret("Credentials.Username", cr.Username); err != nil {
			return nil, nil, err
		}
		token = &authToken{creds: cr}
	}
	return checksumWire{creds: cr, refunds: &inflight{}}, token, nil
}

// checksumOnly returns c's checksum wire, or method's ErrUnsupported when
// c speaks another variant: the operations that call it exist on the
// checksum platform only.
func (c *Client) checksumOnly(method string) (checksumWire, error) {
	k, ok := c.wire.(checksumWire)
	if !ok {
		return checksumWire{}, opErr(method, ErrUnsupported)
	}
	return k, nil
}

// describe names the member, never the secure key.
func (w checksumWire) describe(base string) string {
	return fmt.Sprintf("backoffice.Client{variant: checksum, baseURL: %s, memberID: %s}", base, w.creds.MemberID)
}

// headers: the checksum platform authenticates in the form (and, with a
// token, by the AuthToken header Client.send adds per call); it answers
// JSON only when asked by Accept (CHECKSUM-PLATFORM.md §1).
func (checksumWire) headers(h http.Header) { h["Accept"] = []string{"application/json"} }

// secrets: the secure key (the AuthToken is masked by Client.redactor).
func (w checksumWire) secrets() []string { return []string{w.creds.SecureKey} }

// validateID accepts the platform's numeric tracking ids.
func (checksumWire) validateID(field, id string) error { return validateTrackingID(field, id) }

// moves: the platform captures, refunds and reverses (§2), nothing else.
func (checksumWire) moves(op PaymentType) bool {
	return op == PaymentTypeCapture || op == PaymentTypeRefund || op == PaymentTypeReversal
}

// checkReversal: the platform reverses in full only.
func (checksumWire) checkReversal(full bool) error {
	if !full {
		return invalid("Amount", "must be zero: the checksum gateway reverses in full only")
	}
	return nil
}

// prepareInquire is IN with idType=PID, the id in the path and under the
// checksum (§2, §3).
func (w checksumWire) prepareInquire(c *Client, cl *call) {
	var f form.Form
	w.authenticate(&f, cl.target)
	f.Add("paymentType", string(PaymentTypeInquiry))
	f.Add("idType", "PID")
	c.preparePost(cl, checksumRoot+"/payments/"+cl.target, &f, false)
}

// complete applies checksumPayment.
func (checksumWire) complete(w *wire.Payment, p *Payment, cl *call) { checksumPayment(w, p, cl) }

// accepted: the platform says so in transactionStatus where the answer
// has one (the inquiry), else in its code (CP, RF, RV, the list).
func (checksumWire) accepted(p *Payment) bool {
	switch strings.ToUpper(p.TransactionStatus) {
	case "Y", "P", "3D":
		return true
	case "N", "C":
		return false
	}
	return codeAccepted(p)
}

// misrouted: the platform's answers name only the payment acted on (§4),
// so only that is compared.
func (checksumWire) misrouted(p *Payment, cl *call, _ bool) string {
	if p.ID != "" && p.ID != "-" && p.ID != cl.target {
		return "payment " + strconv.Quote(p.ID)
	}
	return ""
}

// lookupKey: checksum look-ups read the payment acted on.
func (checksumWire) lookupKey(cl *call) string { return "pid:" + cl.target }

// authenticate adds the checksum variant's memberId and the checksum over
// the given fields (§3); the secure key only enters the digest.
func (w checksumWire) authenticate(f *form.Form, fields ...string) {
	f.Add("authentication.memberId", w.creds.MemberID)
	f.Add("authentication.checksum", Checksum(w.creds.MemberID, w.creds.SecureKey, fields...))
}

// transact sends a capture, refund or reversal as the platform
// binds it (§2): memberId, checksum, paymentType and, except for a
// reversal, amount; then the caller's Extra fields. merchantTransactionId
// and currency are not sent: the platform does not read the one and only
// checks the other against the payment (RF), so sending them adds nothing
// but a way to fail. cl.mtid still names the call in its *UncertainError.
//
// Every call first reads the payment's state (one look-up, see
// paymentState): its currency, which the call's must match (§2: the
// platform books in the payment's currency and takes none on CP and RV),
// and what an ambiguous answer is settled against afterwards (§4: the
// platform records captures, refunds and reversals on the payment itself):
// a refund's refunded amount, a capture's captured amount and status, a
// reversal's status.
func (w checksumWire) transact(ctx context.Context, c *Client, cl *call, m money) (*Payment, error) {
	var f form.Form
	amount := ""
	if m.full {
		w.authenticate(&f, cl.target)
	} else {
		amount = formatAmount(m.amount)
		if !checksumAmount.MatchString(amount) {
			return nil, invalid("Amount", "must have at most 10 integer digits on the checksum platform")
		}
		w.authenticate(&f, cl.target, amount)
	}
	f.Add("paymentType", string(cl.op))
	if !m.full {
		f.Add("amount", amount)
	}
	f.AddSorted(m.extra)
	c.preparePost(cl, checksumRoot+"/payments/"+cl.target, &f, true)
	done := w.refunds.start(cl)
	defer done()
	st, err := w.paymentState(ctx, c, cl.target, false)
	if err != nil {
		var ne *NotSentError
		if errors.As(err, &ne) {
			return nil, err
		}
		return nil, &NotSentError{Err: fmt.Errorf("%s not sent: reading the payment's state first failed: %w", cl.name, err)}
	}
	if cur := st.p.Currency; cl.currency != "" && cur != "" && !strings.EqualFold(cur, cl.currency) {
		return nil, invalid("Currency", fmt.Sprintf("is %s, but payment %s is in %s: the checksum platform books in the payment's currency", cl.currency, cl.target, cur))
	}
	switch cl.op {
	case PaymentTypeRefund:
		before := st.refunded
		cl.refundedBefore = &before
	case PaymentTypeCapture:
		before := st.captured
		cl.capturedBefore, cl.statusBefore = &before, st.status
	case PaymentTypeReversal:
		cl.statusBefore = st.status
	}
	return c.move(ctx, cl)
}

// inflight counts this Client's captures, refunds and reversals under way
// per payment, so a call knows whether another one on the same payment may
// have moved the amount or status it compares.
type inflight struct {
	mu sync.Mutex
	m  map[string]*refundLoad
}

type refundLoad struct {
	n     int    // refunds under way
	epoch uint64 // refunds started so far, while n > 0
}

// start registers cl's refund; cl.concurrent reports, from then on,
// whether another refund of the same payment overlapped it. The returned
// func ends the registration.
func (r *inflight) start(cl *call) func() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[string]*refundLoad{}
	}
	l := r.m[cl.target]
	if l == nil {
		l = &refundLoad{}
		r.m[cl.target] = l
	}
	l.n++
	l.epoch++
	mine, crowded := l.epoch, l.n > 1
	cl.concurrent = func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return crowded || l.epoch != mine
	}
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if l.n--; l.n == 0 {
			delete(r.m, cl.target)
		}
	}
}

// paymentState is what the platform records on a payment: its status and
// how much of it was captured and refunded (§4: captures, refunds and
// reversals change the original payment; they get no row of their own).
type paymentState struct {
	status             string
	captured, refunded decimal.Decimal
	p                  *Payment // the list row read
	httpStatus         int
}

// paymentState reads payment id's state from the transaction list
// filtered by paymentId (§2), the one answer that carries captureamount
// and refundamount (§4; the inquiry has neither). once sends a single
// attempt, for reconciliation, which paces and repeats itself.
func (w checksumWire) paymentState(ctx context.Context, c *Client, id string, once bool) (paymentState, error) {
	cl := &call{name: "payment look-up", target: id, zone: time.UTC}
	var f form.Form
	w.authenticate(&f)
	f.Add("paymentId", id)
	f.Add("timeZone", "+00:00")
	c.preparePost(cl, checksumRoot+"/getTransactionList", &f, false)
	cl.req.Once = once
	ex, err := c.read(ctx, cl)
	if err != nil {
		return paymentState{}, err
	}
	ps, err := c.listPage(ex, cl)
	if err != nil {
		return paymentState{}, err
	}
	var row *Payment
	for i := range ps {
		if ps[i].ID == id {
			if row != nil {
				return paymentState{}, fmt.Errorf("the transaction list shows payment %s twice", id)
			}
			row = &ps[i]
		}
	}
	if row == nil {
		return paymentState{}, fmt.Errorf("the transaction list has no row of payment %s (%d rows)", id, len(ps))
	}
	return paymentState{status: row.Status, captured: row.CapturedAmount, refunded: row.RefundedAmount, p: row, httpStatus: ex.Status}, nil
}

// lookOnce is the checksum variant's look-up: it reads the target's
// state and says what it means for cl (§4, §5 #1):
//
//   - capture: captureamount grown by exactly the amount since the read
//     before sending means booked, unless another call on the payment by
//     this Client overlapped it; unchanged means absent. (Without that
//     read, from a description of an earlier version: captureamount equal
//     to the amount means booked, authsuccessful with nothing captured
//     absent, and a capture of the same amount made elsewhere would be
//     taken for this one.)
//   - reversal: authcancelled means booked, unless it was so before
//     sending (then absent: the reversal cannot have changed anything) or
//     another call on the payment by this Client overlapped it;
//     authsuccessful, or a captured payment (which the platform no longer
//     reverses), means absent.
//   - refund: refundamount grown by exactly the amount since the read
//     before sending means booked, unless another refund of the payment
//     by this Client overlapped it; unchanged means absent (refunds only
//     ever add to it). Any other change leaves it unknown for good.
//
// reconcile accepts "absent" only from a read after the settle time.
func (w checksumWire) lookOnce(ctx context.Context, c *Client, cl *call) lookup {
	st, err := w.paymentState(ctx, c, cl.target, true)
	if err != nil {
		return lookup{why: fmt.Errorf("the payment's state could not be read: %s", err)}
	}
	found := func() lookup {
		p := *st.p
		p.ID, p.ReferencedID, p.PaymentType = cl.target, cl.target, cl.op
		return lookup{state: stateFound, p: &p, status: st.httpStatus}
	}
	switch cl.op {
	case PaymentTypeCapture:
		if cl.capturedBefore != nil {
			delta := st.captured.Sub(*cl.capturedBefore)
			switch {
			case delta.IsZero():
				return lookup{state: stateAbsent}
			case delta.Equal(cl.amount) && (cl.concurrent == nil || !cl.concurrent()):
				return found()
			case delta.Equal(cl.amount):
				return lookup{final: true, why: errors.New("the captured amount grew by this capture's amount, but another call on the payment overlapped it")}
			}
			return lookup{final: true, why: fmt.Errorf("the captured amount changed by %s, not by this capture's %s: other captures of the payment were made",
				delta.StringFixed(2), cl.amount.StringFixed(2))}
		}
		switch {
		case st.captured.IsZero() && st.status == "authsuccessful":
			return lookup{state: stateAbsent}
		case st.captured.Equal(cl.amount):
			return found()
		case !st.captured.IsZero():
			return lookup{final: true, why: fmt.Errorf("the payment shows %s captured, not the %s this capture asked for",
				st.captured.StringFixed(2), cl.amount.StringFixed(2))}
		}
	case PaymentTypeReversal:
		if cl.statusBefore == "authcancelled" {
			// Cancelled before this reversal was sent: it cannot have
			// cancelled anything, and nothing it did can show.
			return lookup{state: stateAbsent}
		}
		if cl.statusBefore != "" && st.status == "authcancelled" && cl.concurrent != nil && cl.concurrent() {
			return lookup{final: true, why: errors.New("the payment became authcancelled, but another call on the payment overlapped this reversal")}
		}
		switch st.status {
		case "authcancelled":
			return found()
		case "authsuccessful", "capturesuccess", "settled", "reversed", "markedforreversal":
			return lookup{state: stateAbsent}
		}
	case PaymentTypeRefund:
		if cl.refundedBefore == nil {
			return lookup{final: true, why: errors.New("no refunded amount was read before the refund was sent")}
		}
		delta := st.refunded.Sub(*cl.refundedBefore)
		switch {
		case delta.IsZero() && st.status != "markedforreversal":
			return lookup{state: stateAbsent}
		case delta.Equal(cl.amount) && (cl.concurrent == nil || !cl.concurrent()):
			return found()
		case delta.Equal(cl.amount):
			return lookup{final: true, why: errors.New("the refunded amount grew by this refund's amount, but another refund of the payment overlapped it")}
		case !delta.IsZero():
			return lookup{final: true, why: fmt.Errorf("the refunded amount changed by %s, not by this refund's %s: other refunds of the payment were made",
				delta.StringFixed(2), cl.amount.StringFixed(2))}
		}
	}
	return lookup{why: fmt.Errorf("the payment's status is %q", st.status)}
}

// shortStatus is the platform's short transactionStatus for a long
// status, as its inquiry maps them (§4 "Status vocabularies").
func shortStatus(long string) string {
	switch long {
	case "authsuccessful", "capturesuccess", "settled", "markedforreversal", "reversed", "chargeback",
		"payoutsuccessful", "authcancelled":
		return "Y"
	case "begun", "authstarted", "authstarted_3D", "capturestarted", "payoutstarted":
		return "P"
	case "cancelled":
		return "C"
	}
	return "N"
}

// checksumPayment completes a decoded checksum answer or list row:
//
//   - a list row carries the long status in transactionStatus (§4): it
//     becomes Status, and TransactionStatus the short one the inquiry
//     would show for it;
//   - captureamount and refundamount (the inquiry's refundAmount) become
//     CapturedAmount and RefundedAmount;
//   - a capture, refund or reversal answer names only the payment acted
//     on (§4): ID and ReferencedID both hold it, PaymentType is the
//     operation; it states no status, amount or currency.
func checksumPayment(w *wire.Payment, p *Payment, cl *call) {
	if long := string(w.TransactionStatus); w.Status == "" && len(long) > 2 && long != "3D" {
		p.Status, p.TransactionStatus = long, shortStatus(long)
	}
	p.CapturedAmount = decimalOf(string(w.CaptureAmount))
	p.RefundedAmount = decimalOf(string(w.RefundAmount))
	if cl != nil && cl.op != "" && w.Status == "" && w.TransactionStatus == "" {
		p.ReferencedID, p.PaymentType = p.ID, cl.op
	}
	if p.Card != nil && p.Card.Last4Digits == "" && w.Card != nil {
		p.Card.Last4Digits = w.Card.LastFourDigits
	}
}

func decimalOf(s string) decimal.Decimal {
	if s == "" {
		return decimal.Decimal{}
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}
	}
	return d
}

// InquireByMerchantTransactionID returns the original payment the merchant
// created with merchantTransactionID (checksum variant: IN with
// idType=MID, the id in the path and under the checksum, §2, §3). Only
// original payments carry one: captures, refunds and reversals are not
// found by it. The bearer variant: ErrUnsupported (use
// QueryByMerchantTransactionID).
func (c *Client) InquireByMerchantTransactionID(ctx context.Context, merchantTransactionID string) (*Payment, error) {
	k, err := c.checksumOnly("InquireByMerchantTransactionID")
	if err != nil {
		return nil, err
	}
	if err := requireMerchantTransactionID(merchantTransactionID); err != nil {
		return nil, err
	}
	if strings.ContainsAny(merchantTransactionID, "/\\") || merchantTransactionID == "." || merchantTransactionID == ".." {
		return nil, invalid("merchantTransactionID", "must not contain a slash or be a path element: it travels in the path")
	}
	cl := &call{name: "InquireByMerchantTransactionID", target: merchantTransactionID}
	var f form.Form
	k.authenticate(&f, merchantTransactionID)
	f.Add("paymentType", string(PaymentTypeInquiry))
	f.Add("idType", "MID")
	c.preparePost(cl, checksumRoot+"/payments/"+url.PathEscape(merchantTransactionID), &f, false)
	ex, err := c.read(ctx, cl)
	if err != nil {
		return nil, err
	}
	return c.settle(ex.Status, c.payment(ex.Answer, ex.Body, cl))
}

// listPageSize is how many rows the SDK asks for per page when it pages
// for the caller.
const listPageSize = 100

// maxListPages bounds the pages one TransactionList reads for its caller.
const maxListPages = 1000

// transactionList reads the rows r selects: one page when r.PageSize is
// set, else every page of listPageSize rows until a short or empty one.
// Rows are ordered by payment id, newest first (§2); one that shifts to
// the next page while paging is listed once.
func (c *Client) transactionList(ctx context.Context, w checksumWire, r TransactionListRequest) ([]Payment, error) {
	if r.PageSize > 0 {
		return c.listOnce(ctx, w, r, max(r.Page, 1), r.PageSize)
	}
	out := []Payment{}
	seen := map[string]bool{}
	for page := 1; page <= maxListPages; page++ {
		ps, err := c.listOnce(ctx, w, r, page, listPageSize)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if !seen[p.ID] {
				seen[p.ID] = true
				out = append(out, p)
			}
		}
		if len(ps) < listPageSize {
			return out, nil
		}
	}
	return nil, opErr("TransactionList", fmt.Errorf("more than %d pages; narrow the dates", maxListPages))
}

// listOnce reads one page. Dates are whole days of r.From's zone, sent as
// dd/MM/yyyy with that zone's offset as timeZone, so the platform's day
// boundaries and the times it returns are in it (§2 applyTimeZone).
func (c *Client) listOnce(ctx context.Context, w checksumWire, r TransactionListRequest, page, size int) ([]Payment, error) {
	zone, offset := listZone(r)
	cl := &call{name: "TransactionList", zone: zone}
	var f form.Form
	w.authenticate(&f)
	f.Add("pagination.pageno", fmt.Sprint(page))
	f.Add("pagination.records", fmt.Sprint(size))
	if !r.From.IsZero() {
		f.Add("pagination.fromdate", r.From.In(zone).Format("02/01/2006"))
		f.Add("pagination.todate", r.To.In(zone).Format("02/01/2006"))
	}
	if r.Status != "" {
		f.Add("status", r.Status)
	}
	if r.PaymentID != "" {
		f.Add("paymentId", r.PaymentID)
	}
	f.Add("timeZone", offset)
	c.preparePost(cl, checksumRoot+"/getTransactionList", &f, false)
	ex, err := c.read(ctx, cl)
	if err != nil {
		return nil, err
	}
	return c.listPage(ex, cl)
}

// listZone is the zone a list is asked in: r.From's, as a fixed offset,
// or UTC without dates.
func listZone(r TransactionListRequest) (*time.Location, string) {
	if r.From.IsZero() {
		return time.UTC, "+00:00"
	}
	_, secs := r.From.Zone()
	loc := time.FixedZone("", secs)
	return loc, time.Date(2000, 1, 1, 0, 0, 0, 0, loc).Format("-07:00")
}

// listPage settles a list answer (§4): success (00029) with rows under
// transaction, an array or, for one row, the bare row; no rows is an
// error envelope (SYS_NO_RECORD_FOUND), whose number no source gives, so
// a refusal is taken for "no rows" only when it says so in a way the SDK
// recognises (recordNotFound); any other refusal stays a *ResultError.
func (c *Client) listPage(ex *transport.Exchange, cl *call) ([]Payment, error) {
	ps, _, err := c.list(ex, cl)
	var re *ResultError
	if errors.As(err, &re) && recordNotFound(re.Result) {
		return []Payment{}, nil
	}
	return ps, err
}

// recordNotFound recognises the platform's "no record" answers: 10026
// ("Your record not found.", D3), or a refusal whose description says no
// record was found.
func recordNotFound(r Result) bool {
	if r.Code == checksumNotFound {
		return true
	}
	d := strings.ToLower(r.Description)
	return strings.Contains(d, "no record") || strings.Contains(d, "record not found")
}
