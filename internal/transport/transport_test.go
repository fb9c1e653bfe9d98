package transport

import (
	"mime"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCommonJSONIsWhatParseMediaTypeCallsJSON(t *testing.T) {
	t.Parallel()
	for _, ct := range []string{"application/json", "application/json;charset=UTF-8", "application/json; charset=UTF-8",
		"application/json;charset=utf-8", "application/json; charset=utf-8"} {
		assert.True(t, commonJSON(ct), ct)
		mt, _, err := mime.ParseMediaType(ct)
		assert.NoError(t, err, ct)
		assert.Equal(t, "application/json", mt, ct)
	}
	for _, ct := range []string{"", "application/json;", "application/json; charset", "Application/JSON", "text/html", "application/problem+json"} {
		assert.False(t, commonJSON(ct), ct)
	}
}

func TestContentTypeProblem(t *testing.T) {
	t.Parallel()
	body := []byte(`{"result":{"code":"000.100.110"}}`)
	for ct, want := range map[string]string{
		"":                               "",
		"application/json;charset=UTF-8": "",
		"Application/JSON":               "",
		"application/problem+json":       "",
		"text/json":                      "",
		"application/json;":              "",
		"application/json; charset":      "unparsable content type",
		"text/html":                      "an HTML page, not a gateway result",
		"text/plain":                     "content type is not JSON",
	} {
		assert.Equal(t, want, contentTypeProblem(ct, body), ct)
	}
	assert.Equal(t, "empty body", contentTypeProblem("application/json", nil))
}

func BenchmarkContentTypeProblem(b *testing.B) {
	body := []byte(`{"result":{"code":"000.100.110"}}`)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if contentTypeProblem("application/json;charset=UTF-8", body) != "" {
			b.Fatal("not JSON")
		}
	}
}
