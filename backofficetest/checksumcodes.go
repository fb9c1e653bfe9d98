package backofficetest

import "github.com/c81406b6/backoffice"

// The checksum (transactionServices) variant's vocabulary: its result
// codes and payment statuses.

// checksumResult is the variant's result object.
type checksumResult struct {
	Code        string `json:"code"`
	Description string `json:"description"`
}

// The platform's success codes (CHECKSUM-PLATFORM.md §4).
var (
	checksumSucceeded = checksumResult{"00001", "Transaction succeeded"}
	checksumCaptured  = checksumResult{"00004", "Transaction captured successfully"}
	checksumRefunded  = checksumResult{"00005", "Transaction refunded successfully"}
	checksumCancelled = checksumResult{"00006", "Transaction cancelled successfully"}
	checksumListed    = checksumResult{"00029", "Transaction details retrived successfully."}
)

// The platform's request-level refusals. Their numbers live in a
// per-deployment table that no source gives (CHECKSUM-PLATFORM.md §6):
// the fake's numbers below are its own, in the 2xxxx/3xxxx ranges the
// platform's migration scripts use for validation and system codes, and
// only the descriptions carry meaning. A client must not branch on them.
var (
	checksumInvalidChecksum    = checksumResult{"30001", "Checksum mismatch: invalid checksum (SYS_INVALID_CHECKSUM)"}
	checksumAuthTokenFailed    = checksumResult{"30002", "Invalid or expired AuthToken (SYS_AUTHTOKEN_FAILED)"}
	checksumAuthFailed         = checksumResult{"30003", "Authentication failed: invalid partner, username or key"}
	checksumNoRecord           = checksumResult{"30004", "No record found (SYS_NO_RECORD_FOUND)"}
	checksumInvalidTransaction = checksumResult{"30005", "Invalid transaction data (SYS_INVALIDTRANSACTION_DATA)"}
	checksumExcessCapture      = checksumResult{"30006", "Capture amount exceeds the authorized amount (SYS_EXCESS_CAPTURE_AMOUNT)"}
	checksumInvalidAmount      = checksumResult{"20001", "Invalid amount (VALIDATION_AMOUNT)"}
	checksumInvalidTrackingID  = checksumResult{"20002", "Invalid TrackingID (VALIDATION_TRACKINGID)"}
	checksumWrongState         = checksumResult{"20003", "Transaction not found in the required state (VALIDATION_TRANSACTION_NOT_FOUND)"}
	checksumOverRefund         = checksumResult{"20004", "Refund amount exceeds the refundable amount (VALIDATION_REFERENCE_AMOUNT)"}
	checksumInvalidIDType      = checksumResult{"20005", "Invalid idType (VALIDATION_ID_TYPE)"}
	checksumInvalidPaymentType = checksumResult{"20006", "Invalid paymentType"}
)

// checksumInvalidParameter refuses a malformed list parameter.
func checksumInvalidParameter(name string) checksumResult {
	return checksumResult{"20007", "Invalid parameter: " + name}
}

// checksumSuccess is the success code of a booked operation of type t.
func checksumSuccess(t backoffice.PaymentType) checksumResult {
	switch t {
	case backoffice.PaymentTypeCapture:
		return checksumCaptured
	case backoffice.PaymentTypeRefund:
		return checksumRefunded
	case backoffice.PaymentTypeReversal:
		return checksumCancelled
	}
	return checksumSucceeded
}

// checksumRefusals are the transport-level refusals the fake's faults
// answer with, keyed by the bearer code of the same fault. The platform
// documents no throttling, busy-session or uncertain code, so the bearer
// variant's published ones stand in.
var checksumRefusals = map[backoffice.ResultCode]checksumResult{
	codeNotFound:    {"10026", "Your record not found."},
	codeThrottled:   {"800.120.100", "Rejected by Throttling."},
	codeSessionBusy: {"800.700.100", "transaction for the same session is currently being processed, please try again later."},
	codeUncertain:   {"900.100.300", "timeout, uncertain result"},
}

// checksumRefusal returns the platform's refusal for bearer code c.
func checksumRefusal(c backoffice.ResultCode) checksumResult {
	if r, ok := checksumRefusals[c]; ok {
		return r
	}
	return checksumResult{"10000", "Transaction refused"}
}

// status is rec's long status as the platform keeps it
// (CHECKSUM-PLATFORM.md §4 "Status vocabularies"):
//
//	PA  authsuccessful; capturesuccess once captured; authcancelled once
//	    reversed; reversed after any refund, full or partial
//	DB  capturesuccess; reversed after any refund; chargeback while one stands
//	refused: authfailed (PA), failed (others)
//
// Only original payments (PA, DB) have a status on the platform; other
// records answer "capturesuccess". l.mu must be held.
func (l *ledger) status(rec *record) string {
	if !rec.booked {
		if rec.Type == pa {
			return "authfailed"
		}
		return "failed"
	}
	switch {
	case rec.Type != pa && rec.Type != db:
		return "capturesuccess"
	case l.standingChargeback(rec.ID):
		return "chargeback"
	case rec.Type == pa && l.has(rec.ID, rv):
		return "authcancelled"
	case l.refunded(rec).IsPositive():
		return "reversed"
	case rec.Type == pa && !l.has(rec.ID, cp):
		return "authsuccessful"
	}
	return "capturesuccess"
}
