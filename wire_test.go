package backoffice_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/c81406b6/backoffice"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The wire format of the fields the SDK owns: amounts, the
// merchantTransactionId and testMode.

// sentForm runs call against a fresh recorder and returns the one form it
// sent.
func sentForm(t *testing.T, v variant, call func(*backoffice.Client) error, opts ...backoffice.Option) url.Values {
	t.Helper()
	rec := newValidationRecorder(t, v)
	require.NoError(t, call(newTestClient(t, rec.URL, v.creds(), opts...)))
	reqs := moneyRequests(rec)
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
		v                      variant
	}{
		{"1", "EUR", "1.00", bearerVariant},
		{"1.5", "EUR", "1.50", bearerVariant},
		{"0.5", "MXN", "0.50", bearerVariant},
		{"100", "JPY", "100.00", bearerVariant},
		{"999999999999.99", "EUR", "999999999999.99", bearerVariant},
		{"1", "EUR", "1.00", checksumVariant},
		{"1.5", "EUR", "1.50", checksumVariant},
	}
	for _, tt := range tests {
		t.Run(tt.amount+" "+tt.currency, func(t *testing.T) {
			t.Parallel()
			id := targetPreauthorization.recorderID(tt.v)
			form := sentForm(t, tt.v, func(c *backoffice.Client) error {
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
	// Every money-moving call a variant performs.
	ops := opsWhere(func(op testOp, v variant) bool { return op.on(v) == supported && op.movesMoney() })
	send := func(op variantOp, mtid string) func(*backoffice.Client) error {
		return func(c *backoffice.Client) error {
			a := op.args(op.v)
			a.mtid = mtid
			_, _, err := op.do(c, a)
			return err
		}
	}
	for _, op := range ops {
		t.Run(op.String(), func(t *testing.T) {
			t.Parallel()
			given := sentForm(t, op.v, send(op, "order-77"))
			if op.v == checksumVariant {
				// The platform does not read it for CP, RF, RV (CHECKSUM-PLATFORM.md §2).
				assert.NotContains(t, given, "merchantTransactionId", "the checksum platform drops it: not sent")
				return
			}
			assert.Equal(t, []string{"order-77"}, given["merchantTransactionId"], "the caller's id is sent as given")

			first := sentForm(t, op.v, send(op, ""))
			second := sentForm(t, op.v, send(op, ""))
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
			form := sentForm(t, bearerVariant, tt.call, tt.opts...)
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
