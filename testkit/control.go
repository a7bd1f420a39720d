package testkit

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/partnero-fake/partnero-fake/fake"
	"github.com/partnero-fake/partnero-fake/fake/clock"
	"github.com/partnero-fake/partnero-fake/fake/store"
)

// Reset returns the tenant to its initial fixtures and clears its journal
// and fault rules.
func (c *Client) Reset(tb TB) {
	tb.Helper()
	c.call(tb, http.MethodPost, "/_fake/reset", nil, nil)
}

// ExportState returns the tenant's whole state.
func (c *Client) ExportState(tb TB) store.Snapshot {
	tb.Helper()
	var snap store.Snapshot
	c.call(tb, http.MethodGet, "/_fake/state", nil, &snap)
	return snap
}

// ImportState replaces the tenant's state; with asInitial, Reset returns to
// it.
func (c *Client) ImportState(tb TB, snap store.Snapshot, asInitial bool) {
	tb.Helper()
	c.call(tb, http.MethodPut, fmt.Sprintf("/_fake/state?initial=%t", asInitial), snap, nil)
}

// SaveSnapshot saves the tenant's state under a name.
func (c *Client) SaveSnapshot(tb TB, name string) {
	tb.Helper()
	c.call(tb, http.MethodPost, "/_fake/snapshots/"+url.PathEscape(name), nil, nil)
}

// RestoreSnapshot puts back a saved state.
func (c *Client) RestoreSnapshot(tb TB, name string) {
	tb.Helper()
	c.call(tb, http.MethodPost, "/_fake/snapshots/"+url.PathEscape(name)+"/restore", nil, nil)
}

// AllRequests returns the JournalFilter that matches every request of the
// code under test (not those testkit's helpers made; see IncludeTestkit).
func AllRequests() fake.JournalFilter { return fake.JournalFilter{} }

// Requests returns the requests the tenant made ("what did my code
// send?"), oldest first: those of the code under test, and those of
// testkit's helpers only with f.IncludeTestkit. RequestBody decodes their
// bodies.
func (c *Client) Requests(tb TB, f fake.JournalFilter) []fake.JournalEntry {
	tb.Helper()
	q := url.Values{}
	if f.IncludeTestkit {
		q.Set("include_testkit", "true")
	}
	for k, v := range map[string]string{"operation": f.Operation, "path": f.Path, "method": f.Method} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Status != 0 {
		q.Set("status", fmt.Sprint(f.Status))
	}
	return data[[]fake.JournalEntry](c, tb, http.MethodGet, "/_fake/requests?"+q.Encode(), nil)
}

// ClearRequests empties the tenant's journal.
func (c *Client) ClearRequests(tb TB) {
	tb.Helper()
	c.call(tb, http.MethodDelete, "/_fake/requests", nil, nil)
}

// AddFault adds a fault rule and returns it with its id.
func (c *Client) AddFault(tb TB, f fake.Fault) fake.Fault {
	tb.Helper()
	return data[fake.Fault](c, tb, http.MethodPost, "/_fake/faults", f)
}

// Faults lists the tenant's fault rules with their counters.
func (c *Client) Faults(tb TB) []fake.Fault {
	tb.Helper()
	return data[[]fake.Fault](c, tb, http.MethodGet, "/_fake/faults", nil)
}

// ClearFaults removes the tenant's fault rules.
func (c *Client) ClearFaults(tb TB) {
	tb.Helper()
	c.call(tb, http.MethodDelete, "/_fake/faults", nil, nil)
}

// Clock returns the tenant's clock.
func (c *Client) Clock(tb TB) clock.State {
	tb.Helper()
	var st clock.State
	c.call(tb, http.MethodGet, "/_fake/clock", nil, &st)
	return st
}

// FreezeClock stops the tenant's clock at t.
func (c *Client) FreezeClock(tb TB, t time.Time) {
	tb.Helper()
	c.call(tb, http.MethodPut, "/_fake/clock", map[string]any{"now": t, "frozen": true}, nil)
}

// AdvanceClock moves the tenant's clock forward.
func (c *Client) AdvanceClock(tb TB, d time.Duration) {
	tb.Helper()
	c.call(tb, http.MethodPut, "/_fake/clock", map[string]any{"advance": d.String()}, nil)
}

// Invitations returns the invitations the tenant "sent".
func (c *Client) Invitations(tb TB) []store.Invitation {
	tb.Helper()
	return data[[]store.Invitation](c, tb, http.MethodGet, "/_fake/invitations", nil)
}

// SetClicks sets the clicks a customer's stats report.
func (c *Client) SetClicks(tb TB, ref string, n int) {
	tb.Helper()
	c.call(tb, http.MethodPut, "/_fake/customers/"+url.PathEscape(ref)+"/clicks", map[string]int{"clicks": n}, nil)
}

// WebhookEvents lists the tenant's outbox: events with their deliveries
// and attempts. The filter's Match field is not sent (Go API only).
func (c *Client) WebhookEvents(tb TB, f fake.EventFilter) []fake.WebhookEvent {
	tb.Helper()
	return data[[]fake.WebhookEvent](c, tb, http.MethodGet, "/_fake/webhooks/events?"+eventQuery(f).Encode(), nil)
}

// AwaitWebhook waits up to timeout for an outbox event matching f (use
// Status: fake.DeliveryDelivered to wait until it was delivered) and fails
// the test when none comes.
func (c *Client) AwaitWebhook(tb TB, f fake.EventFilter, timeout time.Duration) fake.WebhookEvent {
	tb.Helper()
	q := eventQuery(f)
	q.Set("timeout", timeout.String())
	r := c.Do(tb, http.MethodGet, "/_fake/webhooks/await?"+q.Encode(), nil)
	if r.Status != http.StatusOK {
		tb.Fatalf("testkit: no webhook event matching %+v within %s: %s", f, timeout, r.Body)
	}
	var env struct{ Data fake.WebhookEvent }
	if err := json.Unmarshal(r.Body, &env); err != nil {
		tb.Fatalf("testkit: decode event: %v", err)
	}
	return env.Data
}

// RedeliverWebhook queues an event's finished deliveries again.
func (c *Client) RedeliverWebhook(tb TB, eventID string) {
	tb.Helper()
	c.call(tb, http.MethodPost, "/_fake/webhooks/events/"+url.PathEscape(eventID)+"/redeliver", nil, nil)
}

// PauseWebhooks holds deliveries; ResumeWebhooks lets them go.
func (c *Client) PauseWebhooks(tb TB) {
	tb.Helper()
	c.call(tb, http.MethodPost, "/_fake/webhooks/pause", nil, nil)
}

// ResumeWebhooks resumes deliveries.
func (c *Client) ResumeWebhooks(tb TB) {
	tb.Helper()
	c.call(tb, http.MethodPost, "/_fake/webhooks/resume", nil, nil)
}

// DropNextWebhook makes the next delivery vanish.
func (c *Client) DropNextWebhook(tb TB) {
	tb.Helper()
	c.call(tb, http.MethodPost, "/_fake/webhooks/next", map[string]string{"action": "drop"}, nil)
}

// DuplicateNextWebhook makes the next delivery arrive twice.
func (c *Client) DuplicateNextWebhook(tb TB) {
	tb.Helper()
	c.call(tb, http.MethodPost, "/_fake/webhooks/next", map[string]string{"action": "duplicate"}, nil)
}

func eventQuery(f fake.EventFilter) url.Values {
	q := url.Values{}
	if f.Type != "" {
		q.Set("type", f.Type)
	}
	if f.Status != "" {
		q.Set("status", f.Status)
	}
	if f.MinAttempts > 0 {
		q.Set("min_attempts", fmt.Sprint(f.MinAttempts))
	}
	for k, v := range f.Data {
		q.Set("data."+k, v)
	}
	return q
}
