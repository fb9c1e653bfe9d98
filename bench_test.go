package backoffice_test

// Side-by-side benchmarks: the SDK's Capture against the code a merchant
// would write by hand with net/http and encoding/json for the same bearer
// capture, both against one in-process server that answers every request
// with the seed's capture response. BENCHMARKS.md has the commands and
// the results.

import (
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
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const benchPaymentID = "8a8294496242ba5301625069d1b27e3d"

var benchAmount = decimal.RequireFromString("1.00")

// benchMTID is the merchantTransactionId of the canned capture answer.
const benchMTID = "Order Number 123"

// captureServer answers every request with the seed's capture response.
func captureServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	srv := httptest.NewUnstartedServer(captureHandler(tb))
	srv.Start()
	tb.Cleanup(srv.Close)
	return srv
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

// The hand-written client: what a good merchant engineer writes without
// an SDK. It decodes into a struct with the fields of backoffice.Payment and
// does the same conversions (amount to decimal.Decimal, timestamp with
// time.Parse). It has no retries, no reconciliation, no validation and no
// Raw copy: json.NewDecoder never holds the body.

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
	Raw                   json.RawMessage
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

type rawClient struct {
	hc       *http.Client
	base     string
	token    string
	entityID string
	seq      atomic.Uint64
}

// newRawClient returns the hand-written client for the server at base;
// tlsConf, when not nil, is its TLS configuration (trusting a test server).
func newRawClient(base string, tlsConf *tls.Config) *rawClient {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 256
	tr.MaxIdleConnsPerHost = 64
	if tlsConf != nil {
		tr.TLSClientConfig = tlsConf.Clone()
	}
	return &rawClient{
		hc:       &http.Client{Timeout: 60 * time.Second, Transport: tr},
		base:     base,
		token:    bearerCreds.AccessToken,
		entityID: bearerCreds.EntityID,
	}
}

func (c *rawClient) capture(ctx context.Context, paymentID string, amount decimal.Decimal, currency string) (*rawPayment, error) {
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

// captureFunc is one capture by one of the clients compared, and the
// client's way to drop its idle connections afterwards.
type captureFunc struct {
	do    func(context.Context) error
	close func()
}

func rawCapture(base string, tlsConf *tls.Config) captureFunc {
	c := newRawClient(base, tlsConf)
	return captureFunc{
		do: func(ctx context.Context) error {
			_, err := c.capture(ctx, benchPaymentID, benchAmount, "BRL")
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
// the first is the baseline the others are measured against. Over TLS the
// SDK's default transport cannot trust the test server's certificate, so
// there it is measured through the hand-written client's transport only.
func impls(tb testing.TB, srv *httptest.Server) []impl {
	var tlsConf *tls.Config
	if srv.TLS != nil {
		tlsConf = srv.Client().Transport.(*http.Transport).TLSClientConfig
	}
	list := []impl{
		{"raw", func() captureFunc { return rawCapture(srv.URL, tlsConf) }},
		{"sdk", func() captureFunc { return sdkCapture(tb, srv.URL, nil) }},
		{"sdk-rawtransport", func() captureFunc { return sdkCapture(tb, srv.URL, newRawClient(srv.URL, tlsConf).hc) }},
	}
	if tlsConf != nil {
		list = append(list[:1], list[2])
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

// runConcurrently times b.N captures made from exactly n goroutines.
func runConcurrently(b *testing.B, n int, f captureFunc) {
	warm(b, n, f)
	b.ReportAllocs()
	b.ResetTimer()
	defer startCPU(b).stop()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(b.N) {
				if err := f.do(context.Background()); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// BenchmarkCapture compares one bearer capture made by the hand-written
// client (impl=raw), the SDK with its default transport (impl=sdk) and the
// SDK sending through the hand-written client's transport
// (impl=sdk-rawtransport), serially and from 64 goroutines.
//
// parallel64 uses b.RunParallel with SetParallelism(64/GOMAXPROCS): RunParallel
// starts parallelism×GOMAXPROCS goroutines, so this is 64 goroutines on a
// machine with a power-of-two core count up to 64.
func BenchmarkCapture(b *testing.B) {
	benchmarkCapture(b, captureServer(b))
}

// BenchmarkCaptureH2 is BenchmarkCapture over TLS and HTTP/2, what a
// gateway reached over https negotiates with either client.
func BenchmarkCaptureH2(b *testing.B) {
	srv := httptest.NewUnstartedServer(captureHandler(b))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	b.Cleanup(srv.Close)
	benchmarkCapture(b, srv)
}

func benchmarkCapture(b *testing.B, srv *httptest.Server) {
	for _, impl := range impls(b, srv) {
		serial := impl.new()
		b.Run("impl="+impl.name+"/run=serial", func(b *testing.B) {
			runConcurrently(b, 1, serial)
		})
		serial.close()

		parallel := impl.new()
		b.Run("impl="+impl.name+"/run=parallel64", func(b *testing.B) {
			warm(b, 64, parallel)
			b.ReportAllocs()
			b.ResetTimer()
			cpu := startCPU(b)
			b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := parallel.do(context.Background()); err != nil {
						b.Error(err)
						return
					}
				}
			})
			cpu.stop()
		})
		parallel.close()
	}
}

// BenchmarkConcurrency is the data of bench/concurrency.png: time per
// capture from 1 to 128 goroutines, raw against the SDK's default transport.
func BenchmarkConcurrency(b *testing.B) {
	srv := captureServer(b)
	// Level by level, raw then SDK, so that the two points compared were
	// measured seconds apart.
	for _, n := range []int{1, 2, 4, 8, 16, 32, 64, 128} {
		for _, impl := range impls(b, srv)[:2] {
			f := impl.new()
			b.Run(fmt.Sprintf("impl=%s/conc=%d", impl.name, n), func(b *testing.B) {
				runConcurrently(b, n, f)
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

// TestDefaultTransportConnectionLimit counts the connections the server
// sees while many goroutines capture through one Client with the default
// transport: never more than 64, however many goroutines there are.
func TestDefaultTransportConnectionLimit(t *testing.T) {
	t.Parallel()
	for _, goroutines := range []int{64, 128} {
		t.Run(strconv.Itoa(goroutines), func(t *testing.T) {
			t.Parallel()
			var opened atomic.Int64
			srv := httptest.NewUnstartedServer(captureHandler(t))
			srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
				if s == http.StateNew {
					opened.Add(1)
				}
			}
			srv.Start()
			t.Cleanup(srv.Close)
			capture := sdkCapture(t, srv.URL, nil)
			var wg sync.WaitGroup
			var failed atomic.Int64
			for range goroutines {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 50 {
						if err := capture.do(context.Background()); err != nil {
							failed.Add(1)
						}
					}
				}()
			}
			wg.Wait()
			require.Zero(t, failed.Load(), "captures failed")
			assert.LessOrEqual(t, opened.Load(), int64(64), "connections opened by %d goroutines × 50 captures", goroutines)
		})
	}
}
