package backofficetest

import (
	"fmt"
	"net/http"

	"github.com/c81406b6/backoffice"
)

// AnswerNext makes the next bearer request counted as op (OpAny: any
// request) answer with result code, so that a test can see its code handle
// a pending payment, one that needs review, a decline or bad credentials.
// A successful, review or pending code books the operation, as the money
// rules allow, under that code (a rule's refusal still wins); any other
// code refuses it: a refused attempt is recorded with that code and the
// answer is the gateway's HTTP 400 with the payment. Several calls queue
// up per op. It panics for an unknown op or a code that is not
// "ddd.ddd.ddd".
func (s *Server) AnswerNext(op Op, code backoffice.ResultCode) {
	if !knownOp(op) {
		panic(fmt.Sprintf("backofficetest: AnswerNext: unknown op %q", op))
	}
	if code.Category() == backoffice.CategoryUnknown && !isCodeShape(string(code)) {
		panic(fmt.Sprintf("backofficetest: AnswerNext: %q is not a result code", code))
	}
	s.gate.mu.Lock()
	defer s.gate.mu.Unlock()
	if s.gate.answers == nil {
		s.gate.answers = map[Op][]backoffice.ResultCode{}
	}
	s.gate.answers[op] = append(s.gate.answers[op], code)
}

// takeAnswer returns the code AnswerNext queued for a request counted as
// op, if any.
func (g *gate) takeAnswer(op Op) (backoffice.ResultCode, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, o := range []Op{op, OpAny} {
		if q := g.answers[o]; len(q) > 0 {
			g.answers[o] = q[1:]
			return q[0], true
		}
	}
	return "", false
}

type forcedCodeKey struct{}

// forcedCode is the code AnswerNext chose for r, or "".
func forcedCode(r *http.Request) backoffice.ResultCode {
	code, _ := r.Context().Value(forcedCodeKey{}).(backoffice.ResultCode)
	return code
}

// books reports whether a result code means the gateway took the request.
func books(c backoffice.ResultCode) bool { return c.IsSuccessful() || c.IsPending() }

func isCodeShape(s string) bool {
	if len(s) != 11 || s[3] != '.' || s[7] != '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i != 3 && i != 7 && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}
