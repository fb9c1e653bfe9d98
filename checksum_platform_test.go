package backoffice_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The answers in testdata/responses/checksum_*.json are built field for
// field from CHECKSUM-PLATFORM.md §4 (the platform's response writers and
// its documentation's sample bodies, S1c/S1d); the reference keeps field
// lists, not captured bytes.

func TestChecksumSampleAnswers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("capture", func(t *testing.T) {
		t.Parallel()
		rec := newRecorder(t, jsonAnswer(200, authorizedListRow(t, "54279")), jsonAnswer(200, readTestdata(t, "responses/checksum_capture.json")))
		p, err := newTestClient(t, rec.URL, checksumCreds).Capture(ctx, "54279", backoffice.CaptureRequest{Amount: dec("10.00"), Currency: "EUR"})
		require.NoError(t, err, "00004 is a success")
		assert.Equal(t, "54279", p.ID)
		assert.Equal(t, "54279", p.ReferencedID)
		assert.Equal(t, backoffice.PaymentTypeCapture, p.PaymentType)
		assert.Empty(t, p.Status)
		assert.True(t, p.Amount.IsZero(), "the answer states no amount")
		assert.True(t, p.Result.Code.IsSuccessful())
		assert.Equal(t, time.Date(2021, 8, 10, 13, 51, 19, 0, time.UTC), p.Timestamp)
	})
	t.Run("refund", func(t *testing.T) {
		t.Parallel()
		rec := newRecorder(t, jsonAnswer(200, readTestdata(t, "responses/checksum_list_one.json")),
			jsonAnswer(200, readTestdata(t, "responses/checksum_refund.json")))
		p, err := newTestClient(t, rec.URL, checksumCreds).Refund(ctx, "54279", backoffice.RefundRequest{Amount: dec("4.00"), Currency: "EUR"})
		require.NoError(t, err)
		assert.Equal(t, backoffice.PaymentTypeRefund, p.PaymentType)
		assert.Equal(t, backoffice.ResultCode("00005"), p.Result.Code)
	})
	t.Run("reversal", func(t *testing.T) {
		t.Parallel()
		rec := newRecorder(t, jsonAnswer(200, authorizedListRow(t, "54303")), jsonAnswer(200, readTestdata(t, "responses/checksum_reversal.json")))
		p, err := newTestClient(t, rec.URL, checksumCreds).Reverse(ctx, "54303", backoffice.ReversalRequest{})
		require.NoError(t, err)
		assert.Equal(t, backoffice.PaymentTypeReversal, p.PaymentType)
		assert.Equal(t, "PZ*TEST", p.Descriptor)
	})
	t.Run("inquiry", func(t *testing.T) {
		t.Parallel()
		rec := newRecorder(t, jsonAnswer(200, readTestdata(t, "responses/checksum_inquiry_platform.json")))
		p, err := newTestClient(t, rec.URL, checksumCreds).Inquire(ctx, "54279")
		require.NoError(t, err)
		assert.Equal(t, "capturesuccess", p.Status)
		assert.Equal(t, "Y", p.TransactionStatus)
		assert.Empty(t, p.PaymentType, "IN carries no paymentType")
		assert.Equal(t, "0000", p.Card.Last4Digits)
		assert.True(t, p.Amount.Equal(dec("10.00")))
	})
	t.Run("list", func(t *testing.T) {
		t.Parallel()
		rec := newRecorder(t, jsonAnswer(200, readTestdata(t, "responses/checksum_list.json")))
		zone := time.FixedZone("", 2*3600)
		from := time.Date(2021, 8, 10, 0, 0, 0, 0, zone)
		ps, err := newTestClient(t, rec.URL, checksumCreds).TransactionList(ctx, backoffice.TransactionListRequest{From: from, To: from})
		require.NoError(t, err, "00029 is the list's success")
		require.Len(t, ps, 2)
		assert.Equal(t, "54303", ps[0].ID)
		assert.Equal(t, "authcancelled", ps[0].Status, "the row's transactionStatus is the long status")
		assert.Equal(t, "Y", ps[0].TransactionStatus, "and the short one is the inquiry's")
		assert.Equal(t, "reversed", ps[1].Status)
		assert.True(t, ps[1].CapturedAmount.Equal(dec("10.00")))
		assert.True(t, ps[1].RefundedAmount.Equal(dec("4.00")))
		assert.Equal(t, "order-54279", ps[1].MerchantTransactionID)
		assert.Equal(t, time.Date(2021, 8, 10, 11, 51, 19, 0, time.UTC), ps[1].Timestamp, "zone-less times read in the zone asked for")
		form, _ := url.ParseQuery(string(rec.Requests()[0].Body))
		assert.Equal(t, "+02:00", form.Get("timeZone"))
	})
	t.Run("one row, a bare object", func(t *testing.T) {
		t.Parallel()
		rec := newRecorder(t, jsonAnswer(200, readTestdata(t, "responses/checksum_list_one.json")))
		ps, err := newTestClient(t, rec.URL, checksumCreds).TransactionList(ctx, backoffice.TransactionListRequest{PaymentID: "54279"})
		require.NoError(t, err)
		require.Len(t, ps, 1)
		assert.Equal(t, "54279", ps[0].ID)
	})
	t.Run("no rows, an empty slice", func(t *testing.T) {
		t.Parallel()
		rec := newRecorder(t, jsonAnswer(200, readTestdata(t, "responses/checksum_list_empty.json")))
		ps, err := newTestClient(t, rec.URL, checksumCreds).TransactionList(ctx, backoffice.TransactionListRequest{})
		require.NoError(t, err)
		assert.NotNil(t, ps)
		assert.Empty(t, ps)
	})
	t.Run("joined refusal codes, JSON with HTTP 200", func(t *testing.T) {
		t.Parallel()
		rec := newRecorder(t, jsonAnswer(200, readTestdata(t, "responses/checksum_refused_checksum.json")))
		_, err := newTestClient(t, rec.URL, checksumCreds).Capture(ctx, "54279", backoffice.CaptureRequest{Amount: dec("1.00"), Currency: "EUR"})
		var re *backoffice.ResultError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, backoffice.ResultCode("30021 | 20085"), re.Result.Code)
		assert.Equal(t, backoffice.NotBooked, backoffice.OutcomeOf(err))
		ps, err := newTestClient(t, rec.URL, checksumCreds).TransactionList(ctx, backoffice.TransactionListRequest{})
		assert.Nil(t, ps)
		require.ErrorAs(t, err, &re, "a refusal is never an empty list")
	})
}

// checksumRecipe is what CHECKSUM-PLATFORM.md §3 says a request signs.
func checksumRecipe(t *testing.T, path string, f url.Values) []string {
	t.Helper()
	if strings.HasSuffix(path, "/getTransactionList") {
		return nil
	}
	id := path[strings.LastIndex(path, "/")+1:]
	switch f.Get("paymentType") {
	case "CP", "RF":
		return []string{id, f.Get("amount")}
	case "RV", "IN":
		return []string{id}
	}
	t.Fatalf("no recipe for %s %v", path, f)
	return nil
}

// Every request the SDK sends to the fake platform carries memberId and
// the checksum §3 prescribes, computed here independently of the SDK.
func TestChecksumEveryRequestSigned(t *testing.T) {
	t.Parallel()
	srv := backofficetest.NewServer()
	defer srv.Close()
	creds := srv.ChecksumCredentials()
	c := newTestClient(t, srv.URL, srv.ChecksumCredentials(), withMatrixPolicy)
	e, err := srv.Seed(backofficetest.SeedPayment{Type: backoffice.PaymentTypeDebit, Amount: dec("5.00"), Currency: "EUR", MerchantTransactionID: "order-1"})
	require.NoError(t, err)
	payments := 1
	var list []backoffice.Payment
	for _, o := range opsWhere(func(op testOp, v variant) bool { return v == checksumVariant && op.on(v) == supported }) {
		var target string
		switch o.target {
		case targetMerchantTxID:
			target = "order-1"
		case targetNone:
		default:
			target = srv.TrackingID(o.target.book(srv))
			payments++
		}
		p, ps, err := o.do(c, o.ledgerArgs(target, ""))
		require.NoError(t, err, o.name)
		switch o.target {
		case targetMerchantTxID:
			assert.Equal(t, srv.TrackingID(e.ID), p.ID)
		case targetNone:
			list = ps
		}
	}
	require.Len(t, list, payments, "the list holds every payment booked")

	reqs := srv.Requests()
	require.NotEmpty(t, reqs)
	for _, r := range reqs {
		f, err := url.ParseQuery(string(r.Body))
		require.NoError(t, err)
		if r.Op == backofficetest.OpAuthToken {
			assert.Equal(t, []string{"authentication.partnerId", "authentication.sKey", "merchant.username"}, keys(f))
			continue
		}
		assert.NotEmpty(t, r.Header.Get("AuthToken"), "%s: the token on every call", r.Path)
		assert.NotContains(t, string(r.Body), creds.SecureKey, "only the token request carries the secure key")
		assert.Equal(t, creds.MemberID, f.Get("authentication.memberId"))
		fields := checksumRecipe(t, r.Path, f)
		if f.Get("idType") == "MID" {
			fields = []string{"order-1"}
		}
		sum := md5.Sum([]byte(strings.Join(append([]string{creds.MemberID, creds.SecureKey}, fields...), "|")))
		assert.Equal(t, hex.EncodeToString(sum[:]), f.Get("authentication.checksum"), "%s %v", r.Path, fields)
		assert.NotContains(t, f, "merchantTransactionId", "the platform does not read it")
		assert.NotContains(t, f, "currency", "the platform does not need it")
	}
}

func keys(f url.Values) []string {
	var out []string
	for k := range f {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// One token serves many goroutines; it is renewed before it expires.
//
// The client renews a token a fifth of its lifetime before it expires, so
// a goroutine that asks for one later than that (a loaded machine may
// start some of the 32 late) rightly fetches a new one: each fetch after
// the first comes at least renewAfter after the one before, and the burst
// may make no more fetches than fit in the time it took. That is exactly
// one when it took less than renewAfter, as it nearly always does.
func TestChecksumAuthTokenSharedAndRenewed(t *testing.T) {
	t.Parallel()
	const lifetime = time.Second
	renewAfter := lifetime*4/5 - time.Millisecond // the token's expiry is given to the millisecond
	srv := backofficetest.NewServer(backofficetest.WithAuthTokenLifetime(lifetime))
	defer srv.Close()
	c := newTestClient(t, srv.URL, srv.ChecksumCredentials(), withMatrixPolicy)
	pa := srv.TrackingID(srv.Preauthorize(dec("10.00"), "EUR"))

	var wg sync.WaitGroup
	errs := make(chan error, 32)
	start := time.Now()
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Inquire(context.Background(), pa)
			errs <- err
		}()
	}
	wg.Wait()
	took := time.Since(start)
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	issued := srv.AuthTokensIssued()
	if took >= renewAfter {
		t.Logf("the burst took %v, past the renewal point: %d tokens", took, issued)
	}
	assert.Positive(t, issued)
	assert.LessOrEqual(t, issued, int(took/renewAfter)+1, "one fetch for 32 goroutines (the burst took %v)", took)

	time.Sleep(lifetime * 9 / 10) // inside the last fifth of the lifetime of the last token the burst fetched
	_, err := c.Inquire(context.Background(), pa)
	require.NoError(t, err)
	assert.Equal(t, issued+1, srv.AuthTokensIssued(), "renewed before it expired")
	for _, r := range srv.Requests() {
		if r.Op == backofficetest.OpInquiry {
			f, _ := url.ParseQuery(string(r.Body))
			assert.NotEmpty(t, r.Header.Get("AuthToken"))
			assert.NotContains(t, f, "AuthToken")
		}
	}
}

// A call refused for its token is sent once more with a new one.
func TestChecksumAuthTokenRefusedOnce(t *testing.T) {
	t.Parallel()
	token := `{"partnerId":"1","memberId":"10537","result":{"code":"200","description":"Token generated successfully"},"timestamp":"2024-01-01 00:00:00","LoginName":"u","AuthToken":"`
	refused := `{"result":{"code":"30002","description":"Invalid AuthToken"},"timestamp":"2024-01-01 00:00:00"}`
	rec := newRecorder(t, jsonAnswer(200, token+`tok-1"}`), jsonAnswer(200, authorizedListRow(t, "54303")), jsonAnswer(200, refused),
		jsonAnswer(200, token+`tok-2"}`), jsonAnswer(200, readTestdata(t, "responses/checksum_reversal.json")))
	creds := checksumCreds
	creds.PartnerID, creds.Username = "1", "u"
	c, err := backoffice.NewClient(creds, backoffice.WithBaseURL(rec.URL), backoffice.WithRetryPolicy(fastRetries))
	require.NoError(t, err)

	_, err = c.Reverse(context.Background(), "54303", backoffice.ReversalRequest{})
	require.NoError(t, err)
	reqs := rec.Requests()
	require.Len(t, reqs, 5, "token, the payment's state, the reversal, a new token, the reversal again")
	assert.Equal(t, "tok-1", reqs[2].Header.Get("AuthToken"))
	assert.Equal(t, "tok-2", reqs[4].Header.Get("AuthToken"))
	assert.Equal(t, reqs[2].Body, reqs[4].Body, "the same request again")

	// A second refusal stands: no loop.
	rec2 := newRecorder(t, jsonAnswer(200, token+`tok-1"}`), jsonAnswer(200, authorizedListRow(t, "54303")), jsonAnswer(200, refused),
		jsonAnswer(200, token+`tok-2"}`), jsonAnswer(200, refused))
	c, err = backoffice.NewClient(creds, backoffice.WithBaseURL(rec2.URL), backoffice.WithRetryPolicy(fastRetries))
	require.NoError(t, err)
	_, err = c.Reverse(context.Background(), "54303", backoffice.ReversalRequest{})
	var re *backoffice.ResultError
	require.ErrorAs(t, err, &re)
	assert.Len(t, rec2.Requests(), 5)
	assert.NotContains(t, err.Error(), "tok-")
}

// Without PartnerID and Username nothing token-related is sent.
func TestChecksumWithoutAuthToken(t *testing.T) {
	t.Parallel()
	srv := backofficetest.NewServer(backofficetest.WithoutAuthToken())
	defer srv.Close()
	creds := srv.ChecksumCredentials()
	creds.PartnerID, creds.Username = "", ""
	c, err := backoffice.NewClient(creds, backoffice.WithBaseURL(srv.URL), backoffice.WithRetryPolicy(matrixPolicy))
	require.NoError(t, err)
	pa := srv.TrackingID(srv.Preauthorize(dec("10.00"), "EUR"))
	_, err = c.Capture(context.Background(), pa, backoffice.CaptureRequest{Amount: dec("1.00"), Currency: "EUR"})
	require.NoError(t, err)
	for _, r := range srv.Requests() {
		assert.NotEqual(t, backofficetest.OpAuthToken, r.Op)
		assert.Empty(t, r.Header.Get("AuthToken"))
	}

	creds.PartnerID = "only-one"
	_, err = backoffice.NewClient(creds, backoffice.WithBaseURL(srv.URL))
	var ve *backoffice.ValidationError
	require.ErrorAs(t, err, &ve, "PartnerID and Username go together")
}

// A refund whose refunded amount cannot be read first is not sent.
func TestChecksumRefundNeedsItsBaseline(t *testing.T) {
	t.Parallel()
	srv := backofficetest.NewServer()
	defer srv.Close()
	c := newTestClient(t, srv.URL, srv.ChecksumCredentials(), withMatrixPolicy)
	db := srv.Debit(dec("10.00"), "EUR")
	srv.InjectFaultFunc(func(o backofficetest.Op, _ int) (backofficetest.Fault, bool) {
		return backofficetest.Fault{Kind: backofficetest.FaultServerError}, o == backofficetest.OpTransactionList
	})
	_, err := c.Refund(context.Background(), srv.TrackingID(db), backoffice.RefundRequest{Amount: dec("1.00"), Currency: "EUR"})
	require.Error(t, err)
	assert.Equal(t, backoffice.NotBooked, backoffice.OutcomeOf(err))
	var ne *backoffice.NotSentError
	assert.True(t, errors.As(err, &ne), "%v", err)
	assert.Empty(t, srv.Entries(db))
}

// The AuthToken, like the secure key, never reaches an error, a log line
// or a printed value, even when the platform echoes it.
func TestChecksumAuthTokenNeverLeaks(t *testing.T) {
	t.Parallel()
	const tok = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2VjcmV0LXRva2VuLXZhbHVl"
	creds := checksumCreds
	creds.PartnerID, creds.Username = "77", "merchant-u"
	echo := `{"paymentId":"54279","result":{"code":"10005","description":"Capture transaction failed. token ` + tok +
		` key ` + creds.SecureKey + `"}}`
	rec := newRecorder(t,
		jsonAnswer(200, `{"result":{"code":"200","description":"Token generated successfully"},"AuthToken":"`+tok+`"}`),
		jsonAnswer(200, authorizedListRow(t, "54279")), // the payment's state, read before the capture
		jsonAnswer(200, echo))
	var logs strings.Builder
	var mu sync.Mutex
	c, err := backoffice.NewClient(creds, backoffice.WithBaseURL(rec.URL), backoffice.WithRetryPolicy(fastRetries),
		backoffice.WithLogger(debugLogger(&logs, &mu)))
	require.NoError(t, err)
	_, err = c.Capture(context.Background(), "54279", backoffice.CaptureRequest{Amount: dec("1.00"), Currency: "EUR"})
	var re *backoffice.ResultError
	require.ErrorAs(t, err, &re)
	mu.Lock()
	defer mu.Unlock()
	for where, text := range map[string]string{"error": err.Error(), "raw": string(re.Payment.Raw), "logs": logs.String(),
		"client": c.String(), "credentials": creds.String()} {
		assert.NotContains(t, text, tok, where)
		assert.NotContains(t, text, creds.SecureKey, where)
	}
	assert.Equal(t, tok, rec.Requests()[2].Header.Get("AuthToken"))
}

// lockedWriter serialises writes to a strings.Builder.
type lockedWriter struct {
	b  *strings.Builder
	mu *sync.Mutex
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func debugLogger(b *strings.Builder, mu *sync.Mutex) *slog.Logger {
	return slog.New(slog.NewTextHandler(lockedWriter{b, mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// authorizedListRow is the transaction list's answer for payment id, a
// preauthorization of 10.00 EUR with nothing captured: what a checksum
// capture, refund or reversal reads before it is sent.
func authorizedListRow(t *testing.T, id string) string {
	t.Helper()
	row := strings.Replace(readTestdata(t, "responses/checksum_list_one.json"), `"capturesuccess","captureamount":"10.00"`, `"authsuccessful","captureamount":"0.00"`, 1)
	return strings.ReplaceAll(row, "54279", id)
}

// The checksum platform keeps no id for a capture or reversal, so they are
// settled from the payment's state; a booking made before the call must
// never be taken for it. The call reads the payment's captured amount and
// status first: a second capture (reversal) whose request is lost is not
// booked, by its own look-ups and by Resolve from its stored description,
// though the payment shows the earlier capture (reversal).
func TestChecksumEarlierBookingIsNotTheCalls(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		op   backofficetest.Op
		typ  backoffice.PaymentType
		call func(ctx context.Context, c *backoffice.Client, id string) error
	}{
		{backofficetest.OpCapture, backoffice.PaymentTypeCapture, func(ctx context.Context, c *backoffice.Client, id string) error {
			_, err := c.Capture(ctx, id, backoffice.CaptureRequest{Amount: dec("4.00"), Currency: "EUR"})
			return err
		}},
		{backofficetest.OpReversal, backoffice.PaymentTypeReversal, func(ctx context.Context, c *backoffice.Client, id string) error {
			_, err := c.Reverse(ctx, id, backoffice.ReversalRequest{})
			return err
		}},
	} {
		t.Run(string(tc.typ), func(t *testing.T) {
			t.Parallel()
			srv := backofficetest.NewServer()
			t.Cleanup(srv.Close)
			pa := srv.Preauthorize(dec("10.00"), "EUR")
			id := srv.TrackingID(pa)
			c := newTestClient(t, srv.URL, srv.ChecksumCredentials(), withMatrixPolicy)
			require.NoError(t, tc.call(context.Background(), c, id), "the earlier booking")

			srv.InjectFault(tc.op, 2, backofficetest.Fault{Kind: backofficetest.FaultDropBeforeBooking})
			var u *backoffice.UncertainError
			ctx := backoffice.WithBeforeSend(context.Background(), func(d *backoffice.UncertainError) error { u = d; return nil })
			err := tc.call(ctx, c, id)

			assert.Equal(t, backoffice.NotBooked, backoffice.OutcomeOf(err), "%v", err)
			booked := srv.Entries(pa, tc.typ)
			require.Len(t, booked, 1, "only the earlier booking")
			require.NotNil(t, u)
			assert.NotEmpty(t, u.StatusBefore)
			assert.Empty(t, resolvesTo(t, srv, checksumVariant, u, nil), "Resolve must not take the earlier booking for the call's")
		})
	}
}
