package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAnswerLen(t *testing.T) {
	empty := "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"
	whole := "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\ncontent-length: 7\r\n\r\n{\"a\":1}"
	for _, c := range []struct {
		name   string
		in     string
		n      int
		status int
		bad    bool
	}{
		{"whole", whole, len(whole), 201, false},
		{"headers cut", whole[:20], 0, 0, false},
		{"body cut", whole[:len(whole)-1], 0, 0, false},
		{"no body", empty, len(empty), 204, false},
		{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 0, 0, true},
		{"no length", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n", 0, 0, true},
		{"bad length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 0, 0, true},
		{"not http", "SSH-2.0-OpenSSH\r\n\r\n", 0, 0, true},
		{"endless headers", "HTTP/1.1 200 OK\r\nX: " + strings.Repeat("a", 70<<10), 0, 0, true},
	} {
		n, status, err := answerLen([]byte(c.in))
		if n != c.n || status != c.status || (err != nil) != c.bad {
			t.Errorf("%s: answerLen = %d, %d, %v; want %d, %d, error %v", c.name, n, status, err, c.n, c.status, c.bad)
		}
	}
}

func TestSpinTargetOnlyLoopback(t *testing.T) {
	for _, u := range []string{"http://10.0.0.1:80/v1", "http://localhost:80/v1", "https://127.0.0.1:443/v1", "http://[::1]:80/v1", "http://127.0.0.1/v1"} {
		if _, err := spinTargetOf(u, "GET", "", "p"); err == nil {
			t.Errorf("spinTargetOf(%q) accepted it", u)
		}
	}
	tg, err := spinTargetOf("http://127.0.0.1:8080/v1/customers?limit=1", "POST", `{"id":"{N}"}`, "p-")
	if err != nil {
		t.Fatal(err)
	}
	first, second := string(tg.next()), string(tg.next())
	want := "POST /v1/customers?limit=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAuthorization: Bearer test_key\r\n" +
		"Content-Type: application/json\r\nContent-Length: 12\r\n\r\n{\"id\":\"p-1\"}"
	if first != want {
		t.Errorf("first request:\n%q\nwant\n%q", first, want)
	}
	if !strings.HasSuffix(second, `{"id":"p-2"}`) {
		t.Errorf("second request ends %q, want a new value", second[len(second)-12:])
	}
}

// The generator completes requests on every connection, gives each POST a
// new value, and counts answers that are not 2xx.
func TestSpinLoadsAServer(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	answered := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen[string(b)]++
		answered++
		mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer "+apiKey {
			w.WriteHeader(http.StatusUnauthorized)
		}
		if r.URL.Path == "/fail" {
			w.WriteHeader(http.StatusInternalServerError)
		}
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()

	tg, err := spinTargetOf(srv.URL+"/v1/customers", "POST", `{"id":"{N}"}`, "t-")
	if err != nil {
		t.Fatal(err)
	}
	lat, bad, err := spin(tg, 4, 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if len(lat) < 10 || bad != 0 {
		t.Errorf("%d answers, %d bad; want at least 10, none bad", len(lat), bad)
	}
	// Requests in flight at the deadline reached the server unanswered.
	if answered < len(lat) || answered > len(lat)+4 {
		t.Errorf("the server answered %d requests, the generator counted %d", answered, len(lat))
	}
	for body, n := range seen {
		if n != 1 {
			t.Errorf("body %s sent %d times", body, n)
		}
	}
	mu.Unlock()

	tg, _ = spinTargetOf(srv.URL+"/fail", "GET", "", "t-")
	lat, bad, err = spin(tg, 2, 100*time.Millisecond)
	if err != nil || len(lat) == 0 || bad != int64(len(lat)) {
		t.Errorf("against 500s: %d answers, %d bad, %v; want every answer bad", len(lat), bad, err)
	}
}

func TestSpinCommandLine(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("{}"))
	}))
	defer srv.Close()
	var out bytes.Buffer
	if err := spinCommand([]string{"-url", srv.URL + "/v1/customers/x", "-c", "2", "-d", "100ms"}, &out); err != nil {
		t.Fatal(err)
	}
	l, err := parseResult(out.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if l.requests == 0 || l.errors != 0 || l.seconds < 0.1 || l.p99 <= 0 {
		t.Errorf("result %+v from %q", l, out.String())
	}
	if err := spinCommand([]string{"-url", "http://192.0.2.1:80/", "-d", "100ms"}, io.Discard); err == nil {
		t.Error("spin accepted an address off loopback")
	}
}

func TestSpinOption(t *testing.T) {
	o, err := parseOptions([]string{"-spin"}, io.Discard)
	if err != nil || !o.spin {
		t.Fatalf("-spin: %+v, %v", o, err)
	}
	if _, err := parseOptions([]string{"-spin", "-go"}, io.Discard); err == nil {
		t.Error("-spin -go accepted: they choose two generators")
	}
}
