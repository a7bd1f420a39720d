package fake

import (
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// opRouter finds a request's operation and its path parameters. A router
// that works on kin-openapi's document also returns the route it found
// there (kinRouter); the segment router returns none, and the slow path
// builds it when it needs it (contract.kinRoute).
type opRouter interface {
	// find appends the path parameters to buf.
	find(r *http.Request, buf pathParams) (*operation, *routers.Route, pathParams, error)
}

// segmentRouter finds a request's operation as kin-openapi's gorillamux
// router does (same routes, order, path parameters and errors), by
// comparing path segments instead of running one regular expression per
// path: routing was a sixth of a request's cost. It serves documents whose
// paths have only whole-segment parameters ("/customers/{id}") under one
// server without variables; newSegmentRouter reports false for any other,
// and the fake then uses gorillamux (kinRouter). Its routes hold nothing
// of the document.
type segmentRouter struct {
	routes []segmentRoute // in gorillamux's matching order
}

type segmentRoute struct {
	segs  []string // segments of server base + path; "" marks a parameter
	names []string // the parameters' names, in order
	// byMethod holds the operation of each method the path has, shared by
	// every request: callers read operations, never write them.
	byMethod map[string]*operation
}

// newSegmentRouter builds the router of doc's operations ops (in the
// document's matching order), or reports false when doc needs more than
// segment matching.
func newSegmentRouter(doc *openapi3.T, ops []*operation) (*segmentRouter, bool) {
	if len(doc.Servers) != 1 || len(doc.Servers[0].Variables) > 0 {
		return nil, false
	}
	base := strings.TrimSuffix(doc.Servers[0].URL, "/")
	if !strings.HasPrefix(base, "/") || strings.ContainsAny(base, "{}%?#:") {
		return nil, false
	}
	r := &segmentRouter{}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		if len(item.Servers) > 0 {
			return nil, false
		}
		var sr segmentRoute
		for _, seg := range strings.Split(base+path, "/")[1:] {
			name, isParam := strings.CutPrefix(seg, "{")
			if isParam {
				name, isParam = strings.CutSuffix(name, "}")
			}
			switch {
			case isParam && name != "" && !strings.ContainsAny(name, "{}:"):
				sr.segs = append(sr.segs, "")
				sr.names = append(sr.names, name)
			case seg == "" || strings.ContainsAny(seg, "{}%"):
				return nil, false
			default:
				sr.segs = append(sr.segs, seg)
			}
		}
		sr.byMethod = map[string]*operation{}
		for _, op := range ops {
			if op.path == path {
				sr.byMethod[op.method] = op
			}
		}
		r.routes = append(r.routes, sr)
	}
	return r, true
}

// find implements opRouter.
func (r *segmentRouter) find(req *http.Request, buf pathParams) (*operation, *routers.Route, pathParams, error) {
	path := req.URL.EscapedPath()
	nsegs := strings.Count(path, "/")
	for i := range r.routes {
		sr := &r.routes[i]
		if len(sr.segs) != nsegs || !sr.match(path) {
			continue
		}
		var vars pathParams // nil without parameters
		if len(sr.names) > 0 {
			vars = buf[:0]
		}
		rest, n := path[1:], 0
		for _, seg := range sr.segs {
			v, next, _ := strings.Cut(rest, "/")
			if seg == "" {
				vars = append(vars, pathParam{sr.names[n], v})
				n++
			}
			rest = next
		}
		op := sr.byMethod[req.Method]
		if op == nil {
			return nil, nil, nil, routers.ErrMethodNotAllowed
		}
		return op, nil, vars, nil
	}
	return nil, nil, nil, routers.ErrPathNotFound
}

// kinRouter is kin-openapi's router (gorillamux) for a document the
// segment router cannot serve; the contract then holds the document.
type kinRouter struct {
	router routers.Router
	ops    map[*openapi3.Operation]*operation
}

// find implements opRouter.
func (k *kinRouter) find(req *http.Request, _ pathParams) (*operation, *routers.Route, pathParams, error) {
	route, params, err := k.router.FindRoute(req)
	if err != nil {
		return nil, nil, nil, err
	}
	return k.ops[route.Operation], route, pathParamsOf(params), nil
}

// match reports whether path (escaped, as gorillamux with encoded paths
// sees it) has the route's segments: literal ones equal, parameters not
// empty.
func (sr *segmentRoute) match(path string) bool {
	if path == "" || path[0] != '/' {
		return false
	}
	rest := path[1:]
	for i, seg := range sr.segs {
		v, next, more := strings.Cut(rest, "/")
		if (seg == "" && v == "") || (seg != "" && v != seg) {
			return false
		}
		if more != (i < len(sr.segs)-1) {
			return false
		}
		rest = next
	}
	return true
}
