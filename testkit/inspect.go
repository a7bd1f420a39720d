package testkit

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/partnero-fake/partnero-fake/fake"
)

// Read-only helpers over the control-plane endpoints the inspector
// (/_fake/ui) uses; see the README's Inspector section.

// Tenants lists the fake's tenants: only this client's, unless the fake
// runs with fake.Options.ListTenantKeys (--list-tenant-keys), which lists
// every tenant with its key.
func (c *Client) Tenants(tb TB) []fake.TenantInfo {
	tb.Helper()
	return data[[]fake.TenantInfo](c, tb, http.MethodGet, "/_fake/tenants", nil)
}

// Overview returns the tenant at a glance: program settings and reward
// rules, counts, webhooks, clock, snapshots.
func (c *Client) Overview(tb TB) fake.Overview {
	tb.Helper()
	return data[fake.Overview](c, tb, http.MethodGet, "/_fake/overview", nil)
}

// FindCustomers returns one page (from 1; limit 1 to 100) of the customers
// whose id, key, email or name contains text, ignoring case, and how many
// match in all.
func (c *Client) FindCustomers(tb TB, text string, page, limit int) ([]Customer, int) {
	tb.Helper()
	q := url.Values{"q": {text}, "page": {strconv.Itoa(page)}, "limit": {strconv.Itoa(limit)}}
	var out struct {
		Data []Customer
		Meta struct{ Total int }
	}
	c.call(tb, http.MethodGet, "/_fake/customers?"+q.Encode(), nil, &out)
	return out.Data, out.Meta.Total
}

// ReferralNode is a customer in a referral tree.
type ReferralNode struct {
	ID             string         `json:"id"`
	Key            string         `json:"key"`
	Email          string         `json:"email"`
	Name           string         `json:"name"`
	Surname        string         `json:"surname"`
	Status         string         `json:"status"`
	ReferralsCount int            `json:"referrals_count"`
	Referrals      []ReferralNode `json:"referrals"`
}

// ReferralTree returns the customers who led to ref (id, key or email), the
// top one first, and the tree of those ref referred, depth levels deep
// (1 to 5; at most 100 a node).
func (c *Client) ReferralTree(tb TB, ref string, depth int) (referrers []ReferralNode, tree ReferralNode) {
	tb.Helper()
	type inspection struct {
		Referrers []ReferralNode `json:"referrers"`
		Tree      ReferralNode   `json:"tree"`
	}
	path := "/_fake/customers/" + url.PathEscape(ref) + "?width=100&depth=" + strconv.Itoa(depth)
	out := data[inspection](c, tb, http.MethodGet, path, nil)
	return out.Referrers, out.Tree
}
