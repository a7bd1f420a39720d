package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

// TestGCPercent: --gc-percent wins, then GOGC, then the default with the
// heap floor; and resuming the paused collector applies it.
func TestGCPercent(t *testing.T) {
	for _, c := range []struct {
		flag  int
		gogc  string
		want  int
		floor bool
	}{{0, "", defaultGCPercent, true}, {0, "50", 0, false}, {150, "50", 150, false}, {200, "", 200, false}, {-1, "", -1, false}} {
		got, floor := gcTarget(c.flag, func(k string) string {
			if k == "GOGC" {
				return c.gogc
			}
			return ""
		})
		if got != c.want || floor != c.floor {
			t.Errorf("--gc-percent %d, GOGC %q: %d, floor %v; want %d, %v", c.flag, c.gogc, got, floor, c.want, c.floor)
		}
	}
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, c := range []struct{ percent, want int }{{0, 100}, {defaultGCPercent, defaultGCPercent}} {
		debug.SetGCPercent(100)
		resume := pauseGC()
		if paused := debug.SetGCPercent(-1); paused != -1 {
			t.Errorf("paused: GC percent %d", paused)
		}
		resume(c.percent)
		if got := debug.SetGCPercent(100); got != c.want {
			t.Errorf("resume(%d): GC percent %d, want %d", c.percent, got, c.want)
		}
	}
}

// TestHeapFloorPercent: the target makes the heap goal minHeapGoal while
// the live heap is small, and is the default once it is a third of that.
func TestHeapFloorPercent(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, floorPercent}, {1, floorPercent}, {2 << 20, floorPercent}, {3 << 20, 300},
		{7 << 19, 242}, {minHeapGoal / 3, defaultGCPercent}, {1 << 30, defaultGCPercent},
	} {
		if got := heapFloorPercent(c.live); got != c.want {
			t.Errorf("live %d: %d, want %d", c.live, got, c.want)
		}
	}
	// Go's own minimum goal at floorPercent is minHeapGoal, so that a live
	// heap under its share still collects at minHeapGoal, not beyond.
	if goMin := 4 << 20 * floorPercent / 100; goMin != minHeapGoal {
		t.Errorf("Go's minimum heap goal at %d: %d, want minHeapGoal %d", floorPercent, goMin, minHeapGoal)
	}
}

// TestKeepHeapFloor: after a collection the target follows the live heap
// (the floor's while it is small, the default once it is large), and stops
// following it once stopped.
func TestKeepHeapFloor(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	stop := keepHeapFloor()
	defer stop()
	waitPercent(t, floorPercent)
	big := make([]byte, 2*minHeapGoal) // live, and a third of minHeapGoal or more
	waitPercent(t, defaultGCPercent)
	runtime.KeepAlive(big)
	big = nil
	waitPercent(t, floorPercent)
	stop()
	debug.SetGCPercent(100)
	runtime.GC()
	runtime.GC()
	if got := gogc(); got != 100 {
		t.Errorf("stopped: GC percent %d, want 100", got)
	}
}

// waitPercent collects until the collector's target is want, for at most
// ten seconds: the floor is set by a cleanup, which runs after a collection.
func waitPercent(t *testing.T, want int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		runtime.GC()
		if gogc() == want {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("GC percent %d, want %d", gogc(), want)
}

// gogc reads the collector's target.
func gogc() int {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return int(s[0].Value.Uint64())
}
