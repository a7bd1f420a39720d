package fake

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/partnero-fake/partnero-fake/fake/store"
	"github.com/partnero-fake/partnero-fake/fixtures"
)

// TestInputShapesCoverRoutes: the operations the router finds carry what
// the fidelity warnings read, computed at load: their query parameters and
// their request body's shape.
func TestInputShapesCoverRoutes(t *testing.T) {
	ct, err := embeddedContract()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		method, path string
		query        string // a query parameter the operation takes, or ""
		member       string // a body member it declares, or ""
	}{
		{"GET", "/v1/customers/demo-ben", "", ""}, {"GET", "/v1/customers", "limit", ""},
		{"POST", "/v1/customers", "", "email"}, {"POST", "/v1/transactions", "", "transactions"},
	} {
		op, _, _, err := ct.router.find(httptest.NewRequest(tc.method, tc.path, nil), nil)
		if err != nil {
			t.Fatal(tc, err)
		}
		if op.query == nil || (tc.query != "" && !op.query[tc.query]) {
			t.Errorf("%s %s: query parameters %v, want %q among them", tc.method, tc.path, op.query, tc.query)
		}
		switch {
		case tc.member == "" && op.body != nil:
			t.Errorf("%s %s: a body shape, want none", tc.method, tc.path)
		case tc.member != "" && (op.body == nil || op.body.props == nil):
			t.Errorf("%s %s: no body shape", tc.method, tc.path)
		case tc.member != "":
			if _, ok := op.body.props[tc.member]; !ok {
				t.Errorf("%s %s: the body shape lacks %q", tc.method, tc.path, tc.member)
			}
		}
	}
}

// kinRouteOf routes req and returns its operation, its kin-openapi route
// and its path parameters.
func kinRouteOf(t *testing.T, ct *contract, req *http.Request) (*operation, *routers.Route, pathParams) {
	t.Helper()
	op, kin, params, err := ct.router.find(req, nil)
	if err != nil {
		t.Fatal(req.Method, req.URL, err)
	}
	return op, ct.kinRoute(&exchange{operation: op, kin: kin}), params
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
		_, route, params := kinRouteOf(t, ct, req)
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params.asMap(), Route: route,
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
		op, route, params := kinRouteOf(t, ct, req)
		resp, err := jsonResponse(200, tc.doc, op.id, nil)
		if err != nil || resp.doc.data == nil {
			t.Fatalf("%s %s: no value (%v)", tc.method, tc.path, err)
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params.asMap(), Route: route}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: 200,
			Header: http.Header{"Content-Type": {"application/json"}}, Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
		out.SetBodyBytes(resp.body)
		full := openapi3filter.ValidateResponse(context.Background(), out)
		if got := responseValid(tc.method, op.checks, &resp); got != tc.valid || (full == nil) != tc.valid {
			t.Errorf("%s %s: responseValid %v, ValidateResponse %v, want valid %v", tc.method, tc.path, got, full, tc.valid)
		}
	}
}
