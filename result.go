package backoffice

import (
	"cmp"
	"slices"
)

//go:generate go run ./internal/gen/resultcodes -in ../shared/reference/opp-resultcodes.json -out resultcodes.go

// ResultCode is a gateway result code such as "000.100.112".
type ResultCode string

// Category is a published group of result codes.
type Category int

// CategoryUnknown is the category of a code that matches no published group.
const CategoryUnknown Category = 0

// Category returns the published group of c.
func (c ResultCode) Category() Category { return CategoryUnknown }

// IsSuccessful reports success or success needing review.
func (c ResultCode) IsSuccessful() bool { return false }

// NeedsReview reports success that needs manual review.
func (c ResultCode) NeedsReview() bool { return false }

// IsPending reports a pending code.
func (c ResultCode) IsPending() bool { return false }

// Description returns the built-in catalogue's description of c, byte for
// byte as the gateway publishes it, or "" when c is not in the catalogue. It
// covers the bearer variant's published codes and the checksum variant's
// five-digit codes known so far. The gateway's own result.description, when
// present in a response, is authoritative.
func (c ResultCode) Description() string {
	table := resultCodes
	if len(c) == 5 {
		table = checksumResultCodes
	}
	i, ok := slices.BinarySearchFunc(table, c, func(e catalogueEntry, c ResultCode) int {
		return cmp.Compare(e.code, c)
	})
	if !ok {
		return ""
	}
	return table[i].description
}

// catalogueEntry is one line of the built-in catalogue in resultcodes.go.
type catalogueEntry struct {
	code        ResultCode
	description string
}
