package backoffice

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/c81406b6/backoffice/internal/form"
	"github.com/c81406b6/backoffice/internal/transport"
)

// The checksum platform's AuthToken (CHECKSUM-PLATFORM.md §1, sources D1,
// D2, S1j): POST …/authToken with authentication.partnerId,
// merchant.username and authentication.sKey (the secure key itself)
// answers {"result":{"code":"200",…},"AuthToken":"<jwt>",…}; the JWT is
// valid one hour. The docs ask for it as header AuthToken on every call;
// the 2023 server source enforces it on the transaction list only. Sending
// it everywhere works with both.

// defaultTokenLifetime is the platform's one hour (S1j: 3 600 000 ms),
// assumed when the token carries no readable exp claim.
const defaultTokenLifetime = time.Hour

// maxTokenMargin caps how long before its expiry a token is renewed.
const maxTokenMargin = 5 * time.Minute

// authToken holds one Client's token. One fetch serves every goroutine
// that needs a token while it runs.
type authToken struct {
	creds    ChecksumCredentials // partnerId, username and the secure key the token is asked with
	mu       sync.Mutex
	token    string
	renewAt  time.Time     // renew from then on: a fifth of the lifetime (at most 5 min) before expiry
	fetching chan struct{} // closed when the fetch under way ends; nil when none is
	err      error         // the last fetch's failure, for the goroutines that waited on it
}

// authTokenFor returns a token valid for a while yet, fetching one when there is
// none, it is due for renewal, or stale names the token a call was just
// refused for.
func (c *Client) authTokenFor(ctx context.Context, stale string) (string, error) {
	a := c.token
	for {
		a.mu.Lock()
		if a.token != "" && a.token != stale && time.Now().Before(a.renewAt) {
			t := a.token
			a.mu.Unlock()
			return t, nil
		}
		if wait := a.fetching; wait != nil {
			a.mu.Unlock()
			select {
			case <-wait:
			case <-ctx.Done():
				return "", ctx.Err()
			}
			a.mu.Lock()
			err, t := a.err, a.token
			a.mu.Unlock()
			if err != nil {
				return "", err
			}
			if t != "" && t != stale {
				return t, nil
			}
			continue
		}
		done := make(chan struct{})
		a.fetching = done
		a.mu.Unlock()

		t, renewAt, err := c.fetchAuthToken(ctx)
		a.mu.Lock()
		a.fetching, a.err = nil, err
		if err == nil {
			a.token, a.renewAt = t, renewAt
		}
		a.mu.Unlock()
		close(done)
		return t, err
	}
}

// fetchAuthToken asks the platform for a token. Its errors never carry the
// answer's body: it holds the token.
func (c *Client) fetchAuthToken(ctx context.Context) (string, time.Time, error) {
	var f form.Form
	f.Add("authentication.partnerId", c.token.creds.PartnerID)
	f.Add("merchant.username", c.token.creds.Username)
	f.Add("authentication.sKey", c.token.creds.SecureKey)
	cl := &call{name: "auth token"}
	cl.req = transport.Request{Method: http.MethodPost, URL: c.base + checksumRoot + "/authToken", Header: c.postHdr, Body: f.Encode()}
	ex := &transport.Exchange{}
	start := time.Now()
	c.tr.Do(ctx, &cl.req, ex)
	switch {
	case ex.Err != nil && !ex.Sent:
		return "", time.Time{}, &NotSentError{Err: fmt.Errorf("the auth token request: %w", ex.Err)}
	case ex.Err != nil:
		return "", time.Time{}, opErr("AuthToken", ex.Err)
	case ex.Answer == nil:
		return "", time.Time{}, &HTTPError{StatusCode: ex.Status, ContentType: ex.ContentType, Reason: "the auth token answer is not a gateway result"}
	}
	var body struct {
		AuthToken string `json:"AuthToken"`
	}
	_ = json.Unmarshal(ex.Body, &body)
	if body.AuthToken == "" {
		r := c.redactor(cl)
		res := Result{Code: ResultCode(ex.Answer.Result.Code), Description: r.text(ex.Answer.Result.Description)}
		return "", time.Time{}, &ResultError{StatusCode: ex.Status, Result: res}
	}
	life := defaultTokenLifetime
	if exp, ok := jwtExpiry(body.AuthToken); ok && exp.After(start) {
		life = exp.Sub(start)
	}
	margin := min(life/5, maxTokenMargin)
	return body.AuthToken, start.Add(life - margin), nil
}

// jwtExpiry reads the exp claim of a JWT without verifying it: the token
// is the platform's business, its lifetime is the Client's. Sources give
// the lifetime (one hour) but not the claims, so a token without a
// readable exp is taken to live the documented hour.
func jwtExpiry(token string) (time.Time, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return time.Time{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}, false
	}
	var claims struct {
		Exp json.Number `json:"exp"`
	}
	if json.Unmarshal(b, &claims) != nil {
		return time.Time{}, false
	}
	sec, err := claims.Exp.Float64()
	if err != nil || sec <= 0 {
		return time.Time{}, false
	}
	return time.Unix(0, int64(sec*float64(time.Second))), true
}

// withAuthToken puts the current token in cl's header. stale is a token
// just refused: a new one is fetched.
func (c *Client) withAuthToken(ctx context.Context, cl *call, stale string) error {
	if c.token == nil {
		return nil
	}
	t, err := c.authTokenFor(ctx, stale)
	if err != nil {
		// The token request moves no money: whatever became of it, the
		// call itself was not sent (the caller makes that a *NotSentError).
		return fmt.Errorf("no auth token: %w", err)
	}
	h := cl.req.Header.Clone()
	h.Set("AuthToken", t)
	cl.req.Header = h
	cl.token = t
	return nil
}

// tokenRefused reports an answer that refuses the call for its AuthToken.
// The platform's code for that (SYS_AUTHTOKEN_FAILED) is a per-deployment
// number no source gives (CHECKSUM-PLATFORM.md §6), so the answer is known
// by what it lacks and says: no payment and no status, and a description
// that names the token. Where a deployment words it otherwise, the call
// ends as the *ResultError it is (nothing was booked) and the token is
// renewed on schedule anyway.
func tokenRefused(ex *transport.Exchange) bool {
	a := ex.Answer
	if a == nil || a.Status != "" || a.TransactionStatus != "" || (a.PaymentID != "" && a.PaymentID != "-") {
		return false
	}
	return strings.Contains(strings.ToLower(a.Result.Description), "token")
}
