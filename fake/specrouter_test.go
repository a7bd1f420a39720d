package fake

import (
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"weak"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	partnerofake "github.com/partnero-fake/partnero-fake"
	specjson "github.com/partnero-fake/partnero-fake/fake/internal/contract"
	"github.com/partnero-fake/partnero-fake/fixtures"
)

// TestSegmentRouterMatchesGorillamux sends the same requests to the
// segment router and to kin-openapi's gorillamux router built from the same
// document: the same operation, whose kin-openapi route (contract.kinRoute)
// is gorillamux's (path, method, operation, server), the same parameters,
// the same error.
func TestSegmentRouterMatchesGorillamux(t *testing.T) {
	c, err := embeddedContract()
	if err != nil {
		t.Fatal(err)
	}
	seg, ok := c.router.(*segmentRouter)
	if !ok {
		t.Fatalf("the embedded contract uses %T", c.router)
	}
	doc := c.docs.get() // held here, so kinRoute builds its routes in it
	ref, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"/", "/v1", "/v1/", "/v2/customers", "/customers", "//v1/customers", "/v1//customers",
		"/v1/customers/", "/v1/customers//referrals", "/v1/customers/a%2Fb", "/v1/customers/a%2Fb/referrals",
		"/v1/customers/caf%C3%A9", "/v1/customers/x/y", "/v1/customers/x/y/z", "/v1/CUSTOMERS", "/v1/customers:search/x",
		"/v1/customers/:search", "/v1/test/", "/v1/transactions/k/archive/", "/V1/test"}
	for _, p := range doc.Paths.InMatchingOrder() {
		for _, v := range []string{"x", "demo-ben", "a.b", "a%20b", "%7Bid%7D", "{id}", "search", "customers"} {
			paths = append(paths, "/v1"+strings.NewReplacer("{id}", v, "{key}", v).Replace(p))
		}
		paths = append(paths, "/v1"+p, "/v1"+p+"/", "/v1"+p+"/extra", strings.TrimSuffix("/v1"+p, "s"))
	}
	methods := []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "get", "TRACE"}
	n := 0
	for _, p := range paths {
		for _, m := range methods {
			req := httptest.NewRequest(m, "http://127.0.0.1"+p+"?page=2", nil)
			op, kin, v1, e1 := seg.find(req, nil)
			r2, v2, e2 := ref.FindRoute(req)
			n++
			if e1 == nil && kin != nil {
				t.Fatalf("%s %s: the segment router returned a kin-openapi route", m, p)
			}
			switch {
			case !errors.Is(e1, e2) && !(e1 == nil && e2 == nil):
				t.Errorf("%s %s: error %v, gorillamux %v", m, p, e1, e2)
			case e1 != nil:
			default:
				r1 := c.kinRoute(&exchange{operation: op})
				if r1.Path != r2.Path || r1.Method != r2.Method || r1.Operation != r2.Operation || r1.Server != r2.Server ||
					r1.PathItem != r2.PathItem || r1.Spec != r2.Spec || op.id != r2.Operation.OperationID {
					t.Errorf("%s %s: route %s %s (%s), gorillamux %s %s", m, p, r1.Method, r1.Path, op.id, r2.Method, r2.Path)
				}
				if !maps.Equal(v1.asMap(), v2) || (v1 == nil) != (len(v2) == 0) {
					// the same parameters; without any, none
					t.Errorf("%s %s: params %v, gorillamux %v", m, p, v1, v2)
				}
			}
		}
	}
	if n < 1000 {
		t.Errorf("only %d requests compared", n)
	}
}

// TestSegmentRouterDeclines checks that a document the segment router
// cannot serve exactly falls back to gorillamux, whose routes lead to the
// same operations.
func TestSegmentRouterDeclines(t *testing.T) {
	doc := embeddedDoc()
	doc.Servers = append(doc.Servers, &openapi3.Server{URL: "/api/v1"})
	c, err := newContract(&contractDoc{held: doc})
	if err != nil {
		t.Fatal(err)
	}
	kr, ok := c.router.(*kinRouter)
	if !ok {
		t.Fatalf("two servers: router %T, want gorillamux's", c.router)
	}
	if c.docs.get() != doc {
		t.Error("the contract does not hold the document gorillamux routes in")
	}
	for _, target := range []string{"/v1/customers/ben", "/api/v1/customers/ben"} {
		op, kin, params, err := kr.find(httptest.NewRequest("GET", target, nil), nil)
		if err != nil || op == nil || kin == nil || op.id != "getCustomer" || kin.Operation.OperationID != "getCustomer" || params.value("id") != "ben" {
			t.Errorf("GET %s: %+v %+v %v %v", target, op, kin, params, err)
			continue
		}
		if c.kinRoute(&exchange{operation: op, kin: kin}) != kin {
			t.Errorf("GET %s: kinRoute is not the route gorillamux found", target)
		}
	}
}

// TestContractHoldsNoDocument: once built, the embedded contract keeps
// nothing of kin-openapi's document alive but the few schemas its checks
// delegate to, so the collector does not mark the document on every cycle
// while valid requests are served; the slow path builds it again and words
// its errors as before.
func TestContractHoldsNoDocument(t *testing.T) {
	var schemas []weak.Pointer[openapi3.Schema]
	var ops []weak.Pointer[openapi3.Operation]
	built := 0
	c, err := newContract(&contractDoc{build: func() *openapi3.T {
		doc := embeddedDoc()
		if built++; built == 1 {
			for _, s := range docSchemas(doc) {
				schemas = append(schemas, weak.Make(s))
			}
			for _, item := range doc.Paths.Map() {
				for _, op := range item.Operations() {
					ops = append(ops, weak.Make(op))
				}
			}
		}
		return doc
	}})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	s, err := newServer(Options{Initial: &snap}, c)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	serve := func(target string, status int) string {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", target, nil)
		req.Header.Set("Authorization", "Bearer "+fixtures.DemoAPIKey)
		s.ServeHTTP(rec, req)
		if rec.Code != status {
			t.Fatalf("%s: status %d, want %d: %s", target, rec.Code, status, rec.Body)
		}
		return rec.Body.String()
	}
	serve("/v1/customers?limit=5", http.StatusOK)
	runtime.GC()
	if c.docs.last.Value() != nil {
		t.Fatal("the document is still reachable after a collection")
	}
	for _, op := range ops {
		if op.Value() != nil {
			t.Fatalf("operation %s is still reachable", op.Value().OperationID)
		}
	}
	held := openapi3.Schemas{} // what the checks delegate to: alive on purpose
	if c.email != nil && c.email.delegate {
		held["Email"] = &openapi3.SchemaRef{Value: c.email.schema}
	}
	for i, s := range delegates(c.ops) {
		held[strconv.Itoa(i)] = &openapi3.SchemaRef{Value: s}
	}
	allowed := map[*openapi3.Schema]bool{}
	for _, s := range docSchemas(&openapi3.T{Components: &openapi3.Components{Schemas: held}}) {
		allowed[s] = true
	}
	alive := 0
	for _, w := range schemas {
		if x := w.Value(); x != nil {
			alive++
			if !allowed[x] {
				t.Fatalf("a schema of the document is still reachable (%s %v), and no check delegates to it", x.Title, x.Type.Slice())
			}
		}
	}
	if len(schemas) < 200 || alive > 10 {
		t.Fatalf("%d of the document's %d schemas alive", alive, len(schemas))
	}
	t.Logf("%d of the document's %d schemas alive (delegated to)", alive, len(schemas))

	first := serve("/v1/customers?limit=0", http.StatusUnprocessableEntity)
	runtime.GC()
	if again := serve("/v1/customers?limit=0", http.StatusUnprocessableEntity); again != first {
		t.Errorf("the rebuilt document words the error otherwise:\n%s\n%s", first, again)
	}
	if built < 3 {
		t.Errorf("the document was built %d times, want once at load and once for each 422 after a collection", built)
	}
}

// docSchemas returns every schema doc reaches, each once.
func docSchemas(doc *openapi3.T) []*openapi3.Schema {
	var out []*openapi3.Schema
	seen := map[*openapi3.Schema]bool{}
	var walk func(r *openapi3.SchemaRef)
	walk = func(r *openapi3.SchemaRef) {
		if r == nil || r.Value == nil || seen[r.Value] {
			return
		}
		s := r.Value
		seen[s] = true
		out = append(out, s)
		walk(s.Items)
		walk(s.Not)
		walk(s.AdditionalProperties.Schema)
		for _, list := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
			for _, x := range list {
				walk(x)
			}
		}
		for _, p := range s.Properties {
			walk(p)
		}
	}
	if doc.Components != nil {
		for _, r := range doc.Components.Schemas {
			walk(r)
		}
	}
	if doc.Paths != nil {
		for _, item := range doc.Paths.Map() {
			for _, op := range item.Operations() {
				for _, p := range append(slices.Clone(item.Parameters), op.Parameters...) {
					if p.Value != nil {
						walk(p.Value.Schema)
					}
				}
				if op.RequestBody != nil && op.RequestBody.Value != nil {
					for _, mt := range op.RequestBody.Value.Content {
						walk(mt.Schema)
					}
				}
				for _, r := range op.Responses.Map() {
					if r.Value != nil {
						for _, mt := range r.Value.Content {
							walk(mt.Schema)
						}
					}
				}
			}
		}
	}
	return out
}

// delegates returns the schemas the operations' checks delegate to
// kin-openapi.
func delegates(ops []*operation) []*openapi3.Schema {
	var ocs []*operationChecks
	for _, op := range ops {
		ocs = append(ocs, op.checks)
	}
	var out []*openapi3.Schema
	for c := range reachableChecks(ocs) {
		if c.delegate {
			out = append(out, c.schema)
		}
	}
	return out
}

func BenchmarkFindRoute(b *testing.B) {
	c, err := embeddedContract()
	if err != nil {
		b.Fatal(err)
	}
	ref, _ := gorillamux.NewRouter(c.docs.get())
	req := httptest.NewRequest(http.MethodGet, "/v1/customers/demo-ben", nil)
	b.Run("segment", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, _, err := c.router.find(req, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("gorillamux", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := ref.FindRoute(req); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkLoadContract builds the contract from the generated Go code
// (what the fake does at start: "embedded"), and from openapi.yaml and its
// JSON form (loaded and validated, as Options.Spec is), with the router.
func BenchmarkLoadContract(b *testing.B) {
	b.Run("embedded", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := buildEmbeddedContract(); err != nil {
				b.Fatal(err)
			}
		}
	})
	for name, spec := range map[string][]byte{"yaml": partnerofake.Spec(), "json": specjson.JSON()} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := loadContract(spec); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
