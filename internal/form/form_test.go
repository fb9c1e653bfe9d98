package form

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEncodeKeepsOrderAndEscapesLikeQueryEscape(t *testing.T) {
	t.Parallel()
	var f Form
	f.Add("entityId", "8a8294174e918ca6014e9c6f5ae12a9c")
	f.Add("card.holder", "John Smith")
	f.Add("note", "a&b=c/ü~%+")
	f.Add("empty", "")
	f.AddSorted(map[string]string{"z": "1", "a": "2"})
	want := "entityId=8a8294174e918ca6014e9c6f5ae12a9c&card.holder=John+Smith&note=" +
		url.QueryEscape("a&b=c/ü~%+") + "&empty=&a=2&z=1"
	assert.Equal(t, want, string(f.Encode()))
	assert.Equal(t, 6, f.Len())
	v, ok := f.Get("card.holder")
	assert.True(t, ok)
	assert.Equal(t, "John Smith", v)
	_, ok = f.Get("missing")
	assert.False(t, ok)
}

// A form longer than the fields a Form holds itself keeps every field, in
// order.
func TestLongFormKeepsOrder(t *testing.T) {
	t.Parallel()
	var f Form
	var want []string
	for i := range 3*typicalFields + 1 {
		k, v := fmt.Sprintf("k%02d", i), fmt.Sprint(i)
		f.Add(k, v)
		want = append(want, k+"="+v)
		got, ok := f.Get(k)
		assert.True(t, ok, k)
		assert.Equal(t, v, got)
	}
	assert.Equal(t, strings.Join(want, "&"), string(f.Encode()))
	assert.Equal(t, len(want), f.Len())
}

func TestEncodeRoundTripsThroughParseQuery(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", " ", "\x00\xff", "é", "100.00", "Order Number 123", "?entityId=x&y"} {
		var f Form
		f.Add("k"+s, s)
		got, err := url.ParseQuery(string(f.Encode()))
		assert.NoError(t, err)
		assert.Equal(t, []string{s}, got["k"+s], "value %q", s)
		assert.Equal(t, url.QueryEscape(s), string(AppendEscape(nil, s)))
	}
}

// BenchmarkEncode builds and encodes the form of a bearer capture.
func BenchmarkEncode(b *testing.B) {
	b.ReportAllocs()
	n := 0
	for i := 0; i < b.N; i++ {
		var f Form
		f.Add("entityId", "8a8294174e918ca6014e9c6f5ae12a9c")
		f.Add("amount", "1.00")
		f.Add("currency", "BRL")
		f.Add("paymentType", "CP")
		f.Add("merchantTransactionId", "bo1a2b3c4d5e6f-1k")
		n += len(f.Encode())
	}
	sink = n
}

var sink int
