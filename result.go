package backoffice

import (
	"sort"
	"strconv"
	"strings"
)

//go:generate go run ./internal/gen/resultcodes -in internal/gen/resultcodes/opp-resultcodes.json -out resultcodes.go

// ResultCode is a gateway result code: "ddd.ddd.ddd" such as "000.100.112" in
// the bearer variant, five digits such as "00001" in the checksum variant.
//
// Its methods never panic and never allocate, whatever the string holds, so
// they are safe on untrusted responses and in hot paths.
type ResultCode string

// Category returns the published group of c, testing the groups in the
// gateway's published order (the first match wins). It returns
// CategoryUnknown for any code that is not exactly "ddd.ddd.ddd" (no spaces,
// ASCII digits only) or that matches no group; the groups describe the
// bearer variant only, so five-digit checksum codes are CategoryUnknown.
func (c ResultCode) Category() Category {
	s := string(c)
	if len(s) != 11 || s[3] != '.' || s[7] != '.' {
		return CategoryUnknown
	}
	first, mid, last := triple(s[0:3]), triple(s[4:7]), triple(s[8:11])
	if first < 0 || mid < 0 || last < 0 {
		return CategoryUnknown
	}
	// Every published alternative starts with a literal first group, so
	// dispatching on it cannot change which group matches first. Below,
	// x/100 is a group's first digit, x/10 its first two, x%10 and x%100
	// its last one and two; each case quotes the alternatives it implements.
	switch first {
	case 0:
		return category000(mid, last)
	case 100:
		return category100(mid, last)
	case 200:
		if mid/100 >= 1 && mid/100 <= 3 { // 200\.[123]
			return CategoryRejectedFormat
		}
	case 300:
		if mid == 100 && last == 100 { // 300\.100\.100
			return CategorySoftDecline
		}
	case 500:
		if mid/100 == 1 || mid/100 == 2 { // 500\.[12]
			return CategoryRejectedConfiguration
		}
	case 600:
		switch mid / 100 {
		case 1: // 600\.1
			return CategorySystemError
		case 2, 3: // 600\.[23]
			return CategoryRejectedConfiguration
		}
	case 700:
		// 700\.[1345][05]0
		if h := mid / 100; (h == 1 || h == 3 || h == 4 || h == 5) && (mid%100 == 0 || mid%100 == 50) {
			return CategoryRejectedReference
		}
	case 800:
		return category800(mid, last)
	case 900:
		if mid == 100 || mid == 200 || mid == 300 || mid == 400 { // 900\.[1234]00
			return CategoryCommunicationError
		}
	case 999: // 999\.
		return CategorySystemError
	}
	return CategoryUnknown
}

// triple returns the number the three bytes of s spell, or -1 unless they
// are all ASCII digits.
func triple(s string) int {
	a, b, c := s[0]-'0', s[1]-'0', s[2]-'0' // a non-digit wraps past 9
	if a > 9 || b > 9 || c > 9 {
		return -1
	}
	return int(a)*100 + int(b)*10 + int(c)
}

func category000(mid, last int) Category {
	switch {
	// 000\.000\. | 000\.100\.1 | 000\.[36] | 000\.400\.1[12]0
	case mid == 0,
		mid == 100 && last/100 == 1,
		mid/100 == 3 || mid/100 == 6,
		mid == 400 && (last == 110 || last == 120):
		return CategorySuccess
	// 000\.400\.0[^3] | 000\.400\.100
	case mid == 400 && last/100 == 0 && last/10 != 3,
		mid == 400 && last == 100:
		return CategorySuccessNeedsReview
	// 000\.200
	case mid == 200:
		return CategoryPending
	// 000\.400\.[1][0-9][1-9] | 000\.400\.2
	case mid == 400 && last/100 == 1 && last%10 != 0,
		mid == 400 && last/100 == 2:
		return CategoryRejected3DSRisk
	// 000\.400\.030
	case mid == 400 && last == 30:
		return CategoryCommunicationError
	// 000\.100\.2
	case mid == 100 && last/100 == 2:
		return CategoryChargeback
	}
	return CategoryUnknown
}

func category100(mid, last int) Category {
	switch {
	// 100\.400\.500
	case mid == 400 && last == 500:
		return CategoryPendingLong
	// 100\.39[765]
	case mid >= 395 && mid <= 397:
		return CategoryAsyncWorkflowError
	// 100\.400\.[0-3] | 100\.380\.100 | 100\.380\.11 | 100\.380\.4 | 100\.380\.5
	case mid == 400 && last/100 <= 3,
		mid == 380 && (last == 100 || last/10 == 11 || last/100 == 4 || last/100 == 5):
		return CategoryRejectedExternalRisk
	// 100\.390
	case mid == 390:
		return CategoryRejected3DS
	// 100\.[13]50
	case mid == 150 || mid == 350:
		return CategoryRejectedRegistration
	// 100\.250 | 100\.360
	case mid == 250, mid == 360:
		return CategoryRejectedJob
	// 100\.[53][07] | 100\.[69]00\.500
	case mid/10 == 50 || mid/10 == 57 || mid/10 == 30 || mid/10 == 37,
		(mid == 600 || mid == 900) && last == 500:
		return CategoryRejectedFormat
	// 100\.800
	case mid == 800:
		return CategoryRejectedAddress
	// 100\.700 | 100\.900\.[123467890][00-99]; [00-99] is the class [0-9].
	case mid == 700,
		mid == 900 && last/100 != 5:
		return CategoryRejectedContact
	// 100\.100 | 100\.2[01]
	case mid == 100,
		mid/10 == 20 || mid/10 == 21:
		return CategoryRejectedAccount
	// 100\.55
	case mid/10 == 55:
		return CategoryRejectedAmount
	// 100\.380\.[23] | 100\.380\.101
	case mid == 380 && (last/100 == 2 || last/100 == 3 || last == 101):
		return CategoryRejectedRiskManagement
	}
	return CategoryUnknown
}

func category800(mid, last int) Category {
	switch {
	// 800\.400\.5
	case mid == 400 && last/100 == 5:
		return CategoryPendingLong
	// 800\.[17]00 | 800\.800\.[123]
	case mid == 100 || mid == 700,
		mid == 800 && last/100 >= 1 && last/100 <= 3:
		return CategoryRejectedByBank
	// 800\.[56] | 800\.800\.[84]
	case mid/100 == 5 || mid/100 == 6,
		mid == 800 && (last/100 == 8 || last/100 == 4):
		return CategorySystemError
	// 800\.400\.1
	case mid == 400 && last/100 == 1:
		return CategoryRejectedAddressValidation
	// 800\.400\.2
	case mid == 400 && last/100 == 2:
		return CategoryRejected3DS
	// 800\.[32]
	case mid/100 == 3 || mid/100 == 2:
		return CategoryRejectedBlacklist
	// 800\.1[123456]0
	case mid/10 >= 11 && mid/10 <= 16 && mid%10 == 0:
		return CategoryRejectedRiskValidation
	// 800\.121
	case mid == 121:
		return CategoryRejectedConfiguration
	// 800\.900
	case mid == 900:
		return CategoryRejectedFormat
	}
	return CategoryUnknown
}

// IsSuccessful reports whether c means the request succeeded, including
// success that needs manual review (CategorySuccess or
// CategorySuccessNeedsReview). Chargeback codes (000.100.2xx) and 000.400.030
// (partially failed) are not successful.
//
// The checksum platform's success codes (00001, 00004, 00005, 00006, 00026,
// 00029, 0008, and the token request's 200) are successful; a joined code
// "A | B" lists several errors and is not.
func (c ResultCode) IsSuccessful() bool {
	if len(c) != 11 {
		return isChecksumSuccess(c) // never a well-formed bearer code
	}
	cat := c.Category()
	return cat == CategorySuccess || cat == CategorySuccessNeedsReview
}

// NeedsReview reports whether c is a success that the merchant must review
// manually (CategorySuccessNeedsReview) before acting on it, for instance
// before shipping.
func (c ResultCode) NeedsReview() bool {
	return c.Category() == CategorySuccessNeedsReview
}

// IsPending reports whether the outcome of c is not final yet
// (CategoryPending or CategoryPendingLong); a pending-long code may change
// only after days.
//
// The checksum platform's 10004 ("Transaction is pending") and 90026
// ("ThreeD Authentication Pending") are pending.
func (c ResultCode) IsPending() bool {
	if c == "10004" || c == "90026" {
		return true
	}
	cat := c.Category()
	return cat == CategoryPending || cat == CategoryPendingLong
}

// Description returns the built-in catalogue's description of c, byte for
// byte as the gateway publishes it, or "" when c is not in the catalogue. It
// covers the bearer variant's published codes and the checksum variant's
// five-digit codes known so far. The gateway's own result.description, when
// present in a response, is authoritative.
//
// Checksum platform codes need not have five digits ("200", "0008"), and
// several may come joined as "A | B": each part is looked up, and the
// description is theirs joined the same way when every part is known.
func (c ResultCode) Description() string {
	if i := strings.Index(string(c), "|"); i >= 0 {
		a, b := ResultCode(strings.TrimSpace(string(c[:i]))), ResultCode(strings.TrimSpace(string(c[i+1:])))
		da, db := a.Description(), b.Description()
		if da == "" || db == "" {
			return ""
		}
		return da + " | " + db
	}
	table := resultCodes
	if len(c) != 11 {
		table = checksumResultCodes
	}
	i := sort.Search(len(table), func(i int) bool { return table[i].code >= c })
	if i < len(table) && table[i].code == c {
		return table[i].description
	}
	return ""
}

// isChecksumSuccess reports the checksum platform's success codes
// (CHECKSUM-PLATFORM.md §4, sources S1c, S1d, D2). A switch, not a map:
// classification is on every answer's path and a switch of constant
// strings hashes nothing.
func isChecksumSuccess(c ResultCode) bool {
	switch c {
	case "00001", "00004", "00005", "00006", "00026", "00029", "0008", "200":
		return true
	}
	return false
}

// catalogueEntry is one line of the built-in catalogue in resultcodes.go.
type catalogueEntry struct {
	code        ResultCode
	description string
}

// Category is a published group of result codes. The zero value is
// CategoryUnknown.
type Category int

// The published groups, in the gateway's order of precedence.
const (
	// CategoryUnknown is a code that matches no published group, or is not
	// a well-formed "ddd.ddd.ddd" code. Treat it as neither success nor
	// final failure: query the payment before acting.
	CategoryUnknown Category = iota
	// CategorySuccess is a successfully processed transaction.
	CategorySuccess
	// CategorySuccessNeedsReview is a successful transaction that the
	// merchant should review manually (fraud suspicion, AVS or CVV
	// mismatch, ...).
	CategorySuccessNeedsReview
	// CategoryPending is a transaction whose outcome is not known yet.
	CategoryPending
	// CategoryPendingLong is pending and may change only after several days
	// (non-instant payments, waiting for external risk).
	CategoryPendingLong
	// CategoryRejected3DSRisk is rejected by 3-D Secure or intercard risk
	// checks.
	CategoryRejected3DSRisk
	// CategoryRejectedByBank is rejected by the external bank or payment
	// system.
	CategoryRejectedByBank
	// CategoryCommunicationError is a communication error with the
	// connector, acquirer or risk provider; the outcome may be uncertain.
	CategoryCommunicationError
	// CategorySystemError is an error in the gateway or connector system.
	CategorySystemError
	// CategoryAsyncWorkflowError is an asynchronous workflow error, such as
	// a payment cancelled by the user or timed out.
	CategoryAsyncWorkflowError
	// CategorySoftDecline is a soft decline: the issuer asks for strong
	// customer authentication, so a retry with 3-D Secure may succeed.
	CategorySoftDecline
	// CategoryRejectedExternalRisk is rejected by an external risk system.
	CategoryRejectedExternalRisk
	// CategoryRejectedAddressValidation is rejected by address validation
	// (AVS).
	CategoryRejectedAddressValidation
	// CategoryRejected3DS is rejected by 3-D Secure authentication.
	CategoryRejected3DS
	// CategoryRejectedBlacklist is rejected by a blacklist validation.
	CategoryRejectedBlacklist
	// CategoryRejectedRiskValidation is rejected by the gateway's risk
	// validation (limits, throttling, duplicates).
	CategoryRejectedRiskValidation
	// CategoryRejectedConfiguration is rejected because of the merchant's
	// or channel's configuration.
	CategoryRejectedConfiguration
	// CategoryRejectedRegistration is rejected because of a registration
	// (stored payment data) error.
	CategoryRejectedRegistration
	// CategoryRejectedJob is rejected because of a scheduling job error.
	CategoryRejectedJob
	// CategoryRejectedReference is rejected because of the referenced
	// transaction or workflow (capture, refund, reversal, ...).
	CategoryRejectedReference
	// CategoryRejectedFormat is rejected because of invalid request format
	// or parameters.
	CategoryRejectedFormat
	// CategoryRejectedAddress is rejected because of invalid address data.
	CategoryRejectedAddress
	// CategoryRejectedContact is rejected because of invalid contact data.
	CategoryRejectedContact
	// CategoryRejectedAccount is rejected because of invalid account (card
	// or bank account) data.
	CategoryRejectedAccount
	// CategoryRejectedAmount is rejected because of invalid amount or
	// currency data.
	CategoryRejectedAmount
	// CategoryRejectedRiskManagement is rejected because of risk management
	// data errors.
	CategoryRejectedRiskManagement
	// CategoryChargeback is a chargeback on an earlier transaction: money
	// the merchant had is being taken back, so it is never a success.
	CategoryChargeback
)

var categoryNames = [...]string{
	CategoryUnknown:                   "unknown",
	CategorySuccess:                   "success",
	CategorySuccessNeedsReview:        "success, needs review",
	CategoryPending:                   "pending",
	CategoryPendingLong:               "pending, may change after days",
	CategoryRejected3DSRisk:           "rejected by 3DS or intercard risk",
	CategoryRejectedByBank:            "rejected by external bank",
	CategoryCommunicationError:        "communication error",
	CategorySystemError:               "system error",
	CategoryAsyncWorkflowError:        "async workflow error",
	CategorySoftDecline:               "soft decline",
	CategoryRejectedExternalRisk:      "rejected by external risk",
	CategoryRejectedAddressValidation: "rejected by address validation",
	CategoryRejected3DS:               "rejected by 3DS",
	CategoryRejectedBlacklist:         "rejected by blacklist",
	CategoryRejectedRiskValidation:    "rejected by risk validation",
	CategoryRejectedConfiguration:     "rejected, configuration",
	CategoryRejectedRegistration:      "rejected, registration",
	CategoryRejectedJob:               "rejected, job",
	CategoryRejectedReference:         "rejected, reference",
	CategoryRejectedFormat:            "rejected, format",
	CategoryRejectedAddress:           "rejected, address",
	CategoryRejectedContact:           "rejected, contact",
	CategoryRejectedAccount:           "rejected, account",
	CategoryRejectedAmount:            "rejected, amount",
	CategoryRejectedRiskManagement:    "rejected by risk management",
	CategoryChargeback:                "chargeback",
}

// String returns a short readable name such as "success" or "rejected by
// external bank", or "Category(n)" for a value outside the defined constants.
func (c Category) String() string {
	if c >= 0 && int(c) < len(categoryNames) {
		return categoryNames[c]
	}
	return "Category(" + strconv.Itoa(int(c)) + ")"
}

// IsRejected reports whether c is one of the failure groups: any defined
// category other than CategoryUnknown, CategorySuccess,
// CategorySuccessNeedsReview, CategoryPending and CategoryPendingLong.
// Communication errors and chargebacks count as rejected; CategoryUnknown
// does not, because an unknown code says nothing about the outcome.
func (c Category) IsRejected() bool {
	return c > CategoryPendingLong && c <= CategoryChargeback
}
