package contract

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	partnerofake "github.com/partnero-fake/partnero-fake"
	"github.com/partnero-fake/partnero-fake/fake/internal/contract/convert"
)

// TestJSONIsCurrent fails when openapi.json is not openapi.yaml's JSON form.
func TestJSONIsCurrent(t *testing.T) {
	want, err := convert.JSON(partnerofake.Spec())
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
	again, err := convert.JSON(JSON())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, JSON()) {
		t.Fatal("openapi.json does not round-trip through kin-openapi")
	}
}

// TestDocIsLoadersDoc checks that Doc returns the very document
// kin-openapi's loader makes of openapi.yaml and of openapi.json: the same
// values in every field, exported or not (but the references' refPath),
// and the same values shared.
func TestDocIsLoadersDoc(t *testing.T) {
	got := Doc()
	for name, data := range map[string][]byte{"openapi.yaml": partnerofake.Spec(), "openapi.json": JSON()} {
		want, err := openapi3.NewLoader().LoadFromData(data)
		if err != nil {
			t.Fatal(err)
		}
		g := graphs{ab: map[uintptr]uintptr{}, ba: map[uintptr]uintptr{}}
		if err := g.same(reflect.ValueOf(got), reflect.ValueOf(want), "doc"); err != nil {
			t.Errorf("Doc() differs from the loader's document of %s: %v (run go generate ./fake/internal/contract)", name, err)
		}
	}
	again := Doc()
	if again == got || again.Components.Schemas["Email"].Value == got.Components.Schemas["Email"].Value {
		t.Error("two calls of Doc share values: a Server could change another's document")
	}
}

// TestSameGraphFails checks that the comparison of TestDocIsLoadersDoc
// sees a changed value and a value shared in one document only.
func TestSameGraphFails(t *testing.T) {
	same := func(a, b any) error {
		g := graphs{ab: map[uintptr]uintptr{}, ba: map[uintptr]uintptr{}}
		return g.same(reflect.ValueOf(a), reflect.ValueOf(b), "x")
	}
	one, two := "a", "a"
	if err := same([]*string{&one, &two}, []*string{&one, &two}); err != nil {
		t.Error(err)
	}
	if same([]*string{&one, &one}, []*string{&one, &two}) == nil || same([]*string{&one, &two}, []*string{&two, &two}) == nil {
		t.Error("sharing in one document only went unseen")
	}
	three := "b"
	if same([]*string{&one}, []*string{&three}) == nil {
		t.Error("a changed value went unseen")
	}
}

// graphs compares two values field by field, unexported fields included,
// and checks that pointers correspond one to one.
type graphs struct{ ab, ba map[uintptr]uintptr }

func (g graphs) same(a, b reflect.Value, path string) error {
	if a.Kind() != b.Kind() || a.Type() != b.Type() {
		return fmt.Errorf("%s: %s vs %s", path, a.Type(), b.Type())
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Map:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return fmt.Errorf("%s: nil in one document only", path)
			}
			return nil
		}
		pa, pb := a.Pointer(), b.Pointer()
		qb, seenA := g.ab[pa]
		qa, seenB := g.ba[pb]
		if seenA || seenB {
			if qb != pb || qa != pa {
				return fmt.Errorf("%s: shared in one document only", path)
			}
			return nil
		}
		g.ab[pa], g.ba[pb] = pb, pa
		if a.Kind() == reflect.Pointer {
			return g.same(a.Elem(), b.Elem(), path)
		}
		if a.Len() != b.Len() {
			return fmt.Errorf("%s: %d entries vs %d", path, a.Len(), b.Len())
		}
		for _, k := range a.MapKeys() {
			vb := b.MapIndex(k)
			if !vb.IsValid() {
				return fmt.Errorf("%s[%v]: in one document only", path, k)
			}
			if err := g.same(a.MapIndex(k), vb, fmt.Sprintf("%s[%v]", path, k)); err != nil {
				return err
			}
		}
	case reflect.Struct:
		for i := range a.NumField() {
			f := a.Type().Field(i)
			if f.Name == "refPath" {
				continue
			}
			if err := g.same(a.Field(i), b.Field(i), path+"."+f.Name); err != nil {
				return err
			}
		}
	case reflect.Slice:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return fmt.Errorf("%s: %d elements vs %d", path, a.Len(), b.Len())
		}
		for i := range a.Len() {
			if err := g.same(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return fmt.Errorf("%s: nil in one document only", path)
			}
			return nil
		}
		return g.same(a.Elem(), b.Elem(), path)
	case reflect.String:
		if a.String() != b.String() {
			return fmt.Errorf("%s: %q vs %q", path, a.String(), b.String())
		}
	case reflect.Bool:
		if a.Bool() != b.Bool() {
			return fmt.Errorf("%s: %v vs %v", path, a.Bool(), b.Bool())
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if a.Int() != b.Int() {
			return fmt.Errorf("%s: %d vs %d", path, a.Int(), b.Int())
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if a.Uint() != b.Uint() {
			return fmt.Errorf("%s: %d vs %d", path, a.Uint(), b.Uint())
		}
	case reflect.Float32, reflect.Float64:
		if a.Float() != b.Float() {
			return fmt.Errorf("%s: %v vs %v", path, a.Float(), b.Float())
		}
	default:
		return fmt.Errorf("%s: cannot compare a %s", path, a.Kind())
	}
	return nil
}

// TestValidateChangesNothing backs Doc's skipping validation: validating a
// loaded document leaves it as it was (besides the process-wide cache of
// compiled patterns, which validating requests fills the same way).
func TestValidateChangesNothing(t *testing.T) {
	a, b := Doc(), Doc()
	if err := a.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("Validate changed the document")
	}
}
