package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"
)

// TestTenantCap: MaxTenants tenants at most; one more key gets 403 on the
// API and the control plane and creates nothing; deleting a tenant makes
// room; a deleted tenant comes back fresh.
func TestTenantCap(t *testing.T) {
	e := newEnv(t, Options{MaxTenants: 2})
	e.key = "a"
	e.do("POST", "/v1/customers", map[string]any{"key": "alice"}).want(t, 200)
	e.key = "b"
	e.do("GET", "/v1/program", nil).want(t, 200)
	e.key = "c"
	r := e.do("GET", "/v1/program", nil).want(t, 403)
	if r.str("message") == "" || r.get("status") != float64(0) {
		t.Errorf("403 body: %s", r.raw)
	}
	e.do("GET", "/_fake/requests", nil).want(t, 403)
	if n := e.fake.Tenants(); n != 2 {
		t.Errorf("tenants = %d, want 2", n)
	}
	// Deleting a tenant that does not exist creates none.
	if r := e.do("DELETE", "/_fake/tenant", nil).want(t, 200); r.get("deleted") != false {
		t.Errorf("delete of no tenant: %s", r.raw)
	}
	e.key = "a"
	e.do("GET", "/v1/customers/alice", nil).want(t, 200) // existing tenants unaffected
	if r := e.do("DELETE", "/_fake/tenant", nil).want(t, 200); r.get("deleted") != true {
		t.Errorf("delete: %s", r.raw)
	}
	e.key = "c"
	e.do("GET", "/v1/program", nil).want(t, 200)
	e.key = "a"
	e.do("GET", "/v1/customers/alice", nil).want(t, 403) // full again: c took the room
	e.key = "c"
	e.do("DELETE", "/_fake/tenant", nil).want(t, 200)
	e.key = "a"
	e.do("GET", "/v1/customers/alice", nil).want(t, 404) // back, fresh
}

// TestDeleteTenantEndsItsLongPolls: a long-poll of a deleted tenant ends
// with 410 instead of waiting out its timeout.
func TestDeleteTenantEndsItsLongPolls(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("GET", "/v1/program", nil).want(t, 200)
	done := make(chan result, 1)
	go func() { done <- e.do("GET", "/_fake/webhooks/await?timeout=60s", nil) }()
	waitFor(t, func() bool { return waiters(e.fake.tenant(testKey).outbox) == 1 })
	ob := e.fake.tenant(testKey).outbox
	e.fake.DeleteTenant(testKey)
	if r := <-done; r.status != 410 {
		t.Errorf("await of a deleted tenant: %d %s", r.status, r.raw)
	}
	if waiters(ob) != 0 {
		t.Error("the waiter stayed registered")
	}
}

// TestNestingDepthLimit: bodies nested deeper than MaxJSONDepth get 422
// before anything parses them, on the API and the control plane; up to the
// limit they go on to validation as before.
func TestNestingDepthLimit(t *testing.T) {
	e := newEnv(t, Options{})
	before := e.state()
	nested := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	start := time.Now()
	r := e.do("POST", "/v1/transactions", nested(9000)).want(t, 422)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("9,000 levels took %v", d)
	}
	if msg := r.str("message"); !strings.Contains(msg, "nested deeper than 32 levels") {
		t.Errorf("message %q", msg)
	}
	r = e.do("POST", "/v1/transactions", `{"customer": {"key": "x"}, "amount": 1, "metadata": `+nested(40)+`}`).want(t, 422)
	if r.errorFor("metadata") == nil {
		t.Errorf("the field is not named: %s", r.raw)
	}
	// At the limit, the request reaches validation (which refuses the
	// arrays for its own reasons).
	if r := e.do("POST", "/v1/transactions", nested(32)).want(t, 422); strings.Contains(r.str("message"), "nested") {
		t.Errorf("32 levels refused as too deep: %s", r.raw)
	}
	e.do("PUT", "/_fake/state", `{"version": 1, "program": `+nested(40)+`}`).want(t, 422)
	e.do("POST", "/_fake/faults", `{"operation": `+nested(100)+`}`).want(t, 422)
	if !reflect.DeepEqual(e.state(), before) || len(e.fake.Tenant(testKey).Faults()) != 0 {
		t.Error("a refused request changed the state")
	}
	// The limit is an option.
	e2 := newEnv(t, Options{MaxJSONDepth: 2})
	if r := e2.do("POST", "/v1/customers", map[string]any{"key": "ok", "referring_customer": map[string]any{"key": "x"}}); strings.Contains(r.str("message"), "nested") {
		t.Errorf("2 levels refused with MaxJSONDepth 2: %s", r.raw)
	}
	e2.do("POST", "/v1/customers", `{"key": "ok", "metadata": {"a": [1]}}`).want(t, 422)
}

// TestControlBodiesObeyMaxBodyBytes: one body limit for the API and the
// control plane, 413 everywhere.
func TestControlBodiesObeyMaxBodyBytes(t *testing.T) {
	e := newEnv(t, Options{MaxBodyBytes: 1000})
	big := `{"operation": "getProgram", "status": 500, "message": "` + strings.Repeat("x", 2000) + `"}`
	for _, c := range []struct{ method, path string }{
		{"POST", "/_fake/faults"}, {"PUT", "/_fake/state"}, {"PUT", "/_fake/clock"}, {"POST", "/v1/customers"},
	} {
		r := e.do(c.method, c.path, big).want(t, 413)
		if !strings.Contains(r.str("message"), "larger than 1000 bytes") {
			t.Errorf("%s %s: %s", c.method, c.path, r.raw)
		}
	}
	if len(e.fake.Tenant(testKey).Faults()) != 0 {
		t.Error("a refused fault was added")
	}
	e.do("POST", "/_fake/faults", map[string]any{"operation": "getProgram", "status": 500}).want(t, 200)
}

// TestInputHygiene: control characters in ids and keys, invalid UTF-8 in
// any JSON string (raw or as a lone surrogate escape) and anything after a
// control-plane document get 422 naming the field; valid non-ASCII text
// passes as before.
func TestInputHygiene(t *testing.T) {
	e := newEnv(t, Options{})
	before := e.state()
	for _, c := range []struct{ method, path, body, field string }{
		{"POST", "/v1/customers", `{"key": "a\u0000b"}`, "key"},
		{"POST", "/v1/customers", `{"key": "ok", "id": "a\nb"}`, "id"},
		{"POST", "/v1/customers", "{\"key\": \"a\x7fb\"}", "key"},                  // DEL, unescaped
		{"POST", "/v1/customers", "{\"key\": \"ok\", \"id\": \"a\u0085b\"}", "id"}, // NEL (C1), unescaped
		{"POST", "/v1/customers", `{"key": "ok", "referring_customer": {"key": "x\ry"}}`, "referring_customer.key"},
		{"POST", "/v1/customers", "{\"key\": \"ok\", \"name\": \"bad \xff byte\"}", "name"},
		{"POST", "/v1/customers", `{"key": "ok", "name": "lone \ud800 surrogate"}`, "name"},
		{"POST", "/v1/customers", `{"key": "ok", "surname": "lone \udc00"}`, "surname"},
		{"POST", "/v1/transactions", `{"customer": {"key": "x"}, "key": "t\u001b1", "amount": 1}`, "key"},
		{"GET", "/v1/customers/a%00b", "", "id"},
		{"GET", "/v1/customers?key=a%0Ab", "", "key"},
		{"GET", "/v1/customers?name=%ff", "", "name"},
		{"POST", "/_fake/faults", `{"operation": "getProgram", "status": 500} garbage`, "body"},
		{"POST", "/_fake/faults", `{"operation": "getProgram", "status": 500}}`, "body"},
		{"POST", "/_fake/faults", `{"operation": "getProgram", "status": 500} {}`, "body"},
		{"POST", "/_fake/faults", `{"id": "f\u0000", "operation": "getProgram", "status": 500}`, "id"},
		{"POST", "/_fake/faults", "{\"operation\": \"getProgram\", \"status\": 500, \"message\": \"\xc3\"}", "message"},
		{"PUT", "/_fake/clock", `{"advance": "1h"} x`, "body"},
		{"DELETE", "/_fake/faults/a%0Db", "", "id"},
		{"POST", "/_fake/snapshots/a%00", "", "name"},
	} {
		var body any
		if c.body != "" {
			body = c.body
		}
		r := e.do(c.method, c.path, body)
		if r.status != 422 || r.errorFor(c.field) == nil {
			t.Errorf("%s %s %q: %d %s, want 422 naming %s", c.method, c.path, c.body, r.status, r.raw, c.field)
		}
	}
	// API keys too (a tab is the one control character net/http lets
	// through in a header).
	e.key = "key\twith tab"
	if r := e.do("GET", "/v1/program", nil); r.status != 422 || r.errorFor("authorization") == nil {
		t.Errorf("API key with a tab: %d %s", r.status, r.raw)
	}
	e.do("GET", "/_fake/requests", nil).want(t, 422)
	e.key = testKey
	if n := e.fake.Tenants(); n != 1 {
		t.Errorf("%d tenants: a refused key made one", n)
	}
	if !reflect.DeepEqual(e.state(), before) || len(e.fake.Tenant(testKey).Faults()) != 0 || e.fake.Tenant(testKey).Clock().Now() != frozen {
		t.Error("a refused request changed something")
	}
	// Valid text passes: accents, emoji as a surrogate pair, tabs in names.
	r := e.do("POST", "/v1/customers", `{"key": "zoë", "name": "Zoë \ud83d\ude00", "surname": "a\tb"}`).want(t, 200)
	if r.str("data.name") != "Zoë 😀" {
		t.Errorf("name = %q", r.str("data.name"))
	}
	e.do("POST", "/_fake/faults", "{\"operation\": \"getProgram\", \"status\": 500}\n\n").want(t, 200)
}

// TestClockRange: the clock refuses times the API cannot represent (422
// naming the field) and never wraps; the tenant keeps answering.
func TestClockRange(t *testing.T) {
	var real atomic.Int64 // the real time source, in seconds
	real.Store(frozen.Unix())
	e := newEnv(t, Options{Now: func() time.Time { return time.Unix(real.Load(), 0) }})
	for _, body := range []map[string]any{
		{"now": "1969-12-31T23:59:59Z"},
		{"now": "9999-12-31T00:00:00Z", "advance": "48h"},
		{"advance": "-876000h"}, // back to 1925
	} {
		r := e.do("PUT", "/_fake/clock", body).want(t, 422)
		field := "now"
		if _, ok := body["advance"]; ok {
			field = "advance"
		}
		if r.errorFor(field) == nil {
			t.Errorf("%v: %s does not name %s", body, r.raw, field)
		}
		if got := e.fake.Tenant(testKey).Clock().Now(); !got.Equal(frozen) {
			t.Fatalf("a refused change moved the clock to %v", got)
		}
	}
	// The largest advance, twice, moves forward (it used to wrap around).
	e.do("PUT", "/_fake/clock", map[string]any{"advance": "2562047h"}).want(t, 200)
	r := e.do("PUT", "/_fake/clock", map[string]any{"advance": "2562047h"}).want(t, 200)
	if got, _ := time.Parse(time.RFC3339, r.str("now")); got.Year() != frozen.Year()+584 {
		t.Errorf("after two maximal advances: %s", r.raw)
	}
	e.do("PUT", "/_fake/clock", map[string]any{"now": "9999-12-31T23:59:59Z"}).want(t, 200)
	e.do("POST", "/v1/customers", map[string]any{"key": "late"}).want(t, 200)
	if r := e.do("GET", "/v1/customers/late", nil).want(t, 200); !strings.HasPrefix(r.str("data.created_at"), "9999-12-31T23:59:59") {
		t.Errorf("created_at %s", r.str("data.created_at"))
	}
	// A running clock set far ahead runs, and stops at the end of the range.
	e.do("PUT", "/_fake/clock", map[string]any{"now": "9999-12-31T23:59:58Z", "frozen": false}).want(t, 200)
	real.Add(5)
	if r := e.do("GET", "/_fake/clock", nil).want(t, 200); r.str("now") != "9999-12-31T23:59:59Z" {
		t.Errorf("running clock past the end: %s", r.raw)
	}
	e.do("GET", "/v1/program", nil).want(t, 200)
	if _, err := New(Options{FreezeAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}); err == nil {
		t.Error("New accepted FreezeAt in year 10000")
	}
}

// TestFaultAndSnapshotCaps: one fault rule or snapshot beyond the cap gets
// 422 and changes nothing; replacing a snapshot, and adding after a
// delete, still work.
func TestFaultAndSnapshotCaps(t *testing.T) {
	e := newEnv(t, Options{MaxFaults: 3, MaxSnapshots: 2})
	for i := range 3 {
		e.do("POST", "/_fake/faults", map[string]any{"path": fmt.Sprint("/v1/x", i), "status": 500}).want(t, 200)
	}
	r := e.do("POST", "/_fake/faults", map[string]any{"path": "/v1/x9", "status": 500}).want(t, 422)
	if r.errorFor("fault") == nil || !strings.Contains(r.str("message"), "at most 3 fault rules") {
		t.Errorf("fault cap: %s", r.raw)
	}
	if n := len(e.fake.Tenant(testKey).Faults()); n != 3 {
		t.Errorf("%d rules, want 3", n)
	}
	e.do("DELETE", "/_fake/faults/fault_1", nil).want(t, 200)
	e.do("POST", "/_fake/faults", map[string]any{"path": "/v1/x9", "status": 500}).want(t, 200)

	e.do("POST", "/_fake/snapshots/a", nil).want(t, 200)
	e.do("POST", "/_fake/snapshots/b", nil).want(t, 200)
	r = e.do("POST", "/_fake/snapshots/c", nil).want(t, 422)
	if r.errorFor("name") == nil || !strings.Contains(r.str("message"), "at most 2 snapshots") {
		t.Errorf("snapshot cap: %s", r.raw)
	}
	e.do("POST", "/_fake/snapshots/a", nil).want(t, 200) // replacing is not adding
	if got := e.fake.Tenant(testKey).Snapshots(); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("snapshots %v", got)
	}
	e.do("DELETE", "/_fake/snapshots/b", nil).want(t, 200)
	e.do("POST", "/_fake/snapshots/c", nil).want(t, 200)
}

// TestJournalBytes: the journal holds at most JournalBytes of bodies (the
// oldest entries go first) and cuts each body at 64 KiB with a marker;
// small JSON bodies are kept as they were.
func TestJournalBytes(t *testing.T) {
	e := newEnv(t, Options{})
	e.header.Set("Content-Type", "text/plain")
	body := bytes.Repeat([]byte{0x01, 0xff}, 65<<9) // control bytes and invalid UTF-8: the worst case for a JSON string
	for range 200 {
		e.do("POST", "/v1/customers", body).want(t, 415)
	}
	e.header.Del("Content-Type")
	e.do("POST", "/v1/customers", map[string]any{"key": "small"}).want(t, 200)
	entries := e.fake.Tenant(testKey).Requests(JournalFilter{})
	total := 0
	for _, en := range entries {
		total += len(en.RequestBody) + len(en.ResponseBody)
		if len(en.RequestBody) > maxJournalBody+100 {
			t.Fatalf("a body of %d bytes kept", len(en.RequestBody))
		}
	}
	if total > DefaultJournalBytes || len(entries) < 10 {
		t.Errorf("%d entries hold %d bytes, want at most %d", len(entries), total, DefaultJournalBytes)
	}
	cut := entries[0]
	var s string
	if err := json.Unmarshal(cut.RequestBody, &s); err != nil || !strings.HasSuffix(s, "[partnero-fake: body cut, 66560 bytes in all]") {
		t.Errorf("cut body does not end in the marker: %.80q...", s)
	}
	last := entries[len(entries)-1]
	if last.Seq != 201 || string(last.RequestBody) != `{"key":"small"}` {
		t.Errorf("last entry: seq %d, body %s", last.Seq, last.RequestBody)
	}
	e.do("DELETE", "/_fake/requests", nil).want(t, 200)
	if j := e.fake.tenant(testKey).journal; j.bytes != 0 || j.n != 0 {
		t.Errorf("after clear: %d bytes", j.bytes)
	}
}

// TestReadAll: readAll reads what io.ReadAll reads, whatever the declared
// length says, through a reader that gives a few bytes at a time.
func TestReadAll(t *testing.T) {
	body := strings.Repeat("0123456789", 30)
	for _, declared := range []int64{-1, 0, 1, 299, 300, 301, 100 << 10} {
		got, err := readAll(iotest.HalfReader(strings.NewReader(body)), declared)
		if err != nil || string(got) != body {
			t.Errorf("declared %d: %d bytes, %v", declared, len(got), err)
		}
	}
	if _, err := readAll(iotest.ErrReader(io.ErrUnexpectedEOF), 10); err != io.ErrUnexpectedEOF {
		t.Errorf("a failing reader: %v", err)
	}
}
