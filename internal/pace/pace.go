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

// Wait reserves the first time, not before notBefore and at least
// Interval after the key's previous look-up, and waits for it. It returns
// ErrNoTime at once, reserving nothing, when that time falls after ctx's
// deadline, and ctx's error when ctx ends while waiting (the reservation
// then stands, which errs towards slower).
func (p *Pacer) Wait(ctx context.Context, key string, notBefore time.Time) error {
	at, ok := p.reserve(ctx, key, notBefore)
	if !ok {
		return ErrNoTime
	}
	d := time.Until(at)
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
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

func (p *Pacer) reserve(ctx context.Context, key string, notBefore time.Time) (time.Time, bool) {
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
	p.last[key] = at
	p.sweep(now)
	return at, true
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
