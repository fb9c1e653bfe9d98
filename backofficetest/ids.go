package backofficetest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
)

// newID returns 32 lowercase hexadecimal characters, the shape of the
// gateway's payment, registration and entity ids.
func newID() string {
	return hex.EncodeToString(randomBytes(16))
}

// newToken returns an access token shaped like the gateway's (base64).
func newToken() string {
	return base64.StdEncoding.EncodeToString(randomBytes(36))
}

// newDigits returns n random decimal digits, not starting with 0.
func newDigits(n int) string {
	b := randomBytes(n)
	for i := range b {
		b[i] = '0' + b[i]%10
	}
	if b[0] == '0' {
		b[0] = '1'
	}
	return string(b)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		// crypto/rand only fails when the system has no entropy source: a
		// test cannot run meaningfully then.
		panic("backofficetest: crypto/rand: " + err.Error())
	}
	return b
}
