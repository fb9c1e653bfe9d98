// Command otel shows a refund on the fake gateway with OpenTelemetry spans
// (otelhttp around the SDK's transport, through backoffice.WithRoundTripper)
// and the SDK's slog logs, both printed to stdout.
//
// It is a module of its own, so that the SDK's users inherit none of
// OpenTelemetry's dependencies. Run it from this directory:
//
//	go run .
package main

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/shopspring/decimal"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context) error {
	// Spans go to stdout; a real service exports them to its collector.
	exporter, err := stdouttrace.New(stdouttrace.WithPrettyPrint())
	if err != nil {
		return err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter))
	defer tp.Shutdown(ctx)

	srv := backofficetest.NewServer()
	defer srv.Close()
	debit := srv.Debit(decimal.RequireFromString("50.00"), "EUR")

	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := backoffice.NewClient(srv.BearerCredentials(),
		backoffice.WithBaseURL(srv.URL),
		backoffice.WithLogger(logger),
		backoffice.WithRoundTripper(func(next http.RoundTripper) http.RoundTripper {
			return otelhttp.NewTransport(next, otelhttp.WithTracerProvider(tp))
		}),
	)
	if err != nil {
		return err
	}

	tracer := tp.Tracer("examples/otel")
	ctx, span := tracer.Start(ctx, "refund order 1042")
	p, err := c.Refund(ctx, debit, backoffice.RefundRequest{
		Amount: decimal.RequireFromString("20.00"), Currency: "EUR",
		MerchantTransactionID: backoffice.NewMerchantTransactionID(),
	})
	span.End()
	switch backoffice.OutcomeOf(err) {
	case backoffice.Booked:
		fmt.Printf("OPERATION refund  OUTCOME booked  ID %s  AMOUNT %s %s\n", p.ID, p.Amount.StringFixed(2), p.Currency)
		return nil
	default:
		return fmt.Errorf("refund: %s: %w", backoffice.OutcomeOf(err), err)
	}
}
