package container_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/partnero-fake/partnero-fake/fake"
	"github.com/partnero-fake/partnero-fake/testkit"
)

// hookReceiver is the application under test's webhook endpoint: it
// verifies the Signature header with the secret from POST /v1/webhooks.
type hookReceiver struct {
	srv      *httptest.Server
	mu       sync.Mutex
	secret   string
	failNext int
	events   []string
	bodies   []map[string]any
	badSigs  int
}

func newHookReceiver(t *testing.T) *hookReceiver {
	h := &hookReceiver{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		mac := hmac.New(sha256.New, []byte(h.secret))
		mac.Write(body)
		if !hmac.Equal([]byte(r.Header.Get("Signature")), []byte(hex.EncodeToString(mac.Sum(nil)))) {
			h.badSigs++
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if h.failNext > 0 {
			h.failNext--
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		var doc map[string]any
		_ = json.Unmarshal(body, &doc)
		h.events = append(h.events, doc["event"].(string))
		h.bodies = append(h.bodies, doc)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookReceiver) register(t *testing.T, c *testkit.Client, events ...string) testkit.Webhook {
	w := c.CreateWebhook(t, h.srv.URL+"/partnero", events...)
	h.mu.Lock()
	h.secret = w.Signature
	h.mu.Unlock()
	return w
}

// webhookTransports runs a scenario in-process and against the shared
// container when the container can reach the host's loopback (host
// networking, as in CI).
func webhookTransports(t *testing.T, scenario func(t *testing.T, c *testkit.Client)) {
	t.Run("in-process", func(t *testing.T) {
		t.Parallel()
		scenario(t, testkit.Start(t, testkit.WithFrozenClock(frozen)).Client)
	})
	t.Run("container", func(t *testing.T) {
		t.Parallel()
		ctr := shared(t)
		if !ctr.HostNetwork() {
			if inCI() {
				t.Fatal("CI must run containers with host networking (PARTNERO_FAKE_NETWORK=host)")
			}
			t.Skip("skipping: a container on a bridge network cannot reach a receiver on the host's loopback; set PARTNERO_FAKE_NETWORK=host")
		}
		scenario(t, ctr.Tenant(t))
	})
}

func TestWebhooksOnEveryTransport(t *testing.T) {
	webhookTransports(t, func(t *testing.T, c *testkit.Client) {
		h := newHookReceiver(t)
		w := h.register(t, c, "customer.created", "transaction.created")
		c.CreateCustomer(t, testkit.NewCustomer{Key: "customer_123"})
		c.CreateCustomer(t, testkit.NewCustomer{Key: "customer_456", ReferrerKey: "customer_123"})
		c.CreateTransaction(t, testkit.Sale{Customer: "customer_456", Key: "invoice_1", Amount: 100})
		c.AwaitWebhook(t, fake.EventFilter{Type: "transaction.created", Status: fake.DeliveryDelivered}, 10*time.Second)
		h.mu.Lock()
		defer h.mu.Unlock()
		if want := []string{"customer.created", "customer.created", "transaction.created"}; len(h.events) != 3 || h.events[2] != want[2] || h.badSigs != 0 {
			t.Fatalf("received %v (bad signatures %d)", h.events, h.badSigs)
		}
		env := h.bodies[2]
		if env["webhook_key"] != w.Key || env["url"] != h.srv.URL+"/partnero" || env["created_at"] != "2025-05-09T17:42:13.000000Z" {
			t.Errorf("envelope: %v", env)
		}
		if data := env["data"].(map[string]any); data["key"] != "invoice_1" || data["amount"] != 100.0 {
			t.Errorf("data: %v", data)
		}
	})
}

func TestWebhookRetriesOnEveryTransport(t *testing.T) {
	webhookTransports(t, func(t *testing.T, c *testkit.Client) {
		h := newHookReceiver(t)
		h.failNext = 2
		h.register(t, c, "customer.created")
		c.CreateCustomer(t, testkit.NewCustomer{Key: "a"})
		c.AwaitWebhook(t, fake.EventFilter{MinAttempts: 1}, 10*time.Second)
		c.AdvanceClock(t, 10*time.Second)
		c.AwaitWebhook(t, fake.EventFilter{MinAttempts: 2}, 10*time.Second)
		c.AdvanceClock(t, 20*time.Second)
		ev := c.AwaitWebhook(t, fake.EventFilter{Status: fake.DeliveryDelivered}, 10*time.Second)
		if n := len(ev.Deliveries[0].Attempts); n != 3 {
			t.Errorf("attempts = %d, want 3", n)
		}

		// A receiver that always fails: every attempt is recorded, nothing lost.
		h.mu.Lock()
		h.failNext = 1 << 30
		h.mu.Unlock()
		c.CreateCustomer(t, testkit.NewCustomer{Key: "b"})
		for i := 1; i <= 6; i++ {
			c.AwaitWebhook(t, fake.EventFilter{Data: map[string]string{"key": "b"}, MinAttempts: i}, 10*time.Second)
			c.AdvanceClock(t, time.Hour)
		}
		failed := c.AwaitWebhook(t, fake.EventFilter{Data: map[string]string{"key": "b"}, Status: fake.DeliveryFailed}, 10*time.Second)
		if n := len(failed.Deliveries[0].Attempts); n != 6 {
			t.Errorf("attempts = %d, want 6 (1 + 5 retries)", n)
		}
		if got := c.WebhookEvents(t, fake.EventFilter{}); len(got) != 2 {
			t.Errorf("outbox holds %d events, want both", len(got))
		}
	})
}
