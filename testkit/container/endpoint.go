package container

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/testcontainers/testcontainers-go/wait"
)

// containerPort is where the image listens on a bridge network.
const containerPort = "8080/tcp"

// endpoint returns the fake's base URL from the container's inspect data:
// with host networking (hostPort > 0) the loopback port the fake was told
// to listen on; on a bridge network the loopback binding Docker published
// for 8080/tcp. It never uses the Docker host testcontainers resolves
// (a gateway address inside a container or a Docker-in-Docker job, where
// nothing listens): the port is published on loopback, so the endpoint is
// on loopback too.
func endpoint(insp *container.InspectResponse, hostPort int) (string, error) {
	if hostPort > 0 {
		return fmt.Sprintf("http://127.0.0.1:%d", hostPort), nil
	}
	if insp == nil || insp.NetworkSettings == nil {
		return "", errors.New("no network settings yet")
	}
	bindings := insp.NetworkSettings.Ports[network.MustParsePort(containerPort)]
	for _, b := range bindings {
		if b.HostPort == "" || b.HostPort == "0" {
			continue
		}
		switch {
		case b.HostIP.Is4() && b.HostIP.IsLoopback(), b.HostIP == netip.IPv4Unspecified():
			return "http://" + net.JoinHostPort("127.0.0.1", b.HostPort), nil
		case b.HostIP.IsLoopback(), b.HostIP == netip.IPv6Unspecified():
			return "http://" + net.JoinHostPort("::1", b.HostPort), nil
		}
	}
	if len(bindings) > 0 {
		return "", fmt.Errorf("%s is published only on %v, not on loopback", containerPort, bindings)
	}
	return "", fmt.Errorf("%s is not published yet", containerPort)
}

// readiness waits until GET /_fake/ready answers 200 on the endpoint
// computed from the container's inspect data (see endpoint). It replaces
// testcontainers' wait.ForHTTP, which dials the resolved Docker host.
type readiness struct {
	hostPort int           // > 0 with host networking
	client   *http.Client  // nil: a client with a 2 s timeout
	timeout  time.Duration // whole wait
	poll     time.Duration
}

var _ wait.Strategy = (*readiness)(nil)

// WaitUntilReady implements wait.Strategy.
func (r readiness) WaitUntilReady(ctx context.Context, target wait.StrategyTarget) error {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	hc := r.client
	if hc == nil {
		hc = &http.Client{Timeout: 2 * time.Second}
	}
	var last error
	for {
		insp, err := target.Inspect(ctx)
		switch {
		case err != nil:
			last = err
		case insp.State != nil && insp.State.Status == container.StateExited:
			return fmt.Errorf("container exited with code %d before it was ready", insp.State.ExitCode)
		default:
			var base string
			if base, last = endpoint(insp, r.hostPort); last == nil {
				if last = probe(ctx, hc, base+"/_fake/ready"); last == nil {
					return nil
				}
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("partnero-fake not ready within %s: %w (last: %v)", r.timeout, ctx.Err(), last)
		case <-time.After(r.poll):
		}
	}
}

// probe GETs url and wants a 200.
func probe(ctx context.Context, hc *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return nil
}

// String describes the wait in testcontainers' logs.
func (r *readiness) String() string { return "GET /_fake/ready on the published loopback port" }
