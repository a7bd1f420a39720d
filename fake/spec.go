package fake

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"weak"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	specjson "github.com/partnero-fake/partnero-fake/fake/internal/contract"
)

// contract is a loaded, validated OpenAPI document, its operations and
// its router. It is immutable once built and shared by every Server using
// the same spec.
//
// Serving a valid request needs nothing of kin-openapi's document: the
// router finds an operation, and the operation's own checks (compiled at
// load) decide it. Only kin-openapi's slow path (an error to decide and
// word, a strict-mode response the checks leave to it) reads the document,
// from docs, which for the embedded contract builds it again when the
// collector has taken it. A document the process holds is marked by the
// collector on every cycle while requests wait: the embedded one is 370 KB
// in 2,200 objects, about a fifth of a collection's mark under a GET load.
type contract struct {
	docs   *contractDoc
	router opRouter
	ops    []*operation // every operation, in the document's matching order
	// securityDeclared: every security requirement names a declared scheme,
	// so request validation may skip kin-openapi's security step (validateParams).
	securityDeclared bool
	email            *schemaCheck // components.schemas.Email, for validEmail (nil: none)
}

// operation is what serving a request needs of one operation of the
// contract, computed at load. It holds no pointer into kin-openapi's
// document: the slow path finds the operation there by path and method
// (contract.kinRoute).
type operation struct {
	id     string // operationId
	path   string // as the document writes it: /customers/{id}
	method string
	checks *operationChecks // the fast path of validation (contractchecks.go); nil: none
	query  map[string]bool  // the query parameters it takes, for the fidelity warnings
	body   *shape           // its JSON request body's shape, for the fidelity warnings; nil: none
}

// embeddedContract builds the embedded contract once per process, so that
// starting a Server (one per test is the normal use) costs nothing. It
// builds openapi.yaml's document from generated Go code (package contract):
// what kin-openapi's loader returns, without decoding JSON or resolving
// references.
var embeddedContract = sync.OnceValues(buildEmbeddedContract)

// Prepare builds what every Server of the process shares, the embedded
// contract (openapi.yaml's operations, their checks and the router),
// unless built already.
// New builds it on first use; a program may call Prepare in a goroutine to
// overlap that work with its own start (cmd/partnero-fake does, while it
// reads its flags and fixtures).
func Prepare() { _, _ = embeddedContract() }

func buildEmbeddedContract() (*contract, error) { return newContract(&contractDoc{build: embeddedDoc}) }

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
	return newContract(&contractDoc{held: servedDoc(doc)})
}

// newContract builds the router and the rest of a contract from the
// document docs gives, loaded and valid: held, or (the embedded contract)
// built from the generated code and built again when the slow path needs
// it after the collector took it.
func newContract(docs *contractDoc) (*contract, error) {
	doc := docs.get()
	c := &contract{docs: docs, securityDeclared: securityDeclared(doc)}
	if doc.Paths == nil {
		return nil, errors.New("openapi spec: no paths")
	}
	comp := newCheckCompilers()
	if doc.Components != nil {
		if ref := doc.Components.Schemas["Email"]; ref != nil && ref.Value != nil {
			if c.email = comp.param.root(ref.Value); c.email == nil {
				c.email = &schemaCheck{delegate: true, schema: ref.Value}
			}
		}
	}
	shapes := newShapes()
	byOp := map[*openapi3.Operation]*operation{}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for _, method := range sortedMethods(item) {
			op := item.GetOperation(method)
			o := &operation{id: op.OperationID, path: path, method: method, query: queryParams(op, item.Parameters)}
			if !doc.IsOpenAPI31OrLater() { // JSON Schema 2020 semantics, which schemaCheck does not mirror
				o.checks = comp.operation(item, op)
			}
			if rb := op.RequestBody; rb != nil && rb.Value != nil {
				if mt := rb.Value.Content.Get("application/json"); mt != nil {
					o.body = shapes.of(mt.Schema)
				}
			}
			c.ops = append(c.ops, o)
			byOp[op] = o
		}
	}
	if r, ok := newSegmentRouter(doc, c.ops); ok {
		c.router = r
		return c, nil
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("build router: %w", err)
	}
	c.docs = &contractDoc{held: doc} // the router's routes point into it
	c.router = &kinRouter{router: router, ops: byOp}
	return c, nil
}

// embeddedDoc builds openapi.yaml's document, as newContract serves it.
func embeddedDoc() *openapi3.T { return servedDoc(specjson.Doc()) }

// servedDoc sets doc's servers as the fake serves them: a relative /v1,
// which matches any host, which is what a fake reached as 127.0.0.1:NNNN
// needs.
func servedDoc(doc *openapi3.T) *openapi3.T {
	doc.Servers = openapi3.Servers{{URL: "/v1"}}
	return doc
}

// sortedMethods returns the methods of item's operations in order.
func sortedMethods(item *openapi3.PathItem) []string {
	return slices.Sorted(maps.Keys(item.Operations()))
}

// contractDoc gives a contract's kin-openapi document to the slow path.
// A document given is held; the embedded one is built from generated code
// (about 0.25 ms) when asked for, and kept only as long as something else
// holds it or the collector has not run since (a weak pointer): so a burst
// of invalid requests builds it about once per collection, and a process
// serving valid requests holds none.
type contractDoc struct {
	held  *openapi3.T
	build func() *openapi3.T

	mu   sync.Mutex
	last weak.Pointer[openapi3.T]
}

// get returns the document. Callers only read it.
func (d *contractDoc) get() *openapi3.T {
	if d.held != nil {
		return d.held
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if doc := d.last.Value(); doc != nil {
		return doc
	}
	doc := d.build()
	d.last = weak.Make(doc)
	return doc
}

// kinRoute returns the route kin-openapi validates x against: the one the
// router found, or, with the segment router, op's in the document.
func (c *contract) kinRoute(x *exchange) *routers.Route {
	if x.kin == nil {
		doc := c.docs.get()
		item := doc.Paths.Value(x.operation.path)
		x.kin = &routers.Route{Spec: doc, Server: doc.Servers[0], Path: x.operation.path, PathItem: item,
			Method: x.operation.method, Operation: item.GetOperation(x.operation.method)}
	}
	return x.kin
}
