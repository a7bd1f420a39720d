package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/santhosh-tekuri/jsonschema/v6"

	partnerofake "github.com/partnero-fake/partnero-fake"
	"github.com/partnero-fake/partnero-fake/cmd/internal/metaschemas"
)

// TestMain releases the JSON Schema meta-schemas as main does, so that
// every test of the command runs the fake as the command runs it.
func TestMain(m *testing.M) {
	metaschemas.Release()
	os.Exit(m.Run())
}

// TestEmbeddedContractIsOpenAPI30 holds what metaschemas.Release rests on:
// kin-openapi validates with JSON Schema drafts only for OpenAPI 3.1
// documents, and the command serves openapi.yaml, a 3.0 document.
func TestEmbeddedContractIsOpenAPI30(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(partnerofake.Spec())
	if err != nil {
		t.Fatal(err)
	}
	if doc.IsOpenAPI31OrLater() {
		t.Fatalf("openapi.yaml is OpenAPI %s: kin-openapi validates 3.1 documents with jsonschema's drafts, which the command releases at start (cmd/internal/metaschemas)", doc.OpenAPI)
	}
	if jsonschema.Draft2020.String() != "" {
		t.Error("TestMain did not release the drafts, so the command's tests do not run as the command does")
	}
}

// TestValidationWithoutMetaSchemas sends requests that take kin-openapi's
// slow path (an error to word, a strict-mode response), with the
// meta-schemas released: none of them may reach jsonschema (a released
// draft panics when used, and the request would fail).
func TestValidationWithoutMetaSchemas(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, done := start(t, ctx, "--strict")
	for _, c := range []struct {
		method, path, body string
		status             int
	}{
		{"GET", "/v1/customers/demo-ben", "", 200},
		{"GET", "/v1/customers?page=x", "", 422},
		{"GET", "/v1/customers?limit=-3", "", 422},
		{"POST", "/v1/customers", `{"id":7,"email":"not an email"}`, 422},
		{"POST", "/v1/customers", `{"id":"mj","email":"mj@example.com","name":"Mary","surname":"Jane"}`, 200},
		{"POST", "/v1/transactions", `{"customer":{"key":"mj"},"key":"t1","amount":"many","action":"sale"}`, 422},
		{"POST", "/v1/transactions", `{"customer":{"key":"ben"},"key":"t2","amount":19.99,"action":"sale"}`, 200},
		{"GET", "/v1/transactions?customer_key=ben", "", 200},
	} {
		req, _ := http.NewRequest(c.method, "http://"+addr+c.path, strings.NewReader(c.body))
		req.Header.Set("Authorization", "Bearer k")
		if c.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Errorf("%s %s %s = %d, want %d: %s", c.method, c.path, c.body, resp.StatusCode, c.status, body)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run after shutdown: %v", err)
	}
}
