package fake

import (
	"encoding/json"
	"io"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/partnero-fake/partnero-fake/fixtures"
)

// The fuzz targets drive the whole request pipeline (body, query, path)
// and the control plane with arbitrary input. Their seeds run in every
// go test; go test -fuzz=FuzzAPI (or FuzzControlPlane) explores further.
// Each input must get a JSON object back, never a 5xx (strict responses:
// a response that breaks openapi.yaml is a 500 too), and a 4xx must leave
// the tenant's state as it was.

var fuzzMethods = []string{"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"}

// fuzzServer returns a fake holding the demo program, answering strictly.
func fuzzServer(f *testing.F, opts Options) *Server {
	demo, err := fixtures.Demo()
	if err != nil {
		f.Fatal(err)
	}
	opts.Initial, opts.StrictResponses, opts.FreezeAt = &demo, true, frozen
	srv, err := New(opts)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(srv.Close)
	return srv
}

// tenantState is everything a refused request must leave alone.
type tenantState struct {
	State     any
	Faults    []Fault
	Snapshots []string
	Clock     any
}

func stateOf(s *Server, key string) tenantState {
	return tenantState{s.Tenant(key).ExportState(), s.Tenant(key).Faults(), s.Tenant(key).Snapshots(), s.Tenant(key).Clock().State()}
}

// fuzzOne serves one request and checks the invariants.
func fuzzOne(t *testing.T, s *Server, method byte, path, query string, body []byte, contentType string) {
	m := fuzzMethods[int(method)%len(fuzzMethods)]
	req := httptest.NewRequest(m, "/", strings.NewReader(string(body)))
	req.URL.Path, req.URL.RawQuery = path, query
	req.RequestURI = req.URL.RequestURI()
	req.Header.Set("Authorization", "Bearer "+fixtures.DemoAPIKey)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	before := stateOf(s, fixtures.DemoAPIKey)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	raw, _ := io.ReadAll(w.Result().Body)
	if w.Code >= 500 {
		t.Fatalf("%s %s?%s %q: %d %s", m, path, query, body, w.Code, raw)
	}
	if m != "HEAD" {
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s %s?%s %q: %d, body is not a JSON object: %q", m, path, query, body, w.Code, raw)
		}
	}
	if w.Code >= 400 {
		if after := stateOf(s, fixtures.DemoAPIKey); !reflect.DeepEqual(before, after) {
			t.Fatalf("%s %s?%s %q: %d %s changed the state", m, path, query, body, w.Code, raw)
		}
	}
}

func FuzzAPI(f *testing.F) {
	s := fuzzServer(f, Options{})
	for _, seed := range []struct {
		method      byte
		path, query string
		body        string
	}{
		{0, "/v1/customers/ava", "", ""},
		{0, "/v1/customers", "page=2&limit=1&customer[key]=ava", ""},
		{1, "/v1/customers", "", `{"key": "zed", "email": "z@example.com", "referring_customer": {"key": "ava"}}`},
		{1, "/v1/transactions", "", `{"customer": {"key": "ben"}, "key": "t-1", "amount": 12.5, "product_type": "plan"}`},
		{1, "/v1/transactions", "", strings.Repeat("[", 100)},
		{1, "/v1/customers", "", `{"key": "a\u0000b"}`},
		{1, "/v1/customers", "", "{\"key\": \"x\", \"name\": \"\xff\"}"},
		{1, "/v1/customers", "", `{"key": "x"} trailing`},
		{2, "/v1/customers/ava", "", `{"name": "Ava \ud800"}`},
		{3, "/v1/customers/a%00b", "", ""},
		{0, "/v1/customers", "key=%ff&limit=-1", ""},
		{1, "/v1/customers/ava/balance/credit", "", `{"amount": 1e308, "amount_units": "points", "is_currency": false}`},
		{1, "/v1/webhooks", "", `{"name": "w", "url": "http://169.254.169.254/", "events": ["customer.created"]}`},
		{3, "/v1/transactions", "", `{"key": ["x", {"y": null}]}`},
		{5, "/v1/program", "", `{}`},
	} {
		f.Add(seed.method, seed.path, seed.query, []byte(seed.body))
	}
	f.Fuzz(func(t *testing.T, method byte, path, query string, body []byte) {
		if !strings.HasPrefix(path, "/") {
			path = "/v1/" + path
		}
		fuzzOne(t, s, method, path, query, body, "application/json")
	})
}

func FuzzControlPlane(f *testing.F) {
	s := fuzzServer(f, Options{MaxFaults: 20, MaxSnapshots: 20})
	for _, seed := range []struct {
		method      byte
		path, query string
		body        string
	}{
		{1, "/_fake/faults", "", `{"operation": "getProgram", "status": 503, "fail_first": 1}`},
		{1, "/_fake/faults", "", `{"path": "/v1/*", "latency_ms": 1} {}`},
		{3, "/_fake/faults/fault_1", "", ""},
		{2, "/_fake/clock", "", `{"now": "2030-01-01T00:00:00Z", "frozen": true, "advance": "36h"}`},
		{2, "/_fake/clock", "", `{"advance": "2562047h"}`},
		{2, "/_fake/clock", "", `{"now": "9999-12-31T23:59:59Z", "advance": "1s"}`},
		{1, "/_fake/snapshots/before", "", ""},
		{1, "/_fake/snapshots/before/restore", "", ""},
		{1, "/_fake/snapshots/a%00", "", ""},
		{0, "/_fake/requests", "status=abc", ""},
		{0, "/_fake/webhooks/events", "min_attempts=-1&data.key=ava", ""},
		{2, "/_fake/state", "initial=true", `{"version": 1, "program": {"id": "P"}, "customers": [{"id": "x\n"}]}`},
		{2, "/_fake/customers/ava/clicks", "", `{"clicks": 3}`},
		{1, "/_fake/webhooks/next", "", `{"action": "drop"}x`},
		{1, "/_fake/reset", "", ""},
	} {
		f.Add(seed.method, seed.path, seed.query, []byte(seed.body))
	}
	f.Fuzz(func(t *testing.T, method byte, path, query string, body []byte) {
		if !strings.HasPrefix(path, "/_fake/") {
			path = "/_fake/" + path
		}
		if strings.Contains(path, "await") || strings.Contains(path, "tenant") {
			return // long-polls wait by design; deleting the tenant is not a refusal
		}
		fuzzOne(t, s, method, path, query, body, "")
	})
}
