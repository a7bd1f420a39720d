package main

import (
	"bufio"
	"context"
	"flag"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// start runs the program on a free loopback port and returns its address
// and the channel run's result arrives on; cancel stops it like SIGTERM.
func start(t *testing.T, ctx context.Context, args ...string) (string, chan error) {
	t.Helper()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), func(string) string { return "" }, io.Discard, ready)
	}()
	select {
	case addr := <-ready:
		return addr, done
	case err := <-done:
		t.Fatalf("run: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("server did not start")
	}
	return "", nil
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer k")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestShutdownEndsLongPolls: SIGTERM with an await pending ends it (503)
// and the program exits cleanly at once, not after the shutdown timeout.
func TestShutdownEndsLongPolls(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, done := start(t, ctx, "--shutdown-timeout", "30s")
	polled := make(chan int, 1)
	go func() {
		resp, _ := get(t, "http://"+addr+"/_fake/webhooks/await?type=customer.deleted&timeout=60s")
		polled <- resp.StatusCode
	}()
	time.Sleep(200 * time.Millisecond)
	stopped := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run = %v, want nil (exit 0)", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("shutdown waited out the long-poll")
	}
	if d := time.Since(stopped); d > 5*time.Second {
		t.Errorf("shutdown took %v", d)
	}
	if got := <-polled; got != http.StatusServiceUnavailable {
		t.Errorf("pending await answered %d, want 503", got)
	}
}

// TestConnectionTimeouts: a body trickling in is cut off at the read
// timeout, an idle keep-alive connection is closed at the idle timeout, and
// a long-poll outlives both the read and the write timeout.
func TestConnectionTimeouts(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, _ := start(t, ctx, "--read-timeout", "300ms", "--write-timeout", "300ms", "--idle-timeout", "300ms")

	t.Run("slow body", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_, _ = io.WriteString(conn, "POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
		start := time.Now()
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		for i := 0; ; i++ { // one byte every 100 ms, until the server gives up
			if _, err := io.WriteString(conn, " "); err != nil {
				break
			}
			if i > 50 {
				t.Fatal("the server is still reading after 5s")
			}
			time.Sleep(100 * time.Millisecond)
			if time.Since(start) > time.Second {
				break
			}
		}
		_, _ = io.ReadAll(conn) // the answer, if any, then EOF
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("connection open for %v", d)
		}
	})

	t.Run("idle keep-alive", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_, _ = io.WriteString(conn, "GET /_fake/health HTTP/1.1\r\nHost: x\r\n\r\n")
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		idle := time.Now()
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := br.ReadByte(); err == nil {
			t.Fatal("unexpected data on an idle connection")
		} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatal("the idle connection stayed open 10s")
		}
		if d := time.Since(idle); d < 200*time.Millisecond {
			t.Errorf("closed after %v, before the idle timeout", d)
		}
	})

	t.Run("long-poll", func(t *testing.T) {
		resp, body := get(t, "http://"+addr+"/_fake/webhooks/await?type=customer.deleted&timeout=1s")
		if resp.StatusCode != http.StatusRequestTimeout || !strings.Contains(body, "No matching webhook event") {
			t.Errorf("await past the timeouts: %d %s", resp.StatusCode, body)
		}
	})
}

// TestReadmeListsEveryLimit: the README's Limits section names every flag
// that bounds something.
func TestReadmeListsEveryLimit(t *testing.T) {
	doc, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	section := sectionOf(string(doc), "## Limits")
	var l limits
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	l.register(fs)
	names := []string{"max-body-bytes", "journal-size"}
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	for _, n := range names {
		if !strings.Contains(section, "`--"+n+"`") {
			t.Errorf("README ## Limits does not list --%s", n)
		}
	}
}

// TestLimitFlags: the limit flags and their environment twins reach
// fake.Options; --webhook-allow repeats and takes comma lists.
func TestLimitFlags(t *testing.T) {
	env := map[string]string{"PARTNERO_FAKE_MAX_TENANTS": "7", "PARTNERO_FAKE_WEBHOOK_ALLOW": "10.0.0.0/8"}
	c, err := parse("t", []string{"--webhook-allow", "127.0.0.1, hooks.internal", "--webhook-allow", "::1", "--max-faults", "3"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	o, err := c.options(nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.MaxTenants != 7 || o.MaxFaults != 3 || strings.Join(o.WebhookAllow, " ") != "127.0.0.1 hooks.internal ::1" {
		t.Errorf("options %+v", o)
	}
	c, _ = parse("t", nil, func(k string) string { return env[k] }, io.Discard)
	if o, _ := c.options(nil); strings.Join(o.WebhookAllow, " ") != "10.0.0.0/8" || o.MaxSnapshots != 100 {
		t.Errorf("from the environment: %+v", o)
	}
	err = run(context.Background(), []string{"--addr", "127.0.0.1:0", "--webhook-allow", "http://x/"}, func(string) string { return "" }, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "allow list") {
		t.Errorf("bad allow list: run = %v", err)
	}
}
