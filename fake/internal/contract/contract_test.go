package contract

import (
	"bytes"
	"testing"

	partnerofake "github.com/partnero-fake/partnero-fake"
)

// TestJSONIsCurrent fails when openapi.json is not openapi.yaml's JSON form.
func TestJSONIsCurrent(t *testing.T) {
	want, err := Convert(partnerofake.Spec())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(JSON(), want) {
		t.Fatal("openapi.json is stale: run go generate ./fake/internal/contract")
	}
}

// TestJSONRoundTrips checks that kin-openapi reads openapi.json back into
// the document it was written from.
func TestJSONRoundTrips(t *testing.T) {
	again, err := Convert(JSON())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, JSON()) {
		t.Fatal("openapi.json does not round-trip through kin-openapi")
	}
}
