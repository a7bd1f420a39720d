// Package metaschemas releases the JSON Schema meta-schemas that
// github.com/santhosh-tekuri/jsonschema/v6, a dependency of kin-openapi's
// openapi3, compiles in its init, for the commands that serve only
// openapi.yaml: partnero-fake and loadbench's held controls.
package metaschemas

import "github.com/santhosh-tekuri/jsonschema/v6"

// Release lets the collector take the meta-schemas of the five drafts,
// about 410 KB in 2,250 objects full of pointers, which every collection
// would otherwise mark while requests wait (0.26 ms of a collection's
// 0.9 ms under a GET load; cmd/loadbench/RESULTS.md, Memory the collector
// marks).
//
// kin-openapi validates with them only for OpenAPI 3.1 documents
// (openapi3filter adds EnableJSONSchema2020 when the route's document
// IsOpenAPI31OrLater), and openapi.yaml is 3.0 (partnero-fake's
// TestEmbeddedContractIsOpenAPI30): nothing in a process that serves it
// reads them. A released draft is an empty Draft: compiling or validating
// with it panics. So only a command's main calls Release, before anything
// else runs, and a program that links package fake keeps them.
func Release() {
	for _, d := range []*jsonschema.Draft{jsonschema.Draft4, jsonschema.Draft6, jsonschema.Draft7, jsonschema.Draft2019, jsonschema.Draft2020} {
		*d = jsonschema.Draft{}
	}
}
