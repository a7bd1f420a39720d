package main

import (
	"bytes"
	"os"
	"testing"
)

// TestDocGenIsCurrent fails when doc_gen.go is not the Go form of
// openapi.json (contract's TestJSONIsCurrent checks openapi.json).
func TestDocGenIsCurrent(t *testing.T) {
	spec, err := os.ReadFile("../openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	want, err := goSource(spec)
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
