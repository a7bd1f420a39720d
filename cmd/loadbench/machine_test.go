package main

import (
	"io"
	"testing"
	"time"
)

// A /proc/interrupts of a 2-CPU virtual machine, abridged.
const interruptsSample = `           CPU0       CPU1       
  0:         44          0   IO-APIC   2-edge      timer
 24:     123456       7890   PCI-MSIX-0000:00:04.0    0-edge      virtio0-input.0
NMI:          0          0   Non-maskable interrupts
LOC:   98765432   87654321   Local timer interrupts
RES:    3637502    9857201   Rescheduling interrupts
CAL:    4675101   38382079   Function call interrupts
TLB:      11111      22222   TLB shootdowns
ERR:          0
MIS:          0
`

func TestParseWakeups(t *testing.T) {
	for _, c := range []struct {
		cpu  int
		want int64
	}{
		{0, 3637502 + 4675101},
		{1, 9857201 + 38382079},
	} {
		got, err := parseWakeups(interruptsSample, c.cpu)
		if err != nil || got != c.want {
			t.Errorf("CPU %d: %d, %v; want %d (RES + CAL, not TLB or LOC)", c.cpu, got, err, c.want)
		}
	}
	if _, err := parseWakeups(interruptsSample, 2); err == nil {
		t.Error("CPU 2 of a 2-CPU machine: no error")
	}
	if _, err := parseWakeups("           CPU0\n  0:  44  IO-APIC timer\n", 0); err == nil {
		t.Error("no RES or CAL line: no error")
	}
}

func TestWakeupsPerRequest(t *testing.T) {
	if got := (load{requests: 200, wakeups: 50}).wakeupsPerRequest(); got != 0.25 {
		t.Errorf("50 wake-ups over 200 requests: %v", got)
	}
	if got := (load{requests: 200, wakeups: -1}).wakeupsPerRequest(); got != -1 {
		t.Errorf("unknown wake-ups: %v, want -1", got)
	}
	// One unknown slice makes the sum unknown.
	if s := sum([]load{{requests: 10, wakeups: 3}, {requests: 10, wakeups: -1}}); s.wakeups != -1 {
		t.Errorf("sum with an unknown slice: %d wake-ups, want -1", s.wakeups)
	}
	if s := sum([]load{{requests: 10, wakeups: 3}, {requests: 10, wakeups: 4}}); s.wakeups != 7 {
		t.Errorf("sum: %d wake-ups, want 7", s.wakeups)
	}
}

func TestHaltPollOption(t *testing.T) {
	o, err := parseOptions(nil, io.Discard)
	if err != nil || o.haltPoll != -1 {
		t.Fatalf("default: %v, %v; want -1 (leave the machine's setting)", o.haltPoll, err)
	}
	o, err = parseOptions([]string{"-halt-poll", "200us"}, io.Discard)
	if err != nil || o.haltPoll != 200*time.Microsecond {
		t.Errorf("-halt-poll 200us: %v, %v", o.haltPoll, err)
	}
	if _, err := parseOptions([]string{"-halt-poll", "2s"}, io.Discard); err == nil {
		t.Error("-halt-poll 2s: no error")
	}
}
