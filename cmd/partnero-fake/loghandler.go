package main

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/partnero-fake/partnero-fake/fake"
)

// textHandler writes the log as slog.TextHandler (default options) does,
// byte for byte, with a fast path for the line of every request: an INFO
// record without groups whose attributes are strings that need no quoting,
// integers, booleans and durations is formatted by appending to a pooled
// buffer, without TextHandler's general machinery. Any other record goes to
// the TextHandler. loghandler_test.go compares both.
type textHandler struct {
	text *slog.TextHandler
	w    io.Writer // safe for concurrent use, each Write kept whole (logWriter)
	bufs sync.Pool
}

func newTextHandler(w io.Writer) *textHandler {
	return &textHandler{text: slog.NewTextHandler(w, nil), w: w,
		bufs: sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}}
}

func (h *textHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.text.Enabled(ctx, l) }

func (h *textHandler) WithAttrs(as []slog.Attr) slog.Handler { return h.text.WithAttrs(as) }

func (h *textHandler) WithGroup(name string) slog.Handler { return h.text.WithGroup(name) }

func (h *textHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level != slog.LevelInfo || !plain(r.Message) {
		return h.text.Handle(ctx, r)
	}
	bp := h.bufs.Get().(*[]byte)
	defer h.bufs.Put(bp)
	b := (*bp)[:0]
	if !r.Time.IsZero() {
		b = append(b, "time="...)
		b = appendRFC3339Millis(b, r.Time.Round(0))
		b = append(b, ' ')
	}
	b = append(b, "level=INFO msg="...)
	b = append(b, r.Message...)
	ok := true
	r.Attrs(func(a slog.Attr) bool {
		if !plain(a.Key) {
			ok = false
			return false
		}
		b = append(b, ' ')
		b = append(b, a.Key...)
		b = append(b, '=')
		switch v := a.Value; v.Kind() {
		case slog.KindString:
			if !plain(v.String()) {
				ok = false
				return false
			}
			b = append(b, v.String()...)
		case slog.KindInt64:
			b = strconv.AppendInt(b, v.Int64(), 10)
		case slog.KindBool:
			b = strconv.AppendBool(b, v.Bool())
		case slog.KindDuration:
			b = append(b, v.Duration().String()...)
		default:
			ok = false
			return false
		}
		return true
	})
	*bp = b
	if !ok {
		return h.text.Handle(ctx, r)
	}
	b = append(b, '\n')
	*bp = b
	_, err := h.w.Write(b)
	return err
}

// HandleRequestLine writes a request's line as Handle writes the record
// with its attributes (fake.RequestLineHandler), without the record.
func (h *textHandler) HandleRequestLine(ctx context.Context, l fake.RequestLine) error {
	if !plain(l.Method) || !plain(l.Path) || !plain(l.Tenant) || (l.Operation != "" && !plain(l.Operation)) {
		r := slog.NewRecord(l.Time, slog.LevelInfo, "request", 0)
		r.AddAttrs(l.Attrs()...)
		return h.Handle(ctx, r) // quoting: TextHandler's rules
	}
	bp := h.bufs.Get().(*[]byte)
	defer h.bufs.Put(bp)
	b := (*bp)[:0]
	if !l.Time.IsZero() {
		b = append(b, "time="...)
		b = appendRFC3339Millis(b, l.Time.Round(0))
		b = append(b, ' ')
	}
	b = append(b, "level=INFO msg=request method="...)
	b = append(b, l.Method...)
	b = append(b, " path="...)
	b = append(b, l.Path...)
	b = append(b, " operation="...)
	if l.Operation == "" {
		b = append(b, `""`...)
	} else {
		b = append(b, l.Operation...)
	}
	b = append(b, " status="...)
	b = strconv.AppendInt(b, int64(l.Status), 10)
	b = append(b, " tenant="...)
	b = append(b, l.Tenant...)
	b = append(b, " warnings="...)
	b = strconv.AppendInt(b, int64(l.Warnings), 10)
	b = append(b, " duration="...)
	b = append(b, l.Duration.String()...)
	b = append(b, '\n')
	*bp = b
	_, err := h.w.Write(b)
	return err
}

// plain reports whether TextHandler writes s as it is: not empty, printable
// ASCII without space, '=' or '"'. (It quotes less than this; anything else
// takes the TextHandler's path.)
func plain(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '=' || c == '"' {
			return false
		}
	}
	return true
}

// appendRFC3339Millis is TextHandler's time format: RFC 3339 with exactly
// three digits of milliseconds.
func appendRFC3339Millis(b []byte, t time.Time) []byte {
	const prefixLen = len("2006-01-02T15:04:05.000")
	n := len(b)
	t = t.Truncate(time.Millisecond).Add(time.Millisecond / 10)
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b[:n+prefixLen], b[n+prefixLen+1:]...) // drop the 4th digit
}
