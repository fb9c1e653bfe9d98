package backoffice_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	hoPAN      = "4200000000000000" // the card sent (passes Luhn)
	hoOtherPAN = "4111111111111111" // a card number the gateway echoes that was not sent (passes Luhn)
	hoCVV      = "737"
)

var hoSecrets = []string{hoPAN, hoOtherPAN, hoCVV, bearerCreds.AccessToken}

// hoEchoBody is a gateway answer that repeats every secret it can: in the
// description, parameter errors, resultDetails and descriptor, plainly and
// inside other text. extras adds the harder places: card fields holding a
// full number, and JSON-escaped digits.
func hoEchoBody(code string, extras ...string) string {
	tok := bearerCreds.AccessToken
	more := ""
	for _, e := range extras {
		more += "," + e
	}
	return `{"id":"cd1","paymentType":"CD","amount":"12.00","currency":"EUR","merchantTransactionId":"mtid-secret",` +
		`"descriptor":"ref:` + hoPAN + `:x",` +
		`"result":{"code":"` + code + `","description":"card ` + hoPAN + ` cvv ` + hoCVV + ` token ` + tok + ` other ` + hoOtherPAN + `",` +
		`"parameterErrors":[` +
		`{"name":"card.number","value":"` + hoPAN + `","message":"` + hoPAN + ` failed the check"},` +
		`{"name":"card.cvv","value":"` + hoCVV + `","message":"cvv ` + hoCVV + ` is wrong"},` +
		`{"name":"card.holder","value":"` + hoOtherPAN + `","message":"holder ` + hoOtherPAN + `"}]},` +
		`"resultDetails":{"ExtendedDescription":"card=` + hoPAN + `;cvv=` + hoCVV + `","AcquirerResponse":"Bearer ` + tok + `",` +
		`"ConnectorTxID1":"` + hoOtherPAN + `"},` +
		`"timestamp":"2026-11-29 10:00:00+0000"` + more + `}`
}

// The harder echoes.
var (
	hoEchoCardFields = `"card":{"bin":"` + hoPAN + `","last4Digits":"` + hoPAN + `","holder":"` + hoOtherPAN + `","expiryMonth":"12","expiryYear":"2031"}`
	hoEchoEscaped    = `"extra":{"Escaped":"\u0034200000000000000","EscapedCVV":"cvv \u0037\u00337"}`
)

// hoPaymentTexts is everything a caller can read out of a Payment as text,
// Raw both as bytes and decoded (so JSON escapes cannot hide a secret).
func hoPaymentTexts(t *testing.T, p *backoffice.Payment) map[string]string {
	t.Helper()
	out := map[string]string{
		"Descriptor":            p.Descriptor,
		"Result.Description":    p.Result.Description,
		"MerchantTransactionID": p.MerchantTransactionID,
		"Raw":                   string(p.Raw),
	}
	for i, pe := range p.Result.ParameterErrors {
		out[fmt.Sprintf("ParameterErrors[%d]", i)] = pe.Name + " " + pe.Value + " " + pe.Message
	}
	for k, v := range p.ResultDetails {
		out["ResultDetails."+k] = v
	}
	if p.Card != nil {
		out["Card"] = p.Card.Bin + " " + p.Card.Last4Digits + " " + p.Card.Holder
	}
	if len(p.Raw) > 0 {
		var v any
		if err := json.Unmarshal(p.Raw, &v); err == nil {
			var all []string
			hoWalkStrings(v, &all)
			out["Raw decoded"] = strings.Join(all, " ")
		} else {
			t.Errorf("Raw is not JSON any more: %v", err)
		}
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Errorf("json.Marshal(Payment) fails: %v", err)
	}
	out["json.Marshal(Payment)"] = string(b)
	return out
}

func hoWalkStrings(v any, out *[]string) {
	switch x := v.(type) {
	case string:
		*out = append(*out, x)
	case map[string]any:
		for k, e := range x {
			*out = append(*out, k)
			hoWalkStrings(e, out)
		}
	case []any:
		for _, e := range x {
			hoWalkStrings(e, out)
		}
	}
}

func hoCheckNoSecrets(t *testing.T, p *backoffice.Payment, err error) {
	t.Helper()
	if err != nil {
		hoAssertNoSecret(t, "err.Error()", err.Error(), hoSecrets...)
		hoAssertNoSecret(t, "%+v of err", fmt.Sprintf("%+v", err), hoSecrets...)
		var re *backoffice.ResultError
		if errors.As(err, &re) {
			hoAssertNoSecret(t, "ResultError.Result", fmt.Sprintf("%+v", re.Result), hoSecrets...)
			if re.Payment != nil {
				for where, text := range hoPaymentTexts(t, re.Payment) {
					hoAssertNoSecret(t, "ResultError.Payment."+where, text, hoSecrets...)
				}
			}
		}
		var u *backoffice.UncertainError
		if errors.As(err, &u) {
			b, _ := json.Marshal(u)
			hoAssertNoSecret(t, "UncertainError JSON", string(b), hoSecrets...)
		}
	}
	if p != nil {
		for where, text := range hoPaymentTexts(t, p) {
			hoAssertNoSecret(t, "Payment."+where, text, hoSecrets...)
		}
	}
}

// Card numbers (any digit run passing Luhn), the CVV sent and the access
// token never reach a caller, wherever the gateway echoes them: on a
// refusal, on a success, and on a 401/403.
func TestHostileOutcomeEchoedSecretsAreMaskedEverywhere(t *testing.T) {
	t.Parallel()
	answers := map[string]func(w http.ResponseWriter){
		"refused 400": func(w http.ResponseWriter) { writeJSON(w, 400, hoEchoBody("100.100.101")) },
		"refused 200": func(w http.ResponseWriter) { writeJSON(w, 200, hoEchoBody("800.100.151")) },
		"booked":      func(w http.ResponseWriter) { writeJSON(w, 200, hoEchoBody("000.100.110")) },
		"401 token": func(w http.ResponseWriter) {
			writeJSON(w, 401, `{"result":{"code":"800.900.300","description":"invalid authentication information: Bearer `+bearerCreds.AccessToken+`"},"resultDetails":{"token":"`+bearerCreds.AccessToken+`"}}`)
		},
		"403 token": func(w http.ResponseWriter) {
			writeJSON(w, 403, `{"result":{"code":"800.900.300","description":"token `+bearerCreds.AccessToken+` has no access to card `+hoPAN+`"}}`)
		},
	}
	for name, answer := range answers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newHoWire(t, func(_ int, w http.ResponseWriter, _ *http.Request) { answer(w) },
				func(_ int, w http.ResponseWriter, _ *http.Request) {
					// the look-up echoes too
					hoFoundList(w, hoEchoBody("000.100.110"))
				})
			c := s.client(t, backoffice.WithRetryPolicy(backoffice.RetryPolicy{MaxAttempts: 1, MinWait: time.Millisecond, MaxWait: time.Millisecond, SettleTime: 20 * time.Millisecond, LookupInterval: 5 * time.Millisecond}))
			card := backoffice.Card{Number: hoPAN, Holder: "Jane Jones", ExpiryMonth: "12", ExpiryYear: "2031", CVV: hoCVV}
			p, err := c.Credit(hoCtx(t, 3*time.Second), backoffice.CreditRequest{Amount: dec("12.00"), Currency: "EUR", PaymentBrand: "VISA", Card: &card, MerchantTransactionID: "mtid-secret"})
			hoCheckNoSecrets(t, p, err)
		})
	}
}

// hoCredit sends the credit whose card the echoes repeat.
func hoCredit(t *testing.T, c *backoffice.Client) (*backoffice.Payment, error) {
	t.Helper()
	card := backoffice.Card{Number: hoPAN, Holder: "Jane Jones", ExpiryMonth: "12", ExpiryYear: "2031", CVV: hoCVV}
	return c.Credit(hoCtx(t, 3*time.Second), backoffice.CreditRequest{Amount: dec("12.00"), Currency: "EUR", PaymentBrand: "VISA", Card: &card, MerchantTransactionID: "mtid-secret"})
}

var hoOneAttempt = backoffice.RetryPolicy{MaxAttempts: 1, MinWait: time.Millisecond, MaxWait: time.Millisecond, SettleTime: 20 * time.Millisecond, LookupInterval: 5 * time.Millisecond}

// BUG: card fields (bin, last4Digits, holder) that echo a full card number
// reach Payment.Card verbatim, on a refusal and on a booking. The contract:
// card numbers never appear in Payment fields; CardInfo "never holds a full
// card number".
func TestHostileFixed_CardInfoEchoingFullCardNumberNotMasked(t *testing.T) {
	t.Parallel()
	for _, code := range []string{"000.100.110", "100.100.101"} {
		t.Run(code, func(t *testing.T) {
			t.Parallel()
			s := newHoWire(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 200, hoEchoBody(code, hoEchoCardFields))
			}, nil)
			p, err := hoCredit(t, s.client(t, backoffice.WithRetryPolicy(hoOneAttempt)))
			var re *backoffice.ResultError
			if errors.As(err, &re) {
				p = re.Payment
			}
			require.NotNil(t, p, "err %v", err)
			require.NotNil(t, p.Card)
			hoAssertNoSecret(t, "Payment.Card", p.Card.Bin+" "+p.Card.Last4Digits+" "+p.Card.Holder, hoPAN, hoOtherPAN)
		})
	}
}

// BUG: a card number the gateway sends JSON-escaped ("\u0034200...") is
// masked inside the escape: Payment.Raw stops being JSON (so
// json.Marshal(Payment) fails), and where it is left alone the decoded Raw
// still holds the card number. The contract: Raw is the body as received,
// with card numbers masked.
func TestHostileFixed_MaskingBreaksRawOnJSONEscapedCardNumber(t *testing.T) {
	t.Parallel()
	s := newHoWire(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, hoEchoBody("000.100.110", hoEchoEscaped))
	}, nil)
	p, err := hoCredit(t, s.client(t, backoffice.WithRetryPolicy(hoOneAttempt)))
	require.NoError(t, err)
	assert.True(t, json.Valid(p.Raw), "Raw is no longer JSON: %s", p.Raw)
	_, merr := json.Marshal(p)
	assert.NoError(t, merr, "a Payment cannot be marshalled")
	var v any
	if json.Unmarshal(p.Raw, &v) == nil {
		var all []string
		hoWalkStrings(v, &all)
		hoAssertNoSecret(t, "decoded Raw", strings.Join(all, " "), hoPAN, hoCVV)
	}
}

// BUG: when the direct answer is uncertain and the look-up finds the credit,
// the Payment returned is the look-up's record, and the CVV this call sent,
// echoed in its description and resultDetails, is not masked there (the
// direct answer path masks it). The contract: the CVV of a call that sent
// one never appears in Payment fields or Raw.
func TestHostileFixed_LookupRecordLeaksSentCVV(t *testing.T) {
	t.Parallel()
	s := newHoWire(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, hoEchoBody("900.100.300"))
	}, func(_ int, w http.ResponseWriter, _ *http.Request) {
		hoFoundList(w, hoEchoBody("000.100.110"))
	})
	p, err := hoCredit(t, s.client(t, backoffice.WithRetryPolicy(hoOneAttempt)))
	if err == nil {
		assert.Equal(t, "cd1", p.ID)
	}
	hoCheckNoSecrets(t, p, err)
}

// The same for a refund (no card sent): Luhn digit runs and the token are
// masked even when no card was part of the call.
func TestHostileOutcomeEchoedSecretsOnRefund(t *testing.T) {
	t.Parallel()
	body := hoEchoBody("700.400.200")
	s := newHoWire(t, func(_ int, w http.ResponseWriter, _ *http.Request) { writeJSON(w, 400, body) }, nil)
	p, err := hoRefund(t, s.client(t))
	require.Error(t, err)
	// The CVV was not sent by a refund, so "737" may stay; the rest may not.
	for _, secret := range []string{hoPAN, hoOtherPAN, bearerCreds.AccessToken} {
		hoAssertNoSecret(t, "err.Error()", err.Error(), secret)
		var re *backoffice.ResultError
		if errors.As(err, &re) && re.Payment != nil {
			for where, text := range hoPaymentTexts(t, re.Payment) {
				hoAssertNoSecret(t, where, text, secret)
			}
		}
	}
	_ = p
}

// A gateway, or a proxy in front of it, that echoes a credential as a URL
// carries it (query- or path-escaped, upper- or lower-case hex) or as JSON
// escapes it leaks it no more than one echoing it plainly: every form is
// masked in every text of the answer and of the error. (The backoffice
// command's hostile tester found the query-escaped access token in its
// reports.)
func TestEchoedCredentialFormsAreMasked(t *testing.T) {
	t.Parallel()
	const token = "OGE4+Mjk0/MTcy=ODFi&OGVl?MzAx%MjgyOTk" // every character the escapes change
	const key = "s3cr+et/Key=with&odd?chars"
	jsonEscaped := func(s string) string { // as a PHP gateway or an HTML-safe encoder writes it
		s = strings.ReplaceAll(s, "/", `\/`)
		s = strings.ReplaceAll(s, "&", `\u0026`)
		return strings.ReplaceAll(s, "+", `\u002B`)
	}
	lowerHex := func(s string) string {
		return regexp.MustCompile(`%[0-9A-F]{2}`).ReplaceAllStringFunc(s, strings.ToLower)
	}
	forms := map[string]func(string) string{
		"query":           url.QueryEscape,
		"path":            url.PathEscape,
		"query lower hex": func(s string) string { return lowerHex(url.QueryEscape(s)) },
		"path lower hex":  func(s string) string { return lowerHex(url.PathEscape(s)) },
		"json":            jsonEscaped,
	}
	for name, form := range forms {
		for _, v := range []struct {
			variant string
			secret  string
			creds   backoffice.Credentials
			body    func(echo string) string
		}{
			{"bearer", token, backoffice.BearerCredentials{AccessToken: token, EntityID: bearerCreds.EntityID}, func(echo string) string {
				return `{"id":"x1","paymentType":"CP","result":{"code":"100.100.101","description":"debug: ` + echo + ` refused"},` +
					`"resultDetails":{"request":"token=` + echo + `&amount=5.00"}}`
			}},
			{"checksum", key, backoffice.ChecksumCredentials{MemberID: "10001", SecureKey: key}, func(echo string) string {
				return `{"paymentId":"12345","status":"authsuccessful","result":{"code":"20085","description":"debug: key=` + echo + ` refused"}}`
			}},
		} {
			t.Run(name+"/"+v.variant, func(t *testing.T) {
				t.Parallel()
				echo := jsonEscape(form(v.secret))
				if name == "json" {
					echo = form(v.secret) // already escaped
				}
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 400, v.body(echo)) }))
				t.Cleanup(srv.Close)
				c := newTestClient(t, srv.URL, v.creds, backoffice.WithRetryPolicy(hoOneAttempt))
				_, err := c.Capture(hoCtx(t, 3*time.Second), "12345", backoffice.CaptureRequest{Amount: dec("5"), Currency: "EUR", MerchantTransactionID: "mtid-1"})
				var re *backoffice.ResultError
				require.ErrorAs(t, err, &re)
				require.Contains(t, re.Result.Description, "debug: ", "the echo is in the description")
				secrets := []string{v.secret, url.QueryEscape(v.secret), url.PathEscape(v.secret), lowerHex(url.QueryEscape(v.secret)), lowerHex(url.PathEscape(v.secret))}
				hoAssertNoSecret(t, "err.Error()", err.Error(), secrets...)
				hoAssertNoSecret(t, "Result.Description", re.Result.Description, secrets...)
				if re.Payment != nil {
					for where, text := range hoPaymentTexts(t, re.Payment) {
						hoAssertNoSecret(t, where, text, secrets...)
					}
				}
			})
		}
	}
}

// jsonEscape returns s as the inside of a JSON string.
func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}
