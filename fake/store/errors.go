package store

import (
	"errors"
	"fmt"
)

// Sentinel kinds of domain error. Every error a Store method returns wraps
// exactly one of them, so callers can branch with errors.Is; the HTTP layer
// maps them to status codes in one place.
var (
	// ErrNotFound means the addressed resource does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalid means the input breaks a domain rule (uniqueness, an unknown
	// referenced resource, a bad amount). The error is an *Error naming the
	// offending field.
	ErrInvalid = errors.New("invalid")
	// ErrActionFailed means a state transition is not possible from the
	// current state, such as archiving an archived customer. Partnero answers
	// these with 400 "Action failed".
	ErrActionFailed = errors.New("action failed")
)

// Error is a domain error with an optional field and a human message in
// Partnero's (Laravel's) wording. It unwraps to one of the sentinel kinds.
type Error struct {
	// Kind is ErrNotFound, ErrInvalid or ErrActionFailed.
	Kind error
	// Field is the dotted input field the error is about, or "".
	Field string
	// Message is shown to API clients.
	Message string
}

// Error implements error.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s: %s", e.Kind, e.Field, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Kind, e.Message)
}

// Unwrap returns the sentinel kind.
func (e *Error) Unwrap() error { return e.Kind }

func notFound(what string) error {
	return &Error{Kind: ErrNotFound, Message: what + " not found."}
}

func invalid(field, msg string) error {
	return &Error{Kind: ErrInvalid, Field: field, Message: msg}
}

func taken(field string) error {
	return invalid(field, fmt.Sprintf("The %s has already been taken.", field))
}

func actionFailed() error {
	return &Error{Kind: ErrActionFailed, Message: "Action failed"}
}
