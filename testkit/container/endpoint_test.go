package container

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/testcontainers/testcontainers-go/exec"
	"github.com/testcontainers/testcontainers-go/wait"
)

// gatewayTarget is a container as testcontainers sees it where the Docker
// host resolves to a gateway (a machine with /.dockerenv, a
// Docker-in-Docker job): Host answers a bridge gateway's address, and the
// port is published on 127.0.0.1 only. Only Inspect may be used.
type gatewayTarget struct {
	t        *testing.T
	ports    network.PortMap
	inspects int
}

var _ wait.StrategyTarget = (*gatewayTarget)(nil)

func (g *gatewayTarget) Host(context.Context) (string, error) {
	g.t.Error("the readiness wait asked for the resolved Docker host")
	return "172.17.0.1", nil
}

func (g *gatewayTarget) Inspect(context.Context) (*container.InspectResponse, error) {
	g.inspects++
	if g.inspects == 1 { // not published yet
		return &container.InspectResponse{NetworkSettings: &container.NetworkSettings{}}, nil
	}
	return &container.InspectResponse{
		State:           &container.State{Status: container.StateRunning, Running: true},
		NetworkSettings: &container.NetworkSettings{Ports: g.ports},
	}, nil
}

func (g *gatewayTarget) Ports(context.Context) (network.PortMap, error) {
	g.t.Error("the readiness wait used Ports")
	return g.ports, nil
}

func (g *gatewayTarget) MappedPort(context.Context, string) (network.Port, error) {
	g.t.Error("the readiness wait used MappedPort (which goes with the resolved host)")
	return network.Port{}, errors.New("unused")
}

func (g *gatewayTarget) Logs(context.Context) (io.ReadCloser, error) {
	return io.NopCloser(strings.NewReader("")), nil
}

func (g *gatewayTarget) Exec(context.Context, []string, ...exec.ProcessOption) (int, io.Reader, error) {
	return 0, nil, errors.New("unused")
}

func (g *gatewayTarget) State(context.Context) (*container.State, error) {
	return &container.State{Status: container.StateRunning, Running: true}, nil
}

func (g *gatewayTarget) CopyFileFromContainer(context.Context, string) (io.ReadCloser, error) {
	return nil, errors.New("unused")
}

// recorder is an http.RoundTripper that records URLs and answers without
// any network traffic: 503 at first, then 200.
type recorder struct {
	mu   sync.Mutex
	urls []string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.urls = append(r.urls, req.URL.String())
	status := http.StatusServiceUnavailable
	if len(r.urls) > 1 {
		status = http.StatusOK
	}
	return &http.Response{StatusCode: status, Body: io.NopCloser(strings.NewReader(`{}`)), Request: req}, nil
}

func ports(ip, port string) network.PortMap {
	return network.PortMap{network.MustParsePort(containerPort): {{HostIP: netip.MustParseAddr(ip), HostPort: port}}}
}

// TestReadinessUsesPublishedLoopbackBinding shows, without Docker and
// without network traffic, that the readiness wait and the endpoint come
// from the loopback binding Docker published, whatever the Docker host
// resolves to (here a gateway address, which the target reports but must
// never be asked for).
func TestReadinessUsesPublishedLoopbackBinding(t *testing.T) {
	target := &gatewayTarget{t: t, ports: ports("127.0.0.1", "49153")}
	rt := &recorder{}
	w := readiness{client: &http.Client{Transport: rt}, timeout: 5 * time.Second, poll: time.Millisecond}
	if err := w.WaitUntilReady(context.Background(), target); err != nil {
		t.Fatal(err)
	}
	want := "http://127.0.0.1:49153/_fake/ready"
	if len(rt.urls) != 2 || rt.urls[0] != want || rt.urls[1] != want {
		t.Errorf("probed %q, want %q twice (503, then 200)", rt.urls, want)
	}
	if target.inspects != 3 {
		t.Errorf("inspected %d times, want 3 (unpublished, 503, 200)", target.inspects)
	}
	insp, _ := target.Inspect(context.Background())
	if base, err := endpoint(insp, 0); err != nil || base != "http://127.0.0.1:49153" {
		t.Errorf("endpoint = %q, %v", base, err)
	}
}

func TestEndpoint(t *testing.T) {
	for _, tc := range []struct {
		name     string
		ports    network.PortMap
		hostPort int
		want     string // "" for an error
	}{
		{"loopback binding", ports("127.0.0.1", "32768"), 0, "http://127.0.0.1:32768"},
		{"wildcard binding", ports("0.0.0.0", "32768"), 0, "http://127.0.0.1:32768"},
		{"IPv6 loopback", ports("::1", "32768"), 0, "http://[::1]:32768"},
		{"IPv6 wildcard", ports("::", "32768"), 0, "http://[::1]:32768"},
		{"host network", nil, 41000, "http://127.0.0.1:41000"},
		{"host network ignores bindings", ports("172.17.0.1", "1"), 41000, "http://127.0.0.1:41000"},
		{"gateway-only binding", ports("172.17.0.1", "32768"), 0, ""},
		{"not published", nil, 0, ""},
		{"no port yet", ports("127.0.0.1", ""), 0, ""},
	} {
		insp := &container.InspectResponse{NetworkSettings: &container.NetworkSettings{Ports: tc.ports}}
		got, err := endpoint(insp, tc.hostPort)
		if tc.want == "" && err == nil || tc.want != "" && (err != nil || got != tc.want) {
			t.Errorf("%s: endpoint = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

// TestReadinessGivesUp shows the wait ends with a clear error when the
// fake never answers, and at once when the container exits.
func TestReadinessGivesUp(t *testing.T) {
	target := &gatewayTarget{t: t, ports: ports("127.0.0.1", "49153")}
	never := http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
		return nil, errors.New("connection refused")
	})}
	w := readiness{client: &never, timeout: 50 * time.Millisecond, poll: time.Millisecond}
	err := w.WaitUntilReady(context.Background(), target)
	if err == nil || !strings.Contains(err.Error(), "connection refused") || !strings.Contains(err.Error(), "not ready within") {
		t.Errorf("err = %v", err)
	}
	exited := exitedTarget{gatewayTarget{t: t}}
	if err := w.WaitUntilReady(context.Background(), &exited); err == nil || !strings.Contains(err.Error(), "exited with code 2") {
		t.Errorf("exited container: %v", err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

type exitedTarget struct{ gatewayTarget }

func (e *exitedTarget) Inspect(context.Context) (*container.InspectResponse, error) {
	return &container.InspectResponse{State: &container.State{Status: container.StateExited, ExitCode: 2}}, nil
}
