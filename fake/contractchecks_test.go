package fake

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/partnero-fake/partnero-fake/fixtures"
)

// compileParam compiles p's check alone.
func compileParam(p *openapi3.Parameter) paramCheck {
	return newSchemaCompiler(openapi3.MultiErrors()).parameter(p)
}

// TestRequestValidAgreesWithKinOpenAPI sends requests through the
// pipeline's stages up to validation and holds the fast path to
// kin-openapi: whatever requestValid accepts, kin-openapi accepts. The
// requests are the official clients' recorded ones and, for every
// operation, generated ones: query parameters valid, out of range, octal,
// signed, repeated or empty; bodies generated from the request schema and
// then broken. It also checks that the fast path decides most valid
// requests, or it would be a slow path in disguise.
func TestRequestValidAgreesWithKinOpenAPI(t *testing.T) {
	f := demoServer(nil, false)
	defer f.Close()
	type req struct{ method, target, body string }
	var reqs []req
	raw, err := os.ReadFile("testdata/client_shapes.json")
	if err != nil {
		t.Fatal(err)
	}
	var shapes []struct{ Method, Path, Body string }
	if err := json.Unmarshal(raw, &shapes); err != nil {
		t.Fatal(err)
	}
	for _, s := range shapes {
		reqs = append(reqs, req{s.Method, s.Path, s.Body})
	}
	rng := rand.New(rand.NewPCG(11, 17))
	g := &valueGen{rng: rng}
	queryValues := []string{"1", "15", "250", "251", "0", "-1", "010", "1.5", "abc", "", "1e3", "999999999999999999", "asc", "desc", "Desc", "ben", "a@b.co"}
	doc := f.contract.docs.get()
	paths := doc.Paths.InMatchingOrder()
	slices.Sort(paths)
	for _, path := range paths {
		item := doc.Paths.Value(path)
		for _, method := range []string{"GET", "POST", "PUT", "DELETE"} {
			op := item.GetOperation(method)
			if op == nil {
				continue
			}
			var names []string
			for _, p := range append(slices.Clone(item.Parameters), op.Parameters...) {
				if p.Value.In == "query" {
					names = append(names, p.Value.Name)
				}
			}
			for range 60 {
				target := "/v1" + strings.NewReplacer("{id}", "demo-ben", "{key}", "k-1").Replace(path)
				q := url.Values{}
				for _, n := range names {
					for range rng.IntN(3) - rng.IntN(2) {
						q.Add(n, queryValues[rng.IntN(len(queryValues))])
					}
				}
				if len(q) > 0 {
					target += "?" + q.Encode()
				}
				body := ""
				if rb := op.RequestBody; rb != nil && (method == "POST" || method == "PUT") {
					v := g.value(rb.Value.Content.Get("application/json").Schema.Value, 0)
					for range rng.IntN(2) {
						v = g.mutate(v, 0)
					}
					b, err := json.Marshal(v)
					if err != nil {
						continue // NaN and the like: not JSON
					}
					body = string(b)
				}
				reqs = append(reqs, req{method, target, body})
			}
		}
	}
	fast, valid := 0, 0
	for _, r := range reqs {
		x := f.stagesBeforeValidation(t, r.method, r.target, r.body)
		if x == nil {
			continue
		}
		fastOK := requestValid(x)
		kinErr := f.kinValidate(x)
		if fastOK && kinErr != nil {
			t.Fatalf("%s %s %s: the fast path accepts, kin-openapi says %v", r.method, r.target, r.body, kinErr)
		}
		if kinErr == nil {
			valid++
			if fastOK {
				fast++
			}
		}
	}
	if valid < len(reqs)/4 || fast < valid*9/10 {
		t.Fatalf("of %d requests, %d valid, %d of them decided by the fast path: want most", len(reqs), valid, fast)
	}
	t.Logf("%d requests, %d valid, %d decided by the fast path", len(reqs), valid, fast)
}

// stagesBeforeValidation runs a request through the stages before
// validation; nil when one of them answers.
func (s *Server) stagesBeforeValidation(t *testing.T, method, target, body string) *exchange {
	t.Helper()
	r := httptest.NewRequest(method, target, bytes.NewReader([]byte(body)))
	r.Header.Set("Authorization", "Bearer "+fixtures.DemoAPIKey)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	x := &exchange{r: r}
	for _, stage := range []func(*exchange) error{s.readStage, s.routeStage, s.authStage, s.checkStage, s.parseStage} {
		if err := stage(x); err != nil || x.resp != nil {
			return nil
		}
	}
	return x
}

// TestParamCheckGivesKinOpenAPITheOddValues pins the values the fast path
// leaves to kin-openapi.
func TestParamCheckGivesKinOpenAPITheOddValues(t *testing.T) {
	limit := compileParam(&openapi3.Parameter{Name: "limit", In: "query", Schema: openapi3.NewIntegerSchema().WithMin(1).WithMax(250).NewRef()})
	for v, want := range map[string]bool{"1": true, "250": true, "251": false, "0": false, "010": false, "-1": false, "+1": false, "1.0": false, "": false, "1234567890123456": false} {
		x := &exchange{c: &call{query: url.Values{"limit": {v}}}}
		if got := limit.accepts(x); got != want {
			t.Errorf("limit=%q: fast path %v, want %v", v, got, want)
		}
	}
	x := &exchange{c: &call{query: url.Values{"limit": {"1", "2"}}}}
	if limit.accepts(x) {
		t.Error("a repeated parameter: want kin-openapi to decide")
	}
	q := compileParam(&openapi3.Parameter{Name: "q", In: "query", Required: true, Schema: openapi3.NewStringSchema().NewRef()})
	if q.accepts(&exchange{c: &call{query: url.Values{}}}) {
		t.Error("a required parameter absent: want kin-openapi to decide")
	}
	// A GET whose operation requires a body: kin-openapi answers it.
	op := &openapi3.Operation{RequestBody: &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).WithJSONSchema(openapi3.NewObjectSchema())}}
	oc := newCheckCompilers().operation(&openapi3.PathItem{}, op)
	get := &exchange{operation: &operation{checks: oc}, c: &call{r: httptest.NewRequest("GET", "/", nil)}}
	if requestValid(get) {
		t.Error("GET of an operation that requires a body: want kin-openapi to decide")
	}
}
