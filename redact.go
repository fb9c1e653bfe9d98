package backoffice

import (
	"bytes"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/c81406b6/backoffice/internal/luhn"
)

// redactor masks what must never reach a caller's logs, even when the
// gateway echoes it: card numbers (any run of 12 to 19 digits, spaces or
// dashes between them allowed, that passes the Luhn check and is not part
// of a word, an id or a decimal), the CVV a call sent, and the credentials
// (access token, secure key), wherever they stand in an answer: every text
// of a Payment but its identifiers (see payment), Raw, and so every error
// string built from them.
type redactor struct {
	lits  [4]literal // masked wherever they occur: credentials, the card number sent
	n     int        // how many of lits are set
	extra []literal  // more literals, once lits is full
	cvv   string     // masked where it stands alone as a digit run
}

// literal is a secret in both forms, so that neither search converts it.
type literal struct {
	s string
	b []byte
}

// add adds a literal to mask; empty ones are ignored.
func (r *redactor) add(l literal) {
	switch {
	case l.s == "":
	case r.n < len(r.lits):
		r.lits[r.n] = l
		r.n++
	default:
		r.extra = append(r.extra, l)
	}
}

// addString adds s, converting it once.
func (r *redactor) addString(s string) {
	if s != "" {
		r.add(literal{s: s, b: []byte(s)})
	}
}

// literals returns every literal to mask.
func (r *redactor) literals() []literal {
	if len(r.extra) == 0 {
		return r.lits[:r.n]
	}
	return append(r.lits[:r.n:r.n], r.extra...)
}

// secretForms returns s and every other form a gateway or a proxy in
// front of it may echo it in: URL-encoded, as a query (QueryEscape) or a
// path (PathEscape) would carry it, with upper- or lower-case hex. JSON
// escapes need no form of their own: masking reads answers unescaped.
func secretForms(s string) []string {
	forms := []string{s}
	for _, f := range []string{url.QueryEscape(s), url.PathEscape(s)} {
		for _, g := range []string{f, lowerHex(f)} {
			if !slices.Contains(forms, g) {
				forms = append(forms, g)
			}
		}
	}
	return forms
}

// lowerHex lower-cases the hex digits of every %XX escape in s.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = toLowerASCII(b[i+1]), toLowerASCII(b[i+2])
			i += 2
		}
	}
	return string(b)
}

func toLowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// redactor returns the masks for an answer to cl. It allocates nothing for
// a call that sent no card: the credential's forms are made once, by
// NewClient.
func (c *Client) redactor(cl *call) redactor {
	r := redactor{}
	if c == nil {
		return r // a payment decoded outside any call (a webhook): no credentials to mask
	}
	for _, l := range c.secrets {
		r.add(l)
	}
	if c.token != nil {
		c.token.mu.Lock()
		r.addString(c.token.token)
		c.token.mu.Unlock()
	}
	if cl != nil {
		r.addString(cl.cardNumber)
		r.addString(cl.token)
		r.cvv = cl.cvv
	}
	return r
}

// text masks s; it returns s itself, allocating nothing, when nothing
// needs masking.
func (r *redactor) text(s string) string {
	if s == "" || !r.suspect(s) {
		return s
	}
	out, changed := r.mask([]byte(s), false)
	if !changed {
		return s
	}
	return string(out)
}

// suspect reports whether s holds something mask could change: a literal,
// a run of 12 or more digits, or the CVV.
func (r *redactor) suspect(s string) bool {
	for _, lit := range r.literals() {
		if strings.Contains(s, lit.s) {
			return true
		}
	}
	if r.cvv != "" && strings.Contains(s, r.cvv) {
		return true
	}
	return longDigitRun(s)
}

// longDigitRun reports a run of 12 or more digits, spaces and dashes
// between them allowed: every run mask may take for a card number, and
// more (mask also wants the separators single and the run standing alone).
//
// Such a run spans at least 12 bytes, so it covers one of every 12
// consecutive positions: the scan looks at every 12th byte and measures
// the run around it only when that byte could belong to one. Answers are
// mostly letters and punctuation, so it reads about a twelfth of them.
func longDigitRun[T string | []byte](s T) bool {
	for i := runBytes - 1; i < len(s); i += runBytes {
		if !inDigitRun(s[i]) {
			continue
		}
		start, end := i, i+1
		for start > 0 && inDigitRun(s[start-1]) {
			start--
		}
		for end < len(s) && inDigitRun(s[end]) {
			end++
		}
		digits := 0
		for j := start; j < end; j++ {
			if isDigit(s[j]) {
				digits++
			}
		}
		if digits >= runBytes {
			return true
		}
		i = end // s[end] is not in a run: the next run starts after it
	}
	return false
}

// runBytes is the shortest run longDigitRun reports.
const runBytes = 12

func inDigitRun(c byte) bool { return isDigit(c) || c == ' ' || c == '-' }

// answer masks p, decoded from raw, and sets p.Raw to raw masked. One scan
// of the body decides: when clean, nothing in any field needs masking.
func (r *redactor) answer(p *Payment, raw []byte) {
	suspect := r.suspectJSON(raw)
	p.Raw = raw
	if clean(raw, suspect) {
		return
	}
	r.payment(p)
	if suspect {
		p.Raw, _ = r.mask(unescapePlain(raw), true)
	}
}

// clean reports an answer body in which nothing needs masking: not
// suspect (no literal, no CVV, no digit run mask could take) and no JSON
// escape. Every text decoded from such a body is a piece of it, so none
// needs masking either.
func clean(raw []byte, suspect bool) bool {
	return !suspect && bytes.IndexByte(raw, '\\') < 0
}

// payment masks every text of p that is not an identifier the SDK or its
// caller acts on (ID, ReferencedID, MerchantTransactionID, RegistrationID
// stay as sent: masking them would break look-ups and reconciliation).
func (r *redactor) payment(p *Payment) {
	for _, s := range [...]*string{&p.PaymentBrand, &p.Descriptor, &p.BuildNumber, &p.NDC, &p.Status,
		&p.TransactionStatus, &p.ShortID, &p.Source, &p.PaymentMethod, &p.RiskScore, &p.MerchantCustomerID,
		&p.Result.Description} {
		*s = r.text(*s)
	}
	if cd := p.Card; cd != nil {
		for _, s := range [...]*string{&cd.Bin, &cd.Last4Digits, &cd.Holder, &cd.ExpiryMonth, &cd.ExpiryYear} {
			*s = r.text(*s)
		}
	}
	for i := range p.Result.ParameterErrors {
		pe := &p.Result.ParameterErrors[i]
		pe.Name, pe.Value, pe.Message = r.text(pe.Name), r.text(pe.Value), r.text(pe.Message)
	}
	p.ResultDetails = r.textMap(p.ResultDetails)
	p.CustomParameters = r.textMap(p.CustomParameters)
}

// textMap masks m's keys and values, in place when only values change.
func (r *redactor) textMap(m map[string]string) map[string]string {
	for k, v := range m {
		if mk := r.text(k); mk != k {
			out := make(map[string]string, len(m))
			for k, v := range m {
				out[r.text(k)] = r.text(v)
			}
			return out
		}
		if mv := r.text(v); mv != v {
			m[k] = mv
		}
	}
	return m
}

// suspectJSON is suspect for a JSON body: whether mask, after
// unescapePlain, could change it; masking keeps the body valid JSON
// (digit runs are masked inside strings, and a card number written as a
// bare JSON number becomes a string). Most answers hold nothing to mask, and
// this scan is a fraction of mask's.
func (r *redactor) suspectJSON(b []byte) bool {
	for _, lit := range r.literals() {
		if bytes.Contains(b, lit.b) {
			return true
		}
	}
	if r.cvv != "" && bytes.Contains(b, []byte(r.cvv)) {
		return true
	}
	return bytes.Contains(b, []byte(`\u`)) || bytes.Contains(b, []byte(`\/`)) || longDigitRun(b)
}

// unescapePlain writes every JSON escape of a printable character (\/ and
// \uXXXX, surrogate pairs included) as the character itself, which JSON
// reads the same, so that a secret or a card number spelled with escapes
// (a PHP gateway's "\/", an encoder's "\u002b" or "\u0026") is masked in
// Raw as plainly written ones are. Escapes of quotes, backslashes and
// control characters stay, and so does a lone surrogate: the body stays
// valid JSON that means the same. raw is copied only when it has an
// escape to write.
func unescapePlain(raw []byte) []byte {
	if !bytes.Contains(raw, []byte(`\u`)) && !bytes.Contains(raw, []byte(`\/`)) {
		return raw
	}
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' || i+1 == len(raw) {
			out = append(out, raw[i])
			continue
		}
		if raw[i+1] == '/' {
			out = append(out, '/')
			i++
			continue
		}
		if r, n := plainEscape(raw[i:]); n > 0 {
			out = utf8.AppendRune(out, r)
			i += n - 1
			continue
		}
		out = append(out, raw[i], raw[i+1]) // any other escape stays as it is
		i++
	}
	return out
}

// plainEscape reads a \u escape (or a surrogate pair of two) of a
// printable character at the start of b, returning it and the escape's
// length; n is 0 for anything else.
func plainEscape(b []byte) (r rune, n int) {
	r, ok := hex4(b)
	switch {
	case !ok:
		return 0, 0
	case utf16.IsSurrogate(r):
		lo, ok := hex4(b[min(6, len(b)):])
		if r >= 0xdc00 || !ok {
			return 0, 0
		}
		if r = utf16.DecodeRune(r, lo); r == utf8.RuneError {
			return 0, 0
		}
		return r, 12
	case r < 0x20 || r == '"' || r == '\\' || r == 0x7f || r == 0x2028 || r == 0x2029:
		return 0, 0
	}
	return r, 6
}

// hex4 reads "\uXXXX" at the start of b.
func hex4(b []byte) (rune, bool) {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return 0, false
	}
	var r rune
	for _, c := range b[2:6] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

const redacted = "[redacted]"

func (r *redactor) mask(b []byte, isJSON bool) ([]byte, bool) {
	changed := false
	for _, lit := range r.literals() {
		if bytes.Contains(b, lit.b) {
			repl := redacted
			if allDigits(lit.s) {
				repl = maskPAN(lit.s)
			}
			b = bytes.ReplaceAll(b, lit.b, []byte(repl))
			changed = true
		}
	}
	var out []byte // nil until the first digit run is masked
	last := 0      // b[:last] is already in out
	inString := !isJSON
	escEnd, escChar := -1, byte(0) // where the last JSON escape ended, and what it stands for
	for i := 0; i < len(b); {
		c := b[i]
		if isJSON && c == '"' {
			inString = !inString
			i++
			continue
		}
		if isJSON && inString && c == '\\' {
			var n int
			escChar, n = jsonEscape(b[i:])
			i += n // a \uXXXX's hex digits are no number
			escEnd = i
			continue
		}
		if !isDigit(c) {
			i++
			continue
		}
		end, digits := digitRun(b, i)
		before := byte(' ') // what stands before the run in the text b holds
		switch {
		case i == escEnd:
			before = escChar
		case i > 0:
			before = b[i-1]
		}
		after := byte(' ')
		if end < len(b) {
			after = b[end]
			if isJSON && inString && after == '\\' {
				after, _ = jsonEscape(b[end:])
			}
		}
		repl := r.maskRun(b, i, end, digits, inString, before, after)
		if repl != nil {
			out = append(append(out, b[last:i]...), repl...)
			last = end
		}
		i = end
	}
	if out == nil {
		return b, changed
	}
	return append(out, b[last:]...), true
}

// maskRun returns what replaces the digit run b[start:end], or nil to keep
// it; before and after are the characters the text has around it.
func (r *redactor) maskRun(b []byte, start, end, digits int, inString bool, before, after byte) []byte {
	if !standalone(b, start, end, before, after) {
		return nil
	}
	run := b[start:end]
	if digits >= 12 && digits <= 19 && luhn.Valid(run) {
		masked := make([]byte, 0, len(run)+2)
		if !inString {
			masked = append(masked, '"')
		}
		seen := 0
		for _, ch := range run {
			if isDigit(ch) {
				seen++
				if seen <= digits-4 {
					ch = '*'
				}
			}
			masked = append(masked, ch)
		}
		if !inString {
			masked = append(masked, '"')
		}
		return masked
	}
	if inString && r.cvv != "" && string(run) == r.cvv {
		return []byte(strings.Repeat("*", len(run)))
	}
	return nil
}

// digitRun returns the end of the run of digits starting at i, single
// spaces or dashes between digits included, and how many digits it has.
func digitRun(b []byte, i int) (end, digits int) {
	end = i
	for end < len(b) {
		switch {
		case isDigit(b[end]):
			digits++
			end++
		case (b[end] == ' ' || b[end] == '-') && end+1 < len(b) && isDigit(b[end+1]):
			end++
		default:
			return end, digits
		}
	}
	return end, digits
}

// standalone reports whether the run b[start:end], between the characters
// before and after, is a number of its own: not part of a word, an id or a
// decimal. A full stop before it ends a word ("No.4111…") unless a digit
// stands before the stop ("0.4111…").
func standalone(b []byte, start, end int, before, after byte) bool {
	if isAlnum(before) || before == '.' && start >= 2 && isDigit(b[start-2]) {
		return false
	}
	return !isAlnum(after) && !(after == '.' && end+1 < len(b) && isDigit(b[end+1]))
}

// jsonEscape reads the JSON escape at the start of b: what it stands for
// (0 for anything beyond ASCII, which is never part of a word here) and
// its length.
func jsonEscape(b []byte) (c byte, n int) {
	if len(b) < 2 {
		return 0, len(b)
	}
	switch b[1] {
	case 'u':
		if len(b) < 6 {
			return 0, len(b)
		}
		v, err := strconv.ParseUint(string(b[2:6]), 16, 16)
		if err != nil || v >= 0x80 {
			return 0, 6
		}
		return byte(v), 6
	case 'n':
		return '\n', 2
	case 't':
		return '\t', 2
	case 'r':
		return '\r', 2
	case 'b':
		return '\b', 2
	case 'f':
		return '\f', 2
	}
	return b[1], 2 // \" \\ \/
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}
