package fake

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/partnero-fake/partnero-fake/fake/inspector"
)

// The control plane: endpoints for tests and operators under /_fake, outside
// the Partnero API and outside openapi.yaml. Each one acts on the tenant of
// the caller's API key (Authorization: Bearer <key>) and calls the Tenant
// method of the same name, so in-process and container tests behave alike.
// Errors use Partnero's error shape (toAPIError).

// controlRoute is one path of the control plane with its handlers by
// method. Patterns are matched segment by segment; {name} segments become
// path values (r.PathValue). No regular expressions: building the table
// costs next to nothing, which keeps testkit.Start cheap.
type controlRoute struct {
	segs    []string
	methods map[string]http.HandlerFunc
	allow   string
}

func (c *controlRoute) match(r *http.Request, segs []string) bool {
	if len(segs) != len(c.segs) {
		return false
	}
	for i, p := range c.segs {
		if !strings.HasPrefix(p, "{") && p != segs[i] {
			return false
		}
	}
	for i, p := range c.segs {
		if strings.HasPrefix(p, "{") {
			r.SetPathValue(strings.Trim(p, "{}"), segs[i])
		}
	}
	return true
}

// controlRoutes lists the control plane, every route once.
func (s *Server) controlRoutes() []*controlRoute {
	type op struct {
		method, path string
		h            http.HandlerFunc
	}
	ops := []op{
		{http.MethodGet, "/tenants", s.tenantsHandler},
		{http.MethodGet, "/health", s.health},
		{http.MethodHead, "/health", s.health},
		{http.MethodGet, "/ready", s.health},
		{http.MethodHead, "/ready", s.health},
		{http.MethodDelete, "/tenant", s.authed(s.deleteTenantHandler)},
	}
	for _, c := range []struct {
		method, path string
		h            controlHandler
	}{
		{http.MethodPost, "/reset", s.resetHandler},
		{http.MethodGet, "/state", s.exportHandler},
		{http.MethodPut, "/state", s.importHandler},
		{http.MethodGet, "/snapshots", s.snapshotsHandler},
		{http.MethodPost, "/snapshots/{name}", s.saveSnapshotHandler},
		{http.MethodDelete, "/snapshots/{name}", s.deleteSnapshotHandler},
		{http.MethodPost, "/snapshots/{name}/restore", s.restoreSnapshotHandler},
		{http.MethodGet, "/requests", s.requestsHandler},
		{http.MethodDelete, "/requests", s.clearRequestsHandler},
		{http.MethodGet, "/warnings", s.warningsHandler},
		{http.MethodDelete, "/warnings", s.clearWarningsHandler},
		{http.MethodGet, "/clock", s.clockHandler},
		{http.MethodPut, "/clock", s.setClockHandler},
		{http.MethodGet, "/faults", s.faultsHandler},
		{http.MethodPost, "/faults", s.addFaultHandler},
		{http.MethodDelete, "/faults", s.clearFaultsHandler},
		{http.MethodDelete, "/faults/{id}", s.deleteFaultHandler},
		{http.MethodGet, "/invitations", s.invitationsHandler},
		{http.MethodPut, "/customers/{id}/clicks", s.setClicksHandler},
		{http.MethodGet, "/partnerojs", s.partnerojsHandler},
		{http.MethodGet, "/webhooks/events", s.webhookEventsHandler},
		{http.MethodGet, "/webhooks/await", s.awaitWebhookHandler},
		{http.MethodPost, "/webhooks/events/{id}/redeliver", s.redeliverHandler},
		{http.MethodPost, "/webhooks/pause", s.pauseWebhooksHandler},
		{http.MethodPost, "/webhooks/resume", s.resumeWebhooksHandler},
		{http.MethodPost, "/webhooks/next", s.nextWebhookHandler},
		{http.MethodGet, "/overview", s.overviewHandler},
		{http.MethodGet, "/customers", s.customersHandler},
		{http.MethodGet, "/customers/{id}", s.inspectCustomerHandler},
		{http.MethodGet, "/transactions", s.transactionsHandler},
		{http.MethodGet, "/rewards", s.rewardsHandler},
	} {
		h := s.control(c.h)
		if c.path == "/webhooks/await" {
			h = longPoll(h)
		}
		ops = append(ops, op{c.method, c.path, h})
	}
	var routes []*controlRoute
	byPath := map[string]*controlRoute{}
	for _, o := range ops {
		rt := byPath[o.path]
		if rt == nil {
			rt = &controlRoute{segs: strings.Split(strings.Trim(o.path, "/"), "/"), methods: map[string]http.HandlerFunc{}}
			byPath[o.path] = rt
			routes = append(routes, rt)
		}
		rt.methods[o.method] = o.h
		if rt.allow != "" {
			rt.allow += ", "
		}
		rt.allow += o.method
	}
	return routes
}

// serveControl routes a /_fake request: 404 for an unknown path, 405 with
// Allow for a known path and another method, in Partnero's error shape.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	if inspector.Match(r.URL.Path) { // the inspector's page, /_fake/ui
		inspector.ServeHTTP(w, r)
		return
	}
	segs := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/_fake"), "/"), "/")
	for _, rt := range s.controlTable {
		if !rt.match(r, segs) {
			continue
		}
		if h := rt.methods[r.Method]; h != nil {
			if err := rt.checkValues(r); err != nil {
				writeControlError(w, err)
				return
			}
			h(w, r)
			return
		}
		writeControlError(w, methodNotAllowed(r.Method, r.URL.Path[1:], rt.allow))
		return
	}
	writeControlError(w, noRoute(r.URL.Path[1:]))
}

// controlHandler serves one control operation for the caller's API key. It
// returns the response document (status 200) or an error.
type controlHandler func(r *http.Request, key string) (any, error)

// control authenticates a control-plane request like an API request,
// admits its tenant (see MaxTenants) and writes the handler's result.
func (s *Server) control(h controlHandler) http.HandlerFunc {
	return s.authed(func(r *http.Request, key string) (any, error) {
		if _, err := s.admit(key); err != nil {
			return nil, err
		}
		return h(r, key)
	})
}

// authed authenticates a control-plane request and writes the handler's
// result; the handler must not create the tenant.
func (s *Server) authed(h controlHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key, ok := bearer(r)
		if !ok || !s.keyAllowed(key) {
			writeControlError(w, errUnauthenticated)
			return
		}
		doc, err := h(r, key)
		if err != nil {
			writeControlError(w, err)
			return
		}
		if raw, ok := doc.([]byte); ok {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(raw)
			return
		}
		writeControl(w, http.StatusOK, doc)
	}
}

// health answers liveness and readiness probes. A Server exists only once
// its spec and initial state are loaded, so it is ready as soon as it
// serves.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	writeControl(w, http.StatusOK, map[string]any{"status": "ok"})
}

// decodeControl reads a control-plane JSON body strictly: unknown fields
// are errors here, since a typo in a test's setup should not pass silently.
// The body obeys the API's limits (MaxBodyBytes: 413; MaxJSONDepth and
// the input hygiene of scanJSON: 422), and one document is all it may hold.
func (s *Server) decodeControl(r *http.Request, v any) error {
	body, err := s.readBody(r)
	if err != nil {
		return err
	}
	if err := scanJSON(body, s.opts.MaxJSONDepth); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fieldError("body", "The request body is not a valid document: "+err.Error())
	}
	if _, err := dec.Token(); err != io.EOF {
		return fieldError("body", "The request body must hold one JSON document and nothing after it.")
	}
	return nil
}

// writeControlError answers with an error in Partnero's shape.
func writeControlError(w http.ResponseWriter, err error) {
	ae := toAPIError(err)
	for k, v := range ae.header {
		w.Header()[k] = v
	}
	writeControl(w, ae.status, ae.body())
}

func writeControl(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
