// Package webhook receives the gateway's webhook notifications: encrypted
// POSTs that tell the merchant what happened after a call returned, such
// as a pending payment that settled, a chargeback the bank booked, or any
// transaction linked to a payment that changed.
//
// Parse decrypts and decodes one delivery; Handler wraps it in an
// http.Handler that answers the gateway correctly; Encrypt makes
// deliveries as the gateway does, for tests. A PAYMENT notification's
// payload becomes a *backoffice.Payment, decoded and masked exactly as the
// Client's answers are, and Notification.Settles tells whether it settles
// a stored *backoffice.UncertainError without a look-up.
//
// # Wire format
//
// The body is the AES-GCM ciphertext of the notification's JSON, hex
// encoded, either alone or wrapped as {"encryptedBody":"<hex>"}. The
// 12-byte nonce and the 16-byte authentication tag travel hex encoded in
// the headers X-Initialization-Vector and X-Authentication-Tag. The key is
// the webhook's secret as the merchant portal shows it, 64 hexadecimal
// characters (AES-256). There is no associated data. Hex may be upper or
// lower case.
//
// # Delivery semantics
//
// The gateway delivers at least once, in no guaranteed order, and its
// envelope carries no timestamp, so a handler must assume that:
//
//   - a notification may arrive twice or more: several webhooks configured
//     at or above one entity each receive it, and any delivery not answered
//     with a 2xx within 30 seconds is retried, at growing intervals (about
//     1, 2, 4, 8, 15, 30 minutes, hourly, then daily) for up to 30 days;
//   - notifications of one payment may arrive in any order: a pending
//     result after the final one, a refund before the capture it refunds;
//   - a delivery cannot be told fresh from replayed. Authentication proves
//     the gateway wrote it, not when. Decide from the payment's state, never
//     from arrival time.
//
// Handle each notification idempotently: key it by the payment id and
// result code (see the Handler example), and never let a pending code
// overwrite a final one. Persist or enqueue, then return: the gateway waits
// at most 30 seconds. After 30 days it gives up; look such payments up with
// Client.Inquire.
//
// Nothing in this package logs, and no error it returns quotes the
// secret, the body or a card number.
package webhook
