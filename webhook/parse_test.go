package webhook_test

import (
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/webhook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The documentation's published decryption example.
const (
	vectorKey   = "000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f"
	vectorIV    = "000000000000000000000000"
	vectorTag   = "CE573FB7A41AB78E743180DC83FF09BD"
	vectorBody  = "0A3471C72D9BE49A8520F79C66BBD9A12FF9"
	vectorPlain = `{"type":"PAYMENT"}`
)

func headers(iv, tag string) http.Header {
	h := http.Header{}
	if iv != "" {
		h.Set(webhook.HeaderIV, iv)
	}
	if tag != "" {
		h.Set(webhook.HeaderTag, tag)
	}
	return h
}

func TestPublishedVector(t *testing.T) {
	t.Parallel()
	cases := map[string]struct{ key, iv, tag, body string }{
		"as published": {vectorKey, vectorIV, vectorTag, vectorBody},
		"lower case":   {vectorKey, vectorIV, strings.ToLower(vectorTag), strings.ToLower(vectorBody)},
		"upper case":   {strings.ToUpper(vectorKey), vectorIV, vectorTag, vectorBody},
		"JSON wrapped": {vectorKey, vectorIV, vectorTag, `{"encryptedBody":"` + vectorBody + `"}`},
		"mixed case":   {vectorKey, vectorIV, "ce573fb7a41ab78e743180DC83FF09BD", "0a3471c72d9be49a8520F79C66BBD9A12FF9"},
		"white space":  {vectorKey, vectorIV, vectorTag, "\r\n" + vectorBody + "\n"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			n, err := webhook.Parse(headers(c.iv, c.tag), []byte(c.body), c.key)
			require.NoError(t, err)
			assert.Equal(t, vectorPlain, string(n.Raw), "the bytes that decrypt, no space")
			assert.Equal(t, "PAYMENT", n.Type)
			assert.Empty(t, n.Action)
			assert.Nil(t, n.Payment, "the vector carries no payload")
			assert.Nil(t, n.Payload)
		})
	}
}

// Changing any bit of any byte of body, IV or tag is refused as
// unauthenticated, and nothing of it is returned.
func TestTamperingRefused(t *testing.T) {
	t.Parallel()
	body, _ := hex.DecodeString(vectorBody)
	iv, _ := hex.DecodeString(vectorIV)
	tag, _ := hex.DecodeString(vectorTag)
	parts := map[string][]byte{"body": body, "iv": iv, "tag": tag}
	for name, part := range parts {
		for i := range part {
			for _, bit := range []byte{0x01, 0x80} {
				part[i] ^= bit
				n, err := webhook.Parse(headers(hex.EncodeToString(iv), hex.EncodeToString(tag)), []byte(hex.EncodeToString(body)), vectorKey)
				part[i] ^= bit
				require.ErrorIs(t, err, webhook.ErrAuthentication, "%s byte %d bit %#x", name, i, bit)
				assert.Nil(t, n)
			}
		}
	}
	// A byte cut off or added is refused too.
	for _, b := range []string{vectorBody[:len(vectorBody)-2], vectorBody + "00"} {
		_, err := webhook.Parse(headers(vectorIV, vectorTag), []byte(b), vectorKey)
		assert.ErrorIs(t, err, webhook.ErrAuthentication)
	}
}

func TestWrongKey(t *testing.T) {
	t.Parallel()
	for _, key := range []string{
		"100102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f",
		"000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0e",
		strings.Repeat("ff", 32),
	} {
		_, err := webhook.Parse(headers(vectorIV, vectorTag), []byte(vectorBody), key)
		require.ErrorIs(t, err, webhook.ErrAuthentication)
		assert.NotContains(t, err.Error(), key)
	}
}

func TestMalformedDeliveries(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name         string
		key, iv, tag string
		body         string
		want         error
		mustNotQuote string
	}{
		{"odd-length body", vectorKey, vectorIV, vectorTag, vectorBody[:35], webhook.ErrBody, vectorBody[:35]},
		{"non-hex body", vectorKey, vectorIV, vectorTag, "0G" + vectorBody[2:], webhook.ErrBody, "0G"},
		{"base64 body", vectorKey, vectorIV, vectorTag, "CjRxxy2b5JqFIPecZrvZoS/5", webhook.ErrBody, "CjRxxy2b5JqFIPecZrvZoS/5"},
		{"empty body", vectorKey, vectorIV, vectorTag, "", webhook.ErrBody, ""},
		{"JSON without encryptedBody", vectorKey, vectorIV, vectorTag, `{"body":"` + vectorBody + `"}`, webhook.ErrBody, vectorBody},
		{"JSON not closed", vectorKey, vectorIV, vectorTag, `{"encryptedBody":"` + vectorBody, webhook.ErrBody, vectorBody},
		{"JSON hex malformed", vectorKey, vectorIV, vectorTag, `{"encryptedBody":"zz"}`, webhook.ErrBody, "zz"},
		{"IV missing", vectorKey, "", vectorTag, vectorBody, webhook.ErrHeader, ""},
		{"tag missing", vectorKey, vectorIV, "", vectorBody, webhook.ErrHeader, ""},
		{"both headers missing", vectorKey, "", "", vectorBody, webhook.ErrHeader, ""},
		{"IV not hex", vectorKey, "00000000000000000000000X", vectorTag, vectorBody, webhook.ErrHeader, "0X"},
		{"IV too short", vectorKey, vectorIV[:22], vectorTag, vectorBody, webhook.ErrHeader, ""},
		{"IV in base64", vectorKey, "AAAAAAAAAAAAAAAA", vectorTag, vectorBody, webhook.ErrHeader, ""},
		{"tag too long", vectorKey, vectorIV, vectorTag + "00", vectorBody, webhook.ErrHeader, ""},
		{"tag not hex", vectorKey, vectorIV, "ZE573FB7A41AB78E743180DC83FF09BD", vectorBody, webhook.ErrHeader, "ZE573FB7"},
		{"secret empty", "", vectorIV, vectorTag, vectorBody, webhook.ErrSecret, ""},
		{"secret AES-128", vectorKey[:32], vectorIV, vectorTag, vectorBody, webhook.ErrSecret, vectorKey[:32]},
		{"secret not hex", "x" + vectorKey[1:], vectorIV, vectorTag, vectorBody, webhook.ErrSecret, vectorKey[1:]},
		{"secret odd", vectorKey + "0", vectorIV, vectorTag, vectorBody, webhook.ErrSecret, vectorKey},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			n, err := webhook.Parse(headers(c.iv, c.tag), []byte(c.body), c.key)
			require.ErrorIs(t, err, c.want)
			assert.Nil(t, n)
			for _, other := range []error{webhook.ErrBody, webhook.ErrHeader, webhook.ErrSecret, webhook.ErrAuthentication, webhook.ErrPayload} {
				if other != c.want {
					assert.False(t, errors.Is(err, other), "also %v", other)
				}
			}
			if c.mustNotQuote != "" {
				assert.NotContains(t, err.Error(), c.mustNotQuote)
			}
		})
	}
}

// A delivery made by Encrypt parses back; a PAYMENT payload becomes a
// Payment decoded and masked as the Client's answers are, and what the
// SDK does not model stays in Raw.
func TestEncryptParseRoundTrip(t *testing.T) {
	t.Parallel()
	plain := `{"type":"PAYMENT","brandNew":[1,2],"payload":{"id":"8ac7a4a2","referencedId":"8ac7a4a1",` +
		`"paymentType":"CB","amount":"92.00","currency":"EUR","merchantTransactionId":"order-1",` +
		`"descriptor":"3017.7139.1650 OPP_Channel ","result":{"code":"000.100.220","description":"Fraudulent Transaction",` +
		`"parameterErrors":[{"name":"card.number","value":"4200000000000000","message":"echoed"}]},` +
		`"card":{"bin":"420000","last4Digits":"0000","holder":"Jane Jones","expiryMonth":"05","expiryYear":"2034"},` +
		`"customParameters":{"SHOPPER_promoCode":"AT052"},"timestamp":"2015-12-07 16:46:07+0000"}}`
	h, body, err := webhook.Encrypt(vectorKey, []byte(plain))
	require.NoError(t, err)
	assert.Len(t, h.Get(webhook.HeaderIV), 24)
	assert.Len(t, h.Get(webhook.HeaderTag), 32)
	assert.Equal(t, strings.ToUpper(string(body)), string(body), "upper-case hex, as the gateway sends")
	assert.Len(t, body, 2*len(plain), "GCM: the ciphertext is as long as the plaintext")

	_, body2, err := webhook.Encrypt(vectorKey, []byte(plain))
	require.NoError(t, err)
	assert.NotEqual(t, body, body2, "a fresh IV for every delivery")

	n, err := webhook.Parse(h, body, vectorKey)
	require.NoError(t, err)
	require.NotNil(t, n.Payment)
	p := n.Payment
	assert.Equal(t, backoffice.PaymentTypeChargeback, p.PaymentType)
	assert.Equal(t, "8ac7a4a1", p.ReferencedID)
	assert.Equal(t, "92.00", p.Amount.StringFixed(2))
	assert.Equal(t, backoffice.ResultCode("000.100.220"), p.Result.Code)
	assert.Equal(t, "3017.7139.1650 OPP_Channel ", p.Descriptor, "trailing space kept")
	assert.Equal(t, "0000", p.Card.Last4Digits)
	for _, raw := range []string{string(n.Raw), string(n.Payload), string(p.Raw)} {
		assert.NotContains(t, raw, "4200000000000000", "card numbers masked everywhere")
		assert.Contains(t, raw, "************0000")
	}
	assert.Contains(t, string(n.Raw), `"brandNew":[1,2]`, "unknown envelope fields kept")
	assert.Contains(t, string(n.Payload), `"customParameters":{"SHOPPER_promoCode":"AT052"}`, "unknown payload fields kept")
	assert.Equal(t, string(p.Raw), string(n.Payload))

	wrapped := []byte(`{"encryptedBody":"` + strings.ToLower(string(body)) + `"}`)
	n2, err := webhook.Parse(h, wrapped, vectorKey)
	require.NoError(t, err)
	assert.Equal(t, n.Raw, n2.Raw)
}

func TestUnknownTypesKept(t *testing.T) {
	t.Parallel()
	for plain, want := range map[string]webhook.Notification{
		`{"type":"REGISTRATION","action":"CREATED","payload":{"id":"r1","randomField":"x"}}`: {Type: "REGISTRATION", Action: "CREATED"},
		`{"type":"RISK","payload":{"paymentType":"RI","referencedId":"p1"}}`:                 {Type: "RISK"},
		`{"type":"SOMETHING_NEW","payload":[1,2,3]}`:                                         {Type: "SOMETHING_NEW"},
		`{"type":7,"payload":null}`:                                                          {Type: "7"},
		`{}`:                                                                                 {},
	} {
		h, body, err := webhook.Encrypt(vectorKey, []byte(plain))
		require.NoError(t, err)
		n, err := webhook.Parse(h, body, vectorKey)
		require.NoError(t, err, plain)
		assert.Equal(t, want.Type, n.Type, plain)
		assert.Equal(t, want.Action, n.Action, plain)
		assert.Nil(t, n.Payment, plain)
		assert.Equal(t, plain, string(n.Raw))
	}
}

// An authenticated body that is not a notification is refused as such,
// never quoted.
func TestAuthenticatedGarbage(t *testing.T) {
	t.Parallel()
	for _, plain := range []string{"4200000000000000", `["4200000000000000"]`, `{"type":"4200000000000000"`,
		`{"type":"PAYMENT","payload":"4200000000000000"}`, `{"type":"PAYMENT","payload":{"amount":{"4200000000000000":1},"paymentType":[]}}`} {
		h, body, err := webhook.Encrypt(vectorKey, []byte(plain))
		require.NoError(t, err)
		n, err := webhook.Parse(h, body, vectorKey)
		require.ErrorIs(t, err, webhook.ErrPayload, "%q", plain)
		assert.Nil(t, n)
		assert.NotContains(t, err.Error(), "4200000000000000")
	}
}

func TestEncryptRefusesBadSecret(t *testing.T) {
	t.Parallel()
	_, _, err := webhook.Encrypt("not a key", []byte(vectorPlain))
	require.ErrorIs(t, err, webhook.ErrSecret)
	assert.NotContains(t, err.Error(), "not a key")
}
