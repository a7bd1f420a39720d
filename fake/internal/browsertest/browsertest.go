// Package browsertest starts a headless Chromium for the project's browser
// tests, with the flags this project's CI requires: no sandbox (root in a
// container), no background networking, a fresh profile per test.
//
// A test that cannot find Chromium is skipped with a clear message, except
// in CI (PARTNERO_FAKE_CI set), where it fails: a browser test that cannot
// run must not pass silently there.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Path returns the Chromium executable to use, or "" when none is found.
// PARTNERO_FAKE_CHROMIUM names one explicitly.
func Path() string {
	if p := os.Getenv("PARTNERO_FAKE_CHROMIUM"); p != "" {
		return p
	}
	// The executables looked for, in order.
	for _, c := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	return ""
}

// New starts a headless Chromium for t and returns a chromedp context for
// one tab, cancelled (and the browser stopped) when t ends. Every action run
// in it is bounded by timeout.
func New(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	path := Path()
	if path == "" {
		msg := "browser test needs Chromium: install Debian's chromium package or set PARTNERO_FAKE_CHROMIUM"
		if os.Getenv("PARTNERO_FAKE_CI") != "" {
			t.Fatal(msg + " (PARTNERO_FAKE_CI is set: failing, not skipping)")
		}
		t.Skip(msg)
	}
	profile := profileDir(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("safebrowsing-disable-auto-update", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	if err := chromedp.Run(ctx); err != nil { // start the browser now, to fail early
		cancelCtx()
		cancelAlloc()
		t.Fatalf("start Chromium (%s): %v", path, err)
	}
	tctx, cancelT := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() {
		cancelT()
		_ = chromedp.Cancel(ctx) // closes the browser and waits for it
		cancelCtx()
		cancelAlloc()
	})
	return tctx
}

// profileDir returns a fresh profile directory, removed when t ends. Not
// t.TempDir: Chromium's helper processes may still write to the profile
// for a moment after the browser exits, which makes t.TempDir's single
// removal attempt fail the test; this one retries for a few seconds.
func profileDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "partnero-fake-chromium-")
	if err != nil {
		t.Fatalf("profile dir: %v", err)
	}
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for {
			err := os.RemoveAll(dir)
			if err == nil {
				return
			}
			if time.Now().After(deadline) {
				t.Logf("leaving Chromium profile %s: %v", dir, err)
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
	return dir
}
