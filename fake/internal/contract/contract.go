// Package contract holds openapi.yaml converted to JSON, so that starting the
// fake parses JSON: kin-openapi reads YAML by converting it to JSON first,
// which is about a third of the fake's start-up time. openapi.json is
// generated from openapi.yaml (go generate ./fake/internal/contract) and a
// test fails when it is stale; openapi.yaml stays the contract.
package contract

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:generate go run ./gen

//go:embed openapi.json
var specJSON []byte

// JSON returns a copy of openapi.json.
func JSON() []byte { return slices.Clone(specJSON) }

// Convert parses an OpenAPI document (YAML or JSON) with kin-openapi and
// returns it as compact JSON that kin-openapi reads back into the same
// document.
func Convert(data []byte) ([]byte, error) {
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("load openapi spec: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate openapi spec: %w", err)
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encode openapi spec: %w", err)
	}
	return append(out, '\n'), nil
}
