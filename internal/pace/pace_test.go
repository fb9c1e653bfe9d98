package pace

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestWaitSpacesOneKeyAndNotOthers(t *testing.T) {
	p := &Pacer{Interval: 50 * time.Millisecond}
	ctx := context.Background()
	var mu sync.Mutex
	var times []time.Time
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.Wait(ctx, "a", time.Time{}); err != nil {
				t.Error(err)
			}
			mu.Lock()
			times = append(times, time.Now())
			mu.Unlock()
		}()
	}
	wg.Wait()
	start := time.Now()
	if err := p.Wait(ctx, "b", time.Time{}); err != nil || time.Since(start) > 40*time.Millisecond {
		t.Errorf("another key waited %v (err %v)", time.Since(start), err)
	}
	first, last := times[0], times[0]
	for _, at := range times {
		if at.Before(first) {
			first = at
		}
		if at.After(last) {
			last = at
		}
	}
	if got := last.Sub(first); got < 2*p.Interval-10*time.Millisecond {
		t.Errorf("three turns of one key took %v, want at least two intervals", got)
	}
}

func TestWaitRefusesATurnAfterTheDeadline(t *testing.T) {
	p := &Pacer{Interval: time.Hour}
	p.Note("a")
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	if err := p.Wait(ctx, "a", time.Time{}); !errors.Is(err, ErrNoTime) {
		t.Fatalf("got %v, want ErrNoTime", err)
	}
	if time.Since(start) > 100*time.Millisecond {
		t.Error("waited instead of refusing at once")
	}
	if err := p.Wait(ctx, "b", time.Now().Add(2*time.Second)); !errors.Is(err, ErrNoTime) {
		t.Errorf("notBefore after the deadline: got %v, want ErrNoTime", err)
	}
}

func TestSweepForgetsOldKeys(t *testing.T) {
	p := &Pacer{Interval: time.Millisecond}
	for i := range 1000 {
		p.Note(fmt.Sprint("old-", i))
	}
	time.Sleep(5 * time.Millisecond)
	for i := range 3000 {
		p.Note(fmt.Sprint("late-", i))
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	old := 0
	for k := range p.last {
		if strings.HasPrefix(k, "old-") {
			old++
		}
	}
	if old != 0 {
		t.Errorf("%d keys older than the interval kept after the map tripled", old)
	}
}
