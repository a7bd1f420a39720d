package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// machine describes the host: CPU model and count.
func machine() string {
	model := runtime.GOARCH
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d CPUs, %s", model, runtime.NumCPU(), runtime.Version())
}

// A server's answer to a load generator whose CPU sleeps wakes that CPU,
// and the kernel of the sending CPU pays for it: on a virtual machine an
// inter-processor interrupt (IPI) costs the sender about 10 µs of system
// time. A slower server finds the generator asleep more often, so the
// wake-ups weigh on its ratio more than on bare's. A guest kernel that
// polls a while before halting (cpuidle-haltpoll with guest_halt_poll_ns
// above 0; the kernel's default is 200 µs) is woken without an IPI.

// haltPollFile is cpuidle-haltpoll's polling window, in nanoseconds.
const haltPollFile = "/sys/module/haltpoll/parameters/guest_halt_poll_ns"

// interruptsFile lists the interrupts each CPU received.
const interruptsFile = "/proc/interrupts"

// idleSetup describes how the machine's CPUs idle, for the run's header:
// the cpuidle driver and governor, and haltpoll's window when it is in use.
func idleSetup() string {
	read := func(p string) string {
		b, err := os.ReadFile(p)
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(b))
	}
	driver := read("/sys/devices/system/cpu/cpuidle/current_driver")
	if driver == "" {
		return "CPU idle: unknown"
	}
	s := "CPU idle: driver " + driver
	if g := read("/sys/devices/system/cpu/cpuidle/current_governor_ro"); g != "" {
		s += ", governor " + g
	}
	if ns := read(haltPollFile); ns != "" && driver == "haltpoll" {
		s += ", guest_halt_poll_ns " + ns
		if ns == "0" {
			s += " (an idle CPU halts at once: every wake-up of the load generator is an IPI; see -halt-poll)"
		}
	}
	return s
}

// setHaltPoll sets haltpoll's polling window to d and returns a function
// that puts the previous value back. It needs the haltpoll driver and the
// right to write its parameter (root).
func setHaltPoll(d time.Duration) (restore func() error, err error) {
	old, err := os.ReadFile(haltPollFile)
	if err != nil {
		return nil, fmt.Errorf("-halt-poll: no cpuidle-haltpoll on this machine: %w", err)
	}
	write := func(v string) error { return os.WriteFile(haltPollFile, []byte(v), 0o644) }
	if err := write(strconv.FormatInt(d.Nanoseconds(), 10)); err != nil {
		return nil, fmt.Errorf("-halt-poll: %w", err)
	}
	prev := strings.TrimSpace(string(old))
	return func() error { return write(prev) }, nil
}

// wakeups returns the inter-processor interrupts CPU cpu received so far
// (rescheduling and function-call interrupts, which wake a sleeping CPU),
// from /proc/interrupts; ok is false where it cannot tell.
func wakeups(cpu int) (n int64, ok bool) {
	data, err := os.ReadFile(interruptsFile)
	if err != nil {
		return 0, false
	}
	n, err = parseWakeups(string(data), cpu)
	return n, err == nil
}

// parseWakeups sums the RES and CAL counts of column cpu in the text of
// /proc/interrupts.
func parseWakeups(text string, cpu int) (int64, error) {
	lines := strings.Split(text, "\n")
	if len(lines) == 0 || cpu < 0 || cpu >= len(strings.Fields(lines[0])) {
		return 0, errors.New("no such CPU column")
	}
	var sum int64
	found := 0
	for _, line := range lines[1:] {
		f := strings.Fields(line)
		if len(f) < cpu+2 || (f[0] != "RES:" && f[0] != "CAL:") {
			continue
		}
		v, err := strconv.ParseInt(f[cpu+1], 10, 64)
		if err != nil {
			return 0, err
		}
		sum += v
		found++
	}
	if found == 0 {
		return 0, errors.New("no RES or CAL line")
	}
	return sum, nil
}
