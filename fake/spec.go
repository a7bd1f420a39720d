package fake

import (
	"context"
	"fmt"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	specjson "github.com/partnero-fake/partnero-fake/fake/internal/contract"
)

// contract is a loaded, validated OpenAPI document and its router. It is
// immutable once built and shared by every Server using the same spec.
type contract struct {
	doc    *openapi3.T
	router routers.Router
	inputs *inputShapes // for the fidelity warnings (checkInputFields)

	// securityDeclared: every security requirement names a declared scheme,
	// so request validation may skip kin-openapi's security step (validateParams).
	securityDeclared bool

	checks *contractChecks // the fast path of validation (contractchecks.go)
}

// embeddedContract builds the embedded contract once per process, so that
// starting a Server (one per test is the normal use) costs nothing. It
// builds openapi.yaml's document from generated Go code (package contract):
// what kin-openapi's loader returns, without decoding JSON or resolving
// references.
var embeddedContract = sync.OnceValues(buildEmbeddedContract)

// Prepare builds what every Server of the process shares, the embedded
// contract (openapi.yaml's document and its router), unless built already.
// New builds it on first use; a program may call Prepare in a goroutine to
// overlap that work with its own start (cmd/partnero-fake does, while it
// reads its flags and fixtures).
func Prepare() { _, _ = embeddedContract() }

func buildEmbeddedContract() (*contract, error) { return newContract(specjson.Doc()) }

// loadContract loads and validates an OpenAPI document (YAML or JSON).
func loadContract(data []byte) (*contract, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("load openapi spec: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate openapi spec: %w", err)
	}
	return newContract(doc)
}

// newContract builds the router and the rest of a contract from a loaded,
// valid document.
func newContract(doc *openapi3.T) (*contract, error) {
	// Host matching follows the spec's servers; a relative /v1 matches any
	// host, which is what a fake reached as 127.0.0.1:NNNN needs.
	doc.Servers = openapi3.Servers{{URL: "/v1"}}
	if r, ok := newSegmentRouter(doc); ok {
		return &contract{doc: doc, router: r, inputs: newInputShapes(doc), securityDeclared: securityDeclared(doc), checks: compileContract(doc)}, nil
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("build router: %w", err)
	}
	return &contract{doc: doc, router: router, inputs: newInputShapes(doc), securityDeclared: securityDeclared(doc), checks: compileContract(doc)}, nil
}
