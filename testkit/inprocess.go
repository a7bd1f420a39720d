package testkit

import (
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/partnero-fake/partnero-fake/fake"
	"github.com/partnero-fake/partnero-fake/testkit/internal/settings"
)

// Server is a fake running in this process, on 127.0.0.1, like an
// httptest.Server. Its embedded Client talks to it as the configured tenant.
type Server struct {
	*Client
	// Fake is the server itself: an http.Handler with Go methods for the
	// control plane (Reset, ExportState, AddFault, Store, Clock, ...).
	Fake *fake.Server

	srv  *httptest.Server
	once sync.Once
	log  *tbLog
}

// Start starts a fake for a test and closes it when the test ends. It
// fails the test if the fake cannot start. Starting one costs well under a
// millisecond (the spec is parsed once per process), so one server per test
// is the normal use.
func Start(tb TB, opts ...Option) *Server {
	tb.Helper()
	cfg := settings.Default()
	log := &tbLog{tb: tb}
	cfg.Logger = slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelInfo}))
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			tb.Fatalf("testkit.Start: %v", err)
		}
	}
	s, err := start(cfg)
	if err != nil {
		tb.Fatalf("testkit.Start: %v", err)
	}
	s.log = log
	tb.Cleanup(s.Close)
	tb.Cleanup(func() { s.checkAllWarnings(tb) }) // before Close: cleanups run last first
	return s
}

// New starts a fake like Start, without a test: the caller must Close it.
// The fake logs nothing unless WithLogger says otherwise.
func New(opts ...Option) (*Server, error) {
	cfg := settings.Default()
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, fmt.Errorf("testkit.New: %w", err)
		}
	}
	return start(cfg)
}

func start(cfg settings.Config) (*Server, error) {
	initial, err := cfg.Initial()
	if err != nil {
		return nil, err
	}
	o := fake.Options{
		StrictResponses: cfg.Strict, Initial: initial, FreezeAt: cfg.Freeze, Logger: cfg.Logger,
		APIKeys: cfg.AllowedKeys,
	}
	if cfg.Program != nil {
		o.Program = *cfg.Program
	}
	f, err := fake.New(o)
	if err != nil {
		return nil, err
	}
	srv := httptest.NewServer(f)
	c := NewClient(srv.URL, cfg.APIKey, srv.Client())
	c.AllowWarnings = cfg.AllowWarnings
	return &Server{Client: c, Fake: f, srv: srv}, nil
}

// Close shuts the server down, waiting for requests in flight. Start
// registers it with tb.Cleanup; calling it again does nothing.
func (s *Server) Close() {
	s.once.Do(func() {
		s.srv.Close()
		s.Fake.Close()
		if s.log != nil {
			s.log.stop()
		}
	})
}

// tbLog writes log lines to tb.Logf until the test ends (logging after a
// test has finished panics).
type tbLog struct {
	mu   sync.Mutex
	tb   TB
	done bool
}

func (l *tbLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done {
		l.tb.Logf("partnero-fake: %s", strings.TrimSuffix(string(p), "\n"))
	}
	return len(p), nil
}

func (l *tbLog) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.done = true
}

// checkAllWarnings fails tb for the unallowed fidelity warnings of every
// tenant of the fake (see AllowWarnings).
func (s *Server) checkAllWarnings(tb TB) {
	tb.Helper()
	for _, key := range s.Fake.WarnedTenants() {
		reportWarnings(tb, key, s.Fake.Tenant(key).Warnings(), s.AllowWarnings)
		s.Fake.Tenant(key).ClearWarnings()
	}
}
