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

// Three waiters for one key take turns at least an Interval apart; a
// waiter for another key takes its turn at once. Turns are read from what
// the Pacer recorded (the last turn's time), not from when each Wait
// returned: a goroutine may run late after its turn under load, which once
// made three turns 100 ms apart look like 67 ms.
func TestWaitSpacesOneKeyAndNotOthers(t *testing.T) {
	p := &Pacer{Interval: 50 * time.Millisecond}
	ctx := context.Background()
	start := time.Now() // no turn can come before it
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.Wait(ctx, "a", time.Time{}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	p.mu.Lock()
	last := p.last["a"]
	p.mu.Unlock()
	if got := last.Sub(start); got < 2*p.Interval {
		t.Errorf("the third turn of one key came %v after the start, want at least two intervals", got)
	}
	if at, ok := p.take(ctx, "b", time.Time{}); !ok || !at.IsZero() {
		t.Errorf("another key must take its turn at once; it was given %v (ok %v)", at, ok)
	}
}

func TestWaitRefusesATurnAfterTheDeadline(t *testing.T) {
	p := &Pacer{Interval: time.Hour}
	p.Note("a")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	if err := p.Wait(ctx, "a", time.Time{}); !errors.Is(err, ErrNoTime) {
		t.Fatalf("got %v, want ErrNoTime", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Error("waited instead of refusing at once")
	}
	if err := p.Wait(ctx, "b", time.Now().Add(2*time.Minute)); !errors.Is(err, ErrNoTime) {
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
