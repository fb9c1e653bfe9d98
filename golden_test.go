package backoffice_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/c81406b6/backoffice"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden request files in testdata/golden")

// card is the seed's test card (Visa test number, Luhn-valid).
var card = &backoffice.Card{Number: "4200000000000000", Holder: "John Smith", ExpiryMonth: "02", ExpiryYear: "2099", CVV: "123"}

// TestGoldenRequests pins the exact request every operation of both
// variants sends: method, path, query and form body, byte for byte.
func TestGoldenRequests(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	from := time.Date(2023, 2, 9, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		checksum bool
		opts     []backoffice.Option
		do       func(c *backoffice.Client) error
	}{
		{"bearer_capture", false, []backoffice.Option{backoffice.WithTestMode(backoffice.TestModeExternal)}, func(c *backoffice.Client) error {
			_, err := c.Capture(ctx, "8a8294496242ba5301625069d1b27e3d", backoffice.CaptureRequest{Amount: dec("1"), Currency: "BRL", MerchantTransactionID: "Order Number 123"})
			return err
		}},
		{"bearer_refund", false, []backoffice.Option{backoffice.WithTestMode(backoffice.TestModeExternal)}, func(c *backoffice.Client) error {
			_, err := c.Refund(ctx, "8a8294496242ba5301625069d1b27e3d", backoffice.RefundRequest{Amount: dec("1.00"), Currency: "BRL", MerchantTransactionID: "Order Number 123"})
			return err
		}},
		{"bearer_reversal_full", false, []backoffice.Option{backoffice.WithTestMode(backoffice.TestModeExternal)}, func(c *backoffice.Client) error {
			_, err := c.Reverse(ctx, "8a82944a6242c8f00162505f33cf77ef", backoffice.ReversalRequest{MerchantTransactionID: "Order Number 321"})
			return err
		}},
		{"bearer_reversal_partial", false, nil, func(c *backoffice.Client) error {
			_, err := c.Reverse(ctx, "8a82944a6242c8f00162505f33cf77ef", backoffice.ReversalRequest{Amount: dec("0.5"), Currency: "MXN", MerchantTransactionID: "Order Number 321"})
			return err
		}},
		{"bearer_rebill", false, nil, func(c *backoffice.Client) error {
			_, err := c.Rebill(ctx, "8a82944a6242c8f00162505f33cf77ef", backoffice.RebillRequest{Amount: dec("20"), Currency: "USD", MerchantTransactionID: "taxi-42-extra"})
			return err
		}},
		{"bearer_chargeback", false, nil, func(c *backoffice.Client) error {
			_, err := c.Chargeback(ctx, "8a82944a6242c8f00162505f33cf77ef", backoffice.ChargebackRequest{Amount: dec("10.00"), Currency: "EUR", MerchantTransactionID: "cb-1",
				Extra: map[string]string{"customParameters[reason]": "fraud", "descriptor": "CB 1"}})
			return err
		}},
		{"bearer_chargeback_reversal", false, nil, func(c *backoffice.Client) error {
			_, err := c.ReverseChargeback(ctx, "8a829449624200000000000000000cb1", backoffice.ChargebackReversalRequest{Amount: dec("10.00"), Currency: "EUR", MerchantTransactionID: "cr-1"})
			return err
		}},
		{"bearer_credit_card", false, []backoffice.Option{backoffice.WithTestMode(backoffice.TestModeExternal)}, func(c *backoffice.Client) error {
			_, err := c.Credit(ctx, backoffice.CreditRequest{Amount: dec("100"), Currency: "EUR", PaymentBrand: "VISA", Card: card, MerchantTransactionID: "P175"})
			return err
		}},
		{"bearer_credit_registration", false, nil, func(c *backoffice.Client) error {
			_, err := c.Credit(ctx, backoffice.CreditRequest{Amount: dec("5.25"), Currency: "EUR", RegistrationID: "8a82944a4cc25ebf014cc2c782423202", MerchantTransactionID: "payout-7"})
			return err
		}},
		{"bearer_inquiry", false, nil, func(c *backoffice.Client) error {
			_, err := c.Inquire(ctx, "8a8294496242ba5301625069d1b27e3d")
			return err
		}},
		{"bearer_query_by_merchant_transaction_id", false, nil, func(c *backoffice.Client) error {
			_, err := c.QueryByMerchantTransactionID(ctx, "Order Number 123")
			return err
		}},
		{"checksum_capture", true, nil, func(c *backoffice.Client) error {
			_, err := c.Capture(ctx, "54289", backoffice.CaptureRequest{Amount: dec("1"), Currency: "EUR", MerchantTransactionID: "cap-54289"})
			return err
		}},
		{"checksum_refund", true, nil, func(c *backoffice.Client) error {
			_, err := c.Refund(ctx, "54289", backoffice.RefundRequest{Amount: dec("0.40"), Currency: "EUR", MerchantTransactionID: "ref-54289"})
			return err
		}},
		{"checksum_reversal", true, nil, func(c *backoffice.Client) error {
			_, err := c.Reverse(ctx, "54289", backoffice.ReversalRequest{MerchantTransactionID: "rev-54289"})
			return err
		}},
		{"checksum_inquiry", true, nil, func(c *backoffice.Client) error {
			_, err := c.Inquire(ctx, "54289")
			return err
		}},
		{"checksum_transaction_list", true, nil, func(c *backoffice.Client) error {
			_, err := c.TransactionList(ctx, backoffice.TransactionListRequest{From: from, To: from.AddDate(0, 0, 30), Status: "capturesuccess"})
			return err
		}},
		{"checksum_transaction_list_page", true, nil, func(c *backoffice.Client) error {
			_, err := c.TransactionList(ctx, backoffice.TransactionListRequest{From: from.In(time.FixedZone("", 5*3600+1800)),
				To: from.AddDate(0, 0, 30), PaymentID: "54289", Page: 2, PageSize: 30})
			return err
		}},
		{"checksum_inquiry_by_merchant_transaction_id", true, nil, func(c *backoffice.Client) error {
			_, err := c.InquireByMerchantTransactionID(ctx, "Order 123/4"[:9])
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ok := `{"id":"8a82944a6242c8f00162506ec4b30d44","result":{"code":"000.100.110","description":"ok"},"payments":[]}`
			if tt.checksum {
				ok = checksumOK
			}
			rec := newRecorder(t, jsonAnswer(200, ok))
			c := newTestClient(t, rec.URL, bearerCreds, tt.opts...)
			if tt.checksum {
				c = newTestClient(t, rec.URL, checksumCreds, tt.opts...)
			}
			require.NoError(t, tt.do(c))
			reqs := rec.Requests()
			if !tt.checksum || !strings.HasSuffix(tt.name, "_refund") {
				require.Len(t, reqs, 1)
			} else {
				require.Len(t, reqs, 2, "a checksum refund reads the refunded amount first")
			}
			got := ""
			for i, r := range reqs {
				if i > 0 {
					got += "\n"
				}
				got += fmt.Sprintf("%s %s", r.Method, r.Path)
				if r.RawQuery != "" {
					got += "?" + r.RawQuery
				}
				got += "\nContent-Type: " + r.Header.Get("Content-Type") + "\n\n" + string(r.Body) + "\n"
			}
			r := reqs[len(reqs)-1]
			file := filepath.Join("testdata", "golden", tt.name+".txt")
			if *update {
				require.NoError(t, os.WriteFile(file, []byte(got), 0o644))
			}
			want, err := os.ReadFile(file)
			require.NoError(t, err, "run go test -run TestGoldenRequests -update to create it")
			assert.Equal(t, string(want), got)

			if tt.checksum {
				assert.Empty(t, r.Header.Get("Authorization"), "the checksum variant sends no bearer token")
				assert.NotContains(t, got, checksumCreds.SecureKey, "the secure key never travels")
			} else {
				assert.Equal(t, "Bearer "+bearerCreds.AccessToken, r.Header.Get("Authorization"))
			}
			assert.Contains(t, r.Header.Get("User-Agent"), "backoffice-go/"+backoffice.Version)
		})
	}
}
