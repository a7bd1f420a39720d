package outbox

import (
	"bufio"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/clock"
	"github.com/partnero-fake/partnero-fake/fake/store"
)

// rawReceiver is a receiver written by hand on a listener: the test reads
// the requests and writes the answers itself.
type rawReceiver struct {
	t  *testing.T
	nc net.Conn
	br *bufio.Reader
}

// read reads one request and returns its body, checking the headers.
func (r *rawReceiver) read() string {
	r.t.Helper()
	_ = r.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	req, err := http.ReadRequest(r.br)
	if err != nil {
		r.t.Fatalf("reading a request: %v", err)
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		r.t.Fatal(err)
	}
	mac := hmac.New(sha256.New, []byte("secret"))
	mac.Write(body)
	sig := hex.EncodeToString(mac.Sum(nil))
	if req.Method != http.MethodPost || req.URL.Path != "/hook" || req.Host != r.nc.LocalAddr().String() ||
		req.Header.Get("Content-Type") != "application/json" || req.Header.Get("User-Agent") != "partnero-fake" ||
		req.Header.Get("Signature") != sig || req.Header.Get("X-Partnero-Signature") != sig {
		r.t.Errorf("request %s %s Host %s %v", req.Method, req.URL, req.Host, req.Header)
	}
	return string(body)
}

// quiet checks that no request comes within a short while.
func (r *rawReceiver) quiet() {
	r.t.Helper()
	_ = r.nc.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if _, err := r.br.Peek(1); err == nil {
		r.t.Fatal("a request came beyond the window")
	}
}

func (r *rawReceiver) answer(n int) {
	r.t.Helper()
	for range n {
		if _, err := io.WriteString(r.nc, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"); err != nil {
			r.t.Fatal(err)
		}
	}
}

// TestPipelineWindow: a new connection carries one delivery until the
// receiver answers and keeps it; then up to Window are in flight, each
// answer letting one more go, in order.
func TestPipelineWindow(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c := clock.New(nil)
	c.FreezeAt(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC))
	hook := store.Webhook{Key: "wh", URL: "http://" + ln.Addr().String() + "/hook", Signature: "secret", IsActive: true, Events: []string{store.EventCustomerCreated}}
	pool := NewPool()
	sender := &Sender{Timeout: 10 * time.Second}
	o := New(Config{
		Clock: c, Pool: pool, Sender: sender, MaxPending: 100,
		Lookup:   func(string) (store.Webhook, error) { return hook, nil },
		Render:   func(e store.Event) ([]byte, error) { return []byte(fmt.Sprintf(`{"key":%q}`, e.Customer.Key)), nil },
		Envelope: func(e Envelope) ([]byte, error) { return e.Data, nil },
	})
	defer func() { pool.Close(); o.Wake(); pool.Wait(); sender.Close() }()
	o.SetPaused(true)
	const n = 20
	for i := range n {
		o.Publish([]store.Event{event(fmt.Sprint("c", i), hook)})
	}
	o.SetPaused(false)
	nc, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	r := &rawReceiver{t: t, nc: nc, br: bufio.NewReader(nc)}
	want := func(i int) {
		t.Helper()
		if got := r.read(); got != fmt.Sprintf(`{"key":"c%d"}`, i) {
			t.Fatalf("request %s, want c%d", got, i)
		}
	}
	want(0)
	r.quiet() // one at a time on a new connection
	r.answer(1)
	for i := 1; i <= Window; i++ {
		want(i)
	}
	r.quiet() // a full window
	r.answer(3)
	for i := Window + 1; i <= Window+3; i++ {
		want(i)
	}
	r.quiet()
	r.answer(Window)
	for i := Window + 4; i < n; i++ {
		want(i)
	}
	r.answer(n - 1 - 3 - Window)
	ctx := t.Context()
	if _, err := o.Await(ctx, Filter{Status: StatusDelivered, Data: map[string]string{"key": fmt.Sprint("c", n-1)}}); err != nil {
		t.Fatal(err)
	}
	for _, ev := range o.List(Filter{}) {
		if d := ev.Deliveries[0]; d.Status != StatusDelivered || len(d.Attempts) != 1 || d.Attempts[0].StatusCode != 200 {
			t.Errorf("%s: %+v", ev.ID, d)
		}
	}
}

// TestQuickAnswer checks the allocation-free reading of the usual answer
// against http.ReadResponse with what answer does after it: the same
// status, whether the connection is kept, and where the next answer
// starts; and that it leaves everything else to ReadResponse untouched.
func TestQuickAnswer(t *testing.T) {
	const next = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
	for _, c := range []struct {
		answer string
		quick  bool
	}{
		{"HTTP/1.1 200 OK\r\nDate: Sat, 21 Nov 2026 12:00:00 GMT\r\nContent-Length: 0\r\n\r\n", true},
		{"HTTP/1.1 202 Accepted\r\ncontent-length: 5\r\nContent-Type: text/plain\r\n\r\nhello", true},
		{"HTTP/1.1 200\r\nContent-Length:2\r\n\r\nok", true},
		{"HTTP/1.1 299 Whatever\r\nX-A: b:c\r\nContent-Length: \t3 \r\n\r\nabc", true},
		{"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n", false},
		{"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\nnope", false},
		{"HTTP/1.1 307 Temporary Redirect\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n", false},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", false},
		{"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", false},
		{"HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", false},
		{"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false},
		{"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", false},
		{"HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\nx", false},
		{"HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\nContent-Length: 0\r\n\r\n", false},
		{"HTTP/1.1 200 OK\r\nX Bad: a\r\nContent-Length: 0\r\n\r\n", false},
		{"HTTP/1.1 200 OK\nContent-Length: 0\n\n", false},
		{"HTTP/1.1 200 OK\r\n\r\n", false},
		{"HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n", false},
		{"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false},
	} {
		quick := bufio.NewReader(strings.NewReader(c.answer + next))
		_, _ = quick.Peek(1)
		code, ok, err := quickAnswer(quick)
		if err != nil || ok != c.quick {
			t.Errorf("%q: quick %v (%v), want %v", c.answer, ok, err, c.quick)
			continue
		}
		slow := bufio.NewReader(strings.NewReader(c.answer + next))
		if !ok {
			if quick.Buffered() != len(c.answer+next) {
				t.Errorf("%q: not quick, yet read", c.answer)
			}
			continue
		}
		resp, err := http.ReadResponse(slow, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != code || resp.Close {
			t.Errorf("%q: quick %d, ReadResponse %d close %v", c.answer, code, resp.StatusCode, resp.Close)
		}
		q, _ := io.ReadAll(quick)
		s, _ := io.ReadAll(slow)
		if string(q) != next || string(s) != next {
			t.Errorf("%q: left %q quick, %q ReadResponse", c.answer, q, s)
		}
	}
	// A body that breaks off is an error, not a fallback.
	br := bufio.NewReader(strings.NewReader("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"))
	_, _ = br.Peek(1)
	if _, _, err := quickAnswer(br); err == nil {
		t.Error("a short body read as a whole answer")
	}
}
