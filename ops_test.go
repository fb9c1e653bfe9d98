package backoffice_test

import (
	"context"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/shopspring/decimal"
)

// The catalogue of operations: the one place the tests list what a Client
// can do. Every test that runs "each operation" (validation, wire format,
// golden requests, unsupported operations, the fault matrix, chaos, secret
// hygiene) ranges over operations, filtering it where it covers a subset.
// A new operation is one entry here, with its golden requests.

// testOp is one operation of the catalogue, in one shape: a Client method
// called one way (Reverse is two entries, full and partial; Credit two, to
// a card and to a registration).
type testOp struct {
	name   string // "capture", "credit to card": a subtest's name after its variant
	method string // the Client method it calls, as errors name it: "Capture"

	// What each variant does with the call: performs it, refuses it before
	// sending (a *ValidationError), or lacks it (ErrUnsupported).
	bearer, checksum support

	// paymentType is the payment the operation books: empty for a read,
	// which moves no money.
	paymentType backoffice.PaymentType
	amount      amountRule
	target      targetKind
	// repeatable: the operation may act many times on one target (several
	// captures of one preauthorization, several refunds of one debit); a
	// chargeback, a reversal or a chargeback reversal acts once.
	repeatable bool

	// call performs the operation on c with a (a.id is the target, see
	// targetKind): a single payment, or a list for a listing read.
	call func(ctx context.Context, c *backoffice.Client, a opArgs) (*backoffice.Payment, []backoffice.Payment, error)

	// golden are the requests whose exact bytes testdata/golden pins.
	golden []goldenCase
}

// support is what a variant does with an operation.
type support int

const (
	unsupported support = iota // ErrUnsupported, nothing sent
	supported
	refused // a *ValidationError, nothing sent
)

// amountRule is how an operation takes an amount.
type amountRule int

const (
	noAmount       amountRule = iota // a read, or a full reversal
	amountRequired                   // amount and currency must be given
	amountOptional                   // a zero amount means "all of it" (partial reversal)
)

// targetKind is what an operation's opArgs.id names.
type targetKind int

const (
	targetNone             targetKind = iota // no id: a credit to a card, a transaction list
	targetPreauthorization                   // a PA, captured or reversed
	targetDebit                              // a DB, refunded, rebilled or charged back
	targetChargeback                         // a CB, reversed
	targetPayment                            // any payment, read
	targetRegistration                       // a stored card, credited
	targetMerchantTxID                       // a merchantTransactionId looked up
)

// opArgs is what an operation is called with; a zero field is left out.
type opArgs struct {
	id       string // see targetKind
	mtid     string // the merchantTransactionId of a money-moving call
	amount   decimal.Decimal
	currency string
	card     *backoffice.Card // a credit to a card: nil means validCard()
	extra    map[string]string
	list     backoffice.TransactionListRequest // a zero From/To means the last day
}

// goldenCase is one pinned request: testdata/golden/<file>.txt.
type goldenCase struct {
	v    variant
	file string
	opts []backoffice.Option
	args opArgs
}

// single adapts a one-payment answer to testOp.call.
func single(p *backoffice.Payment, err error) (*backoffice.Payment, []backoffice.Payment, error) {
	return p, nil, err
}

// many adapts a list answer to testOp.call.
func many(ps []backoffice.Payment, err error) (*backoffice.Payment, []backoffice.Payment, error) {
	return nil, ps, err
}

var (
	goldenFrom     = time.Date(2023, 2, 9, 0, 0, 0, 0, time.UTC)
	goldenTestMode = []backoffice.Option{backoffice.WithTestMode(backoffice.TestModeExternal)}
)

// operations is the catalogue.
var operations = []testOp{
	{
		name: "capture", method: "Capture", bearer: supported, checksum: supported,
		paymentType: backoffice.PaymentTypeCapture, amount: amountRequired, target: targetPreauthorization, repeatable: true,
		call: func(ctx context.Context, c *backoffice.Client, a opArgs) (*backoffice.Payment, []backoffice.Payment, error) {
			return single(c.Capture(ctx, a.id, backoffice.CaptureRequest{Amount: a.amount, Currency: a.currency, MerchantTransactionID: a.mtid, Extra: a.extra}))
		},
		golden: []goldenCase{
			{bearerVariant, "bearer_capture", goldenTestMode, opArgs{id: "8a8294496242ba5301625069d1b27e3d", amount: dec("1"), currency: "BRL", mtid: "Order Number 123"}},
			{checksumVariant, "checksum_capture", nil, opArgs{id: "54289", amount: dec("1"), currency: "EUR", mtid: "cap-54289"}},
		},
	},
	{
		name: "refund", method: "Refund", bearer: supported, checksum: supported,
		paymentType: backoffice.PaymentTypeRefund, amount: amountRequired, target: targetDebit, repeatable: true,
		call: func(ctx context.Context, c *backoffice.Client, a opArgs) (*backoffice.Payment, []backoffice.Payment, error) {
			return single(c.Refund(ctx, a.id, backoffice.RefundRequest{Amount: a.amount, Currency: a.currency, MerchantTransactionID: a.mtid, Extra: a.extra}))
		},
		golden: []goldenCase{
			{bearerVariant, "bearer_refund", goldenTestMode, opArgs{id: "8a8294496242ba5301625069d1b27e3d", amount: dec("1.00"), currency: "BRL", mtid: "Order Number 123"}},
			{checksumVariant, "checksum_refund", nil, opArgs{id: "54289", amount: dec("0.40"), currency: "EUR", mtid: "ref-54289"}},
		},
	},
	{
		name: "full reversal", method: "Reverse", bearer: supported, checksum: supported,
		paymentType: backoffice.PaymentTypeReversal, amount: noAmount, target: targetPreauthorization,
		call: reverse,
		golden: []goldenCase{
			{bearerVariant, "bearer_reversal_full", goldenTestMode, opArgs{id: "8a82944a6242c8f00162505f33cf77ef", mtid: "Order Number 321"}},
			{checksumVariant, "checksum_reversal", nil, opArgs{id: "54289", mtid: "rev-54289"}},
		},
	},
	{
		// The checksum platform reverses whole payments only.
		name: "partial reversal", method: "Reverse", bearer: supported, checksum: refused,
		paymentType: backoffice.PaymentTypeReversal, amount: amountOptional, target: targetPreauthorization,
		call: reverse,
		golden: []goldenCase{
			{bearerVariant, "bearer_reversal_partial", nil, opArgs{id: "8a82944a6242c8f00162505f33cf77ef", amount: dec("0.5"), currency: "MXN", mtid: "Order Number 321"}},
		},
	},
	{
		name: "rebill", method: "Rebill", bearer: supported, checksum: unsupported,
		paymentType: backoffice.PaymentTypeRebill, amount: amountRequired, target: targetDebit, repeatable: true,
		call: func(ctx context.Context, c *backoffice.Client, a opArgs) (*backoffice.Payment, []backoffice.Payment, error) {
			return single(c.Rebill(ctx, a.id, backoffice.RebillRequest{Amount: a.amount, Currency: a.currency, MerchantTransactionID: a.mtid, Extra: a.extra}))
		},
		golden: []goldenCase{
			{bearerVariant, "bearer_rebill", nil, opArgs{id: "8a82944a6242c8f00162505f33cf77ef", amount: dec("20"), currency: "USD", mtid: "taxi-42-extra"}},
		},
	},
	{
		name: "chargeback", method: "Chargeback", bearer: supported, checksum: unsupported,
		paymentType: backoffice.PaymentTypeChargeback, amount: amountRequired, target: targetDebit,
		call: func(ctx context.Context, c *backoffice.Client, a opArgs) (*backoffice.Payment, []backoffice.Payment, error) {
			return single(c.Chargeback(ctx, a.id, backoffice.ChargebackRequest{Amount: a.amount, Currency: a.currency, MerchantTransactionID: a.mtid, Extra: a.extra}))
		},
		golden: []goldenCase{
			{bearerVariant, "bearer_chargeback", nil, opArgs{id: "8a82944a6242c8f00162505f33cf77ef", amount: dec("10.00"), currency: "EUR", mtid: "cb-1",
				extra: map[string]string{"customParameters[reason]": "fraud", "descriptor": "CB 1"}}},
		},
	},
	{
		name: "chargeback reversal", method: "ReverseChargeback", bearer: supported, checksum: unsupported,
		paymentType: backoffice.PaymentTypeChargebackReversal, amount: amountRequired, target: targetChargeback,
		call: func(ctx context.Context, c *backoffice.Client, a opArgs) (*backoffice.Payment, []backoffice.Payment, error) {
			return single(c.ReverseChargeback(ctx, a.id, backoffice.ChargebackReversalRequest{Amount: a.amount, Currency: a.currency, MerchantTransactionID: a.mtid, Extra: a.extra}))
		},
		golden: []goldenCase{
			{bearerVariant, "bearer_chargeback_reversal", nil, opArgs{id: "8a829449624200000000000000000cb1", amount: dec("10.00"), currency: "EUR", mtid: "cr-1"}},
		},
	},
	{
		name: "credit to card", method: "Credit", bearer: supported, checksum: unsupported,
		paymentType: backoffice.PaymentTypeCredit, amount: amountRequired, target: targetNone, repeatable: true,
		call: func(ctx context.Context, c *backoffice.Client, a opArgs) (*backoffice.Payment, []backoffice.Payment, error) {
			cd := a.card
			if cd == nil {
				cd = validCard()
			}
			return single(c.Credit(ctx, backoffice.CreditRequest{Amount: a.amount, Currency: a.currency, PaymentBrand: "VISA", Card: cd, MerchantTransactionID: a.mtid, Extra: a.extra}))
		},
		golden: []goldenCase{
			{bearerVariant, "bearer_credit_card", goldenTestMode, opArgs{amount: dec("100"), currency: "EUR", mtid: "P175"}},
		},
	},
	{
		name: "credit to registration", method: "Credit", bearer: supported, checksum: unsupported,
		paymentType: backoffice.PaymentTypeCredit, amount: amountRequired, target: targetRegistration, repeatable: true,
		call: func(ctx context.Context, c *backoffice.Client, a opArgs) (*backoffice.Payment, []backoffice.Payment, error) {
			return single(c.Credit(ctx, backoffice.CreditRequest{Amount: a.amount, Currency: a.currency, RegistrationID: a.id, MerchantTransactionID: a.mtid, Extra: a.extra}))
		},
		golden: []goldenCase{
			{bearerVariant, "bearer_credit_registration", nil, opArgs{id: "8a82944a4cc25ebf014cc2c782423202", amount: dec("5.25"), currency: "EUR", mtid: "payout-7"}},
		},
	},
	{
		name: "inquiry", method: "Inquire", bearer: supported, checksum: supported, target: targetPayment,
		call: func(ctx context.Context, c *backoffice.Client, a opArgs) (*backoffice.Payment, []backoffice.Payment, error) {
			return single(c.Inquire(ctx, a.id))
		},
		golden: []goldenCase{
			{bearerVariant, "bearer_inquiry", nil, opArgs{id: "8a8294496242ba5301625069d1b27e3d"}},
			{checksumVariant, "checksum_inquiry", nil, opArgs{id: "54289"}},
		},
	},
	{
		name: "query by merchantTransactionId", method: "QueryByMerchantTransactionID", bearer: supported, checksum: unsupported, target: targetMerchantTxID,
		call: func(ctx context.Context, c *backoffice.Client, a opArgs) (*backoffice.Payment, []backoffice.Payment, error) {
			return many(c.QueryByMerchantTransactionID(ctx, a.id))
		},
		golden: []goldenCase{
			{bearerVariant, "bearer_query_by_merchant_transaction_id", nil, opArgs{id: "Order Number 123"}},
		},
	},
	{
		name: "inquiry by merchantTransactionId", method: "InquireByMerchantTransactionID", bearer: unsupported, checksum: supported, target: targetMerchantTxID,
		call: func(ctx context.Context, c *backoffice.Client, a opArgs) (*backoffice.Payment, []backoffice.Payment, error) {
			return single(c.InquireByMerchantTransactionID(ctx, a.id))
		},
		golden: []goldenCase{
			{checksumVariant, "checksum_inquiry_by_merchant_transaction_id", nil, opArgs{id: "Order 123"}},
		},
	},
	{
		name: "transaction list", method: "TransactionList", bearer: unsupported, checksum: supported, target: targetNone,
		call: func(ctx context.Context, c *backoffice.Client, a opArgs) (*backoffice.Payment, []backoffice.Payment, error) {
			r := a.list
			if r.From.IsZero() {
				r.From, r.To = time.Now().AddDate(0, 0, -1), time.Now()
			}
			return many(c.TransactionList(ctx, r))
		},
		golden: []goldenCase{
			{checksumVariant, "checksum_transaction_list", nil, opArgs{list: backoffice.TransactionListRequest{
				From: goldenFrom, To: goldenFrom.AddDate(0, 0, 30), Status: "capturesuccess"}}},
			{checksumVariant, "checksum_transaction_list_page", nil, opArgs{list: backoffice.TransactionListRequest{
				From: goldenFrom.In(time.FixedZone("", 5*3600+1800)), To: goldenFrom.AddDate(0, 0, 30), PaymentID: "54289", Page: 2, PageSize: 30}}},
		},
	},
	{
		name: "history", method: "History", bearer: supported, checksum: unsupported, target: targetPayment,
		call: func(ctx context.Context, c *backoffice.Client, a opArgs) (*backoffice.Payment, []backoffice.Payment, error) {
			return many(c.History(ctx, a.id))
		},
	},
}

// reverse is the call of both reversals: a zero amount reverses all.
func reverse(ctx context.Context, c *backoffice.Client, a opArgs) (*backoffice.Payment, []backoffice.Payment, error) {
	return single(c.Reverse(ctx, a.id, backoffice.ReversalRequest{Amount: a.amount, Currency: a.currency, MerchantTransactionID: a.mtid, Extra: a.extra}))
}

// on is what variant v does with op.
func (op testOp) on(v variant) support {
	if v == checksumVariant {
		return op.checksum
	}
	return op.bearer
}

// movesMoney reports whether op books a payment.
func (op testOp) movesMoney() bool { return op.paymentType != "" }

// fakeOp is the fake gateway's name for op's requests.
func (op testOp) fakeOp() backofficetest.Op { return backofficetest.Op(op.paymentType) }

// label names op on v for a subtest: "bearer capture".
func (op testOp) label(v variant) string { return v.String() + " " + op.name }

// args are the arguments of a call against a recorder, which answers
// anything: the variant's id for the target, and 1 EUR where an amount is
// required.
func (op testOp) args(v variant) opArgs {
	a := opArgs{id: op.target.recorderID(v)}
	if op.amount == amountRequired {
		a.amount, a.currency = dec("1"), "EUR"
	}
	return a
}

// do performs op on c with a under context.Background.
func (op testOp) do(c *backoffice.Client, a opArgs) (*backoffice.Payment, []backoffice.Payment, error) {
	return op.call(context.Background(), c, a)
}

// opsWhere returns the operations of the catalogue, each with the variant
// it runs on, that keep returns true for.
func opsWhere(keep func(op testOp, v variant) bool) []variantOp {
	var out []variantOp
	for _, v := range variants {
		for _, op := range operations {
			if keep(op, v) {
				out = append(out, variantOp{op, v})
			}
		}
	}
	return out
}

// variantOp is an operation on one variant.
type variantOp struct {
	testOp
	v variant
}

func (o variantOp) String() string { return o.label(o.v) }

// recorderID is the id the tests against a recorder use for the target.
func (k targetKind) recorderID(v variant) string {
	if v == checksumVariant && k != targetNone && k != targetMerchantTxID {
		return "54289" // the checksum platform's ids are numeric
	}
	switch k {
	case targetPreauthorization, targetPayment:
		return "pa1"
	case targetDebit:
		return "db1"
	case targetChargeback:
		return "cb1"
	case targetRegistration:
		return "8a82944a4cc25ebf014cc2c782423202"
	case targetMerchantTxID:
		return "order-1"
	}
	return ""
}

// inPath reports whether the target's id travels in the URL path under the
// id rules (a merchantTransactionId has rules of its own).
func (k targetKind) inPath() bool {
	switch k {
	case targetPreauthorization, targetDebit, targetChargeback, targetPayment, targetRegistration:
		return true
	}
	return false
}

// book books on the fake gateway a fresh target of kind k, one that
// bears a 10.00 EUR call, and returns its id ("" for targetNone).
func (k targetKind) book(srv *backofficetest.Server) string {
	switch k {
	case targetPreauthorization:
		return srv.Preauthorize(dec("100.00"), "EUR")
	case targetDebit, targetPayment:
		return srv.Debit(dec("100.00"), "EUR")
	case targetChargeback:
		e, err := srv.BankChargeback(srv.Debit(dec("100.00"), "EUR"), dec("10.00"), "000.100.220")
		if err != nil {
			panic(err)
		}
		return e.ID
	case targetRegistration:
		return srv.AddRegistration()
	}
	return ""
}
