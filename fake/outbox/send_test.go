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
