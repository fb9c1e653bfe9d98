// Package pace spaces look-ups of one id, as the gateway's per-id
// throttling requires (about two look-ups a minute per payment id and per
// merchantTransactionId).
package pace

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrNoTime reports a look-up whose turn comes after the context's
// deadline: nothing was sent.
var ErrNoTime = errors.New("the next look-up this id may have comes after the context's deadline")

// Pacer hands out look-up times per key, at least Interval apart. It is
// safe for concurrent use; its memory is bounded by the keys looked up in
// the last Interval.
type Pacer struct {
	Interval time.Duration

	mu    sync.Mutex
	last  map[string]time.Time // when each key was last looked up (or will be)
	swept int                  // len(last) after the last sweep
}

// Wait waits for the first time, not before notBefore, that is at least
// Interval after the key's previous look-up, and records the look-up as
// made then. Waiters for one key take turns: each wakes, and goes back to
// waiting if another took the turn first. It returns ErrNoTime at once
// when the turn falls after ctx's deadline, and ctx's error when ctx ends
// while waiting; neither records a look-up.
func (p *Pacer) Wait(ctx context.Context, key string, notBefore time.Time) error {
	for {
		at, ok := p.take(ctx, key, notBefore)
		if !ok {
			return ErrNoTime
		}
		if at.IsZero() {
			return ctx.Err() // taken now
		}
		t := time.NewTimer(time.Until(at))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// take records a look-up of key now and returns the zero time when its
// turn has come; otherwise it returns when the turn comes, and false when
// that is after ctx's deadline.
func (p *Pacer) take(ctx context.Context, key string, notBefore time.Time) (time.Time, bool) {
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last == nil {
		p.last = map[string]time.Time{}
	}
	at := now
	if notBefore.After(at) {
		at = notBefore
	}
	if prev, ok := p.last[key]; ok && prev.Add(p.Interval).After(at) {
		at = prev.Add(p.Interval)
	}
	if deadline, ok := ctx.Deadline(); ok && at.After(deadline) {
		return time.Time{}, false
	}
	if at.After(now) {
		return at, true
	}
	p.last[key] = now
	p.sweep(now)
	return time.Time{}, true
}

// Note records a look-up of key made now by someone else (a caller's own
// read), so that the SDK's next one keeps its distance.
func (p *Pacer) Note(key string) {
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last == nil {
		p.last = map[string]time.Time{}
	}
	if now.After(p.last[key]) {
		p.last[key] = now
	}
	p.sweep(now)
}

// sweep forgets keys whose last look-up is more than Interval ago, once
// the map has doubled since the last sweep: amortized O(1) per call.
func (p *Pacer) sweep(now time.Time) {
	if len(p.last) < 2*max(p.swept, 64) {
		return
	}
	for k, at := range p.last {
		if at.Add(p.Interval).Before(now) {
			delete(p.last, k)
		}
	}
	p.swept = len(p.last)
}
