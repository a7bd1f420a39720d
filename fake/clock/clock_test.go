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

// TestBounds holds the Unix-second bounds to the dates they stand for,
// at and around both ends.
func TestBounds(t *testing.T) {
	lo := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	hi := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	if !minTime().Equal(lo) || !maxTime().Equal(hi) {
		t.Fatalf("bounds %v, %v; want %v, %v", minTime(), maxTime(), lo, hi)
	}
	for _, tm := range []time.Time{
		lo, lo.Add(-time.Nanosecond), lo.Add(time.Nanosecond), lo.Add(-time.Second),
		hi, hi.Add(time.Nanosecond), hi.Add(-time.Nanosecond), hi.Add(time.Second),
		time.Date(2025, 5, 9, 17, 42, 13, 5, time.UTC), time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC), lo.In(time.FixedZone("x", 3600)).Add(-time.Minute),
	} {
		if got, want := Valid(tm), !tm.Before(lo) && !tm.After(hi); got != want {
			t.Errorf("Valid(%v) = %v, want %v", tm, got, want)
		}
		want := tm
		if tm.Before(lo) {
			want = lo
		} else if tm.After(hi) {
			want = hi
		}
		if got := clamp(tm); !got.Equal(want) {
			t.Errorf("clamp(%v) = %v, want %v", tm, got, want)
		}
	}
}
