package backofficetest

import "github.com/c81406b6/backoffice"

// The checksum (transactionServices) variant's vocabulary: its result
// codes and payment statuses.

// checksumResult is the variant's result object.
type checksumResult struct {
	Code        string `json:"code"`
	Description string `json:"description"`
}

// The variant's documented codes. Its gateway documents no other.
var (
	checksumSucceeded = checksumResult{"00001", "Transaction succeeded"}
	checksumCaptured  = checksumResult{"00004", "Captured successfully"}
	checksumFound     = checksumResult{"00026", "Your record found successfully"}
)

// checksumRefusals is every refusal the variant answers with, keyed by the
// bearer code the fake decided on (the two variants share one set of
// rules). These 1xxxx codes are THE FAKE'S OWN INVENTION, not the
// gateway's: a client must not take them for real codes, only for "refused,
// and here is why".
var checksumRefusals = map[backoffice.ResultCode]checksumResult{
	codeUnknownReference: {"10001", "Record not found"},
	codeNotFound:         {"10001", "Record not found"},
	codeCaptureWorkflow:  {"10002", "Capture refused: the payment is not a preauthorization"},
	codeCannotCapture:    {"10003", "Capture refused: amount exceeds the open authorization, or the preauthorization is spent"},
	codeRefundWorkflow:   {"10004", "Refund refused: nothing was captured"},
	codeCannotRefund:     {"10005", "Refund amount exceeds refundable amount"},
	codeReversalWorkflow: {"10006", "Cancellation refused: only a preauthorization can be cancelled"},
	codeCannotReverse:    {"10007", "Cancellation refused: the preauthorization was captured or cancelled"},
	codeChargedBack:      {"10008", "Refused: the payment was charged back"},
	codeReferenceRefused: {"10009", "Refused: the referenced payment was itself refused"},
	codeInvalidParameter: {"10010", "Invalid or missing parameter"},
	codeThrottled:        {"10090", "Rejected by throttling, try again later"},
	codeSessionBusy:      {"10091", "The payment is being processed, try again later"},
	codeUncertain:        {"10099", "Timeout, uncertain result"},
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
