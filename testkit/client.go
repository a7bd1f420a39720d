package testkit

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/partnero-fake/partnero-fake/fake"
	"github.com/partnero-fake/partnero-fake/testkit/internal/settings"
)

// TB is the part of testing.TB the helpers use; *testing.T and *testing.B
// satisfy it.
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
}

// DefaultAPIKey is the API key a Server or Container client uses unless
// WithAPIKey says otherwise.
const DefaultAPIKey = settings.DefaultAPIKey

// Client talks to a running fake, in-process or in a container, as one
// tenant (one API key). Its helpers fail the test (tb.Fatalf) on any
// transport error or unexpected status. A Client is safe for concurrent use.
type Client struct {
	// URL is the fake's base URL, without a trailing slash.
	URL string
	// APIURL is the Partnero API base: URL + "/v1". Point your Partnero
	// client here.
	APIURL string
	// APIKey is the tenant's key, sent as Authorization: Bearer.
	APIKey string
	// HTTPClient is a client for the fake.
	HTTPClient *http.Client
	// AllowWarnings are the fidelity warning codes CheckWarnings accepts
	// ("*" accepts all); Start and the container's Start set it from
	// AllowWarnings options.
	AllowWarnings []string
}

// NewClient returns a client for the fake at base (scheme, host and port)
// as the tenant of key; hc nil means a client with a 90 s timeout (longer
// than the longest AwaitWebhook).
func NewClient(base, key string, hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: 90 * time.Second}
	}
	base = strings.TrimSuffix(base, "/")
	return &Client{URL: base, APIURL: base + "/v1", APIKey: key, HTTPClient: hc}
}

// WithAPIKey returns a client for another tenant of the same fake.
func (c *Client) WithAPIKey(key string) *Client {
	cc := *c
	cc.APIKey = key
	return &cc
}

// Tenant returns a client for a tenant of its own, named after the test:
// tests sharing one fake (one container for a whole package, say) never
// see each other's data. When the test ends, its fidelity warnings are
// checked (see AllowWarnings) and the tenant is deleted, so a long-lived
// fake does not fill up (see --max-tenants).
func (c *Client) Tenant(tb interface {
	Name() string
	Cleanup(func())
	Logf(format string, args ...any)
}) *Client {
	tc := c.WithAPIKey(tenantKey(os.Args[0], tb.Name()))
	tb.Cleanup(func() { tc.deleteTenant(tb.Logf) })
	if t, ok := tb.(TB); ok {
		// Cleanups run last first: the warnings are read before the tenant goes.
		tb.Cleanup(func() { tc.CheckWarnings(t) })
	}
	return tc
}

// tenantKey is the API key of a test's own tenant: the test binary's name
// (one per package, the same on every run) and the test's name, so that
// packages sharing one fake never share a tenant, and runs stay
// reproducible.
func tenantKey(binary, test string) string {
	return "test:" + strings.TrimSuffix(filepath.Base(binary), ".test") + ":" + test
}

// deleteTenant sends DELETE /_fake/tenant; a failure is only logged, since
// the fake may be gone already.
func (c *Client) deleteTenant(logf func(string, ...any)) {
	req, err := http.NewRequest(http.MethodDelete, c.URL+"/_fake/tenant", nil)
	if err != nil {
		logf("testkit: delete tenant: %v", err)
		return
	}
	req.Header.Set("Authorization", "Bearer "+c.APIKey)
	resp, err := c.HTTPClient.Do(req)
	if err != nil {
		logf("testkit: delete tenant: %v", err)
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		logf("testkit: delete tenant: %s", resp.Status)
	}
}

// Response is a raw response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends a request to the fake: path starts with /v1 or /_fake; body is
// sent as is when it is a string or []byte, JSON-encoded otherwise. Like
// every helper, it marks the request as testkit's (fake.ClientHeader), so
// Requests leaves it out unless the filter has IncludeTestkit: the journal
// shows what the code under test sent. For requests that should count as
// the code under test's, use HTTPClient.
func (c *Client) Do(tb TB, method, path string, body any) Response {
	tb.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			tb.Fatalf("testkit: encode %s %s: %v", method, path, err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, c.URL+path, rd)
	if err != nil {
		tb.Fatalf("testkit: %s %s: %v", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.APIKey)
	req.Header.Set("Accept", "application/json")
	// Marks the request as the test's own, not the code under test's: the
	// journal leaves it out unless asked (JournalFilter.IncludeTestkit).
	req.Header.Set(fake.ClientHeader, fake.ClientTestkit)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.HTTPClient.Do(req)
	if err != nil {
		tb.Fatalf("testkit: %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("testkit: %s %s: read body: %v", method, path, err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// call sends a request that must answer 200 and decodes the body into out
// (when not nil).
func (c *Client) call(tb TB, method, path string, body, out any) {
	tb.Helper()
	r := c.Do(tb, method, path, body)
	if r.Status != http.StatusOK {
		tb.Fatalf("testkit: %s %s: status %d: %s", method, path, r.Status, r.Body)
	}
	if out != nil {
		if err := json.Unmarshal(r.Body, out); err != nil {
			tb.Fatalf("testkit: %s %s: decode: %v: %s", method, path, err, r.Body)
		}
	}
}

// data decodes {"data": …} envelopes.
func data[T any](c *Client, tb TB, method, path string, body any) T {
	tb.Helper()
	var env struct{ Data T }
	c.call(tb, method, path, body, &env)
	return env.Data
}

// ----- Typed API helpers -------------------------------------------------

// ----- Control plane helpers (the tenant of c.APIKey) -----------------------

// ----- Webhooks -------------------------------------------------------------
