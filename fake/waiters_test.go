package fake

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/outbox"
	"github.com/partnero-fake/partnero-fake/fake/store"
)

// TestWriteChecksOnlyWaitersItCanWake: 200 long-polls that no write can
// satisfy (another event type; a data value nobody has) cost writes nothing:
// ten writes check one waiter's filter once, the waiter whose event came.
func TestWriteChecksOnlyWaitersItCanWake(t *testing.T) {
	f, err := New(Options{FreezeAt: frozen})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	matched := 0
	for i := range 200 {
		flt := EventFilter{Type: store.EventCustomerDeleted}
		if i%2 == 1 {
			flt = EventFilter{Data: map[string]string{"key": "nobody"}}
		}
		flt.Match = func(WebhookEvent) bool {
			mu.Lock()
			defer mu.Unlock()
			matched++
			return true
		}
		wg.Add(1)
		go func() { defer wg.Done(); _, _ = f.Tenant(testKey).AwaitWebhookEvent(ctx, flt) }()
	}
	got := make(chan WebhookEvent, 1)
	go func() {
		ev, _ := f.Tenant(testKey).AwaitWebhookEvent(ctx, EventFilter{Type: store.EventCustomerCreated, Data: map[string]string{"key": "k5"}})
		got <- ev
	}()
	ob := f.tenant(testKey).outbox
	waitFor(t, func() bool { return waiters(ob) == 201 })
	for i := range 10 {
		if _, err := f.Tenant(testKey).Store().CreateCustomer(store.NewCustomer{Key: fmt.Sprint("k", i)}); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case ev := <-got:
		if ev.Type != store.EventCustomerCreated || !matchesKey(ev, "k5") {
			t.Errorf("woke with %+v", ev)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the waiter for k5 never woke")
	}
	if _, _, checks := ob.WaiterStats(); checks != 1 {
		_, _, checks := ob.WaiterStats()
		t.Errorf("10 writes checked %d waiters' filters, want 1 (the one for k5)", checks)
	}
	cancel()
	wg.Wait()
	if matched != 0 {
		t.Errorf("unrelated waiters' predicates ran %d times", matched)
	}
	if waiting, paths, _ := ob.WaiterStats(); waiting != 0 || paths != 0 {
		t.Errorf("waiters left registered: %d, on %d data paths", waiting, paths)
	}
}

func matchesKey(e WebhookEvent, key string) bool {
	v, ok := e.Value("key")
	return ok && v == key
}

// TestCloseEndsLongPolls: Close answers a pending await at once (503), so
// a shutdown never waits one out.
func TestCloseEndsLongPolls(t *testing.T) {
	e := newEnv(t, Options{})
	done := make(chan result, 1)
	go func() { done <- e.do("GET", "/_fake/webhooks/await?type=customer.deleted&timeout=60s", nil) }()
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	e.fake.Close()
	select {
	case r := <-done:
		r.want(t, 503)
		if time.Since(start) > 5*time.Second {
			t.Errorf("the long-poll took %v to end", time.Since(start))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close left the long-poll waiting")
	}
}

// waiters counts an outbox's registered long-polls.
func waiters(ob *outbox.Outbox) int {
	n, _, _ := ob.WaiterStats()
	return n
}

// waitFor polls cond until it holds (10 s at most).
func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(time.Millisecond)
	}
}
