package main

import (
	"bytes"
	"os"
	"testing"

	"github.com/partnero-fake/partnero-fake/fake/internal/contract"
)

// TestDocGenIsCurrent fails when doc_gen.go is not the Go form of
// openapi.json (contract's TestJSONIsCurrent checks openapi.json).
func TestDocGenIsCurrent(t *testing.T) {
	want, err := goSource(contract.JSON())
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../doc_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("doc_gen.go is stale: run go generate ./fake/internal/contract")
	}
}
