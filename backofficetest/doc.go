// Package backofficetest provides a fake payment gateway for tests, in the
// spirit of net/http/httptest: a real HTTP server on a loopback address
// that speaks both variants of the gateway's backoffice API and applies
// its money rules, so that a test of "refund more than was captured" gets
// the gateway's answer to it. Any HTTP client can talk to it; a Server is
// safe for concurrent use.
//
//	srv := backofficetest.NewServer()
//	defer srv.Close()
//	debit := srv.Debit(decimal.RequireFromString("50.00"), "EUR")
//	// ... point the code under test at srv.URL with srv.BearerCredentials()
//	// and assert on srv.Entries(debit, backoffice.PaymentTypeRefund).
//
// Both variants share one ledger: a payment seeded in-process (Seed,
// Preauthorize, Debit) or booked over HTTP can be operated on through
// either. Ledger and Entries list bookings; Attempts lists refused
// attempts, which the gateway records (they have ids and can be queried)
// but which move no money. Requests keeps every request as received, and
// InjectFault and InjectFaultFunc make chosen requests fail at the
// transport level (see FaultKind).
//
// # As hard as the real gateway
//
// By default a booking lands at once and look-ups are unlimited: a kind
// gateway. Real ones are not, and a client's reliability is only proven
// against what they do. Three options bring it closer:
//
//   - WithBookingLatency: bookings land late; a proxy's 504
//     (FaultProxyTimeout), a dropped or garbled answer goes out at once
//     while the booking still lands, so a look-up made too early finds
//     nothing.
//   - WithLookupThrottle: look-ups beyond n per window per payment id and
//     per merchantTransactionId are refused with 800.120.100, as the live
//     gateway refuses more than about two a minute.
//   - WithDuplicateDetection: a resend of an attempt still in flight gets
//     800.700.100, one of a booked attempt 800.110.100.
//
// AwaitBookings waits until bookings in flight have landed, before a test
// compares what a client said with the ledger.
//
// # Bearer variant (Open Payment Platform)
//
// Requests carry "Authorization: Bearer <token>" and entityId (a form field
// of POSTs, a query parameter of GETs); anything else gets HTTP 401 with
// 800.900.300. Form fields the server does not know are ignored.
//
//	POST /v1/payments/{id}                  CP RF RV RB CB CR on payment {id}
//	POST /v1/payments                       PA DB (seeding over HTTP), CD to a card
//	POST /v1/registrations/{id}/payments    CD to a stored card (see AddRegistration)
//	GET  /v1/query/{id}                     the payment's original answer
//	GET  /v1/query?merchantTransactionId=   {"result":...,"payments":[...]}, refused attempts included
//	GET  /v3/query, /v3/query/{id}          transaction search and history (see ThrottleSearch)
//
// A request with invalid or missing parameters gets HTTP 400 with
// 200.300.404 and result.parameterErrors; the gateway creates no
// transaction for it, so the answer has no id. amount must match
// ^[0-9]{1,12}(\.[0-9]{2})?$ and be positive, currency must be an ISO 4217
// code; a full reversal sends neither, a partial one both. A credit to a
// card needs paymentBrand and card.number (12-19 digits), card.holder,
// card.expiryMonth (01-12), card.expiryYear (4 digits) and card.cvv (3-4
// digits). Card numbers and CVVs are masked in parameterErrors unless
// WithEchoCardValues(true).
//
// A booking answers HTTP 200 with 000.100.110 (the fake is a test system).
// A refusal answers HTTP 400 with the payment it recorded: id,
// referencedId, paymentType, amount (none for a refused full reversal),
// currency and merchantTransactionId.
// Queries that find nothing answer HTTP 400 with 700.400.580. The money
// rules and the codes they refuse with, in the order they are checked:
//
//	any referenced id unknown                                700.100.100
//	    id of a refused attempt                              700.300.200
//	    currency not the referenced payment's                700.100.500
//	CP  on anything but a PA                                 700.400.510
//	    above authorized - captured - reversed, or a second
//	    capture without WithMultipleCaptures(true)           700.400.100
//	RF  on anything but a DB, RB, CP or captured PA          700.400.520
//	    while a chargeback stands                            700.300.600
//	    above refundable                                     700.400.200
//	RV  on anything but a DB or PA                           700.400.530
//	    after a capture or refund, after a full reversal,
//	    or above what reversals left                         700.400.300
//	    while a chargeback stands                            700.300.600
//	RB  on anything but a DB (any positive amount on top)    700.100.700
//	CB  with WithInternalChargebacksOnly, whatever it refers  700.400.402
//	    on anything but a DB, CP or RB                       700.400.550
//	    while an earlier chargeback stands                   700.400.400
//	    above the charge's amount                            700.100.300
//	CR  on anything but a CB                                 700.400.420
//	    a second time                                        700.400.410
//	    above the chargeback's amount                        700.100.300
//	CD  card number failing the Luhn check                   100.100.101
//	    card expired (valid through its expiry month, UTC)   100.100.303
//	    registration id not 32 characters long               100.150.101
//	    registration unknown                                 100.150.200
//
// Refundable is a charge's amount minus its refunds and reversals. A
// refund may reference a captured PA instead of its capture: the PA's
// captures minus every refund referencing the PA or one of its captures
// is then refundable, and that bound applies to refunds of each capture
// too. A partial reversal of a PA lowers what can still be captured. A
// chargeback stands until a chargeback reversal answers it.
//
// # Checksum variant (transactionServices)
//
// The platform as the SDK's CHECKSUM-PLATFORM.md describes it:
//
//	POST /transactionServices/REST/v1/authToken            a JWT-shaped AuthToken (one hour; WithAuthTokenLifetime)
//	POST /transactionServices/REST/v1/payments/{id}        CP RF RV IN
//	POST /transactionServices/REST/v1/getTransactionList   the original payments
//
// Payments are addressed by numeric tracking ids (Server.TrackingID gives
// the one of an id Preauthorize, Debit or Seed returned). Every call needs
// header AuthToken (unless WithoutAuthToken) and carries
// authentication.memberId and authentication.checksum:
// backoffice.Checksum(memberId, secureKey, id, amount) for CP and RF,
// (memberId, secureKey, id) for RV and IN, (memberId, secureKey) for the
// list. Everything the fake writes is JSON with HTTP 200, refusals
// included (wrong checksum, missing or expired token, bad amount, unknown
// payment, wrong state), as the platform's are; only a non-numeric
// pagination.pageno gets the container's HTML 400.
//
// CP, RF and RV change the original payment and answer
// {"paymentId":<that payment>,"result":{…},"timestamp":…}: 00004, 00005,
// 00006 on success. CP and RV need an authsuccessful PA; RF a captured
// payment with something left to refund; amounts match
// ^[0-9]{1,10}\.[0-9]{2}$, checked before the checksum. IN (idType PID, or
// MID with the original payment's merchantTransactionId in the path)
// answers status, transactionStatus (Y, P, C, N), amount, currency, card,
// and no paymentType: 00001 when Y, 10001 when N, 10004 when P. The list
// answers 00029 with the rows under transaction (a bare object for one
// row), newest first, each with systemPaymentId, the long status under
// transactionStatus, captureamount and refundamount; pagination.pageno and
// pagination.records page it, timeZone sets the zone of the day filter
// (on last-modified time) and of the times returned; no rows is a refusal
// saying "No record found" with paymentId "-".
//
// The refusal numbers are the fake's own (checksumcodes.go): the platform
// keeps them in a per-deployment table no source gives, so only the
// descriptions mean anything. The transport-level faults (throttling,
// busy, uncertain) answer the bearer variant's published codes,
// 800.120.100, 800.700.100 and 900.100.300, in the platform's envelope.
//
// Statuses, derived from the ledger when asked: PA authsuccessful,
// capturesuccess once captured, authcancelled once reversed; PA and DB
// reversed after any refund, full or partial, chargeback while a
// chargeback stands; refused attempts authfailed (PA) or failed.
package backofficetest
