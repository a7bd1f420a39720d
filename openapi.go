// Package partnerofake holds the contract of partnero-fake: the OpenAPI
// document the fake is built from. It exists only because go:embed cannot
// reach a parent directory; the fake itself lives in package fake.
package partnerofake

import (
	_ "embed"
	"slices"
)

//go:embed openapi.yaml
var spec []byte

// Spec returns a copy of openapi.yaml.
func Spec() []byte { return slices.Clone(spec) }
