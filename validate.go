package backoffice

import (
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
	if amount.Sign() <= 0 {
		return invalid("Amount", "must be greater than zero, got %s", amount.String())
	}
	if amount.Cmp(amountCeiling) >= 0 {
		return invalid("Amount", "has more than %d integer digits", maxIntegerDigits)
	}
	units, _ := iso4217.MinorUnits(currency)
	if units > 2 {
		units = 2 // the gateway's amount format has at most two decimals
	}
	if amount.Exponent() < -int32(units) && !amount.Equal(amount.Truncate(int32(units))) {
		return invalid("Amount", "%s has more decimals than %s allows (%d)", amount.String(), currency, units)
	}
	return nil
}

// formatAmount is the one way amounts are written on the wire: exactly two
// decimals, as the gateway's format requires ("92.0" is refused).
func formatAmount(amount decimal.Decimal) string { return amount.StringFixed(2) }

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
