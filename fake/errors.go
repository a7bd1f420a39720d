package fake

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/partnero-fake/partnero-fake/fake/store"
)

// apiError is an error response in Partnero's shape:
//
//	422 {"message": "...", "errors": {"field": ["..."]}, "status": 0}
//	404 {"message": "Customer not found.", "status": 0}
//	401 {"message": "Unauthenticated."}
//
// The PHP SDK json-decodes 404 and 422 bodies and reads `message` and
// `errors`, so every error body is JSON with at least a message.
type apiError struct {
	status  int
	message string
	fields  map[string][]string
	header  http.Header
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.status, e.message) }

// body returns the JSON document for the error.
func (e *apiError) body() map[string]any {
	b := map[string]any{"message": e.message}
	if e.status == http.StatusUnauthorized {
		return b // Laravel's authentication failure carries no status field
	}
	if len(e.fields) > 0 {
		b["errors"] = e.fields
	}
	b["status"] = 0
	return b
}

func newError(status int, msg string) *apiError { return &apiError{status: status, message: msg} }

// statusOf is the HTTP status of each kind of error.
var statusOf = map[error]int{
	store.ErrNotFound:     http.StatusNotFound,
	store.ErrActionFailed: http.StatusBadRequest,
	store.ErrInvalid:      http.StatusUnprocessableEntity,
	ErrUnauthenticated:    http.StatusUnauthorized,
	ErrTenantLimit:        http.StatusForbidden,
	ErrNoRoute:            http.StatusNotFound,
	ErrMethodNotAllowed:   http.StatusMethodNotAllowed,
	ErrUnreadable:         http.StatusBadRequest,
	ErrBodyTooLarge:       http.StatusRequestEntityTooLarge,
	ErrNotJSON:            http.StatusUnsupportedMediaType,
	ErrTimeout:            http.StatusRequestTimeout,
	ErrTenantGone:         http.StatusGone,
	ErrShuttingDown:       http.StatusServiceUnavailable,
	ErrInternal:           http.StatusInternalServerError,
}

// fieldsError builds a 422 from per-field messages. Its message is the
// first one, with Laravel's "(and N more errors)" suffix.
func fieldsError(fields map[string][]string) *apiError {
	names := make([]string, 0, len(fields))
	n := 0
	for f, msgs := range fields {
		names = append(names, f)
		n += len(msgs)
	}
	sort.Strings(names)
	msg := fields[names[0]][0]
	switch {
	case n == 2:
		msg += " (and 1 more error)"
	case n > 2:
		msg += fmt.Sprintf(" (and %d more errors)", n-1)
	}
	return &apiError{status: http.StatusUnprocessableEntity, message: msg, fields: fields}
}

// toAPIError is the only place where errors become HTTP statuses: domain
// errors (store.Error) by their kind, worded by storeMessage; the fake's
// own failures and input errors (failures.go) by their kind; fault rules
// by their status; kin-openapi's request validation errors as 422s.
func toAPIError(err error) *apiError {
	var (
		ae  *apiError
		se  *store.Error
		fe  *invalidFields
		f   *failure
		ff  *faultFailure
		sec *openapi3filter.SecurityRequirementsError
	)
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &ff):
		return ff.apiError()
	case errors.As(err, &fe):
		return fieldsError(fe.fields)
	case errors.As(err, &se):
		if errors.Is(se, store.ErrInvalid) {
			f := se.Field
			if f == "" {
				f = "request"
			}
			return fieldsError(map[string][]string{f: {storeMessage(se)}})
		}
		if status, ok := statusOf[se.Kind]; ok {
			return newError(status, storeMessage(se))
		}
	case errors.As(err, &f):
		if status, ok := statusOf[f.kind]; ok {
			e := newError(status, f.msg)
			if f.allow != "" {
				e.header = http.Header{"Allow": {f.allow}}
			}
			return e
		}
	case errors.As(err, &sec):
		return newError(http.StatusUnauthorized, "Unauthenticated.")
	}
	if fields := validationFields(err); len(fields) > 0 {
		return fieldsError(fields)
	}
	return &apiError{status: http.StatusInternalServerError, message: "Server Error"}
}

// validationFields turns kin-openapi request validation errors into
// Laravel-style per-field messages.
func validationFields(err error) map[string][]string {
	fields := map[string][]string{}
	var walk func(error)
	walk = func(err error) {
		// A RequestError unwraps to its schema errors, so look for it first.
		re, isRequest := err.(*openapi3filter.RequestError)
		if !isRequest {
			if me, ok := err.(openapi3.MultiError); ok {
				for _, e := range me {
					walk(e)
				}
			}
			return
		}
		var inner openapi3.MultiError
		if errors.As(re.Err, &inner) {
			for _, e := range inner {
				addSchemaError(fields, re.Parameter, e)
			}
			return
		}
		addSchemaError(fields, re.Parameter, re.Err)
	}
	walk(err)
	return fields
}

func addSchemaError(fields map[string][]string, p *openapi3.Parameter, err error) {
	var param string
	if p != nil {
		param = p.Name
	}
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		f := param
		if f == "" {
			f = "body"
		}
		msg := fmt.Sprintf("The %s field is invalid.", display(f))
		if p != nil {
			msg = paramMessage(p, err)
		}
		fields[f] = append(fields[f], msg)
		return
	}
	f := strings.Join(se.JSONPointer(), ".")
	if param != "" {
		f = param
	}
	// additionalProperties: false names the object; name the member.
	var member string
	if se.SchemaField == "properties" && strings.HasPrefix(se.Reason, "property ") {
		if _, err := fmt.Sscanf(strings.TrimSuffix(se.Reason, " is unsupported"), "property %q", &member); err == nil {
			f = join(f, member)
			fields[f] = append(fields[f], fmt.Sprintf("The %s field is not supported.", display(f)))
			return
		}
	}
	if f == "" {
		f = "body"
	}
	fields[f] = append(fields[f], schemaMessage(f, se))
}

// paramMessage explains a query parameter that could not be parsed, such as
// limit=abc: kin-openapi reports a *ParseError of kind KindInvalidFormat,
// and the parameter's schema says which type was expected.
func paramMessage(p *openapi3.Parameter, err error) string {
	d := display(p.Name)
	var pe *openapi3filter.ParseError
	if errors.As(err, &pe) && pe.Kind == openapi3filter.KindInvalidFormat && p.Schema != nil && p.Schema.Value != nil {
		switch t := p.Schema.Value.Type; {
		case t.Is("integer"):
			return fmt.Sprintf("The %s field must be an integer.", d)
		case t.Is("number"):
			return fmt.Sprintf("The %s field must be a number.", d)
		}
	}
	return fmt.Sprintf("The %s field is invalid.", d)
}

// schemaMessage words a schema violation the way Laravel's validator does.
func schemaMessage(field string, se *openapi3.SchemaError) string {
	d := display(field)
	s := se.Schema
	switch se.SchemaField {
	case "type", "nullable":
		switch {
		case s.Type.Is("string"):
			return fmt.Sprintf("The %s field must be a string.", d)
		case s.Type.Is("integer"):
			return fmt.Sprintf("The %s field must be an integer.", d)
		case s.Type.Is("number"):
			return fmt.Sprintf("The %s field must be a number.", d)
		case s.Type.Is("boolean"):
			return fmt.Sprintf("The %s field must be true or false.", d)
		case s.Type.Is("array"):
			return fmt.Sprintf("The %s field must be an array.", d)
		case s.Type.Is("object"):
			return fmt.Sprintf("The %s field must be an object.", d)
		}
	case "required":
		return fmt.Sprintf("The %s field is required.", d)
	case "enum":
		return fmt.Sprintf("The selected %s is invalid.", d)
	case "minimum":
		return fmt.Sprintf("The %s field must be at least %v.", d, deref(s.Min))
	case "maximum":
		return fmt.Sprintf("The %s field must not be greater than %v.", d, deref(s.Max))
	case "minLength":
		return fmt.Sprintf("The %s field must be at least %d characters.", d, s.MinLength)
	case "maxLength":
		return fmt.Sprintf("The %s field must not be greater than %d characters.", d, deref(s.MaxLength))
	case "pattern":
		if strings.HasSuffix(field, "email") {
			return fmt.Sprintf("The %s field must be a valid email address.", d)
		}
		return fmt.Sprintf("The %s field format is invalid.", d)
	case "format":
		if s.Format == "date" {
			return fmt.Sprintf("The %s field must be a valid date.", d)
		}
		return fmt.Sprintf("The %s field format is invalid.", d)
	case "minProperties":
		return fmt.Sprintf("The %s field must not be empty.", d)
	case "minItems":
		return fmt.Sprintf("The %s field must have at least %d items.", d, s.MinItems)
	case "maxItems":
		return fmt.Sprintf("The %s field must not have more than %d items.", d, deref(s.MaxItems))
	}
	return fmt.Sprintf("The %s field is invalid.", d)
}

// faultFailure is the failure a fault rule injects.
type faultFailure struct{ f *Fault }

func (ff *faultFailure) Error() string { return ff.f.String() }

// apiError is the error response of a failing rule, in Partnero's shape.
func (ff *faultFailure) apiError() *apiError {
	f := ff.f
	msg := f.Message
	if msg == "" {
		switch f.Status {
		case http.StatusTooManyRequests:
			msg = "Too Many Attempts."
		case http.StatusUnauthorized:
			msg = "Unauthenticated."
		case http.StatusNotFound:
			msg = "Not found."
		case http.StatusBadRequest:
			msg = "Action failed"
		default:
			msg = http.StatusText(f.Status)
			if msg == "" {
				msg = "Error"
			}
		}
	}
	e := newError(f.Status, msg)
	if f.Status == http.StatusUnprocessableEntity {
		e = fieldsError(map[string][]string{"fault": {msg}})
	}
	e.header = http.Header{"X-Fake-Fault": {f.ID}}
	if f.Status == http.StatusTooManyRequests {
		e.header.Set("Retry-After", strconv.Itoa(f.RetryAfter))
		e.header.Set("X-RateLimit-Limit", "60")
		e.header.Set("X-RateLimit-Remaining", "0")
	}
	return e
}
