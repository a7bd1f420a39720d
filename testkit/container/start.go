package container

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/testcontainers/testcontainers-go"

	"github.com/partnero-fake/partnero-fake/testkit"
)

// Start runs the fake in a container for a test, like testkit.Start does
// in-process: it runs the image Image returns (or WithImage's), waits until
// the fake is ready, and terminates the container when the test ends. It
// skips the test when no Docker engine answers, except with
// PARTNERO_FAKE_CI set, where it fails it; any other error fails the test.
func Start(tb testing.TB, opts ...testkit.Option) *Container {
	tb.Helper()
	requireDocker(tb)
	cfg, err := config(opts)
	if err != nil {
		tb.Fatalf("container.Start: %v", err)
	}
	ctx := context.Background()
	var img string
	for _, x := range cfg.Container {
		if i, ok := x.(image); ok {
			img = string(i)
		}
	}
	if img == "" {
		if img, err = Image(ctx); err != nil {
			tb.Fatalf("container.Start: %v", err)
		}
	}
	ctr, err := Run(ctx, img, opts...)
	testcontainers.CleanupContainer(tb, ctr)
	if err != nil {
		tb.Fatalf("container.Start: %v", err)
	}
	tb.Cleanup(func() { ctr.CheckWarnings(tb) }) // before the container goes
	return ctr
}

// requireDocker skips the test when no Docker engine answers, or fails it
// with PARTNERO_FAKE_CI set (CI must run container tests).
func requireDocker(tb testing.TB) {
	tb.Helper()
	err := dockerHealth()
	if err == nil {
		return
	}
	if os.Getenv("PARTNERO_FAKE_CI") != "" {
		tb.Fatalf("container.Start: no Docker engine (PARTNERO_FAKE_CI is set, so container tests must run): %v", err)
	}
	tb.Skipf("skipping: no Docker engine answers (%v); start Docker to run this test", err)
}

// dockerHealth reports whether testcontainers can reach a Docker engine.
func dockerHealth() (err error) {
	defer func() {
		// testcontainers panics when it finds no Docker configuration.
		if r := recover(); r != nil && err == nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	p, err := testcontainers.ProviderDocker.GetProvider()
	if err != nil {
		return err
	}
	defer p.Close()
	return p.Health(context.Background())
}
