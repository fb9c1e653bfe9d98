package backoffice

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/c81406b6/backoffice/internal/iso4217"
	"github.com/shopspring/decimal"
)

// The gateway's amount format is ^[0-9]{1,12}(\.[0-9]{2})?$.
const maxIntegerDigits = 12

var amountCeiling = decimal.New(1, maxIntegerDigits)

// validateMoney refuses, never rounds: an amount the gateway could not take
// exactly is an error, not a silently different amount.
func validateMoney(amount decimal.Decimal, currency string) error {
	if err := validateCurrency(currency); err != nil {
		return err
	}
	return validateAmount(amount, currency)
}

func validateCurrency(currency string) error {
	if currency == "" {
		return invalid("Currency", "is required")
	}
	if _, ok := iso4217.MinorUnits(currency); !ok {
		if up := strings.ToUpper(currency); up != currency {
			if _, ok := iso4217.MinorUnits(up); ok {
				return invalid("Currency", "%q must be upper case: %q", currency, up)
			}
		}
		return invalid("Currency", "%q is not an ISO 4217 currency code", currency)
	}
	return nil
}

// validateAmount expects a known currency.
func validateAmount(amount decimal.Decimal, currency string) error {
	units := wireDecimals(currency)
	if m, ok := minorUnits(amount, units); ok && m > 0 && m < pow10[maxIntegerDigits+units] {
		return nil // the common case, without decimal's big.Int arithmetic
	}
	return checkAmount(amount, currency, units)
}

// wireDecimals is the number of decimals an amount in currency may have on
// the wire: the currency's minor units, at most two (the gateway's format).
func wireDecimals(currency string) int32 {
	units, _ := iso4217.MinorUnits(currency)
	return int32(min(units, 2))
}

// checkAmount is validateAmount in decimal's arithmetic, for every amount.
func checkAmount(amount decimal.Decimal, currency string, units int32) error {
	if amount.Sign() <= 0 {
		return invalid("Amount", "must be greater than zero, got %s", amount.String())
	}
	if amount.Cmp(amountCeiling) >= 0 {
		return invalid("Amount", "has more than %d integer digits", maxIntegerDigits)
	}
	if amount.Exponent() < -units && !amount.Equal(amount.Truncate(units)) {
		return invalid("Amount", "%s has more decimals than %s allows (%d)", amount.String(), currency, units)
	}
	return nil
}

// formatAmount is the one way amounts are written on the wire: exactly two
// decimals, as the gateway's format requires ("92.0" is refused).
func formatAmount(amount decimal.Decimal) string {
	if m, ok := minorUnits(amount, 2); ok {
		return fixed2(m)
	}
	return amount.StringFixed(2)
}

// minorUnits returns amount × 10^scale when that is a whole number of at
// most 15 digits, ok false otherwise. It is exact: validateAmount and
// formatAmount use it to skip decimal's big.Int arithmetic for ordinary
// amounts, and fall back to it for the rest (FuzzMinorUnits).
func minorUnits(amount decimal.Decimal, scale int32) (m int64, ok bool) {
	const maxDigits = 15
	digits := amount.NumDigits()
	if digits > maxDigits {
		return 0, false
	}
	coef, shift := amount.CoefficientInt64(), int64(amount.Exponent())+int64(scale)
	switch {
	case coef == 0:
		return 0, true
	case shift >= 0:
		if int64(digits)+shift > maxDigits {
			return 0, false
		}
		return coef * pow10[shift], true
	case -shift > maxDigits:
		return 0, false
	}
	p := pow10[-shift]
	if coef%p != 0 {
		return 0, false
	}
	return coef / p, true
}

var pow10 = [...]int64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// fixed2 writes m hundredths with exactly two decimals, as
// decimal.StringFixed(2) does.
func fixed2(m int64) string {
	var buf [24]byte
	b := buf[:0]
	if m < 0 {
		b, m = append(b, '-'), -m
	}
	b = strconv.AppendInt(b, m/100, 10)
	return string(append(b, '.', byte('0'+m%100/10), byte('0'+m%10)))
}

const maxIDLength = 64

// validateID keeps an id to characters that cannot reshape the URL it is put
// in: no '/', '?', '#', '%', and not "." or "..".
func validateID(field, id string) error {
	if id == "" {
		return invalid(field, "is required")
	}
	if len(id) > maxIDLength {
		return invalid(field, "is longer than %d characters", maxIDLength)
	}
	if id == "." || id == ".." {
		return invalid(field, "must not be a path element")
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return invalid(field, "may contain only letters, digits, '.', '_' and '-'")
		}
	}
	return nil
}

const maxMerchantTransactionID = 255

// requireMerchantTransactionID checks the merchantTransactionId a look-up
// is made by: required, and valid as any other.
func requireMerchantTransactionID(id string) error {
	if id == "" {
		return invalid("merchantTransactionID", "is required")
	}
	return validateMerchantTransactionID(id)
}

func validateMerchantTransactionID(id string) error {
	if id == "" {
		return nil // one is generated
	}
	if len(id) > maxMerchantTransactionID || !utf8.ValidString(id) || hasControl(id) {
		return invalid("MerchantTransactionID", "must be at most %d printable UTF-8 bytes", maxMerchantTransactionID)
	}
	return nil
}

// validateExtra refuses Extra fields that would override what the SDK owns:
// credentials, the operation, the money, the card and the reconciliation key.
func validateExtra(extra map[string]string) error {
	for k, v := range extra {
		if k == "" {
			return invalid("Extra", "has an empty field name")
		}
		if ownedField(k) {
			return invalid("Extra", "field %q is set by the SDK and cannot be overridden", k)
		}
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return invalid("Extra", "field %q is not valid UTF-8", k)
		}
	}
	return nil
}

func ownedField(k string) bool {
	switch k {
	case "entityId", "paymentType", "amount", "currency", "merchantTransactionId",
		"testMode", "paymentBrand", "idType":
		return true
	}
	for _, prefix := range []string{"authentication.", "card.", "pagination."} {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}
