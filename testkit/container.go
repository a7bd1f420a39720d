package testkit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
)

// Container is a fake running in a container. Its embedded Client offers
// the same helpers as an in-process Server, over the control plane.
type Container struct {
	testcontainers.Container
	*Client
	hostNetwork bool
}

// HostNetwork reports whether the container shares the host's network, so
// that webhook receivers on the host's loopback are reachable from it.
func (c *Container) HostNetwork() bool { return c.hostNetwork }

// containerPort is where the image listens on a bridge network.
const containerPort = "8080/tcp"

// fixturesPath is where Run copies fixtures given as a document or file.
const fixturesPath = "/fixtures.json"

// Run starts the partnero-fake image img and waits until GET /_fake/ready
// answers. Module defaults come first and the caller's options last, so a
// testcontainers option can override any default; testkit Options
// (WithDemoFixtures, WithProgram, ...) become flags and environment
// variables of the container.
//
// On a bridge network (the default) the port is published on 127.0.0.1
// only. With WithHostNetwork(true), or PARTNERO_FAKE_NETWORK=host in the
// environment, the container shares the host's network and listens on a
// free loopback port (Linux; what this project's CI uses).
//
// Run returns the container even with an error, so that the caller can
// terminate it: call testcontainers.CleanupContainer before checking err.
func Run(ctx context.Context, img string, opts ...testcontainers.ContainerCustomizer) (*Container, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if mo, ok := o.(Option); ok {
			if err := mo(&cfg); err != nil {
				return nil, fmt.Errorf("run partnero-fake: %w", err)
			}
		}
	}
	env := map[string]string{"PARTNERO_FAKE_FIXTURES": "none"}
	var files []testcontainers.ContainerFile
	switch cfg.fixtures {
	case fixturesDemo:
		env["PARTNERO_FAKE_FIXTURES"] = "default"
	case fixturesGenerated:
		delete(env, "PARTNERO_FAKE_FIXTURES")
		env["PARTNERO_FAKE_SEED"] = strconv.FormatInt(cfg.seed, 10)
		env["PARTNERO_FAKE_GENERATE"] = fmt.Sprintf("customers=%d,referral_ratio=%g,transactions=%d",
			cfg.counts.Customers, cfg.counts.ReferralRatio, cfg.counts.TransactionsPerReferred)
	case fixturesFile:
		env["PARTNERO_FAKE_FIXTURES"] = fixturesPath
		files = append(files, testcontainers.ContainerFile{HostFilePath: cfg.file, ContainerFilePath: fixturesPath, FileMode: 0o644})
	case fixturesSnapshot:
		b, err := json.Marshal(cfg.snapshot)
		if err != nil {
			return nil, fmt.Errorf("run partnero-fake: fixtures: %w", err)
		}
		env["PARTNERO_FAKE_FIXTURES"] = fixturesPath
		files = append(files, testcontainers.ContainerFile{Reader: bytes.NewReader(b), ContainerFilePath: fixturesPath, FileMode: 0o644})
	}
	if cfg.program != nil {
		b, err := json.Marshal(cfg.program)
		if err != nil {
			return nil, fmt.Errorf("run partnero-fake: program: %w", err)
		}
		env["PARTNERO_FAKE_PROGRAM"] = string(b)
	}
	if !cfg.freeze.IsZero() {
		env["PARTNERO_FAKE_FREEZE"] = cfg.freeze.UTC().Format(time.RFC3339)
	}
	env["PARTNERO_FAKE_STRICT"] = strconv.FormatBool(cfg.strict)
	if len(cfg.allowedKeys) > 0 {
		env["PARTNERO_FAKE_API_KEYS"] = strings.Join(cfg.allowedKeys, ",")
	}

	host := os.Getenv("PARTNERO_FAKE_NETWORK") == "host"
	if cfg.hostNetwork != nil {
		host = *cfg.hostNetwork
	}
	port := containerPort
	defaults := []testcontainers.ContainerCustomizer{}
	if host {
		p, err := freePort()
		if err != nil {
			return nil, fmt.Errorf("run partnero-fake: %w", err)
		}
		port = strconv.Itoa(p) + "/tcp"
		// The image's HEALTHCHECK reads the same variable, so both agree.
		env["PARTNERO_FAKE_ADDR"] = "127.0.0.1:" + strconv.Itoa(p)
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
	defaults = append(defaults,
		testcontainers.WithEnv(env),
		testcontainers.WithWaitStrategy(wait.ForHTTP("/_fake/ready").WithPort(port).
			WithPollInterval(20*time.Millisecond).WithStartupTimeout(30*time.Second)))
	if len(files) > 0 {
		defaults = append(defaults, testcontainers.WithFiles(files...))
	}

	ctr, err := testcontainers.Run(ctx, img, append(defaults, opts...)...)
	var c *Container
	if ctr != nil {
		c = &Container{Container: ctr, hostNetwork: host}
	}
	if err != nil {
		return c, fmt.Errorf("run partnero-fake: %w", err)
	}
	base, err := ctr.PortEndpoint(ctx, port, "http")
	if err != nil {
		return c, fmt.Errorf("run partnero-fake: endpoint: %w", err)
	}
	// Longer than the longest AwaitWebhook (60 s).
	c.Client = newClient(base, cfg.apiKey, &http.Client{Timeout: 90 * time.Second})
	return c, nil
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
