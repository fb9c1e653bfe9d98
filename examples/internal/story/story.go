// Package story holds what the example programs share: starting the
// embedded fake gateway, seeding initial payments over HTTP, and printing
// results as a table.
package story

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/c81406b6/backoffice/examples/internal/table"
	"github.com/shopspring/decimal"
)

// Amount parses a literal amount; the examples' amounts are constants.
func Amount(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// Seed books an initial payment (paymentType PA or DB) with the gateway's
// server-to-server API, using the gateway's public Visa test card. The SDK
// itself only does backoffice operations; initial payments are made at
// checkout. Both the embedded fake gateway and the real test system accept
// this request.
func Seed(ctx context.Context, hc *http.Client, baseURL string, creds backoffice.BearerCredentials, typ backoffice.PaymentType, amount decimal.Decimal, currency string) (string, error) {
	form := url.Values{
		"entityId":              {creds.EntityID},
		"amount":                {amount.StringFixed(2)},
		"currency":              {currency},
		"paymentBrand":          {"VISA"},
		"paymentType":           {string(typ)},
		"card.number":           {"4200000000000000"},
		"card.holder":           {"Jane Jones"},
		"card.expiryMonth":      {"05"},
		"card.expiryYear":       {"2034"},
		"card.cvv":              {"123"},
		"testMode":              {"EXTERNAL"},
		"merchantTransactionId": {"seed-" + string(typ)},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(baseURL, "/")+"/v1/payments", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+creds.AccessToken)
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var answer struct {
		ID     string `json:"id"`
		Result struct{ Code, Description string }
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err := json.Unmarshal(body, &answer); err != nil {
		return "", fmt.Errorf("seeding %s: HTTP %d: %w", typ, resp.StatusCode, err)
	}
	if code := backoffice.ResultCode(answer.Result.Code); !code.IsSuccessful() && !code.IsPending() {
		return "", fmt.Errorf("seeding %s: %s %s", typ, code, answer.Result.Description)
	}
	return answer.ID, nil
}

// Table prints one row per operation, deciding itself what an error
// means; the one-operation programs decide that in their own main.go and
// print with package table directly.
type Table struct {
	t *table.Table
}

// NewTable starts a table on w with its header.
func NewTable(w io.Writer) *Table { return &Table{t: table.New(w)} }

// Row prints the outcome of one operation: the payment it returned, or the
// error. ref is the payment the operation acted on.
func (t *Table) Row(op, ref string, p *backoffice.Payment, err error) {
	var re *backoffice.ResultError
	var we *backoffice.RefundWindowError
	var ve *backoffice.ValidationError
	switch {
	case err == nil:
		t.t.Payment(op, ref, p, "")
	case errors.As(err, &re):
		t.t.Payment(op, ref, re.Payment, "refused: ")
	case errors.As(err, &we):
		t.t.Message(op, ref, "not sent", fmt.Sprintf("refund window for %s closed %s: use a credit", we.Country, we.Deadline.Format("2006-01-02")))
	case errors.As(err, &ve):
		t.t.Message(op, ref, "not sent", ve.Field+": "+ve.Message)
	default:
		t.t.Message(op, ref, "error", err.Error())
	}
}

// Flush prints the rows so far, aligned.
func (t *Table) Flush() { t.t.Flush() }

// Run is the main of every one-operation example: it starts the embedded
// fake gateway, gives story a bearer client on it and a table, and exits 1
// with the error if story fails.
func Run(name string, story func(ctx context.Context, srv *backofficetest.Server, c *backoffice.Client, t *Table) error) {
	srv := backofficetest.NewServer()
	c, err := backoffice.NewClient(srv.BearerCredentials(), backoffice.WithBaseURL(srv.URL))
	if err == nil {
		t := NewTable(os.Stdout)
		err = story(context.Background(), srv, c, t)
		t.Flush()
	}
	srv.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}
