package fake

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestDecodeIntoAgreesWithUnmarshal: what decodeInto fills is what
// json.Unmarshal of the encoded document fills, for every handler input
// type and documents generated from every request schema of the contract,
// then broken (wrong types, nulls, unknown members, names in another case
// or with non-ASCII letters). Most valid documents must take the fast path.
func TestDecodeIntoAgreesWithUnmarshal(t *testing.T) {
	types := []any{customerCreateInput{}, customerUpdateInput{}, invitationInput{}, linkCreateInput{}, linkUpdateInput{},
		programUpdateInput{}, transactionCreateInput{}, creditInput{}, webhookInput{}}
	names, schemas, _, _ := contractSchemas(t)
	var requests []*openapi3.Schema
	for i, n := range names {
		if strings.HasSuffix(n, " request") {
			requests = append(requests, schemas[i])
		}
	}
	rng := rand.New(rand.NewPCG(5, 8))
	g := &valueGen{rng: rng}
	var d decoders
	fast, valid := 0, 0
	lastOf := map[reflect.Type]reflect.Value{}
	for range 4000 {
		doc := g.value(requests[rng.IntN(len(requests))], 0)
		broken := rng.IntN(2) == 0
		if broken {
			for range 1 + rng.IntN(2) {
				doc = breakNames(rng, g.mutate(doc, 0))
			}
		}
		b, ok := appendGeneric(nil, doc)
		if !ok {
			continue
		}
		for _, zero := range types {
			typ := reflect.TypeOf(zero)
			got, want := reflect.New(typ), reflect.New(typ)
			took := d.decodeInto(got.Interface(), doc)
			err := json.Unmarshal(b, want.Interface())
			if took && (err != nil || !reflect.DeepEqual(got.Interface(), want.Interface())) {
				t.Fatalf("%s from %s:\nfast      %+v\nUnmarshal %+v (%v)", typ, b, got.Elem(), want.Elem(), err)
			}
			if !took && !got.Elem().IsZero() {
				t.Fatalf("%s from %s: gave up, but left %+v half-done", typ, b, got.Elem())
			}
			// Into a value already filled (the last document's): as
			// json.Unmarshal fills it, or left as it was.
			if last := lastOf[typ]; last.IsValid() {
				got2, want2 := reflect.New(typ), reflect.New(typ)
				got2.Elem().Set(last)
				want2.Elem().Set(last)
				err2 := json.Unmarshal(b, want2.Interface())
				took2 := d.decodeInto(got2.Interface(), doc)
				if took2 && (err2 != nil || !reflect.DeepEqual(got2.Interface(), want2.Interface())) {
					t.Fatalf("%s from %s into %+v:\nfast      %+v\nUnmarshal %+v (%v)", typ, b, last, got2.Elem(), want2.Elem(), err2)
				}
				if !took2 && !reflect.DeepEqual(got2.Elem().Interface(), last.Interface()) {
					t.Fatalf("%s from %s: gave up, but changed %+v to %+v", typ, b, last, got2.Elem())
				}
			}
			if err == nil {
				lastOf[typ] = want.Elem()
			}
			if err == nil && !broken {
				valid++
				if took {
					fast++
				}
			}
		}
	}
	if fast < valid*8/10 {
		t.Errorf("the fast path took %d of %d valid documents; want most", fast, valid)
	}
	t.Logf("%d valid decodings, %d by the fast path", valid, fast)
}

// breakNames renames a member of v's top object: to upper case, to a
// non-ASCII look-alike, or to an unknown name.
func breakNames(rng *rand.Rand, v any) any {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return v
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	})
	k := keys[rng.IntN(len(keys))]
	x := m[k]
	delete(m, k)
	switch rng.IntN(3) {
	case 0:
		m[strings.ToUpper(k)] = x
	case 1:
		m[strings.NewReplacer("k", "\u212a", "s", "\u017f").Replace(k)] = x // the Kelvin sign and the long s fold to k and s
	default:
		m["zz_"+k] = x
	}
	return m
}

func TestFieldTableGivesUp(t *testing.T) {
	type inner struct{ A string }
	type twice struct {
		inner
		A string `json:"A"`
	}
	type quoted struct {
		N int `json:"n,string"`
	}
	type ptr struct{ *inner }
	type oddTag struct {
		A string `json:"a§"` // not a valid tag name: json.Unmarshal reads member "A"
	}
	type foldedTag struct {
		A string `json:"ſ"` // the long s: json.Unmarshal fills it from "s" and "S" too
	}
	type float struct {
		S string  `json:"s"`
		F float64 `json:"f"` // -0 is zero to IsZero: a failed decoding would make it +0
	}
	type nestedFloat struct {
		In struct{ C [2]complex64 } `json:"in"`
	}
	for _, v := range []any{twice{}, quoted{}, ptr{}, oddTag{}, foldedTag{}, float{}, nestedFloat{}} {
		if buildFieldTable(reflect.TypeOf(v)) != nil {
			t.Errorf("%T: want no table (json.Unmarshal decides)", v)
		}
	}
	if ft := buildFieldTable(reflect.TypeOf(transactionCreateInput{})); ft == nil || ft.byName["amount"] == nil {
		t.Error("transactionCreateInput: want its embedded fields promoted")
	}
}

// ownDecoder has an UnmarshalJSON promoted from an embedded field, which
// json.Unmarshal calls for the whole value.
type ownDecoder struct {
	innerDecoder
	Name string `json:"name"`
}

type innerDecoder struct{ Raw string }

func (d *innerDecoder) UnmarshalJSON(b []byte) error { d.Raw = string(b); return nil }

// TestDecodeIntoLeavesUnmarshalersAlone: a type whose pointer is a
// json.Unmarshaler, its own method or a promoted one, goes to
// json.Unmarshal (found in review).
// selfList contains itself: its plan must end (planOf).
type selfList []selfList

// selfPointer points to itself: so must its plan, and json.Unmarshal
// decides a member of its type.
type selfPointer *selfPointer

// TestDecodeIntoSelfContainingTypes: a field whose type contains itself
// gets a plan, and decodes as json.Unmarshal decodes it.
func TestDecodeIntoSelfContainingTypes(t *testing.T) {
	type holder struct {
		L selfList `json:"l"`
	}
	var d decoders
	var got, want holder
	doc := map[string]any{"l": []any{[]any{}, []any{[]any{}}}}
	if !d.decodeInto(&got, doc) {
		t.Fatal("decodeInto gave up")
	}
	if err := json.Unmarshal([]byte(`{"l":[[],[[]]]}`), &want); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, json.Unmarshal %#v (%v)", got, want, err)
	}
	type pointing struct {
		A string       `json:"a"`
		P selfPointer  `json:"p"`
		Q *selfPointer `json:"q"`
	}
	var p pointing
	if !d.decodeInto(&p, map[string]any{"a": "x"}) || p.A != "x" {
		t.Errorf("without the pointer members: %+v", p)
	}
	if d.decodeInto(&p, map[string]any{"p": nil}) {
		t.Error("decodeInto filled a member of type selfPointer; json.Unmarshal decides it")
	}
}

func TestDecodeIntoLeavesUnmarshalersAlone(t *testing.T) {
	var d decoders
	var v ownDecoder
	if d.decodeInto(&v, map[string]any{"name": "x"}) {
		t.Errorf("decodeInto filled %+v; json.Unmarshal would call UnmarshalJSON", v)
	}
}

// BenchmarkDecodeInto decodes the body of a rewarded sale, as the
// pipeline's load scenario sends it, into the handler's input type.
func BenchmarkDecodeInto(b *testing.B) {
	doc, _, _, err := cleanJSON([]byte(`{"customer":{"key":"ben"},"key":"t1","amount":19.99,"action":"sale"}`))
	if err != nil {
		b.Fatal(err)
	}
	var d decoders
	b.ReportAllocs()
	for b.Loop() {
		var in transactionCreateInput
		if !d.decodeInto(&in, doc) {
			b.Fatal("slow path")
		}
	}
}
