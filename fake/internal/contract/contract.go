// Package contract holds openapi.yaml in the forms the fake starts from
// fastest: Doc builds kin-openapi's document from generated Go code
// (doc_gen.go), without decoding anything, and JSON is its JSON form
// (kin-openapi reads YAML by converting it to JSON first). Both are
// generated from openapi.yaml (go generate ./fake/internal/contract; see
// package convert and gen) and tests fail when they are stale; openapi.yaml
// stays the contract.
package contract

import (
	_ "embed"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:generate go run ./gen

//go:embed openapi.json
var specJSON []byte

// JSON returns a copy of openapi.json.
func JSON() []byte { return slices.Clone(specJSON) }

// Doc returns openapi.yaml as kin-openapi's loader returns it
// (openapi3.NewLoader().LoadFromData), a new document on every call. It is
// built by Go code generated from openapi.json, in about 3% of the time
// loading it takes. It is not validated again (go generate validated it, and
// validating changes nothing in a document: a test checks it), and its
// references carry no RefPath (which only the loader and InternalizeRefs
// read).
func Doc() *openapi3.T { return loadedDoc() }
