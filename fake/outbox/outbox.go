package outbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/clock"
	"github.com/partnero-fake/partnero-fake/fake/store"
)

// Errors of the outbox, for errors.Is.
var (
	// ErrClosed ends long-polls when the pool of workers closes.
	ErrClosed = errors.New("outbox closed")
	// ErrGone ends long-polls of a deleted outbox (tenant).
	ErrGone = errors.New("outbox deleted")
	// ErrNothingToRedeliver: the event has no finished delivery to that
	// webhook.
	ErrNothingToRedeliver = errors.New("no finished delivery to redeliver")
)

// Envelope is the webhook payload Partnero documents, before the fake
// renders it (Config.Envelope).
type Envelope struct {
	Event      string
	URL        string
	WebhookKey string
	CreatedAt  time.Time
	Data       json.RawMessage
}

// Config configures one tenant's Outbox.
type Config struct {
	// Clock is the tenant's clock: retries are scheduled on it.
	Clock *clock.Clock
	// Pool runs the delivery goroutines of every outbox of a server.
	Pool *Pool
	// Sender sends deliveries.
	Sender *Sender
	// Lookup returns a webhook as it is now (store.Store.Webhook).
	Lookup func(key string) (store.Webhook, error)
	// Render turns an event into its data, the resource as the API
	// returns it: valid JSON, which the outbox does not check again.
	Render func(store.Event) ([]byte, error)
	// Envelope renders the payload sent to a webhook.
	Envelope func(Envelope) ([]byte, error)
	// Size is how many finished events the outbox keeps; pending ones are
	// always kept. Zero means DefaultSize.
	Size int
	// MaxPending caps the pending deliveries; beyond, the oldest is marked
	// failed ("outbox full"). Zero means no cap.
	MaxPending int
	// Retries is how many times a failed delivery is retried.
	Retries int
	// Backoff is the first retry's delay, doubled for each next one.
	Backoff time.Duration
	// Log receives delivery and overflow lines.
	Log *slog.Logger
}

// Outbox records a tenant's events and delivers them to its webhooks: in
// order per webhook, several in flight on a connection, retried with
// exponential backoff on the tenant's clock. Its worker goroutine runs
// only while deliveries are due, in flight or waiting for a retry; each
// connection has a goroutine reading its answers. It is safe for
// concurrent use.
type Outbox struct {
	cfg Config

	mu       sync.Mutex // guards the fields below
	events   []*Event
	queues   map[string][]*queued // webhook key -> pending deliveries, in order
	seq      int
	gen      int // bumped by Clear, so a send in flight is not recorded into a new outbox
	paused   bool
	next     string // the instruction for the next delivery: "", "drop" or "duplicate"
	running  bool
	pending  int              // deliveries in queues
	finished int              // events in events with no pending delivery
	inflight *queued          // the delivery being addressed, if any
	flying   map[string]int   // webhook key -> deliveries in flight
	flight   int              // requests in flight
	conns    map[string]*conn // scheme://host:port -> connection (closed ones pruned on a dial); the worker's only
	target   struct {         // the last URL parsed and checked; the worker's only
		url     string
		t       target
		err     error
		refused error // Sender.Check's refusal
	}
	mac     hash.Hash // HMAC-SHA256 keyed with macKey
	macKey  string
	changed chan struct{}                    // closed on the first change after the worker took it (watchLocked)
	watched bool                             // the worker took changed since it was made
	waiting map[waitKey]map[*waiter]struct{} // long-polls by what can wake them
	paths   map[string]int                   // data paths in waitKeys, with their counts
	checks  int                              // waiters' filters evaluated on changes
	gone    chan struct{}                    // closed by Delete
}

// queued is a pending delivery: its event and its index in Deliveries.
type queued struct {
	ev   *Event
	idx  int
	sent int       // requests in flight (two for a duplicate-next)
	got  []Attempt // the answers of those in flight so far
}

// New returns an empty outbox.
func New(cfg Config) *Outbox {
	if cfg.Size <= 0 {
		cfg.Size = DefaultSize
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Outbox{
		cfg: cfg, queues: map[string][]*queued{}, changed: make(chan struct{}), flying: map[string]int{}, conns: map[string]*conn{},
		waiting: map[waitKey]map[*waiter]struct{}{}, paths: map[string]int{}, gone: make(chan struct{}),
	}
}

// eventID returns the id of the event numbered seq: "evt_" and seq.
func eventID(seq int) string {
	var buf [24]byte
	return string(strconv.AppendInt(append(buf[:0], "evt_"...), int64(seq), 10))
}

// notifyLocked wakes everyone waiting for a change: the worker, if it
// took the channel (nobody else waits on it).
func (o *Outbox) notifyLocked() {
	if !o.watched {
		return
	}
	close(o.changed)
	o.changed, o.watched = make(chan struct{}), false
}

// watchLocked returns a channel closed by the next change.
func (o *Outbox) watchLocked() <-chan struct{} {
	o.watched = true
	return o.changed
}

// Publish records events and queues their deliveries, in order. It is the
// store's Publish hook: it runs after the store's lock is released, and
// only does memory work; rendering waits until the event is listed,
// awaited on its data or delivered.
func (o *Outbox) Publish(events []store.Event) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := range events {
		e := &events[i]
		o.seq++
		ev := &Event{seq: o.seq, ID: eventID(o.seq), Type: e.Type, CreatedAt: e.Time, Deliveries: []Delivery{}, src: e}
		for j := range e.Webhooks {
			w := &e.Webhooks[j]
			ev.Deliveries = append(ev.Deliveries, Delivery{WebhookKey: w.Key, URL: w.URL, Status: StatusPending, Attempts: []Attempt{}, hook: w})
			o.queues[w.Key] = append(o.queues[w.Key], &queued{ev: ev, idx: len(ev.Deliveries) - 1})
			o.pending++
		}
		o.events = append(o.events, ev)
		if len(ev.Deliveries) == 0 {
			o.finished++
		}
		o.overflowLocked()
		o.trimLocked()
		o.touchLocked(ev)
	}
	o.notifyLocked()
	o.startLocked()
}

// renderLocked renders an event's data once.
func (o *Outbox) renderLocked(ev *Event) {
	if ev.src == nil {
		return
	}
	data, err := o.cfg.Render(*ev.src)
	if err != nil {
		o.cfg.Log.Error("webhook event", "event", ev.Type, "error", err)
		data = []byte("{}")
	}
	ev.Data, ev.src, ev.valid = data, nil, 1
}

// readyLocked renders an event and addresses its deliveries not addressed
// yet, to the webhooks as they were at the event.
func (o *Outbox) readyLocked(ev *Event) {
	o.renderLocked(ev)
	for i := range ev.Deliveries {
		if d := &ev.Deliveries[i]; d.hook != nil {
			o.address(ev, d, *d.hook)
		}
	}
}

// value returns an event's data at a dotted path.
func (o *Outbox) value(ev *Event, path string) (string, bool) {
	o.renderLocked(ev)
	return ev.Value(path)
}

// address sets a delivery's URL, body and signature for a webhook: the
// HMAC-SHA256 of the body with the webhook's secret, hex-encoded.
func (o *Outbox) address(ev *Event, d *Delivery, w store.Webhook) {
	body, err := o.cfg.Envelope(Envelope{Event: ev.Type, URL: w.URL, WebhookKey: w.Key, CreatedAt: ev.CreatedAt, Data: ev.Data})
	if err != nil {
		o.cfg.Log.Error("webhook envelope", "event", ev.ID, "error", err)
	}
	if o.mac == nil || o.macKey != w.Signature {
		o.mac, o.macKey = hmac.New(sha256.New, []byte(w.Signature)), w.Signature
	}
	o.mac.Reset()
	o.mac.Write(body)
	var sum [sha256.Size]byte
	d.URL, d.Body, d.Signature, d.hook = w.URL, body, hex.EncodeToString(o.mac.Sum(sum[:0])), nil
}

// answered records the answer to the oldest request on a connection.
func (o *Outbox) answered(c *conn, a Attempt, keep bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.landLocked(c.pop(keep), &a)
}

// putBack takes back a request never written: the delivery goes again.
func (o *Outbox) putBack(r *send) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.landLocked(r, nil)
}

// complete records a failed attempt of a request never written.
func (o *Outbox) complete(r *send, a Attempt) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.landLocked(r, &a)
}

// landLocked takes a request out of flight with its attempt, or none when
// the receiver never read it: then the delivery goes again. A delivery
// sent twice (duplicate-next) is recorded once both are back.
func (o *Outbox) landLocked(r *send, a *Attempt) {
	if r.gen != o.gen {
		o.notifyLocked() // cleared meanwhile; its room on the connection is free again
		return
	}
	if a != nil {
		a.Duplicate = r.dup
		r.q.got = append(r.q.got, *a)
	}
	o.landedLocked(r.q)
}

// landedLocked counts one request of q out of flight; after the last, its
// answers are recorded, or, with none, it waits to be sent again.
func (o *Outbox) landedLocked(q *queued) {
	q.sent--
	o.flight--
	if q.sent > 0 {
		o.notifyLocked() // room freed on a connection
		return
	}
	key := q.ev.Deliveries[q.idx].WebhookKey
	if o.flying[key]--; o.flying[key] <= 0 {
		delete(o.flying, key)
	}
	got := q.got
	q.got = nil
	if len(got) == 0 {
		o.notifyLocked()
		return
	}
	if got[0].Duplicate { // the first copy went unanswered: the second is the attempt
		got[0].Duplicate = false
	}
	o.recordLocked(q, got, false)
}

// trimLocked drops the oldest finished events beyond the outbox size.
// Pending events are never dropped: nothing is lost. Finished events at the
// front go first (O(1) each); a full pass runs only when pending events at
// the front hold back twice the size and finished events sit behind them
// (so a burst of pending events, delivered in order, never pays for one).
func (o *Outbox) trimLocked() {
	size := o.cfg.Size
	for len(o.events) > size && !pending(o.events[0]) {
		o.events[0] = nil
		o.events = o.events[1:]
		o.finished--
	}
	if len(o.events) <= 2*size || o.finished == 0 {
		return
	}
	excess := len(o.events) - size
	kept := make([]*Event, 0, len(o.events))
	for _, ev := range o.events {
		if excess > 0 && !pending(ev) {
			excess--
			o.finished--
			continue
		}
		kept = append(kept, ev)
	}
	o.events = kept
}

// MaxAttempts is how many attempts a delivery keeps; older ones of earlier
// redeliveries are counted in AttemptsDropped.
const MaxAttempts = 50

// recordLocked stores the outcome of a delivery's attempts.
func (o *Outbox) recordLocked(q *queued, attempts []Attempt, dropped bool) {
	d := &q.ev.Deliveries[q.idx]
	d.Attempts = append(d.Attempts, attempts...)
	if over := min(len(d.Attempts)-MaxAttempts, d.since); over > 0 {
		// Redelivered again and again: keep the newest attempts, never
		// those of the current round.
		d.Attempts = append([]Attempt(nil), d.Attempts[over:]...)
		d.since -= over
		d.AttemptsDropped += over
	}
	ok := len(attempts) > 0 && attempts[0].Error == ""
	tries := 0
	for _, a := range d.Attempts[d.since:] {
		if !a.Duplicate {
			tries++
		}
	}
	switch {
	case dropped:
		o.finishLocked(q, StatusDropped, "drop-next instruction")
	case ok:
		o.finishLocked(q, StatusDelivered, "")
	case attempts[0].refused:
		o.finishLocked(q, StatusFailed, "destination refused by the webhook policy")
	case tries > o.cfg.Retries:
		o.finishLocked(q, StatusFailed, "retries exhausted")
	default:
		next := o.cfg.Clock.Now().Add(o.cfg.Backoff << min(tries-1, 20))
		d.NextAttemptAt = &next
		if o.inflight == q {
			o.inflight = nil
		}
		o.touchLocked(q.ev)
		o.notifyLocked()
	}
}

// finishLocked ends a pending delivery with a status and takes it off its
// queue.
func (o *Outbox) finishLocked(q *queued, status, reason string) {
	d := &q.ev.Deliveries[q.idx]
	was := pending(q.ev)
	d.Status, d.Reason, d.NextAttemptAt = status, reason, nil
	if was && !pending(q.ev) {
		o.finished++
	}
	if o.inflight == q {
		o.inflight = nil
	}
	key := d.WebhookKey
	switch queue := o.queues[key]; slices.Index(queue, q) {
	case -1:
	case 0: // the usual case: no copy of the rest of the queue
		queue[0] = nil
		o.queues[key] = queue[1:]
		o.pending--
	default:
		i := slices.Index(queue, q)
		o.queues[key] = slices.Delete(queue, i, i+1)
		o.pending--
	}
	if len(o.queues[key]) == 0 {
		delete(o.queues, key)
	}
	o.trimLocked()
	o.touchLocked(q.ev)
	o.notifyLocked()
}

// overflowLocked keeps at most MaxPending deliveries pending: the oldest
// beyond (but the one being sent) are marked failed, "outbox full", and
// logged. Nothing is dropped silently.
func (o *Outbox) overflowLocked() {
	for o.cfg.MaxPending > 0 && o.pending > o.cfg.MaxPending {
		var oldest *queued
		for _, queue := range o.queues {
			for _, q := range queue {
				if q != o.inflight && q.sent == 0 {
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
		o.cfg.Log.Warn("webhook outbox full: oldest pending delivery marked failed",
			"event", oldest.ev.ID, "webhook", d.WebhookKey, "max_pending", o.cfg.MaxPending)
		o.finishLocked(oldest, StatusFailed, "outbox full")
	}
}
