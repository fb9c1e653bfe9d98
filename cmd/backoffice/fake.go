package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os/signal"
	"syscall"
	"time"

	"github.com/c81406b6/backoffice/backofficetest"
)

// ledgerEntry is one booking as GET /backofficetest/ledger gives it.
type ledgerEntry struct {
	ID                    string `json:"id"`
	PaymentType           string `json:"paymentType"`
	ReferencedID          string `json:"referencedId,omitempty"`
	Amount                string `json:"amount"`
	Currency              string `json:"currency"`
	MerchantTransactionID string `json:"merchantTransactionId,omitempty"`
}

func ledgerOf(srv *backofficetest.Server) []ledgerEntry {
	l := srv.Ledger()
	out := make([]ledgerEntry, 0, len(l))
	for _, e := range l {
		out = append(out, ledgerEntry{ID: e.ID, PaymentType: string(e.Type), ReferencedID: e.ReferencedID,
			Amount: e.Amount.StringFixed(2), Currency: e.Currency, MerchantTransactionID: e.MerchantTransactionID})
	}
	return out
}

// faultFunc makes about rate of the money-moving requests (and half as
// many look-ups) fail in one of the ways a real gateway or its proxies do,
// from a seeded source, so a run can be repeated.
func faultFunc(rate float64, seed uint64) func(backofficetest.Op, int) (backofficetest.Fault, bool) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	money := []backofficetest.Fault{
		{Kind: backofficetest.FaultDropBeforeBooking},
		{Kind: backofficetest.FaultDropAfterBooking},
		{Kind: backofficetest.FaultServerError},
		{Kind: backofficetest.FaultThrottle},
		{Kind: backofficetest.FaultSessionBusy},
		{Kind: backofficetest.FaultMalformedJSON, Booked: true},
		{Kind: backofficetest.FaultTruncatedJSON, Booked: true},
		{Kind: backofficetest.FaultUncertain, Booked: true},
		{Kind: backofficetest.FaultUncertain},
		{Kind: backofficetest.FaultProxyTimeout},
	}
	lookups := []backofficetest.Fault{
		{Kind: backofficetest.FaultServerError},
		{Kind: backofficetest.FaultThrottle},
		{Kind: backofficetest.FaultDropBeforeBooking},
	}
	return func(op backofficetest.Op, _ int) (backofficetest.Fault, bool) {
		switch op {
		case backofficetest.OpCapture, backofficetest.OpRefund, backofficetest.OpReversal:
			if rng.Float64() < rate {
				return money[rng.IntN(len(money))], true
			}
		case backofficetest.OpQuery:
			if rng.Float64() < rate/2 {
				return lookups[rng.IntN(len(lookups))], true
			}
		}
		return backofficetest.Fault{}, false
	}
}

// runFake serves backofficetest on --addr until interrupted. The first
// line on stdout is JSON with url, accessToken and entityId (the fake's
// own random test credentials, not secrets of any real account).
func runFake(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on (loopback)")
	faults := fs.Float64("faults", 0, "share of money-moving requests that get a fault, 0 to 1")
	seed := fs.Uint64("seed", 1, "seed of the fault sequence")
	latency := fs.Duration("booking-latency", 0, "how late bookings land (backofficetest.WithBookingLatency)")
	dups := fs.Bool("duplicate-detection", false, "refuse resends of a booked merchantTransactionId (backofficetest.WithDuplicateDetection)")
	if err := fs.Parse(args); err != nil {
		return exitCannotRun
	}
	if *faults < 0 || *faults > 1 {
		fmt.Fprintln(stderr, "backoffice fake: --faults must be between 0 and 1")
		return exitCannotRun
	}
	var opts []backofficetest.Option
	if *latency > 0 {
		opts = append(opts, backofficetest.WithBookingLatency(*latency))
	}
	if *dups {
		opts = append(opts, backofficetest.WithDuplicateDetection())
	}
	srv := backofficetest.NewServer(opts...)
	defer srv.Close()
	if *faults > 0 {
		srv.InjectFaultFunc(faultFunc(*faults, *seed))
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "backoffice fake:", err)
		return exitCannotRun
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /backofficetest/ledger", func(w http.ResponseWriter, _ *http.Request) {
		srv.AwaitBookings()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(ledgerOf(srv))
	})
	mux.Handle("/", srv.Handler())
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: discardLog()}
	creds := srv.BearerCredentials()
	cs := srv.ChecksumCredentials()
	first, _ := json.Marshal(map[string]string{
		"url": "http://" + ln.Addr().String(), "accessToken": creds.AccessToken, "entityId": creds.EntityID,
		"memberId": cs.MemberID, "secureKey": cs.SecureKey, "partnerId": cs.PartnerID, "username": cs.Username,
	})
	fmt.Fprintf(stdout, "%s\n", first)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	}()
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, "backoffice fake:", err)
		return exitCannotRun
	}
	return exitOK
}
