package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partnero-fake/partnero-fake/cmd/loadbench/internal/bare"
)

func TestHoldFakeMeasuresTheFakesOwnAllocations(t *testing.T) {
	h, err := holdFake(false, http.MethodGet, "/v1/customers/demo-ben")
	if err != nil {
		t.Fatal(err)
	}
	// A GET of a customer allocates its view, its wire form and the copy
	// its journal keeps (500 bytes and more) beyond what bare's answer does,
	// and far less than a kilobyte per byte of the answer.
	if h.bytes < 500 || h.bytes > 64<<10 || h.objects < 2 || h.objects > 500 {
		t.Fatalf("held fake allocates %d bytes in %d objects per GET; want hundreds to thousands of bytes in tens of objects", h.bytes, h.objects)
	}
	strict, err := holdFake(true, http.MethodGet, "/v1/customers/demo-ben")
	if err != nil {
		t.Fatal(err)
	}
	if strict.bytes <= h.bytes {
		t.Errorf("--strict allocates %d bytes per GET, default %d: response validation should cost more", strict.bytes, h.bytes)
	}
	if _, err := holdFake(false, http.MethodGet, "/v1/customers/nobody"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("a request the fake does not answer with 200: err = %v, want its status", err)
	}
	if _, err := holdFake(false, http.MethodPost, "/v1/customers"); err == nil {
		t.Error("-held accepted a write, whose store grows under load")
	}
}

func TestHeldGarbageAllocatesWhatTheFakeDoes(t *testing.T) {
	for _, h := range []held{{bytes: 2500, objects: 19}, {bytes: 100, objects: 1}, {bytes: 0, objects: 3}} {
		if got := testing.AllocsPerRun(100, func() { h.garbage() }); got != float64(h.objects) {
			t.Errorf("%d objects of %d bytes: garbage allocates %v objects", h.objects, h.bytes, got)
		}
		if h.bytes > 24*h.objects {
			g := h.garbage()
			total := 24 * len(g)
			for _, b := range g {
				total += cap(b)
			}
			if total < h.bytes*9/10 || total > h.bytes*11/10+64 {
				t.Errorf("%d objects of %d bytes: garbage allocates about %d bytes", h.objects, h.bytes, total)
			}
		}
	}
}

func TestBareHandlerHolding(t *testing.T) {
	h, err := holdFake(false, http.MethodGet, "/v1/customers/demo-ben")
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"id":"demo-ben"}`)
	srv := httptest.NewServer(h.handler("application/json", body))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/v1/customers/demo-ben")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || !bytes.Equal(got, body) || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("held bare answered %d %q %q (%v)", resp.StatusCode, resp.Header.Get("Content-Type"), got, err)
	}
	// The held fake's garbage is allocated per request: what the handler
	// allocates grows by its objects.
	rec := func(handler http.Handler) float64 {
		req := httptest.NewRequest(http.MethodGet, "/v1/customers/demo-ben", nil)
		return testing.AllocsPerRun(50, func() { handler.ServeHTTP(httptest.NewRecorder(), req) })
	}
	if with, without := rec(h.handler("application/json", body)), rec(bare.Handler("application/json", body, nil)); with-without != float64(h.objects) {
		t.Errorf("the held handler allocates %v objects more than bare's, want the fake's %d", with-without, h.objects)
	}
}

func TestRunCalibratesAndRefusesWhatItCannotHold(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-calibrate"}, &out); err != nil {
		t.Fatal(err)
	}
	var c calibration
	if err := json.Unmarshal(out.Bytes(), &c); err != nil || c.Bytes < 500 || c.Objects < 2 {
		t.Fatalf("-calibrate printed %q (%v)", out.String(), err)
	}
	body := filepath.Join(t.TempDir(), "body")
	if err := os.WriteFile(body, []byte(`{}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-hold", "none"},                  // nothing to allocate
		{"-hold", "none", "-bytes", "100"}, // in how many objects?
		{"-hold", "contract"},
	} {
		if err := run(append([]string{"-body", body}, args...), io.Discard); err == nil || !strings.Contains(err.Error(), "-hold") {
			t.Errorf("%v: err = %v, want it refused", args, err)
		}
	}
	// -hold none with a calibration serves (here: fails to listen on a
	// port that is not one, after building the control).
	err := run([]string{"-body", body, "-hold", "none", "-bytes", "100", "-objects", "2", "-addr", "127.0.0.1:-1"}, io.Discard)
	if err == nil || strings.Contains(err.Error(), "-hold") {
		t.Errorf("-hold none with a calibration: err = %v, want a listen error", err)
	}
}
