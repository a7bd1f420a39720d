package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"

	"github.com/partnero-fake/partnero-fake/cmd/loadbench/internal/bare"
	"github.com/partnero-fake/partnero-fake/fake"
	"github.com/partnero-fake/partnero-fake/fixtures"
)

// heldGCPercent is the collector's target of the -held control: the one
// partnero-fake runs with by default (defaultGCPercent in
// cmd/partnero-fake), so that both collect as often for the same garbage.
const heldGCPercent = 200

// heldRequests is how many requests warm the held fake up (its tenant, its
// journal filled as after a load) and then measure what one allocates.
const heldRequests = 1000

// held is what a -held control holds and allocates: a partnero-fake
// server, with the demo fixtures and warmed up by the scenario's request
// (nil for -hold none), and per request what that server's handler
// allocates for it beyond bare's. The collector then has the fake's work
// (its heap to mark, its garbage to collect) and the handler has bare's.
type held struct {
	srv     *fake.Server // nil: the control holds no server
	bytes   int          // allocated per request, in objects of ...
	objects int          // ... bytes/objects each
}

// holdFake builds the held server, with --strict when strict, and
// measures the bytes and objects its handler allocates per request of
// method and path (GET only: a write grows the store, which a held heap
// of fixed size would not stand for) beyond what a bare handler writing
// the same answer allocates: both serve that request over loopback, from
// net/http's server to net/http's client in this process.
func holdFake(strict bool, method, path string) (*held, error) {
	if method != http.MethodGet {
		return nil, fmt.Errorf("-held measures GET scenarios only, not %s", method)
	}
	demo, err := fixtures.Demo()
	if err != nil {
		return nil, err
	}
	srv, err := fake.New(fake.Options{Initial: &demo, StrictResponses: strict})
	if err != nil {
		return nil, err
	}
	fakeBytes, fakeObjects, answer, err := servedAllocations(srv, method, path)
	if err != nil {
		return nil, err
	}
	bareBytes, bareObjects, _, err := servedAllocations(bare.Handler(answer.contentType, answer.body, nil), method, path)
	if err != nil {
		return nil, err
	}
	return &held{srv: srv, bytes: max(0, fakeBytes-bareBytes), objects: max(1, fakeObjects-bareObjects)}, nil
}

// answer is a response's Content-Type and body.
type answer struct {
	contentType string
	body        []byte
}

// servedAllocations serves h on a loopback port, sends it heldRequests
// requests to warm it up (for the fake: its tenant, and its journal full as
// after a load), and returns the bytes and objects this process allocates
// per request for heldRequests more, one connection, with the last answer.
func servedAllocations(h http.Handler, method, path string) (bytes, objects int, last answer, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, 0, last, err
	}
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport}
	url := "http://" + ln.Addr().String() + path
	send := func() error {
		req, err := http.NewRequest(method, url, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+fixtures.DemoAPIKey)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("held fake: %s %s: %s %s", method, path, resp.Status, strings.TrimSpace(string(body)))
		}
		last = answer{resp.Header.Get("Content-Type"), body}
		return nil
	}
	for range heldRequests {
		if err := send(); err != nil {
			return 0, 0, last, err
		}
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range heldRequests {
		if err := send(); err != nil {
			return 0, 0, last, err
		}
	}
	runtime.ReadMemStats(&after)
	return int(after.TotalAlloc-before.TotalAlloc) / heldRequests, int(after.Mallocs-before.Mallocs) / heldRequests, last, nil
}

// garbage allocates what one of the fake's requests allocates: as many
// objects (the slice holding them is one), as many bytes in all. Not
// inlined, so that what it returns must be on the heap.
//
//go:noinline
func (h *held) garbage() [][]byte {
	if h.objects <= 1 { // the slice alone
		return make([][]byte, max(1, h.bytes/24))
	}
	out := make([][]byte, h.objects-1)
	size := max(1, (h.bytes-24*len(out))/max(1, len(out)))
	for i := range out {
		out[i] = make([]byte, size)
	}
	return out
}

// handler is the control: bare's handler answering contentType and body,
// allocating the fake's garbage first.
func (h *held) handler(contentType string, body []byte) http.Handler {
	return bare.Handler(contentType, body, func() { h.garbage() })
}

// String says what the control holds and allocates, for its log.
func (h *held) String() string {
	what := "holding a partnero-fake server"
	if h.srv == nil {
		what = "holding nothing but what the fake's packages build at start"
	}
	return what + "; allocating " + strconv.Itoa(h.bytes) + " bytes in " + strconv.Itoa(h.objects) + " objects per request"
}
