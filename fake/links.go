package fake

import "github.com/partnero-fake/partnero-fake/fake/store"

type linkSettingsInput struct {
	DestinationURL            *string `json:"destination_url"`
	IsAdditional              *bool   `json:"is_additional"`
	DirectTracking            *bool   `json:"direct_tracking"`
	DirectTrackingRedirect    *bool   `json:"direct_tracking_redirect"`
	DirectTrackingRedirectURL *string `json:"direct_tracking_redirect_url"`
}

type linkCreateInput struct {
	linkSettingsInput
	Key         string    `json:"key"`
	Customer    *refInput `json:"customer"`
	CustomerKey string    `json:"customer_key"`
	CustomerID  string    `json:"customer_id"`
}

// deref returns *p, or T's zero value when p is nil.
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func createReferralLink(c *call) (any, error) {
	var in linkCreateInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	owner := in.Customer.ref()
	if owner.IsZero() {
		owner = store.Ref{ID: in.CustomerID, Key: in.CustomerKey}
	}
	if owner.IsZero() {
		return nil, fieldErrors(map[string][]string{"customer": {"The customer field is required."}})
	}
	l, err := c.t.store.CreateLink(store.NewLink{
		Key: in.Key, Customer: owner,
		IsAdditional: deref(in.IsAdditional), DirectTracking: deref(in.DirectTracking),
		DirectTrackingRedirect:    deref(in.DirectTrackingRedirect),
		DirectTrackingRedirectURL: deref(in.DirectTrackingRedirectURL),
		DestinationURL:            deref(in.DestinationURL),
	})
	if err != nil {
		return nil, err
	}
	return ok(linkWire(l)), nil
}

func getReferralLink(c *call) (any, error) {
	l, err := c.t.store.Link(c.params.value("id"))
	if err != nil {
		return nil, err
	}
	return ok(linkWire(l)), nil
}

type linkUpdateInput struct {
	linkSettingsInput
	Key *string `json:"key"`
}

func updateReferralLink(c *call) (any, error) {
	var in linkUpdateInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	l, err := c.t.store.UpdateLink(c.params.value("id"), store.LinkUpdate{
		Key: in.Key, IsAdditional: in.IsAdditional, DirectTracking: in.DirectTracking,
		DirectTrackingRedirect: in.DirectTrackingRedirect, DirectTrackingRedirectURL: in.DirectTrackingRedirectURL,
		DestinationURL: in.DestinationURL,
	})
	if err != nil {
		return nil, err
	}
	return ok(linkWire(l)), nil
}

func deleteReferralLink(c *call) (any, error) {
	if err := c.t.store.DeleteLink(c.params.value("id")); err != nil {
		return nil, err
	}
	return statusOnly, nil
}

func listCustomerReferralLinks(c *call) (any, error) {
	p, err := c.t.store.CustomerLinks(c.params.value("id"), c.paging())
	if err != nil {
		return nil, err
	}
	return list(c, p, linkWire), nil
}

// searchReferralLinks finds links by id (= key) and/or owner. The owner comes
// as customer.id (PHP's customer[id]), customer_id, or the key/email forms.
func searchReferralLinks(c *call) (any, error) {
	key := firstOf(c.query, "id", "key")
	owner := store.Ref{
		ID:    firstOf(c.query, "customer.id", "customer_id"),
		Key:   firstOf(c.query, "customer.key", "customer_key"),
		Email: c.query.Get("customer.email"),
	}
	if key == "" && owner.IsZero() {
		return nil, fieldErrors(map[string][]string{"id": {"The id field is required when key / customer are not present."}})
	}
	return list(c, c.t.store.SearchLinks(key, owner, c.paging()), linkWire), nil
}
