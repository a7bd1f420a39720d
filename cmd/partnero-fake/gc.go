package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// startHeapLimit bounds the heap while the collector is paused at start:
// beyond it, it collects anyway (a large --generate, say).
const startHeapLimit = 64 << 20

// defaultGCPercent is the garbage collector's target the command runs with
// when neither --gc-percent nor GOGC says otherwise. A fake's live heap is
// small (a few MiB with the demo fixtures), so at Go's default of 100 it
// collects many times a second under load: 200 takes about a tenth off the
// CPU time of a request for a few MiB more memory (cmd/loadbench/RESULTS.md, The garbage collector).
const defaultGCPercent = 200

// minHeapGoal is the heap the collector lets grow to before it collects,
// at the default target, while the live heap is under a third of it: at
// 200 alone the goal of the demo fixtures' 2.4 MB is Go's minimum of 8 MiB,
// and collections come about 20 times a second under a GET load, each a
// burst of late answers (cmd/loadbench/RESULTS.md). A larger live heap gets the
// default target alone, so that a big store keeps to three times its
// size. It is Go's own minimum goal at floorPercent: 4 MiB times 3.
const minHeapGoal = 12 << 20

// floorPercent is the highest target the heap floor sets.
const floorPercent = 300

// gcTarget is the target --gc-percent asks for: the flag when given (-1
// turns the collector off, as GOGC=off does), else 0 (keep GOGC's) when GOGC
// is set, else defaultGCPercent with the heap floor (keepHeapFloor).
func gcTarget(flag int, getenv func(string) string) (percent int, floor bool) {
	switch {
	case flag != 0:
		return flag, false
	case getenv("GOGC") != "":
		return 0, false
	}
	return defaultGCPercent, true
}

// pauseGC pauses the garbage collector until the returned function is
// called, and returns that function, which restores GOMEMLIMIT and sets
// the collector's target to percent (0: the target GOGC gave).
//
// The process starts with about 2.5 MB of garbage (package initialisation,
// mostly kin-openapi's JSON Schema dependency compiling its meta-schemas),
// so that building the contract and loading the fixtures crosses the
// collector's first 4 MB goal: that collection, during start, costs more
// than the rest of main (1.5-2 ms of about 4). main resumes the collector
// once the server is listening; the collection then runs in the
// background, with about 1 MB live (a client that sends its first request
// at once still meets it). Only main calls it: it sets process-wide
// runtime settings, which run's tests must not change.
func pauseGC() (resume func(percent int)) {
	saved := debug.SetGCPercent(-1)
	limit := debug.SetMemoryLimit(-1) // reads the limit
	debug.SetMemoryLimit(min(limit, startHeapLimit))
	return func(percent int) {
		debug.SetMemoryLimit(limit)
		if percent == 0 {
			percent = saved
		}
		debug.SetGCPercent(percent)
	}
}

// heapFloorPercent is the target that makes the heap goal of a live heap
// of live bytes minHeapGoal, between defaultGCPercent and floorPercent.
func heapFloorPercent(live uint64) int {
	if live == 0 {
		return floorPercent
	}
	p := int(min(minHeapGoal*100/live, 100+floorPercent)) - 100
	return max(defaultGCPercent, p)
}

// keepHeapFloor sets the collector's target after every collection to
// heapFloorPercent of the heap it found live, until stop is called (main
// never does). Like pauseGC it sets a process-wide setting: only main and
// its own test call it.
func keepHeapFloor() (stop func()) {
	var stopped atomic.Bool
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	current := -1
	var arm func()
	arm = func() {
		// A cleanup runs once the collector has found its object dead:
		// after each collection, as each one arms the next.
		runtime.AddCleanup(new(gcTick), func(struct{}) {
			if stopped.Load() {
				return
			}
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 {
				if p := heapFloorPercent(sample[0].Value.Uint64()); p != current {
					debug.SetGCPercent(p)
					current = p
				}
			}
			arm()
		}, struct{}{})
	}
	arm()
	return func() { stopped.Store(true) }
}

// gcTick is the object whose cleanup tells keepHeapFloor of a collection.
// It holds a pointer so that it is not batched with other tiny objects,
// whose cleanups may wait for all of them.
type gcTick struct{ _ *byte }
