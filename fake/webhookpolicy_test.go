package fake

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/store"
)

// TestDestPolicy checks the policy's decisions without connecting
// anywhere: by host at create time, by dialled address at connect time.
func TestDestPolicy(t *testing.T) {
	def, err := newDestPolicy(nil)
	if err != nil {
		t.Fatal(err)
	}
	listed, err := newDestPolicy([]string{"127.0.0.0/8", "Hooks.Internal.", "169.254.10.0/24", "::1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		p       *destPolicy
		host    string
		refused bool
	}{
		{def, "169.254.169.254", true},
		{def, "169.254.1.1", true},
		{def, "fe80::1", true},
		{def, "fd00:ec2::254", true},
		{def, "::ffff:169.254.169.254", true},
		{def, "100.100.100.200", true},
		{def, "metadata.google.internal", true},
		{def, "METADATA.google.internal.", true},
		{def, "127.0.0.1", false},
		{def, "::1", false},
		{def, "localhost", false},
		{def, "10.0.0.1", false}, // private ranges are the operator's to refuse (--webhook-allow)
		{def, "receiver.test", false},
		{listed, "127.0.0.9", false},
		{listed, "::1", false},
		{listed, "localhost", false},
		{listed, "hooks.internal", false},
		{listed, "169.254.10.7", false}, // listed explicitly
		{listed, "169.254.169.254", true},
		{listed, "10.0.0.1", true},
		{listed, "receiver.test", true},
		{listed, "metadata.google.internal", true},
	} {
		err := c.p.checkHost(c.host)
		if (err != nil) != c.refused || (err != nil && !errors.Is(err, errRefused)) {
			t.Errorf("checkHost(%q) with %d allowed = %v, want refused %v", c.host, len(c.p.allowNets), err, c.refused)
		}
	}
	// At connect time the dialled address decides: an allowed name
	// resolving to a metadata address is refused (DNS rebinding), an
	// unlisted name resolving into a listed range is allowed.
	for _, c := range []struct {
		name, ip string
		refused  bool
	}{
		{"hooks.internal", "169.254.169.254", true},
		{"hooks.internal", "10.1.2.3", false},
		{"elsewhere.test", "127.0.0.1", false},
		{"elsewhere.test", "10.1.2.3", true},
	} {
		if err := listed.checkAddr(c.name, netip.MustParseAddr(c.ip)); (err != nil) != c.refused {
			t.Errorf("checkAddr(%s -> %s) = %v, want refused %v", c.name, c.ip, err, c.refused)
		}
	}
	if _, err := newDestPolicy([]string{"http://x/"}); err == nil {
		t.Error("a URL was accepted as an allow-list entry")
	}
}

// TestDialTimeCheck: the check runs on the address actually dialled, after
// DNS: a name the policy lets through whose address it refuses never
// connects.
func TestDialTimeCheck(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	p, _ := newDestPolicy(nil)
	p.denyNets = append(p.denyNets, netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128"))
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	// localhost resolves to loopback, which this policy refuses: the name
	// passes, the dialled address does not.
	_, err := p.dialContext(time.Second)(context.Background(), "tcp", "localhost"+port)
	if !errors.Is(err, errRefused) {
		t.Errorf("dial localhost with loopback refused: %v", err)
	}
	// A delivery to it fails at once, refused, and never reaches it.
	e := newEnv(t, Options{})
	e.fake.sender.Dial = p.dialContext(time.Second)
	e.do("POST", "/v1/webhooks", map[string]any{"name": "x", "url": "http://localhost" + port + "/", "events": []string{"customer.created"}}).want(t, 200)
	e.do("POST", "/v1/customers", map[string]any{"key": "c"}).want(t, 200)
	d := await(t, e, EventFilter{Status: DeliveryFailed}).Deliveries[0]
	if d.Reason != "destination refused by the webhook policy" || !strings.Contains(d.Attempts[0].Error, "link-local or cloud metadata") || hits.Load() != 0 {
		t.Errorf("delivery through the sender: %+v, %d hits", d, hits.Load())
	}
}

// TestWebhookURLPolicy: creating or re-pointing a webhook at a refused
// destination is a 422 naming url and changes nothing; loopback receivers
// stay allowed.
func TestWebhookURLPolicy(t *testing.T) {
	e := newEnv(t, Options{})
	for _, u := range []string{"http://169.254.169.254/latest/meta-data/", "http://[fe80::1]:8080/", "http://metadata.google.internal/x", "https://[fd00:ec2::254]/"} {
		r := e.do("POST", "/v1/webhooks", map[string]any{"name": "x", "url": u, "events": []string{"customer.created"}}).want(t, 422)
		if r.errorFor("url") == nil || !strings.Contains(r.str("message"), "--webhook-allow") {
			t.Errorf("%s: %s", u, r.raw)
		}
	}
	key := e.do("POST", "/v1/webhooks", map[string]any{"name": "x", "url": "http://127.0.0.1:9/x", "events": []string{"customer.created"}}).want(t, 200).str("data.key")
	e.do("PUT", "/v1/webhooks/"+key, map[string]any{"url": "http://169.254.169.254/"}).want(t, 422)
	if w, _ := e.fake.Tenant(testKey).Store().Webhook(key); w.URL != "http://127.0.0.1:9/x" {
		t.Errorf("url changed to %s", w.URL)
	}
	e2 := newEnv(t, Options{WebhookAllow: []string{"hooks.internal"}})
	e2.do("POST", "/v1/webhooks", map[string]any{"name": "x", "url": "http://127.0.0.1:9/x", "events": []string{"customer.created"}}).want(t, 422)
	e2.do("POST", "/v1/webhooks", map[string]any{"name": "x", "url": "https://hooks.internal/x", "events": []string{"customer.created"}}).want(t, 200)
	if _, err := New(Options{WebhookAllow: []string{"not a host"}}); err == nil {
		t.Error("New accepted a bad allow list")
	}
}

// TestDeliveryRefusedByPolicy: a webhook that got past the create check
// (imported state) is refused at delivery: failed at once, no retries,
// with the reason.
func TestDeliveryRefusedByPolicy(t *testing.T) {
	e := newEnv(t, Options{})
	snap := e.fake.Tenant(testKey).ExportState()
	snap.Webhooks = []store.Webhook{{Key: "meta", Name: "m", URL: "http://169.254.169.254/latest", Events: []string{"customer.created"}, IsActive: true, Signature: "s"}}
	if err := e.fake.Tenant(testKey).ImportState(snap, false); err != nil {
		t.Fatal(err)
	}
	e.do("POST", "/v1/customers", map[string]any{"key": "c"}).want(t, 200)
	ev := await(t, e, EventFilter{Status: DeliveryFailed})
	d := ev.Deliveries[0]
	if len(d.Attempts) != 1 || d.Attempts[0].Error != "refused by the webhook destination policy: 169.254.169.254 is a link-local or cloud metadata address" || d.Reason != "destination refused by the webhook policy" {
		t.Errorf("delivery %+v", d)
	}
}

// TestNoRedirects: a receiver's redirect is a failed attempt, not followed.
func TestNoRedirects(t *testing.T) {
	var hits atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer target.Close()
	redirect := httptest.NewServer(http.RedirectHandler(target.URL, http.StatusTemporaryRedirect))
	defer redirect.Close()
	e := newEnv(t, Options{WebhookRetries: -1})
	e.do("POST", "/v1/webhooks", map[string]any{"name": "x", "url": redirect.URL, "events": []string{"customer.created"}}).want(t, 200)
	e.do("POST", "/v1/customers", map[string]any{"key": "c"}).want(t, 200)
	ev := await(t, e, EventFilter{Status: DeliveryFailed})
	if a := ev.Deliveries[0].Attempts; len(a) != 1 || a[0].StatusCode != 307 || hits.Load() != 0 {
		t.Errorf("attempts %+v, target hit %d times", a, hits.Load())
	}
}

// TestDeliveryFollowsTheWebhookAsItIsNow: a queued delivery goes to the
// webhook's current URL; a deleted, deactivated or unsubscribed webhook's
// deliveries are dropped with the reason, and nothing is sent.
func TestDeliveryFollowsTheWebhookAsItIsNow(t *testing.T) {
	e := newEnv(t, Options{})
	old, cur := newReceiver(t), newReceiver(t)
	key := old.hook(t, e, "customer.created")
	cur.secret = old.secret
	e.fake.Tenant(testKey).PauseWebhooks()
	e.do("POST", "/v1/customers", map[string]any{"key": "c1"}).want(t, 200)
	e.do("PUT", "/v1/webhooks/"+key, map[string]any{"url": cur.URL + "/new"}).want(t, 200)
	e.fake.Tenant(testKey).ResumeWebhooks()
	ev := await(t, e, EventFilter{Status: DeliveryDelivered})
	if d := ev.Deliveries[0]; d.URL != cur.URL+"/new" || !strings.Contains(string(d.Body), cur.URL+"/new") {
		t.Errorf("delivered to %s, body %s", d.URL, d.Body)
	}
	if len(old.received()) != 0 || len(cur.received()) != 1 || len(cur.bad) != 0 {
		t.Errorf("old got %d, new got %d (%v)", len(old.received()), len(cur.received()), cur.bad)
	}

	for _, c := range []struct {
		change func()
		reason string
	}{
		{func() { e.do("PUT", "/v1/webhooks/"+key, map[string]any{"is_active": false}).want(t, 200) }, "webhook inactive"},
		{func() {
			e.do("PUT", "/v1/webhooks/"+key, map[string]any{"is_active": true, "events": []string{"customer.deleted"}}).want(t, 200)
		}, "webhook no longer receives customer.created"},
		{func() { e.do("DELETE", "/v1/webhooks/"+key, nil).want(t, 200) }, "webhook deleted"},
	} {
		e.do("PUT", "/v1/webhooks/"+key, map[string]any{"is_active": true, "events": []string{"customer.created"}})
		e.fake.Tenant(testKey).PauseWebhooks()
		e.do("POST", "/v1/customers", map[string]any{"key": "k-" + c.reason}).want(t, 200)
		c.change()
		e.fake.Tenant(testKey).ResumeWebhooks()
		ev := await(t, e, EventFilter{Status: DeliveryDropped, Data: map[string]string{"key": "k-" + c.reason}})
		if d := ev.Deliveries[0]; d.Reason != c.reason || len(d.Attempts) != 0 {
			t.Errorf("%s: delivery %+v", c.reason, d)
		}
	}
	if n := len(cur.received()); n != 1 {
		t.Errorf("receiver got %d deliveries, want the first one only", n)
	}
}

// TestPendingWebhooksBound: while deliveries cannot go out, at most
// MaxPendingWebhooks wait; the oldest beyond are marked failed ("outbox
// full") in the outbox and the log, and the rest go out on resume.
func TestPendingWebhooksBound(t *testing.T) {
	var logs bytes.Buffer
	e := newEnv(t, Options{MaxPendingWebhooks: 3, Logger: slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, nil))})
	rc := newReceiver(t)
	rc.hook(t, e, "customer.created")
	e.fake.Tenant(testKey).PauseWebhooks()
	for _, k := range []string{"c1", "c2", "c3", "c4", "c5"} {
		e.do("POST", "/v1/customers", map[string]any{"key": k}).want(t, 200)
	}
	full := e.fake.Tenant(testKey).WebhookEvents(EventFilter{Status: DeliveryFailed})
	if len(full) != 2 || full[0].Deliveries[0].Reason != "outbox full" || !matchesKey(full[0], "c1") || !matchesKey(full[1], "c2") {
		t.Fatalf("failed: %+v", full)
	}
	if n := len(e.fake.Tenant(testKey).WebhookEvents(EventFilter{Status: DeliveryPending})); n != 3 {
		t.Errorf("%d pending, want 3", n)
	}
	if !strings.Contains(logs.String(), "webhook outbox full") {
		t.Errorf("no log line: %s", logs.String())
	}
	e.fake.Tenant(testKey).ResumeWebhooks()
	await(t, e, EventFilter{Status: DeliveryDelivered, Data: map[string]string{"key": "c5"}})
	var keys []string
	for _, d := range rc.received() {
		keys = append(keys, d["data"].(map[string]any)["key"].(string))
	}
	if strings.Join(keys, ",") != "c3,c4,c5" {
		t.Errorf("received %v", keys)
	}
}

// syncWriter serializes writes to w, for logs written by goroutines.
type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
