package backofficetest

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/shopspring/decimal"
)

// The checksum (transactionServices) variant. It answers HTTP 200 to
// everything it understood, refusals included, and an HTML page with HTTP
// 401 to a wrong member id or checksum.

const (
	checksumTimeLayout = "2006-01-02 15:04:05" // no zone: UTC
	checksumDayLayout  = "02/01/2006"
)

var checksumAmountPattern = regexp.MustCompile(`^[0-9]{1,12}\.[0-9]{2}$`)

// checksumRecord is the variant's payment record, in answers and lists.
type checksumRecord struct {
	PaymentID             string         `json:"paymentId"`
	PaymentType           string         `json:"paymentType,omitempty"`
	Status                string         `json:"status"`
	TransactionStatus     string         `json:"transactionStatus"` // Y succeeded, N refused, P uncertain
	Amount                string         `json:"amount,omitempty"`
	Currency              string         `json:"currency,omitempty"`
	MerchantTransactionID string         `json:"merchantTransactionId,omitempty"`
	Result                checksumResult `json:"result"`
	Timestamp             string         `json:"timestamp"`
}

type checksumList struct {
	Result       checksumResult   `json:"result"`
	Transactions []checksumRecord `json:"transactions"`
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

func checksumUnauthorized() answer {
	return htmlAnswer(http.StatusUnauthorized, "<html><head><title>401 Unauthorized</title></head>"+
		"<body><h1>Authentication failed</h1><p>Invalid member id or checksum.</p></body></html>")
}

// checksumPayment serves POST /transactionServices/REST/v1/payments/{paymentID}:
// CP, RF, RV (full, on a PA only) and IN.
func (s *Server) checksumPayment(form url.Values, paymentID string, commit bool) answer {
	typ, amount := form.Get("paymentType"), form.Get("amount")
	signed := []string{paymentID}
	if typ == string(cp) || typ == string(rf) {
		signed = append(signed, amount)
	}
	if !s.checksumAuthorized(form, signed...) {
		return checksumUnauthorized()
	}
	mtid := form.Get("merchantTransactionId")
	switch backoffice.PaymentType(typ) {
	case cp, rf:
		if !checksumAmountPattern.MatchString(amount) {
			return s.checksumParameterRefusal(paymentID, typ, "amount")
		}
		op := operation{typ: backoffice.PaymentType(typ), refID: paymentID, amount: decimal.RequireFromString(amount), mtid: mtid}
		if op.amount.IsZero() {
			return s.checksumParameterRefusal(paymentID, typ, "amount")
		}
		return s.checksumBook(op, commit)
	case rv:
		op := operation{typ: rv, refID: paymentID, full: true, mtid: mtid, targets: []backoffice.PaymentType{pa}}
		return s.checksumBook(op, commit)
	case backoffice.PaymentTypeInquiry:
		if form.Get("idType") != "PID" {
			return s.checksumParameterRefusal(paymentID, typ, "idType")
		}
		return jsonAnswer(http.StatusOK, s.ledger.inquiry(paymentID, s.now()))
	}
	return s.checksumParameterRefusal(paymentID, typ, "paymentType")
}

// checksumBook applies op and answers with its record.
func (s *Server) checksumBook(op operation, commit bool) answer {
	rec := s.ledger.apply(op, s.now(), s.bearer.EntityID, commit)
	result := checksumRefusal(rec.Code)
	if rec.booked {
		result = checksumSuccess(rec.Type)
	}
	s.ledger.mu.Lock()
	status := s.ledger.status(rec)
	s.ledger.mu.Unlock()
	return jsonAnswer(http.StatusOK, newChecksumRecord(rec, status, result))
}

func newChecksumRecord(rec *record, status string, result checksumResult) checksumRecord {
	c := checksumRecord{
		PaymentID:             rec.ID,
		PaymentType:           string(rec.Type),
		Status:                status,
		TransactionStatus:     "Y",
		Currency:              rec.Currency,
		MerchantTransactionID: rec.MerchantTransactionID,
		Result:                result,
		Timestamp:             rec.At.Format(checksumTimeLayout),
	}
	if !rec.booked {
		c.TransactionStatus = "N"
	}
	if !rec.Amount.IsZero() {
		c.Amount = rec.Amount.StringFixed(2)
	}
	return c
}

// inquiry returns the record of payment id with its current status, or a
// "record not found" refusal stamped now.
func (l *ledger) inquiry(id string, now time.Time) checksumRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	rec := l.byID[id]
	if rec == nil {
		return unrecorded(id, string(backoffice.PaymentTypeInquiry), checksumRefusal(codeNotFound), now)
	}
	return newChecksumRecord(rec, l.status(rec), checksumFound)
}

// checksumParameterRefusal refuses a request whose parameter name is
// missing or malformed. Nothing is recorded.
func (s *Server) checksumParameterRefusal(paymentID, typ, name string) answer {
	result := checksumRefusal(codeInvalidParameter)
	result.Description += ": " + name
	return jsonAnswer(http.StatusOK, unrecorded(paymentID, typ, result, s.now()))
}

// unrecorded is the record of a refusal that created no payment: it names
// the payment the request was about.
func unrecorded(paymentID, typ string, result checksumResult, now time.Time) checksumRecord {
	return checksumRecord{PaymentID: paymentID, PaymentType: typ, Status: "failed", TransactionStatus: "N",
		Result: result, Timestamp: now.UTC().Format(checksumTimeLayout)}
}

// checksumFault answers a transport-level refusal (throttling, busy
// payment, uncertain outcome) in the variant's words.
func (s *Server) checksumFault(paymentID, typ string, code backoffice.ResultCode) answer {
	c := unrecorded(paymentID, typ, checksumRefusal(code), s.now())
	if code == codeUncertain {
		// Neither success nor failure: the outcome is what is unknown.
		c.Status, c.TransactionStatus = "begun", ""
	}
	return jsonAnswer(http.StatusOK, c)
}

// checksumTransactionList serves POST /transactionServices/REST/v1/getTransactionList:
// every booked entry whose time falls within the whole UTC days from
// pagination.fromdate to pagination.todate, optionally only those whose
// current status is status.
func (s *Server) checksumTransactionList(form url.Values) answer {
	if !s.checksumAuthorized(form) {
		return checksumUnauthorized()
	}
	from, errFrom := time.Parse(checksumDayLayout, form.Get("pagination.fromdate"))
	to, errTo := time.Parse(checksumDayLayout, form.Get("pagination.todate"))
	switch {
	case errFrom != nil:
		return checksumListRefusal(codeInvalidParameter, "pagination.fromdate")
	case errTo != nil || to.Before(from):
		return checksumListRefusal(codeInvalidParameter, "pagination.todate")
	}
	records := s.ledger.list(from, to.AddDate(0, 0, 1), form.Get("status"))
	if len(records) == 0 {
		return checksumListRefusal(codeNotFound, "")
	}
	return jsonAnswer(http.StatusOK, checksumList{Result: checksumFound, Transactions: records})
}

func checksumListRefusal(code backoffice.ResultCode, parameter string) answer {
	result := checksumRefusal(code)
	if parameter != "" {
		result.Description += ": " + parameter
	}
	return jsonAnswer(http.StatusOK, checksumList{Result: result, Transactions: []checksumRecord{}})
}

// list returns the records of booked entries with from <= At < end and,
// unless status is "", that status, in booking order.
func (l *ledger) list(from, end time.Time, status string) []checksumRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []checksumRecord
	for _, rec := range l.records {
		if !rec.booked || rec.At.Before(from) || !rec.At.Before(end) {
			continue
		}
		st := l.status(rec)
		if status != "" && st != status {
			continue
		}
		out = append(out, newChecksumRecord(rec, st, checksumSuccess(rec.Type)))
	}
	return out
}
