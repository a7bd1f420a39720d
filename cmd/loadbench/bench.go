package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// apiKey is the demo program's API key (fixtures.DemoAPIKey).
const apiKey = "test_key"

// scenario is one request measured against the fake and the bare handler.
type scenario struct {
	name   string
	title  string
	flags  []string // extra flags of partnero-fake
	method string
	path   string
	// body is the request body; {N} is replaced by a value unique to each
	// request of a run.
	body string
}

var scenarios = []scenario{
	{name: "get", title: "`GET /v1/customers/{id}`", method: "GET", path: "/v1/customers/demo-ben"},
	{name: "get-strict", title: "`GET /v1/customers/{id}`, `--strict`", flags: []string{"--strict"}, method: "GET", path: "/v1/customers/demo-ben"},
	{name: "post-customer", title: "`POST /v1/customers`", method: "POST", path: "/v1/customers",
		body: `{"id":"{N}","email":"{N}@example.com","name":"Load","surname":"Bench"}`},
	{name: "post-transaction", title: "`POST /v1/transactions` (rewarded)", method: "POST", path: "/v1/transactions",
		body: `{"customer":{"key":"ben"},"key":"{N}","amount":19.99,"action":"sale"}`},
}

func scenarioNames() []string {
	var out []string
	for _, s := range scenarios {
		out = append(out, s.name)
	}
	return out
}

// load is what one load of one server measured.
type load struct {
	requests int64
	seconds  float64
	p99      time.Duration
	errors   int64         // connect, read, write, timeouts and non-2xx answers
	cpu      time.Duration // the server's CPU time (user and system) during the load; 0 where unknown
	wakeups  int64         // IPIs the load generator's CPU received during the load; -1 where unknown
}

func (l load) rps() float64 { return float64(l.requests) / l.seconds }

// wakeupsPerRequest is the load generator's IPIs per request, or -1.
func (l load) wakeupsPerRequest() float64 {
	if l.wakeups < 0 || l.requests == 0 {
		return -1
	}
	return float64(l.wakeups) / float64(l.requests)
}

// busy is the share of the load's time the server spent on a CPU, or -1
// where unknown. A server that is not close to 1 was not the bottleneck:
// the load generator was, and its req/s says little.
func (l load) busy() float64 {
	if l.cpu == 0 || l.seconds == 0 {
		return -1
	}
	return l.cpu.Seconds() / l.seconds
}

// cpuPerRequest is the server's CPU time per request, in microseconds: a
// figure other jobs on the machine move far less than req/s.
func (l load) cpuPerRequest() float64 {
	if l.requests == 0 {
		return 0
	}
	return float64(l.cpu.Microseconds()) / float64(l.requests)
}

// result is a scenario's medians over the runs.
type result struct {
	sc                   scenario
	fake, bare, base     []load // base: the -baseline fake, if any
	linked, held         []load // the -held controls (-hold none, -hold server), if any
	fakeStart, bareStart []time.Duration
	rss                  []int64 // the fake's VmRSS after the load, bytes
}

type bench struct {
	o    options
	dir  string
	self string
	ctx  context.Context
	pin  string // taskset, or ""
	wrk  string // wrk, or ""
	seq  int
	// probe opens a fresh connection per probe, so a failed dial is
	// retried cleanly.
	probe *http.Client
}

func (b *bench) generatorName() string {
	switch {
	case b.o.spin:
		return "spinning (never sleeps)"
	case b.wrk != "":
		return "wrk -t1"
	}
	return "Go (GOMAXPROCS=1)"
}

func (b *bench) pinning() string {
	if b.pin != "" {
		return fmt.Sprintf("servers pinned to CPU %s, load generator to CPU %s (taskset)", b.o.serverCPU, b.o.clientCPU)
	}
	return "no taskset: servers and generator run with GOMAXPROCS=1, unpinned"
}

// command returns a command pinned to cpu when taskset is available, and
// with GOMAXPROCS=1 otherwise.
func (b *bench) command(cpu, name string, args ...string) *exec.Cmd {
	var cmd *exec.Cmd
	if b.pin != "" {
		cmd = exec.CommandContext(b.ctx, b.pin, append([]string{"-c", cpu, name}, args...)...)
	} else {
		cmd = exec.CommandContext(b.ctx, name, args...)
		cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	}
	return cmd
}

// server is a started child process.
type server struct {
	cmd   *exec.Cmd
	base  string
	start time.Duration // process start to first 200
}

func (s *server) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

// rss returns the process's resident set size in bytes (Linux only).
func (s *server) rss() int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// cpu returns the process's CPU time so far, user and system (Linux only;
// 0 elsewhere), at the kernel's clock tick (usually 10 ms).
func (s *server) cpu() time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	_, rest, ok := strings.Cut(string(data), ") ") // after the command name, which may hold spaces
	f := strings.Fields(rest)
	if !ok || len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / clockTicks
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's times: 100 on
// every Linux architecture Go supports.
const clockTicks = 100

// freePort returns a loopback address nobody listens on right now.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startServer starts a server process listening on addr and waits for the
// first 200 to probe (at most 10 s).
func (b *bench) startServer(cmd *exec.Cmd, addr string, logName string, probe func(base string) (*http.Response, error)) (*server, error) {
	logf, err := os.Create(filepath.Join(b.dir, logName))
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, base: "http://" + addr}
	deadline := t0.Add(10 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := probe(s.base)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.start = time.Since(t0)
				return s, nil
			}
		}
		time.Sleep(200 * time.Microsecond)
	}
	s.stop()
	log, _ := os.ReadFile(logf.Name())
	return nil, fmt.Errorf("%s did not answer 200 within 10 s: %s", cmd.Path, bytes.TrimSpace(log))
}

func (b *bench) request(base string, sc scenario, n string) (*http.Response, error) {
	var body io.Reader
	if sc.body != "" {
		body = strings.NewReader(strings.ReplaceAll(sc.body, "{N}", n))
	}
	req, err := http.NewRequestWithContext(b.ctx, sc.method, base+sc.path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+apiKey)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return b.probe.Do(req)
}

// startFake starts a partnero-fake binary with the scenario's flags.
func (b *bench) startFake(binary string, sc scenario) (*server, error) {
	addr, err := freePort()
	if err != nil {
		return nil, err
	}
	args := append([]string{"--addr", addr}, sc.flags...)
	cmd := b.command(b.o.serverCPU, binary, args...)
	return b.startServer(cmd, addr, "fake.log", func(base string) (*http.Response, error) {
		return b.request(base, scenario{method: "GET", path: "/v1/customers/demo-ben"}, "")
	})
}

// portAndBody picks a free port for a bare server (or a -held control) and
// writes the body it answers to a file named name in the run's directory.
func (b *bench) portAndBody(name string, body []byte) (addr, file string, err error) {
	if addr, err = freePort(); err != nil {
		return "", "", err
	}
	file = filepath.Join(b.dir, name)
	return addr, file, os.WriteFile(file, body, 0o600)
}

// heldScenarioArgs are the -held controls' flags naming the scenario's
// request.
func heldScenarioArgs(sc scenario) []string {
	return []string{"-strict=" + strconv.FormatBool(slices.Contains(sc.flags, "--strict")), "-method", sc.method, "-path", sc.path}
}

// startBare starts the bare handler answering contentType and body.
func (b *bench) startBare(contentType string, body []byte) (*server, error) {
	addr, file, err := b.portAndBody("bare-body", body)
	if err != nil {
		return nil, err
	}
	cmd := b.command(b.o.serverCPU, b.self, "serve-bare", "-addr", addr, "-body", file, "-content-type", contentType)
	return b.startServer(cmd, addr, "bare.log", b.probeRoot)
}

// heldCalibration runs the -held controls' command once with -calibrate
// for the scenario and returns its flags: the bytes and objects the fake's
// handler allocates per request beyond bare's.
func (b *bench) heldCalibration(sc scenario) ([]string, error) {
	cmd := b.command(b.o.serverCPU, b.o.heldBinary, append([]string{"-calibrate"}, heldScenarioArgs(sc)...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("calibrating the -held controls: %w", err)
	}
	var c struct{ Bytes, Objects int }
	if err := json.Unmarshal(out, &c); err != nil {
		return nil, fmt.Errorf("calibrating the -held controls: %q: %w", out, err)
	}
	fmt.Fprintf(os.Stderr, "loadbench: %s: the fake allocates %d bytes in %d objects per request beyond bare\n", sc.name, c.Bytes, c.Objects)
	return []string{"-bytes", strconv.Itoa(c.Bytes), "-objects", strconv.Itoa(c.Objects)}, nil
}

// startHeld starts one of the -held controls (cmd/loadbench/held, built into
// b.o.heldBinary): the bare handler answering contentType and body,
// allocating the calibrated garbage, and holding what hold says (server or
// none).
func (b *bench) startHeld(sc scenario, hold string, calibration []string, contentType string, body []byte) (*server, error) {
	addr, file, err := b.portAndBody("held-body", body)
	if err != nil {
		return nil, err
	}
	args := append([]string{"-addr", addr, "-body", file, "-content-type", contentType, "-hold", hold}, heldScenarioArgs(sc)...)
	args = append(args, calibration...)
	return b.startServer(b.command(b.o.serverCPU, b.o.heldBinary, args...), addr, "held-"+hold+".log", b.probeRoot)
}

// probeRoot probes a bare server (or a -held control) at /: any answer
// says it listens.
func (b *bench) probeRoot(base string) (*http.Response, error) {
	return b.probe.Get(base + "/")
}

// reference sends the scenario's request once to the fake and returns what
// the bare handler must answer.
func (b *bench) reference(fake *server, sc scenario) (string, []byte, error) {
	resp, err := b.request(fake.base, sc, "loadbench-reference")
	if err != nil {
		return "", nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return "", nil, fmt.Errorf("reference request: %s: %s", resp.Status, body)
	}
	return resp.Header.Get("Content-Type"), body, nil
}

// scenario runs a scenario's runs: per run, a fresh fake, a fresh bare
// server (and a fresh baseline fake with -baseline, fresh controls with
// -held), loaded in turn.
func (b *bench) scenario(sc scenario) (result, error) {
	r := result{sc: sc}
	var calibration []string // the -held controls' garbage, measured once
	for i := range b.o.runs {
		run, err := b.startRun(sc, &r, &calibration)
		if err != nil {
			return r, err
		}
		loads, err := b.loadRun(run, sc, i)
		fake, bare := run[0].srv, run[1].srv
		r.rss = append(r.rss, fake.rss())
		r.fakeStart, r.bareStart = append(r.fakeStart, fake.start), append(r.bareStart, bare.start)
		stopAll(run)
		if err != nil {
			return r, err
		}
		line := fmt.Sprintf("loadbench: %s run %d:", sc.name, i+1)
		for j, c := range run {
			*c.into = append(*c.into, loads[j])
			line += fmt.Sprintf(" %s %.0f req/s p99 %s;", c.name, loads[j].rps(), loads[j].p99)
		}
		fmt.Fprintln(os.Stderr, strings.TrimSuffix(line, ";"))
	}
	return r, nil
}

// contender is one server of a run's rotation: its name in the run's line
// and the result's loads its own go to.
type contender struct {
	name string
	srv  *server
	into *[]load
}

func stopAll(run []contender) {
	for _, c := range run {
		c.srv.stop()
	}
}

// startRun starts a run's servers, the fake first and bare second, their
// loads going into r; on an error it stops those it started. The -held
// controls' calibration is measured on the first run that needs it.
func (b *bench) startRun(sc scenario, r *result, calibration *[]string) (run []contender, err error) {
	defer func() {
		if err != nil {
			stopAll(run)
		}
	}()
	fake, err := b.startFake(b.o.fakeBinary, sc)
	if err != nil {
		return run, err
	}
	run = append(run, contender{"fake", fake, &r.fake})
	ct, body, err := b.reference(fake, sc)
	if err != nil {
		return run, err
	}
	bare, err := b.startBare(ct, body)
	if err != nil {
		return run, err
	}
	run = append(run, contender{"bare", bare, &r.bare})
	if b.o.baseline != "" {
		base, err := b.startFake(b.o.baseline, sc)
		if err != nil {
			return run, err
		}
		run = append(run, contender{"baseline", base, &r.base})
	}
	if !b.o.held || sc.method != http.MethodGet {
		return run, nil
	}
	if *calibration == nil {
		if *calibration, err = b.heldCalibration(sc); err != nil {
			return run, err
		}
	}
	for _, c := range []struct {
		name, hold string
		into       *[]load
	}{{"linked", "none", &r.linked}, {"held", "server", &r.held}} {
		srv, err := b.startHeld(sc, c.hold, *calibration, ct, body)
		if err != nil {
			return run, err
		}
		run = append(run, contender{c.name, srv, c.into})
	}
	return run, nil
}

// loadRun warms the run's servers up (connections, tenant, caches, heap),
// then loads them in turn; a load with errors fails the run.
func (b *bench) loadRun(run []contender, sc scenario, rotate int) ([]load, error) {
	servers := make([]*server, len(run))
	for i, c := range run {
		servers[i] = c.srv
		if _, err := b.load(c.srv, sc, time.Second); err != nil {
			return nil, err
		}
	}
	loads, err := b.alternate(servers, sc, rotate)
	if err != nil {
		return nil, err
	}
	for i, l := range loads {
		if l.errors > 0 {
			return nil, fmt.Errorf("%s: %d errors under load (see the logs)", run[i].name, l.errors)
		}
	}
	return loads, nil
}

// alternate loads the servers in turn, one slice (1 s, or the whole
// duration when shorter) at a time, until each had the configured
// duration, so that all see the same background noise; the order rotates
// by one each round, starting at rotate. It returns each server's sums:
// requests over time, the median p99 of its slices and the errors.
func (b *bench) alternate(servers []*server, sc scenario, rotate int) ([]load, error) {
	slice := min(time.Second, b.o.duration)
	slices := make([][]load, len(servers))
	for done := time.Duration(0); done < b.o.duration; done += slice {
		for j := range servers {
			k := (j + rotate) % len(servers)
			l, err := b.load(servers[k], sc, slice)
			if err != nil {
				return nil, err
			}
			slices[k] = append(slices[k], l)
		}
		rotate++
	}
	out := make([]load, len(servers))
	for k := range servers {
		out[k] = sum(slices[k])
	}
	return out, nil
}

func sum(ls []load) load {
	var out load
	var p99 []time.Duration
	for _, l := range ls {
		out.requests += l.requests
		out.seconds += l.seconds
		out.errors += l.errors
		out.cpu += l.cpu
		if l.wakeups < 0 || out.wakeups < 0 {
			out.wakeups = -1
		} else {
			out.wakeups += l.wakeups
		}
		p99 = append(p99, l.p99)
	}
	out.p99 = median(p99, cmp.Compare[time.Duration])
	return out
}

// load runs the load generator against s for d.
func (b *bench) load(s *server, sc scenario, d time.Duration) (load, error) {
	b.seq++
	prefix := fmt.Sprintf("lb%d-%d-", os.Getpid(), b.seq)
	cpu := s.cpu()
	w0, wok := b.clientWakeups()
	var l load
	var err error
	switch {
	case b.o.spin:
		l, err = b.loadChild(s, sc, prefix, d, "spin")
	case b.wrk != "":
		l, err = b.loadWrk(s, sc, prefix, d)
	default:
		l, err = b.loadChild(s, sc, prefix, d, "generate")
	}
	l.cpu = s.cpu() - cpu
	l.wakeups = -1
	if w1, ok := b.clientWakeups(); ok && wok {
		l.wakeups = w1 - w0
	}
	return l, err
}

// clientWakeups returns the IPIs the load generator's CPU received so far,
// when it runs pinned to one CPU.
func (b *bench) clientWakeups() (int64, bool) {
	cpu, err := strconv.Atoi(b.o.clientCPU)
	if b.pin == "" || err != nil {
		return 0, false
	}
	return wakeups(cpu)
}

func median[T any](xs []T, less func(a, b T) int) T {
	s := slices.Clone(xs)
	slices.SortFunc(s, less)
	return s[len(s)/2]
}

func printTable(out io.Writer, results []result) {
	fmt.Fprintln(out)
	baseline := len(results) > 0 && len(results[0].base) > 0
	head, rule := "| scenario | fake req/s | bare req/s | ratio (median of runs) | fake p99 | bare p99 |", "|---|---:|---:|---:|---:|---:|"
	if baseline {
		head, rule = head+" baseline ratio | baseline p99 |", rule+"---:|---:|"
	}
	held := slices.ContainsFunc(results, func(r result) bool { return len(r.held) > 0 })
	if held {
		head, rule = head+" linked ratio | linked p99 | held ratio | held p99 |", rule+"---:|---:|---:|---:|"
	}
	fmt.Fprintln(out, head)
	fmt.Fprintln(out, rule)
	rps := func(l load) float64 { return l.rps() }
	p99 := func(l load) time.Duration { return l.p99 }
	ratio := func(ls, bare []load) float64 {
		var rs []float64
		for i := range ls {
			rs = append(rs, ls[i].rps()/bare[i].rps())
		}
		return median(rs, cmp.Compare[float64])
	}
	for _, r := range results {
		fmt.Fprintf(out, "| %s | %.0f | %.0f | %.2f | %s | %s |", r.sc.title,
			median(mapf(r.fake, rps), cmp.Compare[float64]), median(mapf(r.bare, rps), cmp.Compare[float64]), ratio(r.fake, r.bare),
			fmtD(median(mapf(r.fake, p99), cmp.Compare[time.Duration])), fmtD(median(mapf(r.bare, p99), cmp.Compare[time.Duration])))
		if baseline {
			fmt.Fprintf(out, " %.2f | %s |", ratio(r.base, r.bare), fmtD(median(mapf(r.base, p99), cmp.Compare[time.Duration])))
		}
		switch {
		case len(r.held) > 0:
			for _, ls := range [][]load{r.linked, r.held} {
				fmt.Fprintf(out, " %.2f | %s |", ratio(ls, r.bare), fmtD(median(mapf(ls, p99), cmp.Compare[time.Duration])))
			}
		case held:
			fmt.Fprint(out, " | | | |")
		}
		fmt.Fprintln(out)
	}
	fmt.Fprintln(out)
	fmt.Fprintln(out, "| scenario | fake CPU per request | bare CPU per request | bare/fake CPU per request (median of runs) | load generator's wake-ups (IPIs) per request: fake | bare | server busy: fake | bare |")
	fmt.Fprintln(out, "|---|---:|---:|---:|---:|---:|---:|---:|")
	cpu := func(l load) float64 { return l.cpuPerRequest() }
	wake := func(ls []load) string {
		w := median(mapf(ls, load.wakeupsPerRequest), cmp.Compare[float64])
		if w < 0 {
			return "?"
		}
		return fmt.Sprintf("%.2f", w)
	}
	busy := func(ls []load) string {
		return fmt.Sprintf("%.0f%%", 100*median(mapf(ls, load.busy), cmp.Compare[float64]))
	}
	for _, r := range results {
		var rs []float64
		for i := range r.fake {
			if f := r.fake[i].cpuPerRequest(); f > 0 {
				rs = append(rs, r.bare[i].cpuPerRequest()/f)
			}
		}
		if len(rs) == 0 {
			continue // no /proc
		}
		fmt.Fprintf(out, "| %s | %.1f µs | %.1f µs | %.2f | %s | %s | %s | %s |\n", r.sc.title, median(mapf(r.fake, cpu), cmp.Compare[float64]),
			median(mapf(r.bare, cpu), cmp.Compare[float64]), median(rs, cmp.Compare[float64]), wake(r.fake), wake(r.bare), busy(r.fake), busy(r.bare))
	}
	fmt.Fprintln(out)
	fmt.Fprintln(out, "| scenario | fake start to first 200 | bare start to first 200 | fake RSS after the load |")
	fmt.Fprintln(out, "|---|---:|---:|---:|")
	for _, r := range results {
		fmt.Fprintf(out, "| %s | %s | %s | %.1f MiB |\n", r.sc.title, fmtD(median(r.fakeStart, cmp.Compare[time.Duration])),
			fmtD(median(r.bareStart, cmp.Compare[time.Duration])), float64(median(r.rss, cmp.Compare[int64]))/(1<<20))
	}
}

func mapf[T, R any](xs []T, f func(T) R) []R {
	out := make([]R, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

func fmtD(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}
