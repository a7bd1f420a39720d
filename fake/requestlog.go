package fake

import (
	"context"
	"log/slog"
	"time"
)

// RequestLine is the log line of one API request: Server logs it at INFO
// with the message "request" and these fields as attributes, in this
// order: method, path, operation, status, tenant, warnings, duration.
type RequestLine struct {
	Time      time.Time // when the response was written
	Method    string
	Path      string
	Operation string // "" when no operation matched
	Status    int
	Tenant    string // the API key's redacted tag
	Warnings  int    // fidelity warnings of the response
	Duration  time.Duration
}

// RequestLineHandler is a slog.Handler that writes a request's line from
// its fields, exactly as its Handle would write the record with those
// attributes. When the handler of Options.Logger implements it, Server calls
// HandleRequestLine for every API request instead of building a
// slog.Record (the record, its attributes and slog's caller lookup cost a
// twentieth of a request). The command's text handler implements it.
type RequestLineHandler interface {
	slog.Handler
	HandleRequestLine(context.Context, RequestLine) error
}

// Attrs returns the line's attributes, in order, as Server logs them
// through a handler that is not a RequestLineHandler.
func (l RequestLine) Attrs() []slog.Attr {
	return []slog.Attr{slog.String("method", l.Method), slog.String("path", l.Path),
		slog.String("operation", l.Operation), slog.Int("status", l.Status),
		slog.String("tenant", l.Tenant), slog.Int("warnings", l.Warnings), slog.Duration("duration", l.Duration)}
}

// logRequest logs the line of one API request.
func (s *Server) logRequest(ctx context.Context, l RequestLine) {
	if h, ok := s.log.Handler().(RequestLineHandler); ok {
		if h.Enabled(ctx, slog.LevelInfo) {
			_ = h.HandleRequestLine(ctx, l)
		}
		return
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "request", l.Attrs()...)
}
