// Package container runs partnero-fake's image for tests, as a
// testcontainers-go module, with the same Options and the same *Client
// helpers as the in-process testkit.Start: a test written against a
// *testkit.Client runs unchanged against either.
//
//	ctr := container.Start(t, testkit.WithDemoFixtures())
//	// point the code under test at ctr.APIURL with key ctr.APIKey
//
// The fake is reached on the loopback address and port Docker published
// (or, with host networking, the loopback port it listens on), never on
// the Docker host testcontainers resolves, so it works where that host is
// a gateway (inside a container, Docker-in-Docker CI jobs). The Docker
// daemon must therefore publish ports on this machine's loopback: a local
// engine, Docker Desktop or rootless Docker, not a remote DOCKER_HOST.
//
// This package is separate so that in-process users of testkit compile no
// Docker client.
package container

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/testcontainers/testcontainers-go"

	"github.com/partnero-fake/partnero-fake/testkit"
	"github.com/partnero-fake/partnero-fake/testkit/internal/settings"
)

// Container is a fake running in a container. Its embedded Client offers
// the same helpers as an in-process testkit.Server, over the control plane.
type Container struct {
	testcontainers.Container
	*testkit.Client
	hostNetwork bool
}

// HostNetwork reports whether the container shares the host's network, so
// that webhook receivers on the host's loopback are reachable from it.
func (c *Container) HostNetwork() bool { return c.hostNetwork }

// fixturesPath is where Run copies fixtures given as a document or file.
const fixturesPath = "/fixtures.json"

// ReadyTimeout is how long Run waits for the fake to answer
// GET /_fake/ready.
const ReadyTimeout = 30 * time.Second

// hostNetwork and customizers are the container-only settings.
type (
	hostNetwork bool
	customizers []testcontainers.ContainerCustomizer
	image       string
)

// WithHostNetwork runs the container on the host's network (Linux) instead
// of a bridge network with a port published on 127.0.0.1. The default
// follows the environment: host networking when PARTNERO_FAKE_NETWORK=host.
// Ignored by testkit.Start.
func WithHostNetwork(on bool) testkit.Option {
	return func(c *settings.Config) error { c.Container = append(c.Container, hostNetwork(on)); return nil }
}

// WithCustomizers passes testcontainers options to Run, after the module's
// own, so that they can override any default. Ignored by testkit.Start.
func WithCustomizers(cs ...testcontainers.ContainerCustomizer) testkit.Option {
	return func(c *settings.Config) error {
		c.Container = append(c.Container, customizers(cs))
		return nil
	}
}

// WithImage makes Start run img instead of the image Image returns.
// Ignored by Run (which takes the image as an argument) and testkit.Start.
func WithImage(img string) testkit.Option {
	return func(c *settings.Config) error {
		if img == "" {
			return errors.New("container: empty image name")
		}
		c.Container = append(c.Container, image(img))
		return nil
	}
}

// config applies opts.
func config(opts []testkit.Option) (settings.Config, error) {
	cfg := settings.Default()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return cfg, err
		}
	}
	return cfg, nil
}

// Run starts the partnero-fake image img and waits until GET /_fake/ready
// answers (up to ReadyTimeout). The Options (testkit.WithDemoFixtures,
// testkit.WithProgram, ...) become environment variables and files of the
// container.
//
// On a bridge network (the default) port 8080 is published on 127.0.0.1
// only. With WithHostNetwork(true), or PARTNERO_FAKE_NETWORK=host in the
// environment, the container shares the host's network and listens on a
// free loopback port (Linux; what this project's CI uses).
//
// Run returns the container even with an error, so that the caller can
// terminate it: call testcontainers.CleanupContainer before checking err.
// Start does all of that for a test.
func Run(ctx context.Context, img string, opts ...testkit.Option) (*Container, error) {
	cfg, err := config(opts)
	if err != nil {
		return nil, fmt.Errorf("run partnero-fake: %w", err)
	}
	host := os.Getenv("PARTNERO_FAKE_NETWORK") == "host"
	var extra []testcontainers.ContainerCustomizer
	for _, x := range cfg.Container {
		switch x := x.(type) {
		case hostNetwork:
			host = bool(x)
		case customizers:
			extra = append(extra, x...)
		}
	}
	env, files, err := environment(cfg)
	if err != nil {
		return nil, fmt.Errorf("run partnero-fake: %w", err)
	}
	wait := readiness{timeout: ReadyTimeout, poll: 20 * time.Millisecond}
	var defaults []testcontainers.ContainerCustomizer
	if host {
		if wait.hostPort, err = freePort(); err != nil {
			return nil, fmt.Errorf("run partnero-fake: %w", err)
		}
		// The image's HEALTHCHECK reads the same variable, so both agree.
		env["PARTNERO_FAKE_ADDR"] = "127.0.0.1:" + strconv.Itoa(wait.hostPort)
		defaults = append(defaults, testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
			hc.NetworkMode = "host"
		}))
	} else {
		env["PARTNERO_FAKE_ADDR"] = ":8080"
		defaults = append(defaults,
			testcontainers.WithExposedPorts(containerPort),
			testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
				hc.PortBindings = network.PortMap{network.MustParsePort(containerPort): {{HostIP: netip.MustParseAddr("127.0.0.1")}}}
			}))
	}
	defaults = append(defaults, testcontainers.WithEnv(env), testcontainers.WithWaitStrategy(&wait))
	if len(files) > 0 {
		defaults = append(defaults, testcontainers.WithFiles(files...))
	}

	ctr, err := testcontainers.Run(ctx, img, append(defaults, extra...)...)
	var c *Container
	if ctr != nil {
		c = &Container{Container: ctr, hostNetwork: host}
	}
	if err != nil {
		return c, fmt.Errorf("run partnero-fake: %w%s", err, logTail(ctx, ctr))
	}
	insp, err := ctr.Inspect(ctx)
	if err != nil {
		return c, fmt.Errorf("run partnero-fake: inspect: %w", err)
	}
	base, err := endpoint(insp, wait.hostPort)
	if err != nil {
		return c, fmt.Errorf("run partnero-fake: endpoint: %w", err)
	}
	c.Client = testkit.NewClient(base, cfg.APIKey, nil)
	c.Client.AllowWarnings = cfg.AllowWarnings
	return c, nil
}

// environment turns the configuration into the container's environment
// and files.
func environment(cfg settings.Config) (map[string]string, []testcontainers.ContainerFile, error) {
	env := map[string]string{"PARTNERO_FAKE_FIXTURES": "none"}
	var files []testcontainers.ContainerFile
	switch cfg.Fixtures {
	case settings.FixturesDemo:
		env["PARTNERO_FAKE_FIXTURES"] = "default"
	case settings.FixturesGenerated:
		delete(env, "PARTNERO_FAKE_FIXTURES")
		env["PARTNERO_FAKE_SEED"] = strconv.FormatInt(cfg.Seed, 10)
		env["PARTNERO_FAKE_GENERATE"] = fmt.Sprintf("customers=%d,referral_ratio=%g,transactions=%d",
			cfg.Counts.Customers, cfg.Counts.ReferralRatio, cfg.Counts.TransactionsPerReferred)
	case settings.FixturesFile:
		env["PARTNERO_FAKE_FIXTURES"] = fixturesPath
		files = append(files, testcontainers.ContainerFile{HostFilePath: cfg.File, ContainerFilePath: fixturesPath, FileMode: 0o644})
	case settings.FixturesSnapshot:
		b, err := json.Marshal(cfg.Snapshot)
		if err != nil {
			return nil, nil, fmt.Errorf("fixtures: %w", err)
		}
		env["PARTNERO_FAKE_FIXTURES"] = fixturesPath
		files = append(files, testcontainers.ContainerFile{Reader: bytes.NewReader(b), ContainerFilePath: fixturesPath, FileMode: 0o644})
	}
	if cfg.Program != nil {
		b, err := json.Marshal(cfg.Program)
		if err != nil {
			return nil, nil, fmt.Errorf("program: %w", err)
		}
		env["PARTNERO_FAKE_PROGRAM"] = string(b)
	}
	if !cfg.Freeze.IsZero() {
		env["PARTNERO_FAKE_FREEZE"] = cfg.Freeze.UTC().Format(time.RFC3339)
	}
	env["PARTNERO_FAKE_STRICT"] = strconv.FormatBool(cfg.Strict)
	if len(cfg.AllowedKeys) > 0 {
		env["PARTNERO_FAKE_API_KEYS"] = strings.Join(cfg.AllowedKeys, ",")
	}
	return env, files, nil
}

// logTail returns the end of the container's output, for an error message
// ("" when there is none).
func logTail(ctx context.Context, ctr testcontainers.Container) string {
	if ctr == nil {
		return ""
	}
	rc, err := ctr.Logs(ctx)
	if err != nil {
		return ""
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, 1<<20))
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) == 0 || lines[0] == "" {
		return ""
	}
	lines = lines[max(0, len(lines)-10):]
	return "\ncontainer output (last lines):\n" + strings.Join(lines, "\n")
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
