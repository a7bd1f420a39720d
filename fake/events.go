package fake

import (
	"bytes"
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

// renderEnvelope renders a webhook payload (outbox.Config.Envelope): the
// bytes json.Marshal gives for a webhookEnvelope (TestRenderEnvelope pins
// that), appended by hand, since this runs once per delivery. Data is
// JSON from Config.Render (json.Marshal's, so valid and compact); data
// with whitespace goes through json.Marshal, which compacts it.
func renderEnvelope(e outbox.Envelope) ([]byte, error) {
	if !isCompact(e.Data) {
		return json.Marshal(webhookEnvelope{Event: e.Event, URL: e.URL, WebhookKey: e.WebhookKey, CreatedAt: timestamp(e.CreatedAt), Data: e.Data})
	}
	b := make([]byte, 0, 96+len(e.Event)+len(e.URL)+len(e.WebhookKey)+len(e.Data))
	b = append(b, `{"event":`...)
	b = appendJSONString(b, e.Event)
	b = append(b, `,"url":`...)
	b = appendJSONString(b, e.URL)
	b = append(b, `,"webhook_key":`...)
	b = appendJSONString(b, e.WebhookKey)
	b = append(b, `,"created_at":"`...)
	b = e.CreatedAt.UTC().AppendFormat(b, laravelTime)
	b = append(b, `","data":`...)
	b = append(b, e.Data...)
	return append(b, '}'), nil
}

// appendJSONString appends s as encoding/json writes it: plain printable
// ASCII as is, anything else (quotes, escapes, HTML characters, control
// characters, non-ASCII) through json.Marshal.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// isCompact reports whether valid JSON has no whitespace outside strings.
func isCompact(doc []byte) bool {
	in, esc := false, false
	for _, c := range doc {
		switch {
		case esc:
			esc = false
		case in && c == '\\':
			esc = true
		case c == '"':
			in = !in
		case !in && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			return false
		}
	}
	return true
}

// renderEvent renders an event's resource as the API returns it
// (outbox.Config.Render).
func renderEvent(e store.Event) ([]byte, error) { return renderData(eventData(e)) }

// renderData returns the bytes json.Marshal gives for v. A document that
// appends its own JSON (a customer, a transaction, a reward) does so
// without reflection: those bytes are encoding/json's with HTML escaping
// off, so they are json.Marshal's unless they hold a <, > or &, which
// json.Marshal escapes; then json.Marshal writes them (TestRenderData).
func renderData(v any) ([]byte, error) {
	if a, ok := v.(jsonAppender); ok {
		if b := a.appendJSON(make([]byte, 0, 512)); !bytes.ContainsAny(b, "<>&") {
			return b, nil
		}
	}
	return json.Marshal(v)
}

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
