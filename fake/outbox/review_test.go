package outbox

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/clock"
	"github.com/partnero-fake/partnero-fake/fake/store"
)

// A slow dial to receiver B must not hold back a delivery already written
// for receiver A, whose answer deadline runs from the write (found in
// review: it failed "no answer within" though A answers at once). Before,
// the worker flushed A only after B's dial.
func TestSlowDialDoesNotHoldBackOtherConnections(t *testing.T) {
	fast := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) }))
	defer fast.Close()
	c := clock.New(nil)
	c.FreezeAt(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC))
	hookA := store.Webhook{Key: "a", URL: fast.URL + "/hook", Signature: "s", IsActive: true, Events: []string{store.EventCustomerCreated}}
	hookB := store.Webhook{Key: "b", URL: "http://127.0.0.2:9/hook", Signature: "s", IsActive: true, Events: []string{store.EventCustomerCreated}}
	pool := NewPool()
	timeout := 300 * time.Millisecond
	sender := &Sender{Timeout: timeout, Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == "127.0.0.2:9" { // a receiver whose dial hangs (a blackholed host), until the dial times out
			<-ctx.Done()
			return nil, ctx.Err()
		}
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	o := New(Config{
		Clock: c, Pool: pool, Sender: sender, MaxPending: 100, Backoff: time.Hour,
		Lookup: func(k string) (store.Webhook, error) {
			if k == "a" {
				return hookA, nil
			}
			return hookB, nil
		},
		Render:   func(e store.Event) ([]byte, error) { return []byte(fmt.Sprintf(`{"key":%q}`, e.Customer.Key)), nil },
		Envelope: func(e Envelope) ([]byte, error) { return e.Data, nil },
	})
	defer func() { pool.Close(); o.Wake(); pool.Wait(); sender.Close() }()
	o.SetPaused(true)
	// A's connection first (one delivery, answered: the connection is then open).
	o.Publish([]store.Event{event("warm", hookA)})
	o.SetPaused(false)
	if _, err := o.Await(t.Context(), Filter{Status: StatusDelivered, Data: map[string]string{"key": "warm"}}); err != nil {
		t.Fatal(err)
	}
	o.SetPaused(true)
	o.Publish([]store.Event{event("toA", hookA), event("toB", hookB)})
	o.SetPaused(false)
	time.Sleep(3 * timeout)
	for _, ev := range o.List(Filter{}) {
		d := ev.Deliveries[0]
		t.Logf("%s -> %s: status %s attempts %+v", ev.ID, d.WebhookKey, d.Status, d.Attempts)
		if d.WebhookKey == "a" && len(d.Attempts) > 0 && d.Attempts[len(d.Attempts)-1].StatusCode != 200 {
			t.Errorf("delivery to the fast receiver A failed: %+v", d.Attempts)
		}
	}
}

// After Clear, the answer to a request of the old generation makes room on
// the connection, and must wake the worker (found in review: nothing woke
// it, and the next delivery waited for an unrelated change).
func TestClearDoesNotStallTheWorker(t *testing.T) {
	got := make(chan struct{}, 10)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- struct{}{}
		time.Sleep(300 * time.Millisecond)
		w.WriteHeader(200)
	}))
	defer slow.Close()
	c := clock.New(nil)
	c.FreezeAt(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC))
	hook := store.Webhook{Key: "a", URL: slow.URL + "/hook", Signature: "s", IsActive: true, Events: []string{store.EventCustomerCreated}}
	pool := NewPool()
	sender := &Sender{Timeout: 5 * time.Second}
	o := New(Config{
		Clock: c, Pool: pool, Sender: sender, MaxPending: 100, Backoff: time.Hour,
		Lookup:   func(k string) (store.Webhook, error) { return hook, nil },
		Render:   func(e store.Event) ([]byte, error) { return []byte(fmt.Sprintf(`{"key":%q}`, e.Customer.Key)), nil },
		Envelope: func(e Envelope) ([]byte, error) { return e.Data, nil },
	})
	defer func() { pool.Close(); o.Wake(); pool.Wait(); sender.Close() }()
	o.Publish([]store.Event{event("old", hook)})
	<-got // in flight
	o.Clear()
	o.Publish([]store.Event{event("new", hook)})
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	if _, err := o.Await(ctx, Filter{Status: StatusDelivered, Data: map[string]string{"key": "new"}}); err != nil {
		for _, ev := range o.List(Filter{}) {
			t.Logf("%s: %+v", ev.ID, ev.Deliveries[0])
		}
		t.Fatalf("new delivery not made within 3s of a 300ms receiver: %v", err)
	}
}
