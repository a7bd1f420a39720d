package outbox

import "context"

// Long-polls (Await) register a waiter with the outbox. A change to an
// event is offered only to the waiters it can wake: those waiting for its
// type and those waiting for any type, and, for waiters filtering on data,
// only those whose first data value the event has. A waiter that cannot be
// woken costs a write nothing; the others cost one check of the cheap
// filter fields against the one changed event. No goroutine wakes unless
// that check passes.

// waiter is one long-poll.
type waiter struct {
	f     Filter
	key   waitKey
	hits  []Event       // changed events that pass f.match; guarded by Outbox.mu
	ready chan struct{} // signalled when hits grows
}

// waitKey is what a change must carry to wake a waiter: the event type it
// waits for ("" any) and, when it filters on data, one data path and the
// value wanted there (the first path in order).
type waitKey struct{ typ, path, value string }

func keyOf(f Filter) waitKey {
	k := waitKey{typ: f.Type}
	for p, v := range f.Data {
		if k.path == "" || p < k.path {
			k.path, k.value = p, v
		}
	}
	return k
}

func (o *Outbox) addWaiterLocked(w *waiter) {
	set := o.waiting[w.key]
	if set == nil {
		set = map[*waiter]struct{}{}
		o.waiting[w.key] = set
	}
	set[w] = struct{}{}
	if w.key.path != "" {
		o.paths[w.key.path]++
	}
}

func (o *Outbox) removeWaiter(w *waiter) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.waiting[w.key], w)
	if len(o.waiting[w.key]) == 0 {
		delete(o.waiting, w.key)
	}
	if w.key.path != "" {
		if o.paths[w.key.path]--; o.paths[w.key.path] == 0 {
			delete(o.paths, w.key.path)
		}
	}
}

// touchLocked offers a new or changed event to the waiters it can wake:
// a few map lookups per data path in use, then the full cheap filter of
// those waiters only.
func (o *Outbox) touchLocked(ev *Event) {
	if len(o.waiting) == 0 {
		return
	}
	for _, typ := range [2]string{ev.Type, ""} {
		o.offerLocked(ev, waitKey{typ: typ})
	}
	for path := range o.paths {
		if v, ok := o.value(ev, path); ok {
			for _, typ := range [2]string{ev.Type, ""} {
				o.offerLocked(ev, waitKey{typ: typ, path: path, value: v})
			}
		}
	}
}

func (o *Outbox) offerLocked(ev *Event, k waitKey) {
	for w := range o.waiting[k] {
		o.checks++
		if !w.f.match(ev, o) {
			continue
		}
		w.hits = append(w.hits, o.copyLocked(ev))
		select {
		case w.ready <- struct{}{}:
		default:
		}
	}
}

// Await waits until an event matches f, or ctx ends (ctx.Err()), the pool
// closes (ErrClosed) or the outbox is deleted (ErrGone). It scans the
// outbox once; after that it looks only at the events that changed.
func (o *Outbox) Await(ctx context.Context, f Filter) (Event, error) {
	o.mu.Lock()
	var candidates []Event
	for _, ev := range o.events {
		if f.match(ev, o) {
			candidates = append(candidates, o.copyLocked(ev))
			if f.Match == nil {
				break
			}
		}
	}
	w := &waiter{f: f, key: keyOf(f), ready: make(chan struct{}, 1)}
	o.addWaiterLocked(w)
	o.mu.Unlock()
	defer o.removeWaiter(w)
	for {
		for _, c := range candidates {
			if f.Match == nil || f.Match(c) {
				return c, nil
			}
		}
		select {
		case <-w.ready:
		case <-ctx.Done():
			return Event{}, ctx.Err()
		case <-o.cfg.Pool.Done():
			return Event{}, ErrClosed
		case <-o.gone:
			return Event{}, ErrGone
		}
		o.mu.Lock()
		candidates, w.hits = w.hits, nil
		o.mu.Unlock()
	}
}

// WaiterStats reports the long-polls registered, the data paths they
// filter on, and how many waiter filters changes have checked so far (for
// tests of the waking rules above).
func (o *Outbox) WaiterStats() (waiters, paths, checks int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, set := range o.waiting {
		waiters += len(set)
	}
	return waiters, len(o.paths), o.checks
}
