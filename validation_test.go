package backoffice_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Black-box tests of the input rules of issue 2: every refusal is a
// *ValidationError naming the field, returned before a byte is sent.

// checksumOK is a success answer of the checksum platform that serves every
// call of the tests: a capture, refund or reversal answer naming payment
// 54289, and a transaction list holding that payment as its one (bare) row.
const checksumOK = `{"paymentId":"54289","result":{"code":"00001","description":"Transaction succeeded"},` +
	`"transaction":{"systemPaymentId":"54289","transactionStatus":"capturesuccess","amount":"100.00","currency":"EUR","captureamount":"100.00","refundamount":"0.00"}}`

// validCard is a Luhn-valid card that expires far in the future.
func validCard() *backoffice.Card {
	return &backoffice.Card{Number: "4200000000000000", Holder: "John Smith", ExpiryMonth: "02", ExpiryYear: "2099", CVV: "123"}
}

// requireValidation checks that err is a *ValidationError whose Field is
// exactly field.
func requireValidation(t *testing.T, err error, field string) {
	t.Helper()
	var ve *backoffice.ValidationError
	require.ErrorAs(t, err, &ve, "want a *backoffice.ValidationError, got %T: %v", err, err)
	assert.Equal(t, field, ve.Field, "the ValidationError names the wrong field (message %q)", ve.Message)
}

// requireExtraValidation checks the refusal of an Extra key: Field is
// exactly "Extra" and the message names the key.
func requireExtraValidation(t *testing.T, err error, key string) {
	t.Helper()
	var ve *backoffice.ValidationError
	require.ErrorAs(t, err, &ve, "want a *backoffice.ValidationError, got %T: %v", err, err)
	assert.Equal(t, "Extra", ve.Field)
	assert.Contains(t, ve.Message, key, "the message must name the refused key")
}

// assertNothingSent is the proof that a refusal happened before sending.
func assertNothingSent(t *testing.T, rec *recorder) {
	t.Helper()
	assert.Empty(t, rec.Requests(), "a refused call must not send anything")
}

// bearerOK is a success answer of the bearer variant: a payment with an
// empty payments list, so that look-ups by merchantTransactionId succeed.
const bearerOK = `{"id":"8a82944a6242c8f00162506ec4b30d44","result":{"code":"000.100.110","description":"ok"},"payments":[]}`

// newValidationRecorder answers success in the variant's own shape, so an
// accepted call costs exactly one request.
func newValidationRecorder(t *testing.T, v variant) *recorder {
	t.Helper()
	return newValidationRecorderIn(t, v, "EUR")
}

// newValidationRecorderIn is newValidationRecorder whose checksum payment
// is in currency: the checksum platform books in the payment's currency,
// and the SDK refuses a call in another before sending.
func newValidationRecorderIn(t *testing.T, v variant, currency string) *recorder {
	t.Helper()
	if v == checksumVariant {
		return newRecorder(t, jsonAnswer(200, strings.Replace(checksumOK, `"currency":"EUR"`, `"currency":"`+currency+`"`, 1)))
	}
	return newRecorder(t, jsonAnswer(200, bearerOK))
}

// moneyOps are the calls that take an amount and a currency on a variant
// that performs them: the amount and currency rules apply to each.
var moneyOps = opsWhere(func(op testOp, v variant) bool {
	return op.on(v) == supported && op.amount != noAmount
})

// callWithAmount performs o against a fresh client of rec with amount and
// currency.
func callWithAmount(t *testing.T, rec *recorder, o variantOp, amount decimal.Decimal, currency string, opts ...backoffice.Option) error {
	t.Helper()
	a := o.args(o.v)
	a.amount, a.currency = amount, currency
	_, _, err := o.do(newTestClient(t, rec.URL, o.v.creds(), opts...), a)
	return err
}

// Rule: an amount ≤ 0, more than 12 integer digits, or more decimals than
// the currency allows (never more than 2); a currency that is not ISO 4217.
func TestValidationAmountAndCurrencyRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, amount, currency, field string
	}{
		{"zero amount", "0", "EUR", "Amount"},
		{"negative amount", "-1", "EUR", "Amount"},
		{"negative cent", "-0.01", "EUR", "Amount"},
		{"13 integer digits", "1000000000000", "EUR", "Amount"},
		{"13 integer digits with cents", "1234567890123.45", "EUR", "Amount"},
		{"JPY has no minor unit", "100.5", "JPY", "Amount"},
		{"EUR has two minor units", "1.005", "EUR", "Amount"},
		{"KWD has three minor units but the gateway takes two", "1.005", "KWD", "Amount"},
		{"unknown currency XXX", "10", "XXX", "Currency"},
		{"unknown currency EURO", "10", "EURO", "Currency"},
		{"empty currency", "10", "", "Currency"},
		{"lower-case currency", "10", "eur", "Currency"},
	}
	for _, op := range moneyOps {
		for _, tt := range tests {
			if op.amount == amountOptional && dec(tt.amount).IsZero() {
				continue // a zero reversal amount is a full reversal
			}
			t.Run(op.String()+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				rec := newValidationRecorder(t, op.v)
				err := callWithAmount(t, rec, op, dec(tt.amount), tt.currency)
				requireValidation(t, err, tt.field)
				assertNothingSent(t, rec)
			})
		}
	}
}

// The accepting side of the same rules: each of these is sent, once.
func TestValidationAmountAndCurrencyAccepted(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, amount, currency string }{
		{"JPY whole", "100", "JPY"},
		{"EUR two decimals", "1.50", "EUR"},
		{"EUR one cent", "0.01", "EUR"},
		{"KWD two decimals", "1.00", "KWD"},
		{"12 integer digits", "999999999999.99", "EUR"},
	}
	for _, op := range moneyOps {
		for _, tt := range tests {
			t.Run(op.String()+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				rec := newValidationRecorderIn(t, op.v, tt.currency)
				err := callWithAmount(t, rec, op, dec(tt.amount), tt.currency)
				if op.v == checksumVariant && tt.name == "12 integer digits" {
					// The platform allows 10 (CHECKSUM-PLATFORM.md §2).
					requireValidation(t, err, "Amount")
					assertNothingSent(t, rec)
					return
				}
				require.NoError(t, err)
				assert.Len(t, moneyRequests(rec), 1)
			})
		}
	}
}

// moneyRequests are the requests rec received other than a checksum
// refund's read of the refunded amount before sending.
func moneyRequests(rec *recorder) []recorded {
	var out []recorded
	for _, r := range rec.Requests() {
		if !strings.HasSuffix(r.Path, "/getTransactionList") {
			out = append(out, r)
		}
	}
	return out
}

// The checksum platform's amounts have at most 10 integer digits.
func TestValidationChecksumAmountDigits(t *testing.T) {
	t.Parallel()
	for _, op := range moneyOps {
		if op.v != checksumVariant || op.amount == amountOptional {
			continue
		}
		t.Run(op.String(), func(t *testing.T) {
			t.Parallel()
			rec := newValidationRecorder(t, op.v)
			require.NoError(t, callWithAmount(t, rec, op, dec("9999999999.99"), "EUR"))
			rec = newValidationRecorder(t, op.v)
			requireValidation(t, callWithAmount(t, rec, op, dec("10000000000.00"), "EUR"), "Amount")
			assertNothingSent(t, rec)
		})
	}
}

// idOps are the calls addressed by an id that travels in the URL path, on
// a variant that performs them.
var idOps = opsWhere(func(op testOp, v variant) bool {
	return op.on(v) == supported && op.target.inPath()
})

// callWithID performs o against a fresh client of rec with id as target.
func callWithID(t *testing.T, rec *recorder, o variantOp, id string) error {
	t.Helper()
	a := o.args(o.v)
	a.id = id
	_, _, err := o.do(newTestClient(t, rec.URL, o.v.creds()), a)
	return err
}

// Rule: an id that is empty, too long, or has any character outside
// [A-Za-z0-9._-] is refused, so that it cannot reshape the URL.
func TestValidationPaymentIDRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	ids := map[string]string{
		"empty":               "",
		"65 characters":       strings.Repeat("a", 65),
		"very long":           strings.Repeat("8a829449", 40),
		"parent path":         "../x",
		"query injection":     "id?entityId=x",
		"slash":               "a/b",
		"percent-encoded dot": "%2e%2e",
		"dot dot":             "..",
		"space":               "a b",
		"fragment":            "a#b",
		"non-ASCII":           "caf\u00e9",
	}
	for _, op := range idOps {
		for name, id := range ids {
			if id == "" && op.target == targetRegistration {
				continue // an empty RegistrationID means "no registration": the card/registration rule applies
			}
			t.Run(op.String()+"/"+name, func(t *testing.T) {
				t.Parallel()
				rec := newValidationRecorder(t, op.v)
				err := callWithID(t, rec, op, id)
				requireValidation(t, err, idField(op))
				assertNothingSent(t, rec)
			})
		}
	}
}

func TestValidationPaymentIDAccepted(t *testing.T) {
	t.Parallel()
	for _, op := range idOps {
		for _, id := range []string{"8a8294496242ba5301625069d1b27e3d", "54289", "a.b_c-D9"} {
			t.Run(op.String()+"/"+id, func(t *testing.T) {
				t.Parallel()
				rec := newValidationRecorder(t, op.v)
				err := callWithID(t, rec, op, id)
				if op.v == checksumVariant && id != "54289" {
					// The platform's payment ids are numeric (CHECKSUM-PLATFORM.md §1).
					requireValidation(t, err, idField(op))
					assertNothingSent(t, rec)
					return
				}
				require.NoError(t, err)
				reqs := moneyRequests(rec)
				require.Len(t, reqs, 1)
				assert.Contains(t, reqs[0].Path, "/"+id, "the id is the last path segment it names")
			})
		}
	}
}

// Rules on a single operation each: partial reversal without currency,
// credit with neither or both of card and registration, card checks, and the
// checksum variant's full-only reversal.
func TestValidationSingleRulesRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	now := time.Date(2031, 6, 15, 12, 0, 0, 0, time.UTC)
	card := func(edit func(*backoffice.Card)) *backoffice.Card {
		c := validCard()
		edit(c)
		return c
	}
	credit := func(cd *backoffice.Card) func(*backoffice.Client) error {
		return func(c *backoffice.Client) error {
			_, err := c.Credit(context.Background(), backoffice.CreditRequest{Amount: dec("10"), Currency: "EUR", PaymentBrand: "VISA", Card: cd})
			return err
		}
	}
	tests := []struct {
		name  string
		v     variant
		call  func(*backoffice.Client) error
		field string
	}{
		{"partial reversal without currency", bearerVariant, func(c *backoffice.Client) error {
			_, err := c.Reverse(context.Background(), "pa1", backoffice.ReversalRequest{Amount: dec("5")})
			return err
		}, "Currency"},
		{"negative reversal", bearerVariant, func(c *backoffice.Client) error {
			_, err := c.Reverse(context.Background(), "pa1", backoffice.ReversalRequest{Amount: dec("-5"), Currency: "EUR"})
			return err
		}, "Amount"},
		{"checksum partial reversal", checksumVariant, func(c *backoffice.Client) error {
			_, err := c.Reverse(context.Background(), "54289", backoffice.ReversalRequest{Amount: dec("5"), Currency: "EUR"})
			return err
		}, "Amount"},
		{"credit with neither card nor registration", bearerVariant, func(c *backoffice.Client) error {
			_, err := c.Credit(context.Background(), backoffice.CreditRequest{Amount: dec("10"), Currency: "EUR", PaymentBrand: "VISA"})
			return err
		}, "Card"},
		{"credit with both card and registration", bearerVariant, func(c *backoffice.Client) error {
			_, err := c.Credit(context.Background(), backoffice.CreditRequest{Amount: dec("10"), Currency: "EUR", PaymentBrand: "VISA",
				Card: validCard(), RegistrationID: "8a82944a4cc25ebf014cc2c782423202"})
			return err
		}, "Card"},
		{"card failing Luhn", bearerVariant, credit(card(func(c *backoffice.Card) { c.Number = "4200000000000001" })), "Card.Number"},
		{"card number with letters", bearerVariant, credit(card(func(c *backoffice.Card) { c.Number = "42000000000000AB" })), "Card.Number"},
		{"empty card number", bearerVariant, credit(card(func(c *backoffice.Card) { c.Number = "" })), "Card.Number"},
		{"month 00", bearerVariant, credit(card(func(c *backoffice.Card) { c.ExpiryMonth = "00" })), "Card.ExpiryMonth"},
		{"month 13", bearerVariant, credit(card(func(c *backoffice.Card) { c.ExpiryMonth = "13" })), "Card.ExpiryMonth"},
		{"month 1 (one digit)", bearerVariant, credit(card(func(c *backoffice.Card) { c.ExpiryMonth = "1" })), "Card.ExpiryMonth"},
		{"expired last month", bearerVariant, credit(card(func(c *backoffice.Card) { c.ExpiryMonth, c.ExpiryYear = "05", "2031" })), "Card.ExpiryYear"},
		{"expired last year", bearerVariant, credit(card(func(c *backoffice.Card) { c.ExpiryMonth, c.ExpiryYear = "12", "2030" })), "Card.ExpiryYear"},
		{"CVV of 2 digits", bearerVariant, credit(card(func(c *backoffice.Card) { c.CVV = "12" })), "Card.CVV"},
		{"CVV of 5 digits", bearerVariant, credit(card(func(c *backoffice.Card) { c.CVV = "12345" })), "Card.CVV"},
		{"CVV of letters", bearerVariant, credit(card(func(c *backoffice.Card) { c.CVV = "abc" })), "Card.CVV"},
		{"empty holder", bearerVariant, credit(card(func(c *backoffice.Card) { c.Holder = "" })), "Card.Holder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := newValidationRecorder(t, tt.v)
			err := tt.call(newTestClient(t, rec.URL, tt.v.creds(), backoffice.WithClock(func() time.Time { return now })))
			requireValidation(t, err, tt.field)
			assertNothingSent(t, rec)
		})
	}
}

// The accepting side of the card rules: a card expiring this month is still
// valid, and 3 or 4 digit CVVs are both accepted.
func TestValidationCardAccepted(t *testing.T) {
	t.Parallel()
	now := time.Date(2031, 6, 15, 12, 0, 0, 0, time.UTC)
	tests := map[string]*backoffice.Card{
		"expires this month": {Number: "4200000000000000", Holder: "J S", ExpiryMonth: "06", ExpiryYear: "2031", CVV: "123"},
		"four-digit CVV":     {Number: "4200000000000000", Holder: "J S", ExpiryMonth: "12", ExpiryYear: "2040", CVV: "1234"},
	}
	for name, cd := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rec := newValidationRecorder(t, bearerVariant)
			_, err := newTestClient(t, rec.URL, bearerCreds, backoffice.WithClock(func() time.Time { return now })).Credit(context.Background(),
				backoffice.CreditRequest{Amount: dec("10"), Currency: "EUR", PaymentBrand: "VISA", Card: cd})
			require.NoError(t, err)
			assert.Len(t, rec.Requests(), 1)
		})
	}
}

// Rule: Extra may never override a field the SDK owns.
func TestValidationExtraCannotOverrideSDKFields(t *testing.T) {
	t.Parallel()
	capture := func(key string) func(*backoffice.Client) error {
		return func(c *backoffice.Client) error {
			_, err := c.Capture(context.Background(), "54289", backoffice.CaptureRequest{Amount: dec("1"), Currency: "EUR",
				MerchantTransactionID: "m-1", Extra: map[string]string{key: "evil"}})
			return err
		}
	}
	tests := []struct {
		name, key string
		v         variant
		call      func(*backoffice.Client) error
	}{
		{name: "bearer entityId", key: "entityId"},
		{name: "bearer paymentType", key: "paymentType"},
		{name: "bearer amount", key: "amount"},
		{name: "bearer currency", key: "currency"},
		{name: "bearer authentication.memberId", key: "authentication.memberId"},
		{name: "bearer authentication.checksum", key: "authentication.checksum"},
		{name: "bearer card.number", key: "card.number"},
		{name: "bearer merchantTransactionId", key: "merchantTransactionId"},
		{name: "bearer testMode", key: "testMode"},
		{name: "checksum authentication.memberId", key: "authentication.memberId", v: checksumVariant},
		{name: "checksum authentication.checksum", key: "authentication.checksum", v: checksumVariant},
		{name: "checksum paymentType", key: "paymentType", v: checksumVariant},
		{name: "checksum amount", key: "amount", v: checksumVariant},
		{name: "credit card.number", key: "card.number", call: func(c *backoffice.Client) error {
			_, err := c.Credit(context.Background(), backoffice.CreditRequest{Amount: dec("1"), Currency: "EUR", PaymentBrand: "VISA",
				Card: validCard(), Extra: map[string]string{"card.number": "4111111111111111"}})
			return err
		}},
		{name: "credit card.cvv", key: "card.cvv", call: func(c *backoffice.Client) error {
			_, err := c.Credit(context.Background(), backoffice.CreditRequest{Amount: dec("1"), Currency: "EUR", PaymentBrand: "VISA",
				Card: validCard(), Extra: map[string]string{"card.cvv": "999"}})
			return err
		}},
		{name: "credit to registration card.number", key: "card.number", call: func(c *backoffice.Client) error {
			_, err := c.Credit(context.Background(), backoffice.CreditRequest{Amount: dec("1"), Currency: "EUR",
				RegistrationID: "8a82944a4cc25ebf014cc2c782423202", Extra: map[string]string{"card.number": "4111111111111111"}})
			return err
		}},
		{name: "credit paymentBrand", key: "paymentBrand", call: func(c *backoffice.Client) error {
			_, err := c.Credit(context.Background(), backoffice.CreditRequest{Amount: dec("1"), Currency: "EUR", PaymentBrand: "VISA",
				Card: validCard(), Extra: map[string]string{"paymentBrand": "MASTER"}})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			call := tt.call
			if call == nil {
				call = capture(tt.key)
			}
			rec := newValidationRecorder(t, tt.v)
			err := call(newTestClient(t, rec.URL, tt.v.creds(), backoffice.WithTestMode(backoffice.TestModeInternal)))
			requireExtraValidation(t, err, tt.key)
			assertNothingSent(t, rec)
		})
	}
}

// Extra fields the SDK does not own are sent as given.
func TestValidationExtraNonOwnedFieldIsSent(t *testing.T) {
	t.Parallel()
	rec := newValidationRecorder(t, bearerVariant)
	_, err := newTestClient(t, rec.URL, bearerCreds).Capture(context.Background(), "pa1", backoffice.CaptureRequest{Amount: dec("1"), Currency: "EUR",
		Extra: map[string]string{"customParameters[order]": "A&B=1", "descriptor": "shop 1"}})
	require.NoError(t, err)
	reqs := rec.Requests()
	require.Len(t, reqs, 1)
	form, err := url.ParseQuery(string(reqs[0].Body))
	require.NoError(t, err)
	assert.Equal(t, "A&B=1", form.Get("customParameters[order]"))
	assert.Equal(t, "shop 1", form.Get("descriptor"))
}

// idField is the Field a refused id of op is reported under.
func idField(op variantOp) string {
	switch op.target {
	case targetChargeback:
		return "chargebackID"
	case targetRegistration:
		return "RegistrationID"
	}
	return "paymentID"
}

// The checksum platform takes no currency on a capture or refund and books
// in the payment's (CHECKSUM-PLATFORM.md §2, §4): a call in another
// currency is refused before it is sent, not booked in the payment's.
func TestChecksumCurrencyMustBeThePayments(t *testing.T) {
	t.Parallel()
	for _, op := range moneyOps {
		if op.v != checksumVariant {
			continue
		}
		t.Run(op.String(), func(t *testing.T) {
			t.Parallel()
			rec := newValidationRecorderIn(t, op.v, "EUR")
			err := callWithAmount(t, rec, op, dec("1.00"), "USD")
			requireValidation(t, err, "Currency")
			assert.Empty(t, moneyRequests(rec), "nothing that moves money was sent")
			err = callWithAmount(t, rec, op, dec("1.00"), "EUR")
			require.NoError(t, err, "the payment's currency")
		})
	}
}
