package backoffice

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/c81406b6/backoffice/internal/form"
	"github.com/c81406b6/backoffice/internal/transport"
	"github.com/c81406b6/backoffice/internal/wire"
)

// bearerWire is the bearer gateway's wire: an Authorization header,
// entityId in every request, money-moving calls as POST
// /v1/payments/{id}, and reconciliation by merchantTransactionId.
type bearerWire struct {
	creds BearerCredentials
}

// newBearerWire checks cr and returns its wire. The bearer gateway's base
// URL defaults to TestURL.
func newBearerWire(cr BearerCredentials, cfg *config) (wireShape, error) {
	if err := checkSecret("Credentials.AccessToken", cr.AccessToken); err != nil {
		return nil, err
	}
	if err := checkSecret("Credentials.EntityID", cr.EntityID); err != nil {
		return nil, err
	}
	if cfg.baseURL == "" {
		cfg.baseURL = TestURL
	}
	return bearerWire{creds: cr}, nil
}

// bearerOnly returns c's bearer wire, or method's ErrUnsupported when c
// speaks another variant: the operations that call it exist on the
// bearer gateway only.
func (c *Client) bearerOnly(method string) (bearerWire, error) {
	b, ok := c.wire.(bearerWire)
	if !ok {
		return bearerWire{}, opErr(method, ErrUnsupported)
	}
	return b, nil
}

// describe names the entity, never the access token.
func (w bearerWire) describe(base string) string {
	return fmt.Sprintf("backoffice.Client{variant: bearer, baseURL: %s, entityID: %s}", base, w.creds.EntityID)
}

// headers adds the access token as a bearer Authorization header. The
// gateway answers JSON whatever Accept says (GATEWAY.md), so none is sent:
// every header is work for both ends on every call.
func (w bearerWire) headers(h http.Header) {
	h["Authorization"] = []string{"Bearer " + w.creds.AccessToken}
}

// secrets: the access token.
func (w bearerWire) secrets() []string { return []string{w.creds.AccessToken} }

// validateID is the bearer gateway's id rule (validateID).
func (bearerWire) validateID(field, id string) error { return validateID(field, id) }

// moves: the bearer gateway sends every money-moving payment type.
func (bearerWire) moves(PaymentType) bool { return true }

// checkReversal: the bearer gateway reverses in full or in part.
func (bearerWire) checkReversal(bool) error { return nil }

// transact sends entityId, amount and currency (not for a full
// reversal), paymentType, then finish's fields, to /v1/payments/{id}.
func (w bearerWire) transact(ctx context.Context, c *Client, cl *call, m money) (*Payment, error) {
	var f form.Form
	f.Add("entityId", w.creds.EntityID)
	if !m.full {
		f.Add("amount", formatAmount(m.amount))
		f.Add("currency", m.currency)
	}
	f.Add("paymentType", string(cl.op))
	w.finish(c, &f, cl, m.extra)
	c.preparePost(cl, "/v1/payments/"+cl.target, &f, true)
	return c.move(ctx, cl)
}

// finish adds the fields every bearer money-moving form ends with.
func (bearerWire) finish(c *Client, f *form.Form, cl *call, extra map[string]string) {
	f.Add("merchantTransactionId", cl.mtid)
	if c.testMode != "" {
		f.Add("testMode", string(c.testMode))
	}
	f.AddSorted(extra)
}

// prepareInquire is GET /v1/query/{id}, a look-up paced with the others
// of the same id.
func (w bearerWire) prepareInquire(c *Client, cl *call) {
	c.prepareGet(cl, "/v1/query/"+cl.target+"?entityId="+string(form.AppendEscape(nil, w.creds.EntityID)))
	cl.req.Lookup = true
	c.pace.Note("id:" + cl.target)
}

// complete: the bearer answers map onto Payment as they are.
func (bearerWire) complete(*wire.Payment, *Payment, *call) {}

// accepted: the bearer gateway says so in its result code.
func (bearerWire) accepted(p *Payment) bool { return codeAccepted(p) }

// misrouted compares what a bearer answer states: merchantTransactionId,
// payment type, referenced payment and, unless a full reversal, currency
// and amount. Fields an answer leaves out prove nothing.
func (bearerWire) misrouted(p *Payment, cl *call, statesAmount bool) string {
	switch {
	case p.MerchantTransactionID != "" && p.MerchantTransactionID != cl.mtid:
		return "merchantTransactionId " + strconv.Quote(p.MerchantTransactionID)
	case p.PaymentType != "" && p.PaymentType != cl.op:
		return "payment type " + string(p.PaymentType)
	case p.ReferencedID != "" && cl.target != "" && p.ReferencedID != cl.target:
		return "referenced payment " + p.ReferencedID
	case cl.full:
		return ""
	case p.Currency != "" && !strings.EqualFold(p.Currency, cl.currency):
		return "currency " + p.Currency
	case statesAmount && !p.Amount.Equal(cl.amount):
		return "amount " + p.Amount.String()
	}
	return ""
}

// lookupKey: bearer look-ups are by merchantTransactionId.
func (bearerWire) lookupKey(cl *call) string { return "mtid:" + cl.mtid }

// lookOnce queries cl's merchantTransactionId once and picks cl's record.
func (w bearerWire) lookOnce(ctx context.Context, c *Client, cl *call) lookup {
	q := &call{name: "query", mtid: cl.mtid, cardNumber: cl.cardNumber, cvv: cl.cvv}
	c.prepareGet(q, w.queryPath(cl.mtid))
	q.req.Once = true
	ex := &transport.Exchange{}
	c.tr.Do(ctx, &q.req, ex)
	c.logAnswer(ctx, q, ex)
	switch {
	case ex.Err != nil && !ex.Sent:
		return lookup{why: fmt.Errorf("the look-up was not sent: %w", ex.Err)}
	case ex.Err != nil:
		return lookup{why: fmt.Errorf("the look-up failed: %w", ex.Err)}
	case ex.Status == http.StatusTooManyRequests:
		return lookup{why: errors.New("the look-up was throttled (HTTP 429)")}
	case ex.Answer == nil:
		return lookup{why: fmt.Errorf("the look-up answered HTTP %d without a gateway result (%s)", ex.Status, ex.BadBody)}
	}
	code := ResultCode(ex.Answer.Result.Code)
	switch {
	case code == CodeThrottled:
		return lookup{why: fmt.Errorf("the look-up was throttled (%s)", code)}
	case code == CodeNotFound && ex.Status < 500:
		return lookup{state: stateAbsent}
	}
	ps, _, err := c.list(ex, q)
	if err != nil {
		return lookup{why: fmt.Errorf("the look-up gave no usable answer: %s", err)}
	}
	return c.pick(ps, ex.Status, cl)
}

// queryPath is GET /v1/query?entityId=…&merchantTransactionId=….
func (w bearerWire) queryPath(mtid string) string {
	q := make([]byte, 0, 64+len(mtid))
	q = append(q, "/v1/query?entityId="...)
	q = form.AppendEscape(q, w.creds.EntityID)
	q = append(q, "&merchantTransactionId="...)
	q = form.AppendEscape(q, mtid)
	return string(q)
}
