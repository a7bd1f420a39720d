// Package outbox records a tenant's webhook events and delivers them: in
// order per webhook, retried with exponential backoff on the tenant's
// clock, signed with each webhook's secret. It also serves long-polls
// (Await) that wait for an event to appear or change.
//
// Deliveries to a webhook leave in event order over HTTP/1.1 keep-alive
// connections, up to Window of them in flight on each (pipelined: the
// receiver answers them in order). When one fails, those already sent
// behind it (at most Window-1) still arrive; nothing else of that webhook
// is sent until its retry, which goes alone, is done.
//
// The package knows the store (its events and webhooks) and the clock, and
// nothing of the fake's wire format: the fake passes Render and Envelope,
// which turn an event into the JSON Partnero sends. Events are rendered
// when first listed, awaited on their data or delivered, never under the
// store's lock.
package outbox

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/store"
)

// Delivery defaults.
const (
	// DefaultTimeout is how long a receiver has to answer.
	DefaultTimeout = 5 * time.Second
	// DefaultRetries is how many times a failed delivery is retried.
	DefaultRetries = 5
	// DefaultBackoff is the first retry's delay on the tenant's clock; each
	// next one doubles it (10s, 20s, 40s, ...).
	DefaultBackoff = 10 * time.Second
	// DefaultSize is how many finished events an outbox keeps.
	DefaultSize = 10_000
)

// Delivery statuses.
const (
	StatusPending   = "pending"
	StatusDelivered = "delivered"
	StatusFailed    = "failed"
	StatusDropped   = "dropped"
)

// Event is one event in a tenant's outbox with its deliveries.
type Event struct {
	// ID numbers the tenant's events: evt_1, evt_2, ...
	ID string `json:"id"`
	// Type is the event name, such as customer.created.
	Type string `json:"event"`
	// CreatedAt is the tenant's clock when it happened.
	CreatedAt time.Time `json:"created_at"`
	// Data is the resource as the API returns it.
	Data json.RawMessage `json:"data"`
	// Deliveries are one per subscribed webhook.
	Deliveries []Delivery `json:"deliveries"`

	seq    int
	src    *store.Event // the store's event, until rendered into Data
	parsed any          // Data decoded, for filters
	valid  int8         // whether Data is valid JSON: 0 unknown, 1 yes, -1 no
}

// Delivery is an event's delivery to one webhook.
type Delivery struct {
	WebhookKey string `json:"webhook_key"`
	URL        string `json:"url"`
	// Status is pending, delivered, failed (retries exhausted, destination
	// refused, or outbox full) or dropped (by a drop-next instruction, or
	// because the webhook was deleted, deactivated or unsubscribed before
	// the attempt).
	Status string `json:"status"`
	// Reason says why a delivery failed or was dropped without trying.
	Reason string `json:"reason,omitempty"`
	// Attempts are the tries so far: the last MaxAttempts of them (the
	// current round of retries always whole).
	Attempts []Attempt `json:"attempts"`
	// AttemptsDropped counts the older attempts left out of Attempts.
	AttemptsDropped int `json:"attempts_dropped,omitempty"`
	// NextAttemptAt is when a pending delivery is (re)tried, on the
	// tenant's clock.
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty"`
	// Body is the exact payload sent; Signature its Signature header.
	Body      json.RawMessage `json:"body"`
	Signature string          `json:"signature"`

	since int            // Attempts before the current (re)delivery started
	hook  *store.Webhook // the webhook to address, until addressed
}

// Attempt is one try of a delivery.
type Attempt struct {
	// At is the tenant's clock when it was made.
	At time.Time `json:"at"`
	// StatusCode is the receiver's status, 0 when none came back.
	StatusCode int `json:"status_code"`
	// Error says why the attempt failed, if it did.
	Error string `json:"error,omitempty"`
	// LatencyMS is the real time it took.
	LatencyMS float64 `json:"latency_ms"`
	// Duplicate marks the second send of a duplicate-next instruction.
	Duplicate bool `json:"duplicate,omitempty"`

	refused bool // by the destination policy: retrying cannot help
}

// Filter selects outbox events; zero fields match everything.
type Filter struct {
	// Type is the event name.
	Type string
	// Status matches events with a delivery in that status.
	Status string
	// MinAttempts matches events with a delivery tried at least that often.
	MinAttempts int
	// Data matches events whose data has these values at these dotted
	// paths (referring_customer.key=alice).
	Data map[string]string
	// Match, when not nil, must also accept the event (Go API only).
	Match func(Event) bool
}

// match checks an event in place against everything but the caller's
// predicate: the cheap fields first, then the data. Callers run Match on a
// copy, outside the outbox lock, since it may call back into the fake.
func (f Filter) match(e *Event, o *Outbox) bool {
	if f.Type != "" && f.Type != e.Type {
		return false
	}
	if f.Status != "" || f.MinAttempts > 0 {
		found := false
		for _, d := range e.Deliveries {
			if (f.Status == "" || d.Status == f.Status) && d.AttemptsDropped+len(d.Attempts) >= f.MinAttempts {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	for path, want := range f.Data {
		if got, ok := o.value(e, path); !ok || got != want {
			return false
		}
	}
	return true
}

// Value returns the event's data at a dotted path, printed; ok is false
// when the data is not JSON.
func (e *Event) Value(path string) (string, bool) {
	if e.parsed == nil && e.valid == 0 {
		e.valid = -1
		if json.Valid(e.Data) {
			e.valid = 1
		}
	}
	if e.parsed == nil && e.valid > 0 {
		if v, ok := valueAt(e.Data, path); ok {
			return v, true // the value alone decoded: a filter on one key of each new event costs no document
		}
	}
	if e.parsed == nil && json.Unmarshal(e.Data, &e.parsed) != nil {
		return "", false
	}
	return fmt.Sprint(dig(e.parsed, path)), true
}

// dig reads a dotted path from a JSON document.
func dig(doc any, path string) any {
	for _, p := range strings.Split(path, ".") {
		m, ok := doc.(map[string]any)
		if !ok {
			return nil
		}
		doc = m[p]
	}
	return doc
}

func pending(ev *Event) bool {
	for _, d := range ev.Deliveries {
		if d.Status == StatusPending {
			return true
		}
	}
	return false
}
