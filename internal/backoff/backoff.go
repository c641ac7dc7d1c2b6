// Package backoff owns followupd's one retry policy shape: a delay that
// starts at Min, doubles with each failure up to Max, and may be jittered
// down by a fraction so that retries of many loops do not line up. Every
// retry loop and every retry time written to the store uses it; Sleep waits
// out a delay and stops when the context ends.
package backoff

import (
	"context"
	"math/rand/v2"
	"time"
)

// Policy is a capped exponential delay.
type Policy struct {
	// Min is the first delay. Max caps every delay; zero means no cap.
	Min, Max time.Duration
	// Jitter, from 0 to 1, is the largest share of a delay taken off at
	// random: 0.5 draws each delay from the upper half of its step.
	Jitter float64
}

// Step is the nth delay without jitter (n counts from 1): Min doubled n-1
// times, capped at Max. n < 1 is taken as 1.
func (p Policy) Step(n int) time.Duration {
	w := p.Min
	for ; n > 1 && (p.Max == 0 || w < p.Max) && w < time.Duration(1<<62); n-- {
		w *= 2
	}
	if p.Max > 0 {
		w = min(w, p.Max)
	}
	return w
}

// Delay is the nth delay: Step(n) less a random part of up to Jitter of
// it.
func (p Policy) Delay(n int) time.Duration {
	w := p.Step(n)
	j := min(max(p.Jitter, 0), 1)
	if j == 0 || w <= 0 {
		return w
	}
	return w - rand.N(time.Duration(float64(w)*j)+1)
}

// Backoff counts the failures of one loop: Next is the delay after each
// failure in turn, Reset starts over (after a run that went well).
type Backoff struct {
	Policy
	n int
}

// Next counts a failure and returns the delay before the next try.
func (b *Backoff) Next() time.Duration {
	b.n++
	return b.Delay(b.n)
}

// Reset forgets the failures counted so far.
func (b *Backoff) Reset() { b.n = 0 }

// Sleep waits d, or until ctx ends; it reports whether d passed.
func Sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
