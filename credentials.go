package backoffice

import (
	"encoding/json"
	"fmt"
	"log/slog"
)

// Credentials select the gateway variant a Client speaks. Only
// BearerCredentials and ChecksumCredentials implement it, as values or
// pointers.
type Credentials interface {
	variant() variant
}

type variant int

const (
	variantBearer variant = iota + 1
	variantChecksum
)

// String names the variant for logs.
func (v variant) String() string {
	if v == variantChecksum {
		return "checksum"
	}
	return "bearer"
}

// BearerCredentials authenticate to the Open Payment Platform style API
// (/v1/payments/{id}): AccessToken goes in the Authorization header and
// EntityID in every request. Printing or logging them never shows the token.
type BearerCredentials struct {
	AccessToken string
	EntityID    string
}

func (BearerCredentials) variant() variant { return variantBearer }

// String redacts the access token.
func (c BearerCredentials) String() string {
	return fmt.Sprintf("BearerCredentials{AccessToken: %s, EntityID: %s}", maskAll(c.AccessToken), c.EntityID)
}

// GoString redacts like String, for %#v.
func (c BearerCredentials) GoString() string { return "backoffice." + c.String() }

// Format redacts for every verb.
func (c BearerCredentials) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c) }

// LogValue redacts for log/slog.
func (c BearerCredentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("entity_id", c.EntityID), slog.String("access_token", maskAll(c.AccessToken)))
}

// MarshalJSON redacts the access token.
func (c BearerCredentials) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"entityId": c.EntityID, "accessToken": maskAll(c.AccessToken)})
}

// ChecksumCredentials authenticate to the transactionServices API: every
// request carries MemberID and an MD5 checksum computed with SecureKey (see
// Checksum). The secure key itself is never sent, printed or logged.
type ChecksumCredentials struct {
	MemberID  string
	SecureKey string
}

func (ChecksumCredentials) variant() variant { return variantChecksum }

// String redacts the secure key.
func (c ChecksumCredentials) String() string {
	return fmt.Sprintf("ChecksumCredentials{MemberID: %s, SecureKey: %s}", c.MemberID, maskAll(c.SecureKey))
}

// GoString redacts like String, for %#v.
func (c ChecksumCredentials) GoString() string { return "backoffice." + c.String() }

// Format redacts for every verb.
func (c ChecksumCredentials) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c) }

// LogValue redacts for log/slog.
func (c ChecksumCredentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("member_id", c.MemberID), slog.String("secure_key", maskAll(c.SecureKey)))
}

// MarshalJSON redacts the secure key.
func (c ChecksumCredentials) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"memberId": c.MemberID, "secureKey": maskAll(c.SecureKey)})
}

// formatRedacted prints a value's redacted String or GoString whatever verb
// and flags are used, so no format can reach the raw fields.
func formatRedacted(f fmt.State, verb rune, v interface {
	fmt.Stringer
	fmt.GoStringer
}) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, v.GoString())
		return
	}
	fmt.Fprint(f, v.String())
}
