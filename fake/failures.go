package fake

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/partnero-fake/partnero-fake/fake/outbox"
	"github.com/partnero-fake/partnero-fake/fake/store"
)

// Kinds of failure of the fake's own operations, beside the store's
// (store.ErrNotFound, store.ErrInvalid, store.ErrActionFailed). Every error
// a Server method or handler returns wraps one of these kinds, so Go
// callers match them with errors.Is; toAPIError (errors.go) alone turns a
// kind into an HTTP status and Partnero's wording.
var (
	// ErrUnauthenticated: no or an unknown API key.
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrTenantLimit: the Server already serves MaxTenants tenants.
	ErrTenantLimit = errors.New("tenant limit reached")
	// ErrLimit: a bounded resource (fault rules, snapshots) is full. It
	// comes with store.ErrInvalid, naming the field.
	ErrLimit = errors.New("limit reached")
	// ErrNoRoute: no operation or control endpoint has that path.
	ErrNoRoute = errors.New("no such route")
	// ErrMethodNotAllowed: the path exists, under other methods.
	ErrMethodNotAllowed = errors.New("method not allowed")
	// ErrUnreadable: the request body could not be read.
	ErrUnreadable = errors.New("request body unreadable")
	// ErrBodyTooLarge: the request body passes MaxBodyBytes.
	ErrBodyTooLarge = errors.New("request body too large")
	// ErrNotJSON: the request body is not JSON (Content-Type).
	ErrNotJSON = errors.New("request body not JSON")
	// ErrTimeout: a long-poll ended without a matching event.
	ErrTimeout = errors.New("timed out")
	// ErrTenantGone: the tenant was deleted during a long-poll.
	ErrTenantGone = outbox.ErrGone
	// ErrShuttingDown: the Server was closed during a long-poll.
	ErrShuttingDown = outbox.ErrClosed
	// ErrInternal: a bug in the fake.
	ErrInternal = errors.New("internal error")
)

// failure is an error of one kind with the message clients see.
type failure struct {
	kind  error
	msg   string
	allow string // the methods of the path, for ErrMethodNotAllowed
}

func (f *failure) Error() string { return f.msg }

// Unwrap returns the kind.
func (f *failure) Unwrap() error { return f.kind }

// fail returns an error of a kind with a message.
func fail(kind error, format string, args ...any) error {
	if len(args) > 0 {
		format = fmt.Sprintf(format, args...)
	}
	return &failure{kind: kind, msg: format}
}

var (
	errUnauthenticated = fail(ErrUnauthenticated, "Unauthenticated.")
	errShuttingDown    = fail(ErrShuttingDown, "The fake is shutting down.")
	errTenantGone      = fail(ErrTenantGone, "The tenant was deleted.")
)

// noRoute is the answer to a path nothing serves; path has no leading /.
func noRoute(path string) error {
	if path == "" {
		return fail(ErrNoRoute, "The route / could not be found: the API is under /v1, the inspector at /_fake/ui.")
	}
	return fail(ErrNoRoute, "The route %s could not be found.", path)
}

// methodNotAllowed is the answer to a known path and another method.
func methodNotAllowed(method, path, allow string) error {
	return &failure{kind: ErrMethodNotAllowed, allow: allow, msg: fmt.Sprintf(
		"The %s method is not supported for route %s. Supported methods: %s.", method, path, allow)}
}

// invalidFields is input that breaks the fake's own rules, with Laravel's
// per-field messages. It is a store.ErrInvalid (and an ErrLimit when a
// bound is reached).
type invalidFields struct {
	fields map[string][]string
	limit  bool
}

func (e *invalidFields) Error() string {
	names := slices.Sorted(maps.Keys(e.fields))
	return fmt.Sprintf("invalid: %s: %s", names[0], e.fields[names[0]][0])
}

// Unwrap returns the kinds.
func (e *invalidFields) Unwrap() []error {
	if e.limit {
		return []error{store.ErrInvalid, ErrLimit}
	}
	return []error{store.ErrInvalid}
}

// fieldErrors returns input errors: per field, Laravel's messages.
func fieldErrors(fields map[string][]string) error { return &invalidFields{fields: fields} }

// fieldError returns an input error about one field.
func fieldError(field, msg string) error { return fieldErrors(map[string][]string{field: {msg}}) }

// limitError returns the error of a full bounded resource.
func limitError(field, msg string) error {
	return &invalidFields{fields: map[string][]string{field: {msg}}, limit: true}
}
