package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	out := `goos: linux
BenchmarkConcurrency/impl=raw/conc=2-2   	   20000	     60000 ns/op	    110000 cpu-ns/op	   10958 B/op	     137 allocs/op
BenchmarkConcurrency/impl=raw/conc=1-2   	   10000	     90000 ns/op	     95000 cpu-ns/op	   10958 B/op	     137 allocs/op
BenchmarkConcurrency/impl=raw/conc=1-2   	   10000	     80000 ns/op	     85000 cpu-ns/op	   10958 B/op	     137 allocs/op
BenchmarkConcurrency/impl=raw/conc=1-2   	   10000	    100000 ns/op	     99000 cpu-ns/op	   10958 B/op	     137 allocs/op
BenchmarkConcurrency/impl=sdk/conc=1     	   10000	     70000 ns/op	   10958 B/op	     137 allocs/op
BenchmarkCapture/impl=raw/run=serial-2   	   10000	     1 ns/op
PASS
`
	got, err := parse(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]point{
		"raw": {{conc: 1, ns: 90000, cpuNS: 95000}, {conc: 2, ns: 60000, cpuNS: 110000}},
		"sdk": {{conc: 1, ns: 70000}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parse = %+v, want %+v", got, want)
	}
}
