package main

import "runtime/debug"

// startHeapLimit bounds the heap while the collector is paused at start:
// beyond it, it collects anyway (a large --generate, say).
const startHeapLimit = 64 << 20

// pauseGC pauses the garbage collector until the returned function is
// called, and returns that function, which restores GOGC and GOMEMLIMIT.
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
func pauseGC() (resume func()) {
	percent := debug.SetGCPercent(-1)
	limit := debug.SetMemoryLimit(-1) // reads the limit
	debug.SetMemoryLimit(min(limit, startHeapLimit))
	return func() {
		debug.SetMemoryLimit(limit)
		debug.SetGCPercent(percent)
	}
}
