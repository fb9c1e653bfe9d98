//go:build goexperiment.jsonv2

package decoders

var extra = []candidate{{"jsonv2", func(b []byte) (any, error) { return JSONv2(b) }}}
