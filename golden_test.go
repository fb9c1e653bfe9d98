package backoffice_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

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
	type golden struct {
		goldenCase
		op testOp
	}
	var tests []golden
	for _, op := range operations {
		for _, g := range op.golden {
			tests = append(tests, golden{g, op})
		}
	}
	// Every pinned file is some operation's golden request.
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.txt"))
	require.NoError(t, err)
	require.Len(t, files, len(tests), "testdata/golden holds a file no operation of the catalogue pins, or lacks one")
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			rec := newValidationRecorder(t, tt.v)
			_, _, err := tt.op.do(newTestClient(t, rec.URL, tt.v.creds(), tt.opts...), tt.args)
			require.NoError(t, err)
			reqs := rec.Requests()
			if tt.v != checksumVariant || tt.op.paymentType == "" {
				require.Len(t, reqs, 1)
			} else {
				require.Len(t, reqs, 2, "a checksum capture, refund or reversal reads the payment's state first")
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
			file := filepath.Join("testdata", "golden", tt.file+".txt")
			if *update {
				require.NoError(t, os.WriteFile(file, []byte(got), 0o644))
			}
			want, err := os.ReadFile(file)
			require.NoError(t, err, "run go test -run TestGoldenRequests -update to create it")
			assert.Equal(t, string(want), got)

			if tt.v == checksumVariant {
				assert.Empty(t, r.Header.Get("Authorization"), "the checksum variant sends no bearer token")
				assert.NotContains(t, got, checksumCreds.SecureKey, "the secure key never travels")
			} else {
				assert.Equal(t, "Bearer "+bearerCreds.AccessToken, r.Header.Get("Authorization"))
			}
			assert.Contains(t, r.Header.Get("User-Agent"), "backoffice-go/"+backoffice.Version)
		})
	}
}
