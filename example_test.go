package backoffice_test

import (
	"context"
	"encoding/json"
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
	// The platform's payment ids are numeric tracking ids.
	pa := srv.TrackingID(srv.Preauthorize(eur("10.00"), "EUR"))
	if _, err := c.Capture(context.Background(), pa, backoffice.CaptureRequest{Amount: eur("4.00"), Currency: "EUR"}); err != nil {
		log.Fatal(err)
	}

	// A capture changes the original payment; it gets no row of its own.
	today := time.Now()
	list, err := c.TransactionList(context.Background(), backoffice.TransactionListRequest{From: today, To: today})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range list {
		fmt.Println(p.Status, p.Amount.StringFixed(2), p.CapturedAmount.StringFixed(2), p.RefundedAmount.StringFixed(2))
	}
	// Output:
	// capturesuccess 10.00 4.00 0.00
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

// The complete error switch a merchant's code should have around every
// money-moving call: first whether money moved, then the details.
func ExampleOutcomeOf() {
	srv := backofficetest.NewServer()
	defer srv.Close()
	c := exampleClient(srv)
	debit := srv.Debit(eur("50.00"), "EUR")

	for _, amount := range []string{"20.00", "40.00"} {
		p, err := c.Refund(context.Background(), debit, backoffice.RefundRequest{
			Amount: eur(amount), Currency: "EUR", MerchantTransactionID: "order-42-refund-" + amount})
		switch backoffice.OutcomeOf(err) {
		case backoffice.Booked:
			fmt.Println("booked", p.Amount.StringFixed(2), p.Result.Code)
		case backoffice.NotBooked:
			var (
				re *backoffice.ResultError
				ve *backoffice.ValidationError
			)
			switch {
			case errors.As(err, &re):
				fmt.Println("refused", re.Result.Code, re.Result.Description)
			case errors.As(err, &ve):
				fmt.Println("bad input", ve.Field)
			default:
				fmt.Println("not booked:", err) // not sent, or proven absent: safe to try again later
			}
		case backoffice.Unknown:
			var u *backoffice.UncertainError
			if errors.As(err, &u) {
				// Never send it again blindly: store u (it is JSON without
				// secrets) and call Client.Resolve later.
				fmt.Println("unknown; resolve", u.MerchantTransactionID)
			}
		}
	}
	// Output:
	// booked 20.00 000.100.110
	// refused 700.400.200 cannot refund (refund volume exceeded or tx reversed or invalid workflow?)
}

// An uncertain refund is stored as JSON and resolved later by another
// Client, which looks it up and never sends it again.
func ExampleClient_Resolve() {
	srv := backofficetest.NewServer()
	defer srv.Close()
	policy := backoffice.RetryPolicy{MaxAttempts: 3, MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond,
		SettleTime: 100 * time.Millisecond, LookupInterval: 20 * time.Millisecond} // scaled down from minutes for the example
	c, err := backoffice.NewClient(srv.BearerCredentials(), backoffice.WithBaseURL(srv.URL), backoffice.WithRetryPolicy(policy))
	if err != nil {
		log.Fatal(err)
	}
	debit := srv.Debit(eur("50.00"), "EUR")

	// A proxy answers 504 while the gateway books the refund, and every
	// look-up fails until the call gives up.
	srv.InjectFault(backofficetest.OpRefund, 1, backofficetest.Fault{Kind: backofficetest.FaultProxyTimeout})
	srv.InjectFaultFunc(func(op backofficetest.Op, _ int) (backofficetest.Fault, bool) {
		return backofficetest.Fault{Kind: backofficetest.FaultServerError}, op == backofficetest.OpQuery
	})
	_, err = c.Refund(context.Background(), debit, backoffice.RefundRequest{
		Amount: eur("20.00"), Currency: "EUR", MerchantTransactionID: "order-43-refund-1"})
	var u *backoffice.UncertainError
	if !errors.As(err, &u) {
		log.Fatal(err)
	}
	fmt.Println(backoffice.OutcomeOf(err))
	stored, _ := json.Marshal(u)

	// Later, perhaps in another process: the look-ups work again.
	srv.ClearFaults()
	var restored backoffice.UncertainError
	if err := json.Unmarshal(stored, &restored); err != nil {
		log.Fatal(err)
	}
	later, err := backoffice.NewClient(srv.BearerCredentials(), backoffice.WithBaseURL(srv.URL), backoffice.WithRetryPolicy(policy))
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p, err := later.Resolve(ctx, &restored)
	switch {
	case err == nil:
		fmt.Println("booked", p.PaymentType, p.Amount.StringFixed(2), p.MerchantTransactionID)
	case errors.Is(err, backoffice.ErrNotBooked):
		fmt.Println("not booked: send it again")
	default:
		fmt.Println("still", backoffice.OutcomeOf(err))
	}
	fmt.Println("refunds booked:", len(srv.Entries(debit, backoffice.PaymentTypeRefund)))
	// Output:
	// unknown
	// booked RF 20.00 order-43-refund-1
	// refunds booked: 1
}

// Journal each call's description before it is sent: a process that dies
// at any instant of the call leaves a copy that Resolve settles, on the
// checksum platform too, where a refund is settled by the refunded amount
// read just before it.
func ExampleWithBeforeSend() {
	srv := backofficetest.NewServer()
	defer srv.Close()
	policy := backoffice.RetryPolicy{MaxAttempts: 3, MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond,
		SettleTime: 100 * time.Millisecond, LookupInterval: 20 * time.Millisecond} // scaled down from minutes for the example
	c, err := backoffice.NewClient(srv.ChecksumCredentials(), backoffice.WithBaseURL(srv.URL), backoffice.WithRetryPolicy(policy))
	if err != nil {
		log.Fatal(err)
	}
	payment := srv.TrackingID(srv.Debit(eur("50.00"), "EUR"))

	var journal [][]byte // a file, fsynced, in a real job
	ctx := backoffice.WithBeforeSend(context.Background(), func(u *backoffice.UncertainError) error {
		b, err := json.Marshal(u)
		journal = append(journal, b)
		return err // an error here sends nothing
	})
	if _, err := c.Refund(ctx, payment, backoffice.RefundRequest{Amount: eur("20.00"), Currency: "EUR"}); err != nil {
		log.Fatal(err)
	}

	// Say the process had died before the answer: a new one settles the
	// refund from the journal alone.
	var u backoffice.UncertainError
	if err := json.Unmarshal(journal[0], &u); err != nil {
		log.Fatal(err)
	}
	fmt.Println("refunded before:", u.RefundedBefore.StringFixed(2))
	later, err := backoffice.NewClient(srv.ChecksumCredentials(), backoffice.WithBaseURL(srv.URL), backoffice.WithRetryPolicy(policy))
	if err != nil {
		log.Fatal(err)
	}
	rctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p, err := later.Resolve(rctx, &u)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("booked", p.PaymentType, "refunded now:", p.RefundedAmount.StringFixed(2))
	// Output:
	// refunded before: 0.00
	// booked RF refunded now: 20.00
}

// Create the merchantTransactionId first and store it with the order before
// sending: a process that dies mid-call can still look the refund up.
func ExampleNewMerchantTransactionID() {
	srv := backofficetest.NewServer()
	defer srv.Close()
	c := exampleClient(srv)
	debit := srv.Debit(eur("30.00"), "EUR")

	mtid := backoffice.NewMerchantTransactionID()
	// saveRefundIntent(orderID, mtid) — durably, before the call.
	p, err := c.Refund(context.Background(), debit, backoffice.RefundRequest{
		Amount: eur("10.00"), Currency: "EUR", MerchantTransactionID: mtid})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.MerchantTransactionID == mtid)
	// Output: true
}
