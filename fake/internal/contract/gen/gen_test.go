package main

import (
	"bytes"
	"os"
	"reflect"
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

// TestGoSourceRefusesSharing: a value reachable twice would become two
// copies in Go literals, so the generator refuses it.
func TestGoSourceRefusesSharing(t *testing.T) {
	n, m := 1, 2
	for _, c := range []struct {
		v    []*int
		fail bool
	}{{[]*int{&n, &m}, false}, {[]*int{&n, &n}, true}} {
		e := &emitter{out: &bytes.Buffer{}, seen: map[uintptr]bool{}}
		e.value(reflect.ValueOf(c.v))
		if (e.err != nil) != c.fail {
			t.Errorf("%s: error %v", e.out, e.err)
		}
	}
}
