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

// dueLocked returns the pending delivery to send now, or how long (on a
// running clock) until one is due. Of each webhook's queue, the first
// delivery not in flight is a candidate: a first attempt at once, behind
// the ones in flight, unless a retry is in flight; a retry once due and
// nothing of that webhook is in flight. So a retry goes alone, and a
// failed delivery is overtaken only by those already sent behind it when
// it failed. The candidate of the oldest event goes first.
func (o *Outbox) dueLocked(now time.Time) (*queued, time.Duration) {
	var best *queued
	wait := time.Duration(-1)
	for key, queue := range o.queues {
		var h *queued
		for _, q := range queue {
			if q.sent == 0 {
				h = q
				break
			}
			if q.ev.Deliveries[q.idx].NextAttemptAt != nil {
				break // a retry in flight: nothing goes behind it
			}
		}
		if h == nil {
			continue
		}
		if d := &h.ev.Deliveries[h.idx]; d.NextAttemptAt != nil {
			if o.flying[key] > 0 {
				continue // a retry goes alone, after the answers in flight
			}
			if d.NextAttemptAt.After(now) {
				if w := d.NextAttemptAt.Sub(now); wait < 0 || w < wait {
					wait = w
				}
				continue
			}
		}
		if best == nil || h.ev.seq < best.ev.seq {
			best = h
		}
	}
	return best, wait
}

// run is the worker: it writes due deliveries to their receivers'
// connections, a window of them in flight on each, and sleeps until an
// answer comes, the next retry is due (on the tenant's clock) or something
// changes. It returns when nothing is left to send and nothing is in
// flight, or, once nothing is in flight, when paused or closing.
func (o *Outbox) run() {
	defer o.cfg.Pool.workers.Done()
	var dirty []*conn     // written, not flushed
	var closing time.Time // when the worker saw the pool closing
	for {
		o.mu.Lock()
		closed := o.cfg.Pool.closing()
		stop := o.paused || len(o.queues) == 0 || closed
		var q *queued
		var wait time.Duration
		ticked := o.cfg.Clock.Changed() // before reading it: a change after wakes the sleep
		clk := o.cfg.Clock.State()
		if !stop {
			q, wait = o.dueLocked(clk.Now)
			if q != nil && o.target.url == q.ev.Deliveries[q.idx].URL {
				if c := o.conns[o.target.t.dest]; c != nil && !c.room() {
					// No room where it most likely goes: wait for an
					// answer before looking the webhook up.
					q = nil
				}
			}
		}
		if q == nil && len(dirty) > 0 {
			o.mu.Unlock()
			dirty = flush(dirty)
			continue
		}
		if stop && o.flight == 0 {
			o.running = false
			o.mu.Unlock()
			return
		}
		if q == nil {
			changed := o.watchLocked()
			o.mu.Unlock()
			if stop {
				ticked, wait = nil, -1
			}
			if closed {
				// The answers in flight get one timeout in all; then the
				// connections close and those still unanswered fail.
				if closing.IsZero() {
					closing = time.Now()
				}
				if wait = o.cfg.Sender.Timeout - time.Since(closing); wait <= 0 {
					for _, c := range o.conns {
						c.fail()
					}
					wait = -1 // their readers report the failures
				}
			}
			o.sleep(changed, ticked, clk.Frozen && !closed, wait)
			continue
		}
		key := q.ev.Deliveries[q.idx].WebhookKey
		gen := o.gen
		o.inflight = q
		changed := o.watchLocked()
		o.mu.Unlock()

		c, full := o.attempt(q, key, gen, clk.Now, func() { dirty = flush(dirty) })
		if c != nil && !slices.Contains(dirty, c) {
			dirty = append(dirty, c)
		}
		if full {
			dirty = flush(dirty)
			<-changed // an answer, or another change
		}
	}
}

// flush sends what was written to each connection.
func flush(dirty []*conn) []*conn {
	for _, c := range dirty {
		c.flush()
	}
	return dirty[:0]
}

// attempt makes one attempt of a delivery, q (o.inflight), to the webhook
// as it is now: dropped if the webhook is gone, refused by the destination
// policy, or written to a connection to the receiver, returned. When that
// connection has no room (full), the delivery is left to be picked again.
// Before it dials a new connection it calls flushFirst, which sends what
// is written to other connections: their answer deadlines already run,
// and a slow dial must not hold them back.
func (o *Outbox) attempt(q *queued, key string, gen int, at time.Time, flushFirst func()) (_ *conn, full bool) {
	w, reason := o.live(key, q.ev.Type)
	var t target
	var c *conn
	var err error
	if reason == "" {
		if w.URL != o.target.url {
			o.target.url = w.URL
			o.target.t, o.target.err = parseTarget(w.URL)
			o.target.refused = nil
			if s := o.cfg.Sender; o.target.err == nil && s.Check != nil {
				if e := s.Check(w.URL); e != nil {
					o.target.refused = refusal{e}
				}
			}
		}
		if t, err = o.target.t, o.target.err; err == nil {
			c = o.conns[t.dest]
		}
	}

	o.mu.Lock()
	if gen != o.gen || o.inflight != q {
		o.mu.Unlock()
		return nil, false // cleared meanwhile
	}
	if reason != "" {
		o.finishLocked(q, StatusDropped, reason)
		o.mu.Unlock()
		return nil, false
	}
	if c != nil && c.closed() {
		c = nil // its reader reported what it carried: dial again
	}
	if best, _ := o.dueLocked(at); best != q || c != nil && !c.room() {
		// Checked again under the outbox's lock, where an answer makes
		// room and is recorded at once: a failure is known before the
		// next send.
		o.inflight = nil
		o.mu.Unlock()
		return nil, best == q
	}
	o.renderLocked(q.ev)
	o.address(q.ev, &q.ev.Deliveries[q.idx], w)
	d := q.ev.Deliveries[q.idx]
	action := o.next
	o.next = ""
	if action == "drop" {
		o.recordLocked(q, nil, true)
		o.mu.Unlock()
		return nil, false
	}
	r := &send{o: o, q: q, gen: gen, d: d, at: at}
	n := 1
	if action == "duplicate" {
		n = 2
	}
	q.sent = n
	o.flying[key]++
	o.flight += n
	o.inflight = nil
	o.mu.Unlock()

	s := o.cfg.Sender
	if err == nil {
		err = o.target.refused
	}
	fresh := false
	if err == nil && c == nil {
		for dest, c := range o.conns {
			if c.closed() {
				delete(o.conns, dest) // closed by its receiver, or idle too long
			}
		}
		flushFirst()
		if c, err = s.dial(o, t); err == nil {
			o.conns[t.dest] = c
			fresh = true
		}
	}
	for i := range n {
		r := r
		if i > 0 {
			r = &send{o: o, q: q, gen: gen, d: d, at: at, dup: true}
		}
		switch {
		case err == nil && c.write(r, t):
		case err == nil && !fresh:
			// The connection closed since the room was checked: the
			// deliveries it carried go again first, then this one.
			o.putBack(r)
		default:
			if err == nil {
				err = errClosedIdle
			}
			a := s.failed(r, err)
			s.logAttempt(d, a)
			o.complete(r, a)
		}
	}
	return c, false
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
