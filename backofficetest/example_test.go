package backofficetest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/shopspring/decimal"
)

// The pattern a merchant's test follows: seed a payment, let the code
// under test talk to the server over HTTP, then assert on what the gateway
// answered and on what it booked.
func Example() {
	srv := backofficetest.NewServer()
	defer srv.Close()
	debit := srv.Debit(decimal.RequireFromString("50.00"), "EUR")

	// The code under test would be your own; here, plain net/http.
	refund := func(amount string) {
		creds := srv.BearerCredentials()
		form := url.Values{
			"entityId":    {creds.EntityID},
			"paymentType": {"RF"},
			"amount":      {amount},
			"currency":    {"EUR"},
		}
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/payments/"+debit, strings.NewReader(form.Encode()))
		req.Header.Set("Authorization", "Bearer "+creds.AccessToken)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := srv.Client().Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		var answer struct {
			Result struct{ Code, Description string }
		}
		if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
			panic(err)
		}
		fmt.Println(resp.StatusCode, answer.Result.Code, answer.Result.Description)
	}

	refund("20.00")
	refund("30.01") // one cent more than is left

	for _, e := range srv.Entries(debit, backoffice.PaymentTypeRefund) {
		fmt.Println(e.Type, e.Amount.StringFixed(2), e.Currency)
	}
	// Output:
	// 200 000.100.110 Request successfully processed in 'Merchant in Integrator Test Mode'
	// 400 700.400.200 cannot refund (refund volume exceeded or tx reversed or invalid workflow?)
	// RF 20.00 EUR
}

// A fault aimed at the second capture: the connection drops after the
// gateway booked it, so the SDK never sees the answer. It looks the
// capture up by its merchantTransactionId, finds the booking and returns
// it: one capture booked per call, none twice.
func ExampleServer_InjectFault() {
	srv := backofficetest.NewServer(backofficetest.WithMultipleCaptures(true))
	defer srv.Close()
	auth := srv.Preauthorize(decimal.RequireFromString("10.00"), "EUR")
	srv.InjectFault(backofficetest.OpCapture, 2, backofficetest.Fault{Kind: backofficetest.FaultDropAfterBooking})

	c, err := backoffice.NewClient(srv.BearerCredentials(), backoffice.WithBaseURL(srv.URL),
		backoffice.WithRetryPolicy(fastPolicy))
	if err != nil {
		panic(err)
	}
	for _, mtid := range []string{"cp-1", "cp-2"} {
		p, err := c.Capture(context.Background(), auth, backoffice.CaptureRequest{
			Amount: decimal.RequireFromString("5.00"), Currency: "EUR", MerchantTransactionID: mtid})
		fmt.Println(mtid, backoffice.OutcomeOf(err), p.Amount.StringFixed(2))
	}
	for _, e := range srv.Entries(auth) {
		fmt.Println(e.MerchantTransactionID, e.Type, e.Amount.StringFixed(2))
	}
	fmt.Println("faults injected:", srv.FaultsInjected())
	// Output:
	// cp-1 booked 5.00
	// cp-2 booked 5.00
	// cp-1 CP 5.00
	// cp-2 CP 5.00
	// faults injected: 1
}

// A test of how code handles a pending refund and a declined one: the
// fake answers the next refund with the code the test chooses.
func ExampleServer_AnswerNext() {
	srv := backofficetest.NewServer()
	defer srv.Close()
	debit := srv.Debit(decimal.RequireFromString("50.00"), "EUR")
	c, err := backoffice.NewClient(srv.BearerCredentials(), backoffice.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	srv.AnswerNext(backofficetest.OpRefund, "000.200.000") // pending
	srv.AnswerNext(backofficetest.OpRefund, "800.100.151") // invalid card, declined
	for range 2 {
		p, err := c.Refund(context.Background(), debit, backoffice.RefundRequest{
			Amount: decimal.RequireFromString("10.00"), Currency: "EUR"})
		var re *backoffice.ResultError
		switch {
		case err == nil:
			fmt.Println(backoffice.OutcomeOf(err), p.Result.Code, "pending:", p.Result.Code.IsPending())
		case errors.As(err, &re):
			fmt.Println(backoffice.OutcomeOf(err), re.Result.Code, re.Result.Description)
		}
	}
	// Output:
	// booked 000.200.000 pending: true
	// not booked 800.100.151 transaction declined (invalid card)
}

// fastPolicy scales the SDK's settle time and look-up spacing down from
// minutes to what the in-process fake needs.
var fastPolicy = backoffice.RetryPolicy{MaxAttempts: 3, MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond,
	SettleTime: 50 * time.Millisecond, LookupInterval: 10 * time.Millisecond}
