// Package backoffice is a client for payment gateways' backoffice REST API:
// it captures, refunds, reverses, rebills, credits and charges back
// payments after the fact, inquires about them, and says truthfully whether
// money moved when something goes wrong.
//
// # Two gateway variants, one Client
//
// [NewClient] takes the credentials of either variant:
//
//   - [BearerCredentials] (Open Payment Platform): form POSTs to
//     /v1/payments/{id} for CP, RF, RV, RB, CB and CR, /v1/payments for CD,
//     with "Authorization: Bearer" and entityId; reads under /v1/query.
//   - [ChecksumCredentials] ("transactionServices"): CP, RF, RV, IN and the
//     transaction list under /transactionServices/REST/v1, signed with an
//     MD5 checksum over memberId|secureKey|... (see [Checksum]).
//
// An operation the variant lacks returns [ErrUnsupported] without sending.
// Every operation validates its input first: bad input is a
// [*ValidationError] and nothing leaves the process. Amounts are
// decimal.Decimal, refused rather than rounded.
//
// # Did money move?
//
// A money-moving call ([Client.Capture], [Client.Refund], [Client.Reverse],
// [Client.Rebill], [Client.Chargeback], [Client.ReverseChargeback],
// [Client.Credit]) returns a nil error exactly when the gateway booked it.
// Otherwise [OutcomeOf] says what the error means for the money:
//
//	p, err := c.Refund(ctx, paymentID, req)
//	switch backoffice.OutcomeOf(err) {
//	case backoffice.Booked:
//		// p is the refund
//	case backoffice.NotBooked:
//		// nothing was booked, with proof; errors.As tells why:
//		// *ResultError (the gateway said no), *ValidationError,
//		// *RefundWindowError, *NotSentError, *HTTPError, ErrNotBooked
//	case backoffice.Unknown:
//		// *UncertainError: sent, outcome not established. Never send it
//		// again blindly: store it (it is JSON) and call Client.Resolve.
//	}
//
// # The reliability contract
//
// The gateway has no idempotency keys. Every money-moving call therefore
// carries a merchantTransactionId (create it with
// [NewMerchantTransactionID] and store it before the call), is sent again
// only when the SDK has proven the earlier attempt was not booked, and
// after an ambiguous failure (a lost answer, a proxy's 504, 900.100.300) is
// looked up by that id. A record counts as the call's only on an exact
// match; "not found" proves absence only from a look-up made after the
// attempt's send time plus [RetryPolicy].SettleTime; look-ups of one id are
// spaced by [RetryPolicy].LookupInterval, as the gateway throttles them per
// id. What the call cannot settle within its context ends as an
// [*UncertainError], which [Client.Resolve] settles later, from any process
// with the same credentials, without ever sending it again.
//
// # Testing
//
// Package backofficetest is a fake gateway with the real money rules, late
// bookings, per-id throttling and injectable faults, for your own tests.
// Package webhook decrypts the gateway's notifications.
//
// No access token, secure key, card number or CVV ever appears in an
// error, a log line or a printed value, even when the gateway echoes it.
package backoffice
