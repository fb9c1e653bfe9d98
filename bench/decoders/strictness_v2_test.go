//go:build goexperiment.jsonv2

package decoders

import (
	jsonv2 "encoding/json/v2"
	"testing"

	"github.com/c81406b6/backoffice/internal/wire"
)

// TestStrictnessV2 is TestStrictness's table for encoding/json/v2 (with
// case-insensitive names, as JSONv2 decodes).
func TestStrictnessV2(t *testing.T) {
	for _, b := range strictnessBodies {
		var p wire.Payment
		err := jsonv2.Unmarshal([]byte(b.body), &p, jsonv2.MatchCaseInsensitiveNames(true))
		t.Logf("%-42s %-18s err=%v currency=%q refund=%q customer=%q", b.name, "json/v2", err != nil, p.Currency, p.RefundAmount, string(p.Customer))
	}
}
