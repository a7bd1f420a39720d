// Regression tests from the review of issues 9, 10, 12 and 14: each failed
// before its fix.
package fake

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/outbox"
	"github.com/partnero-fake/partnero-fake/fake/store"
)

// TestReviewWarningsBounded: one 1 MiB body of unknown members or empty
// strings must not produce an unbounded number of warnings (each one a
// response header line, a journal entry member, and O(n) work in warn's
// slices.Contains: quadratic in the body).
func TestReviewWarningsBounded(t *testing.T) {
	e := newEnv(t, Options{})
	for _, n := range []int{4000, 16000} {
		var b strings.Builder
		b.WriteString(`{"key":"x","email":"x@example.com","tags":[`)
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`""`)
		}
		b.WriteString(`]}`)
		start := time.Now()
		req, _ := http.NewRequest("POST", e.srv.URL+"/v1/customers", strings.NewReader(b.String()))
		req.Header.Set("Authorization", "Bearer "+e.key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		t.Logf("n=%d status=%d warnings=%d took %v", n, resp.StatusCode, len(resp.Header[WarningHeader]), time.Since(start))
		if got := len(resp.Header[WarningHeader]); got > 100 {
			t.Errorf("n=%d: %d warning headers on one response; want a small bound", n, got)
		}
	}
}

// TestReviewTenantsListLeaksKeys: without --api-keys, GET /_fake/tenants
// answers anyone, with no Authorization at all, every tenant's API key.
// On a shared CI fake any job (or anything that can reach the port) then
// holds every other job's key, and with it /_fake/state, /_fake/reset,
// DELETE /_fake/tenant of those tenants.
func TestReviewTenantsListLeaksKeys(t *testing.T) {
	e := newEnv(t, Options{})
	e.key = "ci-job-a-secret"
	e.do("GET", "/v1/program", nil).want(t, 200)
	req, _ := http.NewRequest("GET", e.srv.URL+"/_fake/tenants", nil) // no key
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == 200 && strings.Contains(string(raw), "ci-job-a-secret") {
		t.Errorf("unauthenticated GET /_fake/tenants revealed another tenant's API key: %s", raw)
	}
}

// TestReviewWebhookZonedLinkLocal: the default policy refuses fe80::/10,
// but an address with an IPv6 zone is never inside a netip.Prefix
// (Prefix.Contains returns false for zoned addresses), so
// http://[fe80::1%25eth0]/ is accepted at create and would be dialled.
func TestReviewWebhookZonedLinkLocal(t *testing.T) {
	p, err := newDestPolicy(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.checkAddr("", netip.MustParseAddr("fe80::1")); err == nil {
		t.Fatal("control: fe80::1 should be refused")
	}
	if err := p.checkAddr("", netip.MustParseAddr("fe80::1%eth0")); err == nil {
		t.Errorf("fe80::1%%eth0 (link-local with a zone) passes the dial-time check")
	}
	e := newEnv(t, Options{})
	r := e.do("POST", "/v1/webhooks", map[string]any{"name": "w", "url": "http://[fe80::a9fe:a9fe%25eth0]/hook", "events": []string{"customer.created"}})
	if r.status == 200 {
		t.Errorf("webhook to a zoned link-local address accepted: %s", r.raw)
	}
}

// TestReviewBrowserCreateCustomerHygiene: the API refuses control
// characters in keys (issue 10 item 12) and invalid UTF-8; the PartneroJS
// endpoint, which any web page may call with the public id, creates the
// customer anyway.
func TestReviewBrowserCreateCustomerHygiene(t *testing.T) {
	e := newEnv(t, Options{})
	id := e.fake.Tenant(e.key).PublicProgramID()
	for _, body := range []string{
		`{"key": "evil\u0000key", "email": "a@example.com"}`,
		`{"key": "crlf\r\nSet-Cookie: x=y", "email": "b@example.com"}`,
		"{\"key\": \"bad\xffutf8\", \"email\": \"c@example.com\"}",
		`{"key": "lone\ud800", "email": "d@example.com"}`,
	} {
		req, _ := http.NewRequest("POST", e.srv.URL+"/partnerojs/v1/programs/"+id+"/customers", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 422 {
			t.Errorf("%q: %d %s, want 422 as the API answers", body, resp.StatusCode, raw)
		}
	}
}

// TestReviewPathDecodedTwice: path parameters are percent-decoded in
// handleAPIInto, then checkParams decodes them again: a key holding a
// literal "%0A" (created fine through the body) is a 422 on GET.
func TestReviewPathDecodedTwice(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"key": "promo%0Acode", "email": "p@example.com"}).want(t, 200)
	e.do("GET", "/v1/customers/"+url.PathEscape("promo%0Acode"), nil).want(t, 200)
}

// TestReviewJournalBytesIgnoreWarnings: JournalEntry.cost counts bodies,
// path and query but not Warnings, and a warning repeats the (unbounded)
// field name; so the journal holds many times --journal-bytes. The warned
// log (100 entries per tenant) has no byte bound at all.
func TestReviewJournalBytesIgnoreWarnings(t *testing.T) {
	const limit = 64 << 10
	e := newEnv(t, Options{JournalBytes: limit})
	long := strings.Repeat("x", 200)
	for r := 0; r < 8; r++ {
		var b strings.Builder
		fmt.Fprintf(&b, `{"key":"k%d","email":"k%d@example.com"`, r, r)
		for i := 0; i < 300; i++ {
			fmt.Fprintf(&b, `,"%s%d":1`, long, i)
		}
		b.WriteString(`}`)
		postRaw(e, "/v1/customers", b.String())
	}
	raw, _ := json.Marshal(e.fake.Tenant(e.key).Requests(JournalFilter{}))
	if len(raw) > 2*limit {
		t.Errorf("journal holds %d bytes of JSON with JournalBytes=%d", len(raw), limit)
	}
	rep, _ := json.Marshal(e.fake.Tenant(e.key).Warnings())
	if len(rep) > 2*limit {
		t.Errorf("warned log holds %d bytes of JSON (no byte bound; JournalBytes=%d)", len(rep), limit)
	}
}

// TestReviewBrowserKeyBreaksStateRoundTrip: a key with a control character
// created through the PartneroJS endpoint makes the tenant's own export
// unimportable: GET /_fake/state then PUT /_fake/state answers 422.
func TestReviewBrowserKeyBreaksStateRoundTrip(t *testing.T) {
	e := newEnv(t, Options{})
	id := e.fake.Tenant(e.key).PublicProgramID()
	req, _ := http.NewRequest("POST", e.srv.URL+"/partnerojs/v1/programs/"+id+"/customers",
		strings.NewReader(`{"key": "tab\tkey", "email": "t@example.com"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	doc, _ := json.Marshal(e.state())
	req, _ = http.NewRequest("PUT", e.srv.URL+"/_fake/state", strings.NewReader(string(doc)))
	req.Header.Set("Authorization", "Bearer "+e.key)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("re-importing the tenant's own export: %d %s", resp.StatusCode, raw)
	}
}

// TestReviewFaultLatencyAddsUpPastWriteTimeout: each rule's latency is
// capped at 60 s (so that --write-timeout 90 s is "above the longest fault
// latency"), but latencies of matching rules add up: 100 rules (the
// default MaxFaults) delay one request 100 minutes; the server cuts the
// connection at 90 s with no answer while the handler goroutine sleeps on.
func TestReviewFaultLatencyAddsUpPastWriteTimeout(t *testing.T) {
	e := newEnv(t, Options{})
	for i := 0; i < 3; i++ {
		if _, err := e.fake.Tenant(e.key).AddFault(Fault{Path: "/v1/*", LatencyMS: 60_000}); err != nil {
			t.Fatal(err)
		}
	}
	d := e.fake.tenant(e.key).faults.decide("getProgram", "GET", "/v1/program")
	if d.delay > 60*time.Second {
		t.Errorf("one request is delayed %v; the documented longest fault latency is 60 s (write timeout 90 s)", d.delay)
	}
}

// TestReviewNondeterministicBodyMerge: a GET body whose members flatten
// to the same parameter ({"customer": {"key": ...}} and "customer.key")
// is merged in Go's random map order: the same request gets different
// responses run to run.
func TestReviewNondeterministicBodyMerge(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"key": "ava", "email": "ava@example.com"}).want(t, 200)
	seen := map[string]bool{}
	for i := 0; i < 60; i++ {
		r := e.do("GET", "/v1/customer_referral_links:search", `{"customer": {"key": "ava"}, "customer.key": "nobody"}`)
		seen[string(r.raw)] = true
	}
	if len(seen) > 1 {
		t.Errorf("one request, %d different responses: %v", len(seen), seen)
	}
	for raw := range seen {
		if !strings.Contains(raw, `"key":"ava"`) {
			t.Errorf("the nested customer.key did not win, as Laravel's data_get reads it: %s", raw)
		}
	}
}

// TestWebhookPolicyEmbeddedIPv4: NAT64 and IPv4-compatible forms of a
// refused IPv4 address are refused too; loopback stays allowed.
func TestWebhookPolicyEmbeddedIPv4(t *testing.T) {
	p, err := newDestPolicy(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"64:ff9b::a9fe:a9fe", "::a9fe:a9fe", "::ffff:169.254.169.254", "fe80::1%lo"} {
		if err := p.checkAddr("", netip.MustParseAddr(a)); err == nil {
			t.Errorf("%s is allowed", a)
		}
	}
	for _, a := range []string{"127.0.0.1", "::1", "64:ff9b::7f00:1", "10.0.0.1"} {
		if err := p.checkAddr("", netip.MustParseAddr(a)); err != nil {
			t.Errorf("%s refused: %v", a, err)
		}
	}
}

// TestReviewRedeliverAttemptsUnbounded: each redelivery appends to the
// delivery's Attempts; nothing bounds them (OutboxSize bounds events,
// MaxPendingWebhooks pending deliveries), so a loop of POST
// /_fake/webhooks/events/{id}/redeliver grows one event without limit,
// and every outbox listing (the inspector polls every 2 s) copies it all.
func TestReviewRedeliverAttemptsUnbounded(t *testing.T) {
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer rcv.Close()
	e := newEnv(t, Options{})
	e.do("POST", "/v1/webhooks", map[string]any{"name": "w", "url": rcv.URL + "/hook", "events": []string{"customer.created"}}).want(t, 200)
	e.do("POST", "/v1/customers", map[string]any{"key": "ava", "email": "ava@example.com"}).want(t, 200)
	ctx := context.Background()
	ev, err := e.fake.Tenant(e.key).AwaitWebhookEvent(ctx, EventFilter{Status: DeliveryDelivered})
	if err != nil {
		t.Fatal(err)
	}
	const n = 300
	for i := 2; i <= n; i++ {
		if err := e.fake.Tenant(e.key).RedeliverWebhookEvent(ev.ID, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := e.fake.Tenant(e.key).AwaitWebhookEvent(ctx, EventFilter{Status: DeliveryDelivered, MinAttempts: i}); err != nil {
			t.Fatal(err)
		}
	}
	got := e.fake.Tenant(e.key).WebhookEvents(EventFilter{})
	d := got[0].Deliveries[0]
	if a := len(d.Attempts); a > outbox.MaxAttempts {
		t.Errorf("one delivery holds %d attempts: no bound on attempts per delivery", a)
	}
	if d.AttemptsDropped+len(d.Attempts) != n {
		t.Errorf("attempts kept %d + dropped %d, want %d in all", len(d.Attempts), d.AttemptsDropped, n)
	}
}

// TestRecordLimits: each tenant's records are bounded; a create beyond the
// bound is a 422 naming the kind, and changes nothing (review: customers,
// transactions, links, webhooks and invitations had no cap).
func TestRecordLimits(t *testing.T) {
	e := newEnv(t, Options{RecordLimits: store.Limits{Customers: 2, Transactions: 2, Links: 1, Webhooks: 1, Invitations: 1}})
	e.do("POST", "/v1/customers", map[string]any{"key": "a"}).want(t, 200)
	e.do("POST", "/v1/customers", map[string]any{"key": "b", "referring_customer": map[string]any{"key": "a"}}).want(t, 200)
	e.do("POST", "/v1/customer_referral_links", map[string]any{"key": "l1", "customer": map[string]any{"key": "a"}}).want(t, 200)
	e.do("POST", "/v1/webhooks", map[string]any{"name": "w", "url": "http://127.0.0.1:1/h", "events": []string{"customer.created"}}).want(t, 200)
	e.do("POST", "/v1/customers:invite", map[string]any{"email": "x@example.com"}).want(t, 200)
	e.do("POST", "/v1/transactions", map[string]any{"key": "t1", "action": "sale", "amount": 1, "customer": map[string]any{"key": "b"}}).want(t, 200)
	before := e.state()
	for _, c := range []struct {
		path  string
		body  map[string]any
		field string
	}{
		{"/v1/customers", map[string]any{"key": "c"}, "customers"},
		{"/v1/transactions", map[string]any{"key": "t9", "amount": 1, "customer": map[string]any{"key": "new"}, "options": map[string]any{"create_customer": true}}, "customers"},
		{"/v1/transactions", map[string]any{"customer": map[string]any{"key": "b"}, "transactions": []any{map[string]any{"key": "t2", "action": "sale", "amount": 1}, map[string]any{"key": "t3", "action": "sale", "amount": 1}}}, "transactions"},
		{"/v1/customer_referral_links", map[string]any{"key": "l2", "customer": map[string]any{"key": "a"}}, "referral_links"},
		{"/v1/webhooks", map[string]any{"name": "w2", "url": "http://127.0.0.1:1/h", "events": []string{"customer.created"}}, "webhooks"},
		{"/v1/customers:invite", map[string]any{"email": "y@example.com"}, "invitations"},
	} {
		r := e.do("POST", c.path, c.body).want(t, 422)
		if r.errorFor(c.field) == nil {
			t.Errorf("%s: errors %v, want %s", c.path, r.get("errors"), c.field)
		}
	}
	if !reflect.DeepEqual(before, e.state()) {
		t.Error("a refused create changed the state")
	}
	// One more sale still fits.
	e.do("POST", "/v1/transactions", map[string]any{"key": "t4", "action": "sale", "amount": 1, "customer": map[string]any{"key": "b"}}).want(t, 200)
}
