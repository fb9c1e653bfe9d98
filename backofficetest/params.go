package backofficetest

import (
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/internal/iso4217"
	"github.com/shopspring/decimal"
)

// The bearer variant's parameter patterns. Messages quote them, as the
// gateway's do.
var (
	amountPattern   = regexp.MustCompile(`^[0-9]{1,12}(\.[0-9]{2})?$`)
	currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)
	testModePattern = regexp.MustCompile(`^(EXTERNAL|INTERNAL)$`)
	brandPattern    = regexp.MustCompile(`^[A-Z0-9_]{1,32}$`)
	numberPattern   = regexp.MustCompile(`^[0-9]{12,19}$`)
	holderPattern   = regexp.MustCompile(`^.{1,128}$`)
	monthPattern    = regexp.MustCompile(`^(0[1-9]|1[0-2])$`)
	yearPattern     = regexp.MustCompile(`^[0-9]{4}$`)
	cvvPattern      = regexp.MustCompile(`^[0-9]{3,4}$`)
)

// params reads a bearer request's form and collects its parameterErrors,
// so that one answer lists every problem.
type params struct {
	form     url.Values
	echoCard bool
	errs     []parameterError
}

func (p *params) get(name string) (string, bool) {
	v, ok := p.form[name]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[0], true
}

func (p *params) present(name string) bool {
	_, ok := p.get(name)
	return ok
}

// fail records a parameter error. value is echoed as sent, except card
// numbers and CVVs, which are masked unless WithEchoCardValues(true).
func (p *params) fail(name, value string, present bool, message string) {
	var echo *string
	if present {
		switch {
		case p.echoCard:
		case name == "card.number":
			value = maskNumber(value)
		case name == "card.cvv":
			value = "***"
		}
		echo = &value
	}
	p.errs = append(p.errs, parameterError{Name: name, Value: echo, Message: message})
}

// match returns the value of a required parameter that matches re, or ""
// after recording why not.
func (p *params) match(name string, re *regexp.Regexp) string {
	v, ok := p.get(name)
	switch {
	case !ok:
		p.fail(name, "", false, "is required")
	case !re.MatchString(v):
		p.fail(name, v, true, "must match "+re.String())
	default:
		return v
	}
	return ""
}

// optional is match for a parameter that may be absent.
func (p *params) optional(name string, re *regexp.Regexp) string {
	if !p.present(name) {
		return ""
	}
	return p.match(name, re)
}

// paymentType returns the paymentType when it is one of allowed.
func (p *params) paymentType(allowed ...backoffice.PaymentType) backoffice.PaymentType {
	v, ok := p.get("paymentType")
	if ok && slices.Contains(allowed, backoffice.PaymentType(v)) {
		return backoffice.PaymentType(v)
	}
	names := make([]string, len(allowed))
	for i, t := range allowed {
		names[i] = string(t)
	}
	p.fail("paymentType", v, ok, "must be one of "+strings.Join(names, ", "))
	return ""
}

// amount returns a required, positive amount.
func (p *params) amount() decimal.Decimal {
	v := p.match("amount", amountPattern)
	if v == "" {
		return decimal.Zero
	}
	d := decimal.RequireFromString(v) // the pattern admits only decimals
	if !d.IsPositive() {
		p.fail("amount", v, true, "must be greater than 0")
	}
	return d
}

// currency returns a required, known ISO 4217 code.
func (p *params) currency() string {
	v := p.match("currency", currencyPattern)
	if v == "" {
		return ""
	}
	if _, ok := iso4217.MinorUnits(v); !ok {
		p.fail("currency", v, true, "must be an ISO 4217 currency code")
		return ""
	}
	return v
}

// card reads the card fields. With required false they may all be absent
// (no card.number): then it returns "" and nil.
func (p *params) card(required bool) (number string, info *cardInfo) {
	if !required && !p.present("card.number") {
		return "", nil
	}
	number = p.match("card.number", numberPattern)
	holder := p.match("card.holder", holderPattern)
	month := p.match("card.expiryMonth", monthPattern)
	year := p.match("card.expiryYear", yearPattern)
	p.match("card.cvv", cvvPattern) // checked, never kept
	if number == "" || holder == "" || month == "" || year == "" {
		return "", nil
	}
	return number, newCardInfo(number, holder, month, year)
}

// common checks the fields every bearer payment request may carry.
func (p *params) common() (mtid string) {
	p.optional("testMode", testModePattern)
	mtid, _ = p.get("merchantTransactionId")
	return mtid
}
