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
