package fake

import (
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/routers/gorillamux"

	partnerofake "github.com/partnero-fake/partnero-fake"
	specjson "github.com/partnero-fake/partnero-fake/fake/internal/contract"
)

// TestSegmentRouterMatchesGorillamux sends the same requests to the
// segment router and to kin-openapi's gorillamux router built from the same
// document: same route (path, method, operation, server), same parameters,
// same error.
func TestSegmentRouterMatchesGorillamux(t *testing.T) {
	c, err := embeddedContract()
	if err != nil {
		t.Fatal(err)
	}
	seg, ok := c.router.(*segmentRouter)
	if !ok {
		t.Fatalf("the embedded contract uses %T", c.router)
	}
	ref, err := gorillamux.NewRouter(c.doc)
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"/", "/v1", "/v1/", "/v2/customers", "/customers", "//v1/customers", "/v1//customers",
		"/v1/customers/", "/v1/customers//referrals", "/v1/customers/a%2Fb", "/v1/customers/a%2Fb/referrals",
		"/v1/customers/caf%C3%A9", "/v1/customers/x/y", "/v1/customers/x/y/z", "/v1/CUSTOMERS", "/v1/customers:search/x",
		"/v1/customers/:search", "/v1/test/", "/v1/transactions/k/archive/", "/V1/test"}
	for _, p := range c.doc.Paths.InMatchingOrder() {
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
			r1, v1, e1 := seg.FindRoute(req)
			r2, v2, e2 := ref.FindRoute(req)
			n++
			switch {
			case !errors.Is(e1, e2) && !(e1 == nil && e2 == nil):
				t.Errorf("%s %s: error %v, gorillamux %v", m, p, e1, e2)
			case e1 != nil:
			case r1.Path != r2.Path || r1.Method != r2.Method || r1.Operation != r2.Operation || r1.Server != r2.Server ||
				r1.PathItem != r2.PathItem || r1.Spec != r2.Spec:
				t.Errorf("%s %s: route %s %s, gorillamux %s %s", m, p, r1.Method, r1.Path, r2.Method, r2.Path)
			case !maps.Equal(v1, v2) || (v1 == nil) != (len(v2) == 0):
				// the same parameters; without any, nil (callers only read it)
				t.Errorf("%s %s: params %v, gorillamux %v", m, p, v1, v2)
			}
		}
	}
	if n < 1000 {
		t.Errorf("only %d requests compared", n)
	}
}

// TestSegmentRouterDeclines checks that a document the segment router
// cannot serve exactly falls back to gorillamux.
func TestSegmentRouterDeclines(t *testing.T) {
	c, err := embeddedContract()
	if err != nil {
		t.Fatal(err)
	}
	doc := *c.doc
	doc.Servers = append(doc.Servers, doc.Servers[0])
	if _, ok := newSegmentRouter(&doc); ok {
		t.Error("two servers accepted")
	}
}

func BenchmarkFindRoute(b *testing.B) {
	c, err := embeddedContract()
	if err != nil {
		b.Fatal(err)
	}
	ref, _ := gorillamux.NewRouter(c.doc)
	req := httptest.NewRequest(http.MethodGet, "/v1/customers/demo-ben", nil)
	b.Run("segment", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := c.router.FindRoute(req); err != nil {
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
