package fake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	partnerofake "github.com/partnero-fake/partnero-fake"
)

// TestOperationsMatchSpec checks the one route list (operations) against
// openapi.yaml in both directions.
func TestOperationsMatchSpec(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	var inSpec, inCode []string
	for _, item := range s.contract.doc.Paths.Map() {
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

// TestDeterminism: two servers with the same seed and frozen clock answer
// the same request sequence with identical bytes.
func TestDeterminism(t *testing.T) {
	run := func() []byte {
		f, err := New(Options{Seed: 42, FreezeAt: frozen, StrictResponses: true})
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		for _, rq := range []struct{ method, path, body string }{
			{"POST", "/v1/customers", `{"email":"a@example.com"}`},
			{"POST", "/v1/customers", `{}`},
			{"POST", "/v1/customer_referral_links", `{"customer_key":"x"}`},
			{"GET", "/v1/customers?limit=1", ``},
			{"GET", "/v1/program", ``},
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
	var probe map[string]any
	if err := json.Unmarshal(bytes.SplitN(a, []byte("\n"), 2)[0], &probe); err != nil {
		t.Fatal(err)
	}
}
