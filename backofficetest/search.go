package backofficetest

import (
	"encoding/json"
	"hash/fnv"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Transaction search (bearer variant):
//
//	GET /v3/query?date.from=&date.to=[&paymentTypes=][&shortId=][&limit=][&pageNo=]
//	GET /v3/query/{id}[?includeLinkedTransactions=true]
//
// No answer of either was ever recorded from the gateway; the shapes below
// are reconstructed from its clients, and the fake picks one answer where
// the gateway's is unknown. A search answers HTTP 200
// {"result":{"code":"000.000.100",...},"pages":N,"records":[...]}, each
// record the bytes of the payment's original answer, booked and refused
// alike, in recording order. date.from and date.to ("YYYY-MM-DD HH:MM:SS",
// UTC) are required and inclusive to the second; limit is 1 to 500
// (default 100); pageNo counts from 1. No match, and a pageNo past the last
// page, answer HTTP 400 with 700.400.580 and no pages (the gateway's v1
// query does so; what v3 does is unknown). A history answers the payment
// and, with includeLinkedTransactions=true, every record referring to it
// directly or through another, flat under records with their referencedId.
//
// See ThrottleSearch for the gateway's throttling of these queries.

// OpSearch is the Op of GET /v3/query and GET /v3/query/{id}.
const OpSearch Op = "SEARCH"

// SearchThrottle limits each query to N requests per Window; a further
// request inside the window is refused with 800.120.100, as HTTP 400 or,
// with TooManyRequests, HTTP 429 (which a client of the gateway has seen on
// this endpoint). A query is a search's parameters but pageNo, or one
// history's path: each page of a search counts against the same query.
// The window is measured on the wall clock, not WithClock's.
type SearchThrottle struct {
	N               int
	Window          time.Duration
	TooManyRequests bool
}

// ThrottleSearch applies t to every later search and history request, as
// the gateway's test host does with about 2 requests a minute per query;
// a zero N turns throttling off, the default. Refusals count as requests,
// as Requests lists them, but not against the limit.
func (s *Server) ThrottleSearch(t SearchThrottle) {
	s.search.mu.Lock()
	defer s.search.mu.Unlock()
	s.search.limit = t
	s.search.seen = map[string][]time.Time{}
}

// ShortID returns the short id the server gives payment id, the
// "1234.5678.9012" form a search's shortId parameter matches. The gateway
// shows it in descriptors; the fake derives it from the id.
func (s *Server) ShortID(id string) string {
	h := fnv.New64a()
	h.Write([]byte(id))
	d := strconv.FormatUint(h.Sum64()%1e12+1e12, 10)[1:] // 12 digits
	return d[0:4] + "." + d[4:8] + "." + d[8:12]
}

// searchState is a Server's throttling of searches.
type searchState struct {
	mu    sync.Mutex
	limit SearchThrottle
	seen  map[string][]time.Time // admitted requests per query, within the window
}

// admit reports whether a request of query may be answered now.
func (st *searchState) admit(query string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.limit.N <= 0 {
		return true
	}
	now := time.Now()
	times := st.seen[query]
	for len(times) > 0 && now.Sub(times[0]) >= st.limit.Window {
		times = times[1:]
	}
	if len(times) >= st.limit.N {
		st.seen[query] = times
		return false
	}
	st.seen[query] = append(times, now)
	return true
}

func (s *Server) searchThrottled() answer {
	a := s.bearerFault(codeThrottled)
	s.search.mu.Lock()
	if s.search.limit.TooManyRequests {
		a.status = http.StatusTooManyRequests
	}
	s.search.mu.Unlock()
	return a
}

// searchRoute classifies GET /v3/query and GET /v3/query/{id}.
func (s *Server) searchRoute(r *http.Request) (route, bool) {
	if r.Method != http.MethodGet {
		return route{}, false
	}
	if r.URL.Path == "/v3/query" {
		return route{op: OpSearch, serve: func(bool) answer { return s.bearerSearch(r) }, refuse: s.bearerFault}, true
	}
	if id, ok := segment(r.URL.Path, "/v3/query/", ""); ok {
		return route{op: OpSearch, serve: func(bool) answer { return s.bearerHistory(r, id) }, refuse: s.bearerFault}, true
	}
	return route{}, false
}

const searchTimeLayout = "2006-01-02 15:04:05"

var (
	searchTimePattern  = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$`)
	paymentTypePattern = regexp.MustCompile(`^[A-Z0-9]{2}(,[A-Z0-9]{2})*$`)
	shortIDPattern     = regexp.MustCompile(`^[0-9]{4}\.[0-9]{4}\.[0-9]{4}$`)
	countPattern       = regexp.MustCompile(`^[1-9][0-9]{0,5}$`)
)

// bearerSearch serves GET /v3/query.
func (s *Server) bearerSearch(r *http.Request) answer {
	q := r.URL.Query()
	if !s.bearerAuthorized(r, q.Get("entityId")) {
		return s.bearerUnauthorized()
	}
	p := s.newParams(q)
	from, to := p.searchTime("date.from"), p.searchTime("date.to")
	types := p.optional("paymentTypes", paymentTypePattern)
	shortID := p.optional("shortId", shortIDPattern)
	limit := p.count("limit", 100, 500)
	pageNo := p.count("pageNo", 1, 999999)
	if p.errs == nil && to.Before(from) {
		p.fail("date.to", q.Get("date.to"), true, "must not be before date.from")
	}
	if p.errs != nil {
		return s.bearerParameterErrors(p.errs)
	}
	q.Del("pageNo")
	if !s.search.admit(q.Encode()) {
		return s.searchThrottled()
	}
	var typeList []string
	if types != "" {
		typeList = strings.Split(types, ",")
	}
	recs := s.ledger.search(func(rec *record) bool {
		at := rec.At.Truncate(time.Second)
		return !at.Before(from) && !at.After(to) &&
			(typeList == nil || slices.Contains(typeList, string(rec.Type))) &&
			(shortID == "" || s.ShortID(rec.ID) == shortID)
	})
	pages := (len(recs) + limit - 1) / limit
	if pageNo > pages {
		return s.bearerStatusAnswer(http.StatusBadRequest, newBearerResult(codeNotFound), nil)
	}
	return s.searchAnswer(recs[(pageNo-1)*limit:min(pageNo*limit, len(recs))], pages)
}

// bearerHistory serves GET /v3/query/{id}.
func (s *Server) bearerHistory(r *http.Request, id string) answer {
	q := r.URL.Query()
	if !s.bearerAuthorized(r, q.Get("entityId")) {
		return s.bearerUnauthorized()
	}
	if !s.search.admit(r.URL.Path) {
		return s.searchThrottled()
	}
	if s.ledger.find(id) == nil {
		return s.bearerStatusAnswer(http.StatusBadRequest, newBearerResult(codeNotFound), nil)
	}
	linked := q.Get("includeLinkedTransactions") == "true"
	family := map[string]bool{id: true}
	recs := s.ledger.search(func(rec *record) bool {
		if rec.ID == id {
			return true
		}
		if linked && family[rec.ReferencedID] {
			family[rec.ID] = true // a record always comes after what it refers to
			return true
		}
		return false
	})
	return s.searchAnswer(recs, 0)
}

// searchAnswer lists recs; pages is left out when zero.
func (s *Server) searchAnswer(recs []*record, pages int) answer {
	records := make([]json.RawMessage, len(recs))
	for i, rec := range recs {
		records[i] = bearerPaymentJSON(rec)
	}
	return jsonAnswer(http.StatusOK, searchPage{
		Result:      newBearerResult(codeQuerySuccess),
		BuildNumber: buildNumber,
		Timestamp:   s.now().UTC().Format(bearerTimeLayout),
		NDC:         s.bearer.EntityID + "_" + newID(),
		Pages:       pages,
		Records:     records,
	})
}

type searchPage struct {
	Result      bearerResult      `json:"result"`
	BuildNumber string            `json:"buildNumber"`
	Timestamp   string            `json:"timestamp"`
	NDC         string            `json:"ndc"`
	Pages       int               `json:"pages,omitempty"`
	Records     []json.RawMessage `json:"records"`
}

// searchTime reads a required "YYYY-MM-DD HH:MM:SS" parameter as UTC.
func (p *params) searchTime(name string) time.Time {
	v := p.match(name, searchTimePattern)
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(searchTimeLayout, v)
	if err != nil {
		p.fail(name, v, true, "is not a valid date and time")
	}
	return t
}

// count reads an optional positive integer of at most maxN, def when absent.
func (p *params) count(name string, def, maxN int) int {
	v := p.optional(name, countPattern)
	if v == "" {
		return def
	}
	n, _ := strconv.Atoi(v)
	if n > maxN {
		p.fail(name, v, true, "must be at most "+strconv.Itoa(maxN))
		return def
	}
	return n
}

// search returns, in recording order, the records keep accepts. keep is
// called with the ledger locked, in recording order.
func (l *ledger) search(keep func(*record) bool) []*record {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []*record
	for _, r := range l.records {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}
