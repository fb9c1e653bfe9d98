// Command chart draws bench/concurrency.png: time per capture against the
// number of concurrent goroutines, for the hand-written net/http client and
// the SDK, from the root package's BenchmarkConcurrency.
//
// It reads `go test -bench` output from the files named by -in, or, without
// -in, runs the benchmark itself:
//
//	go run ./cmd/chart -in results/concurrency.txt   # from bench/
//	go run ./cmd/chart -count 3                       # measure, then draw
//
// Each point is the median of the counts; solid lines are wall time per
// capture (ns/op), dashed lines the process's CPU time per capture
// (cpu-ns/op: client, in-process server and GC together).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image/color"
	"io"
	"log"
	"os"
	"os/exec"
	"runtime"
	"sort"

	"github.com/c81406b6/backoffice"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

func main() {
	in := flag.String("in", "", "go test -bench output to read instead of running the benchmark; more files may follow as arguments")
	root := flag.String("root", "..", "the backoffice module's directory, where the benchmark is run")
	count := flag.Int("count", 3, "counts per point when running the benchmark")
	benchtime := flag.String("benchtime", "1s", "-benchtime when running the benchmark")
	out := flag.String("o", "concurrency.png", "PNG to write")
	flag.Parse()
	log.SetFlags(0)

	var data []byte
	if *in != "" {
		for _, name := range append([]string{*in}, flag.Args()...) {
			b, err := os.ReadFile(name)
			if err != nil {
				log.Fatal(err)
			}
			data = append(data, b...)
		}
	} else {
		cmd := exec.Command("go", "test", "-run", "^$", "-bench", "^BenchmarkConcurrency$",
			"-benchtime", *benchtime, "-count", fmt.Sprint(*count), ".")
		cmd.Dir = *root
		cmd.Stderr = os.Stderr
		var buf bytes.Buffer
		cmd.Stdout = io.MultiWriter(&buf, os.Stdout)
		if err := cmd.Run(); err != nil {
			log.Fatalf("go test: %v", err)
		}
		data = buf.Bytes()
	}
	series, err := parse(bytes.NewReader(data))
	if err != nil {
		log.Fatal(err)
	}
	if len(series) == 0 {
		log.Fatal("no BenchmarkConcurrency results in the input")
	}
	if err := drawChart(series, *out); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "wrote %s\n", *out)
}

// style is how each implementation is drawn: the SDK in blue, the
// hand-written clients in greys.
var style = map[string]color.Color{
	"careful": color.RGBA{R: 90, G: 90, B: 90, A: 255},
	"minimal": color.RGBA{R: 170, G: 170, B: 170, A: 255},
	"sdk":     color.RGBA{R: 31, G: 119, B: 180, A: 255},
}

func drawChart(series map[string][]point, out string) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Bearer capture against an in-process server: time per capture\nbackoffice-go %s, %s/%s, drawn with GOMAXPROCS %d",
		backoffice.Version, runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0))
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text = "concurrent goroutines (one shared client)"
	p.Y.Label.Text = "µs per capture (median)"
	p.X.Scale = plot.LogScale{}
	var ticks []plot.Tick
	for c := 1; c <= 128; c *= 2 {
		ticks = append(ticks, plot.Tick{Value: float64(c), Label: fmt.Sprint(c)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.Y.Min = 0
	p.Legend.Top, p.Legend.Left = false, false
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(8), vg.Points(12)
	p.Add(plotter.NewGrid())

	names := make([]string, 0, len(series))
	for name := range series {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		pts := series[name]
		c, ok := style[name]
		if !ok {
			c = color.Black
		}
		wall, cpu := make(plotter.XYs, len(pts)), make(plotter.XYs, 0, len(pts))
		for i, pt := range pts {
			wall[i] = plotter.XY{X: float64(pt.conc), Y: pt.ns / 1e3}
			if pt.cpuNS > 0 {
				cpu = append(cpu, plotter.XY{X: float64(pt.conc), Y: pt.cpuNS / 1e3})
			}
		}
		l, s, err := plotter.NewLinePoints(wall)
		if err != nil {
			return err
		}
		l.Color, s.Color, s.Shape = c, c, draw.CircleGlyph{}
		l.Width = vg.Points(1.5)
		p.Add(l, s)
		p.Legend.Add(name+": wall time / captures", l, s)
		if len(cpu) > 0 {
			l, err := plotter.NewLine(cpu)
			if err != nil {
				return err
			}
			l.Color, l.Dashes = c, []vg.Length{vg.Points(4), vg.Points(3)}
			p.Add(l)
			p.Legend.Add(name+": process CPU time / captures", l)
		}
	}
	return p.Save(10*vg.Inch, 6*vg.Inch, out)
}
