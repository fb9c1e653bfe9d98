package backoffice

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"sync"
	"sync/atomic"
)

// NewMerchantTransactionID returns a new merchantTransactionId, unique
// without coordination: a prefix of 72 random bits drawn once per process,
// and a counter. It is 22 characters or more, of [0-9a-z-].
//
// Create it before a money-moving call and store it (with the order, in
// the job's journal) before sending, then pass it in the request: a
// process that dies mid-call can then still look the call up
// (QueryByMerchantTransactionID) or settle it (Client.Resolve). An id the
// SDK generates itself for a request without one lives only in memory
// until the call returns.
//
// Give every operation its own id: a look-up tells two operations of the
// same type and amount apart only by it.
func NewMerchantTransactionID() string {
	b := make([]byte, 0, 32)
	b = append(b, idPrefix()...)
	b = strconv.AppendUint(b, idSeq.Add(1), 36)
	return string(b)
}

var (
	idSeq    atomic.Uint64
	idPrefix = sync.OnceValue(func() string {
		var seed [9]byte
		if _, err := rand.Read(seed[:]); err != nil {
			// crypto/rand does not fail on supported platforms (Go 1.24
			// makes it crash instead); a process without randomness must
			// not make ids that could collide with another's.
			panic("backoffice: no randomness for merchantTransactionId generation: " + err.Error())
		}
		return "bo" + hex.EncodeToString(seed[:]) + "-"
	})
)
