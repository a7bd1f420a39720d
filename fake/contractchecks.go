package fake

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// operationChecks is the fast path of validating one operation's requests
// and, in strict mode, its responses: schemaChecks compiled once per
// contract (newCheckCompilers) for its parameters, its request body and
// its responses. A request or response they accept, kin-openapi accepts
// too; anything else goes to kin-openapi, which decides and words the
// errors.
type operationChecks struct {
	params []paramCheck // as validateParams visits them: the path item's not overridden, then the operation's
	// body checks a POST or PUT body; bodyRequired answers a GET or DELETE.
	body         *schemaCheck
	hasBody      bool // a JSON body schema to check
	bodyRequired bool
	// responses holds, by the key of each response the operation declares
	// ("200", "2XX", "default"), the check of its JSON body, or nil where
	// responseValid leaves it to ValidateResponse.
	responses map[string]*schemaCheck
}

// paramCheck is one parameter the fast path can decide: in the path or the
// query, a schema without content, default style, a string or integer.
type paramCheck struct {
	name     string
	in       string
	required bool
	integer  bool
	check    *schemaCheck // nil: kin-openapi decides every value
}

// checkCompilers compile a contract's schemas, one compiler for each way
// they are visited, so that each schema is compiled once per way.
type checkCompilers struct {
	request, response, param *schemaCompiler
}

func newCheckCompilers() checkCompilers {
	return checkCompilers{
		request:  newSchemaCompiler(openapi3.VisitAsRequest(), openapi3.MultiErrors()),
		response: newSchemaCompiler(openapi3.MultiErrors(), openapi3.VisitAsResponse()),
		param:    newSchemaCompiler(openapi3.MultiErrors()),
	}
}

func (comp checkCompilers) operation(item *openapi3.PathItem, op *openapi3.Operation) *operationChecks {
	oc := &operationChecks{}
	for _, ref := range item.Parameters {
		if p := ref.Value; p != nil && (op.Parameters == nil || op.Parameters.GetByInAndName(p.In, p.Name) == nil) {
			oc.params = append(oc.params, comp.param.parameter(p))
		}
	}
	for _, ref := range op.Parameters {
		if ref.Value != nil {
			oc.params = append(oc.params, comp.param.parameter(ref.Value))
		}
	}
	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		oc.bodyRequired = rb.Value.Required
		if mt := rb.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil && mt.Schema.Value != nil {
			oc.hasBody = true
			oc.body = comp.request.root(mt.Schema.Value)
		}
	}
	oc.responses = map[string]*schemaCheck{}
	for key, ref := range op.Responses.Map() {
		if ref != nil {
			oc.responses[key] = comp.response.responseBody(ref.Value)
		}
	}
	return oc
}

// responseBody compiles the check of a response's JSON body, or returns
// nil when responseValid must leave the response to ValidateResponse: no
// content, headers to check besides Content-Type, no JSON schema, an
// encoding, a schema that is not of type object, or one the checks do not
// compile.
func (sc *schemaCompiler) responseBody(r *openapi3.Response) *schemaCheck {
	if r == nil || len(r.Content) == 0 {
		return nil
	}
	for name := range r.Headers {
		if name != "Content-Type" {
			return nil
		}
	}
	mt := r.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil || len(mt.Encoding) > 0 ||
		mt.Schema.Value.Type == nil || !mt.Schema.Value.Type.Is(openapi3.TypeObject) {
		return nil
	}
	return sc.root(mt.Schema.Value)
}

// response returns the check of the response the operation declares for
// status, found as Responses.Status and then Responses.Default find it, or
// nil.
func (oc *operationChecks) response(status int) *schemaCheck {
	var buf [20]byte
	st := strconv.AppendInt(buf[:0], int64(status), 10)
	c, ok := oc.responses[string(st)] // looked up without a copy
	if !ok && 99 < status && status < 600 {
		xx := [3]byte{st[0], 'X', 'X'}
		c, ok = oc.responses[string(xx[:])]
	}
	if !ok {
		c = oc.responses["default"]
	}
	return c
}

// parameter compiles p's check, with sc (for MultiErrors alone).
func (sc *schemaCompiler) parameter(p *openapi3.Parameter) paramCheck {
	pc := paramCheck{name: p.Name, in: p.In, required: p.Required}
	if p.Content != nil || p.Schema == nil || p.Schema.Value == nil || p.Style != "" || p.Explode != nil ||
		p.AllowEmptyValue || (p.In != openapi3.ParameterInPath && p.In != openapi3.ParameterInQuery) {
		return pc
	}
	s := p.Schema.Value
	switch {
	case s.Type.Is(openapi3.TypeString):
	case s.Type.Is(openapi3.TypeInteger) && p.In == openapi3.ParameterInQuery:
		pc.integer = true
	default:
		return pc
	}
	pc.check = sc.root(s)
	return pc
}

// requestValid reports whether the fast path accepts x's parameters and
// body, which ValidateRequest would then accept too.
func requestValid(x *exchange) bool {
	oc := x.operation.checks
	if oc == nil {
		return false
	}
	for _, p := range oc.params {
		if !p.accepts(x) {
			return false
		}
	}
	switch x.c.r.Method {
	case http.MethodGet, http.MethodDelete:
		return !oc.bodyRequired
	}
	return !oc.hasBody || (oc.body != nil && oc.body.accepts(x.c.input))
}

// accepts decides a parameter's value as ValidateParameter does, where
// that is simple: absent and optional; one non-empty query value; a path
// value. Anything else (repeated, empty, an integer with a sign, a leading
// zero (kin-openapi reads 010 as octal) or more than 15 digits) is false,
// for kin-openapi to decide.
func (p paramCheck) accepts(x *exchange) bool {
	if p.check == nil {
		return false
	}
	var v string
	switch p.in {
	case openapi3.ParameterInPath:
		s, ok := x.params.lookup(p.name)
		if !ok || s == "" {
			return false
		}
		v = s
	default:
		vals := x.c.query[p.name]
		switch {
		case len(vals) == 0:
			return !p.required
		case len(vals) > 1 || vals[0] == "":
			return false
		}
		v = vals[0]
	}
	if !p.integer {
		return p.check.accepts(v)
	}
	if !plainInteger(v) {
		return false
	}
	return p.check.accepts(json.Number(v))
}

// plainInteger reports whether s is 0 or a positive integer of at most 15
// digits without a leading zero: a number every decoding reads the same.
func plainInteger(s string) bool {
	if s == "0" {
		return true
	}
	if len(s) == 0 || len(s) > 15 || s[0] == '0' {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
