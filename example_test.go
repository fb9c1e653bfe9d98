package backoffice_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/shopspring/decimal"
)

// The examples run against backofficetest, the fake gateway; against the
// real one only the credentials and WithBaseURL change.

func exampleClient(srv *backofficetest.Server) *backoffice.Client {
	c, err := backoffice.NewClient(srv.BearerCredentials(), backoffice.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	return c
}

func eur(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func ExampleNewClient() {
	c, err := backoffice.NewClient(
		backoffice.BearerCredentials{AccessToken: "OGE4Mjk0MTcyODFi...", EntityID: "8a8294174e918ca6014e9c6f5ae12a9c"},
		backoffice.WithBaseURL(backoffice.TestURL),
		backoffice.WithTestMode(backoffice.TestModeExternal),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c) // secrets are never printed
	// Output: backoffice.Client{variant: bearer, baseURL: https://eu-test.oppwa.com, entityID: 8a8294174e918ca6014e9c6f5ae12a9c}
}

func ExampleClient_Capture() {
	srv := backofficetest.NewServer()
	defer srv.Close()
	c := exampleClient(srv)
	pa := srv.Preauthorize(eur("100.00"), "EUR")

	cp, err := c.Capture(context.Background(), pa, backoffice.CaptureRequest{Amount: eur("60.00"), Currency: "EUR"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cp.PaymentType, cp.Amount.StringFixed(2), cp.Currency, cp.ReferencedID == pa, cp.Result.Code.IsSuccessful())
	// Output: CP 60.00 EUR true true
}

func ExampleClient_Refund() {
	srv := backofficetest.NewServer()
	defer srv.Close()
	c := exampleClient(srv)
	db := srv.Debit(eur("50.00"), "EUR")

	rf, err := c.Refund(context.Background(), db, backoffice.RefundRequest{Amount: eur("20.00"), Currency: "EUR"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rf.PaymentType, rf.Amount.StringFixed(2))

	// More than is left: the gateway refuses, and says why.
	_, err = c.Refund(context.Background(), db, backoffice.RefundRequest{Amount: eur("40.00"), Currency: "EUR"})
	var re *backoffice.ResultError
	if errors.As(err, &re) {
		fmt.Println("refused:", re.Result.Code, re.Result.Code.Category())
	}
	// Output:
	// RF 20.00
	// refused: 700.400.200 rejected, reference
}

func ExampleClient_Refund_window() {
	srv := backofficetest.NewServer()
	defer srv.Close()
	c := exampleClient(srv)
	db := srv.Debit(eur("50.00"), "BRL")

	// A Brazilian purchase has 90 days; past them nothing is sent.
	_, err := c.Refund(context.Background(), db, backoffice.RefundRequest{Amount: eur("50.00"), Currency: "BRL",
		Country: "BR", PurchasedAt: time.Now().AddDate(0, 0, -91)})
	var we *backoffice.RefundWindowError
	fmt.Println(errors.As(err, &we), we.Country, len(srv.Entries(db)))
	// Output: true BR 0
}

func ExampleClient_Reverse() {
	srv := backofficetest.NewServer()
	defer srv.Close()
	c := exampleClient(srv)
	pa := srv.Preauthorize(eur("75.00"), "EUR")

	// A zero Amount reverses in full and sends neither amount nor currency.
	rv, err := c.Reverse(context.Background(), pa, backoffice.ReversalRequest{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rv.PaymentType, rv.ReferencedID == pa)
	// Output: RV true
}

func ExampleClient_Rebill() {
	srv := backofficetest.NewServer()
	defer srv.Close()
	c := exampleClient(srv)
	db := srv.Debit(eur("30.00"), "EUR")

	rb, err := c.Rebill(context.Background(), db, backoffice.RebillRequest{Amount: eur("12.50"), Currency: "EUR"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rb.PaymentType, rb.Amount.StringFixed(2))
	// Output: RB 12.50
}

func ExampleClient_Chargeback() {
	srv := backofficetest.NewServer()
	defer srv.Close()
	c := exampleClient(srv)
	db := srv.Debit(eur("80.00"), "EUR")

	cb, err := c.Chargeback(context.Background(), db, backoffice.ChargebackRequest{Amount: eur("80.00"), Currency: "EUR"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cb.PaymentType, cb.Amount.StringFixed(2))
	// Output: CB 80.00
}

func ExampleClient_ReverseChargeback() {
	srv := backofficetest.NewServer()
	defer srv.Close()
	c := exampleClient(srv)
	db := srv.Debit(eur("80.00"), "EUR")
	cb, err := c.Chargeback(context.Background(), db, backoffice.ChargebackRequest{Amount: eur("80.00"), Currency: "EUR"})
	if err != nil {
		log.Fatal(err)
	}

	// The merchant won the representment.
	cr, err := c.ReverseChargeback(context.Background(), cb.ID, backoffice.ChargebackReversalRequest{Amount: eur("80.00"), Currency: "EUR"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cr.PaymentType, cr.ReferencedID == cb.ID)
	// Output: CR true
}

func ExampleClient_Credit() {
	srv := backofficetest.NewServer()
	defer srv.Close()
	c := exampleClient(srv)

	card := &backoffice.Card{Number: "4200000000000000", Holder: "Jane Jones", ExpiryMonth: "05", ExpiryYear: "2034", CVV: "123"}
	cd, err := c.Credit(context.Background(), backoffice.CreditRequest{Amount: eur("15.00"), Currency: "EUR", PaymentBrand: "VISA", Card: card})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cd.PaymentType, cd.Amount.StringFixed(2), cd.Card.Last4Digits)
	fmt.Println(card) // the card redacts itself
	// Output:
	// CD 15.00 0000
	// Card{Number: ************0000, Holder: Jane Jones, Expiry: 05/2034, CVV: ***}
}

func ExampleClient_Inquire() {
	srv := backofficetest.NewServer()
	defer srv.Close()
	c := exampleClient(srv)
	db := srv.Debit(eur("42.00"), "EUR")

	p, err := c.Inquire(context.Background(), db)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.PaymentType, p.Amount.StringFixed(2), p.Currency)
	// Output: DB 42.00 EUR
}

func ExampleClient_QueryByMerchantTransactionID() {
	srv := backofficetest.NewServer()
	defer srv.Close()
	c := exampleClient(srv)
	db := srv.Debit(eur("42.00"), "EUR")
	if _, err := c.Refund(context.Background(), db, backoffice.RefundRequest{Amount: eur("2.00"), Currency: "EUR", MerchantTransactionID: "order-7-refund-1"}); err != nil {
		log.Fatal(err)
	}

	// After an *UncertainError, this is how to learn what was booked.
	ps, err := c.QueryByMerchantTransactionID(context.Background(), "order-7-refund-1")
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range ps {
		fmt.Println(p.PaymentType, p.Amount.StringFixed(2), p.Result.Code.IsSuccessful())
	}
	// Output: RF 2.00 true
}

func ExampleClient_TransactionList() {
	srv := backofficetest.NewServer()
	defer srv.Close()
	c, err := backoffice.NewClient(srv.ChecksumCredentials(), backoffice.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	pa := srv.Preauthorize(eur("10.00"), "EUR")
	if _, err := c.Capture(context.Background(), pa, backoffice.CaptureRequest{Amount: eur("10.00"), Currency: "EUR"}); err != nil {
		log.Fatal(err)
	}

	today := time.Now()
	list, err := c.TransactionList(context.Background(), backoffice.TransactionListRequest{From: today, To: today})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range list {
		fmt.Println(p.PaymentType, p.Amount.StringFixed(2))
	}
	// Output:
	// PA 10.00
	// CP 10.00
}

func ExampleChecksum() {
	// capture and refund sign memberId|secureKey|paymentId|amount
	fmt.Println(backoffice.Checksum("10537", "s3cr3t-Key-9f1c", "54289", "1.00"))
	// Output: 7452c04309b4e7325aa1a8c70b26276b
}

func ExampleRefundWindowFor() {
	w, ok := backoffice.RefundWindowFor("cl")
	purchased := time.Date(2025, 3, 31, 12, 0, 0, 0, time.UTC)
	fmt.Println(ok, w.Months, w.Deadline(purchased).Format("2006-01-02"))
	// Output: true 11 2026-02-28
}

func ExampleResultCode() {
	for _, code := range []backoffice.ResultCode{"000.100.112", "000.400.030", "000.100.201", "800.120.100"} {
		fmt.Printf("%s successful=%v %s\n", code, code.IsSuccessful(), code.Category())
	}
	// Output:
	// 000.100.112 successful=true success
	// 000.400.030 successful=false communication error
	// 000.100.201 successful=false chargeback
	// 800.120.100 successful=false rejected by risk validation
}

func ExampleUncertainError() {
	var err error = &backoffice.UncertainError{MerchantTransactionID: "order-7-refund-1", Err: context.DeadlineExceeded}
	var ue *backoffice.UncertainError
	if errors.As(err, &ue) {
		// Do not send the refund again: look it up later.
		fmt.Println("reconcile", ue.MerchantTransactionID, errors.Is(err, context.DeadlineExceeded))
	}
	// Output: reconcile order-7-refund-1 true
}
