package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The spinning generator is a load generator that never sleeps. wrk and the
// Go generator wait for answers in epoll_wait, and on a virtual machine
// whose idle CPUs halt at once, every answer that finds the generator's CPU
// asleep costs the answering server's kernel an inter-processor interrupt
// (see machine.go): the slower server pays more of them, so part of the
// generator's cost lands on the server's core. This generator keeps
// non-blocking sockets and polls them in a loop on its own CPU, so an answer
// never has anyone to wake, and each server is charged for its own work
// only.
//
// It speaks just enough HTTP/1.1 for the two servers it measures: one
// request at a time per keep-alive connection, answers framed by
// Content-Length (no chunked bodies, no 1xx).

// spinConn is one keep-alive connection of the spinning generator.
type spinConn struct {
	fd   int
	in   []byte    // the answer read so far
	out  []byte    // the request still to write
	sent time.Time // when the request's first byte was written
}

// spinTarget is what the spinning generator sends: a request template with
// {N} in the body replaced by a prefix and a counter.
type spinTarget struct {
	addr                      netip.AddrPort
	method, path, body, prefx string
	n                         int64
}

// next returns the bytes of the next request.
func (t *spinTarget) next() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n", t.method, t.path, t.addr, apiKey)
	if t.body != "" {
		t.n++
		body := strings.ReplaceAll(t.body, "{N}", t.prefx+strconv.FormatInt(t.n, 10))
		fmt.Fprintf(&b, "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	} else {
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// spinTargetOf reads the generator's URL: http://127.0.0.1:port/path only.
func spinTargetOf(raw, method, body, prefix string) (*spinTarget, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	ap, err := netip.ParseAddrPort(u.Host)
	if err != nil || u.Scheme != "http" || ap.Addr() != netip.MustParseAddr("127.0.0.1") {
		return nil, fmt.Errorf("-url %q: want http://127.0.0.1:port/path", raw)
	}
	return &spinTarget{addr: ap, method: method, path: u.RequestURI(), body: body, prefx: prefix}, nil
}

// dial opens a non-blocking TCP connection to addr, without Nagle's delay.
func dial(addr netip.AddrPort) (int, error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	sa := &syscall.SockaddrInet4{Port: int(addr.Port()), Addr: addr.Addr().As4()}
	if err := syscall.Connect(fd, sa); err != nil {
		syscall.Close(fd)
		return -1, err
	}
	if err := syscall.SetsockoptInt(fd, syscall.IPPROTO_TCP, syscall.TCP_NODELAY, 1); err != nil {
		syscall.Close(fd)
		return -1, err
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return -1, err
	}
	return fd, nil
}

// answerLen returns the length of the HTTP answer at the start of b and its
// status, or 0 when b does not hold a whole answer yet.
func answerLen(b []byte) (n, status int, err error) {
	end := bytes.Index(b, []byte("\r\n\r\n"))
	if end < 0 {
		if len(b) > 64<<10 {
			return 0, 0, errors.New("answer headers over 64 KiB")
		}
		return 0, 0, nil
	}
	head := string(b[:end])
	line, fields, _ := strings.Cut(head, "\r\n")
	proto, rest, _ := strings.Cut(line, " ")
	if !strings.HasPrefix(proto, "HTTP/1.") || len(rest) < 3 {
		return 0, 0, fmt.Errorf("status line %q", line)
	}
	status, err = strconv.Atoi(rest[:3])
	if err != nil {
		return 0, 0, fmt.Errorf("status line %q", line)
	}
	length := -1
	for _, f := range strings.Split(fields, "\r\n") {
		k, v, _ := strings.Cut(f, ":")
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "content-length":
			if length, err = strconv.Atoi(strings.TrimSpace(v)); err != nil || length < 0 {
				return 0, 0, fmt.Errorf("Content-Length %q", v)
			}
		case "transfer-encoding":
			return 0, 0, errors.New("a chunked answer: the spinning generator reads Content-Length only")
		}
	}
	if length < 0 {
		return 0, 0, errors.New("an answer without Content-Length")
	}
	if len(b) < end+4+length {
		return 0, 0, nil
	}
	return end + 4 + length, status, nil
}

// spin loads t with conns connections for d, polling them without ever
// sleeping, and returns every answer's latency and the count of answers
// that were not 2xx.
func spin(t *spinTarget, conns int, d time.Duration) (lat []time.Duration, bad int64, err error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cs := make([]*spinConn, conns)
	defer func() {
		for _, c := range cs {
			if c != nil {
				syscall.Close(c.fd)
			}
		}
	}()
	for i := range cs {
		fd, err := dial(t.addr)
		if err != nil {
			return nil, 0, fmt.Errorf("connect %s: %w", t.addr, err)
		}
		cs[i] = &spinConn{fd: fd, in: make([]byte, 0, 16<<10)}
	}
	buf := make([]byte, 64<<10)
	now := time.Now()
	end := now.Add(d)
	for _, c := range cs {
		c.out, c.sent = t.next(), now
	}
	for now.Before(end) {
		for _, c := range cs {
			if len(c.out) > 0 {
				n, err := syscall.Write(c.fd, c.out)
				switch {
				case err == syscall.EAGAIN:
				case err != nil:
					return nil, 0, fmt.Errorf("write: %w", err)
				default:
					c.out = c.out[n:]
				}
				continue
			}
			n, err := syscall.Read(c.fd, buf)
			switch {
			case err == syscall.EAGAIN:
				continue
			case err != nil:
				return nil, 0, fmt.Errorf("read: %w", err)
			case n == 0:
				return nil, 0, io.ErrUnexpectedEOF
			}
			c.in = append(c.in, buf[:n]...)
			size, status, err := answerLen(c.in)
			if err != nil {
				return nil, 0, err
			}
			if size == 0 {
				continue
			}
			if size != len(c.in) {
				return nil, 0, errors.New("bytes after an answer: the server answered more than was asked")
			}
			now = time.Now()
			lat = append(lat, now.Sub(c.sent))
			if status/100 != 2 {
				bad++
			}
			c.in = c.in[:0]
			c.out, c.sent = t.next(), now
		}
		now = time.Now()
	}
	return lat, bad, nil
}

// spinCommand is loadbench spin: the spinning generator as a child process,
// printing one LOADBENCH line like the Go generator.
func spinCommand(args []string, out io.Writer) error {
	f, err := parseGeneratorFlags("spin", args)
	if err != nil {
		return err
	}
	t, err := spinTargetOf(f.url, f.method, f.body, f.prefix)
	if err != nil {
		return err
	}
	start := time.Now()
	lat, bad, err := spin(t, f.conns, f.d)
	if err != nil {
		return err
	}
	return report(out, lat, time.Since(start), bad)
}
