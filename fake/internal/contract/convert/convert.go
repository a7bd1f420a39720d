// Package convert turns openapi.yaml into the JSON form package contract
// embeds. It is apart from package contract, which holds generated code, so
// that go generate (contract/gen) builds even when that code no longer
// compiles (after an upgrade of kin-openapi, say).
package convert

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// JSON parses an OpenAPI document (YAML or JSON) with kin-openapi, validates
// it and returns it as compact JSON that kin-openapi reads back into the
// same document.
func JSON(data []byte) ([]byte, error) {
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
