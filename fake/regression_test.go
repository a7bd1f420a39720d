package fake

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/outbox"
	"github.com/partnero-fake/partnero-fake/fake/store"
	"github.com/partnero-fake/partnero-fake/fixtures"
)

// Regression tests for defects found in review.

// Unfreezing the clock wakes a retry waiting for it.
func TestUnfreezeWakesWaitingRetry(t *testing.T) {
	e := newEnv(t, Options{WebhookBackoff: 100 * time.Millisecond})
	r := newReceiver(t)
	r.failNext = 1
	r.hook(t, e, "customer.created")
	e.do("POST", "/v1/customers", map[string]any{"key": "a"}).want(t, 200)
	await(t, e, EventFilter{MinAttempts: 1})
	e.do("PUT", "/_fake/clock", map[string]any{"frozen": false}).want(t, 200)
	await(t, e, EventFilter{Status: DeliveryDelivered}) // within await's 10 s
}

// Close stops deliveries instead of draining the backlog: only the
// deliveries already sent (at most a window on the connection) arrive.
func TestCloseStopsDeliveries(t *testing.T) {
	e := newEnv(t, Options{})
	r := newReceiver(t)
	r.delay = 50 * time.Millisecond
	r.hook(t, e, "customer.created")
	for range 30 {
		e.do("POST", "/v1/customers", map[string]any{}).want(t, 200)
	}
	await(t, e, EventFilter{Status: DeliveryDelivered})
	e.fake.Close()
	if n := len(r.received()); n > 1+outbox.Window {
		t.Errorf("%d of 30 events were delivered after Close", n)
	}
	e.do("POST", "/v1/customers", map[string]any{}).want(t, 200) // still serving, no worker started
}

// A Match predicate may call back into the fake.
func TestMatchPredicateMayUseTheStore(t *testing.T) {
	e := newEnv(t, Options{})
	r := newReceiver(t)
	r.hook(t, e, "customer.created")
	st := e.fake.Tenant(testKey).Store()
	var stop atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		for !stop.Load() {
			_, _ = st.CreateCustomer(store.NewCustomer{})
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := e.fake.Tenant(testKey).AwaitWebhookEvent(ctx, EventFilter{Match: func(WebhookEvent) bool {
		_, err := st.Customer("nobody")
		_ = e.fake.Tenant(testKey).WebhookEvents(EventFilter{Type: "none"})
		return err != nil
	}})
	stop.Store(true)
	<-done
	if err != nil {
		t.Fatal(err)
	}
}

// Values handed out never share memory with a tenant's state, the template
// every tenant starts from, or checkpoints.
func TestHandedOutValuesAreCopies(t *testing.T) {
	demo, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, Options{Initial: &demo})
	snap := e.fake.Tenant("tenant-a").ExportState()
	snap.Program.Rewards[0].Amount = store.MoneyOf(50)
	snap.Invitations[0].Personalization["referrer"] = "MALLORY"
	e.fake.Tenant("tenant-a").Invitations()[0].Personalization["referrer"] = "MALLORY"
	for _, k := range []string{"tenant-a", "tenant-b", "tenant-new"} {
		if got := e.fake.Tenant(k).Store().Program().Rewards[0].Amount; got != store.MoneyOf(10) {
			t.Errorf("%s: rule amount %s", k, got)
		}
		if got := e.fake.Tenant(k).Invitations()[0].Personalization["referrer"]; got != "Ava" {
			t.Errorf("%s: invitation referrer %q", k, got)
		}
	}
}

func TestHeadIsGetWithoutBody(t *testing.T) {
	e := newEnv(t, Options{})
	req, _ := http.NewRequest(http.MethodHead, e.srv.URL+"/v1/customers", nil)
	req.Header.Set("Authorization", "Bearer "+testKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("HEAD /v1/customers = %d", resp.StatusCode)
	}
}

func TestFreezeAtTheExactInstant(t *testing.T) {
	e := newEnv(t, Options{})
	e.fake.Tenant(testKey).Clock().Unfreeze()
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	e.do("PUT", "/_fake/clock", map[string]any{"now": at, "frozen": true}).want(t, 200)
	if got := e.fake.Tenant(testKey).Clock().Now(); !got.Equal(at) {
		t.Errorf("frozen at %s, want %s", got.Format(time.RFC3339Nano), at.Format(time.RFC3339Nano))
	}
}

func TestHugePageNumbers(t *testing.T) {
	e := newEnv(t, Options{})
	for range 3 {
		e.do("POST", "/v1/customers", map[string]any{}).want(t, 200)
	}
	e.do("GET", "/v1/customers?limit=16&page=1152921504606846977", nil).want(t, 422)
	if r := e.do("GET", "/v1/customers?limit=1&page=1000000", nil).want(t, 200); len(r.items()) != 0 {
		t.Errorf("page 1,000,000: %s", r.raw)
	}
}

// A redelivered event gets its retries again.
func TestRedeliveryRetries(t *testing.T) {
	e := newEnv(t, Options{WebhookRetries: 1})
	r := newReceiver(t)
	r.failNext = 1 << 30
	r.hook(t, e, "customer.created")
	e.do("POST", "/v1/customers", map[string]any{"key": "a"}).want(t, 200)
	await(t, e, EventFilter{MinAttempts: 1})
	e.do("PUT", "/_fake/clock", map[string]any{"advance": "1h"}).want(t, 200)
	ev := await(t, e, EventFilter{Status: DeliveryFailed})
	e.do("POST", "/_fake/webhooks/events/"+ev.ID+"/redeliver", nil).want(t, 200)
	ev = await(t, e, EventFilter{MinAttempts: 3})
	if d := ev.Deliveries[0]; d.Status != DeliveryPending || d.NextAttemptAt == nil {
		t.Errorf("after a failed redelivery: %+v", d)
	}
}

// Imported data is held to the request schema's rules, so no accepted
// import makes a response break the spec.
func TestImportValidatesCustomerFields(t *testing.T) {
	e := newEnv(t, Options{})
	for name, c := range map[string]store.Customer{
		"date of birth": {ID: "c1", Key: "k1", DateOfBirth: "yesterday"},
		"email":         {ID: "c1", Key: "k1", Email: "not-an-email"},
		"long name":     {ID: "c1", Key: "k1", Name: string(make([]byte, 300))},
	} {
		snap := e.fake.Tenant(testKey).ExportState()
		snap.Customers = append(snap.Customers, c)
		if r := e.do("PUT", "/_fake/state", snap); r.status != 422 {
			t.Errorf("%s: import answered %d", name, r.status)
		}
	}
}

func TestBogusCurrencyCodes(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"key": "alice"}).want(t, 200)
	e.do("POST", "/v1/customers", map[string]any{"key": "bob", "referring_customer": map[string]any{"key": "alice"}}).want(t, 200)
	for _, u := range []string{"d a", "N A", "SDU"} {
		e.do("POST", "/v1/transactions", map[string]any{"customer": map[string]any{"key": "bob"}, "amount": 10, "amount_units": u}).want(t, 422)
	}
}

func TestLinksKeepTheWebsiteFragment(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("PUT", "/v1/program", map[string]any{"website": "https://x.test/?q=1#frag"}).want(t, 200)
	if got := e.do("POST", "/v1/customers", map[string]any{"key": "alice"}).want(t, 200).str("data.referral_link"); got != "https://x.test/?q=1&ref=alice#frag" {
		t.Errorf("referral_link = %q", got)
	}
	r := e.do("PUT", "/v1/program", map[string]any{"rewards": []any{
		map[string]any{"id": "rule_2", "trigger": "purchase", "amount": 1}, map[string]any{"trigger": "signup", "amount": 1},
	}}).want(t, 200)
	_ = r
	p := e.do("GET", "/v1/program", nil).want(t, 200)
	if p.str("data.program_settings.rewards.0.id") != "rule_2" || p.str("data.program_settings.rewards.1.id") != "rule_1" {
		t.Errorf("rule ids: %v", p.get("data.program_settings.rewards"))
	}
}
