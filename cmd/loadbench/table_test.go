package main

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestTableShowsHeldForGETOnly(t *testing.T) {
	o, err := parseOptions([]string{"-held"}, io.Discard)
	if err != nil || !o.held {
		t.Fatalf("-held: %+v, %v", o, err)
	}
	l := func(rps float64, p99 time.Duration) load { return load{requests: int64(rps), seconds: 1, p99: p99} }
	results := []result{
		{sc: scenarios[0], fake: []load{l(40000, 2400*time.Microsecond)}, bare: []load{l(64000, 1200*time.Microsecond)},
			linked: []load{l(57600, 1800*time.Microsecond)}, held: []load{l(51200, 2100*time.Microsecond)}, fakeStart: []time.Duration{time.Millisecond}, bareStart: []time.Duration{time.Millisecond}, rss: []int64{1 << 20}},
		{sc: scenarios[2], fake: []load{l(24000, 3*time.Millisecond)}, bare: []load{l(60000, time.Millisecond)},
			fakeStart: []time.Duration{time.Millisecond}, bareStart: []time.Duration{time.Millisecond}, rss: []int64{1 << 20}},
	}
	var out bytes.Buffer
	printTable(&out, results)
	lines := strings.Split(out.String(), "\n")
	for _, want := range []string{
		"| scenario | fake req/s | bare req/s | ratio (median of runs) | fake p99 | bare p99 | linked ratio | linked p99 | held ratio | held p99 |",
		"| `GET /v1/customers/{id}` | 40000 | 64000 | 0.62 | 2.40 ms | 1.20 ms | 0.90 | 1.80 ms | 0.80 | 2.10 ms |",
		"| `POST /v1/customers` | 24000 | 60000 | 0.40 | 3.00 ms | 1.00 ms | | | | |",
	} {
		if !slices.Contains(lines, want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}
