package fake

import (
	"net/http/httptest"
	"testing"
)

// TestInputShapesCoverRoutes: the operations the router finds are those the
// fidelity warnings' shapes were computed for, so no request computes them
// again, and each request body schema has its shape.
func TestInputShapesCoverRoutes(t *testing.T) {
	ct, err := embeddedContract()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ method, path string }{
		{"GET", "/v1/customers/demo-ben"}, {"POST", "/v1/customers"}, {"POST", "/v1/transactions"},
	} {
		route, _, err := ct.router.FindRoute(httptest.NewRequest(tc.method, tc.path, nil))
		if err != nil {
			t.Fatal(tc, err)
		}
		if _, ok := ct.inputs.query[route.Operation]; !ok {
			t.Errorf("%s %s: no query shape for the routed operation", tc.method, tc.path)
		}
		if rb := route.Operation.RequestBody; rb != nil && rb.Value != nil {
			if mt := rb.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
				if _, ok := ct.inputs.schema[mt.Schema.Value]; !ok {
					t.Errorf("%s %s: no shape for the request body schema", tc.method, tc.path)
				}
			}
		}
	}
}
