package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partnero-fake/partnero-fake/fixtures"
)

// BenchmarkStartToFirst200 measures the process start of issue 13: from
// exec of the built partnero-fake binary (default flags but --addr, demo
// fixtures) to the first 200 answer of GET /v1/customers/demo-ben on
// 127.0.0.1. Target: ≤ 20 ms. Every iteration is one start; it reports the
// median, fastest and slowest start (a mean would be dominated by the
// outliers of a shared machine).
//
// Sub-benchmarks: "2cpu" runs the binary as a user does, "1cpu" pinned to
// one CPU with taskset (GOMAXPROCS=1 without it), as cmd/loadbench does.
//
// PARTNERO_FAKE_START_BASELINE=/path/to/other/binary adds a "baseline" run
// of that binary before each run of the current one, alternating, so that a
// before/after comparison on a noisy machine sees the same noise:
//
//	go build -o /tmp/before ./cmd/partnero-fake   # on the old commit
//	PARTNERO_FAKE_START_BASELINE=/tmp/before go test -run '^$' \
//	    -bench StartToFirst200 -benchtime 60x ./cmd/partnero-fake
func BenchmarkStartToFirst200(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "partnero-fake")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	baseline := os.Getenv("PARTNERO_FAKE_START_BASELINE")
	taskset, _ := exec.LookPath("taskset")
	for _, cpus := range []string{"2cpu", "1cpu"} {
		b.Run(cpus, func(b *testing.B) {
			var cur, base []time.Duration
			for b.Loop() {
				if baseline != "" {
					base = append(base, startOnce(b, baseline, cpus == "1cpu", taskset))
				}
				cur = append(cur, startOnce(b, bin, cpus == "1cpu", taskset))
			}
			report(b, "", cur)
			if baseline != "" {
				report(b, "baseline-", base)
			}
		})
	}
}

// report adds the median, fastest and slowest of ds as metrics.
func report(b *testing.B, prefix string, ds []time.Duration) {
	slices.Sort(ds)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(ds[len(ds)/2]), prefix+"ms-median")
	b.ReportMetric(ms(ds[0]), prefix+"ms-min")
	b.ReportMetric(ms(ds[len(ds)-1]), prefix+"ms-max")
	b.ReportMetric(0, "ns/op") // the time of an iteration includes stopping the process
}

// startOnce starts bin and returns the time from exec to the first 200.
func startOnce(b *testing.B, bin string, oneCPU bool, taskset string) time.Duration {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var cmd *exec.Cmd
	switch {
	case oneCPU && taskset != "":
		cmd = exec.Command(taskset, "-c", "0", bin, "--addr", addr)
	case oneCPU:
		cmd = exec.Command(bin, "--addr", addr)
		cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	default:
		cmd = exec.Command(bin, "--addr", addr)
	}
	var log strings.Builder
	cmd.Stdout, cmd.Stderr = io.Discard, &log
	client := &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	req, err := http.NewRequestWithContext(context.Background(), "GET", "http://"+addr+"/v1/customers/demo-ben", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+fixtures.DemoAPIKey)
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	for deadline := t0.Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Microsecond) {
		resp, err := client.Do(req)
		if err != nil {
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return time.Since(t0)
		}
		b.Fatalf("%s: %s", bin, resp.Status)
	}
	b.Fatal(fmt.Errorf("%s did not answer 200 within 10 s: %s", bin, log.String()))
	return 0
}
