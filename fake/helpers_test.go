package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/store"
)

// testKey is the API key test clients use unless they say otherwise.
const testKey = "test_key"

// frozen is the instant test servers' clocks stand still at.
var frozen = time.Date(2025, 5, 9, 17, 42, 13, 0, time.UTC)

// env is a fake served over real HTTP, with a client for it.
type env struct {
	t      testing.TB
	fake   *Server
	srv    *httptest.Server
	key    string
	header http.Header // extra headers on every request
}

// newEnv starts a fake with strict response validation and a frozen clock.
func newEnv(t testing.TB, opts Options) *env {
	t.Helper()
	opts.StrictResponses = true
	if opts.FreezeAt.IsZero() {
		opts.FreezeAt = frozen
	}
	f, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	t.Cleanup(f.Close)
	return &env{t: t, fake: f, srv: srv, key: testKey, header: http.Header{}}
}

// result is a response with its decoded JSON body.
type result struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

// do sends a request. body is sent as is when it is a string or []byte, and
// JSON-encoded otherwise. Every response is checked against the spec: API
// responses by the fake itself (strict mode), and the error responses given
// before an operation is known (404, 405, 413) here.
func (e *env) do(method, path string, body any) result {
	e.t.Helper()
	url := path
	if !strings.HasPrefix(path, "http") {
		url = e.srv.URL + path
	}
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatalf("marshal: %v", err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		e.t.Fatalf("NewRequest: %v", err)
	}
	if e.key != "" {
		req.Header.Set("Authorization", "Bearer "+e.key)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	for k, v := range e.header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("read body: %v", err)
	}
	r := result{status: resp.StatusCode, header: resp.Header, raw: raw}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		e.t.Errorf("%s %s: Content-Type = %q, want exactly application/json", method, path, ct)
	}
	if resp.Header.Get("X-Fake-Invalid-Response") != "" {
		e.t.Errorf("%s %s: response violates openapi.yaml: %s", method, path, raw)
	}
	if err := json.Unmarshal(raw, &r.body); err != nil {
		e.t.Fatalf("%s %s: body is not a JSON object: %v: %s", method, path, err, raw)
	}
	if r.status >= 400 {
		checkErrorShape(e.t, e.fake, r)
	}
	return r
}

// checkErrorShape validates an error body against components.schemas.Error
// (or ValidationError for 422).
func checkErrorShape(t testing.TB, f *Server, r result) {
	t.Helper()
	name := "Error"
	if r.status == http.StatusUnprocessableEntity {
		name = "ValidationError"
	}
	schema := f.contract.docs.get().Components.Schemas[name].Value
	var v any
	_ = json.Unmarshal(r.raw, &v)
	if err := schema.VisitJSON(v); err != nil {
		t.Errorf("status %d body %s does not match %s: %v", r.status, r.raw, name, err)
	}
}

// want fails unless the response has the status.
func (r result) want(t testing.TB, status int) result {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body: %s", r.status, status, r.raw)
	}
	return r
}

// get reads a dotted path (data.referring_customer.id, data.0.id) from the
// body.
func (r result) get(path string) any {
	var cur any = r.body
	for _, p := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[p]
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
	}
	return cur
}

// str is get as a string ("" when absent, null or not a string).
func (r result) str(path string) string {
	s, _ := r.get(path).(string)
	return s
}

// num is get as an int.
func (r result) num(path string) int {
	f, _ := r.get(path).(float64)
	return int(f)
}

// items returns the data array of a list response.
func (r result) items() []map[string]any {
	arr, _ := r.body["data"].([]any)
	out := make([]map[string]any, 0, len(arr))
	for _, a := range arr {
		out = append(out, a.(map[string]any))
	}
	return out
}

// ids returns the given field of every item of a list response.
func (r result) ids(field string) []string {
	var out []string
	for _, it := range r.items() {
		out = append(out, fmt.Sprint(it[field]))
	}
	return out
}

// state exports the tenant's state, to assert that a request changed nothing.
func (e *env) state() store.Snapshot {
	return e.fake.Tenant(e.key).Store().Export()
}

// errorFor returns the messages of one field of a 422 (field names contain
// dots, so get cannot reach them).
func (r result) errorFor(field string) any {
	errs, _ := r.body["errors"].(map[string]any)
	return errs[field]
}

// postRaw POSTs a JSON body with the env's key and returns the status and
// body. It is safe in goroutines: it reports errors instead of failing.
func postRaw(e *env, path, body string) (int, string) {
	req, err := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Authorization", "Bearer "+e.key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
