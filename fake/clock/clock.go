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

	mu      sync.Mutex // guards the fields below
	frozen  bool
	at      time.Time     // the frozen instant, when frozen
	offset  time.Duration // added to real time, when not frozen
	changed chan struct{} // closed on the next Set or Advance; nil until asked for
}

// New returns a clock following real (a time source such as time.Now).
// A nil real means time.Now.
func New(real func() time.Time) *Clock {
	if real == nil {
		real = time.Now
	}
	return &Clock{real: real}
}

// NewFrozen returns a clock frozen at t.
func NewFrozen(t time.Time) *Clock {
	c := New(nil)
	c.frozen, c.at = true, t.UTC()
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
		return c.at
	}
	return c.real().Add(c.offset).UTC()
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
		c.offset = c.at.Sub(c.real())
		c.frozen = false
		c.notifyLocked()
	}
}

// FreezeAt stops the clock at exactly t.
func (c *Clock) FreezeAt(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at, c.frozen = t.UTC(), true
	c.notifyLocked()
}

// Set moves the clock to t, frozen or not.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	if c.frozen {
		c.at = t.UTC()
	} else {
		c.offset = t.Sub(c.real())
	}
	c.notifyLocked()
	c.mu.Unlock()
}

// Advance moves the clock forward by d (backward if d is negative).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	if c.frozen {
		c.at = c.at.Add(d)
	} else {
		c.offset += d
	}
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
