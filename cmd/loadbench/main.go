// Command loadbench measures partnero-fake against a bare net/http handler
// serving the same bytes, side by side in one run, and prints a table of
// req/s, the ratio to bare (the figure that matters: absolute numbers vary
// by machine) and p99 latency.
//
// Usage, from the repository root:
//
//	go run ./cmd/loadbench                    # every scenario, 3 runs of 5 s each
//	go run ./cmd/loadbench -runs 1 -d 3s -only get
//	go run ./cmd/loadbench -baseline /tmp/partnero-fake-main   # before/after, same sitting
//	go run ./cmd/loadbench -spin              # a generator that never sleeps (see below)
//	go run ./cmd/loadbench -held -only get    # and bare handlers carrying the fake's heap (see below)
//
// It builds cmd/partnero-fake, then for each scenario and run starts the
// fake (default flags, or --strict) and a bare server as child processes on
// 127.0.0.1, and loads them in alternating 1-second slices (fake, bare,
// bare, fake, ...) with 32 connections, so that both see the same
// background noise; p99 is the median of the slices' p99. With wrk on the
// PATH it uses wrk (-t1, a Lua script that gives every POST a unique key);
// otherwise its own Go load generator, in a child process with
// GOMAXPROCS=1. With taskset on the PATH, servers run pinned to one CPU
// (-server-cpu) and the load generator to another (-client-cpu), so the
// generator's cost stays off the server's core; without taskset, servers
// run with GOMAXPROCS=1.
//
// Scenarios: GET /v1/customers/{id} of a demo customer (default flags and
// --strict), POST /v1/customers and POST /v1/transactions for a referred
// demo customer (so every sale grants a reward). The bare handler reads the
// request body and writes the response the fake gave to the same request
// (same Content-Type and bytes). It also reports, per scenario, each
// server's CPU time per request (Linux), the time from starting the
// process to its first 200 for both servers, and the fake's resident memory
// after the load.
//
// It counts the inter-processor interrupts the load generator's CPU gets
// per request (/proc/interrupts, when pinned): waking a sleeping CPU costs
// the server's kernel time, and the slower server wakes it more often (see
// machine.go). Two ways keep that cost off the servers: -spin uses this
// binary's spinning generator, which polls non-blocking sockets and never
// sleeps (Linux), and -halt-poll sets cpuidle-haltpoll's polling window for
// the run (root), so that a waiting generator is woken without one.
//
// The bare server runs in this binary, which links nothing but the standard
// library (package bare): a process linked with the fake's packages would
// carry the data they build at start, and bare's p99 would pay for it.
//
// -held adds two controls to the GET scenarios (cmd/loadbench/held, built
// at start): the bare handler in a process linked with the fake's packages,
// allocating per request the bytes and objects the fake's handler
// allocates beyond bare's for the same request (measured once at start),
// at the fake's collector target. "linked" holds nothing else: between it
// and bare is what the data the fake's dependencies build at start costs.
// "held" also holds a partnero-fake server (demo fixtures, warmed up, its
// journal full): its handler's code is bare's and its collector has the
// fake's work, so how far its p99 is from bare's is what the fake's memory
// costs the tail, and the rest of the fake's is its code.
//
// Traffic goes only to 127.0.0.1; every load is bounded in time (at most
// 10 s) and the whole run stops by itself.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "serve-bare":
			exit(serveBare(os.Args[2:]))
		case "generate":
			exit(generate(os.Args[2:], os.Stdout))
		case "spin":
			exit(spinCommand(os.Args[2:], os.Stdout))
		}
	}
	exit(run(os.Args[1:], os.Stdout))
}

// exit ends the process: 0 when err is nil, else 1 after printing err.
func exit(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// options are the command line of a benchmark run.
type options struct {
	duration   time.Duration
	conns      int
	runs       int
	only       []string
	serverCPU  string
	clientCPU  string
	forceGo    bool
	spin       bool
	fakeBinary string
	baseline   string
	held       bool
	heldBinary string        // the -held control, built from cmd/loadbench/held
	haltPoll   time.Duration // cpuidle-haltpoll's window for the run; -1: leave it
}

func parseOptions(args []string, out io.Writer) (options, error) {
	var o options
	var only string
	fs := flag.NewFlagSet("loadbench", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.DurationVar(&o.duration, "d", 5*time.Second, "duration of each load (at most 10s)")
	fs.IntVar(&o.conns, "c", 32, "connections")
	fs.IntVar(&o.runs, "runs", 3, "runs per scenario; the table shows medians (at most 9)")
	fs.StringVar(&only, "only", "", "comma list of scenarios to run ("+strings.Join(scenarioNames(), ", ")+"); default all")
	fs.StringVar(&o.serverCPU, "server-cpu", "0", "CPU the servers are pinned to (taskset -c)")
	fs.StringVar(&o.clientCPU, "client-cpu", "1", "CPU the load generator is pinned to (taskset -c)")
	fs.BoolVar(&o.forceGo, "go", false, "use the Go load generator even when wrk is installed")
	fs.BoolVar(&o.spin, "spin", false, "use the spinning load generator (Linux): it polls its sockets and never sleeps, so no answer has to wake its CPU")
	fs.StringVar(&o.fakeBinary, "fake", "", "partnero-fake binary to measure (default: build ./cmd/partnero-fake)")
	fs.StringVar(&o.baseline, "baseline", "", "another partnero-fake binary (say, built from main) measured in the same rotation, for a before/after")
	fs.BoolVar(&o.held, "held", false, "GET scenarios: also load two controls, a bare handler that allocates what the fake's handler allocates per request in a process linked with the fake's packages (linked) and one that also holds a partnero-fake server (held), so the collector's share of the fake's p99 shows")
	fs.DurationVar(&o.haltPoll, "halt-poll", -1, "set cpuidle-haltpoll's guest_halt_poll_ns for the run and restore it after (root; e.g. 200us, the kernel's default, or 0)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.spin && o.forceGo {
		return o, errors.New("-spin and -go each choose a load generator: give one")
	}
	if o.haltPoll < -1 || o.haltPoll > time.Second {
		return o, errors.New("-halt-poll must be 0 to 1s")
	}
	if o.duration <= 0 || o.duration > 10*time.Second {
		return o, errors.New("-d must be in (0, 10s]")
	}
	if o.runs < 1 || o.runs > 9 {
		return o, errors.New("-runs must be 1 to 9")
	}
	if o.conns < 1 || o.conns > 1024 {
		return o, errors.New("-c must be 1 to 1024")
	}
	for _, s := range strings.Split(only, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if !slices.Contains(scenarioNames(), s) {
			return o, fmt.Errorf("unknown scenario %q", s)
		}
		o.only = append(o.only, s)
	}
	return o, nil
}

func run(args []string, out io.Writer) error {
	o, err := parseOptions(args, out)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "loadbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// SIGINT or SIGTERM stops the children (exec.CommandContext kills them)
	// and ends the run.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	if o.fakeBinary == "" {
		o.fakeBinary = filepath.Join(dir, "partnero-fake")
		if err := goBuild(ctx, o.fakeBinary, "cmd/partnero-fake"); err != nil {
			return err
		}
	}
	if o.held {
		o.heldBinary = filepath.Join(dir, "held")
		if err := goBuild(ctx, o.heldBinary, "cmd/loadbench/held"); err != nil {
			return err
		}
	}
	if o.haltPoll >= 0 {
		restore, err := setHaltPoll(o.haltPoll)
		if err != nil {
			return err
		}
		defer func() {
			if err := restore(); err != nil {
				fmt.Fprintln(os.Stderr, "loadbench: restoring guest_halt_poll_ns:", err)
			}
		}()
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	b := &bench{o: o, dir: dir, self: self, ctx: ctx,
		probe: &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}}
	b.pin = lookPath("taskset")
	if !o.forceGo && !o.spin {
		b.wrk = lookPath("wrk")
	}
	fmt.Fprintf(out, "loadbench: %s, %d connections, %d run(s) of %s per server, load generator %s, %s\n",
		machine(), o.conns, o.runs, o.duration, b.generatorName(), b.pinning())
	fmt.Fprintf(out, "loadbench: %s\n", idleSetup())
	var results []result
	for _, sc := range scenarios {
		if len(o.only) > 0 && !slices.Contains(o.only, sc.name) {
			continue
		}
		r, err := b.scenario(sc)
		if err != nil {
			return fmt.Errorf("%s: %w", sc.name, err)
		}
		results = append(results, r)
		fmt.Fprintf(os.Stderr, "loadbench: %s done\n", sc.name)
	}
	printTable(out, results)
	return nil
}

// goBuild builds the module's command at pkg (a path inside the module)
// into out.
func goBuild(ctx context.Context, out, pkg string) error {
	build := exec.CommandContext(ctx, "go", "build", "-o", out, "github.com/partnero-fake/partnero-fake/"+pkg)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build %s: %w", pkg, err)
	}
	return nil
}

func lookPath(name string) string {
	p, err := exec.LookPath(name)
	if err != nil {
		return ""
	}
	return p
}
