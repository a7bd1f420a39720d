package main

import "runtime/debug"

// defaultGCPercent is the garbage collector's target the command runs with
// when neither --gc-percent nor GOGC says otherwise. A fake's live heap is
// small (a few MiB with the demo fixtures), so at Go's default of 100 it
// collects many times a second under load: 200 takes a tenth off the CPU
// time of a request for about 4 MiB more memory (README, Performance).
const defaultGCPercent = 200

// tuneGC applies --gc-percent: 0 (the default) means GOGC from the
// environment when it is set, else defaultGCPercent; -1 turns the
// collector off, as GOGC=off does.
func tuneGC(percent int, getenv func(string) string) {
	switch {
	case percent != 0:
		debug.SetGCPercent(percent)
	case getenv("GOGC") == "":
		debug.SetGCPercent(defaultGCPercent)
	}
}
