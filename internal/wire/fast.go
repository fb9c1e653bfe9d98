package wire

import (
	"encoding/json"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The single-pass decoder of Decode and DecodeRecord. It reads the body once,
// checking the JSON grammar exactly as encoding/json's scanner does, and
// fills a Payment directly: no reflection, no intermediate tree. It decodes
// only what it can decode exactly as encoding/json would; anything else
// (a refused body, a value of the wrong type, a duplicate field, a key
// written with escapes or non-ASCII letters, nesting deeper than fastMaxDepth)
// makes it give up, and the caller decodes the body with encoding/json, so
// that refusals and their errors stay those of encoding/json.
//
// Strings are gathered in one allocation: their spans are noted during the
// pass, and at the end copied (unescaped) into a single string that the
// fields slice. The raw fields (risk, customer, lists...) likewise share one
// byte slice, each capped so that an append cannot run into its neighbour.
// Payment and Result are allocated together. So a typical answer costs three
// allocations, and nothing of the body is kept.

// fastMaxDepth bounds the nesting the decoder follows; deeper bodies go to
// encoding/json (which refuses beyond 10000).
const fastMaxDepth = 512

type strSpan struct {
	dst        *string
	start, end int  // the bytes to copy: a string's contents, or a verbatim value
	esc        bool // contents hold escapes to decode
}

type rawSpan struct {
	dst        *json.RawMessage
	start, end int
}

// decoder is the state of one pass. Since a duplicate field gives up, each
// string field of Payment, Result and Card is noted at most once: 22 + 2 + 6.
type decoder struct {
	data []byte
	pos  int
	nstr int
	nraw int
	strs [30]strSpan
	raws [7]rawSpan
}

// decodeFast decodes body as encoding/json would decode it into a Payment,
// and reports whether it could; body must be valid UTF-8.
func decodeFast(body []byte) (*Payment, bool) {
	d := decoder{data: body}
	d.ws()
	if !d.peek('{') {
		return nil, false
	}
	pr := new(struct {
		p Payment
		r Result
	})
	if !d.payment(&pr.p, &pr.r) {
		return nil, false
	}
	d.ws()
	if d.pos != len(d.data) {
		return nil, false
	}
	d.finish()
	return &pr.p, true
}

func (d *decoder) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) peek(c byte) bool { return d.pos < len(d.data) && d.data[d.pos] == c }

// Field numbers of Payment, for the duplicate check.
const (
	fID = iota
	fPaymentID
	fReferencedID
	fPaymentType
	fPaymentBrand
	fAmount
	fCurrency
	fDescriptor
	fMerchantTransactionID
	fResult
	fResultDetails
	fCard
	fBuildNumber
	fTimestamp
	fNDC
	fStatus
	fTransactionStatus
	fSystemPaymentID
	fTransactionDate
	fCaptureAmount
	fRefundAmount
	fRegistrationID
	fShortID
	fSource
	fPaymentMethod
	fRisk
	fCustomer
	fCustomParameters
	fPayments
	fTransactions
	fTransaction
	fTransactionList
)

// An object is walked as
//
//	if !d.open() { return true } // {}
//	for { key, ok := d.key(&buf); ...read the value...; if more, ok := d.next(); !more { return ok } }
//
// key folds the key to lower case (nil for a key too long to match a
// field). A key with escapes or non-ASCII bytes gives up: encoding/json
// would unescape it and fold it by Unicode rules, which this does not
// replicate.

// open consumes the '{' at d.pos and reports whether a member follows.
func (d *decoder) open() bool {
	d.pos++
	d.ws()
	if d.peek('}') {
		d.pos++
		return false
	}
	return true
}

// key reads a member's key, its colon and the space after it.
func (d *decoder) key(buf *[24]byte) ([]byte, bool) {
	if !d.peek('"') {
		return nil, false
	}
	n := 0
	i := d.pos + 1
	for ; i < len(d.data); i++ {
		c := d.data[i]
		if c == '"' {
			break
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			return nil, false
		}
		if n < len(buf) {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[n] = c
		}
		n++
	}
	if i == len(d.data) {
		return nil, false
	}
	d.pos = i + 1
	d.ws()
	if !d.peek(':') {
		return nil, false
	}
	d.pos++
	d.ws()
	if n > len(buf) {
		return nil, true
	}
	return buf[:n], true
}

// next consumes what follows a member's value: more reports a ',' (another
// member follows), ok a well-formed end.
func (d *decoder) next() (more, ok bool) {
	d.ws()
	if d.pos >= len(d.data) {
		return false, false
	}
	switch d.data[d.pos] {
	case ',':
		d.pos++
		d.ws()
		return true, true
	case '}':
		d.pos++
		return false, true
	}
	return false, false
}

func (d *decoder) payment(p *Payment, r *Result) bool {
	if !d.open() {
		return true
	}
	var seen uint64
	var buf [24]byte
	for {
		key, ok := d.key(&buf)
		if !ok || !d.paymentMember(p, r, &seen, key) {
			return false
		}
		if more, ok := d.next(); !more {
			return ok
		}
	}
}

func (d *decoder) paymentMember(p *Payment, r *Result, seen *uint64, key []byte) bool {
	f := -1
	switch string(key) {
	case "id":
		f = fID
	case "paymentid":
		f = fPaymentID
	case "referencedid":
		f = fReferencedID
	case "paymenttype":
		f = fPaymentType
	case "paymentbrand":
		f = fPaymentBrand
	case "amount":
		f = fAmount
	case "currency":
		f = fCurrency
	case "descriptor":
		f = fDescriptor
	case "merchanttransactionid":
		f = fMerchantTransactionID
	case "result":
		f = fResult
	case "resultdetails":
		f = fResultDetails
	case "card":
		f = fCard
	case "buildnumber":
		f = fBuildNumber
	case "timestamp":
		f = fTimestamp
	case "ndc":
		f = fNDC
	case "status":
		f = fStatus
	case "transactionstatus":
		f = fTransactionStatus
	case "systempaymentid":
		f = fSystemPaymentID
	case "transactiondate":
		f = fTransactionDate
	case "captureamount":
		f = fCaptureAmount
	case "refundamount":
		f = fRefundAmount
	case "registrationid":
		f = fRegistrationID
	case "shortid":
		f = fShortID
	case "source":
		f = fSource
	case "paymentmethod":
		f = fPaymentMethod
	case "risk":
		f = fRisk
	case "customer":
		f = fCustomer
	case "customparameters":
		f = fCustomParameters
	case "payments":
		f = fPayments
	case "transactions":
		f = fTransactions
	case "transaction":
		f = fTransaction
	case "transactionlist":
		f = fTransactionList
	default:
		return d.skip(1)
	}
	if *seen&(1<<f) != 0 {
		return false // encoding/json merges duplicates; leave that to it
	}
	*seen |= 1 << f
	switch f {
	case fID:
		return d.strValue((*string)(&p.ID))
	case fPaymentID:
		return d.strValue((*string)(&p.PaymentID))
	case fReferencedID:
		return d.stringValue(&p.ReferencedID)
	case fPaymentType:
		return d.stringValue(&p.PaymentType)
	case fPaymentBrand:
		return d.stringValue(&p.PaymentBrand)
	case fAmount:
		return d.strValue((*string)(&p.Amount))
	case fCurrency:
		return d.stringValue(&p.Currency)
	case fDescriptor:
		return d.stringValue(&p.Descriptor)
	case fMerchantTransactionID:
		return d.stringValue(&p.MerchantTransactionID)
	case fResult:
		if d.null() {
			return true
		}
		if !d.peek('{') {
			return false
		}
		p.Result = r
		return d.result(r)
	case fResultDetails:
		return d.strMap(&p.ResultDetails)
	case fCard:
		if d.null() {
			return true
		}
		if !d.peek('{') {
			return false
		}
		p.Card = new(Card)
		return d.card(p.Card)
	case fBuildNumber:
		return d.stringValue(&p.BuildNumber)
	case fTimestamp:
		return d.stringValue(&p.Timestamp)
	case fNDC:
		return d.stringValue(&p.NDC)
	case fStatus:
		return d.stringValue(&p.Status)
	case fTransactionStatus:
		return d.strValue((*string)(&p.TransactionStatus))
	case fSystemPaymentID:
		return d.strValue((*string)(&p.SystemPaymentID))
	case fTransactionDate:
		return d.stringValue(&p.TransactionDate)
	case fCaptureAmount:
		return d.strValue((*string)(&p.CaptureAmount))
	case fRefundAmount:
		return d.strValue((*string)(&p.RefundAmount))
	case fRegistrationID:
		return d.stringValue(&p.RegistrationID)
	case fShortID:
		return d.stringValue(&p.ShortID)
	case fSource:
		return d.stringValue(&p.Source)
	case fPaymentMethod:
		return d.stringValue(&p.PaymentMethod)
	case fRisk:
		return d.rawValue(&p.Risk)
	case fCustomer:
		return d.rawValue(&p.Customer)
	case fCustomParameters:
		return d.rawValue(&p.CustomParameters)
	case fPayments:
		return d.rawValue(&p.Payments)
	case fTransactions:
		return d.rawValue(&p.Transactions)
	case fTransaction:
		return d.rawValue(&p.Transaction)
	default: // fTransactionList
		return d.rawValue(&p.TransactionList)
	}
}

func (d *decoder) result(r *Result) bool {
	if !d.open() {
		return true
	}
	var seen uint8
	var buf [24]byte
	for {
		key, ok := d.key(&buf)
		if !ok || !d.resultMember(r, &seen, key) {
			return false
		}
		if more, ok := d.next(); !more {
			return ok
		}
	}
}

func (d *decoder) resultMember(r *Result, seen *uint8, key []byte) bool {
	var f uint8
	switch string(key) {
	case "code":
		f = 1
	case "description":
		f = 2
	case "parametererrors":
		f = 4
	default:
		return d.skip(2)
	}
	if *seen&f != 0 {
		return false
	}
	*seen |= f
	switch f {
	case 1:
		return d.strValue((*string)(&r.Code))
	case 2:
		return d.stringValue(&r.Description)
	}
	return d.parameterErrors(&r.ParameterErrors)
}

func (d *decoder) card(c *Card) bool {
	if !d.open() {
		return true
	}
	var seen uint8
	var buf [24]byte
	for {
		key, ok := d.key(&buf)
		if !ok || !d.cardMember(c, &seen, key) {
			return false
		}
		if more, ok := d.next(); !more {
			return ok
		}
	}
}

func (d *decoder) cardMember(c *Card, seen *uint8, key []byte) bool {
	var f uint8
	var dst *string
	switch string(key) {
	case "bin":
		f, dst = 1, &c.Bin
	case "last4digits":
		f, dst = 2, &c.Last4Digits
	case "holder":
		f, dst = 4, &c.Holder
	case "expirymonth":
		f, dst = 8, &c.ExpiryMonth
	case "expiryyear":
		f, dst = 16, &c.ExpiryYear
	case "lastfourdigits":
		f, dst = 32, &c.LastFourDigits
	default:
		return d.skip(2)
	}
	if *seen&f != 0 {
		return false
	}
	*seen |= f
	return d.stringValue(dst)
}

// parameterErrors decodes the array (or null) at d.pos. Its strings are
// allocated one by one: the slice may still move while it grows, and such
// answers are refusals, not the hot path.
func (d *decoder) parameterErrors(dst *[]ParameterError) bool {
	if d.null() {
		return true
	}
	if !d.peek('[') {
		return false
	}
	d.pos++
	d.ws()
	list := []ParameterError{}
	if d.peek(']') {
		d.pos++
		*dst = list
		return true
	}
	for {
		var pe ParameterError
		if !d.null() {
			if !d.peek('{') || !d.parameterError(&pe) {
				return false
			}
		}
		list = append(list, pe)
		d.ws()
		if d.pos >= len(d.data) {
			return false
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
			d.ws()
		case ']':
			d.pos++
			*dst = list
			return true
		default:
			return false
		}
	}
}

func (d *decoder) parameterError(pe *ParameterError) bool {
	if !d.open() {
		return true
	}
	var seen uint8
	var buf [24]byte
	for {
		key, ok := d.key(&buf)
		if !ok || !d.parameterErrorMember(pe, &seen, key) {
			return false
		}
		if more, ok := d.next(); !more {
			return ok
		}
	}
}

func (d *decoder) parameterErrorMember(pe *ParameterError, seen *uint8, key []byte) bool {
	var f uint8
	switch string(key) {
	case "name":
		f = 1
	case "value":
		f = 2
	case "message":
		f = 4
	default:
		return d.skip(3)
	}
	if *seen&f != 0 {
		return false
	}
	*seen |= f
	start := d.pos
	if f == 2 {
		ok, esc, a, b := d.strSpan()
		if ok && b > a {
			pe.Value = Str(d.text(a, b, esc))
		}
		return ok
	}
	if d.null() {
		return true
	}
	if !d.peek('"') || !d.skipString() {
		return false
	}
	s := d.text(start+1, d.pos-1, d.hasEscape(start+1, d.pos-1))
	if f == 1 {
		pe.Name = s
	} else {
		pe.Message = s
	}
	return true
}

// strMap decodes a StrMap as its UnmarshalJSON does: null gives nil, an
// object a map (never nil) whose values are read as Str; keys are unescaped
// and matched exactly, the last of equal keys wins.
func (d *decoder) strMap(dst *StrMap) bool {
	if d.null() {
		return true
	}
	if !d.peek('{') {
		return false
	}
	m := StrMap{}
	d.pos++
	d.ws()
	if d.peek('}') {
		d.pos++
		*dst = m
		return true
	}
	for {
		if !d.peek('"') {
			return false
		}
		start := d.pos
		if !d.skipString() {
			return false
		}
		key := d.text(start+1, d.pos-1, d.hasEscape(start+1, d.pos-1))
		d.ws()
		if !d.peek(':') {
			return false
		}
		d.pos++
		d.ws()
		ok, esc, a, b := d.strSpan()
		if !ok {
			return false
		}
		m[key] = d.text(a, b, esc)
		d.ws()
		if d.pos >= len(d.data) {
			return false
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
			d.ws()
		case '}':
			d.pos++
			*dst = m
			return true
		default:
			return false
		}
	}
}

// text returns data[a:b] as a string, unescaped when esc.
func (d *decoder) text(a, b int, esc bool) string {
	if !esc {
		return string(d.data[a:b])
	}
	return string(appendUnescaped(make([]byte, 0, b-a), d.data[a:b]))
}

func (d *decoder) hasEscape(a, b int) bool {
	for _, c := range d.data[a:b] {
		if c == '\\' {
			return true
		}
	}
	return false
}

// null consumes a null literal at d.pos, if there is one.
func (d *decoder) null() bool {
	if d.pos+4 <= len(d.data) && string(d.data[d.pos:d.pos+4]) == "null" {
		d.pos += 4
		return true
	}
	return false
}

// stringValue reads a JSON string into dst, as encoding/json fills a string
// field; null leaves dst as it is; any other value gives up (encoding/json
// reports a type error).
func (d *decoder) stringValue(dst *string) bool {
	if d.null() {
		return true
	}
	if !d.peek('"') {
		return false
	}
	start := d.pos + 1
	ok, esc := d.scanString()
	if ok {
		d.note(dst, start, d.pos-1, esc)
	}
	return ok
}

// strValue reads any value into dst as Str.UnmarshalJSON does: a string's
// contents, a number's, boolean's, object's or array's bytes verbatim, and
// "" for null.
func (d *decoder) strValue(dst *string) bool {
	ok, esc, a, b := d.strSpan()
	if ok && b > a {
		d.note(dst, a, b, esc)
	}
	return ok
}

// strSpan scans the value at d.pos and returns the span Str takes from it
// (empty for null).
func (d *decoder) strSpan() (ok, esc bool, a, b int) {
	start := d.pos
	if d.peek('"') {
		ok, esc = d.scanString()
		return ok, esc, start + 1, d.pos - 1
	}
	if d.null() {
		return true, false, start, start
	}
	return d.skip(2), false, start, d.pos
}

func (d *decoder) rawValue(dst *json.RawMessage) bool {
	start := d.pos
	if !d.skip(1) {
		return false
	}
	d.raws[d.nraw] = rawSpan{dst, start, d.pos}
	d.nraw++
	return true
}

func (d *decoder) note(dst *string, a, b int, esc bool) {
	d.strs[d.nstr] = strSpan{dst, a, b, esc}
	d.nstr++
}

// finish gives the noted fields their values: the strings slice one string,
// the raw values one byte slice.
func (d *decoder) finish() {
	if d.nstr > 0 {
		n := 0
		for _, s := range d.strs[:d.nstr] {
			n += s.end - s.start
		}
		var sb strings.Builder
		sb.Grow(n)
		var buf []byte
		for i := range d.strs[:d.nstr] {
			s := &d.strs[i]
			a := sb.Len()
			if s.esc {
				buf = appendUnescaped(buf[:0], d.data[s.start:s.end])
				sb.Write(buf)
			} else {
				sb.Write(d.data[s.start:s.end])
			}
			s.start, s.end = a, sb.Len()
		}
		all := sb.String()
		for _, s := range d.strs[:d.nstr] {
			*s.dst = all[s.start:s.end]
		}
	}
	if d.nraw > 0 {
		n := 0
		for _, r := range d.raws[:d.nraw] {
			n += r.end - r.start
		}
		buf := make([]byte, n)
		at := 0
		for _, r := range d.raws[:d.nraw] {
			m := copy(buf[at:], d.data[r.start:r.end])
			*r.dst = buf[at : at+m : at+m]
			at += m
		}
	}
}

// skip scans one value of any kind, checking it as encoding/json's scanner
// does. depth is the nesting of the value.
func (d *decoder) skip(depth int) bool {
	if d.pos >= len(d.data) || depth > fastMaxDepth {
		return false
	}
	switch c := d.data[d.pos]; c {
	case '"':
		ok, _ := d.scanString()
		return ok
	case '{':
		d.pos++
		d.ws()
		if d.peek('}') {
			d.pos++
			return true
		}
		for {
			if !d.peek('"') {
				return false
			}
			if ok, _ := d.scanString(); !ok {
				return false
			}
			d.ws()
			if !d.peek(':') {
				return false
			}
			d.pos++
			d.ws()
			if !d.skip(depth + 1) {
				return false
			}
			d.ws()
			if d.pos >= len(d.data) {
				return false
			}
			switch d.data[d.pos] {
			case ',':
				d.pos++
				d.ws()
			case '}':
				d.pos++
				return true
			default:
				return false
			}
		}
	case '[':
		d.pos++
		d.ws()
		if d.peek(']') {
			d.pos++
			return true
		}
		for {
			if !d.skip(depth + 1) {
				return false
			}
			d.ws()
			if d.pos >= len(d.data) {
				return false
			}
			switch d.data[d.pos] {
			case ',':
				d.pos++
				d.ws()
			case ']':
				d.pos++
				return true
			default:
				return false
			}
		}
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	default:
		return d.number()
	}
}

func (d *decoder) literal(lit string) bool {
	if d.pos+len(lit) <= len(d.data) && string(d.data[d.pos:d.pos+len(lit)]) == lit {
		d.pos += len(lit)
		return true
	}
	return false
}

// number scans -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?; what
// follows is the caller's to check.
func (d *decoder) number() bool {
	data, i := d.data, d.pos
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && '1' <= data[i] && data[i] <= '9':
		for i++; i < len(data) && isDigit(data[i]); i++ {
		}
	default:
		return false
	}
	if i < len(data) && data[i] == '.' {
		i++
		if i >= len(data) || !isDigit(data[i]) {
			return false
		}
		for i++; i < len(data) && isDigit(data[i]); i++ {
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i >= len(data) || !isDigit(data[i]) {
			return false
		}
		for i++; i < len(data) && isDigit(data[i]); i++ {
		}
	}
	d.pos = i
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// scanString scans the string whose opening quote is at d.pos, leaving
// d.pos after its closing quote, and reports whether it is well formed
// (no control characters, only JSON's escapes) and holds escapes.
func (d *decoder) scanString() (ok, esc bool) {
	data := d.data
	i := d.pos + 1
	for {
		for i < len(data) && plain[data[i]] {
			i++
		}
		if i >= len(data) {
			return false, esc
		}
		switch c := data[i]; {
		case c == '"':
			d.pos = i + 1
			return true, esc
		case c == '\\':
			esc = true
			if i+1 >= len(data) {
				return false, esc
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(data) || hex4(data[i+2:i+6]) < 0 {
					return false, esc
				}
				i += 6
			default:
				return false, esc
			}
		default: // a control character
			return false, esc
		}
	}
}

// plain tells the bytes a string holds as they are: all but the quote, the
// backslash and the control characters.
var plain = func() (t [256]bool) {
	for c := range t {
		t[c] = c >= 0x20 && c != '"' && c != '\\'
	}
	return t
}()

// skipString is scanString for a caller that needs no more than validity.
func (d *decoder) skipString() bool {
	ok, _ := d.scanString()
	return ok
}

// hex4 decodes four hex digits, or returns -1.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// appendUnescaped appends the contents of a well-formed JSON string (without
// its quotes) to dst, decoding escapes as encoding/json does: a surrogate
// that is not half of a valid pair becomes U+FFFD.
func appendUnescaped(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		if s[i] != '\\' {
			j := i + 1
			for j < len(s) && s[j] != '\\' {
				j++
			}
			dst = append(dst, s[i:j]...)
			i = j
			continue
		}
		c := s[i+1]
		i += 2
		switch c {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := hex4(s[i : i+4])
			i += 4
			if utf16.IsSurrogate(r) {
				r1 := rune(-1)
				if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
					r1 = hex4(s[i+2 : i+6])
				}
				if dec := utf16.DecodeRune(r, r1); dec != utf8.RuneError {
					i += 6
					dst = utf8.AppendRune(dst, dec)
					break
				}
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
		default: // " \ /
			dst = append(dst, c)
		}
	}
	return dst
}
