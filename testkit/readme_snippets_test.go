package testkit_test

// The Go fragments of the README's webhook section, in code that compiles
// and runs (TestReadmeGoSnippets checks the README shows them verbatim).

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/partnero-fake/partnero-fake/fake"
	"github.com/partnero-fake/partnero-fake/testkit"
)

// signUpAndBuy stands for the code under test.
func signUpAndBuy(t *testing.T, c *testkit.Client) {
	c.CreateCustomer(t, testkit.NewCustomer{Key: "alice"})
	c.CreateCustomer(t, testkit.NewCustomer{Key: "bob", ReferrerKey: "alice"})
	c.CreateTransaction(t, testkit.Sale{Customer: "bob", Key: "invoice_1", Amount: 100})
}

func TestReadmeWebhookSnippets(t *testing.T) {
	c := testkit.Start(t, testkit.WithFrozenClock(frozen)).Client
	type delivery struct {
		r    *http.Request
		body []byte
	}
	var mu sync.Mutex
	var received []delivery
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		received = append(received, delivery{r, body})
	}))
	defer receiver.Close()

	h := c.CreateWebhook(t, receiver.URL, "customer.created", "transaction.created")
	signUpAndBuy(t, c) // the code under test: a referred friend signs up and buys
	ev := c.AwaitWebhook(t, fake.EventFilter{Type: "transaction.created", Status: fake.DeliveryDelivered}, 5*time.Second)

	if ev.Type != "transaction.created" || ev.Deliveries[0].WebhookKey != h.Key {
		t.Errorf("event %+v, webhook %+v", ev, h)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(received) != 3 {
		t.Fatalf("received %d deliveries, want 3", len(received))
	}
	secret := h.Signature
	for _, d := range append(received, delivery{received[0].r, []byte("tampered")}) {
		r, body := d.r, d.body
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		ok := hmac.Equal([]byte(r.Header.Get("Signature")), []byte(hex.EncodeToString(mac.Sum(nil))))
		if want := string(body) != "tampered"; ok != want {
			t.Errorf("signature of %s verifies: %v", body, ok)
		}
	}
}
