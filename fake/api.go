package fake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// handler serves one operation. It returns the response document (sent with
// status 200, as Partnero answers creates too) or an error, which
// toAPIError turns into a status and an error body.
type handler func(c *call) (any, error)

// call is one validated API request, as handlers see it.
type call struct {
	r      *http.Request
	t      *tenant
	op     string
	params map[string]string // path parameters
	query  url.Values        // query string, merged with a GET/DELETE body
	body   []byte            // cleaned JSON body of POST/PUT, "{}" when empty
	doc    any               // the cleaned body, decoded

	warnings []Warning // fidelity warnings for the response
}

// decode unmarshals the cleaned body into v.
func (c *call) decode(v any) error {
	if err := json.Unmarshal(c.body, v); err != nil {
		return fieldError("body", "The request body could not be read: "+err.Error())
	}
	return nil
}

// response is a finished API response, before it is written.
type response struct {
	status int
	header http.Header
	body   []byte
	op     string // operationId, "" when no route matched
	fault  string // the fault rule that answered, if any
}

// exchange is one API request and its response, for the log and journal.
type exchange struct {
	resp  *response
	key   string
	t     *tenant    // nil when the request never reached a tenant
	query url.Values // normalized input, when known
	body  []byte     // the request body as received
	c     *call      // the prepared call, when the request got that far
}

// warnings returns the fidelity warnings of the exchange.
func (x *exchange) warnings() []Warning {
	if x.c == nil {
		return nil
	}
	return x.c.warnings
}

// serveAPI serves /v1: read the body, route, authenticate, validate, run the
// handler, validate the response, write it, log one line.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	x := s.handleAPI(r)
	resp, key := x.resp, x.key
	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	warnings := x.warnings()
	for _, w := range warnings {
		h.Add(WarningHeader, w.String())
	}
	h.Set("Content-Type", "application/json") // exactly: the PHP SDK compares it verbatim
	h.Set("Content-Length", fmt.Sprint(len(resp.body)))
	w.WriteHeader(resp.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(resp.body)
	}
	elapsed := time.Since(start)
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
		slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.String("operation", resp.op), slog.Int("status", resp.status),
		slog.String("tenant", redact(key)), slog.Int("warnings", len(warnings)), slog.Duration("duration", elapsed))
	if x.t != nil {
		e := JournalEntry{Client: clientOf(r),
			Time: x.t.clock.Now(), Method: r.Method, Path: r.URL.Path, Query: x.query, Operation: resp.op,
			Status: resp.status, RequestBody: journalBody(x.body), ResponseBody: journalBody(resp.body),
			Fault: resp.fault, Warnings: warnings,
		}
		x.t.journal.add(clientOf(r), e)
		if len(warnings) > 0 {
			x.t.warned.add(e)
		}
	}
}

func (s *Server) handleAPI(r *http.Request) *exchange {
	x := &exchange{}
	x.resp = s.handleAPIInto(r, x)
	return x
}

func (s *Server) handleAPIInto(r *http.Request, x *exchange) *response {
	body, err := s.readBody(r)
	if err != nil {
		return errorResponse(toAPIError(err), "")
	}
	x.body = body

	// Laravel ignores one trailing slash; the Python SDK's base URL needs one.
	// HEAD is GET without a body, as net/http and Laravel treat it.
	rr := r.Clone(r.Context())
	if rr.Method == http.MethodHead {
		rr.Method = http.MethodGet
	}
	if p := rr.URL.Path; len(p) > len("/v1/") && strings.HasSuffix(p, "/") {
		rr.URL.Path = strings.TrimSuffix(p, "/")
		rr.URL.RawPath = ""
	}
	route, params, err := s.contract.router.FindRoute(rr)
	if err != nil {
		return errorResponse(toAPIError(routeError(rr, err, s.contract.router)), "")
	}
	op := route.Operation.OperationID
	if params, err = decodePathParams(params); err != nil {
		return errorResponse(toAPIError(noRoute(strings.TrimPrefix(rr.URL.Path, "/"))), op)
	}

	key, ok := bearer(r)
	x.key = key
	if !ok || !s.keyAllowed(key) {
		return errorResponse(toAPIError(errUnauthenticated), op)
	}
	t, err := s.admit(key)
	if err != nil {
		return errorResponse(toAPIError(err), op)
	}
	x.t = t
	if err := s.checkInput(rr, body, params); err != nil {
		return errorResponse(toAPIError(err), op)
	}
	c, err := s.prepare(rr, body, op, params)
	if c != nil {
		x.query, x.c = c.query, c
		c.checkInputFields(route.Operation, route.PathItem.Parameters, c.doc)
	}
	in := &openapi3filter.RequestValidationInput{Route: route, PathParams: params}
	if resp := s.injectFault(r, t, op, rr.URL.Path); resp != nil {
		if c != nil {
			in.Request = c.validationRequest()
			return s.finish(r, in, resp)
		}
		return resp
	}
	if err != nil {
		return errorResponse(toAPIError(err), op)
	}
	c.t = t
	in = &openapi3filter.RequestValidationInput{
		Request: c.validationRequest(), PathParams: params, Route: route,
		Options: &openapi3filter.Options{
			MultiError: true, SkipSettingDefaults: true,
			AuthenticationFunc: func(context.Context, *openapi3filter.AuthenticationInput) error { return nil },
		},
	}
	if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
		return errorResponse(toAPIError(err), op)
	}

	var resp *response
	doc, err := s.ops[op](c)
	if err != nil {
		ae := toAPIError(err)
		if ae.status == http.StatusInternalServerError {
			s.log.Error("handler failed", "operation", op, "error", err)
		}
		resp = errorResponse(ae, op)
	} else if resp, err = jsonResponse(http.StatusOK, doc, op); err != nil {
		s.log.Error("encode response", "operation", op, "error", err)
		resp = errorResponse(toAPIError(fail(ErrInternal, "Server Error")), op)
	}
	return s.finish(r, in, resp)
}

// finish validates the response in strict mode.
func (s *Server) finish(r *http.Request, in *openapi3filter.RequestValidationInput, resp *response) *response {
	if s.opts.StrictResponses {
		return s.checkResponse(r.Context(), in, resp)
	}
	return resp
}

// injectFault applies the tenant's fault rules: it waits out their latency
// and returns the error response of a rule that fails the request, or nil.
// A failed request changes nothing: it never reaches its handler.
func (s *Server) injectFault(r *http.Request, t *tenant, op, path string) *response {
	d := t.faults.decide(op, r.Method, path)
	if d.delay > 0 {
		timer := time.NewTimer(d.delay)
		select {
		case <-timer.C:
		case <-r.Context().Done():
			timer.Stop()
		}
	}
	if d.fail == nil {
		return nil
	}
	resp := errorResponse(toAPIError(&faultFailure{d.fail}), op)
	resp.fault = d.fail.ID
	return resp
}

// prepare normalizes the request input: the query string, and the body,
// which is merged into the query for GET and DELETE.
func (s *Server) prepare(r *http.Request, body []byte, op string, params map[string]string) (*call, error) {
	if len(bytes.TrimSpace(body)) > 0 {
		if ct := r.Header.Get("Content-Type"); ct != "" {
			mt, _, _ := mime.ParseMediaType(ct)
			if mt != "application/json" && !strings.HasSuffix(mt, "+json") {
				return nil, fail(ErrNotJSON, "The request body must be JSON (Content-Type: application/json).")
			}
		}
	}
	doc, emptied, err := cleanJSON(body)
	if err != nil {
		return nil, fieldError("body", "The request body must be valid JSON.")
	}
	c := &call{r: r, op: op, params: params, query: normalizeQuery(r.URL.Query())}
	if a, isArray := doc.([]any); isArray && len(a) == 0 {
		// PHP's json_encode([]) is [], and Laravel reads JSON input as
		// (array) json_decode(...): an empty array is empty input.
		c.warn(WarnEmptyArrayBody, "The body was [] (PHP's json_encode of an empty array) and was read as empty input, as Laravel does.")
		doc = map[string]any{}
	}
	c.warnEmptyStrings(emptied)
	c.doc = doc
	switch r.Method {
	case http.MethodGet, http.MethodDelete:
		if err := mergeBody(c.query, doc); err != nil {
			return c, fieldError("body", "The request body must be a JSON object.")
		}
		c.body = []byte("{}")
	default:
		if c.body, err = json.Marshal(doc); err != nil {
			return c, err
		}
	}
	return c, nil
}

// decodePathParams percent-decodes each path parameter once: clients
// escape "@", spaces and non-ASCII in path segments (Go's url.PathEscape,
// Python's quote, JavaScript's encodeURIComponent, PHP's rawurlencode).
func decodePathParams(params map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(params))
	for k, v := range params {
		d, err := url.PathUnescape(v)
		if err != nil {
			return nil, err
		}
		out[k] = d
	}
	return out, nil
}

// validationRequest is the request as kin-openapi should see it: normalized
// query, cleaned JSON body.
func (c *call) validationRequest() *http.Request {
	v := c.r.Clone(c.r.Context())
	v.URL.RawQuery = c.query.Encode()
	v.Header.Set("Content-Type", "application/json")
	if c.r.Method == http.MethodGet || c.r.Method == http.MethodDelete {
		v.Body, v.ContentLength = http.NoBody, 0
	} else {
		v.Body, v.ContentLength = io.NopCloser(bytes.NewReader(c.body)), int64(len(c.body))
	}
	return v
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

// routeError answers a request no operation matches: 405 with Allow when the
// path exists under other methods, 404 otherwise, in Laravel's words.
func routeError(r *http.Request, err error, router routers.Router) error {
	path := strings.TrimPrefix(r.URL.Path, "/")
	if errors.Is(err, routers.ErrMethodNotAllowed) {
		var allowed []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, _, err := router.FindRoute(probe); err == nil {
				allowed = append(allowed, m)
			}
		}
		if len(allowed) > 0 && allowed[0] == http.MethodGet {
			allowed = append(allowed[:1], append([]string{http.MethodHead}, allowed[1:]...)...)
		}
		sort.Strings(allowed)
		return methodNotAllowed(r.Method, path, strings.Join(allowed, ", "))
	}
	return noRoute(path)
}

// bearer extracts the API key from "Authorization: Bearer <key>".
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, key, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	key = strings.TrimSpace(key)
	return key, key != ""
}

func errorResponse(e *apiError, op string) *response {
	b, _ := json.Marshal(e.body())
	return &response{status: e.status, header: e.header, body: b, op: op}
}

func jsonResponse(status int, doc any, op string) (*response, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // URLs in links must read as sent: & not \u0026
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return &response{status: status, body: bytes.TrimSuffix(buf.Bytes(), []byte("\n")), op: op}, nil
}
