package backoffice

import (
	"crypto/md5"
	"encoding/hex"
)

// Checksum returns the transactionServices request signature: the lower-case
// hexadecimal MD5 of memberID, secureKey and fields joined by "|".
//
// Capture and refund sign memberId|secureKey|paymentId|amount, reversal and
// inquiry memberId|secureKey|paymentId, and the transaction list
// memberId|secureKey. The Client computes it for every checksum-variant
// request; it is exported for callers who verify or build requests
// themselves. Operations send only this digest; the secure key itself
// travels only in the AuthToken request (see ChecksumCredentials), over TLS.
func Checksum(memberID, secureKey string, fields ...string) string {
	h := md5.New()
	h.Write([]byte(memberID))
	h.Write(pipe)
	h.Write([]byte(secureKey))
	for _, f := range fields {
		h.Write(pipe)
		h.Write([]byte(f))
	}
	var sum [md5.Size]byte
	var out [2 * md5.Size]byte
	hex.Encode(out[:], h.Sum(sum[:0]))
	return string(out[:])
}

var pipe = []byte{'|'}
