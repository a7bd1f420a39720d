package contract

import (
	"bytes"
	"context"
	"reflect"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

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

// TestDocIsLoadersDoc checks that Doc returns the very document
// kin-openapi's loader makes of openapi.yaml and of openapi.json.
func TestDocIsLoadersDoc(t *testing.T) {
	got, err := Doc()
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"openapi.yaml": partnerofake.Spec(), "openapi.json": JSON()} {
		want, err := openapi3.NewLoader().LoadFromData(data)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Doc() differs from the loader's document of %s: run go generate ./fake/internal/contract", name)
		}
	}
	if again, _ := Doc(); again == got || again.Components.Schemas["Email"] == got.Components.Schemas["Email"] {
		t.Error("two calls of Doc share values: a Server could change another's document")
	}
}

// TestValidateChangesNothing backs Doc's skipping validation: validating a
// loaded document leaves it as it was (besides the process-wide cache of
// compiled patterns, which validating requests fills the same way).
func TestValidateChangesNothing(t *testing.T) {
	a, err := Doc()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Doc()
	if err := a.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("Validate changed the document")
	}
}
