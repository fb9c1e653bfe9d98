package backoffice

import (
	"context"
	"iter"
	"slices"
	"strconv"
	"time"

	"github.com/c81406b6/backoffice/internal/form"
)

// SearchRequest selects transactions for Search by the time the gateway
// recorded them.
type SearchRequest struct {
	// From and To bound the window, both required and both inclusive as the
	// gateway's own clients use them (00:00:00 to 23:59:59). They are sent
	// as date.from and date.to, "YYYY-MM-DD HH:MM:SS" in UTC, truncated to
	// the second. The gateway does not document the zone it reads them in;
	// UTC is assumed because every timestamp it sends is +0000. Nor does it
	// document the longest window it accepts: nineteen days has worked.
	From, To time.Time

	// PaymentTypes, when not empty, keeps only these types (paymentTypes, a
	// comma list), e.g. PaymentTypeRefund. Any of the gateway's two-letter
	// types is accepted; an unknown one is refused before sending.
	PaymentTypes []PaymentType

	// ShortID, when set, keeps only the transaction with this short id, the
	// "1234.5678.9012" form shoppers and support see in descriptors.
	ShortID string

	// PageSize is the number of records asked for per page (limit), at
	// most MaxSearchPageSize; zero means DefaultSearchPageSize.
	PageSize int
}

// DefaultSearchPageSize is the page size when SearchRequest.PageSize is
// zero: the hundred records a page the gateway is seen to answer with.
const DefaultSearchPageSize = 100

// MaxSearchPageSize is the largest SearchRequest.PageSize: the gateway's
// clients see lists cut at 500 records.
const MaxSearchPageSize = 500

// Search returns the transactions r selects, fetched page by page (GET
// /v3/query with limit and pageNo) as the loop asks for them, each as a
// Payment with its own Raw. Records come in the gateway's order, each once.
// Breaking out of the loop sends no further request. An error is yielded
// once, with a zero Payment, and ends the iteration: a *ValidationError
// before anything is sent, ErrUnsupported for ChecksumCredentials, else the
// errors of a read (*ResultError, *HTTPError, the context's error).
//
// No match, whether the gateway answers 700.400.580 or an empty list, is
// an iteration without records and without error.
//
// Throttling: the gateway allows about two requests a minute per query (the
// test host's limit, as a client of it observed) and refuses more with
// 800.120.100 or HTTP 429. A refused page is asked again, never skipped nor
// repeated, after the policy's LookupInterval (DefaultLookupInterval, 30
// seconds, unless WithRetryPolicy says otherwise), and from then on every
// page of this query waits that long after the previous request. A search
// of many pages therefore takes minutes: bound it with ctx. A page refused
// twenty times in a row ends the iteration with the refusal.
//
// Paging follows the answer's pages count (a number or a numeric string:
// unverified). An answer without pages, or a page without records, is the
// last one: the SDK never guesses that more exist. An answer with records
// under an unexpected key is an *HTTPError naming the keys seen, never an
// empty result. Records added to the window while it is paged through may
// shift records between pages, as with any offset paging: search windows
// that have closed.
func (c *Client) Search(ctx context.Context, r SearchRequest) iter.Seq2[Payment, error] {
	return func(yield func(Payment, error) bool) {
		b, err := c.bearerOnly("Search")
		if err != nil {
			yield(Payment{}, err)
			return
		}
		if err := r.validate(); err != nil {
			yield(Payment{}, err)
			return
		}
		s := c.newPager("Search", "", b.searchQuery(r))
		for pageNo, pages := 1, 1; pageNo <= pages; pageNo++ {
			pg, err := s.page(ctx, pageNo)
			if err != nil {
				yield(Payment{}, err)
				return
			}
			for i := range pg.Records {
				p, err := s.record(pg, i)
				if err != nil {
					yield(Payment{}, err)
					return
				}
				if !yield(p, nil) {
					return
				}
			}
			if !pg.HasPages || len(pg.Records) == 0 {
				return
			}
			pages = pg.Pages
		}
	}
}

// History returns payment paymentID and every payment linked to it: its
// captures, refunds, reversals, chargebacks and their own follow-ups (GET
// /v3/query/{id}?includeLinkedTransactions=true), the payment itself first
// when the answer holds it, then the others in the gateway's order, each
// once. Each linked payment's ReferencedID is what the gateway sent, or,
// when it sent none for a record nested inside another, that record's id.
//
// The answer's layout is unverified (the gateway documents the parameter,
// not the answer), so all of these are read: a list under records or
// payments, the payment at the top with its linked ones listed beside it,
// and linked payments nested inside the one they refer to. Payment-like
// records under any other key are an *HTTPError naming the keys seen.
// Whether the gateway includes the payment itself is not known either;
// when it does not, History returns the linked payments only.
//
// An unknown paymentID is a *ResultError with 700.400.580. Throttling is
// waited out as in Search. The checksum variant has no such query:
// ErrUnsupported.
func (c *Client) History(ctx context.Context, paymentID string) ([]Payment, error) {
	b, err := c.bearerOnly("History")
	if err != nil {
		return nil, err
	}
	if err := validateID("paymentID", paymentID); err != nil {
		return nil, err
	}
	q := make([]byte, 0, 128)
	q = append(q, "/v3/query/"...)
	q = append(q, paymentID...)
	q = append(q, "?entityId="...)
	q = form.AppendEscape(q, b.creds.EntityID)
	q = append(q, "&includeLinkedTransactions=true"...)
	return c.newPager("History", paymentID, string(q)).linked(ctx, paymentID)
}

// searchQuery is the request's path and query up to pageNo.
func (w bearerWire) searchQuery(r SearchRequest) string {
	size := r.PageSize
	if size == 0 {
		size = DefaultSearchPageSize
	}
	const layout = "2006-01-02 15:04:05"
	q := make([]byte, 0, 256)
	q = append(q, "/v3/query?entityId="...)
	q = form.AppendEscape(q, w.creds.EntityID)
	q = append(q, "&date.from="...)
	q = form.AppendEscape(q, r.From.UTC().Format(layout))
	q = append(q, "&date.to="...)
	q = form.AppendEscape(q, r.To.UTC().Format(layout))
	if len(r.PaymentTypes) > 0 {
		q = append(q, "&paymentTypes="...)
		for i, t := range r.PaymentTypes {
			if i > 0 {
				q = append(q, ',')
			}
			q = append(q, t...)
		}
	}
	if r.ShortID != "" {
		q = append(q, "&shortId="...)
		q = append(q, r.ShortID...)
	}
	q = append(q, "&limit="...)
	q = strconv.AppendInt(q, int64(size), 10)
	q = append(q, "&pageNo="...)
	return string(q)
}

func (r *SearchRequest) validate() error {
	switch {
	case r.From.IsZero():
		return invalid("From", "is required")
	case r.To.IsZero():
		return invalid("To", "is required")
	case r.To.Before(r.From):
		return invalid("To", "is before From")
	case r.PageSize < 0 || r.PageSize > MaxSearchPageSize:
		return invalid("PageSize", "must be between 0 (the default, %d) and %d", DefaultSearchPageSize, MaxSearchPageSize)
	}
	for _, t := range r.PaymentTypes {
		if !slices.Contains(searchablePaymentTypes, t) {
			return invalid("PaymentTypes", "%.8q is not one of the gateway's payment types", string(t))
		}
	}
	if len(r.ShortID) > 32 {
		return invalid("ShortID", "is longer than 32 characters")
	}
	for i := 0; i < len(r.ShortID); i++ {
		if c := r.ShortID[i]; (c < '0' || c > '9') && c != '.' {
			return invalid("ShortID", "may contain only digits and '.', as in 1234.5678.9012")
		}
	}
	return nil
}

// searchablePaymentTypes are the values the gateway's search accepts for
// paymentTypes, as its validation message lists them (quoted by a client of
// the test host).
var searchablePaymentTypes = []PaymentType{
	"CB", "CD", "CR", "DB", "CP", "IV", "PA", "RB", "RC", "RF", "RL", "RV", "AD", "IN", "FI", "CL",
	"CF", "DR", "RG", "RR", "TE", "CT", "DS", "RS", "SD", "AC", "MD", "EA", "RI", "3D", "SA", "EN",
	"ID", "IC", "DP", "CG", "TG", "SF", "IS", "VD", "DV", "AF", "GK", "RD", "TM", "FT", "KT", "AR",
	"AL", "PL", "FN", "FZ", "RE", "RX", "FO", "CS", "EX", "SE", "AU", "TK", "TF", "ER",
}
