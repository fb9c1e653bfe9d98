package backofficetest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

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
// gateway booked it, so the client never learns the outcome, and a query
// by merchantTransactionId is how it finds out.
func ExampleServer_InjectFault() {
	srv := backofficetest.NewServer(backofficetest.WithMultipleCaptures(true))
	defer srv.Close()
	auth := srv.Preauthorize(decimal.RequireFromString("10.00"), "EUR")
	srv.InjectFault(backofficetest.OpCapture, 2, backofficetest.Fault{Kind: backofficetest.FaultDropAfterBooking})

	creds := srv.BearerCredentials()
	capture := func(mtid string) error {
		form := url.Values{"entityId": {creds.EntityID}, "paymentType": {"CP"}, "amount": {"5.00"},
			"currency": {"EUR"}, "merchantTransactionId": {mtid}}
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/payments/"+auth, strings.NewReader(form.Encode()))
		req.Header.Set("Authorization", "Bearer "+creds.AccessToken)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := srv.Client().Do(req)
		if err != nil {
			return err
		}
		return resp.Body.Close()
	}

	fmt.Println("first capture failed:", capture("cp-1") != nil)
	fmt.Println("second capture failed:", capture("cp-2") != nil)
	for _, e := range srv.Entries(auth) {
		fmt.Println(e.MerchantTransactionID, e.Type, e.Amount.StringFixed(2))
	}
	fmt.Println("faults injected:", srv.FaultsInjected())
	// Output:
	// first capture failed: false
	// second capture failed: true
	// cp-1 CP 5.00
	// cp-2 CP 5.00
	// faults injected: 1
}
