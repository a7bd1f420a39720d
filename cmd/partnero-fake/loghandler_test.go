package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/partnero-fake/partnero-fake/fake"
)

// TestTextHandlerMatchesSlog: the fast handler writes TextHandler's bytes
// for the request line and for records it hands over.
func TestTextHandlerMatchesSlog(t *testing.T) {
	at := time.Date(2026, 11, 21, 10, 55, 1, 987654321, time.FixedZone("x", 3600))
	recs := []func() slog.Record{
		func() slog.Record {
			r := slog.NewRecord(at, slog.LevelInfo, "request", 0)
			r.AddAttrs(slog.String("method", "GET"), slog.String("path", "/v1/customers/demo-ben"),
				slog.String("operation", "getCustomer"), slog.Int("status", 200), slog.String("tenant", "key:92488e1e"),
				slog.Int("warnings", 0), slog.Duration("duration", 52100*time.Nanosecond), slog.Bool("ok", true))
			return r
		},
		func() slog.Record {
			r := slog.NewRecord(at, slog.LevelInfo, "request", 0)
			r.AddAttrs(slog.String("operation", ""), slog.String("path", "/v1/a b"), slog.String("q", `a"b`),
				slog.String("x", "a=b"), slog.String("u", "ünï"), slog.String("bs", `a\b`), slog.Int("neg", -3))
			return r
		},
		func() slog.Record {
			r := slog.NewRecord(time.Time{}, slog.LevelInfo, "no time", 0)
			r.AddAttrs(slog.Duration("d", 3*time.Second+time.Millisecond), slog.Any("err", errors.New("boom")))
			return r
		},
		func() slog.Record {
			r := slog.NewRecord(at, slog.LevelError, "handler failed", 0)
			r.AddAttrs(slog.String("operation", "createCustomer"), slog.Group("g", slog.Int("a", 1)))
			return r
		},
		func() slog.Record {
			r := slog.NewRecord(at.Add(time.Millisecond/2), slog.LevelInfo, "request", 0)
			r.AddAttrs(slog.Attr{}, slog.Float64("f", 1.5), slog.Time("t", at))
			return r
		},
		func() slog.Record { return slog.NewRecord(at.Truncate(time.Second), slog.LevelInfo, "bare", 0) },
	}
	for i, mk := range recs {
		var got, want bytes.Buffer
		if err := newTextHandler(&got).Handle(context.Background(), mk()); err != nil {
			t.Fatal(err)
		}
		if err := slog.NewTextHandler(&want, nil).Handle(context.Background(), mk()); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("record %d:\n got %q\nwant %q", i, got.String(), want.String())
		}
	}
}

// TestRequestLineMatchesSlog: a request's line written from its fields is
// TextHandler's line for the record of the same attributes, plain or in
// need of quoting.
func TestRequestLineMatchesSlog(t *testing.T) {
	at := time.Date(2026, 11, 21, 10, 55, 1, 987654321, time.FixedZone("x", 3600))
	for _, l := range []fake.RequestLine{
		{Time: at, Method: "GET", Path: "/v1/customers/demo-ben", Operation: "getCustomer", Status: 200, Tenant: "key:92488e1e", Duration: 52100 * time.Nanosecond},
		{Time: at, Method: "POST", Path: "/v1/nope", Status: 404, Tenant: "key:1", Warnings: 3, Duration: 3*time.Second + time.Millisecond},
		{Time: at, Method: "GET", Path: "/v1/customers/a b", Operation: "getCustomer", Status: 200, Tenant: "key:1"},
		{Time: at, Method: "GET", Path: `/v1/customers/a"b=ü`, Operation: "getCustomer", Status: 422, Tenant: "key:1"},
		{Method: "PUT", Path: "/v1/program", Operation: "updateProgram", Status: 200, Tenant: "none"},
	} {
		var got, want bytes.Buffer
		if err := newTextHandler(&got).HandleRequestLine(context.Background(), l); err != nil {
			t.Fatal(err)
		}
		r := slog.NewRecord(l.Time, slog.LevelInfo, "request", 0)
		r.AddAttrs(l.Attrs()...)
		if err := slog.NewTextHandler(&want, nil).Handle(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("got  %q\nwant %q", got.String(), want.String())
		}
	}
}

func BenchmarkRequestLogLine(b *testing.B) {
	at := time.Now()
	for _, c := range []struct {
		name string
		h    slog.Handler
	}{{"slog", slog.NewTextHandler(io.Discard, nil)}, {"fast", newTextHandler(io.Discard)}} {
		b.Run(c.name, func(b *testing.B) {
			l := slog.New(c.h)
			b.ReportAllocs()
			for b.Loop() {
				l.LogAttrs(context.Background(), slog.LevelInfo, "request",
					slog.String("method", "GET"), slog.String("path", "/v1/customers/demo-ben"),
					slog.String("operation", "getCustomer"), slog.Int("status", 200), slog.String("tenant", "key:92488e1e"),
					slog.Int("warnings", 0), slog.Duration("duration", time.Since(at)))
			}
		})
	}
}

// BenchmarkRequestLine is the request's line as the server writes it with
// the command's handler: from its fields, without a slog.Record.
func BenchmarkRequestLine(b *testing.B) {
	h := newTextHandler(io.Discard)
	at := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		_ = h.HandleRequestLine(context.Background(), fake.RequestLine{Time: time.Now(), Method: "GET", Path: "/v1/customers/demo-ben",
			Operation: "getCustomer", Status: 200, Tenant: "key:92488e1e", Duration: time.Since(at)})
	}
}
