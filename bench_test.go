package backoffice_test

// Side-by-side benchmarks: the SDK's Capture against the code a merchant
// would write by hand with net/http and encoding/json for the same bearer
// capture, both against one in-process server that answers every request
// with the seed's capture response. BENCHMARKS.md has the commands and
// the results.

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

const benchPaymentID = "8a8294496242ba5301625069d1b27e3d"

var benchAmount = decimal.RequireFromString("1.00")

// benchMTID is the merchantTransactionId of the canned capture answer.
const benchMTID = "Order Number 123"

// benchServer is an in-process gateway that answers every request with
// the seed's capture response and counts the connections it accepts.
type benchServer struct {
	*httptest.Server
	conns atomic.Int64
}

func captureServer(tb testing.TB) *benchServer {
	tb.Helper()
	s := &benchServer{Server: httptest.NewUnstartedServer(captureHandler(tb))}
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	tb.Cleanup(s.Close)
	return s
}

func captureHandler(tb testing.TB) http.Handler {
	tb.Helper()
	body, err := os.ReadFile("testdata/responses/bearer_capture.json")
	require.NoError(tb, err)
	contentType := []string{"application/json;charset=UTF-8"}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header()["Content-Type"] = contentType
		_, _ = w.Write(body)
	})
}

// The hand-written clients the SDK is measured against (issue 12).
//
// careful is what a good merchant engineer writes without an SDK: a unique
// merchantTransactionId per call, a 60 s timeout, a status check, a typed
// decode with decimal and time.Parse, Authorization and Content-Type. It
// has no retries, no reconciliation, no validation and no Raw copy.
//
// minimal is the least anyone would write: four form fields, no timeout,
// no status check, eleven string fields decoded.
//
// Both get a transport tuned as the SDK's is (a clone of
// http.DefaultTransport keeping up to 128 idle connections per host), so
// that neither redials under 128 callers: with Go's default of 2, or the 64
// the first version of this file kept, the hand-written clients opened
// hundreds of connections and the comparison measured dialling.

type rawPayment struct {
	ID                    string
	ReferencedID          string
	PaymentType           string
	PaymentBrand          string
	Amount                decimal.Decimal
	Currency              string
	Descriptor            string
	MerchantTransactionID string
	Result                rawResult
	ResultDetails         map[string]string
	Card                  *rawCard
	BuildNumber           string
	NDC                   string
	Timestamp             time.Time
	Status                string
	TransactionStatus     string
}

type rawResult struct {
	Code            string `json:"code"`
	Description     string `json:"description"`
	ParameterErrors []struct {
		Name    string `json:"name"`
		Value   string `json:"value"`
		Message string `json:"message"`
	} `json:"parameterErrors"`
}

type rawCard struct {
	Bin         string `json:"bin"`
	Last4Digits string `json:"last4Digits"`
	Holder      string `json:"holder"`
	ExpiryMonth string `json:"expiryMonth"`
	ExpiryYear  string `json:"expiryYear"`
}

type rawAnswer struct {
	ID                    string            `json:"id"`
	ReferencedID          string            `json:"referencedId"`
	PaymentType           string            `json:"paymentType"`
	PaymentBrand          string            `json:"paymentBrand"`
	Amount                string            `json:"amount"`
	Currency              string            `json:"currency"`
	Descriptor            string            `json:"descriptor"`
	MerchantTransactionID string            `json:"merchantTransactionId"`
	Result                rawResult         `json:"result"`
	ResultDetails         map[string]string `json:"resultDetails"`
	Card                  *rawCard          `json:"card"`
	BuildNumber           string            `json:"buildNumber"`
	Timestamp             string            `json:"timestamp"`
	NDC                   string            `json:"ndc"`
	Status                string            `json:"status"`
	TransactionStatus     string            `json:"transactionStatus"`
}

// tunedTransport is the hand-written clients' transport; tlsConf, when not
// nil, trusts a test server.
func tunedTransport(tlsConf *tls.Config) *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 256
	tr.MaxIdleConnsPerHost = 128
	if tlsConf != nil {
		tr.TLSClientConfig = tlsConf.Clone()
	}
	return tr
}

type carefulClient struct {
	hc       *http.Client
	base     string
	token    string
	entityID string
	seq      atomic.Uint64
}

func newCarefulClient(base string, tlsConf *tls.Config) *carefulClient {
	return &carefulClient{
		hc:       &http.Client{Timeout: 60 * time.Second, Transport: tunedTransport(tlsConf)},
		base:     base,
		token:    bearerCreds.AccessToken,
		entityID: bearerCreds.EntityID,
	}
}

func (c *carefulClient) capture(ctx context.Context, paymentID string, amount decimal.Decimal, currency string) (*rawPayment, error) {
	form := url.Values{
		"entityId":              {c.entityID},
		"amount":                {amount.StringFixed(2)},
		"currency":              {currency},
		"paymentType":           {"CP"},
		"merchantTransactionId": {"order-" + strconv.FormatUint(c.seq.Add(1), 10)},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/v1/payments/"+paymentID, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("capture: HTTP %d", resp.StatusCode)
	}
	var a rawAnswer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(a.Result.Code, "000.") {
		return nil, fmt.Errorf("capture refused: %s %s", a.Result.Code, a.Result.Description)
	}
	p := &rawPayment{
		ID: a.ID, ReferencedID: a.ReferencedID, PaymentType: a.PaymentType, PaymentBrand: a.PaymentBrand,
		Currency: a.Currency, Descriptor: a.Descriptor, MerchantTransactionID: a.MerchantTransactionID,
		Result: a.Result, ResultDetails: a.ResultDetails, Card: a.Card, BuildNumber: a.BuildNumber, NDC: a.NDC,
		Status: a.Status, TransactionStatus: a.TransactionStatus,
	}
	if p.Amount, err = decimal.NewFromString(a.Amount); err != nil {
		return nil, err
	}
	if p.Timestamp, err = time.Parse("2006-01-02 15:04:05-0700", a.Timestamp); err != nil {
		return nil, err
	}
	return p, nil
}

// minimalAnswer is the minimal client's eleven string fields.
type minimalAnswer struct {
	ID                    string `json:"id"`
	PaymentType           string `json:"paymentType"`
	Amount                string `json:"amount"`
	Currency              string `json:"currency"`
	Descriptor            string `json:"descriptor"`
	MerchantTransactionID string `json:"merchantTransactionId"`
	Result                struct {
		Code        string `json:"code"`
		Description string `json:"description"`
	} `json:"result"`
	BuildNumber string `json:"buildNumber"`
	Timestamp   string `json:"timestamp"`
	NDC         string `json:"ndc"`
}

type minimalClient struct {
	hc                    *http.Client
	base, token, entityID string
}

func (c *minimalClient) capture(ctx context.Context, paymentID, amount string) (*minimalAnswer, error) {
	form := url.Values{"entityId": {c.entityID}, "amount": {amount}, "currency": {"BRL"}, "paymentType": {"CP"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/v1/payments/"+paymentID, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var a minimalAnswer
	err = json.NewDecoder(resp.Body).Decode(&a)
	return &a, err
}

// captureFunc is one capture by one of the clients compared, and the
// client's way to drop its idle connections afterwards.
type captureFunc struct {
	do    func(context.Context) error
	close func()
}

func carefulCapture(base string, tlsConf *tls.Config) captureFunc {
	c := newCarefulClient(base, tlsConf)
	return captureFunc{
		do: func(ctx context.Context) error {
			_, err := c.capture(ctx, benchPaymentID, benchAmount, "BRL")
			return err
		},
		close: c.hc.CloseIdleConnections,
	}
}

func minimalCapture(base string, tlsConf *tls.Config) captureFunc {
	c := &minimalClient{hc: &http.Client{Transport: tunedTransport(tlsConf)}, base: base,
		token: bearerCreds.AccessToken, entityID: bearerCreds.EntityID}
	return captureFunc{
		do: func(ctx context.Context) error {
			a, err := c.capture(ctx, benchPaymentID, "1.00")
			if err == nil && a.ID == "" {
				err = errors.New("capture answered without an id")
			}
			return err
		},
		close: c.hc.CloseIdleConnections,
	}
}

func sdkCapture(tb testing.TB, base string, hc *http.Client) captureFunc {
	tb.Helper()
	opts := []backoffice.Option{backoffice.WithBaseURL(base)}
	closeIdle := func() {}
	if hc != nil {
		opts = append(opts, backoffice.WithHTTPClient(hc))
		closeIdle = hc.CloseIdleConnections
	}
	c, err := backoffice.NewClient(bearerCreds, opts...)
	require.NoError(tb, err)
	return captureFunc{
		do: func(ctx context.Context) error {
			// The canned answer's merchantTransactionId: the SDK refuses an
			// answer that belongs to another request.
			p, err := c.Capture(ctx, benchPaymentID, backoffice.CaptureRequest{Amount: benchAmount, Currency: "BRL",
				MerchantTransactionID: benchMTID})
			if err == nil && p.ID == "" {
				err = errors.New("capture answered without an id")
			}
			return err
		},
		// The SDK's own transport is not reachable from outside; its idle
		// connections end with the server, which the benchmark closes.
		close: closeIdle,
	}
}

type impl struct {
	name string
	new  func() captureFunc
}

// impls are the clients compared against srv, in benchstat's column order:
// the first is the baseline the others are measured against. sdk is the
// SDK with its own transport; sdk-callerclient sends through a caller's
// http.Client (the careful client's, via WithHTTPClient), which takes the
// http.Client path on every attempt. Over TLS the SDK's own transport
// cannot trust the test server's certificate, so there it is measured
// through the caller's client only.
func impls(tb testing.TB, srv *httptest.Server) []impl {
	var tlsConf *tls.Config
	if srv.TLS != nil {
		tlsConf = srv.Client().Transport.(*http.Transport).TLSClientConfig
	}
	list := []impl{
		{"careful", func() captureFunc { return carefulCapture(srv.URL, tlsConf) }},
		{"minimal", func() captureFunc { return minimalCapture(srv.URL, tlsConf) }},
		{"sdk", func() captureFunc { return sdkCapture(tb, srv.URL, nil) }},
		{"sdk-callerclient", func() captureFunc { return sdkCapture(tb, srv.URL, newCarefulClient(srv.URL, tlsConf).hc) }},
	}
	if tlsConf != nil {
		list = append(list[:2], list[3])
	}
	return list
}

// warm makes n concurrent captures, so that the client holds the
// connections it needs before the timer starts.
func warm(b *testing.B, n int, f captureFunc) {
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f.do(context.Background()); err != nil {
				b.Error(err)
			}
		}()
	}
	wg.Wait()
}

// cpuMeter reports the CPU time the whole process (client, in-process
// server and garbage collector alike) spends per operation, as cpu-ns/op.
// On a shared machine it is steadier than ns/op, which also counts the
// time other processes hold the cores.
type cpuMeter struct {
	b     *testing.B
	start int64
}

func startCPU(b *testing.B) cpuMeter {
	t, _ := processCPU()
	return cpuMeter{b: b, start: t}
}

func (m cpuMeter) stop() {
	if t, ok := processCPU(); ok && m.b.N > 0 {
		m.b.ReportMetric(float64(t-m.start)/float64(m.b.N), "cpu-ns/op")
	}
}

// runConcurrently times b.N captures made from exactly n goroutines
// through f, reporting besides time and allocations the CPU time per call
// and the connections the server accepted since conns0 (f's creation:
// every run of the benchmark function warms f up again, and the last
// run's report is the one printed).
func runConcurrently(b *testing.B, srv *benchServer, conns0 int64, n int, f captureFunc) {
	warm(b, n, f)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU(b)
	block(b, n, b.N, f)
	cpu.stop()
	b.ReportMetric(float64(srv.conns.Load()-conns0), "conns")
}

// BenchmarkCapture compares one bearer capture made by each client of
// impls from 1, 64 and 128 goroutines (exactly that many, whatever
// GOMAXPROCS). BenchmarkVersus measures the same interleaved.
func BenchmarkCapture(b *testing.B) {
	benchmarkCapture(b, captureServer(b))
}

// BenchmarkCaptureH2 is BenchmarkCapture over TLS and HTTP/2, what a
// gateway reached over https negotiates with either client.
func BenchmarkCaptureH2(b *testing.B) {
	srv := &benchServer{Server: httptest.NewUnstartedServer(captureHandler(b))}
	srv.EnableHTTP2 = true
	srv.StartTLS()
	b.Cleanup(srv.Close)
	benchmarkCapture(b, srv)
}

var benchConcurrency = []int{1, 64, 128}

func benchmarkCapture(b *testing.B, srv *benchServer) {
	for _, impl := range impls(b, srv.Server) {
		for _, n := range benchConcurrency {
			conns0 := srv.conns.Load()
			f := impl.new()
			b.Run(fmt.Sprintf("impl=%s/conc=%d", impl.name, n), func(b *testing.B) {
				runConcurrently(b, srv, conns0, n, f)
			})
			f.close()
		}
	}
}

// BenchmarkConcurrency is the data of bench/concurrency.png: time per
// capture from 1 to 128 goroutines: careful, minimal, and the SDK with its
// own transport.
func BenchmarkConcurrency(b *testing.B) {
	srv := captureServer(b)
	// Level by level, raw then SDK, so that the two points compared were
	// measured seconds apart.
	for _, n := range []int{1, 2, 4, 8, 16, 32, 64, 128} {
		for _, impl := range impls(b, srv.Server)[:3] {
			conns0 := srv.conns.Load()
			f := impl.new()
			b.Run(fmt.Sprintf("impl=%s/conc=%d", impl.name, n), func(b *testing.B) {
				runConcurrently(b, srv, conns0, n, f)
			})
			f.close()
		}
	}
}

func BenchmarkChecksum(b *testing.B) {
	b.ReportAllocs()
	n := 0
	for i := 0; i < b.N; i++ {
		n += len(backoffice.Checksum("10537", "s3cr3t-Key-9f1c", "8a8294496242ba5301625069d1b27e3d", "1.00"))
	}
	sinkInt = n
}

var sinkInt int

// memoryGateway answers every request at once, in memory, with the seed's
// capture response: what is left of a call is the client's own work.
type memoryGateway struct{ body []byte }

func (g memoryGateway) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{
		StatusCode:    http.StatusOK,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"application/json;charset=UTF-8"}},
		Body:          io.NopCloser(bytes.NewReader(g.body)),
		ContentLength: int64(len(g.body)),
		Request:       r,
	}, nil
}

// BenchmarkWork is one capture by each client against memoryGateway: no
// network, no server, no scheduling, only what each client itself does per
// call (building the request, net/http's client side above the transport,
// reading and decoding the answer). The SDK keeps its direct first attempt
// (backoffice.AnswerInMemory). Unlike BenchmarkCapture it is steady enough to
// compare single changes.
func BenchmarkWork(b *testing.B) {
	body, err := os.ReadFile("testdata/responses/bearer_capture.json")
	require.NoError(b, err)
	gw := memoryGateway{body}
	const base = "http://127.0.0.1:1"
	careful := newCarefulClient(base, nil)
	careful.hc.Transport = gw
	minimal := &minimalClient{hc: &http.Client{Transport: gw}, base: base,
		token: bearerCreds.AccessToken, entityID: bearerCreds.EntityID}
	sdk, err := backoffice.NewClient(bearerCreds, backoffice.WithBaseURL(base))
	require.NoError(b, err)
	backoffice.AnswerInMemory(sdk, gw)
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		do   func() error
	}{
		{"careful", func() error { _, err := careful.capture(ctx, benchPaymentID, benchAmount, "BRL"); return err }},
		{"minimal", func() error { _, err := minimal.capture(ctx, benchPaymentID, "1.00"); return err }},
		{"sdk", func() error {
			_, err := sdk.Capture(ctx, benchPaymentID, backoffice.CaptureRequest{Amount: benchAmount, Currency: "BRL",
				MerchantTransactionID: benchMTID})
			return err
		}},
	} {
		b.Run("impl="+bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := bc.do(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
