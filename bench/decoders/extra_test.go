//go:build !goexperiment.jsonv2

package decoders

var extra []candidate
