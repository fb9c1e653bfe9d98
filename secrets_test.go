package backoffice_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Secret hygiene (issue 4): whatever happens, no access token, secure key,
// full card number or CVV reaches a log line, an error string or a
// formatted SDK value. The canaries are distinctive so that a hit is a leak,
// not a coincidence.
const (
	leakToken  = "tokLEAKCANARYq81Zx3"
	leakKey    = "skLEAKCANARYv42Pm9"
	leakPAN    = "4539578763621486" // Luhn-valid
	leakBadPAN = "4539578763621487" // the same, failing Luhn
	leakCVV    = "7391"
	leakBadCVV = "73915"
	leakEntity = "8a8294174e918ca6014e9c6f5ae12a9c"
	leakMember = "10537"
)

// A CVV is short: it only counts as leaked when it stands alone as a digit
// run, so that a port or a duration cannot raise a false alarm.
var leakCVVPattern = regexp.MustCompile(`(^|[^0-9])(` + leakCVV + `|` + leakBadCVV + `)([^0-9]|$)`)

// leaks names every secret found in s.
func leaks(s string) []string {
	var found []string
	for name, secret := range map[string]string{
		"access token": leakToken, "secure key": leakKey,
		"card number": leakPAN, "invalid card number": leakBadPAN,
	} {
		if strings.Contains(s, secret) {
			found = append(found, name)
		}
	}
	if leakCVVPattern.MatchString(s) {
		found = append(found, "CVV")
	}
	return found
}

func leakCard() *backoffice.Card {
	return &backoffice.Card{Number: leakPAN, Holder: "Jane Roe", ExpiryMonth: "02", ExpiryYear: "2099", CVV: leakCVV}
}

// syncBuffer lets the SDK log from any goroutine while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type sample struct{ label, text string }

// leakLab collects everything a caller could see: log lines, formatted
// errors, payments and values.
type leakLab struct {
	t       *testing.T
	log     syncBuffer
	logger  *slog.Logger
	samples []sample
}

func newLeakLab(t *testing.T) *leakLab {
	l := &leakLab{t: t}
	l.logger = slog.New(slog.NewJSONHandler(&l.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return l
}

// add records x under every formatting verb a caller might use.
func (l *leakLab) add(label string, x any) {
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		l.samples = append(l.samples, sample{label + " " + verb, fmt.Sprintf(verb, x)})
	}
}

func (l *leakLab) addPayment(label string, p *backoffice.Payment) {
	if p == nil {
		return
	}
	l.add(label+" payment", p)
	l.add(label+" payment value", *p)
	l.add(label+" payment result", p.Result)
	l.samples = append(l.samples, sample{label + " payment Raw", string(p.Raw)})
}

// addErr records err, each error it wraps, and the payloads of the SDK's
// error types.
func (l *leakLab) addErr(label string, err error) {
	require.Error(l.t, err, label)
	l.samples = append(l.samples, sample{label + " Error()", err.Error()})
	l.add(label, err)
	for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
		l.add(label+" wrapped "+fmt.Sprintf("%T", e), e)
	}
	var re *backoffice.ResultError
	if errors.As(err, &re) {
		l.add(label+" ResultError value", *re)
		l.add(label+" ResultError.Result", re.Result)
		for _, pe := range re.Result.ParameterErrors {
			l.add(label+" parameter error", pe)
		}
		l.addPayment(label+" ResultError", re.Payment)
	}
	var ue *backoffice.UncertainError
	if errors.As(err, &ue) {
		l.add(label+" UncertainError value", *ue)
	}
	var he *backoffice.HTTPError
	if errors.As(err, &he) {
		l.add(label+" HTTPError value", *he)
	}
	var ve *backoffice.ValidationError
	if errors.As(err, &ve) {
		l.add(label+" ValidationError value", *ve)
	}
}

// leakCreds are v's credentials, made of the canaries.
func leakCreds(v variant) backoffice.Credentials {
	if v == checksumVariant {
		return backoffice.ChecksumCredentials{MemberID: leakMember, SecureKey: leakKey}
	}
	return backoffice.BearerCredentials{AccessToken: leakToken, EntityID: leakEntity}
}

// client builds a client of v with the canary credentials that logs to
// the lab, and records it.
func (l *leakLab) client(v variant, base string, opts ...backoffice.Option) *backoffice.Client {
	l.t.Helper()
	c := newTestClient(l.t, base, leakCreds(v), append([]backoffice.Option{backoffice.WithLogger(l.logger)}, opts...)...)
	l.add(v.String()+" client", c)
	return c
}

// check asserts that no sample and no log line carries a secret.
func (l *leakLab) check() {
	t := l.t
	var lines []string
	if out := strings.TrimSpace(l.log.String()); out != "" {
		lines = strings.Split(out, "\n")
	}
	t.Logf("checked %d formatted values and %d log lines", len(l.samples), len(lines))
	for i, line := range lines {
		if found := leaks(line); len(found) > 0 {
			assert.Failf(t, "a log line leaks a secret", "log line %d leaks %v: %s", i, found, line)
		}
	}
	for _, s := range l.samples {
		if found := leaks(s.text); len(found) > 0 {
			assert.Failf(t, "a formatted value leaks a secret", "%s leaks %v: %s", s.label, found, s.text)
		}
	}
}

// bearerAnswer is a success answer with a card block and a payments list,
// so that every operation returns something to format.
// It names no payment type, amount or currency, so that it cannot
// contradict any of the requests it answers.
const bearerAnswer = `{"id":"p1","paymentBrand":"VISA","merchantTransactionId":"leak-1",` +
	`"result":{"code":"000.100.110","description":"ok"},"card":{"bin":"453957","last4Digits":"1486","holder":"Jane Roe","expiryMonth":"02","expiryYear":"2099"},` +
	`"payments":[{"id":"p2","paymentType":"CD","merchantTransactionId":"leak-1","result":{"code":"000.100.110","description":"ok"}}]}`

// echoAnswer is a gateway that echoes the card number and CVV back.
const echoAnswer = `{"result":{"code":"200.300.404","description":"invalid or missing parameter","parameterErrors":[` +
	`{"name":"card.number","value":"` + leakPAN + `","message":"invalid"},` +
	`{"name":"card.cvv","value":"` + leakCVV + `","message":"invalid"},` +
	`{"name":"card.holder","value":null,"message":"may not be null"}]},"timestamp":"2022-08-25 13:43:44.065+0000","ndc":"x"}`

func TestSecretHygieneEveryOperationAndErrorPath(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	credit := backoffice.CreditRequest{Amount: dec("1"), Currency: "EUR", PaymentBrand: "VISA", Card: leakCard(), MerchantTransactionID: "leak-1"}

	// Each scenario has its own lab, so that one leak does not hide another.
	scenario := func(name string, f func(t *testing.T, l *leakLab)) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			l := newLeakLab(t)
			f(t, l)
			l.check()
		})
	}
	for _, v := range variants {
		// A variant performs the operation, or refuses it or lacks it: an
		// error to check too.
		scenario("Every operation of the "+v.String()+" variant", func(t *testing.T, l *leakLab) {
			answer := bearerAnswer
			if v == checksumVariant {
				answer = checksumOK
			}
			c := l.client(v, newRecorder(t, jsonAnswer(200, answer)).URL, backoffice.WithTestMode(backoffice.TestModeInternal))
			for _, op := range operations {
				a := op.args(v)
				a.mtid, a.card = "leak-1", leakCard()
				if op.amount == amountOptional {
					a.amount, a.currency = dec("0.5"), "EUR"
				}
				label := op.label(v)
				p, ps, err := op.do(c, a)
				if op.on(v) != supported {
					l.addErr(label+" (refused or unsupported)", err)
					continue
				}
				require.NoError(t, err, label)
				l.addPayment(label, p)
				for i := range ps {
					l.addPayment(label, &ps[i])
				}
				if ps != nil {
					l.add(label+" list", ps)
				}
			}
		})
	}
	scenario("Validation errors, several of them about the secret fields themselves", func(t *testing.T, l *leakLab) {
		bc := l.client(bearerVariant, newRecorder(t, jsonAnswer(200, bearerAnswer)).URL, backoffice.WithTestMode(backoffice.TestModeInternal))
		cc := l.client(checksumVariant, newRecorder(t, jsonAnswer(200, checksumOK)).URL)
		var (
			err error
		)
		withCard := func(edit func(*backoffice.Card)) backoffice.CreditRequest {
			r := credit
			r.Card = leakCard()
			edit(r.Card)
			return r
		}
		for name, r := range map[string]backoffice.CreditRequest{
			"card failing Luhn":     withCard(func(c *backoffice.Card) { c.Number = leakBadPAN }),
			"bad CVV":               withCard(func(c *backoffice.Card) { c.CVV = leakBadCVV }),
			"bad month":             withCard(func(c *backoffice.Card) { c.ExpiryMonth = "13" }),
			"expired":               withCard(func(c *backoffice.Card) { c.ExpiryYear = "2001" }),
			"empty holder":          withCard(func(c *backoffice.Card) { c.Holder = "" }),
			"card and registration": {Amount: dec("1"), Currency: "EUR", PaymentBrand: "VISA", Card: leakCard(), RegistrationID: "r1"},
			"Extra card.number":     {Amount: dec("1"), Currency: "EUR", PaymentBrand: "VISA", Card: leakCard(), Extra: map[string]string{"card.number": leakPAN}},
			"Extra card.cvv":        {Amount: dec("1"), Currency: "EUR", PaymentBrand: "VISA", Card: leakCard(), Extra: map[string]string{"card.cvv": leakCVV}},
			"bad amount with card":  {Amount: dec("-1"), Currency: "EUR", PaymentBrand: "VISA", Card: leakCard()},
		} {
			_, err := bc.Credit(ctx, r)
			l.addErr("validation: "+name, err)
		}
		_, err = bc.Capture(ctx, "../x", backoffice.CaptureRequest{Amount: dec("1"), Currency: "EUR", Extra: map[string]string{"authentication.checksum": leakKey}})
		l.addErr("validation: bad id and Extra", err)
		_, err = cc.Reverse(ctx, "54289", backoffice.ReversalRequest{Amount: dec("1"), Currency: "EUR"})
		l.addErr("validation: checksum partial reversal", err)
		_ = err
	})
	scenario("NewClient refusals with a secret in the credentials", func(t *testing.T, l *leakLab) {
		var (
			err error
		)
		for name, tc := range map[string]struct {
			creds backoffice.Credentials
			opts  []backoffice.Option
		}{
			"bearer without entity":       {backoffice.BearerCredentials{AccessToken: leakToken}, nil},
			"bearer over plain http":      {backoffice.BearerCredentials{AccessToken: leakToken, EntityID: leakEntity}, []backoffice.Option{backoffice.WithBaseURL("http://example.com")}},
			"bearer malformed URL":        {backoffice.BearerCredentials{AccessToken: leakToken, EntityID: leakEntity}, []backoffice.Option{backoffice.WithBaseURL("://x")}},
			"checksum without member":     {backoffice.ChecksumCredentials{SecureKey: leakKey}, []backoffice.Option{backoffice.WithBaseURL("https://gw.example.com")}},
			"checksum without base URL":   {backoffice.ChecksumCredentials{MemberID: leakMember, SecureKey: leakKey}, nil},
			"checksum over plain http":    {backoffice.ChecksumCredentials{MemberID: leakMember, SecureKey: leakKey}, []backoffice.Option{backoffice.WithBaseURL("http://example.com")}},
			"checksum pointer credential": {&backoffice.ChecksumCredentials{MemberID: leakMember, SecureKey: leakKey}, []backoffice.Option{backoffice.WithBaseURL("http://example.com")}},
		} {
			opts := append([]backoffice.Option{backoffice.WithLogger(l.logger)}, tc.opts...)
			_, err := backoffice.NewClient(tc.creds, opts...)
			l.addErr("NewClient: "+name, err)
		}
		_ = err
	})
	scenario("A gateway that echoes the card number and CVV back", func(t *testing.T, l *leakLab) {
		var (
			err error
		)
		echo := newRecorder(t, jsonAnswer(400, echoAnswer))
		_, err = l.client(bearerVariant, echo.URL).Credit(ctx, credit)
		l.addErr("echoing gateway", err)
		_ = err
	})
	scenario("Authentication refused", func(t *testing.T, l *leakLab) {
		var (
			err error
		)
		auth := newRecorder(t, jsonAnswer(401, `{"result":{"code":"800.900.300","description":"invalid authentication information"}}`))
		_, err = l.client(bearerVariant, auth.URL).Credit(ctx, credit)
		l.addErr("invalid authentication (credit)", err)
		_, err = l.client(bearerVariant, auth.URL).Inquire(ctx, "p1")
		l.addErr("invalid authentication (inquiry)", err)
		_ = err
	})
	scenario("Answers that are not gateway results", func(t *testing.T, l *leakLab) {
		var (
			err error
		)
		page := answer{status: 403, contentType: "text/html", body: "<html><body>Forbidden</body></html>"}
		_, err = l.client(bearerVariant, newRecorder(t, page).URL).Credit(ctx, credit)
		l.addErr("HTML 403 on credit", err)
		bad := answer{status: 502, contentType: "text/html", body: "<html><body>Bad Gateway</body></html>"}
		_, err = l.client(bearerVariant, newRecorder(t, bad).URL, backoffice.WithRetryPolicy(backoffice.RetryPolicy{MaxAttempts: 1})).Inquire(ctx, "p1")
		l.addErr("HTML 502 on inquiry", err)
		_, err = l.client(checksumVariant, newRecorder(t, answer{status: 200, contentType: "text/html", body: "<html>Invalid key</html>"}).URL).Inquire(ctx, "54289")
		l.addErr("checksum HTML page", err)
		_ = err
	})
	scenario("Uncertain outcomes: the look-ups keep failing", func(t *testing.T, l *leakLab) {
		bad := answer{status: 502, contentType: "text/html", body: "<html><body>Bad Gateway</body></html>"}
		var (
			err error
		)
		s := newScript(t, func(_ int, w http.ResponseWriter, _ *http.Request) { htmlError(w, 502) },
			func(_ int, w http.ResponseWriter, _ *http.Request) { htmlError(w, 503) })
		_, err = l.client(bearerVariant, s.URL).Credit(ctx, credit)
		l.addErr("uncertain credit", err)
		_, err = l.client(checksumVariant, newRecorder(t, bad).URL).Capture(ctx, "54289", backoffice.CaptureRequest{Amount: dec("1"), Currency: "EUR", MerchantTransactionID: "leak-1"})
		l.addErr("uncertain checksum capture", err)
		_ = err
	})
	scenario("Reconciled: the look-up finds the gateway's refusal", func(t *testing.T, l *leakLab) {
		var (
			err error
		)
		s := newScript(t, func(_ int, w http.ResponseWriter, _ *http.Request) { htmlError(w, 502) },
			found(`{"id":"p3","paymentType":"CD","merchantTransactionId":"leak-1","result":{"code":"800.100.151","description":"transaction declined (invalid card)"}}`))
		_, err = l.client(bearerVariant, s.URL).Credit(ctx, credit)
		l.addErr("reconciled refusal", err)
		_ = err
	})
	scenario("The context ends after sending", func(t *testing.T, l *leakLab) {
		var (
			err error
		)
		release := make(chan struct{})
		hang := newScript(t, func(_ int, _ http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}, nil)
		tctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		_, err = l.client(bearerVariant, hang.URL).Credit(tctx, credit)
		cancel()
		close(release)
		l.addErr("context ended after sending", err)
		_ = err
	})
	scenario("Never sent: nothing listens", func(t *testing.T, l *leakLab) {
		var (
			err error
		)
		_, err = l.client(bearerVariant, refusedURL(t)).Credit(ctx, credit)
		l.addErr("never sent", err)
		_ = err
	})
	scenario("Throttled until the attempts run out", func(t *testing.T, l *leakLab) {
		var (
			err error
		)
		throttled := newRecorder(t, jsonAnswer(200, `{"result":{"code":"800.120.100","description":"Rejected by Throttling."}}`))
		_, err = l.client(bearerVariant, throttled.URL).Credit(ctx, credit)
		l.addErr("throttled", err)
		_ = err
	})
	scenario("Checksum variant refusal", func(t *testing.T, l *leakLab) {
		var (
			err error
		)
		declined := newRecorder(t, jsonAnswer(200, `{"paymentId":"54290","transactionStatus":"N","status":"capturefailed","result":{"code":"00035","description":"declined"}}`))
		_, err = l.client(checksumVariant, declined.URL).Capture(ctx, "54289", backoffice.CaptureRequest{Amount: dec("1"), Currency: "EUR", MerchantTransactionID: "leak-1"})
		l.addErr("checksum refusal", err)
		_ = err
	})
	scenario("Refund past its window", func(t *testing.T, l *leakLab) {
		bc := l.client(bearerVariant, newRecorder(t, jsonAnswer(200, bearerAnswer)).URL, backoffice.WithTestMode(backoffice.TestModeInternal))
		var (
			err error
		)
		_, err = bc.Refund(ctx, "db1", backoffice.RefundRequest{Amount: dec("1"), Currency: "EUR", Country: "BR", PurchasedAt: time.Now().AddDate(-1, 0, 0)})
		l.addErr("refund window", err)
		_ = err
	})
}

// The values themselves: credentials, Card (also inside other values) and
// Client, under every verb and through slog.
func TestSecretHygieneFormattedValues(t *testing.T) {
	t.Parallel()
	l := newLeakLab(t)
	bearer := backoffice.BearerCredentials{AccessToken: leakToken, EntityID: leakEntity}
	checksum := backoffice.ChecksumCredentials{MemberID: leakMember, SecureKey: leakKey}
	card := *leakCard()
	type holder struct {
		Card    backoffice.Card
		CardPtr *backoffice.Card
	}
	values := map[string]any{
		"bearer credentials":           bearer,
		"bearer credentials pointer":   &bearer,
		"checksum credentials":         checksum,
		"checksum credentials pointer": &checksum,
		"credentials interface":        []backoffice.Credentials{bearer, checksum, &bearer, &checksum},
		"card":                         card,
		"card pointer":                 &card,
		"struct holding a card":        holder{Card: card, CardPtr: &card},
		"struct pointer holding card":  &holder{Card: card, CardPtr: &card},
		"credit request":               backoffice.CreditRequest{Amount: dec("1"), Currency: "EUR", PaymentBrand: "VISA", Card: &card},
		"credit request pointer":       &backoffice.CreditRequest{Amount: dec("1"), Currency: "EUR", PaymentBrand: "VISA", Card: &card},
	}
	for name, v := range values {
		l.add(name, v)
	}
	rec := newRecorder(t)
	l.add("bearer client", l.client(bearerVariant, rec.URL))
	l.add("checksum client", l.client(checksumVariant, rec.URL))

	l.check()

	// The redaction must not destroy the value: the card still works.
	assert.Equal(t, leakPAN, card.Number)
	assert.Equal(t, leakCVV, card.CVV)
}

// A caller who logs SDK values through slog: Card redacts itself through
// LogValue, and an SDK value that holds a Card (CreditRequest) must not
// undo that when a JSON handler encodes it.
func TestSecretHygieneSlogOfSDKValues(t *testing.T) {
	t.Parallel()
	bearer := backoffice.BearerCredentials{AccessToken: leakToken, EntityID: leakEntity}
	checksum := backoffice.ChecksumCredentials{MemberID: leakMember, SecureKey: leakKey}
	card := *leakCard()
	type holder struct {
		Card    backoffice.Card
		CardPtr *backoffice.Card
	}
	tests := []struct {
		name string
		args []any
	}{
		{"card", []any{"card", card}},
		{"card pointer", []any{"card", &card}},
		{"bearer credentials", []any{"creds", bearer, "ptr", &bearer}},
		{"checksum credentials", []any{"creds", checksum, "ptr", &checksum}},
		{"credit request", []any{"request", backoffice.CreditRequest{Amount: dec("1"), Currency: "EUR", PaymentBrand: "VISA", Card: &card}}},
		{"credit request pointer", []any{"request", &backoffice.CreditRequest{Amount: dec("1"), Currency: "EUR", PaymentBrand: "VISA", Card: &card}}},
		{"caller struct holding a card", []any{"holder", holder{Card: card, CardPtr: &card}}},
	}
	for _, tt := range tests {
		for hname, newHandler := range map[string]func(*bytes.Buffer) slog.Handler{
			"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
			"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		} {
			t.Run(tt.name+"/"+hname, func(t *testing.T) {
				t.Parallel()
				var buf bytes.Buffer
				slog.New(newHandler(&buf)).Info("x", tt.args...)
				require.NotEmpty(t, buf.String())
				assert.Empty(t, leaks(buf.String()), "log line: %s", buf.String())
			})
		}
	}
}

// The echoed card values are masked in the parameter errors and in the raw
// body the caller gets back.
func TestSecretHygieneEchoedCardValuesAreMasked(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, jsonAnswer(400, echoAnswer))
	c := newTestClient(t, rec.URL, leakCreds(bearerVariant))
	_, err := c.Credit(context.Background(), backoffice.CreditRequest{Amount: dec("1"), Currency: "EUR", PaymentBrand: "VISA", Card: leakCard(), MerchantTransactionID: "leak-1"})
	var re *backoffice.ResultError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 400, re.StatusCode)
	assert.Equal(t, backoffice.ResultCode("200.300.404"), re.Result.Code)
	byName := map[string]backoffice.ParameterError{}
	for _, pe := range re.Result.ParameterErrors {
		byName[pe.Name] = pe
	}
	require.Contains(t, byName, "card.number", "the parameter error itself is kept")
	require.Contains(t, byName, "card.cvv")
	assert.NotContains(t, byName["card.number"].Value, leakPAN, "echoed card number")
	assert.Empty(t, leaks(byName["card.cvv"].Value), "echoed CVV: %q", byName["card.cvv"].Value)
	assert.Equal(t, "invalid", byName["card.number"].Message, "the message survives")
	require.NotNil(t, re.Payment)
	for _, pe := range re.Payment.Result.ParameterErrors {
		assert.Empty(t, leaks(pe.Value), "Payment.Result parameter error %q", pe.Name)
	}
	assert.Empty(t, leaks(string(re.Payment.Raw)), "Payment.Raw: %s", re.Payment.Raw)
	assert.Empty(t, leaks(err.Error()))
}

// The checksum variant's secure key never travels, on any request, retries
// and look-ups included; the bearer token travels only in Authorization.
func TestSecretsNeverOnTheWire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, answers := range [][]answer{
		{jsonAnswer(200, checksumOK)},
		{{status: 502, contentType: "text/html", body: "<html>Bad Gateway</html>"}}, // ambiguous: retries and inquiries
	} {
		rec := newRecorder(t, answers...)
		c := newTestClient(t, rec.URL, leakCreds(checksumVariant))
		for i, op := range opsWhere(func(op testOp, v variant) bool { return v == checksumVariant && op.on(v) == supported }) {
			a := op.args(op.v)
			a.mtid = fmt.Sprintf("w-%d", i+1)
			_, _, _ = op.do(c, a)
		}
		reqs := rec.Requests()
		require.GreaterOrEqual(t, len(reqs), 5)
		for i, r := range reqs {
			wire := fmt.Sprintf("%s %s?%s\n%v\n%s", r.Method, r.Path, r.RawQuery, r.Header, r.Body)
			assert.NotContains(t, wire, leakKey, "request %d carries the secure key", i)
			assert.Contains(t, string(r.Body), "authentication.checksum=", "request %d", i)
		}
	}

	rec := newRecorder(t, jsonAnswer(200, bearerAnswer))
	c := newTestClient(t, rec.URL, leakCreds(bearerVariant))
	_, err := c.Credit(ctx, backoffice.CreditRequest{Amount: dec("1"), Currency: "EUR", PaymentBrand: "VISA", Card: leakCard(), MerchantTransactionID: "leak-1"})
	require.NoError(t, err)
	_, err = c.Inquire(ctx, "p1")
	require.NoError(t, err)
	for i, r := range rec.Requests() {
		assert.Equal(t, "Bearer "+leakToken, r.Header.Get("Authorization"), "request %d", i)
		h := r.Header.Clone()
		h.Del("Authorization")
		rest := fmt.Sprintf("%s %s?%s\n%v\n%s", r.Method, r.Path, r.RawQuery, h, r.Body)
		assert.NotContains(t, rest, leakToken, "request %d carries the token outside Authorization", i)
	}
}

// The User-Agent names the SDK and its version; WithUserAgent appends.
func TestUserAgentNamesSDKAndVersion(t *testing.T) {
	t.Parallel()
	require.NotEmpty(t, backoffice.Version)
	forEachVariant(t, func(t *testing.T, v variant) {
		t.Parallel()
		for _, extra := range []string{"", "shop-backend/1.2"} {
			t.Run(fmt.Sprintf("extra=%q", extra), func(t *testing.T) {
				t.Parallel()
				rec := newValidationRecorder(t, v)
				var opts []backoffice.Option
				if extra != "" {
					opts = append(opts, backoffice.WithUserAgent(extra))
				}
				_, err := newTestClient(t, rec.URL, v.creds(), opts...).Inquire(context.Background(), "54289")
				require.NoError(t, err)
				reqs := rec.Requests()
				require.Len(t, reqs, 1)
				ua := reqs[0].Header.Get("User-Agent")
				assert.Contains(t, strings.ToLower(ua), "backoffice", "the SDK is named: %q", ua)
				assert.Contains(t, ua, backoffice.Version, "the version is named: %q", ua)
				assert.NotContains(t, ua, "Go-http-client", "the SDK's own User-Agent replaces Go's")
				if extra != "" {
					assert.True(t, strings.HasSuffix(ua, extra), "%q is appended to %q", extra, ua)
					assert.Less(t, strings.Index(strings.ToLower(ua), "backoffice"), strings.Index(ua, extra), "the SDK comes first: %q", ua)
				}
			})
		}
	})
}
