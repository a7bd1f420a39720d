package fake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
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

// Reset returns a tenant to its initial state (the configured fixtures, or
// the last state imported as initial), clears its journal and fault rules
// and restarts its clock as configured. Named snapshots are kept.
func (s *Server) Reset(apiKey string) {
	t := s.tenant(apiKey)
	t.store.Reset()
	t.outbox.Clear()
	t.journal.clear()
	t.faults.clear()
	if fresh := s.newClock().State(); fresh.Frozen {
		t.clock.FreezeAt(fresh.Now)
	} else {
		t.clock.Unfreeze()
		t.clock.Set(fresh.Now)
	}
}

func (s *Server) resetHandler(r *http.Request, key string) (any, error) {
	s.Reset(key)
	return ok1, nil
}

// ExportState returns a tenant's whole state: the document format of
// fixtures and of GET/PUT /_fake/state.
func (s *Server) ExportState(apiKey string) store.Snapshot { return s.tenant(apiKey).store.Export() }

// ImportState replaces a tenant's state after validating it (all or
// nothing); with asInitial it also becomes what Reset returns to.
func (s *Server) ImportState(apiKey string, snap store.Snapshot, asInitial bool) error {
	return s.tenant(apiKey).store.Load(snap, asInitial)
}

func (s *Server) exportHandler(r *http.Request, key string) (any, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s.ExportState(key)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (s *Server) importHandler(r *http.Request, key string) (any, error) {
	var snap store.Snapshot
	if err := s.decodeControl(r, &snap); err != nil {
		return nil, err
	}
	if err := s.ImportState(key, snap, r.URL.Query().Get("initial") == "true"); err != nil {
		return nil, err
	}
	return ok1, nil
}

var snapshotName = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// SaveSnapshot stores the tenant's current state under a name (letters,
// digits, "_", "." and "-"), replacing an older snapshot of that name. It
// costs a copy of the indexes, not of the records. A tenant keeps at most
// MaxSnapshots; one more is a 422 error.
func (s *Server) SaveSnapshot(apiKey, name string) error {
	if !snapshotName.MatchString(name) {
		return fieldErrors(map[string][]string{"name": {"The name may only contain letters, digits, _, . and - (at most 64)."}})
	}
	t := s.tenant(apiKey)
	cp := t.store.Checkpoint()
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.snapshots[name]; !ok && len(t.snapshots) >= s.opts.MaxSnapshots {
		return limitError("name", fmt.Sprintf(
			"A tenant may keep at most %d snapshots; delete one first (see --max-snapshots).", s.opts.MaxSnapshots))
	}
	t.snapshots[name] = cp
	return nil
}

// RestoreSnapshot puts back the state saved under name; the snapshot stays
// and can be restored again. It returns a 404 error for an unknown name.
func (s *Server) RestoreSnapshot(apiKey, name string) error {
	t := s.tenant(apiKey)
	t.mu.Lock()
	cp, ok := t.snapshots[name]
	t.mu.Unlock()
	if !ok {
		return fail(store.ErrNotFound, "Snapshot not found.")
	}
	t.store.Restore(cp)
	return nil
}

// DeleteSnapshot forgets a snapshot. It returns a 404 error for an unknown
// name.
func (s *Server) DeleteSnapshot(apiKey, name string) error {
	t := s.tenant(apiKey)
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.snapshots[name]; !ok {
		return fail(store.ErrNotFound, "Snapshot not found.")
	}
	delete(t.snapshots, name)
	return nil
}

// Snapshots lists a tenant's snapshot names, sorted.
func (s *Server) Snapshots(apiKey string) []string {
	t := s.tenant(apiKey)
	t.mu.Lock()
	defer t.mu.Unlock()
	names := make([]string, 0, len(t.snapshots))
	for n := range t.snapshots {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (s *Server) snapshotsHandler(r *http.Request, key string) (any, error) {
	return map[string]any{"data": s.Snapshots(key)}, nil
}

func (s *Server) saveSnapshotHandler(r *http.Request, key string) (any, error) {
	if err := s.SaveSnapshot(key, r.PathValue("name")); err != nil {
		return nil, err
	}
	return ok1, nil
}

func (s *Server) restoreSnapshotHandler(r *http.Request, key string) (any, error) {
	if err := s.RestoreSnapshot(key, r.PathValue("name")); err != nil {
		return nil, err
	}
	return ok1, nil
}

func (s *Server) deleteSnapshotHandler(r *http.Request, key string) (any, error) {
	if err := s.DeleteSnapshot(key, r.PathValue("name")); err != nil {
		return nil, err
	}
	return ok1, nil
}

// Requests returns the tenant's journal, oldest first, filtered; requests
// marked as testkit's (ClientHeader) only with f.IncludeTestkit.
func (s *Server) Requests(apiKey string, f JournalFilter) []JournalEntry {
	return s.tenant(apiKey).journal.list(f)
}

// ClearRequests empties the tenant's journal.
func (s *Server) ClearRequests(apiKey string) { s.tenant(apiKey).journal.clear() }

func (s *Server) requestsHandler(r *http.Request, key string) (any, error) {
	f, err := journalFilter(r.URL.Query())
	if err != nil {
		return nil, err
	}
	return map[string]any{"data": s.Requests(key, f)}, nil
}

func (s *Server) clearRequestsHandler(r *http.Request, key string) (any, error) {
	s.ClearRequests(key)
	return ok1, nil
}

func (s *Server) clockHandler(r *http.Request, key string) (any, error) {
	return s.Clock(key).State(), nil
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
	c := s.Clock(key)
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

// AddFault adds a fault rule to the tenant. It returns a 422 error for a
// malformed rule, or when the tenant has MaxFaults rules already.
func (s *Server) AddFault(apiKey string, f Fault) (Fault, error) {
	if err := f.validate(s.ops); err != nil {
		return Fault{}, err
	}
	return s.tenant(apiKey).faults.add(f, s.opts.MaxFaults)
}

// Faults lists the tenant's fault rules with their counters.
func (s *Server) Faults(apiKey string) []Fault { return s.tenant(apiKey).faults.list() }

// DeleteFault removes a fault rule. It returns a 404 error for an unknown id.
func (s *Server) DeleteFault(apiKey, id string) error {
	if !s.tenant(apiKey).faults.remove(id) {
		return fail(store.ErrNotFound, "Fault not found.")
	}
	return nil
}

// ClearFaults removes all of the tenant's fault rules.
func (s *Server) ClearFaults(apiKey string) { s.tenant(apiKey).faults.clear() }

func (s *Server) faultsHandler(r *http.Request, key string) (any, error) {
	return map[string]any{"data": s.Faults(key)}, nil
}

func (s *Server) addFaultHandler(r *http.Request, key string) (any, error) {
	var f Fault
	if err := s.decodeControl(r, &f); err != nil {
		return nil, err
	}
	f, err := s.AddFault(key, f)
	if err != nil {
		return nil, err
	}
	return map[string]any{"data": f}, nil
}

func (s *Server) clearFaultsHandler(r *http.Request, key string) (any, error) {
	s.ClearFaults(key)
	return ok1, nil
}

func (s *Server) deleteFaultHandler(r *http.Request, key string) (any, error) {
	if err := s.DeleteFault(key, r.PathValue("id")); err != nil {
		return nil, err
	}
	return ok1, nil
}

func (s *Server) invitationsHandler(r *http.Request, key string) (any, error) {
	return map[string]any{"data": s.Invitations(key)}, nil
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
	if err := s.Store(key).SetClicks(r.PathValue("id"), *in.Clicks); err != nil {
		return nil, err
	}
	return ok1, nil
}

// WebhookEvents returns the tenant's outbox: every event with its
// deliveries and attempts, oldest first, filtered.
func (s *Server) WebhookEvents(apiKey string, f EventFilter) []WebhookEvent {
	return s.tenant(apiKey).outbox.List(f)
}

// AwaitWebhookEvent waits until the tenant's outbox holds an event matching
// f (use Status: DeliveryDelivered to wait for its delivery), or ctx ends.
func (s *Server) AwaitWebhookEvent(ctx context.Context, apiKey string, f EventFilter) (WebhookEvent, error) {
	return s.tenant(apiKey).outbox.Await(ctx, f)
}

// RedeliverWebhookEvent queues an event's finished deliveries again (to
// every webhook, or to one when webhookKey is not ""). It returns a 404
// error for an unknown event.
func (s *Server) RedeliverWebhookEvent(apiKey, id, webhookKey string) error {
	return s.tenant(apiKey).outbox.Redeliver(id, webhookKey)
}

// PauseWebhooks holds the tenant's deliveries (events still queue up);
// ResumeWebhooks lets them go.
func (s *Server) PauseWebhooks(apiKey string) { s.tenant(apiKey).outbox.SetPaused(true) }

// ResumeWebhooks resumes the tenant's deliveries.
func (s *Server) ResumeWebhooks(apiKey string) { s.tenant(apiKey).outbox.SetPaused(false) }

// DropNextWebhook makes the tenant's next delivery vanish (recorded as
// dropped, never sent), to test a receiver that misses an event.
func (s *Server) DropNextWebhook(apiKey string) { s.tenant(apiKey).outbox.DropNext() }

// DuplicateNextWebhook makes the tenant's next delivery arrive twice, to
// test the receiver's idempotency.
func (s *Server) DuplicateNextWebhook(apiKey string) { s.tenant(apiKey).outbox.DuplicateNext() }

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
	return map[string]any{"data": s.WebhookEvents(key, f)}, nil
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
	ev, err := s.AwaitWebhookEvent(ctx, key, f)
	if err != nil {
		return nil, awaitError(err, timeout.String())
	}
	return map[string]any{"data": ev}, nil
}

func (s *Server) redeliverHandler(r *http.Request, key string) (any, error) {
	if err := s.RedeliverWebhookEvent(key, r.PathValue("id"), r.URL.Query().Get("webhook")); err != nil {
		return nil, err
	}
	return ok1, nil
}

func (s *Server) pauseWebhooksHandler(r *http.Request, key string) (any, error) {
	s.PauseWebhooks(key)
	return ok1, nil
}

func (s *Server) resumeWebhooksHandler(r *http.Request, key string) (any, error) {
	s.ResumeWebhooks(key)
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
		s.DropNextWebhook(key)
	case "duplicate":
		s.DuplicateNextWebhook(key)
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
