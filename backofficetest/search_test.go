package backofficetest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// searchReply is a /v3/query answer.
type searchReply struct {
	Result  struct{ Code string }
	Pages   *int
	Records []payment
}

func (g *gateway) search(q url.Values) (int, searchReply) {
	g.t.Helper()
	r := g.get("/v3/query", q)
	var s searchReply
	require.NoError(g.t, json.Unmarshal(r.body, &s), "%s", r.body)
	return r.status, s
}

func seedAt(t *testing.T, srv *backofficetest.Server, typ backoffice.PaymentType, at time.Time) string {
	t.Helper()
	e, err := srv.Seed(backofficetest.SeedPayment{Type: typ, Amount: dec("10.00"), Currency: "EUR", At: at})
	require.NoError(t, err)
	return e.ID
}

var searchDay = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

func dayQuery(kv ...string) url.Values {
	q := form(kv...)
	q.Set("date.from", "2026-11-02 00:00:00")
	q.Set("date.to", "2026-11-02 23:59:59")
	return q
}

func TestSearchPagesTheWindowInRecordingOrder(t *testing.T) {
	t.Parallel()
	g := newGateway(t)
	seedAt(t, g.srv, backoffice.PaymentTypeDebit, searchDay.Add(-time.Second)) // the day before
	var ids []string
	for i := range 5 {
		ids = append(ids, seedAt(t, g.srv, backoffice.PaymentTypeDebit, searchDay.Add(time.Duration(i)*time.Hour)))
	}
	ids = append(ids, seedAt(t, g.srv, backoffice.PaymentTypePreauthorization, searchDay.Add(24*time.Hour-time.Second))) // inclusive
	seedAt(t, g.srv, backoffice.PaymentTypeDebit, searchDay.Add(24*time.Hour))                                           // the day after

	var got []string
	for page := 1; page <= 3; page++ {
		status, s := g.search(dayQuery("limit", "2", "pageNo", string(rune('0'+page))))
		require.Equal(t, http.StatusOK, status)
		assert.Equal(t, "000.000.100", s.Result.Code)
		require.NotNil(t, s.Pages)
		assert.Equal(t, 3, *s.Pages)
		require.Len(t, s.Records, 2)
		for _, r := range s.Records {
			got = append(got, r.ID)
			assert.Equal(t, "000.100.110", r.Result.Code)
			assert.Equal(t, "10.00", r.Amount)
		}
	}
	assert.Equal(t, ids, got)

	status, s := g.search(dayQuery("limit", "2", "pageNo", "4"))
	assert.Equal(t, http.StatusBadRequest, status, "past the last page")
	assert.Equal(t, "700.400.580", s.Result.Code)
	assert.Nil(t, s.Pages)

	_, s = g.search(dayQuery("paymentTypes", "PA,RF"))
	require.Len(t, s.Records, 1)
	assert.Equal(t, ids[5], s.Records[0].ID)
	assert.Equal(t, 1, *s.Pages, "default limit 100")

	_, s = g.search(dayQuery("shortId", g.srv.ShortID(ids[2])))
	require.Len(t, s.Records, 1)
	assert.Equal(t, ids[2], s.Records[0].ID)
	assert.Regexp(t, regexp.MustCompile(`^[0-9]{4}\.[0-9]{4}\.[0-9]{4}$`), g.srv.ShortID(ids[2]))
}

func TestSearchNothingFoundAndBadParameters(t *testing.T) {
	t.Parallel()
	g := newGateway(t)
	status, s := g.search(dayQuery())
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "700.400.580", s.Result.Code)

	for name, q := range map[string]url.Values{
		"no dates":      form(),
		"date format":   form("date.from", "2026-11-02", "date.to", "2026-11-02 23:59:59"),
		"to before":     form("date.from", "2026-11-02 10:00:00", "date.to", "2026-11-02 09:59:59"),
		"limit too big": dayQuery("limit", "501"),
		"pageNo zero":   dayQuery("pageNo", "0"),
		"bad type list": dayQuery("paymentTypes", "RF;RV"),
	} {
		r := g.get("/v3/query", q)
		assert.Equal(t, http.StatusBadRequest, r.status, name)
		assert.Equal(t, "200.300.404", r.p.Result.Code, name)
		assert.NotEmpty(t, r.p.Result.ParameterErrors, name)
	}

	req, err := http.NewRequest(http.MethodGet, g.srv.URL+"/v3/query?"+dayQuery("entityId", g.srv.BearerCredentials().EntityID).Encode(), nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer wrong")
	assert.Equal(t, http.StatusUnauthorized, g.send(req).status)
}

func TestSearchThrottlePerQuery(t *testing.T) {
	t.Parallel()
	for _, tooMany := range []bool{false, true} {
		g := newGateway(t)
		seedAt(t, g.srv, backoffice.PaymentTypeDebit, searchDay)
		g.srv.ThrottleSearch(backofficetest.SearchThrottle{N: 2, Window: time.Hour, TooManyRequests: tooMany})
		for i := range 2 {
			status, _ := g.search(dayQuery("pageNo", "1"))
			assert.Equal(t, http.StatusOK, status, "request %d", i+1)
		}
		r := g.get("/v3/query", dayQuery("pageNo", "2")) // another page of the same query
		want := http.StatusBadRequest
		if tooMany {
			want = http.StatusTooManyRequests
		}
		assert.Equal(t, want, r.status)
		assert.Equal(t, "800.120.100", r.p.Result.Code)
		status, _ := g.search(dayQuery("paymentTypes", "DB")) // another query
		assert.Equal(t, http.StatusOK, status)

		g.srv.ThrottleSearch(backofficetest.SearchThrottle{})
		status, _ = g.search(dayQuery())
		assert.Equal(t, http.StatusOK, status, "throttling off")
	}
}

func TestHistoryListsLinkedRecords(t *testing.T) {
	t.Parallel()
	g := newGateway(t)
	pa := g.srv.Preauthorize(dec("100.00"), "EUR")
	cp := g.book(pa, "CP", "60.00", "EUR")
	refused := g.operate(cp, "RF", "70.00", "EUR") // above what was captured
	require.Equal(t, http.StatusBadRequest, refused.status)
	rf := g.book(cp, "RF", "10.00", "EUR")
	g.book(g.srv.Debit(dec("5.00"), "EUR"), "RF", "1.00", "EUR") // unrelated

	r := g.get("/v3/query/"+pa, form("includeLinkedTransactions", "true"))
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var s searchReply
	require.NoError(t, json.Unmarshal(r.body, &s))
	var ids, refs []string
	for _, p := range s.Records {
		ids, refs = append(ids, p.ID), append(refs, p.ReferencedID)
	}
	assert.Equal(t, []string{pa, cp, refused.p.ID, rf}, ids, "refused attempts included, in recording order")
	assert.Equal(t, []string{"", pa, cp, cp}, refs)

	r = g.get("/v3/query/"+pa, form())
	require.NoError(t, json.Unmarshal(r.body, &s))
	require.Len(t, s.Records, 1, "without includeLinkedTransactions, the payment alone")

	r = g.get("/v3/query/8ac7a4a178a6ec6e0178b0b1f6fb3adf", form())
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, "700.400.580", r.p.Result.Code)
}

func TestSearchFaultsTargetOpSearch(t *testing.T) {
	t.Parallel()
	g := newGateway(t)
	g.srv.InjectFault(backofficetest.OpSearch, 1, backofficetest.Fault{Kind: backofficetest.FaultThrottle})
	r := g.get("/v3/query", dayQuery())
	assert.Equal(t, "800.120.100", r.p.Result.Code)
	reqs := g.srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, backofficetest.OpSearch, reqs[0].Op)
}
