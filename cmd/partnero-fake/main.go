// Command partnero-fake serves the fake Partnero API.
//
// Usage:
//
//	partnero-fake [flags]             serve (see --help for flags)
//	partnero-fake healthcheck [flags] exit 0 when the server on --addr is ready
//
// It listens on 127.0.0.1:8080 unless --addr says otherwise (the image sets
// PARTNERO_FAKE_ADDR=:8080, so that published ports reach it).
//
// Every flag has an environment variable equivalent, PARTNERO_FAKE_ and the
// flag name in upper case with dashes as underscores (--api-keys is
// PARTNERO_FAKE_API_KEYS). A flag given on the command line wins.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/partnero-fake/partnero-fake/cmd/internal/metaschemas"
	"github.com/partnero-fake/partnero-fake/fake"
	"github.com/partnero-fake/partnero-fake/fake/store"
	"github.com/partnero-fake/partnero-fake/fixtures"
)

func main() {
	metaschemas.Release() // before anything else: see its doc
	resumeGC := pauseGC() // until the server listens: see pauseGC
	ready := make(chan string, 1)
	go func() {
		<-ready
		percent, floor := 0, false // run has parsed the same flags without error
		if c, err := parse("partnero-fake", os.Args[1:], os.Getenv, io.Discard); err == nil {
			percent, floor = gcTarget(c.gcPercent, os.Getenv)
		}
		resumeGC(percent)
		if floor {
			keepHeapFloor()
		}
	}()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(exitCode(run(ctx, os.Args[1:], os.Getenv, os.Stderr, ready), os.Stderr))
}

// config is the parsed command line.
type config struct {
	addr         string
	apiKeys      []string
	strict       bool
	listKeys     bool
	logFormat    string
	maxBodyBytes int64
	seed         int64
	freeze       string
	program      string
	fixtures     string
	generate     string
	journalSize  int
	hookRetries  int
	hookBackoff  time.Duration
	hookTimeout  time.Duration
	shutdown     time.Duration
	gcPercent    int
	limits
}

// parse reads flags, falling back to PARTNERO_FAKE_* variables for flags not
// given on the command line.
func parse(name string, args []string, getenv func(string) string, out io.Writer) (config, error) {
	var c config
	var keys string
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() { usage(fs, out) }
	fs.StringVar(&c.addr, "addr", defaultAddr, "listen address; \":8080\" listens on every interface (what the image does)")
	fs.StringVar(&keys, "api-keys", "", "comma-separated API keys to accept (default: any non-empty key, each its own tenant)")
	fs.BoolVar(&c.listKeys, "list-tenant-keys", false, "let the inspector's tenant picker (GET /_fake/tenants) list every tenant's API key to anyone who can reach the port; for a fake only you use")
	fs.BoolVar(&c.strict, "strict", false, "validate every response against openapi.yaml; a violation becomes a 500")
	fs.StringVar(&c.logFormat, "log-format", "text", "log format: text or json")
	fs.Int64Var(&c.maxBodyBytes, "max-body-bytes", fake.DefaultMaxBodyBytes, "largest accepted request body; larger ones get 413")
	fs.Int64Var(&c.seed, "seed", 1, "seed for generated identifiers (and generated fixtures)")
	fs.StringVar(&c.freeze, "freeze", "", "start every tenant's clock frozen at this RFC 3339 time")
	fs.StringVar(&c.program, "program", "", "program settings and reward rules of every new tenant: a JSON object, or a file holding one")
	fs.StringVar(&c.fixtures, "fixtures", "default", "initial state of every tenant: default (the demo program), none, or a state file (JSON)")
	fs.StringVar(&c.generate, "generate", "", "generate the initial state from --seed instead: customers=N,referral_ratio=R,transactions=T")
	fs.IntVar(&c.journalSize, "journal-size", fake.DefaultJournalSize, "requests kept in each tenant's journal (oldest dropped; 0: none)")
	fs.IntVar(&c.hookRetries, "webhook-retries", fake.DefaultWebhookRetries, "retries of a failed webhook delivery (0: none)")
	fs.DurationVar(&c.hookBackoff, "webhook-backoff", fake.DefaultWebhookBackoff, "first retry delay on the tenant's clock, doubled for each next one")
	fs.DurationVar(&c.hookTimeout, "webhook-timeout", fake.DefaultWebhookTimeout, "how long a webhook receiver has to answer")
	fs.DurationVar(&c.shutdown, "shutdown-timeout", 10*time.Second, "how long to wait for requests in flight on SIGTERM")
	c.limits.register(fs)
	fs.IntVar(&c.gcPercent, "gc-percent", 0, "garbage collector target, as GOGC (-1: off); default: GOGC when set, else 200 with a heap goal of at least 12 MiB")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	cli, env := map[string]bool{}, map[string]bool{}
	fs.Visit(func(f *flag.Flag) { cli[f.Name] = true })
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		name := envName(f.Name)
		if v := getenv(name); v != "" && !cli[f.Name] {
			env[f.Name] = true
			if err := fs.Set(f.Name, v); err != nil && envErr == nil {
				envErr = fmt.Errorf("%s=%q: %w", name, v, err)
			}
		}
	})
	if envErr != nil {
		return c, envErr
	}
	// --fixtures and --generate exclude each other; a flag on the command
	// line wins over the other one's environment variable.
	switch {
	case cli["fixtures"] && cli["generate"], env["fixtures"] && env["generate"]:
		return c, errors.New("--fixtures and --generate exclude each other")
	case cli["fixtures"] && env["generate"]:
		c.generate = ""
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	for _, k := range strings.Split(keys, ",") {
		if k = strings.TrimSpace(k); k != "" {
			c.apiKeys = append(c.apiKeys, k)
		}
	}
	if c.logFormat != "text" && c.logFormat != "json" {
		return c, fmt.Errorf("--log-format must be text or json, not %q", c.logFormat)
	}
	if c.seed == 0 {
		return c, errors.New("--seed must not be 0")
	}
	return c, nil
}

// options turns the configuration into fake.Options.
func (c config) options(logger *slog.Logger) (fake.Options, error) {
	o := fake.Options{
		APIKeys: c.apiKeys, ListTenantKeys: c.listKeys, StrictResponses: c.strict, MaxBodyBytes: c.maxBodyBytes,
		Seed: c.seed, Logger: logger, JournalSize: c.journalSize,
		WebhookRetries: c.hookRetries, WebhookBackoff: c.hookBackoff, WebhookTimeout: c.hookTimeout,
	}
	c.limits.apply(&o)
	// A flag's 0 means none; an option's 0 means the default.
	if c.hookRetries == 0 {
		o.WebhookRetries = -1
	}
	if c.journalSize == 0 {
		o.JournalSize = -1
	}
	initial, err := c.initialState()
	if err != nil {
		return o, err
	}
	o.Initial = initial
	if c.program != "" {
		data := []byte(c.program)
		if !strings.HasPrefix(strings.TrimSpace(c.program), "{") {
			var err error
			if data, err = os.ReadFile(c.program); err != nil {
				return o, fmt.Errorf("--program: %w", err)
			}
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&o.Program); err != nil {
			return o, fmt.Errorf("--program: %w", err)
		}
	}
	if c.freeze != "" {
		t, err := time.Parse(time.RFC3339, c.freeze)
		if err != nil {
			return o, fmt.Errorf("--freeze: %w", err)
		}
		o.FreezeAt = t
	}
	return o, nil
}

func (c config) describeFixtures() string {
	if c.generate != "" {
		return fmt.Sprintf("generated (seed %d, %s)", c.seed, c.generate)
	}
	return c.fixtures
}

// initialState loads or generates the fixtures every tenant starts from.
func (c config) initialState() (*store.Snapshot, error) {
	var snap store.Snapshot
	var err error
	switch {
	case c.generate != "":
		counts, perr := fixtures.ParseCounts(c.generate)
		if perr != nil {
			return nil, fmt.Errorf("--generate: %w", perr)
		}
		snap, err = fixtures.Generate(c.seed, counts)
	case c.fixtures == "none":
		return nil, nil
	case c.fixtures == "default" || c.fixtures == "":
		snap, err = fixtures.Demo()
	default:
		snap, err = fixtures.Load(c.fixtures)
	}
	if err != nil {
		return nil, fmt.Errorf("fixtures: %w", err)
	}
	return &snap, nil
}

// run is the whole program. ready, when not nil, receives the listening
// address once the server accepts connections (tests use it with
// --addr 127.0.0.1:0).
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, ready chan<- string) error {
	if len(args) > 0 && args[0] == "healthcheck" {
		return healthcheck(ctx, args[1:], getenv, stderr)
	}
	go fake.Prepare() // on a second CPU, while flags and fixtures are read
	c, err := parse("partnero-fake", args, getenv, stderr)
	if err != nil {
		return err
	}
	logw := newLogWriter(stderr) // a line per request, without a write per request
	defer logw.Close()
	var h slog.Handler = newTextHandler(logw) // slog.TextHandler's lines, the request line formatted faster
	if c.logFormat == "json" {
		h = slog.NewJSONHandler(logw, nil)
	}
	logger := slog.New(h)
	opts, err := c.options(logger)
	if err != nil {
		return err
	}
	f, err := fake.New(opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	srv := c.limits.server(f)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("partnero-fake listening", "addr", ln.Addr().String(), "api", apiURL(ln.Addr()),
		"inspector", strings.TrimSuffix(apiURL(ln.Addr()), "/v1")+"/_fake/ui",
		"fixtures", c.describeFixtures(), "example_key", fixtures.DemoAPIKey)
	_ = logw.Flush() // the first line, the API's URL, shows at once
	if ready != nil {
		ready <- ln.Addr().String()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	f.Close() // ends long-polls and webhook deliveries, so Shutdown need not wait them out
	sctx, cancel := context.WithTimeout(context.Background(), c.shutdown)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	f.Close()
	return nil
}

// healthcheck probes /_fake/ready on the configured address, for the
// image's HEALTHCHECK (a scratch image has no curl or shell).
func healthcheck(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	c, err := parse("partnero-fake healthcheck", args, getenv, stderr)
	if err != nil {
		return err
	}
	_, port, err := net.SplitHostPort(c.addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %w", c.addr, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:"+port+"/_fake/ready", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("not ready: %s", resp.Status)
	}
	return nil
}
