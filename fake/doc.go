// Package fake is a stateful, in-memory fake of Partnero's refer-a-friend
// REST API, built from openapi.yaml.
//
// A Server is an http.Handler. Under /v1 it serves the API: every request is
// routed by the spec to the handler of its operationId, validated against
// the spec (kin-openapi), answered from the tenant's store.Store, and, with
// Options.StrictResponses, its response is validated too (a violation
// becomes a 500 naming it). Under /_fake it serves the control plane:
// reset, state export and import, snapshots, the request journal, the
// clock, fault rules and the webhook outbox, each also a Go method of the
// tenant's handle (Server.Tenant returns a *Tenant). Under
// /js/universal.js and /partnerojs/v1 it serves the browser half,
// PartneroJS (package partnerojs): the script and the endpoints it calls
// with the program's public id instead of an API key, open to any origin.
//
// Each API key is its own tenant: a program with its own store, clock,
// journal, fault rules, snapshots and webhook outbox, created on first use
// from Options.Initial.
//
// Where Partnero's behaviour is undocumented or its sources disagree, the
// fake makes a documented choice (see README.md): for example duplicate
// transaction keys are allowed by default, an unknown referrer is a 422,
// and the stats carry every figure the guides mention. The fake is not
// Partnero: timing, rate limits and anything the dashboard configures are
// simplified, and affiliate and newsletter endpoints are not emulated.
//
// The package's layout, who imports whom and the path of one request are in
// README.md, section Architecture: in short, store holds the domain, outbox
// the webhooks, and this package the HTTP layer (api*.go, control*.go,
// browser*.go, inspect.go, faults.go, errors.go: the one place where error
// kinds become statuses) and the glue between wire and domain.
//
// A Server is safe for concurrent use. It starts a goroutine per tenant
// only while webhook deliveries are pending; Close stops them.
package fake
