package backoffice

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/c81406b6/backoffice/internal/form"
	"github.com/c81406b6/backoffice/internal/transport"
	"github.com/c81406b6/backoffice/internal/wire"
)

// checksumNotFound is the checksum gateway's "Your record not found".
const checksumNotFound ResultCode = "10026"

// Inquire returns the payment paymentID as the gateway records it now.
//
// Bearer variant: GET /v1/query/{id}. Checksum variant: POST
// /payments/{id} with paymentType IN. Like every operation it returns a nil
// error only for a successful or pending payment; for a declined or
// refused one the *ResultError carries the Payment. Reads are retried on
// any ambiguous failure.
func (c *Client) Inquire(ctx context.Context, paymentID string) (*Payment, error) {
	if err := validateID("paymentID", paymentID); err != nil {
		return nil, err
	}
	cl := &call{name: "inquiry", target: paymentID}
	if c.variant == variantChecksum {
		var f form.Form
		c.authenticate(&f, paymentID)
		f.Add("paymentType", string(PaymentTypeInquiry))
		f.Add("idType", "PID")
		c.post(cl, checksumRoot+"/payments/"+paymentID, &f, false)
	} else {
		c.get(cl, "/v1/query/"+paymentID+"?entityId="+string(form.AppendEscape(nil, c.bearer.EntityID)))
		cl.req.Lookup = true
		c.pace.Note("id:" + paymentID)
	}
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
	if c.variant != variantBearer {
		return nil, fmt.Errorf("backoffice: QueryByMerchantTransactionID: %w", ErrUnsupported)
	}
	if merchantTransactionID == "" {
		return nil, invalid("merchantTransactionID", "is required")
	}
	if err := validateMerchantTransactionID(merchantTransactionID); err != nil {
		return nil, err
	}
	ps, _, err := c.queryByMTID(ctx, merchantTransactionID)
	return ps, err
}

func (c *Client) queryByMTID(ctx context.Context, mtid string) ([]Payment, int, error) {
	cl := &call{name: "query", mtid: mtid}
	c.get(cl, c.queryPath(mtid))
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

// TransactionListRequest selects the checksum variant's transactions by
// date: From and To are whole days, inclusive, sent as dd/mm/yyyy in the
// zone of the times given. Status optionally filters by status, e.g.
// "capturesuccess".
type TransactionListRequest struct {
	From, To time.Time
	Status   string
}

// TransactionList returns the transactions recorded between r.From and r.To
// (checksum variant: POST getTransactionList, signed memberId|secureKey).
// A day range with no transactions is an empty list and a nil error. The
// bearer variant has no such list: ErrUnsupported.
func (c *Client) TransactionList(ctx context.Context, r TransactionListRequest) ([]Payment, error) {
	if c.variant != variantChecksum {
		return nil, fmt.Errorf("backoffice: TransactionList: %w", ErrUnsupported)
	}
	if r.From.IsZero() || r.To.IsZero() {
		return nil, invalid("From", "and To are required")
	}
	if r.To.Before(r.From) {
		return nil, invalid("To", "is before From")
	}
	for i := 0; i < len(r.Status); i++ {
		if b := r.Status[i]; b < 'a' || b > 'z' {
			return nil, invalid("Status", "must be a lower-case status name such as capturesuccess")
		}
	}
	ps, _, err := c.transactionList(ctx, r)
	return ps, err
}

func (c *Client) transactionList(ctx context.Context, r TransactionListRequest) ([]Payment, int, error) {
	cl := &call{name: "transaction list"}
	var f form.Form
	c.authenticate(&f)
	f.Add("pagination.fromdate", r.From.Format("02/01/2006"))
	f.Add("pagination.todate", r.To.Format("02/01/2006"))
	if r.Status != "" {
		f.Add("status", r.Status)
	}
	c.post(cl, checksumRoot+"/getTransactionList", &f, false)
	ex, err := c.read(ctx, cl)
	if err != nil {
		return nil, 0, err
	}
	ps, status, err := c.list(ex, cl)
	var re *ResultError
	if errors.As(err, &re) && re.Result.Code == checksumNotFound {
		return []Payment{}, status, nil
	}
	return ps, status, err
}

// checksumRoot is where the checksum variant's endpoints live.
const checksumRoot = "/transactionServices/REST/v1"

// authenticate adds the checksum variant's memberId and the checksum over
// the given fields; the secure key only enters the digest.
func (c *Client) authenticate(f *form.Form, fields ...string) {
	f.Add("authentication.memberId", c.checksum.MemberID)
	f.Add("authentication.checksum", Checksum(c.checksum.MemberID, c.checksum.SecureKey, fields...))
}
