package fake

import "github.com/partnero-fake/partnero-fake/fake/store"

type webhookJSON struct {
	Key       string   `json:"key"`
	Name      string   `json:"name"`
	URL       string   `json:"url"`
	Events    []string `json:"events"`
	IsActive  bool     `json:"is_active"`
	Signature string   `json:"signature"`
}

func webhookWire(w store.Webhook) webhookJSON {
	return webhookJSON{Key: w.Key, Name: w.Name, URL: w.URL, Events: w.Events, IsActive: w.IsActive, Signature: w.Signature}
}

type webhookInput struct {
	Key      string    `json:"key"`
	Name     *string   `json:"name"`
	URL      *string   `json:"url"`
	Events   *[]string `json:"events"`
	IsActive *bool     `json:"is_active"`
}

func listWebhooks(c *call) (any, error) {
	p := c.paging()
	if c.query.Get("limit") == "" {
		p.Limit = 10 // Partnero's default for webhooks
	}
	return list(c, c.t.store.ListWebhooks(p), webhookWire), nil
}

func (s *Server) createWebhook(c *call) (any, error) {
	var in webhookInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := s.checkWebhookURL(in.URL); err != nil {
		return nil, err
	}
	w, err := c.t.store.CreateWebhook(store.NewWebhook{
		Key: in.Key, Name: deref(in.Name), URL: deref(in.URL), Events: deref(in.Events), IsActive: in.IsActive,
	})
	if err != nil {
		return nil, err
	}
	return ok(webhookWire(w)), nil
}

func getWebhook(c *call) (any, error) {
	w, err := c.t.store.Webhook(c.params.value("key"))
	if err != nil {
		return nil, err
	}
	return ok(webhookWire(w)), nil
}

func (s *Server) updateWebhook(c *call) (any, error) {
	var in webhookInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := s.checkWebhookURL(in.URL); err != nil {
		return nil, err
	}
	w, err := c.t.store.UpdateWebhook(c.params.value("key"), store.WebhookUpdate{Name: in.Name, URL: in.URL, Events: in.Events, IsActive: in.IsActive})
	if err != nil {
		return nil, err
	}
	return ok(webhookWire(w)), nil
}

func deleteWebhook(c *call) (any, error) {
	if err := c.t.store.DeleteWebhook(c.params.value("key")); err != nil {
		return nil, err
	}
	return statusOnly, nil
}
