package backofficetest

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/c81406b6/backoffice"
)

// The bearer (Open Payment Platform) variant. Every handler takes commit:
// without it nothing is recorded, the answer is only what it would be.

// bearerAuthorized reports whether r carries the server's token and
// entityID is the server's entity id. Both are compared in constant time.
func (s *Server) bearerAuthorized(r *http.Request, entityID string) bool {
	tokenOK := subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte("Bearer "+s.bearer.AccessToken))
	entityOK := subtle.ConstantTimeCompare([]byte(entityID), []byte(s.bearer.EntityID))
	return tokenOK&entityOK == 1
}

func (s *Server) bearerUnauthorized() answer {
	return s.bearerStatusAnswer(http.StatusUnauthorized, newBearerResult(codeAuthentication), nil)
}

func (s *Server) bearerParameterErrors(errs []parameterError) answer {
	r := newBearerResult(codeInvalidParameter)
	r.ParameterErrors = errs
	return s.bearerStatusAnswer(http.StatusBadRequest, r, nil)
}

// bearerBook applies op and answers with the payment: HTTP 200 when
// booked, 400 when refused.
func (s *Server) bearerBook(op operation, commit bool) answer {
	return bearerPaymentAnswer(s.ledger.apply(op, s.now(), s.bearer.EntityID, commit))
}

func (s *Server) newParams(form url.Values) *params {
	return &params{form: form, echoCard: s.echoCard}
}

// bearerMoney is the skeleton of every handler that moves money: check
// the token and entity, read the payment type (one of allowed) and the
// fields every payment carries, let fill read what the operation adds,
// then answer the parameter errors or book.
func (s *Server) bearerMoney(r *http.Request, form url.Values, commit bool, allowed []backoffice.PaymentType, fill func(p *params, op *operation)) answer {
	if !s.bearerAuthorized(r, form.Get("entityId")) {
		return s.bearerUnauthorized()
	}
	p := s.newParams(form)
	op := operation{typ: p.paymentType(allowed...), mtid: p.common(), forced: forcedCode(r)}
	fill(p, &op)
	if p.errs != nil {
		return s.bearerParameterErrors(p.errs)
	}
	return s.bearerBook(op, commit)
}

// bearerOperation serves POST /v1/payments/{refID}: an operation on an
// earlier payment.
func (s *Server) bearerOperation(r *http.Request, form url.Values, refID string, commit bool) answer {
	return s.bearerMoney(r, form, commit, []backoffice.PaymentType{cp, rf, rv, rb, cb, cr}, func(p *params, op *operation) {
		op.refID = refID
		if op.typ == rv && !p.present("amount") && !p.present("currency") {
			op.full = true // a full reversal sends neither
		} else {
			op.amount, op.currency = p.amount(), p.currency()
		}
	})
}

// bearerInitial serves POST /v1/payments: a PA or DB (so that tests in any
// language can seed over HTTP), or a stand-alone credit to a card.
func (s *Server) bearerInitial(r *http.Request, form url.Values, commit bool) answer {
	return s.bearerMoney(r, form, commit, []backoffice.PaymentType{pa, db, cd}, func(p *params, op *operation) {
		op.amount, op.currency = p.amount(), p.currency()
		credit := op.typ == cd
		if credit {
			op.brand = p.match("paymentBrand", brandPattern)
		} else {
			op.brand = p.optional("paymentBrand", brandPattern)
		}
		op.cardNumber, op.card = p.card(credit)
	})
}

// bearerRegistrationCredit serves POST /v1/registrations/{id}/payments: a
// credit to a stored card.
func (s *Server) bearerRegistrationCredit(r *http.Request, form url.Values, registrationID string, commit bool) answer {
	return s.bearerMoney(r, form, commit, []backoffice.PaymentType{cd}, func(p *params, op *operation) {
		op.registrationID = registrationID
		op.amount, op.currency = p.amount(), p.currency()
		op.brand = p.optional("paymentBrand", brandPattern)
	})
}

// bearerQueryByID serves GET /v1/query/{id}: the payment's original
// answer, whether it was booked or refused.
func (s *Server) bearerQueryByID(r *http.Request, id string) answer {
	if !s.bearerAuthorized(r, r.URL.Query().Get("entityId")) {
		return s.bearerUnauthorized()
	}
	rec := s.ledger.find(id)
	if rec == nil {
		return s.bearerStatusAnswer(http.StatusBadRequest, newBearerResult(codeNotFound), nil)
	}
	return answer{status: http.StatusOK, contentType: contentTypeJSON, body: bearerPaymentJSON(rec)}
}

// bearerQueryByMTID serves GET /v1/query?merchantTransactionId=: every
// payment, booked or refused, carrying that id, in recording order.
func (s *Server) bearerQueryByMTID(r *http.Request) answer {
	q := r.URL.Query()
	if !s.bearerAuthorized(r, q.Get("entityId")) {
		return s.bearerUnauthorized()
	}
	p := s.newParams(q)
	mtid, _ := p.get("merchantTransactionId")
	if mtid == "" {
		p.fail("merchantTransactionId", mtid, p.present("merchantTransactionId"), "is required")
		return s.bearerParameterErrors(p.errs)
	}
	recs := s.ledger.withMTID(mtid)
	if len(recs) == 0 {
		return s.bearerStatusAnswer(http.StatusBadRequest, newBearerResult(codeNotFound), nil)
	}
	payments := make([]json.RawMessage, len(recs))
	for i, rec := range recs {
		payments[i] = bearerPaymentJSON(rec)
	}
	return s.bearerStatusAnswer(http.StatusOK, newBearerResult(codeQuerySuccess), payments)
}
