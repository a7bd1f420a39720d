package fake

import (
	"encoding/json"

	"github.com/partnero-fake/partnero-fake/fake/clock"
	"github.com/partnero-fake/partnero-fake/fake/outbox"
	"github.com/partnero-fake/partnero-fake/fake/store"
)

// The webhook outbox lives in package outbox; these names keep the fake's
// API in one place.

// Webhook delivery defaults.
const (
	// DefaultWebhookTimeout is how long a receiver has to answer.
	DefaultWebhookTimeout = outbox.DefaultTimeout
	// DefaultWebhookRetries is how many times a failed delivery is retried.
	DefaultWebhookRetries = outbox.DefaultRetries
	// DefaultWebhookBackoff is the first retry's delay on the tenant's
	// clock; each next one doubles it (10s, 20s, 40s, ...).
	DefaultWebhookBackoff = outbox.DefaultBackoff
	// DefaultOutboxSize is how many finished events an outbox keeps.
	DefaultOutboxSize = outbox.DefaultSize
)

// Delivery statuses.
const (
	DeliveryPending   = outbox.StatusPending
	DeliveryDelivered = outbox.StatusDelivered
	DeliveryFailed    = outbox.StatusFailed
	DeliveryDropped   = outbox.StatusDropped
)

type (
	// WebhookEvent is one event in a tenant's outbox with its deliveries.
	WebhookEvent = outbox.Event
	// Delivery is an event's delivery to one webhook.
	Delivery = outbox.Delivery
	// Attempt is one try of a delivery.
	Attempt = outbox.Attempt
	// EventFilter selects outbox events; zero fields match everything.
	EventFilter = outbox.Filter
)

// webhookEnvelope is the webhook payload Partnero documents.
type webhookEnvelope struct {
	Event      string          `json:"event"`
	URL        string          `json:"url"`
	WebhookKey string          `json:"webhook_key"`
	CreatedAt  timestamp       `json:"created_at"`
	Data       json.RawMessage `json:"data"`
}

// renderEnvelope renders a webhook payload (outbox.Config.Envelope).
func renderEnvelope(e outbox.Envelope) ([]byte, error) {
	return json.Marshal(webhookEnvelope{Event: e.Event, URL: e.URL, WebhookKey: e.WebhookKey, CreatedAt: timestamp(e.CreatedAt), Data: e.Data})
}

// renderEvent renders an event's resource as the API returns it
// (outbox.Config.Render).
func renderEvent(e store.Event) ([]byte, error) { return json.Marshal(eventData(e)) }

// eventData is an event's resource as the API returns it.
func eventData(e store.Event) any {
	switch {
	case e.Type == store.EventCustomerRewarded && e.Reward != nil:
		return rewardWire(*e.Reward)
	case e.Type == store.EventCustomerCredited && e.Balance != nil:
		return balanceWire(*e.Balance, store.Program{BalanceFormat: store.BalanceObject}) // never empty after a credit
	case e.Transaction != nil:
		return transactionWire(*e.Transaction)
	case e.Customer != nil:
		return customerWire(*e.Customer)
	}
	return map[string]any{}
}

// newOutbox returns a tenant's outbox.
func (s *Server) newOutbox(c *clock.Clock, lookup func(string) (store.Webhook, error)) *outbox.Outbox {
	return outbox.New(outbox.Config{
		Clock: c, Pool: s.pool, Sender: s.sender, Lookup: lookup, Render: renderEvent, Envelope: renderEnvelope,
		Size: s.opts.OutboxSize, MaxPending: s.opts.MaxPendingWebhooks,
		Retries: s.opts.WebhookRetries, Backoff: s.opts.WebhookBackoff, Log: s.log,
	})
}
