package backoffice

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/c81406b6/backoffice/internal/transport"
	"github.com/c81406b6/backoffice/internal/wire"
)

// maxThrottled is how many throttled answers in a row a page may get
// before Search and History give up on it: ten minutes at the default
// LookupInterval.
const maxThrottled = 20

// pager reads the pages of one query (a search, or a payment's history),
// pacing its requests once the gateway has throttled it.
type pager struct {
	c        *Client
	cl       call
	query    string // path and query, to which a search appends pageNo
	interval time.Duration
	paced    bool      // the gateway throttled this query: space every request
	last     time.Time // when the last request was sent
	ex       *transport.Exchange
}

func (c *Client) newPager(name, target, query string) *pager {
	interval := c.retry.LookupInterval
	if interval <= 0 {
		interval = DefaultLookupInterval
	}
	return &pager{c: c, cl: call{name: name, target: target}, query: query, interval: interval}
}

// page fetches search page pageNo. A not-found answer is an empty page.
func (s *pager) page(ctx context.Context, pageNo int) (*wire.Page, error) {
	if err := s.fetch(ctx, s.query+strconv.Itoa(pageNo)); err != nil {
		return nil, err
	}
	if s.notFound() {
		return &wire.Page{}, nil
	}
	pg, err := wire.DecodePage(s.ex.Body)
	if err != nil {
		return nil, s.shapeError("search page "+strconv.Itoa(pageNo), err)
	}
	return pg, nil
}

// record decodes record i of pg.
func (s *pager) record(pg *wire.Page, i int) (Payment, error) {
	raw := pg.Records[i]
	if len(raw) == 0 || raw[0] != '{' {
		return Payment{}, s.shapeError("record "+strconv.Itoa(i+1), errors.New("not a JSON object"))
	}
	w, err := wire.DecodeRecord(raw)
	if err != nil {
		return Payment{}, s.shapeError("record "+strconv.Itoa(i+1), err)
	}
	return *s.c.payment(w, raw, &s.cl), nil
}

// linked fetches a history and returns its payments, id first.
func (s *pager) linked(ctx context.Context, id string) ([]Payment, error) {
	if err := s.fetch(ctx, s.query); err != nil {
		return nil, err
	}
	if s.notFound() {
		return nil, &ResultError{StatusCode: s.ex.Status, Result: s.result()}
	}
	recs, err := wire.DecodeLinked(s.ex.Body)
	if err != nil {
		return nil, s.shapeError("history", err)
	}
	out := make([]Payment, 0, len(recs))
	seen := make(map[string]bool, len(recs))
	for _, r := range recs {
		w, err := wire.DecodeRecord(r.Raw)
		if err != nil {
			return nil, s.shapeError("history record", err)
		}
		p := s.c.payment(w, r.Raw, &s.cl)
		if seen[p.ID] {
			continue // listed at the top and again in the list
		}
		seen[p.ID] = true
		if p.ReferencedID == "" && p.ID != id {
			p.ReferencedID = r.Parent
		}
		if p.ID == id {
			out = append([]Payment{*p}, out...)
		} else {
			out = append(out, *p)
		}
	}
	return out, nil
}

// fetch GETs pathAndQuery into s.ex. A throttled answer (800.120.100, or
// HTTP 429 whatever its body) is asked again after the interval, and the
// query is paced from then on. Any answer but a success or 700.400.580 is
// an error.
func (s *pager) fetch(ctx context.Context, pathAndQuery string) error {
	s.c.prepareGet(&s.cl, pathAndQuery)
	for throttled := 0; ; {
		if err := s.wait(ctx); err != nil {
			return err
		}
		ex, err := s.c.read(ctx, &s.cl)
		s.last, s.ex = time.Now(), ex
		if !s.throttled() {
			if err != nil {
				return err
			}
			if r := s.result(); !s.notFound() && !r.Code.IsSuccessful() && !r.Code.IsPending() {
				return &ResultError{StatusCode: ex.Status, Result: r}
			}
			return nil
		}
		s.paced = true
		if throttled++; throttled == maxThrottled {
			if err != nil {
				return err
			}
			return &ResultError{StatusCode: ex.Status, Result: s.result()}
		}
		s.c.debug(ctx, "backoffice: throttled; asking again after the lookup interval", &s.cl,
			slog.Duration("interval", s.interval))
	}
}

// wait holds a paced query's next request until the interval since the
// last one has passed, or ctx ends.
func (s *pager) wait(ctx context.Context) error {
	if !s.paced {
		return nil
	}
	d := s.interval - time.Since(s.last)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return opErr(s.cl.name, fmt.Errorf("waiting out throttling: %w", ctx.Err()))
	}
}

func (s *pager) throttled() bool {
	return s.ex.Status == http.StatusTooManyRequests ||
		s.ex.Answer != nil && ResultCode(s.ex.Answer.Result.Code) == CodeThrottled
}

func (s *pager) notFound() bool {
	return s.ex.Answer != nil && ResultCode(s.ex.Answer.Result.Code) == CodeNotFound
}

// result is the answer's own verdict, parameter errors masked.
func (s *pager) result() Result {
	return s.c.payment(s.ex.Answer, nil, &s.cl).Result
}

// shapeError reports an answer whose list could not be read.
func (s *pager) shapeError(what string, err error) error {
	return &HTTPError{StatusCode: s.ex.Status, ContentType: s.ex.ContentType, Reason: what + " of an unexpected shape: " + err.Error()}
}
