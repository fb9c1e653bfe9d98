package backoffice_test

// Search and History: every iterator rule of issue 11, once against the
// fake gateway (backofficetest) and once against a raw httptest server
// answering the shapes REPORTING.md reconstructs, since no /v3/query
// answer was ever recorded.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var day = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

// searchPolicy paces throttled queries at 20 ms instead of 30 s.
var searchPolicy = backoffice.RetryPolicy{MaxAttempts: 2, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond,
	LookupInterval: 20 * time.Millisecond}

// fakeWithDebits seeds n debits of 1.00 EUR on day, a second apart, and
// returns their ids in booking order.
func fakeWithDebits(t *testing.T, n int) (*backofficetest.Server, *backoffice.Client, []string) {
	t.Helper()
	srv := backofficetest.NewServer()
	t.Cleanup(srv.Close)
	ids := make([]string, n)
	for i := range ids {
		e, err := srv.Seed(backofficetest.SeedPayment{Type: backoffice.PaymentTypeDebit, Amount: dec("1.00"), Currency: "EUR",
			At: day.Add(time.Duration(i) * time.Second)})
		require.NoError(t, err)
		ids[i] = e.ID
	}
	c, err := backoffice.NewClient(srv.BearerCredentials(), backoffice.WithBaseURL(srv.URL), backoffice.WithRetryPolicy(searchPolicy))
	require.NoError(t, err)
	return srv, c, ids
}

func wholeDay() backoffice.SearchRequest {
	return backoffice.SearchRequest{From: day, To: day.Add(24*time.Hour - time.Second)}
}

// collect runs seq to its end, without breaking, and returns the ids
// yielded and every error yielded.
func collect(seq func(func(backoffice.Payment, error) bool)) (ids []string, errs []error) {
	for p, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue // an iterator that yields again after an error is caught here
		}
		ids = append(ids, p.ID)
	}
	return ids, errs
}

func searchRequests(srv *backofficetest.Server) []backofficetest.Request {
	var out []backofficetest.Request
	for _, r := range srv.Requests() {
		if r.Op == backofficetest.OpSearch {
			out = append(out, r)
		}
	}
	return out
}

func TestSearchFakeYieldsEveryRecordOnceInOrder(t *testing.T) {
	t.Parallel()
	srv, c, ids := fakeWithDebits(t, 250)
	r := wholeDay()
	r.PageSize = 100
	got, errs := collect(c.Search(context.Background(), r))
	require.Empty(t, errs)
	assert.Equal(t, ids, got)
	reqs := searchRequests(srv)
	require.Len(t, reqs, 3, "250 records in pages of 100")
	for i, req := range reqs {
		assert.Equal(t, strconv.Itoa(i+1), queryOf(t, req.RawQuery).Get("pageNo"))
	}
}

func TestSearchFakeFiltersByTypeAndShortID(t *testing.T) {
	t.Parallel()
	srv, c, ids := fakeWithDebits(t, 3)
	ctx := context.Background()
	rf, err := c.Refund(ctx, ids[1], backoffice.RefundRequest{Amount: dec("0.40"), Currency: "EUR"})
	require.NoError(t, err)
	r := backoffice.SearchRequest{From: day, To: time.Now().Add(time.Hour), PaymentTypes: []backoffice.PaymentType{backoffice.PaymentTypeRefund}}
	got, errs := collect(c.Search(ctx, r))
	require.Empty(t, errs)
	assert.Equal(t, []string{rf.ID}, got)

	r = wholeDay()
	r.ShortID = srv.ShortID(ids[2])
	got, errs = collect(c.Search(ctx, r))
	require.Empty(t, errs)
	assert.Equal(t, []string{ids[2]}, got)
}

func TestSearchBreakSendsNoFurtherRequest(t *testing.T) {
	t.Parallel()
	srv, c, ids := fakeWithDebits(t, 30)
	r := wholeDay()
	r.PageSize = 10
	n := 0
	for p, err := range c.Search(context.Background(), r) {
		require.NoError(t, err)
		assert.Equal(t, ids[n], p.ID)
		if n++; n == 15 { // in the middle of page 2
			break
		}
	}
	time.Sleep(20 * time.Millisecond) // nothing is in flight to arrive late
	assert.Len(t, searchRequests(srv), 2)
}

func TestSearchNoRecordsIsZeroIterations(t *testing.T) {
	t.Parallel()
	t.Run("fake", func(t *testing.T) {
		t.Parallel()
		srv, c, _ := fakeWithDebits(t, 0)
		got, errs := collect(c.Search(context.Background(), wholeDay()))
		assert.Empty(t, got)
		assert.Empty(t, errs)
		assert.Len(t, searchRequests(srv), 1)
	})
	for name, body := range map[string]string{
		"700.400.580":        `{"result":{"code":"700.400.580","description":"cannot find transaction"},"ndc":"x"}`,
		"empty records":      `{"result":{"code":"000.000.100","description":"successful request"},"pages":0,"records":[]}`,
		"records null":       `{"result":{"code":"000.000.100","description":"successful request"},"records":null}`,
		"no list, no pages":  `{"result":{"code":"000.000.100","description":"successful request"},"buildNumber":"b","ndc":"x"}`,
		"empty other arrays": `{"result":{"code":"000.000.100","description":"successful request"},"items":[]}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			status := http.StatusOK
			if strings.Contains(body, "700.400.580") {
				status = http.StatusBadRequest
			}
			g := newPageServer(t, func(int) (int, string) { return status, body })
			got, errs := collect(g.client(t).Search(context.Background(), wholeDay()))
			assert.Empty(t, got)
			assert.Empty(t, errs)
			assert.Equal(t, []int{1}, g.pagesAsked())
		})
	}
}

func TestSearchErrorYieldedOnceEndsIteration(t *testing.T) {
	t.Parallel()
	t.Run("fake", func(t *testing.T) {
		t.Parallel()
		srv, c, ids := fakeWithDebits(t, 25)
		srv.InjectFault(backofficetest.OpSearch, 2, backofficetest.Fault{Kind: backofficetest.FaultServerError})
		srv.InjectFault(backofficetest.OpSearch, 3, backofficetest.Fault{Kind: backofficetest.FaultServerError})
		r := wholeDay()
		r.PageSize = 10
		got, errs := collect(c.Search(context.Background(), r))
		assert.Equal(t, ids[:10], got, "page 1, then the error")
		require.Len(t, errs, 1)
		var he *backoffice.HTTPError
		assert.ErrorAs(t, errs[0], &he)
		assert.Len(t, searchRequests(srv), 3, "page 1, and page 2 twice (MaxAttempts 2)")
	})
	t.Run("raw refusal", func(t *testing.T) {
		t.Parallel()
		g := newPageServer(t, func(page int) (int, string) {
			if page == 2 {
				return 400, `{"result":{"code":"200.300.404","description":"invalid or missing parameter","parameterErrors":[{"name":"date.to","value":"x","message":"span too long"}]}}`
			}
			return 200, recordsPage(page, 3, 2)
		})
		got, errs := collect(g.client(t).Search(context.Background(), wholeDay()))
		assert.Equal(t, []string{"p1r1", "p1r2"}, got)
		require.Len(t, errs, 1)
		var re *backoffice.ResultError
		require.ErrorAs(t, errs[0], &re)
		assert.Equal(t, backoffice.ResultCode("200.300.404"), re.Result.Code)
		assert.Equal(t, "date.to", re.Result.ParameterErrors[0].Name)
		assert.NotContains(t, errs[0].Error(), bearerCreds.AccessToken)
		assert.Equal(t, []int{1, 2}, g.pagesAsked())
	})
}

func TestSearchThrottledPagesRetriedNeitherSkippedNorRepeated(t *testing.T) {
	t.Parallel()
	for _, tooMany := range []bool{false, true} {
		t.Run(fmt.Sprintf("HTTP 429 %v", tooMany), func(t *testing.T) {
			t.Parallel()
			srv, _, ids := fakeWithDebits(t, 50)
			// A window far longer than the interval, so that pages 3 and 5
			// are throttled however slowly the test runs; one attempt per
			// read, so that every repeated page is the pager's own retry.
			interval := 50 * time.Millisecond
			srv.ThrottleSearch(backofficetest.SearchThrottle{N: 2, Window: 6 * interval, TooManyRequests: tooMany})
			c, err := backoffice.NewClient(srv.BearerCredentials(), backoffice.WithBaseURL(srv.URL),
				backoffice.WithRetryPolicy(backoffice.RetryPolicy{MaxAttempts: 1, LookupInterval: interval}))
			require.NoError(t, err)
			r := wholeDay()
			r.PageSize = 10
			got, errs := collect(c.Search(context.Background(), r))
			require.Empty(t, errs)
			assert.Equal(t, ids, got)
			reqs := searchRequests(srv)
			first := -1 // the first page asked again
			for i := 1; i < len(reqs) && first < 0; i++ {
				if reqs[i].RawQuery == reqs[i-1].RawQuery {
					first = i
				}
			}
			require.Positive(t, first, "a page was throttled and asked again")
			// From the first throttling on, the query is paced: each request
			// at least the interval after the previous one (a lower bound).
			for i := first; i < len(reqs); i++ {
				if gap := reqs[i].At.Sub(reqs[i-1].At); gap < interval-2*time.Millisecond {
					t.Errorf("request %d sent %v after the previous one, under the %v interval", i, gap, interval)
				}
			}
		})
	}
	t.Run("raw", func(t *testing.T) {
		t.Parallel()
		var mu sync.Mutex
		throttled := map[int]bool{}
		g := newPageServer(t, func(page int) (int, string) {
			mu.Lock()
			defer mu.Unlock()
			if page == 2 && !throttled[page] {
				throttled[page] = true
				return http.StatusTooManyRequests, `<html>Too Many Requests</html>`
			}
			if page == 3 && !throttled[page] {
				throttled[page] = true
				return 400, `{"result":{"code":"800.120.100","description":"Too many requests. Please try again later."}}`
			}
			return 200, recordsPage(page, 3, 2)
		})
		c := g.client(t, backoffice.WithRetryPolicy(backoffice.RetryPolicy{MaxAttempts: 1, LookupInterval: 5 * time.Millisecond}))
		got, errs := collect(c.Search(context.Background(), wholeDay()))
		require.Empty(t, errs)
		assert.Equal(t, []string{"p1r1", "p1r2", "p2r1", "p2r2", "p3r1", "p3r2"}, got)
		assert.Equal(t, []int{1, 2, 2, 3, 3}, g.pagesAsked())
	})
}

func TestSearchThrottledWithoutEndGivesUp(t *testing.T) {
	t.Parallel()
	g := newPageServer(t, func(int) (int, string) {
		return 400, `{"result":{"code":"800.120.100","description":"Too many requests. Please try again later."}}`
	})
	c := g.client(t, backoffice.WithRetryPolicy(backoffice.RetryPolicy{MaxAttempts: 1, LookupInterval: time.Millisecond}))
	got, errs := collect(c.Search(context.Background(), wholeDay()))
	assert.Empty(t, got)
	require.Len(t, errs, 1)
	var re *backoffice.ResultError
	require.ErrorAs(t, errs[0], &re)
	assert.Equal(t, backoffice.ResultCode("800.120.100"), re.Result.Code)
	assert.Len(t, g.pagesAsked(), 20)
}

func TestSearchThrottleWaitEndsWithContext(t *testing.T) {
	t.Parallel()
	g := newPageServer(t, func(int) (int, string) { return http.StatusTooManyRequests, `{"result":{"code":"800.120.100"}}` })
	c := g.client(t, backoffice.WithRetryPolicy(backoffice.RetryPolicy{MaxAttempts: 1, LookupInterval: time.Hour}))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, errs := collect(c.Search(ctx, wholeDay()))
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], context.DeadlineExceeded)
	assert.Equal(t, []int{1}, g.pagesAsked())
}

func TestSearchValidationSendsNothing(t *testing.T) {
	t.Parallel()
	ok := wholeDay()
	cases := []struct {
		name  string
		edit  func(*backoffice.SearchRequest)
		field string
	}{
		{"zero From", func(r *backoffice.SearchRequest) { r.From = time.Time{} }, "From"},
		{"zero To", func(r *backoffice.SearchRequest) { r.To = time.Time{} }, "To"},
		{"To before From", func(r *backoffice.SearchRequest) { r.To = r.From.Add(-time.Second) }, "To"},
		{"unknown payment type", func(r *backoffice.SearchRequest) {
			r.PaymentTypes = []backoffice.PaymentType{backoffice.PaymentTypeRefund, "ZZ"}
		}, "PaymentTypes"},
		{"lower-case payment type", func(r *backoffice.SearchRequest) { r.PaymentTypes = []backoffice.PaymentType{"rf"} }, "PaymentTypes"},
		{"negative page size", func(r *backoffice.SearchRequest) { r.PageSize = -1 }, "PageSize"},
		{"page size over 500", func(r *backoffice.SearchRequest) { r.PageSize = 501 }, "PageSize"},
		{"short id with a query", func(r *backoffice.SearchRequest) { r.ShortID = "1234&limit=1" }, "ShortID"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newPageServer(t, func(page int) (int, string) { return 200, recordsPage(page, 1, 1) })
			r := ok
			tc.edit(&r)
			got, errs := collect(g.client(t).Search(context.Background(), r))
			assert.Empty(t, got)
			require.Len(t, errs, 1)
			var ve *backoffice.ValidationError
			require.ErrorAs(t, errs[0], &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Empty(t, g.pagesAsked())
		})
	}
	_, err := newPageServer(t, nil).client(t).History(context.Background(), "../x")
	var ve *backoffice.ValidationError
	assert.ErrorAs(t, err, &ve)
}

func TestSearchAndHistoryUnsupportedByChecksum(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t)
	c := newTestClient(t, rec.URL, checksumCreds)
	_, errs := collect(c.Search(context.Background(), wholeDay()))
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], backoffice.ErrUnsupported)
	_, err := c.History(context.Background(), "8ac7a4a178a6ec6e0178b0b1f6fb3adf")
	assert.ErrorIs(t, err, backoffice.ErrUnsupported)
	assert.Empty(t, rec.Requests())
}

func TestSearchSendsTheQuery(t *testing.T) {
	t.Parallel()
	g := newPageServer(t, func(page int) (int, string) { return 200, recordsPage(page, 1, 1) })
	cet := time.FixedZone("CET", 3600)
	r := backoffice.SearchRequest{
		From:         time.Date(2023, 11, 1, 1, 0, 0, 0, cet),
		To:           time.Date(2023, 11, 17, 0, 59, 59, 999, cet),
		PaymentTypes: []backoffice.PaymentType{backoffice.PaymentTypeRefund, backoffice.PaymentTypeReversal},
		ShortID:      "5256.4385.1634",
		PageSize:     500,
	}
	_, errs := collect(g.client(t).Search(context.Background(), r))
	require.Empty(t, errs)
	q := queryOf(t, g.rawQueries()[0])
	assert.Equal(t, bearerCreds.EntityID, q.Get("entityId"))
	assert.Equal(t, "2023-11-01 00:00:00", q.Get("date.from"), "UTC")
	assert.Equal(t, "2023-11-16 23:59:59", q.Get("date.to"), "UTC, truncated to the second")
	assert.Equal(t, "RF,RV", q.Get("paymentTypes"))
	assert.Equal(t, "5256.4385.1634", q.Get("shortId"))
	assert.Equal(t, "500", q.Get("limit"))
	assert.Equal(t, "1", q.Get("pageNo"))
	assert.NotContains(t, g.rawQueries()[0], bearerCreds.AccessToken)

	_, errs = collect(g.client(t).Search(context.Background(), wholeDay()))
	require.Empty(t, errs)
	assert.Equal(t, "100", queryOf(t, g.rawQueries()[1]).Get("limit"), "the default page size")
}

func TestSearchDecodesTheUnverifiedShapes(t *testing.T) {
	t.Parallel()
	const rec = `{"id":"%s","referencedId":"8ac7a4a1845f7e19018461a00b366a74","paymentType":"RF","paymentBrand":"VISA",` +
		`"amount":"10.05","currency":"EUR","descriptor":"5256.4385.1634 OPP_Channel","merchantTransactionId":"m1",` +
		`"result":{"code":"000.100.110","description":"ok"},"card":{"bin":"420000","last4Digits":"0000"},` +
		`"buildNumber":"b","ndc":"n","timestamp":"2023-11-02 10:11:12.345+0000"}`
	t.Run("records, pages as a string", func(t *testing.T) {
		t.Parallel()
		g := newPageServer(t, func(page int) (int, string) {
			return 200, fmt.Sprintf(`{"result":{"code":"000.000.100"},"pages":"2","records":[`+rec+`]}`, fmt.Sprint("r", page))
		})
		var got []backoffice.Payment
		for p, err := range g.client(t).Search(context.Background(), wholeDay()) {
			require.NoError(t, err)
			got = append(got, p)
		}
		require.Len(t, got, 2)
		p := got[0]
		assert.Equal(t, "r1", p.ID)
		assert.Equal(t, "8ac7a4a1845f7e19018461a00b366a74", p.ReferencedID)
		assert.Equal(t, backoffice.PaymentTypeRefund, p.PaymentType)
		assert.True(t, p.Amount.Equal(dec("10.05")), p.Amount.String())
		assert.Equal(t, "m1", p.MerchantTransactionID)
		assert.Equal(t, time.Date(2023, 11, 2, 10, 11, 12, 345e6, time.UTC), p.Timestamp)
		assert.JSONEq(t, fmt.Sprintf(rec, "r1"), string(p.Raw), "Raw is the record, not the page")
		assert.Equal(t, "r2", got[1].ID)
	})
	t.Run("v1 payments key", func(t *testing.T) {
		t.Parallel()
		g := newPageServer(t, func(int) (int, string) {
			return 200, fmt.Sprintf(`{"result":{"code":"000.000.100"},"payments":[`+rec+`,`+rec+`]}`, "a", "b")
		})
		got, errs := collect(g.client(t).Search(context.Background(), wholeDay()))
		require.Empty(t, errs)
		assert.Equal(t, []string{"a", "b"}, got)
		assert.Equal(t, []int{1}, g.pagesAsked(), "no pages: the one page is the last")
	})
	for name, body := range map[string]string{
		"records under another key": `{"result":{"code":"000.000.100"},"pages":1,"items":[{"id":"a"}]}`,
		"a payment, not a list":     `{"result":{"code":"000.100.110"},"id":"a","paymentType":"RF"}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := newPageServer(t, func(int) (int, string) { return 200, body })
			got, errs := collect(g.client(t).Search(context.Background(), wholeDay()))
			assert.Empty(t, got)
			require.Len(t, errs, 1, "never an empty result")
			var he *backoffice.HTTPError
			require.ErrorAs(t, errs[0], &he)
			assert.Contains(t, he.Reason, `keys seen: `)
			assert.Contains(t, he.Reason, keyOf(body))
		})
	}
	for name, body := range map[string]string{
		"records not an array": `{"result":{"code":"000.000.100"},"records":{"id":"a"}}`,
		"pages not a number":   `{"result":{"code":"000.000.100"},"pages":"many","records":[]}`,
		"a record not object":  `{"result":{"code":"000.000.100"},"records":[17]}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g := newPageServer(t, func(int) (int, string) { return 200, body })
			_, errs := collect(g.client(t).Search(context.Background(), wholeDay()))
			require.Len(t, errs, 1)
			var he *backoffice.HTTPError
			assert.ErrorAs(t, errs[0], &he)
		})
	}
}

// keyOf returns the key the unexpected-key cases hide their records under.
func keyOf(body string) string {
	if strings.Contains(body, `"items"`) {
		return `"items"`
	}
	return `"paymentType"`
}

func TestSearchStopsAtAnEmptyPageWhateverPagesSays(t *testing.T) {
	t.Parallel()
	g := newPageServer(t, func(page int) (int, string) {
		if page == 2 {
			return 200, `{"result":{"code":"000.000.100"},"pages":1000000,"records":[]}`
		}
		return 200, recordsPage(page, 1000000, 1)
	})
	got, errs := collect(g.client(t).Search(context.Background(), wholeDay()))
	require.Empty(t, errs)
	assert.Equal(t, []string{"p1r1"}, got)
	assert.Equal(t, []int{1, 2}, g.pagesAsked())
}

// pageServer answers GET /v3/query and /v3/query/{id} with whatever its
// function returns for the pageNo asked (0 without one), and records the
// queries.
type pageServer struct {
	*httptest.Server
	mu      sync.Mutex
	queries []string
}

func newPageServer(t *testing.T, answer func(page int) (status int, body string)) *pageServer {
	t.Helper()
	g := &pageServer{}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		g.queries = append(g.queries, r.URL.RawQuery)
		g.mu.Unlock()
		page, _ := strconv.Atoi(r.URL.Query().Get("pageNo"))
		status, body := answer(page)
		ct := "application/json;charset=UTF-8"
		if strings.HasPrefix(body, "<") {
			ct = "text/html"
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(g.Close)
	return g
}

func (g *pageServer) client(t *testing.T, opts ...backoffice.Option) *backoffice.Client {
	t.Helper()
	return newTestClient(t, g.URL, bearerCreds, append([]backoffice.Option{backoffice.WithRetryPolicy(searchPolicy)}, opts...)...)
}

func (g *pageServer) rawQueries() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.queries...)
}

func (g *pageServer) pagesAsked() []int {
	var out []int
	for _, q := range g.rawQueries() {
		n, _ := strconv.Atoi(queryOfString(q).Get("pageNo"))
		out = append(out, n)
	}
	return out
}

// recordsPage is page page of pages, with n records named p<page>r<i>, in
// the shape REPORTING.md reconstructs for /v3/query.
func recordsPage(page, pages, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `{"result":{"code":"000.000.100","description":"successful request"},"buildNumber":"b","timestamp":"2023-11-16 10:00:00+0000","ndc":"e_1","pages":%d,"records":[`, pages)
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"p%dr%d","paymentType":"RF","amount":"1.00","currency":"EUR","result":{"code":"000.100.110","description":"ok"},"timestamp":"2023-11-16 09:00:00.000+0000"}`, page, i)
	}
	b.WriteString("]}")
	return b.String()
}

func queryOf(t *testing.T, raw string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(raw)
	require.NoError(t, err)
	return v
}

func queryOfString(raw string) url.Values {
	v, _ := url.ParseQuery(raw)
	return v
}

func TestHistoryFake(t *testing.T) {
	t.Parallel()
	srv := backofficetest.NewServer()
	t.Cleanup(srv.Close)
	c, err := backoffice.NewClient(srv.BearerCredentials(), backoffice.WithBaseURL(srv.URL), backoffice.WithRetryPolicy(searchPolicy))
	require.NoError(t, err)
	ctx := context.Background()
	pa := srv.Preauthorize(dec("100.00"), "EUR")
	other := srv.Debit(dec("5.00"), "EUR")
	cp, err := c.Capture(ctx, pa, backoffice.CaptureRequest{Amount: dec("60.00"), Currency: "EUR"})
	require.NoError(t, err)
	_, err = c.Refund(ctx, other, backoffice.RefundRequest{Amount: dec("1.00"), Currency: "EUR"})
	require.NoError(t, err)
	rf, err := c.Refund(ctx, cp.ID, backoffice.RefundRequest{Amount: dec("20.00"), Currency: "EUR"})
	require.NoError(t, err)

	h, err := c.History(ctx, pa)
	require.NoError(t, err)
	require.Len(t, h, 3)
	assert.Equal(t, []string{pa, cp.ID, rf.ID}, []string{h[0].ID, h[1].ID, h[2].ID})
	assert.Equal(t, []string{"", pa, cp.ID}, []string{h[0].ReferencedID, h[1].ReferencedID, h[2].ReferencedID})
	assert.True(t, h[2].Amount.Equal(dec("20.00")))
	q := queryOf(t, searchRequests(srv)[0].RawQuery)
	assert.Equal(t, "true", q.Get("includeLinkedTransactions"))

	_, err = c.History(ctx, "8ac7a4a178a6ec6e0178b0b1f6fb3adf")
	assert.ErrorIs(t, err, backoffice.ErrNotFound)
	var re *backoffice.ResultError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, backoffice.ResultCode("700.400.580"), re.Result.Code)
}

func TestHistoryThrottledFake(t *testing.T) {
	t.Parallel()
	srv, c, ids := fakeWithDebits(t, 1)
	srv.ThrottleSearch(backofficetest.SearchThrottle{N: 1, Window: 5 * searchPolicy.LookupInterval, TooManyRequests: true})
	for range 2 { // the second is throttled, then answered
		h, err := c.History(context.Background(), ids[0])
		require.NoError(t, err)
		require.Len(t, h, 1)
		assert.Equal(t, ids[0], h[0].ID)
	}
	assert.Greater(t, len(searchRequests(srv)), 2)
}

func TestHistoryDecodesTheUnverifiedShapes(t *testing.T) {
	t.Parallel()
	const ok = `"result":{"code":"000.000.100","description":"successful request"}`
	pay := func(id, typ, ref string) string {
		s := `{"id":"` + id + `","paymentType":"` + typ + `","amount":"1.00","currency":"EUR"`
		if ref != "" {
			s += `,"referencedId":"` + ref + `"`
		}
		return s
	}
	cases := []struct {
		name, body string
		ids, refs  []string
	}{
		{"flat records, the payment not first",
			`{` + ok + `,"records":[` + pay("cp", "CP", "pa") + `},` + pay("pa", "PA", "") + `},` + pay("rf", "RF", "cp") + `}]}`,
			[]string{"pa", "cp", "rf"}, []string{"", "pa", "cp"}},
		{"the payment at the top, linked ones nested without referencedId",
			`{` + ok + `,"id":"pa","paymentType":"PA","amount":"1.00","linkedTransactions":[` + pay("cp", "CP", "") + `,"payments":[` + pay("rf", "RF", "") + `}]}]}`,
			[]string{"pa", "cp", "rf"}, []string{"", "pa", "cp"}},
		{"the payment at the top and again in the list",
			`{` + ok + `,"id":"pa","paymentType":"PA","amount":"1.00","payments":[` + pay("pa", "PA", "") + `},` + pay("rv", "RV", "pa") + `}]}`,
			[]string{"pa", "rv"}, []string{"", "pa"}},
		{"v1 shape: the payment alone",
			`{` + ok + `,"id":"pa","paymentType":"PA","amount":"1.00","currency":"EUR"}`,
			[]string{"pa"}, []string{""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newPageServer(t, func(int) (int, string) { return 200, tc.body })
			h, err := g.client(t).History(context.Background(), "pa")
			require.NoError(t, err)
			var ids, refs []string
			for _, p := range h {
				ids, refs = append(ids, p.ID), append(refs, p.ReferencedID)
				assert.True(t, p.Amount.Equal(dec("1.00")))
				assert.NotEmpty(t, p.Raw)
			}
			assert.Equal(t, tc.ids, ids)
			assert.Equal(t, tc.refs, refs)
		})
	}
	t.Run("linked payments under an unexpected key", func(t *testing.T) {
		t.Parallel()
		g := newPageServer(t, func(int) (int, string) {
			return 200, `{` + ok + `,"id":"pa","paymentType":"PA","children":[` + pay("cp", "CP", "pa") + `}]}`
		})
		_, err := g.client(t).History(context.Background(), "pa")
		var he *backoffice.HTTPError
		require.ErrorAs(t, err, &he)
		assert.Contains(t, he.Reason, `"children"`)
		assert.NotContains(t, err.Error(), bearerCreds.AccessToken)
	})
	t.Run("path and query", func(t *testing.T) {
		t.Parallel()
		var path string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			path = r.URL.Path + "?" + r.URL.RawQuery
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{` + ok + `,"records":[]}`))
		}))
		defer srv.Close()
		c, err := backoffice.NewClient(bearerCreds, backoffice.WithBaseURL(srv.URL))
		require.NoError(t, err)
		h, err := c.History(context.Background(), "pa")
		require.NoError(t, err)
		assert.Empty(t, h)
		assert.Equal(t, "/v3/query/pa?entityId="+bearerCreds.EntityID+"&includeLinkedTransactions=true", path)
	})
}
