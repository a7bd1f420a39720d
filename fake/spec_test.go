package fake

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	partnerofake "github.com/partnero-fake/partnero-fake"
	"github.com/partnero-fake/partnero-fake/fixtures"
)

// TestOperationsMatchSpec checks the one route list (operations) against
// openapi.yaml in both directions.
func TestOperationsMatchSpec(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	var inSpec, inCode []string
	for _, item := range s.contract.docs.get().Paths.Map() {
		for _, op := range item.Operations() {
			inSpec = append(inSpec, op.OperationID)
		}
	}
	for id := range s.operations() {
		inCode = append(inCode, id)
	}
	sort.Strings(inSpec)
	sort.Strings(inCode)
	if strings.Join(inSpec, ",") != strings.Join(inCode, ",") {
		t.Errorf("operations in openapi.yaml:\n%v\nhandlers:\n%v", inSpec, inCode)
	}
}

func TestNewRejectsSpecWithoutHandler(t *testing.T) {
	spec := bytes.Replace(partnerofake.Spec(), []byte("\n  /test:\n"), []byte(`
  /unhandled:
    get:
      operationId: unhandled
      responses:
        "200": {description: ok}
  /test:
`), 1)
	if _, err := New(Options{Spec: spec}); err == nil || !strings.Contains(err.Error(), "unhandled") {
		t.Errorf("New with an operation lacking a handler: err = %v", err)
	}
	spec = bytes.Replace(partnerofake.Spec(), []byte("operationId: test\n"), []byte("operationId: renamed\n"), 1)
	if _, err := New(Options{Spec: spec}); err == nil {
		t.Error("New with a handler lacking an operation: err = nil")
	}
}

// TestStrictModeCatchesBadResponses proves response validation can fail: a
// spec that forbids a field the fake sends turns the response into a 500.
func TestStrictModeCatchesBadResponses(t *testing.T) {
	spec := bytes.Replace(partnerofake.Spec(), []byte("        custom_fields: {type: object}\n"), []byte("        custom_fields: {type: string}\n"), 1)
	f, err := New(Options{Spec: spec, StrictResponses: true})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("POST", "/v1/customers", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer k")
	rec := httptest.NewRecorder()
	f.ServeHTTP(rec, req)
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "violates openapi.yaml") {
		t.Errorf("got %d %s, want a 500 naming the violation", rec.Code, rec.Body)
	}
}

// TestDeterminism: two servers with the same seed, fixtures and frozen
// clock answer the same request sequence (API and control plane) with
// identical bytes.
func TestDeterminism(t *testing.T) {
	run := func() []byte {
		snap, err := fixtures.Generate(42, fixtures.Counts{Customers: 30, ReferralRatio: 0.5, TransactionsPerReferred: 2})
		if err != nil {
			t.Fatal(err)
		}
		f, err := New(Options{Seed: 42, FreezeAt: frozen, StrictResponses: true, Initial: &snap})
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		for _, rq := range []struct{ method, path, body string }{
			{"POST", "/v1/customers", `{"email":"a@example.com"}`},
			{"POST", "/v1/customers", `{"referring_customer":{"key":"althea0"}}`},
			{"POST", "/_fake/faults", `{"operation":"getProgram","status":500,"probability":0.5,"seed":7}`},
			{"GET", "/v1/program", ``},
			{"GET", "/v1/program", ``},
			{"GET", "/v1/program", ``},
			{"PUT", "/_fake/clock", `{"advance":"25h"}`},
			{"POST", "/_fake/snapshots/s1", ``},
			{"GET", "/v1/customers?limit=5&sort=desc", ``},
			{"GET", "/v1/transactions?limit=5", ``},
			{"GET", "/v1/customers/althea0/stats", ``},
			{"POST", "/_fake/snapshots/s1/restore", ``},
			{"GET", "/_fake/requests", ``},
			{"GET", "/_fake/state", ``},
		} {
			req := httptest.NewRequest(rq.method, "http://fake.test"+rq.path, strings.NewReader(rq.body))
			req.Header.Set("Authorization", "Bearer k")
			rec := httptest.NewRecorder()
			f.ServeHTTP(rec, req)
			out.Write(rec.Body.Bytes())
			out.WriteByte('\n')
		}
		return out.Bytes()
	}
	a, b := run(), run()
	if !bytes.Equal(a, b) {
		t.Errorf("responses differ:\n%s\n%s", a, b)
	}
	if !bytes.Contains(a, []byte(`"time":"2025-05-10T18:42:13Z"`)) {
		t.Errorf("no timestamp from the advanced frozen clock in:\n%s", a)
	}
}
