// Package clock provides the virtual clock each tenant of the fake runs on.
//
// A Clock either follows real time (plus an offset) or is frozen at an
// instant. Tests freeze it to get byte-identical timestamps, and advance it
// to make time-driven behaviour (webhook retries) happen without sleeping.
package clock

import (
	"sync"
	"time"
)

// Clock is a settable clock. The zero value is not usable; call New.
// A Clock is safe for concurrent use.
type Clock struct {
	real func() time.Time

	mu     sync.Mutex // guards the fields below
	frozen bool
	// at is the frozen instant; on a running clock, the time it showed
	// when real time was anchor. (A time, not an offset from real time:
	// an offset is a Duration, which overflows past 292 years.)
	at      time.Time
	anchor  time.Time
	changed chan struct{} // closed on the next Set or Advance; nil until asked for
}

// The range a clock shows: what Partnero's timestamps (four-digit years,
// after the Unix epoch) can represent. A running clock stops at the end.
// The bounds are Unix seconds, so that checking a time (every request reads
// the clock) is two integer comparisons, not two calls of time.Date.
const (
	minUnix = 0            // 1970-01-01T00:00:00Z
	maxUnix = 253402300799 // 9999-12-31T23:59:59Z
)

func minTime() time.Time { return time.Unix(minUnix, 0).UTC() }
func maxTime() time.Time { return time.Unix(maxUnix, 0).UTC() }

// Valid reports whether t is in the range a clock can show: from
// 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
func Valid(t time.Time) bool { return !before(t) && !after(t) }

// before reports t.Before(minTime()); after reports t.After(maxTime()).
func before(t time.Time) bool { return t.Unix() < minUnix }
func after(t time.Time) bool {
	u := t.Unix()
	return u > maxUnix || u == maxUnix && t.Nanosecond() > 0
}

func clamp(t time.Time) time.Time {
	switch {
	case before(t):
		return minTime()
	case after(t):
		return maxTime()
	}
	return t
}

// New returns a clock following real (a time source such as time.Now).
// A nil real means time.Now.
func New(real func() time.Time) *Clock {
	if real == nil {
		real = time.Now
	}
	now := real()
	return &Clock{real: real, at: now.UTC(), anchor: now}
}

// NewFrozen returns a clock frozen at t.
func NewFrozen(t time.Time) *Clock {
	c := New(nil)
	c.frozen, c.at = true, clamp(t.UTC())
	return c
}

// Now returns the clock's current time in UTC.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nowLocked()
}

func (c *Clock) nowLocked() time.Time {
	if c.frozen {
		return clamp(c.at)
	}
	return clamp(c.at.Add(c.real().Sub(c.anchor)))
}

// State describes a clock for the control plane.
type State struct {
	// Now is the clock's current time.
	Now time.Time `json:"now"`
	// Frozen reports whether time stands still.
	Frozen bool `json:"frozen"`
}

// State returns the clock's current state.
func (c *Clock) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return State{Now: c.nowLocked(), Frozen: c.frozen}
}

// Freeze stops the clock at its current time.
func (c *Clock) Freeze() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.frozen {
		c.at, c.frozen = c.nowLocked(), true
		c.notifyLocked()
	}
}

// Unfreeze lets the clock run again from its current time.
func (c *Clock) Unfreeze() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		c.at, c.anchor = c.nowLocked(), c.real()
		c.frozen = false
		c.notifyLocked()
	}
}

// FreezeAt stops the clock at exactly t.
func (c *Clock) FreezeAt(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at, c.frozen = clamp(t.UTC()), true
	c.notifyLocked()
}

// Set moves the clock to t, frozen or not (clamped to the range Valid
// accepts; so are FreezeAt and Advance).
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.at, c.anchor = clamp(t.UTC()), c.real()
	c.notifyLocked()
	c.mu.Unlock()
}

// Advance moves the clock forward by d (backward if d is negative).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.at, c.anchor = clamp(c.nowLocked().Add(d)), c.real()
	c.notifyLocked()
	c.mu.Unlock()
}

// Changed returns a channel that is closed the next time the clock is set,
// advanced, frozen or unfrozen. Background work that waits for a virtual deadline selects on it
// together with a real timer.
func (c *Clock) Changed() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.changed == nil {
		c.changed = make(chan struct{})
	}
	return c.changed
}

func (c *Clock) notifyLocked() {
	if c.changed != nil {
		close(c.changed)
		c.changed = nil
	}
}
