package fake

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// Long-polls (AwaitWebhookEvent, GET /_fake/webhooks/await) register a
// waiter with their tenant's outbox. A change to an event is offered only to
// the waiters it can wake: those waiting for its type and those waiting for
// any type, and, for waiters filtering on data, only those whose first data
// value the event has. A waiter that cannot be woken costs a write nothing;
// the others cost one check of the cheap filter fields against the one
// changed event. No goroutine wakes unless that check passes.

// waiter is one long-poll.
type waiter struct {
	f     EventFilter
	key   waitKey
	hits  []WebhookEvent // changed events that pass f.match; guarded by outbox.mu
	ready chan struct{}  // signalled when hits grows
}

// waitKey is what a change must carry to wake a waiter: the event type it
// waits for ("" any) and, when it filters on data, one data path and the
// value wanted there (the first path in order).
type waitKey struct{ typ, path, value string }

func keyOf(f EventFilter) waitKey {
	k := waitKey{typ: f.Type}
	for p, v := range f.Data {
		if k.path == "" || p < k.path {
			k.path, k.value = p, v
		}
	}
	return k
}

func (o *outbox) addWaiterLocked(w *waiter) {
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

func (o *outbox) removeWaiter(w *waiter) {
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
func (o *outbox) touchLocked(ev *WebhookEvent) {
	if len(o.waiting) == 0 {
		return
	}
	for _, typ := range [2]string{ev.Type, ""} {
		o.offerLocked(ev, waitKey{typ: typ})
		for path := range o.paths {
			if v, ok := ev.value(path); ok {
				o.offerLocked(ev, waitKey{typ: typ, path: path, value: v})
			}
		}
	}
}

func (o *outbox) offerLocked(ev *WebhookEvent, k waitKey) {
	for w := range o.waiting[k] {
		o.checks++
		if !w.f.match(ev) {
			continue
		}
		w.hits = append(w.hits, copyEvent(ev))
		select {
		case w.ready <- struct{}{}:
		default:
		}
	}
}

// await waits until an event matches f, or ctx ends, the Server closes or
// the tenant is deleted. It scans the outbox once; after that it looks
// only at the events that changed.
func (o *outbox) await(ctx context.Context, f EventFilter) (WebhookEvent, error) {
	o.mu.Lock()
	var candidates []WebhookEvent
	for _, ev := range o.events {
		if f.match(ev) {
			candidates = append(candidates, copyEvent(ev))
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
			return WebhookEvent{}, ctx.Err()
		case <-o.srv.done:
			return WebhookEvent{}, errShuttingDown
		case <-o.gone:
			return WebhookEvent{}, errTenantGone
		}
		o.mu.Lock()
		candidates, w.hits = w.hits, nil
		o.mu.Unlock()
	}
}

// awaitError is the control plane's answer to a long-poll that ended
// without an event.
func awaitError(err error, timeout string) error {
	if errors.Is(err, ErrShuttingDown) || errors.Is(err, ErrTenantGone) {
		return err
	}
	return fail(ErrTimeout, "No matching webhook event within %s.", timeout)
}

// maxAwait is the longest a long-poll waits.
const maxAwait = time.Minute

// longPoll lifts the connection's read and write deadlines (the server's
// --read-timeout and --write-timeout) for a long-poll, which answers
// within its own timeout instead: an expired read deadline would cancel it,
// an expired write deadline lose its answer.
func longPoll(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Time{}) // not supported by every ResponseWriter; fine
		_ = rc.SetWriteDeadline(time.Now().Add(maxAwait + 30*time.Second))
		h(w, r)
	}
}
