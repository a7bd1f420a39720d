package fake

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// WarningHeader is the response header that carries fidelity warnings, one
// value per warning: "<code>: <sentence>".
const WarningHeader = "X-Partnero-Fake-Warning"

// Fidelity warning codes. The fake answered the request normally, but
// Partnero's handling of it is undocumented, or its documentation says
// otherwise, so a test that passes here may not pass against Partnero.
const (
	// WarnIgnoredField: a body field the fake does not know (it is not in
	// openapi.yaml) was ignored.
	WarnIgnoredField = "ignored-field"
	// WarnIgnoredParameter: a query parameter (or a GET/DELETE body field)
	// the operation does not take was ignored.
	WarnIgnoredParameter = "ignored-parameter"
	// WarnPartnerIgnored: a customer was sent with `partner` attribution,
	// which belongs to affiliate programs; in a refer-a-friend program it
	// was created without a referrer.
	WarnPartnerIgnored = "partner-ignored"
	// WarnMissingRequired: a field Partnero's docs mark required was left
	// out and the fake filled in a default.
	WarnMissingRequired = "missing-required-field"
	// WarnEmptyArrayBody: the body was `[]` (PHP's json_encode of an empty
	// array), read as empty input, as Laravel does.
	WarnEmptyArrayBody = "empty-array-body"
	// WarnEmptyString: a field was an empty string, read as absent
	// (Laravel's ConvertEmptyStringsToNull).
	WarnEmptyString = "empty-string"
)

// WarningCodes lists every fidelity warning code, for documentation and
// for tests that allow them all.
func WarningCodes() []string {
	return []string{WarnIgnoredField, WarnIgnoredParameter, WarnPartnerIgnored, WarnMissingRequired,
		WarnEmptyArrayBody, WarnEmptyString}
}

// Warning is one fidelity warning on a response: the fake accepted the
// request, but Partnero may not treat it the same way.
type Warning struct {
	// Code is one of the Warn constants.
	Code string `json:"code"`
	// Message is one sentence saying what was tolerated and why it matters.
	Message string `json:"message"`
}

// String is the header form, "<code>: <message>".
func (w Warning) String() string { return w.Code + ": " + w.Message }

// ParseWarning reads a WarningHeader value back.
func ParseWarning(h string) Warning {
	code, msg, _ := strings.Cut(h, ": ")
	return Warning{Code: code, Message: msg}
}

// MaxWarnings is how many warnings one response carries; past it, one
// more warning says how many were left out (each code is still counted in
// the tenant's warning record).
const MaxWarnings = 20

// warningSet is the warnings of one response: the first MaxWarnings,
// without repeats, and a count of every warning by code.
type warningSet struct {
	items   []Warning
	seen    map[Warning]bool
	byCode  map[string]int
	dropped int
	code    string // of the first warning left out
}

func (ws *warningSet) add(w Warning) {
	if ws.seen[w] {
		return
	}
	if ws.seen == nil {
		ws.seen, ws.byCode = map[Warning]bool{}, map[string]int{}
	}
	ws.seen[w] = true
	ws.byCode[w.Code]++
	if len(ws.items) < MaxWarnings {
		ws.items = append(ws.items, w)
		return
	}
	if ws.dropped == 0 {
		ws.code = w.Code
	}
	ws.dropped++
}

// list returns the warnings to send, with a last one, of the code of the
// first left out, counting those left out.
func (ws *warningSet) list() []Warning {
	if ws.dropped == 0 {
		return ws.items
	}
	out := slices.Clone(ws.items)
	return append(out, Warning{Code: ws.code, Message: fmt.Sprintf("%d more warnings of this request were left out (at most %d are sent).", ws.dropped, MaxWarnings)})
}

// warn adds a warning to the call's response.
func (c *call) warn(code, format string, args ...any) {
	c.warnings.add(Warning{Code: code, Message: fmt.Sprintf(format, args...)})
}

// requireDocumented warns when a field Partnero documents as required is
// absent; what names the default the fake used instead.
func (c *call) requireDocumented(present bool, field, what string) {
	if !present {
		c.warn(WarnMissingRequired, "%s is required by Partnero's docs; the fake %s.", field, what)
	}
}

// checkInputFields warns about the request's fields that op does not
// take: query parameters (including a GET/DELETE body, merged into the
// query) and body members that openapi.yaml does not declare. op holds
// what it needs of the contract, computed at load.
func (c *call) checkInputFields(op *operation, doc any) {
	var unknown []string
	for name := range c.query {
		if !op.query[name] {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	for _, name := range unknown {
		c.unknownField(WarnIgnoredParameter, name)
	}
	if op.body == nil || c.r.Method == http.MethodGet || c.r.Method == http.MethodDelete {
		return
	}
	unknown = unknown[:0]
	op.body.unknownMembers(doc, "", &unknown)
	sort.Strings(unknown)
	for _, name := range unknown {
		c.unknownField(WarnIgnoredField, name)
	}
}

// queryParams is the set of query parameters an operation takes.
func queryParams(op *openapi3.Operation, pathParams openapi3.Parameters) map[string]bool {
	known := map[string]bool{}
	for _, ps := range []openapi3.Parameters{pathParams, op.Parameters} {
		for _, p := range ps {
			if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
				known[p.Value.Name] = true
			}
		}
	}
	return known
}

// shape is what checkInputFields reads of a schema a request body can
// reach, computed when the contract is loaded: the properties it declares,
// merged over allOf/oneOf/anyOf (a declared member whose schema is not
// resolved maps to nil), whether it takes any member, and its items. A nil
// shape checks nothing.
type shape struct {
	props map[string]*shape
	open  bool
	items *shape
}

// shapes builds the shapes of one contract, each schema's once.
type shapes map[*openapi3.Schema]*shape

func newShapes() shapes { return shapes{} }

// of returns the shape of ref's schema, nil when it is not resolved.
func (sh shapes) of(ref *openapi3.SchemaRef) *shape {
	if ref == nil || ref.Value == nil {
		return nil
	}
	if x, ok := sh[ref.Value]; ok {
		return x
	}
	x := &shape{}
	sh[ref.Value] = x // before its members: a schema may reach itself
	props, open := schemaProperties(ref.Value)
	x.open, x.props = open, make(map[string]*shape, len(props))
	for k, p := range props {
		x.props[k] = sh.of(p)
	}
	x.items = sh.of(schemaItems(ref.Value))
	return x
}

func (c *call) unknownField(code, name string) {
	if name == "partner" || strings.HasPrefix(name, "partner.") || name == "partner_key" ||
		strings.HasSuffix(name, ".partner") || strings.Contains(name, ".partner.") {
		c.warn(WarnPartnerIgnored, "%q was ignored: partner attribution belongs to affiliate programs; a refer-a-friend customer is referred through referring_customer.", name)
		return
	}
	kind := "body field"
	if code == WarnIgnoredParameter {
		kind = "parameter"
	}
	c.warn(code, "The %s %q is not part of the emulated API and was ignored.", kind, name)
}

// isContainer reports whether v is a JSON object or array.
func isContainer(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

// unknownMembers appends the dotted names of v's object members that the
// schema does not declare. allOf, oneOf and anyOf contribute the union of
// their properties; a schema with additionalProperties accepts anything.
func (x *shape) unknownMembers(v any, prefix string, out *[]string) {
	if x == nil {
		return
	}
	switch v := v.(type) {
	case map[string]any:
		if x.open {
			return
		}
		for k, e := range v {
			sub, ok := x.props[k]
			switch {
			case !ok:
				*out = append(*out, join(prefix, k))
			case isContainer(e): // a name is joined only for what has members
				sub.unknownMembers(e, join(prefix, k), out)
			}
		}
	case []any:
		if x.items == nil {
			return
		}
		for i, e := range v {
			x.items.unknownMembers(e, fmt.Sprintf("%s.%d", prefix, i), out)
		}
	}
}

// schemaProperties returns the properties a schema declares, merged over
// allOf/oneOf/anyOf; open reports a schema that takes any member.
func schemaProperties(s *openapi3.Schema) (props map[string]*openapi3.SchemaRef, open bool) {
	props = map[string]*openapi3.SchemaRef{}
	var walk func(s *openapi3.Schema)
	walk = func(s *openapi3.Schema) {
		if s == nil {
			return
		}
		if s.AdditionalProperties.Schema != nil || (s.AdditionalProperties.Has != nil && *s.AdditionalProperties.Has) {
			open = true
		}
		for k, p := range s.Properties {
			if _, seen := props[k]; !seen {
				props[k] = p
			}
		}
		for _, group := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
			for _, r := range group {
				if r != nil {
					walk(r.Value)
				}
			}
		}
	}
	walk(s)
	return props, open
}

func schemaItems(s *openapi3.Schema) *openapi3.SchemaRef {
	if s.Items != nil {
		return s.Items
	}
	for _, group := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, r := range group {
			if r != nil && r.Value != nil && r.Value.Items != nil {
				return r.Value.Items
			}
		}
	}
	return nil
}

// warnEmptyStrings reports the fields of a body that were empty strings.
func (c *call) warnEmptyStrings(fields []string) {
	sort.Strings(fields)
	for _, f := range fields {
		c.warn(WarnEmptyString, "%q was an empty string and was read as absent, as Laravel's ConvertEmptyStringsToNull does; Partnero may reject it.", f)
	}
}
