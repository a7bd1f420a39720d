// Package partnerofake holds the contract of partnero-fake: the OpenAPI
// document the fake is built from (and the Dockerfile, which
// testkit/container builds its image from). It exists only because go:embed
// cannot reach a parent directory; the fake itself lives in package fake.
package partnerofake

import (
	_ "embed"
	"slices"
)

//go:embed openapi.yaml
var spec []byte

//go:embed Dockerfile
var dockerfile []byte

// Dockerfile returns a copy of the Dockerfile.
func Dockerfile() []byte { return slices.Clone(dockerfile) }

// Spec returns a copy of openapi.yaml.
func Spec() []byte { return slices.Clone(spec) }
