package fake

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/partnero-fake/partnero-fake/fixtures"
)

// lineRecorder is a RequestLineHandler that keeps the lines it is given.
type lineRecorder struct {
	slog.Handler
	mu    sync.Mutex
	lines []RequestLine
}

func (h *lineRecorder) HandleRequestLine(_ context.Context, l RequestLine) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lines = append(h.lines, l)
	return nil
}

// TestRequestLineHandler: with a RequestLineHandler the server hands it
// each request's fields, and no record.
func TestRequestLineHandler(t *testing.T) {
	rec := &lineRecorder{Handler: slog.NewTextHandler(failWriter{t}, nil)}
	snap, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	f, err := New(Options{Initial: &snap, Logger: slog.New(rec)})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	req := httptest.NewRequest("GET", "/v1/customers/demo-ben?x=1", nil)
	req.Header.Set("Authorization", "Bearer "+fixtures.DemoAPIKey)
	f.ServeHTTP(httptest.NewRecorder(), req)
	if len(rec.lines) != 1 {
		t.Fatalf("%d lines, want 1", len(rec.lines))
	}
	l := rec.lines[0]
	if l.Method != "GET" || l.Path != "/v1/customers/demo-ben" || l.Operation != "getCustomer" || l.Status != 200 ||
		l.Tenant == "" || l.Warnings != 1 || l.Time.IsZero() || l.Duration <= 0 {
		t.Errorf("line %+v", l)
	}
}

// failWriter fails the test on any write: the record path must not run.
type failWriter struct{ t *testing.T }

func (w failWriter) Write(p []byte) (int, error) {
	w.t.Errorf("a record was written: %s", p)
	return len(p), nil
}
