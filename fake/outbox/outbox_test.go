package outbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/clock"
	"github.com/partnero-fake/partnero-fake/fake/store"
)

func newTestOutbox(size int) *Outbox {
	c := clock.New(nil)
	c.FreezeAt(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC))
	return New(Config{
		Clock: c, Pool: NewPool(), Sender: &Sender{}, Size: size, MaxPending: 1000,
		Render:   func(e store.Event) ([]byte, error) { return []byte(fmt.Sprintf(`{"key":%q}`, e.Customer.Key)), nil },
		Envelope: func(e Envelope) ([]byte, error) { return e.Data, nil },
	})
}

func event(key string, hooks ...store.Webhook) store.Event {
	return store.Event{Type: store.EventCustomerCreated, Customer: &store.CustomerView{Customer: store.Customer{Key: key}}, Webhooks: hooks}
}

// TestTrimNeverDropsPending: with a cap of 2 and delivery paused, every
// pending event stays; finished events beyond the cap go, oldest first.
func TestTrimNeverDropsPending(t *testing.T) {
	o := newTestOutbox(2)
	o.SetPaused(true)
	hook := store.Webhook{Key: "wh", URL: "http://127.0.0.1:1/", Signature: "s"}
	for i := range 7 {
		o.Publish([]store.Event{event(fmt.Sprint("c", i), hook)})
	}
	if got := o.List(Filter{Status: StatusPending}); len(got) != 7 {
		t.Fatalf("paused with cap 2: %d pending events kept, want 7", len(got))
	}
	for i := range 3 { // events without webhooks finish at once: over the cap, they go
		o.Publish([]store.Event{event(fmt.Sprint("n", i))})
	}
	all := o.List(Filter{})
	if len(all) != 7 || all[0].ID != "evt_1" || all[6].ID != "evt_7" || pending(&all[0]) == false {
		t.Errorf("%d events kept, want the 7 pending ones", len(all))
	}
}

// TestRenderedOnDemand: an event is rendered when listed, not when
// published, and its deliveries are signed with the webhook's secret.
func TestRenderedOnDemand(t *testing.T) {
	o := newTestOutbox(10)
	o.SetPaused(true)
	renders := 0
	render := o.cfg.Render
	o.cfg.Render = func(e store.Event) ([]byte, error) { renders++; return render(e) }
	o.Publish([]store.Event{event("a", store.Webhook{Key: "wh", URL: "http://127.0.0.1:1/", Signature: "secret"})})
	if renders != 0 {
		t.Errorf("published: rendered %d times, want 0", renders)
	}
	ev := o.List(Filter{})[0]
	o.List(Filter{})
	if renders != 1 || string(ev.Data) != `{"key":"a"}` {
		t.Errorf("listed twice: rendered %d times, data %s", renders, ev.Data)
	}
	mac := hmac.New(sha256.New, []byte("secret"))
	mac.Write([]byte(`{"key":"a"}`))
	if d := ev.Deliveries[0]; d.Signature != hex.EncodeToString(mac.Sum(nil)) || string(d.Body) != `{"key":"a"}` {
		t.Errorf("delivery body %s, signature %q", d.Body, d.Signature)
	}
}

// finishedCount recounts o.finished.
func finishedCount(o *Outbox) (have, want int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, ev := range o.events {
		if !pending(ev) {
			want++
		}
	}
	return o.finished, want
}

// TestFinishedCount follows the count of finished events that lets a trim
// skip its full pass: through publishing, overflow, trimming and
// redelivery.
func TestFinishedCount(t *testing.T) {
	o := newTestOutbox(2)
	o.cfg.MaxPending = 5
	o.SetPaused(true)
	hook := store.Webhook{Key: "wh", URL: "http://127.0.0.1:1/", Signature: "s"}
	check := func(when string) {
		t.Helper()
		if have, want := finishedCount(o); have != want {
			t.Fatalf("%s: finished counted %d, want %d", when, have, want)
		}
	}
	for i := range 8 {
		o.Publish([]store.Event{event(fmt.Sprint("c", i), hook)})
		check("publish")
		o.Publish([]store.Event{event(fmt.Sprint("n", i))})
		check("publish without webhooks")
	}
	o.cfg.Size = 20 // keep the failed deliveries, to redeliver one
	o.Publish([]store.Event{event("c8", hook), event("c9", hook)})
	check("publish")
	failed := o.List(Filter{Status: StatusFailed})
	if len(failed) == 0 {
		t.Fatal("no delivery failed on overflow")
	}
	if err := o.Redeliver(failed[len(failed)-1].ID, ""); err != nil {
		t.Fatal(err)
	}
	check("redeliver")
	o.Clear()
	check("clear")
}
