package fake

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/clock"
	"github.com/partnero-fake/partnero-fake/fake/store"
)

// Webhook delivery defaults.
const (
	// DefaultWebhookTimeout is how long a receiver has to answer.
	DefaultWebhookTimeout = 5 * time.Second
	// DefaultWebhookRetries is how many times a failed delivery is retried.
	DefaultWebhookRetries = 5
	// DefaultWebhookBackoff is the first retry's delay on the tenant's
	// clock; each next one doubles it (10s, 20s, 40s, ...).
	DefaultWebhookBackoff = 10 * time.Second
	// DefaultOutboxSize is how many finished events an outbox keeps.
	DefaultOutboxSize = 10_000
)

// Delivery statuses.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
	DeliveryDropped   = "dropped"
)

// WebhookEvent is one event in a tenant's outbox with its deliveries.
type WebhookEvent struct {
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
	parsed any // Data decoded, for filters
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
	// Attempts are the tries so far.
	Attempts []Attempt `json:"attempts"`
	// NextAttemptAt is when a pending delivery is (re)tried, on the
	// tenant's clock.
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty"`
	// Body is the exact payload sent; Signature its Signature header.
	Body      json.RawMessage `json:"body"`
	Signature string          `json:"signature"`

	since int // Attempts before the current (re)delivery started
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

// EventFilter selects outbox events; zero fields match everything.
type EventFilter struct {
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
	Match func(WebhookEvent) bool
}

// match checks an event in place against everything but the caller's
// predicate: the cheap fields first, then the data. Callers run Match on a
// copy, outside the outbox lock, since it may call back into the Server.
func (f EventFilter) match(e *WebhookEvent) bool {
	if f.Type != "" && f.Type != e.Type {
		return false
	}
	if f.Status != "" || f.MinAttempts > 0 {
		found := false
		for _, d := range e.Deliveries {
			if (f.Status == "" || d.Status == f.Status) && len(d.Attempts) >= f.MinAttempts {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	for path, want := range f.Data {
		if got, ok := e.value(path); !ok || got != want {
			return false
		}
	}
	return true
}

// value returns the event's data at a dotted path, printed; ok is false
// when the data is not JSON.
func (e *WebhookEvent) value(path string) (string, bool) {
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

// outbox records a tenant's events and delivers them to its webhooks: in
// order per webhook, retried with exponential backoff on the tenant's
// clock. Its worker goroutine runs only while deliveries are due or
// waiting for a retry.
type outbox struct {
	srv   *Server
	clock *clock.Clock

	mu       sync.Mutex // guards the fields below
	events   []*WebhookEvent
	queues   map[string][]*queued // webhook key -> pending deliveries, in order
	seq      int
	gen      int // bumped by clear, so a send in flight is not recorded into a new outbox
	paused   bool
	next     string // the instruction for the next delivery: "", "drop" or "duplicate"
	running  bool
	pending  int                                     // deliveries in queues
	inflight *queued                                 // the delivery being sent, if any
	lookup   func(key string) (store.Webhook, error) // the tenant's webhooks, as they are now
	changed  chan struct{}                           // closed on every change; the worker waits on it
	waiting  map[waitKey]map[*waiter]struct{}        // long-polls by what can wake them
	paths    map[string]int                          // data paths in waitKeys, with their counts
	checks   int                                     // waiters' filters evaluated on changes (tests count them)
	gone     chan struct{}                           // closed when the tenant is deleted
}

// queued is a pending delivery: its event and its index in Deliveries.
type queued struct {
	ev  *WebhookEvent
	idx int
}

func newOutbox(s *Server, c *clock.Clock) *outbox {
	return &outbox{
		srv: s, clock: c, queues: map[string][]*queued{}, changed: make(chan struct{}),
		waiting: map[waitKey]map[*waiter]struct{}{}, paths: map[string]int{}, gone: make(chan struct{}),
	}
}

// notifyLocked wakes everyone waiting for a change.
func (o *outbox) notifyLocked() {
	close(o.changed)
	o.changed = make(chan struct{})
}

// webhookEnvelope is the webhook payload Partnero documents.
type webhookEnvelope struct {
	Event      string          `json:"event"`
	URL        string          `json:"url"`
	WebhookKey string          `json:"webhook_key"`
	CreatedAt  timestamp       `json:"created_at"`
	Data       json.RawMessage `json:"data"`
}

// eventData renders an event's resource as the API returns it.
func eventData(e store.Event) any {
	switch {
	case e.Type == store.EventCustomerRewarded && e.Reward != nil:
		return rewardWire(*e.Reward)
	case e.Type == store.EventCustomerCredited && e.Balance != nil:
		return balanceWire(*e.Balance, store.Program{BalanceFormat: store.BalanceObject}) // never empty after a credit
	case e.Transaction != nil:
		return transactionWire(*e.Transaction)
	case e.Customer != nil:
		return customerWire(*e.Customer)
	}
	return map[string]any{}
}

// address sets a delivery's URL, body and signature for a webhook as it
// is now.
func (d *Delivery) address(ev *WebhookEvent, w store.Webhook) {
	body, _ := json.Marshal(webhookEnvelope{Event: ev.Type, URL: w.URL, WebhookKey: w.Key, CreatedAt: timestamp(ev.CreatedAt), Data: ev.Data})
	mac := hmac.New(sha256.New, []byte(w.Signature))
	mac.Write(body)
	d.URL, d.Body, d.Signature = w.URL, body, hex.EncodeToString(mac.Sum(nil))
}

// observe is the store's Observer: it records an event and queues its
// deliveries. It runs under the store's lock, so it only does memory work.
func (o *outbox) observe(e store.Event) {
	data, err := json.Marshal(eventData(e))
	if err != nil {
		o.srv.log.Error("webhook event", "event", e.Type, "error", err)
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.seq++
	ev := &WebhookEvent{seq: o.seq, ID: fmt.Sprint("evt_", o.seq), Type: e.Type, CreatedAt: e.Time, Data: data, Deliveries: []Delivery{}}
	for _, w := range e.Webhooks {
		d := Delivery{WebhookKey: w.Key, Status: DeliveryPending, Attempts: []Attempt{}}
		d.address(ev, w)
		ev.Deliveries = append(ev.Deliveries, d)
		o.queues[w.Key] = append(o.queues[w.Key], &queued{ev: ev, idx: len(ev.Deliveries) - 1})
		o.pending++
	}
	o.events = append(o.events, ev)
	o.overflowLocked()
	o.trimLocked()
	o.touchLocked(ev)
	o.notifyLocked()
	o.startLocked()
}

// trimLocked drops the oldest finished events beyond the outbox size.
// Pending events are never dropped: nothing is lost. Finished events at the
// front go first (O(1) each); a full pass runs only when pending events at
// the front hold back twice the size.
func (o *outbox) trimLocked() {
	size := o.srv.opts.OutboxSize
	for len(o.events) > size && !pending(o.events[0]) {
		o.events[0] = nil
		o.events = o.events[1:]
	}
	if len(o.events) <= 2*size {
		return
	}
	excess := len(o.events) - size
	kept := make([]*WebhookEvent, 0, len(o.events))
	for _, ev := range o.events {
		if excess > 0 && !pending(ev) {
			excess--
			continue
		}
		kept = append(kept, ev)
	}
	o.events = kept
}

func pending(ev *WebhookEvent) bool {
	for _, d := range ev.Deliveries {
		if d.Status == DeliveryPending {
			return true
		}
	}
	return false
}

func (o *outbox) startLocked() {
	if o.running || o.paused || len(o.queues) == 0 {
		return
	}
	if !o.srv.addWorker() {
		return // closed: no more deliveries
	}
	o.running = true
	go o.run()
}

// due returns the pending delivery to send now: the due queue head with the
// oldest event; or how long (on a running clock) until one is due.
func (o *outbox) dueLocked(now time.Time) (*queued, time.Duration) {
	var best *queued
	wait := time.Duration(-1)
	for _, q := range o.queues {
		h := q[0]
		d := &h.ev.Deliveries[h.idx]
		if d.NextAttemptAt == nil || !d.NextAttemptAt.After(now) {
			if best == nil || h.ev.seq < best.ev.seq {
				best = h
			}
			continue
		}
		if w := d.NextAttemptAt.Sub(now); wait < 0 || w < wait {
			wait = w
		}
	}
	return best, wait
}

// run is the worker: it sends due deliveries one at a time and sleeps until
// the next retry is due (on the tenant's clock) or something changes.
func (o *outbox) run() {
	defer o.srv.workers.Done()
	for {
		o.mu.Lock()
		if o.paused || len(o.queues) == 0 || o.srv.closing() {
			o.running = false
			o.mu.Unlock()
			return
		}
		clk := o.clock.State()
		q, wait := o.dueLocked(clk.Now)
		if q == nil {
			changed, ticked := o.changed, o.clock.Changed()
			o.mu.Unlock()
			var timer *time.Timer
			var fire <-chan time.Time
			if !clk.Frozen && wait >= 0 {
				timer = time.NewTimer(wait)
				fire = timer.C
			}
			select {
			case <-changed:
			case <-ticked:
			case <-fire:
			}
			if timer != nil {
				timer.Stop()
			}
			continue
		}
		d := q.ev.Deliveries[q.idx]
		gen := o.gen
		o.inflight = q
		o.mu.Unlock()

		// Each attempt goes to the webhook as it is now.
		w, reason := o.live(d.WebhookKey, q.ev.Type)
		o.mu.Lock()
		if gen != o.gen {
			o.mu.Unlock()
			continue
		}
		if reason != "" {
			o.finishLocked(q, DeliveryDropped, reason)
			o.mu.Unlock()
			continue
		}
		q.ev.Deliveries[q.idx].address(q.ev, w)
		d = q.ev.Deliveries[q.idx]
		action := o.next
		o.next = ""
		o.mu.Unlock()

		var attempts []Attempt
		if action != "drop" {
			attempts = append(attempts, o.send(d, clk.Now))
			if action == "duplicate" {
				a := o.send(d, clk.Now)
				a.Duplicate = true
				attempts = append(attempts, a)
			}
		}
		o.mu.Lock()
		if gen == o.gen {
			o.recordLocked(q, attempts, action == "drop")
		}
		o.mu.Unlock()
	}
}

// live returns the webhook a delivery goes to, as it is now, or why the
// delivery is dropped: the webhook was deleted, deactivated or no longer
// receives the event.
func (o *outbox) live(key, event string) (store.Webhook, string) {
	if o.lookup == nil {
		return store.Webhook{}, "webhook deleted"
	}
	w, err := o.lookup(key)
	switch {
	case err != nil:
		return w, "webhook deleted"
	case !w.IsActive:
		return w, "webhook inactive"
	case !slices.Contains(w.Events, event):
		return w, "webhook no longer receives " + event
	}
	return w, ""
}

// recordLocked stores the outcome of a delivery's attempts.
func (o *outbox) recordLocked(q *queued, attempts []Attempt, dropped bool) {
	d := &q.ev.Deliveries[q.idx]
	d.Attempts = append(d.Attempts, attempts...)
	ok := len(attempts) > 0 && attempts[0].Error == ""
	tries := 0
	for _, a := range d.Attempts[d.since:] {
		if !a.Duplicate {
			tries++
		}
	}
	switch {
	case dropped:
		o.finishLocked(q, DeliveryDropped, "drop-next instruction")
	case ok:
		o.finishLocked(q, DeliveryDelivered, "")
	case attempts[0].refused:
		o.finishLocked(q, DeliveryFailed, "destination refused by the webhook policy")
	case tries > o.srv.opts.WebhookRetries:
		o.finishLocked(q, DeliveryFailed, "retries exhausted")
	default:
		next := o.clock.Now().Add(o.srv.opts.WebhookBackoff << min(tries-1, 20))
		d.NextAttemptAt = &next
		o.inflight = nil
		o.touchLocked(q.ev)
		o.notifyLocked()
	}
}

// finishLocked ends a pending delivery with a status and takes it off its
// queue.
func (o *outbox) finishLocked(q *queued, status, reason string) {
	d := &q.ev.Deliveries[q.idx]
	d.Status, d.Reason, d.NextAttemptAt = status, reason, nil
	if o.inflight == q {
		o.inflight = nil
	}
	key := d.WebhookKey
	if i := slices.Index(o.queues[key], q); i >= 0 {
		o.queues[key] = slices.Delete(o.queues[key], i, i+1)
		o.pending--
	}
	if len(o.queues[key]) == 0 {
		delete(o.queues, key)
	}
	o.trimLocked()
	o.touchLocked(q.ev)
	o.notifyLocked()
}

// overflowLocked keeps at most MaxPendingWebhooks deliveries pending: the
// oldest beyond (but the one being sent) are marked failed, "outbox full",
// and logged. Nothing is dropped silently.
func (o *outbox) overflowLocked() {
	for o.pending > o.srv.opts.MaxPendingWebhooks {
		var oldest *queued
		for _, queue := range o.queues {
			for _, q := range queue {
				if q != o.inflight {
					if oldest == nil || q.ev.seq < oldest.ev.seq {
						oldest = q
					}
					break
				}
			}
		}
		if oldest == nil {
			return
		}
		d := &oldest.ev.Deliveries[oldest.idx]
		o.srv.log.Warn("webhook outbox full: oldest pending delivery marked failed",
			"event", oldest.ev.ID, "webhook", d.WebhookKey, "max_pending", o.srv.opts.MaxPendingWebhooks)
		o.finishLocked(oldest, DeliveryFailed, "outbox full")
	}
}

// send POSTs a delivery and reports the attempt.
func (o *outbox) send(d Delivery, at time.Time) Attempt {
	start := time.Now()
	a := Attempt{At: at}
	if err := o.srv.policy.checkURL(d.URL); err != nil { // by name, before any DNS lookup
		a.Error, a.refused = err.Error(), true
		o.srv.log.Warn("webhook delivery refused", "webhook", d.WebhookKey, "url", d.URL, "error", a.Error)
		return a
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.srv.opts.WebhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(d.Body))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Signature", d.Signature)
		req.Header.Set("X-Partnero-Signature", d.Signature) // the older guide's header
		req.Header.Set("User-Agent", "partnero-fake")
		var resp *http.Response
		if resp, err = o.srv.webhookClient.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			a.StatusCode = resp.StatusCode
			if resp.StatusCode < 200 || resp.StatusCode > 299 {
				a.Error = "receiver answered " + resp.Status
			}
		}
	}
	if err != nil {
		a.Error = err.Error()
		a.refused = errors.Is(err, errRefused)
	}
	a.LatencyMS = float64(time.Since(start).Microseconds()) / 1000
	o.srv.log.Info("webhook delivery", "webhook", d.WebhookKey, "url", d.URL, "status", a.StatusCode, "error", a.Error)
	return a
}

// list returns copies of the events matching f, oldest first.
func (o *outbox) list(f EventFilter) []WebhookEvent {
	o.mu.Lock()
	var candidates []WebhookEvent
	for _, ev := range o.events {
		if f.match(ev) {
			candidates = append(candidates, copyEvent(ev))
		}
	}
	o.mu.Unlock()
	out := []WebhookEvent{}
	for _, c := range candidates {
		if f.Match == nil || f.Match(c) {
			out = append(out, c)
		}
	}
	return out
}

func copyEvent(ev *WebhookEvent) WebhookEvent {
	c := *ev
	c.parsed = nil
	c.Deliveries = make([]Delivery, len(ev.Deliveries))
	for i, d := range ev.Deliveries {
		d.Attempts = append([]Attempt{}, d.Attempts...)
		c.Deliveries[i] = d
	}
	return c
}

// redeliver queues an event's deliveries again (all, or one webhook's).
func (o *outbox) redeliver(id, webhookKey string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, ev := range o.events {
		if ev.ID != id {
			continue
		}
		n := 0
		for i := range ev.Deliveries {
			d := &ev.Deliveries[i]
			if webhookKey != "" && d.WebhookKey != webhookKey || d.Status == DeliveryPending {
				continue
			}
			d.Status, d.Reason, d.NextAttemptAt, d.since = DeliveryPending, "", nil, len(d.Attempts)
			o.queues[d.WebhookKey] = append(o.queues[d.WebhookKey], &queued{ev: ev, idx: i})
			o.pending++
			n++
		}
		if n == 0 {
			return fieldErrors(map[string][]string{"webhook": {"The event has no finished delivery to that webhook."}})
		}
		o.overflowLocked()
		o.touchLocked(ev)
		o.notifyLocked()
		o.startLocked()
		return nil
	}
	return fail(store.ErrNotFound, "Event not found.")
}

func (o *outbox) setPaused(p bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.paused = p
	o.notifyLocked()
	o.startLocked()
}

// wake makes a waiting worker look again (at Close, for instance).
func (o *outbox) wake() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.notifyLocked()
}

func (o *outbox) setNext(action string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.next = action
}

// clear forgets every event; a send in flight is not recorded.
func (o *outbox) clear() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.events, o.queues, o.next, o.paused = nil, map[string][]*queued{}, "", false
	o.pending, o.inflight = 0, nil
	o.gen++
	o.notifyLocked()
}
