//go:build unix

package fake

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user and system) the process has used so
// far: on a shared machine it moves less with other jobs than wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
