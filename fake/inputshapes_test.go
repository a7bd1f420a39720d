package fake

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/partnero-fake/partnero-fake/fake/store"
	"github.com/partnero-fake/partnero-fake/fixtures"
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

// TestValidateParamsIsValidateRequest: on the embedded contract request
// validation skips kin-openapi's security step, and its parameter check
// answers as ValidateRequest does, for valid and invalid parameters.
func TestValidateParamsIsValidateRequest(t *testing.T) {
	ct, err := embeddedContract()
	if err != nil {
		t.Fatal(err)
	}
	if !ct.securityDeclared {
		t.Fatal("the embedded contract should declare every security scheme it names")
	}
	for _, target := range []string{
		"/v1/customers/demo-ben", "/v1/customers?page=2&limit=15", "/v1/customers?page=x&limit=-1&sort=up",
		"/v1/customers?limit=100000", "/v1/transactions?page=0", "/v1/customers:search?email=a@b.c",
	} {
		req := httptest.NewRequest("GET", target, nil)
		route, params, err := ct.router.FindRoute(req)
		if err != nil {
			t.Fatal(target, err)
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{MultiError: true, SkipSettingDefaults: true, ExcludeRequestBody: true,
				AuthenticationFunc: func(context.Context, *openapi3filter.AuthenticationInput) error { return nil }}}
		want := openapi3filter.ValidateRequest(context.Background(), in)
		got := validateParams(context.Background(), in)
		if fmt.Sprint(got) != fmt.Sprint(want) || (got == nil) != (want == nil) {
			t.Errorf("%s:\n got %v\nwant %v", target, got, want)
		}
	}
}

// TestResponseValidMirrorsValidateResponse: strict mode's check from the
// document accepts a demo customer and a rewarded transaction as
// ValidateResponse does, and leaves a violation to ValidateResponse.
func TestResponseValidMirrorsValidateResponse(t *testing.T) {
	f := demoServer(nil, true)
	defer f.Close()
	ct := f.contract
	st := f.Tenant(fixtures.DemoAPIKey).Store()
	ben, err := st.Customer("demo-ben")
	if err != nil {
		t.Fatal(err)
	}
	sale, err := st.CreateTransactions(store.TransactionBatch{Customer: store.Ref{Key: "ben"},
		Items: []store.NewTransaction{{Key: "t-1", Amount: "19.99", Action: "sale"}}})
	if err != nil || len(sale) != 1 {
		t.Fatal(sale, err)
	}
	for _, tc := range []struct {
		method, path string
		doc          any
		valid        bool
	}{
		{"GET", "/v1/customers/demo-ben", ok(customerWire(ben)), true},
		{"POST", "/v1/transactions", ok(transactionWire(sale[0])), true},
		{"GET", "/v1/customers/demo-ben", envelope{Data: transactionWire(sale[0]), Status: 1}, false},
	} {
		req := httptest.NewRequest(tc.method, tc.path, nil)
		route, params, err := ct.router.FindRoute(req)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := jsonResponse(200, tc.doc, route.Operation.OperationID, nil)
		if err != nil || resp.value == nil {
			t.Fatalf("%s %s: no value (%v)", tc.method, tc.path, err)
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: 200,
			Header: http.Header{"Content-Type": {"application/json"}}, Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
		out.SetBodyBytes(resp.body)
		full := openapi3filter.ValidateResponse(context.Background(), out)
		if got := responseValid(in, resp, ct.checks); got != tc.valid || (full == nil) != tc.valid {
			t.Errorf("%s %s: responseValid %v, ValidateResponse %v, want valid %v", tc.method, tc.path, got, full, tc.valid)
		}
	}
}
