package fake

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/outbox"
)

// TestRenderEnvelope pins the hand-written envelope to the bytes
// json.Marshal gives, escapes and non-compact data included.
func TestRenderEnvelope(t *testing.T) {
	at := time.Date(2025, 3, 4, 5, 6, 7, 891234000, time.FixedZone("x", 3600))
	for _, e := range []outbox.Envelope{
		{Event: "customer.created", URL: "http://127.0.0.1:8080/hook?a=1&b=2", WebhookKey: "wh_1", CreatedAt: at, Data: json.RawMessage(`{"key":"k 1","n":[1,2]}`)},
		{Event: "x\"y\\z<>", URL: "http://127.0.0.1/é\u2028\x01", WebhookKey: "", CreatedAt: at, Data: json.RawMessage(`{}`)},
		{Event: "customer.updated", URL: "u", WebhookKey: "k", CreatedAt: at, Data: json.RawMessage("{ \"a\" : \"b c\" ,\n\"d\":1}")},
		{Event: "customer.updated", URL: "u", WebhookKey: "k", CreatedAt: at, Data: json.RawMessage(`{"a":"\" \\"}`)},
	} {
		got, err := renderEnvelope(e)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(webhookEnvelope{Event: e.Event, URL: e.URL, WebhookKey: e.WebhookKey, CreatedAt: timestamp(e.CreatedAt), Data: e.Data})
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("envelope\n got %s\nwant %s", got, want)
		}
	}
}

// TestRenderData pins an event's data, appended by hand where the document
// can, to the bytes json.Marshal gives (HTML escaped), over random
// customers, transactions and rewards with every kind of string.
func TestRenderData(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 13))
	fast := 0
	for i := range 6000 {
		var doc any
		switch i % 3 {
		case 0:
			doc = randCustomer(r)
		case 1:
			doc = randTransaction(r)
		default:
			tr := randTransaction(r)
			if len(tr.Rewards) == 0 {
				continue
			}
			doc = tr.Rewards[0]
		}
		got, err := renderData(doc)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("%T\n got %s\nwant %s", doc, got, want)
		}
		if _, ok := doc.(jsonAppender); ok && !bytes.ContainsAny(got, "<>&") {
			fast++
		}
	}
	if fast < 500 {
		t.Errorf("only %d documents took the appended path", fast)
	}
}
