package backoffice_test

import (
	"context"
	"errors"
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

// norm folds a field name for comparison: "card.expiryMonth" and
// "Card.ExpiryMonth" both become "cardexpirymonth".
func norm(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// requireValidation checks that err is a *ValidationError whose Field names
// one of the given fields (compared case- and punctuation-insensitively).
func requireValidation(t *testing.T, err error, fields ...string) {
	t.Helper()
	var ve *backoffice.ValidationError
	require.ErrorAs(t, err, &ve, "want a *backoffice.ValidationError, got %T: %v", err, err)
	got := norm(ve.Field)
	for _, f := range fields {
		if strings.Contains(got, norm(f)) {
			return
		}
	}
	assert.Failf(t, "ValidationError names the wrong field", "Field %q (message %q) does not name any of %q", ve.Field, ve.Message, fields)
}

// requireExtraValidation checks the refusal of an Extra key: either Field
// names the key itself, or Field is "Extra" and the message names the key.
func requireExtraValidation(t *testing.T, err error, key string) {
	t.Helper()
	var ve *backoffice.ValidationError
	require.ErrorAs(t, err, &ve, "want a *backoffice.ValidationError, got %T: %v", err, err)
	if strings.Contains(norm(ve.Field), norm(key)) {
		return
	}
	assert.Contains(t, norm(ve.Field), "extra", "Field %q names neither the key nor Extra", ve.Field)
	assert.Contains(t, ve.Message, key, "the message must name the refused key")
}

// assertNothingSent is the proof that a refusal happened before sending.
func assertNothingSent(t *testing.T, rec *recorder) {
	t.Helper()
	assert.Empty(t, rec.Requests(), "a refused call must not send anything")
}

// newValidationRecorder answers success in the variant's own shape, so an
// accepted call costs exactly one request.
func newValidationRecorder(t *testing.T, checksum bool) *recorder {
	t.Helper()
	if checksum {
		return newRecorder(t, jsonAnswer(200, checksumOK))
	}
	return newRecorder(t, jsonAnswer(200, `{"id":"8a82944a6242c8f00162506ec4b30d44","result":{"code":"000.100.110","description":"ok"},"payments":[]}`))
}

func (r *recorder) client(t *testing.T, checksum bool, opts ...backoffice.Option) *backoffice.Client {
	t.Helper()
	if checksum {
		return r.checksum(t, opts...)
	}
	return r.bearer(t, opts...)
}

// moneyOp is a money-moving operation with a caller-chosen amount and
// currency.
type moneyOp struct {
	name     string
	checksum bool
	partial  bool // a zero amount means "full", not "invalid" (reversal)
	call     func(c *backoffice.Client, amount decimal.Decimal, currency string) error
}

var moneyOps = []moneyOp{
	{name: "bearer capture", call: func(c *backoffice.Client, a decimal.Decimal, cur string) error {
		_, err := c.Capture(context.Background(), "pa1", backoffice.CaptureRequest{Amount: a, Currency: cur})
		return err
	}},
	{name: "bearer refund", call: func(c *backoffice.Client, a decimal.Decimal, cur string) error {
		_, err := c.Refund(context.Background(), "db1", backoffice.RefundRequest{Amount: a, Currency: cur})
		return err
	}},
	{name: "bearer partial reversal", partial: true, call: func(c *backoffice.Client, a decimal.Decimal, cur string) error {
		_, err := c.Reverse(context.Background(), "pa1", backoffice.ReversalRequest{Amount: a, Currency: cur})
		return err
	}},
	{name: "bearer rebill", call: func(c *backoffice.Client, a decimal.Decimal, cur string) error {
		_, err := c.Rebill(context.Background(), "db1", backoffice.RebillRequest{Amount: a, Currency: cur})
		return err
	}},
	{name: "bearer chargeback", call: func(c *backoffice.Client, a decimal.Decimal, cur string) error {
		_, err := c.Chargeback(context.Background(), "db1", backoffice.ChargebackRequest{Amount: a, Currency: cur})
		return err
	}},
	{name: "bearer chargeback reversal", call: func(c *backoffice.Client, a decimal.Decimal, cur string) error {
		_, err := c.ReverseChargeback(context.Background(), "cb1", backoffice.ChargebackReversalRequest{Amount: a, Currency: cur})
		return err
	}},
	{name: "bearer credit to card", call: func(c *backoffice.Client, a decimal.Decimal, cur string) error {
		_, err := c.Credit(context.Background(), backoffice.CreditRequest{Amount: a, Currency: cur, PaymentBrand: "VISA", Card: validCard()})
		return err
	}},
	{name: "bearer credit to registration", call: func(c *backoffice.Client, a decimal.Decimal, cur string) error {
		_, err := c.Credit(context.Background(), backoffice.CreditRequest{Amount: a, Currency: cur, RegistrationID: "8a82944a4cc25ebf014cc2c782423202"})
		return err
	}},
	{name: "checksum capture", checksum: true, call: func(c *backoffice.Client, a decimal.Decimal, cur string) error {
		_, err := c.Capture(context.Background(), "54289", backoffice.CaptureRequest{Amount: a, Currency: cur})
		return err
	}},
	{name: "checksum refund", checksum: true, call: func(c *backoffice.Client, a decimal.Decimal, cur string) error {
		_, err := c.Refund(context.Background(), "54289", backoffice.RefundRequest{Amount: a, Currency: cur})
		return err
	}},
}

// Rule: an amount ≤ 0, more than 12 integer digits, or more decimals than
// the currency allows (never more than 2); a currency that is not ISO 4217.
func TestValidationAmountAndCurrencyRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, amount, currency, field string
	}{
		{"zero amount", "0", "EUR", "amount"},
		{"negative amount", "-1", "EUR", "amount"},
		{"negative cent", "-0.01", "EUR", "amount"},
		{"13 integer digits", "1000000000000", "EUR", "amount"},
		{"13 integer digits with cents", "1234567890123.45", "EUR", "amount"},
		{"JPY has no minor unit", "100.5", "JPY", "amount"},
		{"EUR has two minor units", "1.005", "EUR", "amount"},
		{"KWD has three minor units but the gateway takes two", "1.005", "KWD", "amount"},
		{"unknown currency XXX", "10", "XXX", "currency"},
		{"unknown currency EURO", "10", "EURO", "currency"},
		{"empty currency", "10", "", "currency"},
		{"lower-case currency", "10", "eur", "currency"},
	}
	for _, op := range moneyOps {
		for _, tt := range tests {
			if op.partial && dec(tt.amount).IsZero() {
				continue // a zero reversal amount is a full reversal
			}
			t.Run(op.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				rec := newValidationRecorder(t, op.checksum)
				err := op.call(rec.client(t, op.checksum), dec(tt.amount), tt.currency)
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
			t.Run(op.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				rec := newValidationRecorder(t, op.checksum)
				err := op.call(rec.client(t, op.checksum), dec(tt.amount), tt.currency)
				if op.checksum && tt.name == "12 integer digits" {
					// The platform allows 10 (CHECKSUM-PLATFORM.md §2).
					requireValidation(t, err, "amount")
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
		if !op.checksum || op.partial {
			continue
		}
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			rec := newValidationRecorder(t, true)
			require.NoError(t, op.call(rec.client(t, true), dec("9999999999.99"), "EUR"))
			rec = newValidationRecorder(t, true)
			requireValidation(t, op.call(rec.client(t, true), dec("10000000000.00"), "EUR"), "amount")
			assertNothingSent(t, rec)
		})
	}
}

// idOp is an operation addressed by an id that ends up in the URL path.
type idOp struct {
	name         string
	checksum     bool
	registration bool
	call         func(c *backoffice.Client, id string) error
}

var idOps = []idOp{
	{name: "bearer capture", call: func(c *backoffice.Client, id string) error {
		_, err := c.Capture(context.Background(), id, backoffice.CaptureRequest{Amount: dec("1"), Currency: "EUR"})
		return err
	}},
	{name: "bearer refund", call: func(c *backoffice.Client, id string) error {
		_, err := c.Refund(context.Background(), id, backoffice.RefundRequest{Amount: dec("1"), Currency: "EUR"})
		return err
	}},
	{name: "bearer reversal", call: func(c *backoffice.Client, id string) error {
		_, err := c.Reverse(context.Background(), id, backoffice.ReversalRequest{})
		return err
	}},
	{name: "bearer rebill", call: func(c *backoffice.Client, id string) error {
		_, err := c.Rebill(context.Background(), id, backoffice.RebillRequest{Amount: dec("1"), Currency: "EUR"})
		return err
	}},
	{name: "bearer chargeback", call: func(c *backoffice.Client, id string) error {
		_, err := c.Chargeback(context.Background(), id, backoffice.ChargebackRequest{Amount: dec("1"), Currency: "EUR"})
		return err
	}},
	{name: "bearer chargeback reversal", call: func(c *backoffice.Client, id string) error {
		_, err := c.ReverseChargeback(context.Background(), id, backoffice.ChargebackReversalRequest{Amount: dec("1"), Currency: "EUR"})
		return err
	}},
	{name: "bearer inquiry", call: func(c *backoffice.Client, id string) error {
		_, err := c.Inquire(context.Background(), id)
		return err
	}},
	{name: "bearer credit registration id", registration: true, call: func(c *backoffice.Client, id string) error {
		_, err := c.Credit(context.Background(), backoffice.CreditRequest{Amount: dec("1"), Currency: "EUR", RegistrationID: id})
		return err
	}},
	{name: "checksum capture", checksum: true, call: func(c *backoffice.Client, id string) error {
		_, err := c.Capture(context.Background(), id, backoffice.CaptureRequest{Amount: dec("1"), Currency: "EUR"})
		return err
	}},
	{name: "checksum refund", checksum: true, call: func(c *backoffice.Client, id string) error {
		_, err := c.Refund(context.Background(), id, backoffice.RefundRequest{Amount: dec("1"), Currency: "EUR"})
		return err
	}},
	{name: "checksum reversal", checksum: true, call: func(c *backoffice.Client, id string) error {
		_, err := c.Reverse(context.Background(), id, backoffice.ReversalRequest{})
		return err
	}},
	{name: "checksum inquiry", checksum: true, call: func(c *backoffice.Client, id string) error {
		_, err := c.Inquire(context.Background(), id)
		return err
	}},
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
			if id == "" && op.registration {
				continue // an empty RegistrationID means "no registration": the card/registration rule applies
			}
			t.Run(op.name+"/"+name, func(t *testing.T) {
				t.Parallel()
				rec := newValidationRecorder(t, op.checksum)
				err := op.call(rec.client(t, op.checksum), id)
				requireValidation(t, err, "id")
				assertNothingSent(t, rec)
			})
		}
	}
}

func TestValidationPaymentIDAccepted(t *testing.T) {
	t.Parallel()
	for _, op := range idOps {
		for _, id := range []string{"8a8294496242ba5301625069d1b27e3d", "54289", "a.b_c-D9"} {
			t.Run(op.name+"/"+id, func(t *testing.T) {
				t.Parallel()
				rec := newValidationRecorder(t, op.checksum)
				err := op.call(rec.client(t, op.checksum), id)
				if op.checksum && id != "54289" {
					// The platform's payment ids are numeric (CHECKSUM-PLATFORM.md §1).
					requireValidation(t, err, "id")
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
		name     string
		checksum bool
		call     func(*backoffice.Client) error
		fields   []string
	}{
		{"partial reversal without currency", false, func(c *backoffice.Client) error {
			_, err := c.Reverse(context.Background(), "pa1", backoffice.ReversalRequest{Amount: dec("5")})
			return err
		}, []string{"currency"}},
		{"negative reversal", false, func(c *backoffice.Client) error {
			_, err := c.Reverse(context.Background(), "pa1", backoffice.ReversalRequest{Amount: dec("-5"), Currency: "EUR"})
			return err
		}, []string{"amount"}},
		{"checksum partial reversal", true, func(c *backoffice.Client) error {
			_, err := c.Reverse(context.Background(), "54289", backoffice.ReversalRequest{Amount: dec("5"), Currency: "EUR"})
			return err
		}, []string{"amount"}},
		{"credit with neither card nor registration", false, func(c *backoffice.Client) error {
			_, err := c.Credit(context.Background(), backoffice.CreditRequest{Amount: dec("10"), Currency: "EUR", PaymentBrand: "VISA"})
			return err
		}, []string{"card", "registration"}},
		{"credit with both card and registration", false, func(c *backoffice.Client) error {
			_, err := c.Credit(context.Background(), backoffice.CreditRequest{Amount: dec("10"), Currency: "EUR", PaymentBrand: "VISA",
				Card: validCard(), RegistrationID: "8a82944a4cc25ebf014cc2c782423202"})
			return err
		}, []string{"card", "registration"}},
		{"card failing Luhn", false, credit(card(func(c *backoffice.Card) { c.Number = "4200000000000001" })), []string{"number"}},
		{"card number with letters", false, credit(card(func(c *backoffice.Card) { c.Number = "42000000000000AB" })), []string{"number"}},
		{"empty card number", false, credit(card(func(c *backoffice.Card) { c.Number = "" })), []string{"number"}},
		{"month 00", false, credit(card(func(c *backoffice.Card) { c.ExpiryMonth = "00" })), []string{"month"}},
		{"month 13", false, credit(card(func(c *backoffice.Card) { c.ExpiryMonth = "13" })), []string{"month"}},
		{"month 1 (one digit)", false, credit(card(func(c *backoffice.Card) { c.ExpiryMonth = "1" })), []string{"month"}},
		{"expired last month", false, credit(card(func(c *backoffice.Card) { c.ExpiryMonth, c.ExpiryYear = "05", "2031" })), []string{"expiry", "expired"}},
		{"expired last year", false, credit(card(func(c *backoffice.Card) { c.ExpiryMonth, c.ExpiryYear = "12", "2030" })), []string{"expiry", "expired"}},
		{"CVV of 2 digits", false, credit(card(func(c *backoffice.Card) { c.CVV = "12" })), []string{"cvv"}},
		{"CVV of 5 digits", false, credit(card(func(c *backoffice.Card) { c.CVV = "12345" })), []string{"cvv"}},
		{"CVV of letters", false, credit(card(func(c *backoffice.Card) { c.CVV = "abc" })), []string{"cvv"}},
		{"empty holder", false, credit(card(func(c *backoffice.Card) { c.Holder = "" })), []string{"holder"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := newValidationRecorder(t, tt.checksum)
			err := tt.call(rec.client(t, tt.checksum, backoffice.WithClock(func() time.Time { return now })))
			requireValidation(t, err, tt.fields...)
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
			rec := newValidationRecorder(t, false)
			_, err := rec.bearer(t, backoffice.WithClock(func() time.Time { return now })).Credit(context.Background(),
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
		checksum  bool
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
		{name: "checksum authentication.memberId", key: "authentication.memberId", checksum: true},
		{name: "checksum authentication.checksum", key: "authentication.checksum", checksum: true},
		{name: "checksum paymentType", key: "paymentType", checksum: true},
		{name: "checksum amount", key: "amount", checksum: true},
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
			rec := newValidationRecorder(t, tt.checksum)
			err := call(rec.client(t, tt.checksum, backoffice.WithTestMode(backoffice.TestModeInternal)))
			requireExtraValidation(t, err, tt.key)
			assertNothingSent(t, rec)
		})
	}
}

// Extra fields the SDK does not own are sent as given.
func TestValidationExtraNonOwnedFieldIsSent(t *testing.T) {
	t.Parallel()
	rec := newValidationRecorder(t, false)
	_, err := rec.bearer(t).Capture(context.Background(), "pa1", backoffice.CaptureRequest{Amount: dec("1"), Currency: "EUR",
		Extra: map[string]string{"customParameters[order]": "A&B=1", "descriptor": "shop 1"}})
	require.NoError(t, err)
	reqs := rec.Requests()
	require.Len(t, reqs, 1)
	form, err := url.ParseQuery(string(reqs[0].Body))
	require.NoError(t, err)
	assert.Equal(t, "A&B=1", form.Get("customParameters[order]"))
	assert.Equal(t, "shop 1", form.Get("descriptor"))
}

// NewClient refuses bad credentials and base URLs with a *ValidationError.
func TestNewClientRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		creds  backoffice.Credentials
		opts   []backoffice.Option
		fields []string
	}{
		{"empty access token", backoffice.BearerCredentials{EntityID: "e1"}, nil, []string{"token"}},
		{"empty entity id", backoffice.BearerCredentials{AccessToken: "t1"}, nil, []string{"entity"}},
		{"empty bearer credentials", backoffice.BearerCredentials{}, nil, []string{"token", "entity"}},
		{"empty member id", backoffice.ChecksumCredentials{SecureKey: "k1"}, []backoffice.Option{backoffice.WithBaseURL("https://gw.example.com")}, []string{"member"}},
		{"empty secure key", backoffice.ChecksumCredentials{MemberID: "m1"}, []backoffice.Option{backoffice.WithBaseURL("https://gw.example.com")}, []string{"securekey", "key"}},
		{"checksum without base URL", backoffice.ChecksumCredentials{MemberID: "m1", SecureKey: "k1"}, nil, []string{"url"}},
		{"malformed base URL", bearerCreds, []backoffice.Option{backoffice.WithBaseURL("://not a url")}, []string{"url"}},
		{"base URL without scheme", bearerCreds, []backoffice.Option{backoffice.WithBaseURL("eu-test.oppwa.com")}, []string{"url"}},
		{"base URL without host", bearerCreds, []backoffice.Option{backoffice.WithBaseURL("https://")}, []string{"url"}},
		{"ftp base URL", bearerCreds, []backoffice.Option{backoffice.WithBaseURL("ftp://eu-test.oppwa.com")}, []string{"url"}},
		{"plain http to a public host", bearerCreds, []backoffice.Option{backoffice.WithBaseURL("http://example.com")}, []string{"url"}},
		{"plain http to a private address", bearerCreds, []backoffice.Option{backoffice.WithBaseURL("http://10.0.0.1:8080")}, []string{"url"}},
		{"plain http to a host named like loopback", bearerCreds, []backoffice.Option{backoffice.WithBaseURL("http://localhost.example.com")}, []string{"url"}},
		{"checksum plain http to a public host", checksumCreds, []backoffice.Option{backoffice.WithBaseURL("http://example.com")}, []string{"url"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := backoffice.NewClient(tt.creds, tt.opts...)
			requireValidation(t, err, tt.fields...)
			assert.Nil(t, c)
		})
	}
}

func TestNewClientAcceptsHTTPSAndLoopback(t *testing.T) {
	t.Parallel()
	for _, base := range []string{
		"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080",
		"https://eu-test.oppwa.com", backoffice.TestURL, backoffice.LiveURL,
	} {
		for _, creds := range []backoffice.Credentials{bearerCreds, checksumCreds} {
			t.Run(base, func(t *testing.T) {
				t.Parallel()
				c, err := backoffice.NewClient(creds, backoffice.WithBaseURL(base))
				require.NoError(t, err)
				assert.NotNil(t, c)
			})
		}
	}
	t.Run("bearer default base URL", func(t *testing.T) {
		t.Parallel()
		c, err := backoffice.NewClient(bearerCreds)
		require.NoError(t, err)
		assert.NotNil(t, c)
	})
}

// Operations the variant lacks return ErrUnsupported and send nothing.
func TestUnsupportedOperationsSendNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name     string
		checksum bool
		call     func(*backoffice.Client) error
	}{
		{"checksum rebill", true, func(c *backoffice.Client) error {
			_, err := c.Rebill(ctx, "54289", backoffice.RebillRequest{Amount: dec("1"), Currency: "EUR"})
			return err
		}},
		{"checksum chargeback", true, func(c *backoffice.Client) error {
			_, err := c.Chargeback(ctx, "54289", backoffice.ChargebackRequest{Amount: dec("1"), Currency: "EUR"})
			return err
		}},
		{"checksum chargeback reversal", true, func(c *backoffice.Client) error {
			_, err := c.ReverseChargeback(ctx, "54289", backoffice.ChargebackReversalRequest{Amount: dec("1"), Currency: "EUR"})
			return err
		}},
		{"checksum credit to card", true, func(c *backoffice.Client) error {
			_, err := c.Credit(ctx, backoffice.CreditRequest{Amount: dec("1"), Currency: "EUR", PaymentBrand: "VISA", Card: validCard()})
			return err
		}},
		{"checksum credit to registration", true, func(c *backoffice.Client) error {
			_, err := c.Credit(ctx, backoffice.CreditRequest{Amount: dec("1"), Currency: "EUR", RegistrationID: "8a82944a4cc25ebf014cc2c782423202"})
			return err
		}},
		{"checksum query by merchantTransactionId", true, func(c *backoffice.Client) error {
			_, err := c.QueryByMerchantTransactionID(ctx, "order-1")
			return err
		}},
		{"bearer transaction list", false, func(c *backoffice.Client) error {
			_, err := c.TransactionList(ctx, backoffice.TransactionListRequest{From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC)})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := newValidationRecorder(t, tt.checksum)
			err := tt.call(rec.client(t, tt.checksum))
			require.Error(t, err)
			assert.True(t, errors.Is(err, backoffice.ErrUnsupported), "want ErrUnsupported, got %T: %v", err, err)
			assertNothingSent(t, rec)
		})
	}
}

// sentForm runs call against a fresh recorder and returns the one form it
// sent.
func sentForm(t *testing.T, checksum bool, call func(*backoffice.Client) error, opts ...backoffice.Option) url.Values {
	t.Helper()
	rec := newValidationRecorder(t, checksum)
	require.NoError(t, call(rec.client(t, checksum, opts...)))
	var reqs []recorded
	for _, r := range rec.Requests() {
		if !strings.HasSuffix(r.Path, "/getTransactionList") { // a checksum refund's read before sending
			reqs = append(reqs, r)
		}
	}
	require.Len(t, reqs, 1)
	form, err := url.ParseQuery(string(reqs[0].Body))
	require.NoError(t, err)
	return form
}

// Amounts travel as exactly two decimals.
func TestAmountIsSentWithTwoDecimals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		amount, currency, want string
		checksum               bool
	}{
		{"1", "EUR", "1.00", false},
		{"1.5", "EUR", "1.50", false},
		{"0.5", "MXN", "0.50", false},
		{"100", "JPY", "100.00", false},
		{"999999999999.99", "EUR", "999999999999.99", false},
		{"1", "EUR", "1.00", true},
		{"1.5", "EUR", "1.50", true},
	}
	for _, tt := range tests {
		t.Run(tt.amount+" "+tt.currency, func(t *testing.T) {
			t.Parallel()
			id := "pa1"
			if tt.checksum {
				id = "54289"
			}
			form := sentForm(t, tt.checksum, func(c *backoffice.Client) error {
				_, err := c.Capture(context.Background(), id, backoffice.CaptureRequest{Amount: dec(tt.amount), Currency: tt.currency})
				return err
			})
			assert.Equal(t, []string{tt.want}, form["amount"])
		})
	}
}

// Every money-moving call carries a merchantTransactionId: the caller's, or
// a generated one that is unique per call.
func TestMerchantTransactionIDAlwaysSent(t *testing.T) {
	t.Parallel()
	ops := []struct {
		name     string
		checksum bool
		call     func(c *backoffice.Client, mtid string) error
	}{
		{"bearer capture", false, func(c *backoffice.Client, m string) error {
			_, err := c.Capture(context.Background(), "pa1", backoffice.CaptureRequest{Amount: dec("1"), Currency: "EUR", MerchantTransactionID: m})
			return err
		}},
		{"bearer refund", false, func(c *backoffice.Client, m string) error {
			_, err := c.Refund(context.Background(), "db1", backoffice.RefundRequest{Amount: dec("1"), Currency: "EUR", MerchantTransactionID: m})
			return err
		}},
		{"bearer full reversal", false, func(c *backoffice.Client, m string) error {
			_, err := c.Reverse(context.Background(), "pa1", backoffice.ReversalRequest{MerchantTransactionID: m})
			return err
		}},
		{"bearer rebill", false, func(c *backoffice.Client, m string) error {
			_, err := c.Rebill(context.Background(), "db1", backoffice.RebillRequest{Amount: dec("1"), Currency: "EUR", MerchantTransactionID: m})
			return err
		}},
		{"bearer chargeback", false, func(c *backoffice.Client, m string) error {
			_, err := c.Chargeback(context.Background(), "db1", backoffice.ChargebackRequest{Amount: dec("1"), Currency: "EUR", MerchantTransactionID: m})
			return err
		}},
		{"bearer chargeback reversal", false, func(c *backoffice.Client, m string) error {
			_, err := c.ReverseChargeback(context.Background(), "cb1", backoffice.ChargebackReversalRequest{Amount: dec("1"), Currency: "EUR", MerchantTransactionID: m})
			return err
		}},
		{"bearer credit", false, func(c *backoffice.Client, m string) error {
			_, err := c.Credit(context.Background(), backoffice.CreditRequest{Amount: dec("1"), Currency: "EUR", PaymentBrand: "VISA", Card: validCard(), MerchantTransactionID: m})
			return err
		}},
		{"checksum capture", true, func(c *backoffice.Client, m string) error {
			_, err := c.Capture(context.Background(), "54289", backoffice.CaptureRequest{Amount: dec("1"), Currency: "EUR", MerchantTransactionID: m})
			return err
		}},
		{"checksum refund", true, func(c *backoffice.Client, m string) error {
			_, err := c.Refund(context.Background(), "54289", backoffice.RefundRequest{Amount: dec("1"), Currency: "EUR", MerchantTransactionID: m})
			return err
		}},
		{"checksum reversal", true, func(c *backoffice.Client, m string) error {
			_, err := c.Reverse(context.Background(), "54289", backoffice.ReversalRequest{MerchantTransactionID: m})
			return err
		}},
	}
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			given := sentForm(t, op.checksum, func(c *backoffice.Client) error { return op.call(c, "order-77") })
			if op.checksum {
				// The platform does not read it for CP, RF, RV (CHECKSUM-PLATFORM.md §2).
				assert.NotContains(t, given, "merchantTransactionId", "the checksum platform drops it: not sent")
				return
			}
			assert.Equal(t, []string{"order-77"}, given["merchantTransactionId"], "the caller's id is sent as given")

			first := sentForm(t, op.checksum, func(c *backoffice.Client) error { return op.call(c, "") })
			second := sentForm(t, op.checksum, func(c *backoffice.Client) error { return op.call(c, "") })
			require.Len(t, first["merchantTransactionId"], 1, "a generated id is sent when none is given")
			require.Len(t, second["merchantTransactionId"], 1)
			a, b := first.Get("merchantTransactionId"), second.Get("merchantTransactionId")
			assert.GreaterOrEqual(t, len(a), 8, "generated id %q is too short", a)
			assert.NotEqual(t, a, b, "two calls must not share a generated id")
		})
	}
}

// testMode is sent only when WithTestMode was given.
func TestTestModeSentOnlyWhenSet(t *testing.T) {
	t.Parallel()
	capture := func(c *backoffice.Client) error {
		_, err := c.Capture(context.Background(), "pa1", backoffice.CaptureRequest{Amount: dec("1"), Currency: "EUR"})
		return err
	}
	credit := func(c *backoffice.Client) error {
		_, err := c.Credit(context.Background(), backoffice.CreditRequest{Amount: dec("1"), Currency: "EUR", RegistrationID: "8a82944a4cc25ebf014cc2c782423202"})
		return err
	}
	tests := []struct {
		name string
		call func(*backoffice.Client) error
		opts []backoffice.Option
		want []string
	}{
		{"capture unset", capture, nil, nil},
		{"capture external", capture, []backoffice.Option{backoffice.WithTestMode(backoffice.TestModeExternal)}, []string{"EXTERNAL"}},
		{"capture internal", capture, []backoffice.Option{backoffice.WithTestMode(backoffice.TestModeInternal)}, []string{"INTERNAL"}},
		{"credit unset", credit, nil, nil},
		{"credit internal", credit, []backoffice.Option{backoffice.WithTestMode(backoffice.TestModeInternal)}, []string{"INTERNAL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			form := sentForm(t, false, tt.call, tt.opts...)
			assert.Equal(t, tt.want, form["testMode"])
		})
	}
}

func TestNewMerchantTransactionIDIsValidAndUnique(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 10000 {
		id := backoffice.NewMerchantTransactionID()
		require.False(t, seen[id], "duplicate %s", id)
		seen[id] = true
		require.Regexp(t, `^bo[0-9a-f]{18}-[0-9a-z]+$`, id)
	}
}
