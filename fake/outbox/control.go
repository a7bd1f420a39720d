package outbox

import "github.com/partnero-fake/partnero-fake/fake/store"

// List returns copies of the events matching f, oldest first.
func (o *Outbox) List(f Filter) []Event {
	o.mu.Lock()
	var candidates []Event
	for _, ev := range o.events {
		if f.match(ev, o) {
			candidates = append(candidates, o.copyLocked(ev))
		}
	}
	o.mu.Unlock()
	out := []Event{}
	for _, c := range candidates {
		if f.Match == nil || f.Match(c) {
			out = append(out, c)
		}
	}
	return out
}

// copyLocked returns a rendered copy of an event that shares no mutable
// memory with it.
func (o *Outbox) copyLocked(ev *Event) Event {
	o.readyLocked(ev)
	c := *ev
	c.parsed, c.valid = nil, 0
	c.Deliveries = make([]Delivery, len(ev.Deliveries))
	for i, d := range ev.Deliveries {
		d.Attempts = append([]Attempt{}, d.Attempts...)
		c.Deliveries[i] = d
	}
	return c
}

// Redeliver queues an event's finished deliveries again (all, or one
// webhook's). It returns a store.ErrNotFound for an unknown event and
// ErrNothingToRedeliver when no delivery is finished.
func (o *Outbox) Redeliver(id, webhookKey string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, ev := range o.events {
		if ev.ID != id {
			continue
		}
		n, was := 0, pending(ev)
		for i := range ev.Deliveries {
			d := &ev.Deliveries[i]
			if webhookKey != "" && d.WebhookKey != webhookKey || d.Status == StatusPending {
				continue
			}
			d.Status, d.Reason, d.NextAttemptAt, d.since = StatusPending, "", nil, len(d.Attempts)
			o.queues[d.WebhookKey] = append(o.queues[d.WebhookKey], &queued{ev: ev, idx: i})
			o.pending++
			n++
		}
		if n == 0 {
			return ErrNothingToRedeliver
		}
		if !was {
			o.finished--
		}
		o.overflowLocked()
		o.touchLocked(ev)
		o.notifyLocked()
		o.startLocked()
		return nil
	}
	return &store.Error{Kind: store.ErrNotFound, Params: map[string]any{"resource": "Event"}}
}

// SetPaused holds (true) or releases deliveries; events still queue up.
func (o *Outbox) SetPaused(p bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.paused = p
	o.notifyLocked()
	o.startLocked()
}

// Paused reports whether deliveries are held.
func (o *Outbox) Paused() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.paused
}

// Wake makes a waiting worker look again (when the pool closes, say).
func (o *Outbox) Wake() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.notifyLocked()
}

// DropNext makes the next delivery vanish, recorded as dropped.
func (o *Outbox) DropNext() { o.setNext("drop") }

// DuplicateNext makes the next delivery arrive twice.
func (o *Outbox) DuplicateNext() { o.setNext("duplicate") }

func (o *Outbox) setNext(action string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.next = action
}

// Clear forgets every event; a send in flight is not recorded.
func (o *Outbox) Clear() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.events, o.queues, o.next, o.paused = nil, map[string][]*queued{}, "", false
	o.pending, o.finished, o.inflight = 0, 0, nil
	o.flying, o.flight = map[string]int{}, 0
	o.gen++
	o.notifyLocked()
}

// Delete clears the outbox for good: its long-polls end with ErrGone, its
// connections close.
func (o *Outbox) Delete() {
	o.Clear()
	close(o.gone)
	if o.cfg.Sender != nil {
		o.cfg.Sender.closeOf(o)
	}
}
