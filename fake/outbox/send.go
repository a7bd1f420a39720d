package outbox

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// Window is how many deliveries of an outbox may be in flight on one
// connection: requests written, answers not read yet (HTTP/1.1
// pipelining). A receiver answers them in order, one at a time, as it
// would answer them sent one by one; a new connection carries one request
// until its receiver has answered one and kept the connection open.
const Window = 8

// IdleTimeout is how long a connection to a receiver stays open with
// nothing in flight.
const IdleTimeout = 90 * time.Second

// Sender POSTs deliveries to webhooks over HTTP/1.1 keep-alive
// connections, several in flight on each (Window). One Sender serves every
// outbox of a server; each outbox has its own connections.
type Sender struct {
	// Dial connects to a receiver (the fake's enforces the destination
	// policy on every address it dials); nil uses a net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// TLS configures https receivers; nil means the system's roots.
	TLS *tls.Config
	// Check refuses a destination by name, before any DNS lookup; nil
	// allows every destination.
	Check func(url string) error
	// Refused reports whether a send error means the destination policy
	// refused the address: retrying cannot help.
	Refused func(error) bool
	// Timeout is how long a receiver has to answer a delivery, counted
	// from when it was sent or the receiver answered the one before it on
	// the connection, whichever is later.
	Timeout time.Duration
	// Log receives one line per attempt.
	Log *slog.Logger

	mu    sync.Mutex // guards conns
	conns map[*conn]struct{}
}

// Close closes every connection, once the workers of the outboxes it
// serves have returned (Pool.Wait): what they still carry is of outboxes
// cleared since.
func (s *Sender) Close() { s.closeOf(nil) }

// closeOf closes the connections of an outbox (all when o is nil).
func (s *Sender) closeOf(o *Outbox) {
	s.mu.Lock()
	var close []*conn
	for c := range s.conns {
		if o == nil || c.o == o {
			close = append(close, c)
		}
	}
	s.mu.Unlock()
	for _, c := range close {
		c.fail()
	}
}

var (
	errClosedIdle = errors.New("connection closed")
	errShutdown   = errors.New("the server is shutting down")
)

func (s *Sender) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

// target is a parsed webhook URL.
type target struct {
	dest string // scheme://host:port: the connection it goes on
	addr string // host:port to dial
	host string // the Host header
	name string // the TLS server name
	uri  string // the request target
	auth string // an Authorization header from the URL's user info
	tls  bool
}

func parseTarget(raw string) (target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return target{}, err
	}
	t := target{host: u.Host, name: u.Hostname(), uri: u.RequestURI()}
	port := u.Port()
	switch u.Scheme {
	case "http":
		if port == "" {
			port = "80"
		}
	case "https":
		t.tls = true
		if port == "" {
			port = "443"
		}
	default:
		return target{}, fmt.Errorf("unsupported protocol scheme %q", u.Scheme)
	}
	if t.name == "" {
		return target{}, errors.New("no host in request URL")
	}
	if u.User != nil {
		p, _ := u.User.Password()
		t.auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(u.User.Username()+":"+p))
	}
	t.addr = net.JoinHostPort(t.name, port)
	t.dest = u.Scheme + "://" + t.addr
	return t, nil
}

// conn is a connection to a receiver: its outbox's worker writes requests,
// its reader goroutine reads the answers, in order.
type conn struct {
	s    *Sender
	o    *Outbox // the only one writing to it
	nc   net.Conn
	bw   *bufio.Writer // the worker's only
	br   *bufio.Reader // the reader's only
	dest string

	mu       sync.Mutex // guards the fields below
	flight   []*send    // written, not answered, oldest first
	deadline time.Time  // for the oldest answer
	open     bool       // the receiver answered and kept the connection
	dead     error      // why the connection is unusable
}

// send is one request in flight.
type send struct {
	o     *Outbox
	q     *queued
	gen   int
	d     Delivery
	at    time.Time // the tenant's clock when sent
	start time.Time
	dup   bool // the second copy of a duplicate-next instruction
}

// dial opens a connection to a target for an outbox.
func (s *Sender) dial(o *Outbox, t target) (*conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), s.Timeout)
	defer cancel()
	var nc net.Conn
	var err error
	if s.Dial != nil {
		nc, err = s.Dial(ctx, "tcp", t.addr)
	} else {
		var d net.Dialer
		nc, err = d.DialContext(ctx, "tcp", t.addr)
	}
	if err != nil {
		return nil, err
	}
	if t.tls {
		cfg := &tls.Config{}
		if s.TLS != nil {
			cfg = s.TLS.Clone()
		}
		if cfg.ServerName == "" {
			cfg.ServerName = t.name
		}
		cfg.NextProtos = []string{"http/1.1"}
		tc := tls.Client(nc, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			return nil, err
		}
		nc = tc
	}
	c := &conn{s: s, o: o, nc: nc, bw: bufio.NewWriterSize(nc, 32<<10), br: bufio.NewReaderSize(nc, 32<<10), dest: t.dest}
	s.mu.Lock()
	if s.conns == nil {
		s.conns = map[*conn]struct{}{}
	}
	s.conns[c] = struct{}{}
	s.mu.Unlock()
	go c.read()
	return c, nil
}

// room reports whether the connection takes another request now.
func (c *conn) room() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dead != nil {
		// Once its reader has reported what was in flight, the next send
		// dials again.
		return len(c.flight) == 0
	}
	if !c.open {
		return len(c.flight) == 0
	}
	return len(c.flight) < Window
}

// closed reports whether the connection closed and its reader reported
// the requests it carried.
func (c *conn) closed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dead != nil && len(c.flight) == 0
}

// write registers a request as in flight and writes it to the buffer; the
// worker flushes. It reports false when the connection is unusable.
func (c *conn) write(r *send, t target) bool {
	c.mu.Lock()
	if c.dead != nil {
		c.mu.Unlock()
		return false
	}
	r.start = time.Now()
	if len(c.flight) == 0 {
		c.deadline = r.start.Add(c.s.Timeout)
		_ = c.nc.SetReadDeadline(c.deadline)
	}
	c.flight = append(c.flight, r)
	c.mu.Unlock()
	b := c.bw
	b.WriteString("POST ")
	b.WriteString(t.uri)
	b.WriteString(" HTTP/1.1\r\nHost: ")
	b.WriteString(t.host)
	b.WriteString("\r\nUser-Agent: partnero-fake\r\nContent-Length: ")
	var num [20]byte
	b.Write(strconv.AppendInt(num[:0], int64(len(r.d.Body)), 10))
	if t.auth != "" {
		b.WriteString("\r\nAuthorization: ")
		b.WriteString(t.auth)
	}
	b.WriteString("\r\nContent-Type: application/json\r\nSignature: ")
	b.WriteString(r.d.Signature)
	b.WriteString("\r\nX-Partnero-Signature: ") // the older guide's header
	b.WriteString(r.d.Signature)
	b.WriteString("\r\n\r\n")
	b.Write(r.d.Body)
	return true
}

// flush sends what was written. On an error nothing more is written; the
// reader still reads the answers that came (a receiver closing the
// connection after an answer resets it when requests are left unread).
func (c *conn) flush() {
	if c.bw.Buffered() == 0 {
		return
	}
	_ = c.nc.SetWriteDeadline(time.Now().Add(c.s.Timeout))
	if err := c.bw.Flush(); err != nil {
		c.mu.Lock()
		if c.dead == nil {
			c.dead = err
		}
		c.mu.Unlock()
	}
}

// fail closes the connection for good (the server is shutting down or the
// outbox is deleted): the requests in flight fail with errShutdown.
func (c *conn) fail() {
	c.mu.Lock()
	c.dead = errShutdown
	c.mu.Unlock()
	c.nc.Close()
}

// errNoAnswer is the error of requests left unanswered behind one that
// timed out on the same connection.
var errNoAnswer = errors.New("no answer: an earlier delivery on the connection timed out")

// read reads the answers, in order, and reports each attempt to the
// outbox. It ends when the connection fails or closes.
func (c *conn) read() {
	for {
		_, err := c.br.Peek(1)
		c.mu.Lock()
		if err != nil && len(c.flight) > 0 && c.dead == nil && isTimeout(err) && time.Now().Before(c.deadline) {
			// A request was written as the idle deadline passed.
			c.mu.Unlock()
			continue
		}
		if err == nil && len(c.flight) == 0 {
			err = errors.New("the receiver sent data nobody asked for")
		}
		if err != nil {
			c.mu.Unlock()
			c.close(err)
			return
		}
		r := c.flight[0]
		c.mu.Unlock()

		a, keep, err := c.answer(r)
		if err != nil {
			c.close(err)
			return
		}
		c.o.answered(c, a, keep)
		if !keep {
			// The receiver closes the connection after this answer: it
			// will not read the requests behind it, which go again on a
			// new connection.
			c.close(errClosing)
			return
		}
	}
}

// pop takes the oldest request off the connection, answered; keep is
// whether the connection carries more. The outbox's lock is held, so that
// the worker sees the room made and the answer recorded at once.
func (c *conn) pop(keep bool) *send {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.flight[0]
	c.flight[0] = nil
	c.flight = c.flight[1:]
	if !keep {
		if c.dead == nil {
			c.dead = errClosing
		}
		return r
	}
	c.open = true
	now := time.Now()
	c.deadline = now.Add(c.s.Timeout)
	if len(c.flight) == 0 {
		_ = c.nc.SetReadDeadline(now.Add(IdleTimeout))
	} else {
		_ = c.nc.SetReadDeadline(c.deadline)
	}
	return r
}

var errClosing = errors.New("the receiver closed the connection")

// quickAnswer reads the usual answer to a delivery without allocating, when
// it is whole in br's buffer: HTTP/1.1, a 2xx status but 204, one
// Content-Length of at most 1 MiB, no Transfer-Encoding, no Connection
// header, plain "Name: value" lines. It reports false, having read
// nothing, for anything else, which http.ReadResponse then reads
// (TestQuickAnswer checks the two agree); err when the body breaks off.
func quickAnswer(br *bufio.Reader) (code int, ok bool, err error) {
	buf, _ := br.Peek(br.Buffered())
	end := bytes.Index(buf, []byte("\r\n\r\n"))
	if end < 0 || len(buf) < 13 || string(buf[:9]) != "HTTP/1.1 " || buf[9] != '2' || buf[12] != ' ' && buf[12] != '\r' {
		return 0, false, nil
	}
	for _, d := range buf[10:12] {
		if d < '0' || d > '9' {
			return 0, false, nil
		}
	}
	code = 200 + int(buf[10]-'0')*10 + int(buf[11]-'0')
	if code == http.StatusNoContent {
		return 0, false, nil
	}
	length := -1
	head := buf[:end+2]
	line := bytes.IndexByte(head, '\n') + 1
	for line < len(head) {
		n := bytes.IndexByte(head[line:], '\n')
		if n < 1 || head[line+n-1] != '\r' {
			return 0, false, nil
		}
		h := head[line : line+n-1]
		line += n + 1
		colon := bytes.IndexByte(h, ':')
		if colon < 1 || h[0] == ' ' || h[0] == '\t' || bytes.ContainsAny(h[:colon], " \t") {
			return 0, false, nil
		}
		name, value := h[:colon], bytes.Trim(h[colon+1:], " \t")
		switch {
		case bytes.EqualFold(name, []byte("Transfer-Encoding")), bytes.EqualFold(name, []byte("Connection")):
			return 0, false, nil
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length >= 0 || len(value) == 0 || len(value) > 7 {
				return 0, false, nil
			}
			length = 0
			for _, d := range value {
				if d < '0' || d > '9' {
					return 0, false, nil
				}
				length = length*10 + int(d-'0')
			}
		}
	}
	if length < 0 || length >= 1<<20 {
		return 0, false, nil
	}
	if _, err := br.Discard(end + 4 + length); err != nil {
		return 0, false, err
	}
	return code, true, nil
}

// answer reads one answer and its body (up to 1 MiB; a longer body closes
// the connection after it). keep is whether the connection carries more.
func (c *conn) answer(r *send) (Attempt, bool, error) {
	if code, ok, err := quickAnswer(c.br); err != nil {
		return Attempt{}, false, err
	} else if ok {
		a := Attempt{At: r.at, StatusCode: code, LatencyMS: float64(time.Since(r.start).Microseconds()) / 1000}
		c.s.logAttempt(r.d, a)
		return a, true, nil
	}
	var resp *http.Response
	var err error
	for {
		resp, err = http.ReadResponse(c.br, nil)
		if err != nil {
			return Attempt{}, false, err
		}
		if resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
			break
		}
		resp.Body.Close() // an informational answer: the final one follows
	}
	n, err := io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return Attempt{}, false, err
	}
	keep := !resp.Close && resp.StatusCode != http.StatusSwitchingProtocols
	if n == 1<<20 {
		keep = false // the rest of a huge body is not worth reading
	}
	resp.Body.Close()
	a := Attempt{At: r.at, StatusCode: resp.StatusCode, LatencyMS: float64(time.Since(r.start).Microseconds()) / 1000}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		a.Error = "receiver answered " + resp.Status
	}
	c.s.logAttempt(r.d, a)
	return a, keep, nil
}

// close ends the connection after a read error, err, and ends the requests
// still in flight. The oldest fails with err, and, after a timeout or on
// shutdown, those behind it fail too (the receiver may still be working
// on them). Otherwise the receiver closed the connection (errClosing after
// an answer saying so; end of file or reset after an answer or none): it
// answers pipelined requests one at a time, in order, so it never read
// those behind the first unanswered one, which go again without counting
// as attempts; after errClosing, that first one too.
func (c *conn) close(err error) {
	var attempts []Attempt
	var failed []*send
	c.o.mu.Lock() // the outbox sees the requests leave and their outcome at once
	c.mu.Lock()
	if c.dead == errShutdown {
		err = errShutdown
	} else if c.dead == nil {
		c.dead = err
	}
	left := c.flight
	c.flight = nil
	c.mu.Unlock()
	timeout := isTimeout(err)
	for i, r := range left {
		e := err
		switch {
		case err == errShutdown:
		case errors.Is(err, errClosing) || i > 0 && !timeout:
			c.o.landLocked(r, nil)
			continue
		case i > 0:
			e = errNoAnswer
		case timeout:
			e = fmt.Errorf("no answer within %s", c.s.Timeout)
		}
		a := c.s.failed(r, e)
		c.o.landLocked(r, &a)
		attempts, failed = append(attempts, a), append(failed, r)
	}
	c.o.mu.Unlock()
	c.nc.Close()
	c.s.mu.Lock()
	delete(c.s.conns, c)
	c.s.mu.Unlock()
	for i, r := range failed {
		c.s.logAttempt(r.d, attempts[i])
	}
}

// failed returns a failed attempt of a request.
func (s *Sender) failed(r *send, err error) Attempt {
	var refused refusal
	if errors.As(err, &refused) {
		return Attempt{At: r.at, Error: refused.err.Error(), refused: true}
	}
	a := Attempt{At: r.at, Error: fmt.Sprintf("Post %q: %v", r.d.URL, err)}
	if !r.start.IsZero() {
		a.LatencyMS = float64(time.Since(r.start).Microseconds()) / 1000
	}
	a.refused = s.Refused != nil && s.Refused(err)
	return a
}

// refusal is a destination Sender.Check refused, by name.
type refusal struct{ err error }

func (r refusal) Error() string { return r.err.Error() }

func (s *Sender) logAttempt(d Delivery, a Attempt) {
	if a.refused {
		s.log().Warn("webhook delivery refused", "webhook", d.WebhookKey, "url", d.URL, "error", a.Error)
		return
	}
	s.log().Info("webhook delivery", "webhook", d.WebhookKey, "url", d.URL, "status", a.StatusCode, "error", a.Error)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
