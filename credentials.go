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
// Checksum).
//
// With PartnerID and Username the Client also obtains an AuthToken (POST
// /transactionServices/REST/v1/authToken, valid one hour), keeps it for
// its lifetime, renews it before it expires and once more when a call is
// refused for the token, and sends it as header AuthToken on every call.
// The secure key then travels in exactly one kind of request, the token
// request (form field authentication.sKey), and only over TLS (or to a
// loopback test server); every other request carries only the checksum.
// Without PartnerID and Username no token is fetched or sent, which suits
// deployments that do not enforce it; those that do refuse the transaction
// list (and, per the platform's documentation, every call).
//
// Printing, logging or marshalling the credentials never shows the secure
// key.
type ChecksumCredentials struct {
	MemberID  string // authentication.memberId: numeric, at most 10 digits
	SecureKey string
	PartnerID string // authentication.partnerId of the token request; with Username, or neither
	Username  string // merchant.username of the token request
}

func (ChecksumCredentials) variant() variant { return variantChecksum }

// String redacts the secure key.
func (c ChecksumCredentials) String() string {
	return fmt.Sprintf("ChecksumCredentials{MemberID: %s, SecureKey: %s, PartnerID: %s, Username: %s}",
		c.MemberID, maskAll(c.SecureKey), c.PartnerID, c.Username)
}

// GoString redacts like String, for %#v.
func (c ChecksumCredentials) GoString() string { return "backoffice." + c.String() }

// Format redacts for every verb.
func (c ChecksumCredentials) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c) }

// LogValue redacts for log/slog.
func (c ChecksumCredentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("member_id", c.MemberID), slog.String("secure_key", maskAll(c.SecureKey)),
		slog.String("partner_id", c.PartnerID), slog.String("username", c.Username))
}

// MarshalJSON redacts the secure key.
func (c ChecksumCredentials) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"memberId": c.MemberID, "secureKey": maskAll(c.SecureKey),
		"partnerId": c.PartnerID, "username": c.Username})
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
