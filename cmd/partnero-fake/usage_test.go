package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"strings"
	"testing"
)

// TestHelp: --help (and -h, and healthcheck --help) exits 0 and lists the
// healthcheck subcommand and every flag with its environment variable.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"healthcheck", "--help"}} {
		var out strings.Builder
		err := run(context.Background(), args, func(string) string { return "" }, &out, nil)
		if !errors.Is(err, flag.ErrHelp) {
			t.Fatalf("%q: run = %v", args, err)
		}
		if code := exitCode(err, io.Discard); code != 0 {
			t.Errorf("%q: exit code %d", args, code)
		}
		help := out.String()
		if !strings.Contains(help, "partnero-fake healthcheck [flags]") {
			t.Errorf("%q: no healthcheck subcommand in:\n%s", args, help)
		}
		for _, name := range []string{"addr", "api-keys", "strict", "log-format", "max-body-bytes", "seed", "freeze",
			"program", "fixtures", "generate", "journal-size", "webhook-retries", "webhook-backoff", "webhook-timeout", "shutdown-timeout"} {
			if !strings.Contains(help, "--"+name) || !strings.Contains(help, "("+envName(name)+")") {
				t.Errorf("%q: --%s or %s missing from the help", args, name, envName(name))
			}
		}
	}
	var stderr strings.Builder
	if code := exitCode(errors.New("boom"), &stderr); code != 1 || stderr.String() != "partnero-fake: boom\n" {
		t.Errorf("an error: exit %d, %q", code, stderr.String())
	}
	if code := exitCode(nil, io.Discard); code != 0 {
		t.Errorf("no error: exit %d", code)
	}
}

// TestDefaultAddrIsLoopback: without --addr or PARTNERO_FAKE_ADDR the fake
// listens on 127.0.0.1 only; the image's PARTNERO_FAKE_ADDR=:8080 wins.
func TestDefaultAddrIsLoopback(t *testing.T) {
	c, err := parse("t", nil, func(string) string { return "" }, io.Discard)
	if err != nil || c.addr != "127.0.0.1:8080" {
		t.Errorf("default addr %q, %v", c.addr, err)
	}
	c, _ = parse("t", nil, func(k string) string {
		if k == "PARTNERO_FAKE_ADDR" {
			return ":8080"
		}
		return ""
	}, io.Discard)
	if c.addr != ":8080" {
		t.Errorf("addr from the image's environment: %q", c.addr)
	}
}

func TestAPIURL(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:8080": "http://127.0.0.1:8080/v1",
		"[::]:8080":      "http://localhost:8080/v1",
		"0.0.0.0:9000":   "http://localhost:9000/v1",
		"[::1]:8080":     "http://[::1]:8080/v1",
		"10.1.2.3:8080":  "http://10.1.2.3:8080/v1",
	} {
		tcp, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := apiURL(tcp); got != want {
			t.Errorf("apiURL(%s) = %s, want %s", addr, got, want)
		}
	}
}
