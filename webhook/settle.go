package webhook

import (
	"strings"

	"github.com/c81406b6/backoffice"
)

// codeUncertain is the gateway's "transaction status uncertain": a
// notification carrying it settles nothing.
const codeUncertain backoffice.ResultCode = "900.100.300"

// Settles reports whether n is the gateway's word on the call u left
// uncertain, and returns that call's payment. A job holding stored
// *backoffice.UncertainError values can settle them from notifications as
// they arrive, without a look-up (which the gateway throttles to about two
// a minute per id).
//
// n settles u only when its payment matches u exactly: the same
// merchantTransactionId and payment type (u.Operation); the same amount
// (compared as decimals) and currency, unless u.Amount is zero (a full
// reversal, which sends neither); and, when the payload names a
// referencedId, u.PaymentID. A notification without a result code, or with
// 900.100.300 (the gateway's own "uncertain"), settles nothing.
//
// The payment's result then says what became of the call, as an answer
// would have: booked when p.Result.Code.IsSuccessful() or IsPending()
// (a pending one may be followed by a final notification), refused
// otherwise, and nothing was moved. Either way, do not send the operation
// again.
func (n *Notification) Settles(u *backoffice.UncertainError) (p *backoffice.Payment, ok bool) {
	if n == nil || n.Payment == nil || u == nil {
		return nil, false
	}
	p = n.Payment
	switch {
	case u.MerchantTransactionID == "" || p.MerchantTransactionID != u.MerchantTransactionID:
	case u.Operation == "" || p.PaymentType != u.Operation:
	case p.ReferencedID != "" && p.ReferencedID != u.PaymentID:
	case !u.Amount.IsZero() && (!p.Amount.Equal(u.Amount) || !strings.EqualFold(p.Currency, u.Currency)):
	case p.Result.Code == "" || p.Result.Code == codeUncertain:
	default:
		return p, true
	}
	return nil, false
}
