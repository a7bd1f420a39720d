package fake

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/inspector"
	"github.com/partnero-fake/partnero-fake/fake/store"
)

// The control plane: endpoints for tests and operators under /_fake, outside
// the Partnero API and outside openapi.yaml. Each one acts on the tenant of
// the caller's API key (Authorization: Bearer <key>) and calls the Server
// method of the same name, so in-process and container tests behave alike.
// Errors use Partnero's error shape.

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
		{http.MethodGet, "/requests", s.journalHandler},
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

var ok1 = map[string]any{"status": 1}

func (s *Server) resetHandler(r *http.Request, key string) (any, error) {
	s.Tenant(key).Reset()
	return ok1, nil
}

func (s *Server) exportHandler(r *http.Request, key string) (any, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s.Tenant(key).ExportState()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (s *Server) importHandler(r *http.Request, key string) (any, error) {
	var snap store.Snapshot
	if err := s.decodeControl(r, &snap); err != nil {
		return nil, err
	}
	if err := s.Tenant(key).ImportState(snap, r.URL.Query().Get("initial") == "true"); err != nil {
		return nil, err
	}
	return ok1, nil
}

var snapshotName = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

func (s *Server) snapshotsHandler(r *http.Request, key string) (any, error) {
	return map[string]any{"data": s.Tenant(key).Snapshots()}, nil
}

func (s *Server) saveSnapshotHandler(r *http.Request, key string) (any, error) {
	if err := s.Tenant(key).SaveSnapshot(r.PathValue("name")); err != nil {
		return nil, err
	}
	return ok1, nil
}

func (s *Server) restoreSnapshotHandler(r *http.Request, key string) (any, error) {
	if err := s.Tenant(key).RestoreSnapshot(r.PathValue("name")); err != nil {
		return nil, err
	}
	return ok1, nil
}

func (s *Server) deleteSnapshotHandler(r *http.Request, key string) (any, error) {
	if err := s.Tenant(key).DeleteSnapshot(r.PathValue("name")); err != nil {
		return nil, err
	}
	return ok1, nil
}

func (s *Server) requestsHandler(r *http.Request, key string) (any, error) {
	f, err := journalFilter(r.URL.Query())
	if err != nil {
		return nil, err
	}
	return map[string]any{"data": s.Tenant(key).Requests(f)}, nil
}

func (s *Server) clearRequestsHandler(r *http.Request, key string) (any, error) {
	s.Tenant(key).ClearRequests()
	return ok1, nil
}

func (s *Server) clockHandler(r *http.Request, key string) (any, error) {
	return s.Tenant(key).Clock().State(), nil
}

// clockChange is the body of PUT /_fake/clock: set the time, freeze or
// unfreeze, and advance by a Go duration ("90s", "36h"), in that order.
type clockChange struct {
	Now     *time.Time `json:"now"`
	Frozen  *bool      `json:"frozen"`
	Advance string     `json:"advance"`
}

func (s *Server) setClockHandler(r *http.Request, key string) (any, error) {
	var in clockChange
	if err := s.decodeControl(r, &in); err != nil {
		return nil, err
	}
	var d time.Duration
	if in.Advance != "" {
		var err error
		if d, err = time.ParseDuration(in.Advance); err != nil {
			return nil, fieldErrors(map[string][]string{"advance": {"The advance must be a duration such as 90s or 36h."}})
		}
	}
	c := s.Tenant(key).Clock()
	if err := checkClockChange(c.Now(), in, d); err != nil {
		return nil, err
	}
	switch {
	case in.Now != nil && in.Frozen != nil && *in.Frozen:
		c.FreezeAt(*in.Now) // exactly that instant
	case in.Frozen != nil && !*in.Frozen:
		if in.Now != nil {
			c.Set(*in.Now)
		}
		c.Unfreeze()
	default:
		if in.Frozen != nil {
			c.Freeze()
		}
		if in.Now != nil {
			c.Set(*in.Now)
		}
	}
	if d != 0 {
		c.Advance(d)
	}
	return c.State(), nil
}

func (s *Server) faultsHandler(r *http.Request, key string) (any, error) {
	return map[string]any{"data": s.Tenant(key).Faults()}, nil
}

func (s *Server) addFaultHandler(r *http.Request, key string) (any, error) {
	var f Fault
	if err := s.decodeControl(r, &f); err != nil {
		return nil, err
	}
	f, err := s.Tenant(key).AddFault(f)
	if err != nil {
		return nil, err
	}
	return map[string]any{"data": f}, nil
}

func (s *Server) clearFaultsHandler(r *http.Request, key string) (any, error) {
	s.Tenant(key).ClearFaults()
	return ok1, nil
}

func (s *Server) deleteFaultHandler(r *http.Request, key string) (any, error) {
	if err := s.Tenant(key).DeleteFault(r.PathValue("id")); err != nil {
		return nil, err
	}
	return ok1, nil
}

func (s *Server) invitationsHandler(r *http.Request, key string) (any, error) {
	return map[string]any{"data": s.Tenant(key).Invitations()}, nil
}

// setClicksHandler sets the click count a customer's stats report; clicks
// happen in browsers, which the fake never sees.
func (s *Server) setClicksHandler(r *http.Request, key string) (any, error) {
	var in struct {
		Clicks *int `json:"clicks"`
	}
	if err := s.decodeControl(r, &in); err != nil {
		return nil, err
	}
	if in.Clicks == nil {
		return nil, fieldErrors(map[string][]string{"clicks": {"The clicks field is required."}})
	}
	if err := s.Tenant(key).Store().SetClicks(r.PathValue("id"), *in.Clicks); err != nil {
		return nil, err
	}
	return ok1, nil
}

// eventFilter reads type, status, min_attempts and data.<path> parameters.
func eventFilter(r *http.Request) (EventFilter, error) {
	q := r.URL.Query()
	f := EventFilter{Type: q.Get("type"), Status: q.Get("status")}
	if v := q.Get("min_attempts"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return f, fieldErrors(map[string][]string{"min_attempts": {"The min attempts must be an integer of at least 0."}})
		}
		f.MinAttempts = n
	}
	for k, vs := range q {
		if path, ok := strings.CutPrefix(k, "data."); ok {
			if f.Data == nil {
				f.Data = map[string]string{}
			}
			f.Data[path] = vs[0]
		}
	}
	return f, nil
}

func (s *Server) outboxEventsHandler(r *http.Request, key string) (any, error) {
	f, err := eventFilter(r)
	if err != nil {
		return nil, err
	}
	return map[string]any{"data": s.Tenant(key).WebhookEvents(f)}, nil
}

// awaitWebhookHandler long-polls for a matching event: 200 with it, or 408
// when none comes within timeout (a Go duration, default 5s, at most 60s).
func (s *Server) awaitWebhookHandler(r *http.Request, key string) (any, error) {
	f, err := eventFilter(r)
	if err != nil {
		return nil, err
	}
	timeout := 5 * time.Second
	if v := r.URL.Query().Get("timeout"); v != "" {
		if timeout, err = time.ParseDuration(v); err != nil || timeout <= 0 || timeout > maxAwait {
			return nil, fieldErrors(map[string][]string{"timeout": {"The timeout must be a duration between 0 and 60s, such as 5s."}})
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	ev, err := s.Tenant(key).AwaitWebhookEvent(ctx, f)
	if err != nil {
		return nil, awaitError(err, timeout.String())
	}
	return map[string]any{"data": ev}, nil
}

func (s *Server) redeliverHandler(r *http.Request, key string) (any, error) {
	if err := s.Tenant(key).RedeliverWebhookEvent(r.PathValue("id"), r.URL.Query().Get("webhook")); err != nil {
		return nil, err
	}
	return ok1, nil
}

func (s *Server) pauseWebhooksHandler(r *http.Request, key string) (any, error) {
	s.Tenant(key).PauseWebhooks()
	return ok1, nil
}

func (s *Server) resumeWebhooksHandler(r *http.Request, key string) (any, error) {
	s.Tenant(key).ResumeWebhooks()
	return ok1, nil
}

func (s *Server) nextWebhookHandler(r *http.Request, key string) (any, error) {
	var in struct {
		Action string `json:"action"`
	}
	if err := s.decodeControl(r, &in); err != nil {
		return nil, err
	}
	switch in.Action {
	case "drop":
		s.Tenant(key).DropNextWebhook()
	case "duplicate":
		s.Tenant(key).DuplicateNextWebhook()
	default:
		return nil, fieldErrors(map[string][]string{"action": {"The action must be drop or duplicate."}})
	}
	return ok1, nil
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
