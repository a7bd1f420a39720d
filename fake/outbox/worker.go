package outbox

import (
	"slices"
	"sync"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/store"
)

// Pool counts the delivery goroutines of every outbox of a server, so that
// closing the server can stop and wait for them.
type Pool struct {
	mu      sync.Mutex // guards closed and the Add side of wg
	closed  bool
	done    chan struct{} // closed by Close
	workers sync.WaitGroup
}

// NewPool returns an open pool.
func NewPool() *Pool { return &Pool{done: make(chan struct{})} }

// add counts a new delivery goroutine, unless the pool is closed.
func (p *Pool) add() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.workers.Add(1)
	return true
}

// closing reports whether Close was called.
func (p *Pool) closing() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// Close stops new deliveries and ends long-polls (ErrClosed). Wake the
// outboxes, then Wait for their workers. Close may be called more than
// once.
func (p *Pool) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		close(p.done)
	}
	p.closed = true
}

// Wait waits until every worker returned.
func (p *Pool) Wait() { p.workers.Wait() }

// Done is closed by Close.
func (p *Pool) Done() <-chan struct{} { return p.done }

func (o *Outbox) startLocked() {
	if o.running || o.paused || len(o.queues) == 0 {
		return
	}
	if !o.cfg.Pool.add() {
		return // closed: no more deliveries
	}
	o.running = true
	go o.run()
}

// dueLocked returns the pending delivery to send now: the due queue head
// with the oldest event; or how long (on a running clock) until one is due.
func (o *Outbox) dueLocked(now time.Time) (*queued, time.Duration) {
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
func (o *Outbox) run() {
	defer o.cfg.Pool.workers.Done()
	for {
		o.mu.Lock()
		if o.paused || len(o.queues) == 0 || o.cfg.Pool.closing() {
			o.running = false
			o.mu.Unlock()
			return
		}
		clk := o.cfg.Clock.State()
		q, wait := o.dueLocked(clk.Now)
		if q == nil {
			changed, ticked := o.changed, o.cfg.Clock.Changed()
			o.mu.Unlock()
			o.sleep(changed, ticked, clk.Frozen, wait)
			continue
		}
		key := q.ev.Deliveries[q.idx].WebhookKey
		gen := o.gen
		o.inflight = q
		o.mu.Unlock()

		// Each attempt goes to the webhook as it is now.
		w, reason := o.live(key, q.ev.Type)
		o.mu.Lock()
		if gen != o.gen {
			o.mu.Unlock()
			continue
		}
		if reason != "" {
			o.finishLocked(q, StatusDropped, reason)
			o.mu.Unlock()
			continue
		}
		o.renderLocked(q.ev)
		o.address(q.ev, &q.ev.Deliveries[q.idx], w)
		d := q.ev.Deliveries[q.idx]
		action := o.next
		o.next = ""
		o.mu.Unlock()

		var attempts []Attempt
		if action != "drop" {
			attempts = append(attempts, o.cfg.Sender.send(d, clk.Now))
			if action == "duplicate" {
				a := o.cfg.Sender.send(d, clk.Now)
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

// sleep waits for a change, a clock change or (on a running clock) the
// next retry.
func (o *Outbox) sleep(changed, ticked <-chan struct{}, frozen bool, wait time.Duration) {
	var timer *time.Timer
	var fire <-chan time.Time
	if !frozen && wait >= 0 {
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
}

// live returns the webhook a delivery goes to, as it is now, or why the
// delivery is dropped: the webhook was deleted, deactivated or no longer
// receives the event.
func (o *Outbox) live(key, event string) (store.Webhook, string) {
	if o.cfg.Lookup == nil {
		return store.Webhook{}, "webhook deleted"
	}
	w, err := o.cfg.Lookup(key)
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
