package main

import (
	"context"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestParseFlagsAndEnv(t *testing.T) {
	env := map[string]string{
		"PARTNERO_FAKE_ADDR":       ":9999",
		"PARTNERO_FAKE_API_KEYS":   "a, b",
		"PARTNERO_FAKE_STRICT":     "true",
		"PARTNERO_FAKE_LOG_FORMAT": "json",
	}
	c, err := parse("t", []string{"--addr", "127.0.0.1:1"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.addr != "127.0.0.1:1" {
		t.Errorf("addr = %q: the flag must win over the environment", c.addr)
	}
	if !reflect.DeepEqual(c.apiKeys, []string{"a", "b"}) || !c.strict || c.logFormat != "json" {
		t.Errorf("from env: %+v", c)
	}
	for _, args := range [][]string{{"--log-format", "xml"}, {"--seed", "0"}, {"extra"}, {"--nope"}} {
		if _, err := parse("t", args, func(string) string { return "" }, io.Discard); err == nil {
			t.Errorf("parse(%q) = nil error", args)
		}
	}
	if _, err := parse("t", nil, func(k string) string {
		if k == "PARTNERO_FAKE_STRICT" {
			return "maybe"
		}
		return ""
	}, io.Discard); err == nil {
		t.Error("a bad environment value was accepted")
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRunServesAndShutsDown runs the program as main does, probes it with
// the healthcheck subcommand, sends a request and stops it with the
// context, as SIGTERM would.
func TestRunServesAndShutsDown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &syncBuffer{}
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--log-format", "json", "--strict"}, func(string) string { return "" }, logs, ready)
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("run: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("server did not start")
	}
	req, _ := http.NewRequest("GET", "http://"+addr+"/v1/test", nil)
	req.Header.Set("Authorization", "Bearer k")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET /v1/test = %d", resp.StatusCode)
	}
	if err := run(ctx, []string{"healthcheck", "--addr", addr}, func(string) string { return "" }, io.Discard, nil); err != nil {
		t.Errorf("healthcheck: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run after shutdown: %v", err)
	}
	if !strings.Contains(logs.String(), `"operation":"test"`) || !strings.Contains(logs.String(), `"status":200`) {
		t.Errorf("no JSON request log line in:\n%s", logs)
	}
	if !strings.Contains(logs.String(), `"api":"http://`+addr+`/v1"`) {
		t.Errorf("the start line has no clickable API URL http://%s/v1:\n%s", addr, logs)
	}
	if err := run(context.Background(), []string{"healthcheck", "--addr", addr}, func(string) string { return "" }, io.Discard, nil); err == nil {
		t.Error("healthcheck succeeded against a stopped server")
	}
}

func TestProgramFlag(t *testing.T) {
	c, err := parse("t", []string{"--program", `{"currency": "EUR", "rewards": [{"trigger": "signup", "amount": 5}]}`}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	o, err := c.options(nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.Program.Currency != "EUR" || len(o.Program.Rewards) != 1 || o.Program.Rewards[0].Amount.String() != "5" {
		t.Errorf("program = %+v", o.Program)
	}
	for _, bad := range []string{`{"rewardz": []}`, `{"rewards": [{"amount": "x"}]}`, "/nonexistent/file.json"} {
		c.program = bad
		if _, err := c.options(nil); err == nil {
			t.Errorf("--program %s: no error", bad)
		}
	}
	// Settings that parse but break a rule fail at start.
	err = run(context.Background(), []string{"--addr", "127.0.0.1:0", "--program", `{"rewards": [{"trigger": "sometimes", "amount": 5}]}`}, func(string) string { return "" }, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "trigger") {
		t.Errorf("invalid rule: run = %v", err)
	}
}

func TestFixturesFlagsAndEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	// A flag on the command line wins over the other one's variable.
	c, err := parse("t", []string{"--generate", "customers=3"}, env(map[string]string{"PARTNERO_FAKE_FIXTURES": "none"}), io.Discard)
	if err != nil || c.generate != "customers=3" {
		t.Errorf("--generate over PARTNERO_FAKE_FIXTURES: %+v, %v", c, err)
	}
	c, err = parse("t", []string{"--fixtures", "none"}, env(map[string]string{"PARTNERO_FAKE_GENERATE": "customers=3"}), io.Discard)
	if err != nil || c.generate != "" || c.fixtures != "none" {
		t.Errorf("--fixtures over PARTNERO_FAKE_GENERATE: %+v, %v", c, err)
	}
	if _, err := parse("t", []string{"--fixtures", "none", "--generate", "customers=3"}, env(nil), io.Discard); err == nil {
		t.Error("both flags accepted")
	}
	if _, err := parse("t", nil, env(map[string]string{"PARTNERO_FAKE_FIXTURES": "none", "PARTNERO_FAKE_GENERATE": "customers=3"}), io.Discard); err == nil {
		t.Error("both variables accepted")
	}
	c, _ = parse("t", []string{"--journal-size", "0", "--webhook-retries", "0"}, env(nil), io.Discard)
	if o, _ := c.options(nil); o.JournalSize != -1 || o.WebhookRetries != -1 {
		t.Errorf("zero sizes: journal %d, retries %d", o.JournalSize, o.WebhookRetries)
	}
}
