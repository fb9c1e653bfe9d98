package backofficetest

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/c81406b6/backoffice"
)

// route is what a request asks for, worked out before any fault applies:
// the Op it counts as, how to serve it, and how its variant words a
// transport-level refusal.
type route struct {
	op     Op
	mtid   string // the request's merchantTransactionId
	target string // the payment it acts on, from the path
	path   string
	serve  func(commit bool) answer
	refuse func(code backoffice.ResultCode) answer
}

const checksumPrefix = "/transactionServices/REST/v1/"

// route classifies r, whose body has been read into form (POST) already.
func (s *Server) route(r *http.Request, form url.Values) route {
	path := r.URL.Path
	paymentType := form.Get("paymentType")
	bearer := func(op Op, serve func(commit bool) answer) route {
		return route{op: op, serve: serve, refuse: s.bearerFault}
	}
	if rt, ok := s.searchRoute(r); ok { // search.go
		return rt
	}
	if r.Method == http.MethodGet {
		if path == "/v1/query" {
			return bearer(OpQuery, func(bool) answer { return s.bearerQueryByMTID(r) })
		}
		if id, ok := segment(path, "/v1/query/", ""); ok {
			return bearer(OpQuery, func(bool) answer { return s.bearerQueryByID(r, id) })
		}
	}
	if r.Method == http.MethodPost {
		if path == "/v1/payments" {
			return bearer(opOf(paymentType, pa, db, cd), func(commit bool) answer { return s.bearerInitial(r, form, commit) })
		}
		if id, ok := segment(path, "/v1/payments/", ""); ok {
			return bearer(opOf(paymentType, cp, rf, rv, rb, cb, cr), func(commit bool) answer {
				return s.bearerOperation(r, form, id, commit)
			})
		}
		if id, ok := segment(path, "/v1/registrations/", "/payments"); ok {
			return bearer(opOf(paymentType, cd), func(commit bool) answer {
				return s.bearerRegistrationCredit(r, form, id, commit)
			})
		}
		if id, ok := segment(path, checksumPrefix+"payments/", ""); ok {
			return route{
				op:    opOf(paymentType, cp, rf, rv, backoffice.PaymentTypeInquiry),
				serve: func(commit bool) answer { return s.checksumPayment(r, form, id, commit) },
				refuse: func(code backoffice.ResultCode) answer {
					return s.checksumFault(id, code)
				},
			}
		}
		if path == checksumPrefix+"getTransactionList" {
			return route{
				op:     OpTransactionList,
				serve:  func(bool) answer { return s.checksumTransactionList(r, form) },
				refuse: func(code backoffice.ResultCode) answer { return s.checksumFault("-", code) },
			}
		}
		if path == checksumPrefix+"authToken" {
			return route{
				op:     OpAuthToken,
				serve:  func(bool) answer { return s.checksumAuthToken(form) },
				refuse: func(code backoffice.ResultCode) answer { return s.checksumFault("", code) },
			}
		}
	}
	return bearer("", func(bool) answer {
		return answer{status: http.StatusNotFound, contentType: "text/plain; charset=utf-8", body: []byte("404 page not found\n")}
	})
}

// segment returns the one path segment between prefix and suffix.
func segment(path, prefix, suffix string) (string, bool) {
	rest, ok := strings.CutPrefix(path, prefix)
	if !ok {
		return "", false
	}
	id, ok := strings.CutSuffix(rest, suffix)
	if !ok || id == "" || strings.Contains(id, "/") {
		return "", false
	}
	return id, true
}

// opOf returns the Op of paymentType when the route accepts it, "" when it
// does not: such a request gets a parameter error.
func opOf(paymentType string, accepted ...backoffice.PaymentType) Op {
	for _, t := range accepted {
		if string(t) == paymentType {
			return Op(t)
		}
	}
	return ""
}
