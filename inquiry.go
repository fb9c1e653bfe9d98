package backoffice

import (
	"context"
	"time"

	"github.com/c81406b6/backoffice/internal/transport"
	"github.com/c81406b6/backoffice/internal/wire"
)

// checksumNotFound is the checksum gateway's "Your record not found".
const checksumNotFound ResultCode = "10026"

// Inquire returns the payment paymentID as the gateway records it now.
//
// Bearer variant: GET /v1/query/{id}. Checksum variant: POST
// /payments/{id} with paymentType IN and idType PID; the answer carries no
// paymentType, its Timestamp is the time of the inquiry (server time,
// read as UTC), and its Status is the long status. Like every operation it returns a nil
// error only for a successful or pending payment; for a declined or
// refused one the *ResultError carries the Payment. Reads are retried on
// any ambiguous failure.
func (c *Client) Inquire(ctx context.Context, paymentID string) (*Payment, error) {
	if err := c.wire.validateID("paymentID", paymentID); err != nil {
		return nil, err
	}
	cl := &call{name: "Inquire", target: paymentID}
	c.wire.prepareInquire(c, cl)
	ex, err := c.read(ctx, cl)
	if err != nil {
		return nil, err
	}
	return c.settle(ex.Status, c.payment(ex.Answer, ex.Body, cl))
}

// QueryByMerchantTransactionID returns every payment the gateway recorded
// with merchantTransactionID, refused ones included (bearer variant: GET
// /v1/query?merchantTransactionId=). When there is none the gateway answers
// 700.400.580, returned as a *ResultError. Use it to reconcile an
// *UncertainError. The checksum variant has no such query: ErrUnsupported.
func (c *Client) QueryByMerchantTransactionID(ctx context.Context, merchantTransactionID string) ([]Payment, error) {
	b, err := c.bearerOnly("QueryByMerchantTransactionID")
	if err != nil {
		return nil, err
	}
	if err := requireMerchantTransactionID(merchantTransactionID); err != nil {
		return nil, err
	}
	ps, _, err := c.queryByMTID(ctx, b, merchantTransactionID)
	return ps, err
}

// queryByMTID reads every record of mtid (GET /v1/query?merchantTransactionId=).
func (c *Client) queryByMTID(ctx context.Context, b bearerWire, mtid string) ([]Payment, int, error) {
	cl := &call{name: "QueryByMerchantTransactionID", mtid: mtid}
	c.prepareGet(cl, b.queryPath(mtid))
	cl.req.Lookup = true
	c.pace.Note("mtid:" + mtid)
	ex, err := c.read(ctx, cl)
	if err != nil {
		return nil, 0, err
	}
	return c.list(ex, cl)
}

// list settles a list answer: its own result must be a success, and each
// record becomes a Payment with its own Raw.
func (c *Client) list(ex *transport.Exchange, cl *call) ([]Payment, int, error) {
	top := c.payment(ex.Answer, ex.Body, cl)
	if !c.accepted(top) && top.Result.Code != "" {
		return nil, ex.Status, &ResultError{StatusCode: ex.Status, Result: top.Result}
	}
	raws, err := ex.Answer.List()
	if err != nil {
		return nil, ex.Status, &HTTPError{StatusCode: ex.Status, ContentType: ex.ContentType, Reason: "list records of an unexpected shape"}
	}
	out := make([]Payment, 0, len(raws))
	for _, raw := range raws {
		w, err := wire.DecodeRecord(raw)
		if err != nil {
			return nil, ex.Status, &HTTPError{StatusCode: ex.Status, ContentType: ex.ContentType, Reason: "a list record is not a payment"}
		}
		out = append(out, *c.payment(w, raw, cl))
	}
	return out, ex.Status, nil
}

// TransactionListRequest selects the checksum platform's payments
// (getTransactionList, CHECKSUM-PLATFORM.md §2).
//
// From and To are whole days, inclusive, in From's zone: they are sent as
// dd/MM/yyyy with that zone's offset as timeZone, so the platform's day
// boundaries and the times it returns (Timestamp) are in that zone. With
// both dates the platform filters on the time a payment was last changed,
// so a payment captured or refunded within the days is listed too. Leave
// both zero to select by the other fields only.
type TransactionListRequest struct {
	From, To time.Time
	// Status filters on the long status, e.g. "capturesuccess".
	Status string
	// PaymentID selects one payment (its numeric id).
	PaymentID string
	// Page and PageSize are pagination.pageno and pagination.records.
	// PageSize zero (with Page zero) makes the SDK page through every row
	// for you, 100 at a time; PageSize n reads page Page (1 if zero) of n.
	Page, PageSize int
}

// TransactionList returns the payments r selects (checksum variant: POST
// getTransactionList, signed memberId|secureKey). Each is an original
// payment with its current Status, CapturedAmount and RefundedAmount:
// captures, refunds and reversals change that payment and get no row of
// their own. No rows is an empty slice and a nil error. The bearer variant
// has no such list: ErrUnsupported.
func (c *Client) TransactionList(ctx context.Context, r TransactionListRequest) ([]Payment, error) {
	k, err := c.checksumOnly("TransactionList")
	if err != nil {
		return nil, err
	}
	if r.From.IsZero() != r.To.IsZero() {
		return nil, invalid("From", "and To go together: both, or neither")
	}
	if r.To.Before(r.From) {
		return nil, invalid("To", "is before From")
	}
	for i := 0; i < len(r.Status); i++ {
		if b := r.Status[i]; !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '_') {
			return nil, invalid("Status", "must be a status name such as capturesuccess or authstarted_3D")
		}
	}
	if r.PaymentID != "" {
		if err := validateTrackingID("PaymentID", r.PaymentID); err != nil {
			return nil, err
		}
	}
	if r.Page < 0 || r.PageSize < 0 || (r.PageSize == 0 && r.Page != 0) {
		return nil, invalid("Page", "and PageSize must not be negative, and Page needs a PageSize")
	}
	return c.transactionList(ctx, k, r)
}
