package fake

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// validateStage checks the request against openapi.yaml: kin-openapi
// validates the parameters, and the parsed body against the operation's
// schema (the body is not parsed again).
func (s *Server) validateStage(x *exchange) error {
	if s.contract.securityDeclared && requestValid(x) {
		return nil // kin-openapi would accept it too (requestValid)
	}
	return s.kinValidate(x)
}

// kinValidate validates the request with kin-openapi, which words the
// errors.
func (s *Server) kinValidate(x *exchange) error {
	in := &openapi3filter.RequestValidationInput{
		Request: x.c.validationRequest(), PathParams: x.params.asMap(), Route: s.contract.kinRoute(x),
		Options: &openapi3filter.Options{
			MultiError: true, SkipSettingDefaults: true, ExcludeRequestBody: true,
			AuthenticationFunc: func(context.Context, *openapi3filter.AuthenticationInput) error { return nil },
		},
	}
	var perr error
	if s.contract.securityDeclared {
		perr = validateParams(x.r.Context(), in)
	} else {
		perr = openapi3filter.ValidateRequest(x.r.Context(), in)
	}
	berr := validateBody(in, x.c)
	switch {
	case perr == nil:
		return berr
	case berr == nil:
		return perr
	}
	return openapi3.MultiError{perr, berr} // one 422 names them all, as before
}

// validateParams is openapi3filter.ValidateRequest without its security
// step, for a contract whose security schemes are all declared: that step
// only calls the AuthenticationFunc, which accepts everything (the fake
// authenticates in its own stage), so it can fail only on an undeclared
// scheme. The parameters are checked as ValidateRequest checks them, an
// operation's parameter overriding the path's, with the same errors.
func validateParams(ctx context.Context, in *openapi3filter.RequestValidationInput) error {
	var me openapi3.MultiError
	op := in.Route.Operation
	for _, ref := range in.Route.PathItem.Parameters {
		p := ref.Value
		if op.Parameters != nil && op.Parameters.GetByInAndName(p.In, p.Name) != nil {
			continue
		}
		if err := openapi3filter.ValidateParameter(ctx, in, p); err != nil {
			me = append(me, err)
		}
	}
	for _, ref := range op.Parameters {
		if err := openapi3filter.ValidateParameter(ctx, in, ref.Value); err != nil {
			me = append(me, err)
		}
	}
	if len(me) > 0 {
		return me
	}
	return nil
}

// securityDeclared reports whether every security requirement of doc, its
// own and its operations', names a declared scheme.
func securityDeclared(doc *openapi3.T) bool {
	var schemes openapi3.SecuritySchemes
	if doc.Components != nil {
		schemes = doc.Components.SecuritySchemes
	}
	declared := func(srs *openapi3.SecurityRequirements) bool {
		if srs == nil {
			return true
		}
		for _, sr := range *srs {
			for name := range sr {
				if ref := schemes[name]; ref == nil || ref.Value == nil {
					return false
				}
			}
		}
		return true
	}
	if !declared(&doc.Security) {
		return false
	}
	if doc.Paths != nil {
		for _, item := range doc.Paths.Map() {
			for _, op := range item.Operations() {
				if !declared(op.Security) {
					return false
				}
			}
		}
	}
	return true
}

// finish validates the response in strict mode.
func (s *Server) finish(x *exchange, resp *response) *response {
	if !s.opts.StrictResponses {
		return resp
	}
	if responseValid(x.c.r.Method, x.operation.checks, resp) {
		return resp
	}
	in := &openapi3filter.RequestValidationInput{Request: x.c.validationRequest(), PathParams: x.params.asMap(), Route: s.contract.kinRoute(x)}
	return s.checkResponse(x.r.Context(), in, resp)
}

// validationRequest is the request as kin-openapi should see it: the
// normalized query; the body is validated from the parsed document. It is
// built once per call (the strict response check reads it too). The header
// is shared: with the body excluded kin-openapi reads it only for header
// parameters, and OpenAPI ignores one named Content-Type.
func (c *call) validationRequest() *http.Request {
	if c.vr == nil {
		v := shallowRequest(c.r)
		v.URL.RawQuery = c.query.Encode()
		v.Body, v.ContentLength = http.NoBody, 0
		c.vr = v
	}
	return c.vr
}

// validateBody checks the parsed body of a POST or PUT against the
// operation's request schema, as openapi3filter.ValidateRequestBody would
// after parsing it again.
func validateBody(in *openapi3filter.RequestValidationInput, c *call) error {
	rb := in.Route.Operation.RequestBody
	if rb == nil || rb.Value == nil {
		return nil
	}
	body := rb.Value
	if c.r.Method == http.MethodGet || c.r.Method == http.MethodDelete {
		if body.Required {
			return &openapi3filter.RequestError{Input: in, RequestBody: body, Err: openapi3filter.ErrInvalidRequired}
		}
		return nil
	}
	mt := body.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return nil
	}
	if err := mt.Schema.Value.VisitJSON(c.input, openapi3.VisitAsRequest(), openapi3.MultiErrors()); err != nil {
		return &openapi3filter.RequestError{Input: in, RequestBody: body, Reason: "doesn't match schema", Err: err}
	}
	return nil
}

// responseValid is ValidateResponse's verdict on a response whose
// document gives its decoded value (jsonValuer), validated against the
// response schema as ValidateResponse validates the parsed body, without
// parsing it. It answers true only where ValidateResponse accepts: a case
// it does not mirror (no checks, no JSON schema, response headers to
// check, a value that could differ; operationChecks.responseBody) or a
// violation is false, and ValidateResponse then decides and words the
// error.
func responseValid(method string, oc *operationChecks, resp *response) bool {
	if resp.doc.data == nil || oc == nil || method == http.MethodHead {
		return false
	}
	switch resp.status {
	case http.StatusNotModified, http.StatusPermanentRedirect, http.StatusTemporaryRedirect, http.StatusMovedPermanently:
		return false
	}
	c := oc.response(resp.status)
	if c == nil {
		return false
	}
	v, ok := resp.doc.jsonValue()
	return ok && c.accepts(v)
}

// checkResponse validates a response against the spec. A violation is a bug
// in the fake: it is logged and replaced by a 500 that names it, so it can
// never pass silently.
func (s *Server) checkResponse(ctx context.Context, in *openapi3filter.RequestValidationInput, resp *response) *response {
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: resp.status, Header: http.Header{"Content-Type": {"application/json"}},
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	out.SetBodyBytes(resp.body)
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		s.log.Error("response violates openapi.yaml", "operation", resp.op, "status", resp.status, "error", err)
		bad, _ := json.Marshal(map[string]any{
			"message": "partnero-fake: response violates openapi.yaml: " + err.Error(), "status": 0,
		})
		return &response{status: http.StatusInternalServerError, body: bad, op: resp.op,
			header: http.Header{"X-Fake-Invalid-Response": {"true"}}}
	}
	return resp
}
