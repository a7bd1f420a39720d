package fake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/partnerojs"
	"github.com/partnero-fake/partnero-fake/fake/store"
)

// The browser surface: universal.js and the endpoints it calls. They serve
// any origin (CORS), carry the program's public id instead of an API key,
// and sit outside openapi.yaml, which is the contract of Partnero's REST
// API; partnerojs_test.go checks their responses. Requests that reach a
// tenant are in its journal, with operations named "partnerojs.*".

// Bounds of the browser endpoints.
const (
	// maxBrowserBody is the largest request body a browser endpoint reads.
	maxBrowserBody = 16 << 10
	// maxVisitURL is the longest page URL a visit may report.
	maxVisitURL = 8 << 10
	// maxBrowserField is the longest key, name or email accepted.
	maxBrowserField = 255
)

// isBrowserPath reports whether a path belongs to the browser surface.
func isBrowserPath(p string) bool {
	return p == partnerojs.ScriptPath || strings.HasPrefix(p, strings.TrimSuffix(partnerojs.APIPrefix, "/"))
}

// serveBrowser serves the script and the browser endpoints.
func (s *Server) serveBrowser(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Expose-Headers", "X-Fake-Fault, Retry-After")
	if r.Method == http.MethodOptions { // preflight: any path, so a real request gets a readable answer
		h.Set("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Content-Type")
		h.Set("Access-Control-Max-Age", "600")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if r.URL.Path == partnerojs.ScriptPath {
		s.serveScript(w, r)
		return
	}
	start := time.Now()
	b := &browserCall{r: r}
	status, body := s.handleBrowser(b)
	if b.fault != nil {
		for k, v := range b.fault.header {
			h[k] = v
		}
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", fmt.Sprint(len(body)))
	if b.allow != "" {
		h.Set("Allow", b.allow)
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
		slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.String("operation", b.op), slog.Int("status", status),
		slog.String("program", b.publicID), slog.Duration("duration", time.Since(start)))
	if b.t != nil {
		e := JournalEntry{
			Time: b.t.clock.Now(), Method: r.Method, Path: r.URL.Path, Operation: b.op, Status: status,
			RequestBody: journalBody(b.body), ResponseBody: journalBody(body),
		}
		if b.fault != nil {
			e.Fault = b.fault.fault
		}
		b.t.journal.add(clientOf(r), e)
	}
}

func (s *Server) serveScript(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeControlError(w, methodNotAllowed(r.Method, r.URL.Path[1:], "GET, HEAD, OPTIONS"))
		return
	}
	script := partnerojs.Script()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", fmt.Sprint(len(script)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = io.WriteString(w, script)
	}
}

// browserCall is one request to a browser endpoint.
type browserCall struct {
	r        *http.Request
	op       string    // partnerojs.<name>, once a route matched
	publicID string    // the program's public id from the path
	t        *tenant   // the program's tenant, once found
	body     []byte    // the request body as received
	allow    string    // Allow header of a 405
	fault    *response // the answer of a fault rule, if one failed the request
}

// browserRoute is one browser endpoint: path segments after
// /partnerojs/v1/programs/{id} ({key} matches one segment).
type browserRoute struct {
	method, op string
	segs       []string
	h          func(b *browserCall, vars []string) (any, error)
}

func (s *Server) browserRoutes() []browserRoute {
	return []browserRoute{
		{http.MethodGet, "partnerojs.program", nil, s.browserProgram},
		{http.MethodPost, "partnerojs.visit", []string{"visits"}, s.browserVisit},
		{http.MethodPost, "partnerojs.createCustomer", []string{"customers"}, s.browserCreateCustomer},
		{http.MethodGet, "partnerojs.widget", []string{"customers", "{key}", "widget"}, s.browserWidget},
	}
}

// handleBrowser routes, finds the program, runs the endpoint and returns
// the status and JSON body.
func (s *Server) handleBrowser(b *browserCall) (int, []byte) {
	doc, err := s.routeBrowser(b)
	if b.fault != nil {
		return b.fault.status, b.fault.body
	}
	if err != nil {
		ae := toAPIError(err)
		if ae.status == http.StatusInternalServerError {
			s.log.Error("browser endpoint failed", "operation", b.op, "error", err)
		}
		body, _ := json.Marshal(ae.body())
		return ae.status, body
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		ae := toAPIError(fail(ErrInternal, "Server Error"))
		body, _ := json.Marshal(ae.body())
		return ae.status, body
	}
	return http.StatusOK, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func (s *Server) routeBrowser(b *browserCall) (any, error) {
	r := b.r
	notFound := noRoute(strings.TrimPrefix(r.URL.Path, "/"))
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), partnerojs.APIPrefix+"programs/")
	if !ok {
		return nil, notFound
	}
	raw := strings.Split(rest, "/")
	segs := make([]string, len(raw))
	for i, seg := range raw {
		v, err := url.PathUnescape(seg)
		if err != nil || v == "" {
			return nil, notFound
		}
		segs[i] = v
	}
	var allowed []string
	var route *browserRoute
	var vars []string
	for _, rt := range s.browserRoutes() {
		if v, ok := matchSegs(rt.segs, segs[1:]); ok {
			allowed = append(allowed, rt.method)
			if rt.method == r.Method || (r.Method == http.MethodHead && rt.method == http.MethodGet) {
				route, vars = &rt, v
			}
		}
	}
	if len(allowed) == 0 {
		return nil, notFound
	}
	if route == nil {
		b.allow = strings.Join(append(allowed, http.MethodOptions), ", ")
		return nil, methodNotAllowed(r.Method, strings.TrimPrefix(r.URL.Path, "/"), b.allow)
	}
	b.op, b.publicID = route.op, segs[0]
	if !isName(b.publicID, publicIDPunct) { // the fake's ids are 8 upper-case letters: anything else is a 404 at once
		return nil, fail(store.ErrNotFound, "Program not found.")
	}
	if b.t = s.tenantByPublicID(b.publicID); b.t == nil {
		return nil, fail(store.ErrNotFound, "Program not found.")
	}
	if err := b.readBody(); err != nil {
		return nil, err
	}
	// The API's input hygiene: nesting, valid UTF-8, ids and keys without
	// control characters.
	if err := scanJSON(b.body, s.opts.MaxJSONDepth); err != nil {
		return nil, err
	}
	// Fault rules with a path (such as /partnerojs/*) apply here too; their
	// operation names are the API's, so rules by operation never match.
	if b.fault = s.injectFault(r, b.t, b.op, r.URL.Path); b.fault != nil {
		return nil, nil
	}
	return route.h(b, vars)
}

// matchSegs matches path segments against a pattern and returns the values
// of its {name} segments.
func matchSegs(pattern, segs []string) ([]string, bool) {
	if len(pattern) != len(segs) {
		return nil, false
	}
	var vars []string
	for i, p := range pattern {
		switch {
		case strings.HasPrefix(p, "{"):
			vars = append(vars, segs[i])
		case p != segs[i]:
			return nil, false
		}
	}
	return vars, true
}

// readBody reads a bounded body; a body must be JSON.
func (b *browserCall) readBody() error {
	body, err := io.ReadAll(http.MaxBytesReader(nil, b.r.Body, maxBrowserBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return fail(ErrBodyTooLarge, "The request body is larger than %d bytes.", maxBrowserBody)
		}
		return fail(ErrUnreadable, "The request body could not be read.")
	}
	b.body = body
	if len(bytes.TrimSpace(body)) > 0 {
		mt, _, _ := mime.ParseMediaType(b.r.Header.Get("Content-Type"))
		if mt != "application/json" {
			return fail(ErrNotJSON, "The request body must be JSON (Content-Type: application/json).")
		}
	}
	return nil
}

// decode reads the JSON body strictly into v: unknown fields are errors.
func (b *browserCall) decode(v any) error {
	dec := json.NewDecoder(bytes.NewReader(b.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fieldErrors(map[string][]string{"body": {"The request body must be a JSON object with known fields: " + err.Error()}})
	}
	if dec.More() {
		return fieldErrors(map[string][]string{"body": {"The request body must hold one JSON object."}})
	}
	return nil
}

// checkFields validates bounded string fields; email, when set, must look
// like an address.
func checkFields(fields map[string]string, required ...string) error {
	errs := map[string][]string{}
	for _, f := range required {
		if fields[f] == "" {
			errs[f] = []string{fmt.Sprintf("The %s field is required.", f)}
		}
	}
	for f, v := range fields {
		if len(v) > maxBrowserField && f != "url" {
			errs[f] = []string{fmt.Sprintf("The %s field must not be greater than %d characters.", f, maxBrowserField)}
		}
	}
	if e := fields["email"]; e != "" && len(e) <= maxBrowserField {
		if at := strings.LastIndexByte(e, '@'); at < 1 || at == len(e)-1 || strings.ContainsAny(e, " \t\r\n<>") {
			errs["email"] = []string{"The email field must be a valid email address."}
		}
	}
	if len(errs) > 0 {
		return fieldErrors(errs)
	}
	return nil
}
