package fake

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/routers"
)

func (s *Server) readStage(x *exchange) error {
	body, err := s.readBody(x.r)
	x.body = body
	return err
}

// routeStage finds the operation. Laravel ignores one trailing slash (the
// Python SDK's base URL needs one); HEAD is GET without a body, as
// net/http and Laravel treat it.
func (s *Server) routeStage(x *exchange) error {
	rr := x.r
	head := rr.Method == http.MethodHead
	slash := len(rr.URL.Path) > len("/v1/") && strings.HasSuffix(rr.URL.Path, "/")
	if head || slash {
		rr = shallowRequest(x.r)
	}
	if head {
		rr.Method = http.MethodGet
	}
	if slash {
		rr.URL.Path = strings.TrimSuffix(rr.URL.Path, "/")
		rr.URL.RawPath = ""
	}
	x.rr = rr
	op, kin, params, err := s.contract.router.find(rr, x.paramBuf[:0])
	if err != nil {
		return routeError(rr, err, s.contract.router)
	}
	x.operation, x.kin, x.op = op, kin, op.id
	if x.params, err = decodePathParams(params); err != nil {
		return noRoute(strings.TrimPrefix(rr.URL.Path, "/"))
	}
	return nil
}

// shallowRequest copies r and its URL, which the copy may change; the
// header, body and context are shared, and no stage writes them. (r.Clone
// also copied the header, a tenth of a GET.) A request that needs no
// change is not copied at all.
func shallowRequest(r *http.Request) *http.Request {
	rr := new(http.Request)
	*rr = *r
	u := *r.URL
	rr.URL = &u
	return rr
}

func (s *Server) authStage(x *exchange) error {
	key, ok := bearer(x.r)
	x.key = key
	if !ok || !s.keyAllowed(key) {
		return errUnauthenticated
	}
	t, err := s.admit(key)
	x.t = t
	return err
}

func (s *Server) checkStage(x *exchange) error { return s.checkInput(x.rr, x.body, x.params) }

// parseStage prepares the call. A body that cannot be parsed is answered
// after the fault stage: a fault rule wins over it.
func (s *Server) parseStage(x *exchange) error {
	c, err := prepare(&x.call, x.rr, x.body, x.op, x.params)
	if c != nil {
		if x.mem == nil {
			x.mem = new(answerMemory)
		}
		c.mem = x.mem
		x.query, x.c = c.query, c
		c.checkInputFields(x.operation, c.doc)
	}
	if err != nil {
		return s.faultOr(x, err)
	}
	c.t, c.decoders = x.t, &s.decoders
	return nil
}

// faultOr answers a request that failed to parse: with the tenant's fault
// rule when one applies, else with err.
func (s *Server) faultOr(x *exchange, err error) error {
	if resp := s.injectFault(x.r, x.t, x.op, x.rr.URL.Path); resp != nil {
		x.resp = resp
		if x.c != nil {
			x.resp = s.finish(x, resp)
		}
		return nil
	}
	return err
}

func (s *Server) faultStage(x *exchange) error {
	if resp := s.injectFault(x.r, x.t, x.op, x.rr.URL.Path); resp != nil {
		x.resp = s.finish(x, resp)
	}
	return nil
}

func (s *Server) runStage(x *exchange) error {
	doc, err := s.ops[x.op](x.c)
	if err != nil {
		if ae := toAPIError(err); ae.status == http.StatusInternalServerError {
			s.log.Error("handler failed", "operation", x.op, "error", err)
		}
		x.resp = s.finish(x, errorResponse(toAPIError(err), x.op))
		return nil
	}
	resp, err := jsonResponse(http.StatusOK, doc, x.op, &s.bufs)
	if err != nil {
		s.log.Error("encode response", "operation", x.op, "error", err)
		resp = *errorResponse(toAPIError(fail(ErrInternal, "Server Error")), x.op)
	}
	x.answer = resp
	x.resp = s.finish(x, &x.answer)
	return nil
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

// prepare normalizes the request input into c, which it returns: the
// query string, and the body, parsed and cleaned once (cleanJSON) and
// merged into the query for GET and DELETE.
func prepare(c *call, r *http.Request, body []byte, op string, params pathParams) (*call, error) {
	if len(bytes.TrimSpace(body)) > 0 {
		if ct := r.Header.Get("Content-Type"); ct != "" {
			if !jsonMediaType(ct) {
				return nil, fail(ErrNotJSON, "The request body must be JSON (Content-Type: application/json).")
			}
		}
	}
	doc, emptied, valid, err := cleanJSON(body)
	if err != nil {
		return nil, fieldError("body", "The request body must be valid JSON.")
	}
	var query url.Values // nil until there is one: reading a nil map is reading an empty one
	if r.URL.RawQuery != "" {
		query = normalizeQuery(r.URL.Query())
	}
	*c = call{r: r, op: op, params: params, query: query, bodyValid: valid}
	if a, isArray := doc.([]any); isArray && len(a) == 0 {
		// PHP's json_encode([]) is [], and Laravel reads JSON input as
		// (array) json_decode(...): an empty array is empty input.
		c.warn(WarnEmptyArrayBody, "The body was [] (PHP's json_encode of an empty array) and was read as empty input, as Laravel does.")
		doc = map[string]any{}
	}
	c.warnEmptyStrings(emptied)
	c.doc, c.input = doc, doc
	switch r.Method {
	case http.MethodGet, http.MethodDelete:
		if m, _ := doc.(map[string]any); len(m) > 0 && c.query == nil {
			c.query = url.Values{}
		}
		if err := mergeBody(c.query, doc); err != nil {
			return c, fieldError("body", "The request body must be a JSON object.")
		}
		if m, _ := doc.(map[string]any); len(m) > 0 {
			c.input = map[string]any{} // the body went into the query
		}
	}
	return c, nil
}

// decodePathParams percent-decodes each path parameter once: clients
// escape "@", spaces and non-ASCII in path segments (Go's url.PathEscape,
// Python's quote, JavaScript's encodeURIComponent, PHP's rawurlencode).
func decodePathParams(params pathParams) (pathParams, error) {
	for i, p := range params { // the router's own, made for this request: decoded in place
		if !strings.Contains(p.value, "%") {
			continue
		}
		d, err := url.PathUnescape(p.value)
		if err != nil {
			return nil, err
		}
		params[i].value = d
	}
	return params, nil
}

// routeError answers a request no operation matches: 405 with Allow when the
// path exists under other methods, 404 otherwise, in Laravel's words.
func routeError(r *http.Request, err error, router opRouter) error {
	path := strings.TrimPrefix(r.URL.Path, "/")
	if errors.Is(err, routers.ErrMethodNotAllowed) {
		var allowed []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, _, _, err := router.find(probe, nil); err == nil {
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
