package main

import "runtime/debug"

// startHeapLimit bounds the heap while the collector is paused at start:
// beyond it, it collects anyway (a large --generate, say).
const startHeapLimit = 64 << 20

// defaultGCPercent is the garbage collector's target the command runs with
// when neither --gc-percent nor GOGC says otherwise. A fake's live heap is
// small (a few MiB with the demo fixtures), so at Go's default of 100 it
// collects many times a second under load: 200 takes about a tenth off the
// CPU time of a request for a few MiB more memory (README, Performance).
const defaultGCPercent = 200

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

// gcPercent is the target --gc-percent asks for: the flag when given (-1
// turns the collector off, as GOGC=off does), else 0 (keep GOGC's) when GOGC
// is set, else defaultGCPercent.
func gcPercent(flag int, getenv func(string) string) int {
	switch {
	case flag != 0:
		return flag
	case getenv("GOGC") != "":
		return 0
	}
	return defaultGCPercent
}
