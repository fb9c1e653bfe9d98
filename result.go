package backoffice

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

// Description returns the catalogue's description of c, "" when unknown.
func (c ResultCode) Description() string { return "" }
