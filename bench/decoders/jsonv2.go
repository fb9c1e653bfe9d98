//go:build goexperiment.jsonv2

package decoders

import (
	jsonv2 "encoding/json/v2"

	"github.com/c81406b6/backoffice/internal/wire"
)

// JSONv2 is encoding/json/v2 with case-insensitive names (as v1 matches);
// it validates UTF-8 itself and refuses duplicate names by default. It
// exists only with GOEXPERIMENT=jsonv2, which users cannot be assumed to set.
func JSONv2(body []byte) (*wire.Payment, error) {
	var p wire.Payment
	if err := jsonv2.Unmarshal(body, &p, jsonv2.MatchCaseInsensitiveNames(true)); err != nil {
		return nil, err
	}
	return &p, nil
}
