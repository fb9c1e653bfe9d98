package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progressConfig says where and how often progress goes.
type progressConfig struct {
	Out      io.Writer
	TTY      bool          // a live line redrawn in place
	Interval time.Duration // between plain lines when not a terminal
}

// isTerminal reports whether f is a character device (a terminal), with
// no dependency: that is all the choice between a live line and plain
// lines needs.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// startProgress shows the job's progress until the returned func is
// called, which prints the final line.
func startProgress(j *Job, pc *progressConfig) func() {
	if pc == nil || pc.Out == nil {
		return func() {}
	}
	every := pc.Interval
	if pc.TTY {
		every = 200 * time.Millisecond
	}
	if every <= 0 {
		every = 5 * time.Second
	}
	start := time.Now()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				line := j.progressLine(time.Since(start), pc.TTY)
				if pc.TTY {
					fmt.Fprintf(pc.Out, "\r%s\x1b[K", line)
				} else {
					fmt.Fprintln(pc.Out, line)
				}
			}
		}
	}()
	return func() {
		close(stop)
		wg.Wait()
		line := j.progressLine(time.Since(start), pc.TTY)
		if pc.TTY {
			fmt.Fprintf(pc.Out, "\r%s\x1b[K\n", line)
		} else {
			fmt.Fprintln(pc.Out, line)
		}
	}
}

// progressLine is one line: a bar (on a terminal), rows settled by this
// run out of those it set out to settle, counts per state, rate and ETA.
func (j *Job) progressLine(elapsed time.Duration, bar bool) string {
	j.mu.Lock()
	done, todo := j.done, j.todo
	c := make(map[string]int, len(j.counts))
	for k, v := range j.counts {
		c[k] = v
	}
	j.mu.Unlock()
	var b strings.Builder
	if bar {
		const width = 24
		fill := 0
		if todo > 0 {
			fill = min(width, done*width/todo)
		}
		b.WriteString("[" + strings.Repeat("#", fill) + strings.Repeat(".", width-fill) + "] ")
	}
	fmt.Fprintf(&b, "%d/%d", done, todo)
	for _, s := range allStates {
		if n := c[s]; n > 0 {
			fmt.Fprintf(&b, " %s %d", s, n)
		}
	}
	rate := 0.0
	if secs := elapsed.Seconds(); secs > 0 {
		rate = float64(done) / secs
	}
	fmt.Fprintf(&b, " | %.1f rows/s", rate)
	if rate > 0 && todo > done {
		eta := time.Duration(float64(todo-done) / rate * float64(time.Second)).Round(time.Second)
		fmt.Fprintf(&b, " | ETA %s", eta)
	}
	fmt.Fprintf(&b, " | %s", elapsed.Round(100*time.Millisecond))
	return b.String()
}
