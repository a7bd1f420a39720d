package fake

import (
	"reflect"
	"testing"
)

func TestReferralLinks(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"id": "c1", "key": "k1", "email": "c1@example.com"}).want(t, 200)
	e.do("POST", "/v1/customers", map[string]any{"id": "c2", "key": "k2"}).want(t, 200)

	// customer.{id|key|email}, and the guide's customer_key spelling.
	l := e.do("POST", "/v1/customer_referral_links", map[string]any{"key": "SUMMER", "customer": map[string]any{"email": "c1@example.com"}}).want(t, 200)
	if l.str("data.id") != "SUMMER" || l.str("data.url") != "https://example.com?ref=SUMMER" || l.get("data.default") != false {
		t.Errorf("created link: %s", l.raw)
	}
	l = e.do("POST", "/v1/customer_referral_links", map[string]any{"customer_key": "k1", "destination_url": "https://example.com/signup"}).want(t, 200)
	gen := l.str("data.key")
	if len(gen) != 12 || l.str("data.url") != "https://example.com/signup?ref="+gen {
		t.Errorf("generated link: %s", l.raw)
	}

	c := e.do("GET", "/v1/customers/c1", nil).want(t, 200)
	wantLinks := []any{"https://example.com?ref=k1", "https://example.com?ref=SUMMER", "https://example.com/signup?ref=" + gen}
	if got := c.get("data.referral_links"); !reflect.DeepEqual(got, wantLinks) {
		t.Errorf("referral_links = %v, want %v", got, wantLinks)
	}
	if r := e.do("GET", "/v1/customers/c1/referral_links?limit=2", nil).want(t, 200); !reflect.DeepEqual(r.ids("key"), []string{"k1", "SUMMER"}) || r.str("links.next") == "" {
		t.Errorf("links page 1: %s", r.raw)
	}

	e.do("GET", "/v1/customer_referral_links/SUMMER", nil).want(t, 200)
	for _, q := range []string{"?id=SUMMER", "?key=SUMMER", "?customer[id]=c1&key=SUMMER", "?customer_id=c1&id=SUMMER"} {
		if r := e.do("GET", "/v1/customer_referral_links:search"+q, nil).want(t, 200); !reflect.DeepEqual(r.ids("key"), []string{"SUMMER"}) {
			t.Errorf("search %s = %v", q, r.ids("key"))
		}
	}
	if r := e.do("GET", "/v1/customer_referral_links:search?customer[id]=c2&id=SUMMER", nil).want(t, 200); len(r.items()) != 0 {
		t.Errorf("search with the wrong owner found %v", r.ids("key"))
	}
	if r := e.do("GET", "/v1/customer_referral_links:search", map[string]any{"customer": map[string]any{"id": "c1"}}).want(t, 200); len(r.items()) != 3 {
		t.Errorf("search by owner (JSON body) = %v", r.ids("key"))
	}

	u := e.do("PUT", "/v1/customer_referral_links/SUMMER", map[string]any{"key": "WINTER", "direct_tracking": true}).want(t, 200)
	if u.str("data.id") != "WINTER" || u.get("data.direct_tracking") != true {
		t.Errorf("updated link: %s", u.raw)
	}
	e.do("GET", "/v1/customer_referral_links/SUMMER", nil).want(t, 404)
	e.do("PUT", "/v1/customer_referral_links/k1", map[string]any{"key": "other"}).want(t, 422)
	e.do("PUT", "/v1/customer_referral_links/WINTER", map[string]any{"key": "k2"}).want(t, 422)

	e.do("DELETE", "/v1/customer_referral_links/WINTER", nil).want(t, 200)
	e.do("DELETE", "/v1/customer_referral_links/WINTER", nil).want(t, 404)
	if r := e.do("GET", "/v1/customers/c1", nil); len(r.get("data.referral_links").([]any)) != 2 {
		t.Errorf("after delete: %v", r.get("data.referral_links"))
	}
}

func TestProgramSettingsShapeLinks(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"key": "k1"}).want(t, 200)
	p := e.do("GET", "/v1/program", nil).want(t, 200)
	if p.str("data.program.type") != "Referral" || len(p.str("data.program.id")) != 8 || p.num("data.stats.total_customers") != 1 {
		t.Errorf("program: %s", p.raw)
	}
	r := e.do("PUT", "/v1/program", map[string]any{
		"name": "Friends", "website": "https://shop.example.org/", "referral_link_format": "path", "referral_link_parameter": "invite",
	}).want(t, 200)
	if r.str("message") != "Program updated successfully" {
		t.Errorf("update program: %s", r.raw)
	}
	if c := e.do("GET", "/v1/customers/k1", nil); c.str("data.referral_link") != "https://shop.example.org/invite/k1" {
		t.Errorf("path-format link = %q", c.str("data.referral_link"))
	}
	e.do("PUT", "/v1/program", map[string]any{"referral_link_format": "query", "website": "https://shop.example.org/?utm=1"}).want(t, 200)
	if c := e.do("GET", "/v1/customers/k1", nil); c.str("data.referral_link") != "https://shop.example.org/?utm=1&invite=k1" {
		t.Errorf("query-format link on a URL with a query = %q", c.str("data.referral_link"))
	}
	if p := e.do("GET", "/v1/program", nil); p.str("data.program.name") != "Friends" || p.str("data.program.initial") != "F" {
		t.Errorf("program after update: %s", p.raw)
	}
}
