package main

import (
	"bufio"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// point is the median of the counts of one sub-benchmark.
type point struct {
	conc  int
	ns    float64 // wall time per capture
	cpuNS float64 // process CPU time per capture; 0 if not reported
}

var nameRE = regexp.MustCompile(`^BenchmarkConcurrency/impl=([^/]+)/conc=(\d+)(?:-\d+)?$`)

// parse reads go test -bench output and returns, per implementation, its
// points ordered by concurrency. Lines of other benchmarks are skipped.
func parse(r io.Reader) (map[string][]point, error) {
	type key struct {
		impl string
		conc int
	}
	ns, cpu := map[key][]float64{}, map[key][]float64{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 {
			continue
		}
		m := nameRE.FindStringSubmatch(f[0])
		if m == nil {
			continue
		}
		conc, _ := strconv.Atoi(m[2])
		k := key{m[1], conc}
		// f[1] is the iteration count; then value-unit pairs.
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				break
			}
			switch f[i+1] {
			case "ns/op":
				ns[k] = append(ns[k], v)
			case "cpu-ns/op":
				cpu[k] = append(cpu[k], v)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	out := map[string][]point{}
	for k, v := range ns {
		out[k.impl] = append(out[k.impl], point{conc: k.conc, ns: median(v), cpuNS: median(cpu[k])})
	}
	for _, pts := range out {
		sort.Slice(pts, func(i, j int) bool { return pts[i].conc < pts[j].conc })
	}
	return out, nil
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}
