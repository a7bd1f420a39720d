package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/partnero-fake/partnero-fake/cmd/loadbench/internal/bare"
)

// wrkScript is the Lua script given to wrk: the request (with {N} in the
// body replaced by a prefix and a counter, so every POST is new) and a done
// hook that prints one machine-readable line.
const wrkScript = `
wrk.method = "%s"
wrk.path = "%s"
wrk.headers["Authorization"] = "Bearer %s"
local template = [==[%s]==]
if template ~= "" then
  wrk.headers["Content-Type"] = "application/json"
  local n = 0
  request = function()
    n = n + 1
    local body = string.gsub(template, "{N}", "%s" .. n)
    return wrk.format(nil, nil, nil, body)
  end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("LOADBENCH %%d %%d %%d %%d %%d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))
end
`

// loadWrk runs wrk -t1 against s.
func (b *bench) loadWrk(s *server, sc scenario, prefix string, d time.Duration) (load, error) {
	script := filepath.Join(b.dir, "load.lua")
	lua := fmt.Sprintf(wrkScript, sc.method, sc.path, apiKey, sc.body, prefix)
	if err := os.WriteFile(script, []byte(lua), 0o600); err != nil {
		return load{}, err
	}
	cmd := b.command(b.o.clientCPU, b.wrk, "-t1", "-c"+strconv.Itoa(b.o.conns),
		"-d"+strconv.Itoa(int(d/time.Second))+"s", "--timeout", "5s", "-s", script, s.base)
	if d%time.Second != 0 {
		return load{}, errors.New("wrk takes whole seconds: use -d 1s to 10s, or -go")
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return load{}, fmt.Errorf("wrk: %w: %s", err, out)
	}
	return parseResult(out)
}

// parseResult reads the LOADBENCH line that wrk's script and the Go
// generator print: requests, duration µs, p50 µs, p99 µs, errors.
func parseResult(out []byte) (load, error) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 6 || f[0] != "LOADBENCH" {
			continue
		}
		var v [5]int64
		for i := range v {
			n, err := strconv.ParseInt(f[i+1], 10, 64)
			if err != nil {
				return load{}, fmt.Errorf("result line %q: %w", sc.Text(), err)
			}
			v[i] = n
		}
		return load{requests: v[0], seconds: float64(v[1]) / 1e6, p99: time.Duration(v[3]) * time.Microsecond, errors: v[4]}, nil
	}
	return load{}, fmt.Errorf("no result in the load generator's output: %s", out)
}

// loadChild runs one of this binary's load generators against s: mode
// "generate" (the Go generator) or "spin" (the spinning one).
func (b *bench) loadChild(s *server, sc scenario, prefix string, d time.Duration, mode string) (load, error) {
	cmd := b.command(b.o.clientCPU, b.self, mode, "-url", s.base+sc.path, "-method", sc.method,
		"-body", sc.body, "-prefix", prefix, "-c", strconv.Itoa(b.o.conns), "-d", d.String())
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return load{}, fmt.Errorf("generator: %w: %s", err, out)
	}
	return parseResult(out)
}

// generate is the Go load generator: c connections, each sending requests
// back to back for d, then one LOADBENCH line on out.
func generate(args []string, out io.Writer) error {
	f, err := parseGeneratorFlags("generate", args)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(f.url, "http://127.0.0.1:") {
		return errors.New("-url is not on 127.0.0.1")
	}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		MaxIdleConnsPerHost: f.conns, MaxConnsPerHost: f.conns, DisableCompression: true,
	}}
	var (
		mu      sync.Mutex
		lat     []time.Duration
		errs    int64
		counter int64
		wg      sync.WaitGroup
	)
	start := time.Now()
	end := start.Add(f.d)
	for range f.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			var bad int64
			for time.Now().Before(end) {
				var r io.Reader
				if f.body != "" {
					mu.Lock()
					counter++
					n := counter
					mu.Unlock()
					r = strings.NewReader(strings.ReplaceAll(f.body, "{N}", f.prefix+strconv.FormatInt(n, 10)))
				}
				req, err := http.NewRequest(f.method, f.url, r)
				if err != nil {
					bad++
					continue
				}
				req.Header.Set("Authorization", "Bearer "+apiKey)
				if r != nil {
					req.Header.Set("Content-Type", "application/json")
				}
				t := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					bad++
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode/100 != 2 {
					bad++
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			lat = append(lat, mine...)
			errs += bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	return report(out, lat, time.Since(start), errs)
}

// generatorFlags are the command line of both load generators (generate
// and spin).
type generatorFlags struct {
	url, method, body, prefix string
	conns                     int
	d                         time.Duration
}

// parseGeneratorFlags reads a load generator's command line; mode names it.
func parseGeneratorFlags(mode string, args []string) (generatorFlags, error) {
	var f generatorFlags
	fs := flag.NewFlagSet("loadbench "+mode, flag.ContinueOnError)
	fs.StringVar(&f.url, "url", "", "URL (http://127.0.0.1:port/... only)")
	fs.StringVar(&f.method, "method", "GET", "method")
	fs.StringVar(&f.body, "body", "", "body; {N} becomes prefix and a counter")
	fs.StringVar(&f.prefix, "prefix", "lb-", "prefix of unique values")
	fs.IntVar(&f.conns, "c", 32, "connections")
	fs.DurationVar(&f.d, "d", 5*time.Second, "duration (at most 10s)")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if f.d <= 0 || f.d > 10*time.Second || f.conns < 1 || f.conns > 1024 {
		return f, errors.New("-d must be in (0, 10s] and -c in [1, 1024]")
	}
	return f, nil
}

// report prints a load generator's LOADBENCH line (see parseResult) from
// the answers' latencies, the load's duration and the bad answers.
func report(out io.Writer, lat []time.Duration, elapsed time.Duration, bad int64) error {
	if len(lat) == 0 {
		return errors.New("no request completed")
	}
	slices.Sort(lat)
	pct := func(p float64) int64 { return lat[min(len(lat)-1, int(float64(len(lat))*p))].Microseconds() }
	_, err := fmt.Fprintf(out, "LOADBENCH %d %d %d %d %d\n", len(lat), elapsed.Microseconds(), pct(0.50), pct(0.99), bad)
	return err
}

// serveBare is the bare server: it reads every request's body and answers
// the given bytes, as a plain net/http server (package bare).
func serveBare(args []string) error {
	fs := flag.NewFlagSet("loadbench serve-bare", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	file := fs.String("body", "", "file holding the response body")
	ct := fs.String("content-type", "application/json", "Content-Type of the response")
	if err := fs.Parse(args); err != nil {
		return err
	}
	body, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	return http.ListenAndServe(*addr, bare.Handler(*ct, body, nil))
}
