package store

import (
	"net/url"
	"slices"
	"strconv"
	"time"
)

// rafEvents are the webhook events a refer-a-friend program supports.
var rafEvents = []string{
	EventCustomerCreated, EventCustomerUpdated, EventCustomerDeleted,
	EventTransactionCreated, EventTransactionDeleted, EventCustomerCredited, EventCustomerRewarded,
}

// WebhookEvents returns the webhook events a refer-a-friend program
// supports.
func WebhookEvents() []string { return slices.Clone(rafEvents) }

// Webhook is a registered webhook.
type Webhook struct {
	// Key identifies the webhook (12 characters when generated).
	Key string `json:"key"`
	// Name labels it.
	Name string `json:"name"`
	// URL receives the deliveries.
	URL string `json:"url"`
	// Events are the event types it receives.
	Events []string `json:"events"`
	// IsActive false stops deliveries.
	IsActive bool `json:"is_active"`
	// Signature is the secret deliveries are signed with (16 characters).
	Signature string `json:"signature"`
	// CreatedAt is when it was registered.
	CreatedAt time.Time `json:"created_at"`

	seq int64
}

// NewWebhook is the input of CreateWebhook.
type NewWebhook struct {
	Key, Name, URL string
	Events         []string
	IsActive       *bool
}

// WebhookUpdate changes a webhook; nil fields stay as they are.
type WebhookUpdate struct {
	Name, URL *string
	Events    *[]string
	IsActive  *bool
}

func checkWebhook(name, u string, events []string) error {
	if name == "" {
		return invalid("name", RuleRequired)
	}
	if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return invalid("url", RuleURL)
	}
	if len(events) == 0 {
		return invalid("events", RuleRequired)
	}
	seen := map[string]bool{}
	for i, e := range events {
		f := "events." + strconv.Itoa(i)
		switch {
		case seen[e]:
			return invalid(f, RuleDistinct, "attribute", "events")
		case !slices.Contains(rafEvents, e):
			return invalid(f, RuleEventSupported, "event", e)
		}
		seen[e] = true
	}
	return nil
}

// CreateWebhook registers a webhook. It returns ErrInvalid for a missing
// name, an invalid URL, an empty or unsupported event list, or a taken key.
func (s *Store) CreateWebhook(in NewWebhook) (Webhook, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	if err := checkWebhook(in.Name, in.URL, in.Events); err != nil {
		return Webhook{}, err
	}
	if err := room("webhooks", len(st.webhookOrder), 1, s.limits.Webhooks); err != nil {
		return Webhook{}, err
	}
	if in.Key != "" && st.webhooks.has(in.Key) {
		return Webhook{}, taken("key")
	}
	if in.Key == "" {
		in.Key = s.uniqueID(st, "webhook.key", st.webhooks.has)
	}
	st.seq++
	w := &Webhook{
		Key: in.Key, Name: in.Name, URL: in.URL, Events: slices.Clone(in.Events), IsActive: true,
		Signature: s.generate(st, "webhook.signature", 16, alnum), CreatedAt: s.timestamp(), seq: st.seq,
	}
	if in.IsActive != nil {
		w.IsActive = *in.IsActive
	}
	st.webhooks.put(st, w.Key, w)
	st.webhookOrder = append(st.webhookOrder, w)
	return w.clone(), nil
}

// Webhook returns a webhook. It returns ErrNotFound.
func (s *Store) Webhook(key string) (Webhook, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.st.webhooks.at(key)
	if w == nil {
		return Webhook{}, notFound("Webhook")
	}
	return w.clone(), nil
}

// ListWebhooks returns a page of webhooks in registration order.
func (s *Store) ListWebhooks(p Paging) Page[Webhook] {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	return pageOf(st.webhookOrder, p, func(e *Webhook) Webhook { return st.webhooks.at(e.Key).clone() })
}

// UpdateWebhook changes a webhook. It returns ErrNotFound or ErrInvalid.
func (s *Store) UpdateWebhook(key string, u WebhookUpdate) (Webhook, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	old := st.webhooks.at(key)
	if old == nil {
		return Webhook{}, notFound("Webhook")
	}
	w := *old
	if u.Name != nil {
		w.Name = *u.Name
	}
	if u.URL != nil {
		w.URL = *u.URL
	}
	if u.Events != nil {
		w.Events = slices.Clone(*u.Events)
	}
	if u.IsActive != nil {
		w.IsActive = *u.IsActive
	}
	if err := checkWebhook(w.Name, w.URL, w.Events); err != nil {
		return Webhook{}, err
	}
	st.webhooks.put(st, key, &w)
	return w.clone(), nil
}

// DeleteWebhook removes a webhook. It returns ErrNotFound.
func (s *Store) DeleteWebhook(key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	w := st.webhooks.at(key)
	if w == nil {
		return notFound("Webhook")
	}
	st.webhooks.del(st, key)
	st.webhookOrder = removeEntry(st.webhookOrder, w)
	return nil
}

// clone returns w with its own event list.
func (w Webhook) clone() Webhook {
	w.Events = slices.Clone(w.Events)
	return w
}

// subscribers returns the active webhooks that receive an event type, in
// registration order.
func (st *state) subscribers(event string) []Webhook {
	var out []Webhook
	for _, e := range st.webhookOrder {
		if w := st.webhooks.at(e.Key); w.IsActive && slices.Contains(w.Events, event) {
			out = append(out, w.clone())
		}
	}
	return out
}
