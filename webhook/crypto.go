package webhook

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// The headers that carry the nonce and the authentication tag.
const (
	HeaderIV  = "X-Initialization-Vector"
	HeaderTag = "X-Authentication-Tag"
)

const (
	keySize   = 32 // AES-256
	nonceSize = 12 // the gateway's IV; GCM's standard nonce
	tagSize   = 16
)

// Errors Parse returns, wrapped with what was wrong but never with the
// value that was: test with errors.Is.
var (
	// ErrSecret: the secret is not 64 hexadecimal characters. It is a
	// configuration mistake, not the delivery's fault.
	ErrSecret = errors.New("webhook: secret is not 64 hexadecimal characters")
	// ErrHeader: X-Initialization-Vector or X-Authentication-Tag is missing,
	// not hex, or of the wrong length.
	ErrHeader = errors.New("webhook: bad encryption header")
	// ErrBody: the body is neither hex nor {"encryptedBody":"<hex>"}.
	ErrBody = errors.New("webhook: body is not hex ciphertext")
	// ErrAuthentication: decryption failed. The secret is not this
	// webhook's, or the body, IV or tag was altered; nothing of the body
	// can be trusted.
	ErrAuthentication = errors.New("webhook: authentication failed (wrong secret, or the delivery was altered)")
	// ErrPayload: the body decrypted and authenticated but is not a JSON
	// notification. The gateway does not send such deliveries.
	ErrPayload = errors.New("webhook: decrypted body is not a notification")
)

// decrypt authenticates and decrypts one delivery and returns the
// plaintext.
func decrypt(header http.Header, body []byte, secret string) ([]byte, error) {
	aead, err := newAEAD(secret)
	if err != nil {
		return nil, err
	}
	iv, err := headerHex(header, HeaderIV, nonceSize)
	if err != nil {
		return nil, err
	}
	tag, err := headerHex(header, HeaderTag, tagSize)
	if err != nil {
		return nil, err
	}
	ct, err := ciphertext(body)
	if err != nil {
		return nil, err
	}
	// Go's GCM takes the tag appended to the ciphertext.
	plain, err := aead.Open(nil, iv, append(ct, tag...), nil)
	if err != nil {
		return nil, ErrAuthentication
	}
	return plain, nil
}

func newAEAD(secret string) (cipher.AEAD, error) {
	key, err := hex.DecodeString(strings.TrimSpace(secret))
	if err != nil || len(key) != keySize {
		return nil, ErrSecret
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, ErrSecret // cannot happen with 32 bytes
	}
	return cipher.NewGCM(block)
}

// headerHex decodes header name, which must hold size bytes in hex.
func headerHex(h http.Header, name string, size int) ([]byte, error) {
	v := strings.TrimSpace(h.Get(name))
	if v == "" {
		return nil, fmt.Errorf("%w: %s missing", ErrHeader, name)
	}
	b, err := hex.DecodeString(v)
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not hex", ErrHeader, name)
	}
	if len(b) != size {
		return nil, fmt.Errorf("%w: %s holds %d bytes, want %d", ErrHeader, name, len(b), size)
	}
	return b, nil
}

// ciphertext returns the body's ciphertext, from plain hex or from the
// JSON wrapper.
func ciphertext(body []byte) ([]byte, error) {
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '{' {
		var w struct {
			EncryptedBody string `json:"encryptedBody"`
		}
		if err := json.Unmarshal(body, &w); err != nil || w.EncryptedBody == "" {
			return nil, fmt.Errorf("%w: a JSON body must be {\"encryptedBody\":\"<hex>\"}", ErrBody)
		}
		body = []byte(strings.TrimSpace(w.EncryptedBody))
	}
	if len(body) == 0 {
		return nil, fmt.Errorf("%w: empty", ErrBody)
	}
	ct := make([]byte, hex.DecodedLen(len(body)))
	if _, err := hex.Decode(ct, body); err != nil {
		// hex's own error quotes the offending byte; name none.
		return nil, fmt.Errorf("%w: %d characters, not all hexadecimal digits in pairs", ErrBody, len(body))
	}
	return ct, nil
}

// Encrypt makes a delivery of plaintext as the gateway makes one: a fresh
// random 12-byte IV, AES-256-GCM under secret (64 hexadecimal characters),
// and upper-case hex in the body and the X-Initialization-Vector and
// X-Authentication-Tag headers, as in the gateway's samples. The body is
// plain hex; wrap it as {"encryptedBody":"<hex>"} to test the JSON form.
// It is for tests and fake gateways: Parse(header, body, secret) returns
// plaintext's notification.
func Encrypt(secret string, plaintext []byte) (header http.Header, body []byte, err error) {
	aead, err := newAEAD(secret)
	if err != nil {
		return nil, nil, err
	}
	iv := make([]byte, nonceSize)
	if _, err := rand.Read(iv); err != nil {
		return nil, nil, err
	}
	sealed := aead.Seal(nil, iv, plaintext, nil)
	ct, tag := sealed[:len(plaintext)], sealed[len(plaintext):]
	header = http.Header{}
	header.Set(HeaderIV, upperHex(iv))
	header.Set(HeaderTag, upperHex(tag))
	return header, []byte(upperHex(ct)), nil
}

func upperHex(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }
