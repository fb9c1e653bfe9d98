package backofficetest

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/shopspring/decimal"
)

// The checksum (transactionServices) platform as its server source and
// documentation show it (the SDK's CHECKSUM-PLATFORM.md): every answer it
// writes is JSON with HTTP 200, refusals included; captures, refunds and
// reversals change the original payment and answer only its paymentId,
// a result and a timestamp; the payment ids are numeric tracking ids.

const (
	checksumTimeLayout = "2006-01-02 15:04:05" // no zone: the server's, UTC here unless timeZone says otherwise
	checksumListLayout = "2006-01-02 15:04:05.0"
	checksumDayLayout  = "02/01/2006"
)

var checksumAmountPattern = regexp.MustCompile(`^[0-9]{1,10}\.[0-9]{2}$`)

// checksumOpAnswer is the answer to CP, RF and RV, success or refusal.
type checksumOpAnswer struct {
	PaymentID string         `json:"paymentId,omitempty"`
	Result    checksumResult `json:"result"`
	Timestamp string         `json:"timestamp,omitempty"`
}

// checksumInquiry is the IN answer: no paymentType, the long status and
// the short transactionStatus, the original payment's amount.
type checksumInquiry struct {
	PaymentID             string         `json:"paymentId"`
	Status                string         `json:"status"`
	TransactionStatus     string         `json:"transactionStatus"`
	PaymentBrand          string         `json:"paymentBrand"`
	Amount                string         `json:"amount"`
	Currency              string         `json:"currency"`
	MerchantTransactionID string         `json:"merchantTransactionId,omitempty"`
	RefundAmount          string         `json:"refundAmount,omitempty"` // only when reversed
	Result                checksumResult `json:"result"`
	Card                  checksumCard   `json:"card"`
	Timestamp             string         `json:"timestamp"` // of the inquiry
}

type checksumCard struct {
	Bin            string `json:"bin"`
	LastFourDigits string `json:"lastFourDigits"`
	Holder         string `json:"holder"`
	ExpiryMonth    string `json:"expiryMonth"`
	ExpiryYear     string `json:"expiryYear"`
}

// checksumRow is one row of getTransactionList: the long status sits in
// transactionStatus; no status, no paymentType, no result.
type checksumRow struct {
	SystemPaymentID       string `json:"systemPaymentId"`
	MerchantTransactionID string `json:"merchantTransactionId,omitempty"`
	Amount                string `json:"amount"`
	Currency              string `json:"currency"`
	TransactionStatus     string `json:"transactionStatus"`
	CaptureAmount         string `json:"captureamount"`
	RefundAmount          string `json:"refundamount"`
	Date                  string `json:"date"`            // last modified
	TransactionDate       string `json:"transactionDate"` // created
	PaymentBrand          string `json:"paymentBrand,omitempty"`
}

// checksumAuthorized reports whether form carries the server's member id
// and the checksum of fields under the server's secure key, comparing both
// in constant time.
func (s *Server) checksumAuthorized(form url.Values, fields ...string) bool {
	want := backoffice.Checksum(s.checksum.MemberID, s.checksum.SecureKey, fields...)
	memberOK := subtle.ConstantTimeCompare([]byte(form.Get("authentication.memberId")), []byte(s.checksum.MemberID))
	sumOK := subtle.ConstantTimeCompare([]byte(form.Get("authentication.checksum")), []byte(want))
	return memberOK&sumOK == 1
}

// checksumRefused is a request-level refusal, JSON with HTTP 200 as the
// platform writes it.
func checksumRefused(r checksumResult) answer {
	return jsonAnswer(http.StatusOK, checksumOpAnswer{Result: r})
}

// checksumGate checks what every call needs: the AuthToken (unless the
// server was made not to enforce it) and the checksum. It returns the
// refusal, or ok.
func (s *Server) checksumGate(r *http.Request, form url.Values, fields ...string) (answer, bool) {
	if !s.tokens.valid(r.Header.Get("AuthToken"), s.now()) {
		return checksumRefused(checksumAuthTokenFailed), false
	}
	if !s.checksumAuthorized(form, fields...) {
		return checksumRefused(checksumInvalidChecksum), false
	}
	return answer{}, true
}

// checksumPayment serves POST /transactionServices/REST/v1/payments/{paymentID}:
// CP, RF, RV (full, on an uncaptured PA only) and IN.
func (s *Server) checksumPayment(r *http.Request, form url.Values, paymentID string, commit bool) answer {
	typ, amount := form.Get("paymentType"), form.Get("amount")
	if (typ == string(cp) || typ == string(rf)) && !checksumAmountPattern.MatchString(amount) {
		return checksumRefused(checksumInvalidAmount) // the amount is checked before the checksum
	}
	signed := []string{paymentID}
	if typ == string(cp) || typ == string(rf) {
		signed = append(signed, amount)
	}
	if a, ok := s.checksumGate(r, form, signed...); !ok {
		return a
	}
	if typ == string(backoffice.PaymentTypeInquiry) {
		return s.checksumInquire(form, paymentID)
	}
	rec := s.ledger.byTrackingID(paymentID)
	if rec == nil || !rec.booked || (rec.Type != pa && rec.Type != db) {
		if typ == string(cp) {
			return checksumRefused(checksumInvalidTransaction)
		}
		return checksumRefused(checksumInvalidTrackingID)
	}
	switch backoffice.PaymentType(typ) {
	case cp:
		op := operation{typ: cp, refID: rec.ID, amount: decimal.RequireFromString(amount)}
		return s.checksumBook(op, paymentID, commit)
	case rf:
		op := operation{typ: rf, refID: rec.ID, amount: decimal.RequireFromString(amount)}
		return s.checksumBook(op, paymentID, commit)
	case rv:
		op := operation{typ: rv, refID: rec.ID, full: true, targets: []backoffice.PaymentType{pa}}
		return s.checksumBook(op, paymentID, commit)
	}
	return checksumRefused(checksumInvalidPaymentType)
}

// checksumBook applies op, under the platform's state rules: CP and RV
// need an authsuccessful PA (so an uncaptured, unreversed one), RF a
// captured payment with something left to refund. It answers the thin
// answer naming the original payment.
func (s *Server) checksumBook(op operation, trackingID string, commit bool) answer {
	s.ledger.mu.Lock()
	target := s.ledger.byID[op.refID]
	status := s.ledger.status(target)
	s.ledger.mu.Unlock()
	if (op.typ == cp || op.typ == rv) && status != "authsuccessful" {
		return checksumRefused(checksumWrongState)
	}
	rec := s.ledger.apply(op, s.now(), s.bearer.EntityID, commit)
	if !rec.booked {
		switch rec.Code {
		case codeCannotRefund, codeRefundWorkflow, codeCannotCapture:
			if op.typ == rf && rec.Code == codeCannotRefund {
				return checksumRefused(checksumOverRefund)
			}
			if op.typ == cp {
				return checksumRefused(checksumExcessCapture)
			}
		}
		return checksumRefused(checksumWrongState)
	}
	return jsonAnswer(http.StatusOK, checksumOpAnswer{PaymentID: trackingID, Result: checksumSuccess(op.typ),
		Timestamp: s.now().UTC().Format(checksumTimeLayout)})
}

// checksumInquire answers IN, by tracking id (idType PID, the default) or
// by the original payment's merchantTransactionId (idType MID).
func (s *Server) checksumInquire(form url.Values, id string) answer {
	var rec *record
	switch form.Get("idType") {
	case "", "PID":
		rec = s.ledger.byTrackingID(id)
	case "MID":
		for _, r := range s.ledger.withMTID(id) {
			if r.Type == pa || r.Type == db {
				rec = r
			}
		}
	default:
		return checksumRefused(checksumInvalidIDType)
	}
	if rec == nil || (rec.Type != pa && rec.Type != db) {
		return checksumRefused(checksumRefusals[codeNotFound])
	}
	s.ledger.mu.Lock()
	defer s.ledger.mu.Unlock()
	status := s.ledger.status(rec)
	short := shortStatus(status)
	result := checksumSucceeded
	switch short {
	case "N":
		result = checksumResult{"10001", "Transaction declined by authorization system."}
	case "P":
		result = checksumResult{"10004", "Transaction is pending"}
	}
	in := checksumInquiry{PaymentID: rec.TrackingID, Status: status, TransactionStatus: short, PaymentBrand: rec.brand,
		Amount: rec.Amount.StringFixed(2), Currency: rec.Currency, MerchantTransactionID: rec.MerchantTransactionID,
		Result: result, Timestamp: s.now().UTC().Format(checksumTimeLayout)}
	if rec.card != nil {
		in.Card = checksumCard{Bin: rec.card.Bin, LastFourDigits: rec.card.Last4Digits, Holder: rec.card.Holder,
			ExpiryMonth: rec.card.ExpiryMonth, ExpiryYear: rec.card.ExpiryYear}
	}
	if status == "reversed" {
		in.RefundAmount = s.ledger.refunded(rec).StringFixed(2)
	}
	return jsonAnswer(http.StatusOK, in)
}

// shortStatus is the inquiry's transactionStatus for a long status.
func shortStatus(long string) string {
	switch long {
	case "authsuccessful", "capturesuccess", "settled", "markedforreversal", "reversed", "chargeback",
		"payoutsuccessful", "authcancelled":
		return "Y"
	case "begun", "authstarted", "capturestarted", "payoutstarted":
		return "P"
	case "cancelled":
		return "C"
	}
	return "N"
}

// checksumFault answers a transport-level refusal (throttling, busy
// payment, uncertain outcome) in the platform's envelope.
func (s *Server) checksumFault(paymentID string, code backoffice.ResultCode) answer {
	return jsonAnswer(http.StatusOK, checksumOpAnswer{PaymentID: paymentID, Result: checksumRefusal(code),
		Timestamp: s.now().UTC().Format(checksumTimeLayout)})
}

// checksumTransactionList serves POST …/getTransactionList: the original
// payments (PA, DB) selected by paymentId, status and, when both dates are
// given, last-modified day (whole days in timeZone, UTC without), newest
// first, paged by pagination.pageno and pagination.records (no records:
// every row). One row is written as a bare object, as the platform's
// Jersey JSON does; no rows is the "no record" refusal.
func (s *Server) checksumTransactionList(r *http.Request, form url.Values) answer {
	if a, ok := s.checksumGate(r, form); !ok {
		return a
	}
	zone := time.UTC
	if tz := form.Get("timeZone"); tz != "" {
		t, err := time.Parse("-07:00", tz)
		if err != nil {
			return checksumRefused(checksumInvalidParameter("timeZone"))
		}
		_, off := t.Zone()
		zone = time.FixedZone("", off)
	}
	var from, end time.Time
	if fd, td := form.Get("pagination.fromdate"), form.Get("pagination.todate"); fd != "" && td != "" {
		f, errF := time.ParseInLocation(checksumDayLayout, fd, zone)
		t, errT := time.ParseInLocation(checksumDayLayout, td, zone)
		if errF != nil || errT != nil || t.Before(f) {
			return checksumRefused(checksumInvalidParameter("pagination.fromdate/todate"))
		}
		from, end = f, t.AddDate(0, 0, 1)
	}
	page, size := 1, 0
	if v := form.Get("pagination.pageno"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return htmlAnswer(http.StatusBadRequest, "<html><body>Bad Request</body></html>") // the container's
		}
		page = max(n, 1)
	}
	if v := form.Get("pagination.records"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return htmlAnswer(http.StatusBadRequest, "<html><body>Bad Request</body></html>")
		}
		size = n
	}
	rows := s.ledger.rows(zone, from, end, form.Get("status"), form.Get("paymentId"))
	if size > 0 {
		lo := min((page-1)*size, len(rows))
		rows = rows[lo:min(lo+size, len(rows))]
	}
	switch len(rows) {
	case 0:
		return jsonAnswer(http.StatusOK, checksumOpAnswer{PaymentID: "-", Result: checksumNoRecord})
	case 1:
		return jsonAnswer(http.StatusOK, struct {
			Result      checksumResult `json:"result"`
			Transaction checksumRow    `json:"transaction"`
		}{checksumListed, rows[0]})
	}
	return jsonAnswer(http.StatusOK, struct {
		Result      checksumResult `json:"result"`
		Transaction []checksumRow  `json:"transaction"`
	}{checksumListed, rows})
}

// rows returns the list rows of booked original payments, newest first.
func (l *ledger) rows(zone *time.Location, from, end time.Time, status, paymentID string) []checksumRow {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []checksumRow
	for _, rec := range slices.Backward(l.records) {
		if !rec.booked || (rec.Type != pa && rec.Type != db) {
			continue
		}
		if paymentID != "" && rec.TrackingID != paymentID {
			continue
		}
		modified := l.modified(rec)
		if !from.IsZero() && (modified.Before(from) || !modified.Before(end)) {
			continue
		}
		st := l.status(rec)
		if status != "" && st != status {
			continue
		}
		out = append(out, checksumRow{SystemPaymentID: rec.TrackingID, MerchantTransactionID: rec.MerchantTransactionID,
			Amount: rec.Amount.StringFixed(2), Currency: rec.Currency, TransactionStatus: st,
			CaptureAmount: l.captured(rec).StringFixed(2), RefundAmount: l.refunded(rec).StringFixed(2),
			Date: modified.In(zone).Format(checksumListLayout), TransactionDate: rec.At.In(zone).Format(checksumListLayout),
			PaymentBrand: rec.brand})
	}
	return out
}

// The helpers below read the ledger with l.mu held.

// captured is a payment's captureamount: a DB's amount, a PA's captures.
func (l *ledger) captured(rec *record) decimal.Decimal {
	if rec.Type == db {
		return rec.Amount
	}
	return l.sum(rec.ID, cp)
}

// refunded is a payment's refundamount: its refunds and its captures'.
func (l *ledger) refunded(rec *record) decimal.Decimal {
	total := l.sum(rec.ID, rf)
	for _, c := range l.children[rec.ID] {
		if c.Type == cp {
			total = total.Add(l.sum(c.ID, rf))
		}
	}
	return total
}

// modified is when a payment last changed: its own booking or the latest
// operation on it.
func (l *ledger) modified(rec *record) time.Time {
	at := rec.At
	for _, c := range l.children[rec.ID] {
		if c.At.After(at) {
			at = c.At
		}
		for _, g := range l.children[c.ID] {
			if g.At.After(at) {
				at = g.At
			}
		}
	}
	return at
}

// byTrackingID returns the record with the checksum platform's id, or nil.
func (l *ledger) byTrackingID(id string) *record {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.byTracking[id]
}

// TrackingID returns the checksum platform's numeric id of the payment id
// (an id Preauthorize, Debit or Seed returned), or "" when there is none.
// Checksum clients address payments by it.
func (s *Server) TrackingID(id string) string {
	rec := s.ledger.find(id)
	if rec == nil {
		return ""
	}
	return rec.TrackingID
}

// The AuthToken endpoint: POST …/authToken with authentication.partnerId,
// merchant.username and authentication.sKey answers a JWT-shaped token
// with an exp claim, valid for the server's token lifetime (one hour
// unless WithAuthTokenLifetime says otherwise).

// tokens is a Server's issued tokens.
type tokens struct {
	enforce  bool
	lifetime time.Duration
	mu       sync.Mutex
	issued   map[string]time.Time // token → expiry
	count    int
}

func newTokens(enforce bool, lifetime time.Duration) *tokens {
	if lifetime <= 0 {
		lifetime = time.Hour
	}
	return &tokens{enforce: enforce, lifetime: lifetime, issued: map[string]time.Time{}}
}

// valid reports whether a call carrying token may proceed.
func (t *tokens) valid(token string, now time.Time) bool {
	if !t.enforce {
		return true
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	exp, ok := t.issued[token]
	return ok && now.Before(exp)
}

func (t *tokens) issue(now time.Time) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	exp := now.Add(t.lifetime)
	enc := base64.RawURLEncoding
	claims := fmt.Sprintf(`{"sub":"backofficetest","exp":%.3f}`, float64(exp.UnixNano())/1e9)
	tok := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc.EncodeToString([]byte(claims)) + "." +
		enc.EncodeToString(randomBytes(32))
	t.issued[tok] = exp
	t.count++
	return tok
}

// checksumAuthToken serves POST …/authToken.
func (s *Server) checksumAuthToken(form url.Values) answer {
	ok := subtle.ConstantTimeCompare([]byte(form.Get("authentication.partnerId")), []byte(s.checksum.PartnerID)) &
		subtle.ConstantTimeCompare([]byte(form.Get("merchant.username")), []byte(s.checksum.Username)) &
		subtle.ConstantTimeCompare([]byte(form.Get("authentication.sKey")), []byte(s.checksum.SecureKey))
	if ok != 1 {
		return checksumRefused(checksumAuthFailed)
	}
	now := s.now()
	return jsonAnswer(http.StatusOK, struct {
		PartnerID string         `json:"partnerId"`
		MemberID  string         `json:"memberId"`
		Result    checksumResult `json:"result"`
		Timestamp string         `json:"timestamp"`
		LoginName string         `json:"LoginName"`
		AuthToken string         `json:"AuthToken"`
	}{s.checksum.PartnerID, s.checksum.MemberID, checksumResult{"200", "Token generated successfully"},
		now.UTC().Format(checksumTimeLayout), s.checksum.Username, s.tokens.issue(now)})
}

// AuthTokensIssued returns how many tokens the authToken endpoint issued.
func (s *Server) AuthTokensIssued() int {
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	return s.tokens.count
}

// WithAuthTokenLifetime makes the checksum platform's tokens expire d
// after they are issued instead of after one hour, so tests can watch a
// client renew them.
func WithAuthTokenLifetime(d time.Duration) Option {
	return func(c *config) { c.tokenLifetime = d }
}

// WithoutAuthToken makes the checksum platform accept calls without an
// AuthToken header, as deployments that do not enforce it do. By default
// every checksum call needs a valid token, as the platform's documentation
// says.
func WithoutAuthToken() Option {
	return func(c *config) { c.noAuthToken = true }
}
