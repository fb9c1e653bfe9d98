package backofficetest

import "github.com/c81406b6/backoffice"

// The checksum (transactionServices) variant's vocabulary: its result
// codes and payment statuses.

// checksumResult is the variant's result object.
type checksumResult struct {
	Code        string `json:"code"`
	Description string `json:"description"`
}

// The variant's success codes, as its documentation gives them.
var (
	checksumSucceeded = checksumResult{"00001", "Transaction succeeded"}
	checksumCaptured  = checksumResult{"00004", "Captured successfully"}
	checksumRefunded  = checksumResult{"00005", "Transaction refunded successfully"}
	checksumCancelled = checksumResult{"00006", "Transaction cancelled successfully"}
	checksumFound     = checksumResult{"00026", "Your record found successfully"}
)

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

// checksumRefusals is every refusal the variant answers with, keyed by the
// bearer code the fake decided on (the two variants share one set of
// rules). The 1xxxx codes are the documentation's (its response-code page),
// which names failures per operation, not per reason. 19010 is the fake's
// own: the documentation gives no code for a malformed parameter. For the
// transport-level faults the fake answers the bearer variant's published
// codes, since this variant documents none.
var checksumRefusals = map[backoffice.ResultCode]checksumResult{
	codeUnknownReference: {"10026", "Your record not found."},
	codeNotFound:         {"10026", "Your record not found."},
	codeCaptureWorkflow:  {"10005", "Capture transaction failed."},
	codeCannotCapture:    {"10005", "Capture transaction failed."},
	codeRefundWorkflow:   {"10006", "Refund transaction failed."},
	codeCannotRefund:     {"10006", "Refund transaction failed."},
	codeReversalWorkflow: {"10007", "Cancel transaction failed."},
	codeCannotReverse:    {"10007", "Cancel transaction failed."},
	codeChargedBack:      {"10002", "Transaction declined (transaction not permitted)."},
	codeReferenceRefused: {"10002", "Transaction declined (transaction not permitted)."},
	codeInvalidParameter: {"19010", "Invalid or missing parameter"},
	codeThrottled:        {"800.120.100", "Rejected by Throttling."},
	codeSessionBusy:      {"800.700.100", "transaction for the same session is currently being processed, please try again later."},
	codeUncertain:        {"900.100.300", "timeout, uncertain result"},
}

// checksumRefusal returns the variant's refusal for bearer code c.
func checksumRefusal(c backoffice.ResultCode) checksumResult {
	if r, ok := checksumRefusals[c]; ok {
		return r
	}
	return checksumResult{"10000", "Transaction refused"} // no rule of this variant leads here
}

// status is rec's checksum-variant status as the ledger now stands:
//
//	PA  authsuccessful; capturesuccess once captured; cancelled once fully reversed
//	DB, CP, RB  capturesuccess; reversed once fully refunded; cancelled once
//	    fully reversed; chargeback while a chargeback stands
//	RF reversed, RV cancelled, CB chargeback, CR capturesuccess, CD payoutsuccessful
//	refused: capturefailed (CP), authfailed (PA), payoutfailed (CD), failed (others)
//
// l.mu must be held.
func (l *ledger) status(rec *record) string {
	if !rec.booked {
		switch rec.Type {
		case cp:
			return "capturefailed"
		case pa:
			return "authfailed"
		case cd:
			return "payoutfailed"
		}
		return "failed"
	}
	switch rec.Type {
	case pa:
		switch {
		case !rec.Amount.GreaterThan(l.sum(rec.ID, rv)):
			return "cancelled"
		case l.has(rec.ID, cp):
			return "capturesuccess"
		}
		return "authsuccessful"
	case db, cp, rb:
		switch {
		case l.standingChargeback(rec.ID):
			return "chargeback"
		case !rec.Amount.GreaterThan(l.sum(rec.ID, rv)):
			return "cancelled"
		case !rec.Amount.GreaterThan(l.sum(rec.ID, rf)):
			return "reversed"
		}
		return "capturesuccess"
	case rf:
		return "reversed"
	case rv:
		return "cancelled"
	case cb:
		return "chargeback"
	case cd:
		return "payoutsuccessful"
	}
	return "capturesuccess" // CR: the disputed money is the merchant's again
}
