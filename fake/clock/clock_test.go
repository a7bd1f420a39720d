package clock

import (
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	real := base
	c := New(func() time.Time { return real })
	real = real.Add(time.Minute)
	if got := c.Now(); !got.Equal(base.Add(time.Minute)) {
		t.Errorf("Now = %v", got)
	}
	ch := c.Changed()
	c.Advance(time.Hour)
	select {
	case <-ch:
	default:
		t.Error("Changed not closed by Advance")
	}
	if got := c.Now(); !got.Equal(base.Add(61 * time.Minute)) {
		t.Errorf("after Advance: %v", got)
	}
	c.Freeze()
	real = real.Add(time.Hour)
	if got := c.Now(); !got.Equal(base.Add(61*time.Minute)) || !c.State().Frozen {
		t.Errorf("frozen clock moved: %v", got)
	}
	c.Set(base)
	c.Unfreeze()
	real = real.Add(time.Second)
	if got := c.Now(); !got.Equal(base.Add(time.Second)) {
		t.Errorf("unfrozen from base: %v", got)
	}
	if a, b := c.Changed(), c.Changed(); a != b {
		t.Error("Changed returns a new channel per call")
	}
	if f := NewFrozen(base); !f.Now().Equal(base) {
		t.Error("NewFrozen")
	}
}
