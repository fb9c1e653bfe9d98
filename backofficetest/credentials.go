package backofficetest

// BearerCredentials are the access token and entity id a Server's bearer
// (Open Payment Platform) variant accepts.
//
// It has the fields of backoffice.BearerCredentials, which the root package
// does not define yet. Once it does, this type becomes an alias of it
// (type BearerCredentials = backoffice.BearerCredentials), so that
// Server.BearerCredentials can be passed to backoffice.NewClient as is; code
// that reads the fields keeps compiling across the change.
type BearerCredentials struct {
	AccessToken string
	EntityID    string
}

// ChecksumCredentials are the member id and secure key a Server's checksum
// (transactionServices) variant accepts.
//
// Like BearerCredentials, it stands in for backoffice.ChecksumCredentials
// and becomes an alias of it once the root package defines that type.
type ChecksumCredentials struct {
	MemberID  string
	SecureKey string
}
